"""The house stays in order: every import points down the layers, nothing imports in a circle, no
module reaches into another's private names, and modules stay small. Read from the code's own
imports with `ast`, every import counted, including those deferred into functions."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "casegraph"

# Each room's layer: a module may import from its own room and from rooms of a lower layer only.
LAYERS = {
    "errors": 0, "output": 0, "memory": 0,
    "ontology": 1,
    "loaders": 2, "synthetic": 2,
    "graph": 3,
    "queries": 4, "linking": 4, "drafting": 4,
    "analysis": 5,
    "viz": 6, "exchange": 6,
    "api": 7,  # casegraph.open(): the Python API over every room below
    "": 8,  # casegraph/__init__.py, which exports it
    "commands": 9,
    "cli": 10,
}
MAX_LINES = 450
MAX_CLI_LINES = 150


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def room(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def imports(path: Path) -> list[tuple[str, list[str], int]]:
    """(module imported, names taken from it, line) for every casegraph import in the file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "casegraph":
            names = []
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                if submodule in MODULES:  # `from casegraph.linking import decisions`
                    found.append((submodule, [], node.lineno))
                else:
                    names.append(alias.name)
            found.append((node.module, names, node.lineno))
        elif isinstance(node, ast.Import):
            found += [(alias.name, [], node.lineno) for alias in node.names if alias.name.split(".")[0] == "casegraph"]
    return found


def test_every_room_has_a_layer():
    assert {room(module) for module in MODULES} <= set(LAYERS)


def test_every_import_points_down():
    upward = []
    for module, path in MODULES.items():
        for target, _, line in imports(path):
            if target == "casegraph" or room(target) == room(module):
                continue
            if LAYERS[room(target)] >= LAYERS[room(module)]:
                upward.append(f"{path.relative_to(ROOT)}:{line}: {module} imports {target}")
    assert not upward, "imports that do not point down a layer:\n" + "\n".join(upward)


def test_no_import_circles():
    graph = {module: {target for target, _, _ in imports(path) if target in MODULES and target != module}
             for module, path in MODULES.items()}
    # Importing a package's submodule runs the package's __init__ first, but an __init__ that
    # imports nothing of its submodules' importers cannot close a circle, so edges are enough.
    state: dict[str, int] = {}
    circles = []

    def visit(module: str, trail: list[str]) -> None:
        state[module] = 1
        for target in sorted(graph[module]):
            if state.get(target) == 1:
                circles.append(" -> ".join(trail[trail.index(target):] + [target]))
            elif target not in state:
                visit(target, trail + [target])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert not circles, "import circles:\n" + "\n".join(circles)


@pytest.mark.parametrize("tree", ["casegraph", "tests", "benchmarks"])
def test_no_private_name_is_imported_across_modules(tree):
    reaching = []
    for path in sorted((ROOT / tree).rglob("*.py")):
        for target, names, line in imports(path):
            reaching += [f"{path.relative_to(ROOT)}:{line}: {target}.{name}" for name in names
                         if name.startswith("_") and not name.startswith("__")]
    assert not reaching, "private names imported from another module:\n" + "\n".join(reaching)


def test_modules_stay_small():
    sizes = {module: len(path.read_text(encoding="utf-8").splitlines()) for module, path in MODULES.items()}
    assert sizes["casegraph.cli"] < MAX_CLI_LINES
    assert not {m: n for m, n in sizes.items() if n > MAX_LINES}


def test_the_checks_see_a_wrong_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from casegraph.commands.common import store_option\n"
                   "def f():\n    from casegraph.linking.features import _hidden\n", encoding="utf-8")
    assert [(target, names) for target, names, _ in imports(bad)] == [
        ("casegraph.commands.common", ["store_option"]), ("casegraph.linking.features", ["_hidden"])]
