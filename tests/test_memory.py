"""Pausing the cycle collector: back on afterwards, whatever happened, and a command's objects frozen."""
from __future__ import annotations

import gc

import pytest

from casegraph.memory import command_without_collection, without_cycle_collection


@pytest.fixture
def collector():
    assert gc.isenabled()
    yield
    gc.unfreeze()
    gc.enable()


def test_the_collector_is_off_inside_and_on_after_even_on_an_error(collector):
    with pytest.raises(ValueError):
        with without_cycle_collection():
            assert not gc.isenabled()
            raise ValueError("stop")
    assert gc.isenabled()


def test_as_a_decorator_and_nested_it_leaves_the_collector_as_it_found_it(collector):
    @without_cycle_collection()
    def inner() -> bool:
        return gc.isenabled()

    with without_cycle_collection():
        assert inner() is False
        assert not gc.isenabled()  # the inner one did not turn it back on
    assert inner() is False and gc.isenabled()


def test_a_command_freezes_what_it_made_so_no_pass_walks_it_again(collector):
    gc.unfreeze()
    with command_without_collection():
        made = [[i] for i in range(1000)]
    assert gc.isenabled()
    assert gc.get_freeze_count() >= len(made)
    del made  # still freed when no longer used
