"""`casegraph viz` and `casegraph chart` from the command line: files written, one view at a time,
clear errors with exit codes, nothing written on error. The store is tests/viz's corpus."""
from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from casegraph.cli import main
from tests.viz.conftest import load_corpus


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return str(load_corpus(tmp_path_factory.mktemp("viz-cli") / "store"))


def run(store, *args):
    return CliRunner().invoke(main, [*args, "--store", store])


def _nodes(path) -> int:
    html = path.read_text(encoding="utf-8")
    data = re.search(r'id="casegraph-data">(.*?)</script>', html, re.S).group(1)
    return len(json.loads(data)["nodes"])


@pytest.mark.parametrize("args, nodes, edges", [
    ([], 168, 183),
    (["--review", "link-b-2020"], 4, 3),
    (["--person", "link-a-2019/anna", "--hops", "1"], 3, 2),
    (["--cross-review"], 9, 10),
    (["--cross-review", "--hops", "0"], 3, 0),
    (["--query", "within-hops-of-person", "--param", "person=link-a-2019/anna", "--param", "hops=1"], 3, 2),
    # 5 unconnected adults in the examples, Mr X (three records, one entity), and the hostile review's
    (["--sparql", "SELECT ?p WHERE { ?p a cg:UnconnectedAdult }"], 7, 0),
    (["--cypher", "MATCH (p:UnconnectedAdult) RETURN p"], 7, 0),
], ids=["whole", "review", "person", "cross-review", "cross-review-0", "query", "sparql", "cypher"])
def test_views(store, tmp_path, args, nodes, edges):
    out = tmp_path / "page.html"
    result = run(store, "viz", *args, "-o", str(out))
    assert result.exit_code == 0, result.output
    assert f"wrote {out}: {nodes} entities, {edges} relationships" in result.output
    assert _nodes(out) == nodes


def test_raw_ignores_links(store, tmp_path):
    result = run(store, "viz", "--raw", "-o", str(tmp_path / "raw.html"))
    assert "172 entities" in result.output


@pytest.mark.parametrize("args, code, message", [
    (["--review", "scr-30"], 2, "error: no review 'scr-30' in the stored reviews; did you mean 'scr-30-2016'?"),
    (["--person", "nobody"], 2, "error: no person 'nobody' in the stored reviews"),
    (["--raw", "--cross-review"], 3, "nothing to draw: the view of entities recorded in two or more reviews, and "
                                     "their neighbours is empty; no records are linked across reviews yet"),
    (["--review", "link-a-2019", "--cross-review"], 2, "choose one view, not --review and --cross-review"),
    (["--param", "a=1"], 2, "--param goes with --query, --sparql or --cypher"),
    (["--query", "no-such-question"], 2, "no-such-question"),
    (["--sparql", "SELECT ?p WHERE { ?p a cg:Nothing "], 3, "SPARQL syntax error"),
    (["--size-by", "colour"], 2, "Invalid value for '--size-by'"),
], ids=["review", "person", "empty", "two-views", "param", "query", "syntax", "measure"])
def test_errors_write_nothing(store, tmp_path, args, code, message):
    out = tmp_path / "page.html"
    result = run(store, "viz", *args, "-o", str(out))
    assert result.exit_code == code
    assert message in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


@pytest.mark.parametrize("kind, extra", [("reviews-per-year", []), ("harm-types", []), ("framework-matrix", []),
                                         ("timeline", ["--person", "scr-49-2013/christine"])])
@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_chart_files(store, tmp_path, kind, extra, fmt):
    out = tmp_path / f"chart.{fmt}"
    result = run(store, "chart", kind, *extra, "-o", str(out))
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"wrote {out}:")
    assert out.read_bytes()[:5] in (b"\x89PNG\r", b"<?xml")


