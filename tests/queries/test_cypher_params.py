"""Cypher parameters keep their value exactly, or are refused: never clamped to another number."""
import pytest

from casegraph.errors import QueryError
from casegraph.queries.cypher import INT64_MAX, bind


def test_a_64_bit_integer_is_bound_exactly():
    assert bind(None, {"n": str(INT64_MAX)}) == ({"n": INT64_MAX}, None)


@pytest.mark.parametrize("value", ["12345678901234567890123456789", str(-(2 ** 63) - 1)])
def test_an_integer_beyond_64_bits_is_refused_not_clamped(value):
    with pytest.raises(QueryError, match="Cypher integers are 64-bit"):
        bind(None, {"n": value})
