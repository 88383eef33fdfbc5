from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["tests.neo4j_fixtures"]  # the real Neo4j server's fixtures, for every test module

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data"
MINIMAL = DATA / "reviews" / "minimal.yaml"
EXAMPLES = ROOT / "examples" / "reviews"


@pytest.fixture
def minimal_text() -> str:
    return MINIMAL.read_text(encoding="utf-8")


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "store"


@pytest.fixture(autouse=True)
def _no_user_store(monkeypatch, tmp_path):
    """Tests never touch the user's real store."""
    monkeypatch.setenv("CASEGRAPH_STORE", str(tmp_path / "default-store"))
