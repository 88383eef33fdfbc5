from __future__ import annotations

import os
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


CHROMIUM = Path(os.environ.get("CASEGRAPH_TEST_CHROMIUM", "/usr/bin/chromium"))


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium (Debian's, driven by Playwright); a skip locally, a failure under CI=true.
    One for the whole session: Playwright's sync API allows one running instance per thread."""
    from tests.neo4j_fixtures import skip_or_fail

    if not CHROMIUM.exists():
        skip_or_fail(f"no Chromium at {CHROMIUM} (apt-get install chromium, or set CASEGRAPH_TEST_CHROMIUM)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("the playwright package is not installed (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield launched
        launched.close()
