"""`casegraph --help` stays instant: heavy libraries are imported only by the commands that use them."""
import subprocess
import sys

HEAVY = ("pyoxigraph", "rdflib", "pyshacl", "yaml", "jsonschema", "fastjsonschema", "networkx", "neo4j",
         "falkordb", "redis", "numpy", "scipy", "matplotlib", "pyvis", "playwright")


def test_help_imports_no_heavy_library():
    code = ("import sys; from casegraph.cli import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            f"print(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"
