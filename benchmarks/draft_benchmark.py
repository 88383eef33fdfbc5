"""casegraph draft: quality on generated reviews (held-out phrasing apart) and speed on a 100-page PDF.

    python benchmarks/draft_benchmark.py --work /tmp/draft-bench
    python benchmarks/draft_benchmark.py --work /tmp/draft-bench --reviews 20 --pages 20   # a quick look

1. Generates `--reviews` synthetic reviews told as narratives (`casegraph generate --texts`) and
   runs `casegraph draft quality` on them: precision, recall and F1 per field for the drafter and
   for the keyword baseline (the ontology's labels matched alone), development families and the
   held-out family apart.
2. Builds one PDF of `--pages` pages from many such narratives and drafts it in a fresh process,
   timing it and its peak memory (max RSS); the baseline in the same run is extracting the text
   alone, the floor any drafting pays.
Goals (issue 18): people P and R >= 0.9, review harm types F1 >= 0.85, incidents F1 >= 0.7,
sentence flags F1 >= baseline + 0.1, distractor proposals <= 2%, all on the held-out family; a
100-page PDF drafted in under 10 s with peak memory under 1 GB.
"""
from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from qdpx_benchmark import phase  # noqa: E402  (each phase in a fresh process, timed and measured alike)

EXTRACT = "from casegraph.drafting.extract import extract\nextract(sys.argv[1])"
DRAFT = ("from casegraph.drafting import draft_document, write_draft\nfrom pathlib import Path\n"
         "result = draft_document(sys.argv[1], Path(sys.argv[2]))\nwrite_draft(result, Path(sys.argv[2]))")


def long_pdf(work: Path, pages: int) -> Path:
    """One PDF of about `pages` pages: many generated reviews' narratives, one after another."""
    import yaml
    from fpdf import FPDF

    from casegraph.synthetic import generate_corpus
    from casegraph.synthetic.narrative import FAMILIES, write_narrative
    from casegraph.synthetic.phrasing import latin1

    corpus = generate_corpus(work / "long", max(4, pages // 3), seed=5)
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=15)
    pdf.set_font("Helvetica", size=10)
    for k, path in enumerate(corpus.review_paths):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        narrative = write_narrative(doc, random.Random(k), FAMILIES[k % len(FAMILIES)])
        for page in narrative.text.split("\f"):
            if pdf.pages_count >= pages:
                break
            pdf.add_page()
            pdf.multi_cell(0, 5, latin1(page))
    out = work / f"long-{pages}.pdf"
    pdf.output(str(out))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--reviews", type=int, default=80)
    parser.add_argument("--pages", type=int, default=100)
    args = parser.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    args.work.mkdir(parents=True)
    cli = [sys.executable, "-m", "casegraph.cli"]
    subprocess.run(cli + ["generate", "--reviews", str(args.reviews), "--seed", "11", "--texts", "--out",
                          str(args.work / "corpus")], check=True, capture_output=True)
    table = subprocess.run(cli + ["draft", "quality", "--truth", str(args.work / "corpus" / "texts")],
                           check=True, capture_output=True, text=True)
    print(f"quality on {args.reviews} generated reviews (held-out family apart):")
    print(table.stdout.rstrip())
    pdf = long_pdf(args.work, args.pages)
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf))
    print(f"\n{pdf.name}: {len(document)} pages, {pdf.stat().st_size / 1e6:.1f} MB; each phase a fresh process")
    document.close()
    floor = phase("baseline: extract the text alone", EXTRACT, str(pdf), decimals=2)
    drafted = phase("casegraph draft (extract, propose, write)", DRAFT, str(pdf), str(args.work / "long.yaml"),
                    decimals=2)
    print(f"draft {drafted['seconds']:.2f} s (goal < 10 s), {drafted['seconds'] / floor['seconds']:.1f}x extraction; "
          f"peak {drafted['peak_mb']:.0f} MB (goal < 1024 MB)")


if __name__ == "__main__":
    main()