def test_chart_default_name_and_errors(store, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run(store, "chart", "reviews-per-year", "--format", "svg").exit_code == 0
    assert (tmp_path / "reviews-per-year.svg").exists()
    result = run(store, "chart", "timeline")
    assert result.exit_code == 3 and "needs a person" in result.output
    result = run(store, "chart", "harm-types", "--person", "x")
    assert result.exit_code == 2 and "--person goes with the timeline and escalation charts" in result.output
    result = run(store, "chart", "harm-types", "-o", str(tmp_path / "h.pdf"))
    assert result.exit_code == 3 and "cannot write a chart as 'pdf'" in result.output


def _readme_picture_commands() -> list[list[str]]:
    import shlex

    from tests.conftest import ROOT

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    lines = [line.split("  #")[0] for line in text.splitlines() if line.startswith(("casegraph viz", "casegraph chart"))]
    return [shlex.split(line)[1:] for line in lines]


@pytest.mark.parametrize("args", _readme_picture_commands(), ids=lambda args: " ".join(args)[:50])
def test_the_readmes_picture_examples_run(store, tmp_path, monkeypatch, args):
    """On the examples and link-* reviews with their links (cross-review has something to draw)."""
    monkeypatch.chdir(tmp_path)
    result = run(store, *args)
    assert result.exit_code == 0, result.output
    written = result.output.split("wrote ", 1)[1].split(":", 1)[0]
    assert (tmp_path / written).stat().st_size > 1000


def test_viz_help_examples_run(store, tmp_path, monkeypatch):
    from casegraph.commands.viz import viz

    monkeypatch.chdir(tmp_path)
    examples = [line.strip() for line in viz.help.split("Examples:")[1].splitlines() if line.strip()]
    assert len(examples) == 8
    import shlex

    for example in examples:
        result = run(store, *shlex.split(example)[1:])
        assert result.exit_code == 0, (example, result.output)


def _overview(path):
    html = path.read_text(encoding="utf-8")
    return json.loads(re.search(r'id="casegraph-overview">(.*?)</script>', html, re.S).group(1))


def test_the_whole_corpus_page_opens_on_its_overview(store, tmp_path):
    out = tmp_path / "corpus.html"
    result = run(store, "viz", "-o", str(out))
    assert result.exit_code == 0, result.output
    overview = _overview(out)
    html = out.read_text(encoding="utf-8")
    reviews = json.loads(re.search(r'id="casegraph-data">(.*?)</script>', html, re.S).group(1))["reviews"]
    assert [row[1] for row in overview["reviews"]] == reviews and len(reviews) > 20
    assert {link[2] for link in overview["links"]} == {"accepted"}  # no candidates computed for this store
    assert "no candidate matches are drawn: run `casegraph link candidates`" in result.output
    result = run(store, "viz", "--no-overview", "-o", str(out))
    assert result.exit_code == 0 and _overview(out) is None
    result = run(store, "viz", "--overview", "--review", "link-a-2019", "-o", str(tmp_path / "other.html"))
    assert result.exit_code == 2 and "--overview and --no-overview go with the whole corpus's page" in result.output
    assert not (tmp_path / "other.html").exists()


def test_the_overview_draws_undecided_candidates_from_the_cache(tmp_path, monkeypatch):
    from casegraph.linking import candidate_cache
    from casegraph.linking.results import Candidate, candidate_id
    from casegraph.ontology import record_iri

    store = str(load_corpus(tmp_path / "store", links=False))
    pairs = [("link-a-2019/anna", "link-b-2020/cara"), ("scr-30-2016/child-m", "scr-49-2013/christine")]
    found = [Candidate(candidate_id(record_iri(a), record_iri(b)), *sorted((record_iri(a), record_iri(b))),
                       "young-person", 0.95, (), *sorted((a.split("/")[0], b.split("/")[0])))
             for a, b in pairs]
    monkeypatch.setattr(candidate_cache, "compute_candidates", lambda store, threshold, labelled=None: found)
    assert run(store, "link", "candidates").exit_code == 0  # computes, and caches
    out = tmp_path / "corpus.html"
    assert run(store, "viz", "-o", str(out)).exit_code == 0
    overview = _overview(out)
    reviews = [row[1] for row in overview["reviews"]]
    assert [(reviews[a], reviews[b], kind, count) for a, b, kind, count, _, _ in overview["links"]] == [
        ("link-a-2019", "link-b-2020", "candidate", 1), ("scr-30-2016", "scr-49-2013", "candidate", 1)]
    assert overview["threshold"] is not None
    assert run(store, "link", "accept", found[0].id, "--analyst", "tester").exit_code == 0
    assert run(store, "viz", "-o", str(out)).exit_code == 0
    after = _overview(out)
    assert [(reviews[a], reviews[b], kind) for a, b, kind, *_ in after["links"]] == [
        ("link-a-2019", "link-b-2020", "accepted"), ("scr-30-2016", "scr-49-2013", "candidate")]


def test_a_page_of_an_unchanged_store_is_not_drawn_again(tmp_path, monkeypatch):
    import shutil

    import casegraph.viz
    from casegraph.graph.loading import load_paths
    from tests.conftest import MINIMAL

    store = tmp_path / "store"
    load_corpus(store)
    assert run(str(store), "viz", "-o", str(tmp_path / "first.html")).exit_code == 0
    drawn = []
    real = casegraph.viz.network_page
    monkeypatch.setattr(casegraph.viz, "network_page", lambda *a, **k: (drawn.append(k.get("show")), real(*a, **k))[1])
    result = run(str(store), "viz", "-o", str(tmp_path / "again.html"))
    assert result.exit_code == 0 and "168 entities" in result.output and drawn == []
    assert (tmp_path / "again.html").read_bytes() == (tmp_path / "first.html").read_bytes()
    assert run(str(store), "viz", "--review", "link-b-2020", "-o", str(tmp_path / "one.html")).exit_code == 0
    assert drawn == ["review"]  # other options: another page
    shutil.copy(MINIMAL, tmp_path / "minimal.yaml")
    load_paths([tmp_path / "minimal.yaml"], store)  # the store changed: drawn anew
    assert run(str(store), "viz", "-o", str(tmp_path / "later.html")).exit_code == 0
    assert drawn == ["review", "whole"] and _nodes(tmp_path / "later.html") > _nodes(tmp_path / "first.html")
    from casegraph.graph.store import ReviewStore

    with ReviewStore.open(store, write=True) as opened:  # a review removed: no kept page holds it any more
        opened.remove("test-review-2016")
    assert not list((store / "pictures").glob("*"))
