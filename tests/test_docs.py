"""Documentation that stops working fails the build: review examples in the docs must load."""
from __future__ import annotations

import re

import pytest

from casegraph.loaders import load
from tests.conftest import ROOT

DOCS = [ROOT / "README.md", ROOT / "docs" / "review-format.md"]


def yaml_blocks(path):
    return re.findall(r"```yaml\n(.*?)```", path.read_text(encoding="utf-8"), flags=re.S)


@pytest.mark.parametrize("doc", DOCS, ids=[d.name for d in DOCS])
def test_review_examples_in_the_docs_load(doc, tmp_path):
    blocks = yaml_blocks(doc)
    assert blocks
    for number, block in enumerate(blocks):
        path = tmp_path / f"{doc.stem}-{number}.yaml"
        path.write_text(block, encoding="utf-8")
        review = load(path)
        assert review.quads


def test_readme_names_the_test_command_ci_runs():
    assert "scripts/run-tests" in (ROOT / ".ci" / "run").read_text()
    assert "scripts/run-tests" in (ROOT / "README.md").read_text()


def python_blocks(path):
    return re.findall(r"```python\n(.*?)```", path.read_text(encoding="utf-8"), flags=re.S)


def test_the_python_api_page_runs_as_a_notebook_would(tmp_path, monkeypatch):
    """Every code block of docs/python-api.md, in order, in one namespace, from a copy of the root."""
    pytest.importorskip("pandas")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    namespace: dict = {}
    blocks = python_blocks(ROOT / "docs" / "python-api.md")
    assert len(blocks) >= 10
    try:
        for number, block in enumerate(blocks):
            exec(compile(block, f"docs/python-api.md block {number + 1}", "exec"), namespace)
    finally:
        if "cg" in namespace:
            namespace["cg"].close()
    assert (tmp_path / "notebook-store").is_dir()
    assert namespace["candidates"], "the page's linking section decided nothing"


def test_the_readme_python_example_runs(tmp_path, monkeypatch):
    pytest.importorskip("pandas")
    monkeypatch.chdir(tmp_path)  # CASEGRAPH_STORE is a temporary store (conftest)
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    namespace: dict = {}
    (block,) = python_blocks(ROOT / "README.md")
    try:
        exec(compile(block, "README.md python block", "exec"), namespace)
    finally:
        namespace["cg"].close()
