"""Extraction quality per genre against the corpus gold: mention F1, target F1 and each field.

Extracts every document that ../shared/corpus/gold.jsonl names, scores the
records per genre (bench/genres.toml: work reports, national documents,
news) and over all of them with ``policycli.evaluate``, which agrees with
the team's score.py, and prints one table (Markdown with --markdown, for
the README).

Usage: python bench/quality.py [--corpus DIR] [--genres FILE] [--markdown]
"""
from __future__ import annotations

import argparse
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from policycli import extract_file  # noqa: E402
from policycli.evaluate import load_jsonl, score  # noqa: E402

#: The fields a genre's row shows, in the README's order (value and unit kind are near 1.0 everywhere).
FIELDS = ("subject", "verb", "metric", "period", "modality", "kind", "comparator", "value", "unit_kind")


def genre_of(doc: str, genres: list[dict]) -> str | None:
    """The genre a document belongs to, by the number its name starts with."""
    return next((g["name"] for g in genres if doc[:2] in g["docs"]), None)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--genres", type=Path, default=ROOT / "bench" / "genres.toml")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = parser.parse_args(argv)
    gold_path = args.corpus / "gold.jsonl"
    if not gold_path.is_file():
        print(f"quality: {gold_path}: no gold file (run from a checkout beside ../shared)", file=sys.stderr)
        return 2
    with open(args.genres, "rb") as handle:
        genres = tomllib.load(handle)["genre"]
    gold = load_jsonl(gold_path)
    docs = sorted({Path(str(g["doc"])).name for g in gold})
    pred = {doc: [r.to_dict() for r in extract_file(args.corpus / doc)] for doc in docs}

    rows = []
    for name in [g["name"] for g in genres] + ["all"]:
        chosen = [d for d in docs if name == "all" or genre_of(d, genres) == name]
        result = score([g for g in gold if Path(str(g["doc"])).name in chosen],
                       [p for d in chosen for p in pred[d]])
        accuracy = result.field_accuracy
        rows.append([name, str(len(chosen)), str(result.gold), f"{result.mention_f1:.3f}",
                     f"{result.target_f1:.3f}", *(f"{accuracy[f]:.3f}" for f in FIELDS)])
    header = ["genre", "docs", "gold", "mention F1", "target F1", *FIELDS]
    if args.markdown:
        print("| " + " | ".join(header) + " |")
        print("|" + "---|" * len(header))
        for row in rows:
            print("| " + " | ".join(row) + " |")
    else:
        widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
        for row in [header, *rows]:
            print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)))
    return 0

if __name__ == "__main__":
    sys.exit(main())
