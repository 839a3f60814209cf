"""Precision and coverage of the SOC coding of English titles (features.int_postings__occupations) on a labelled set.

The set (data/eval/occupation_titles.csv, rules in data/eval/LABELLING.md) gives each title the SOC 2018 codes that
are right for it ('|'-separated; empty: the line names no job and must stay unmatched). Each title is run through the
pipeline's own model as a one-position posting (its text: the title, then `next_line`), so the two never disagree.
`python -m features.occupation_eval [--labels FILE] [--seeds DIR] [--errors]` prints the scores.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import duckdb

from features.build import FEATURES, build_models

REPO = Path(__file__).resolve().parent.parent
LABELS = REPO / "data" / "eval" / "occupation_titles.csv"
SEEDS_DIR = REPO / "seeds"
OCCUPATION_SEEDS = ("onet_alternate_titles", "esco_occupation_titles", "csco22_titles", "title_abbreviations")


def code_titles(labels: Path = LABELS, seeds_dir: Path = SEEDS_DIR) -> list[dict]:
    """Return one dict per labelled title: id, title, expected (set of SOC codes), soc_code, soc_match, correct."""
    con = duckdb.connect()
    try:
        con.execute("CREATE SCHEMA ref")  # only the seeds the model reads, read in place
        for name in OCCUPATION_SEEDS:
            path = seeds_dir / f"{name}.csv"
            if path.exists():  # an older checkout without title_abbreviations.csv scores its own model
                con.execute(f"CREATE TABLE ref.{name} AS SELECT * FROM read_csv(?, header=true, all_varchar=true)",
                            [path.as_posix()])
        con.execute("CREATE TABLE ref.labels AS SELECT * FROM read_csv(?, header=true, all_varchar=true)",
                    [labels.as_posix()])
        con.execute("CREATE SCHEMA features")
        con.execute("""CREATE TABLE features.int_postings__positions AS
                       SELECT id::BIGINT AS comment_id, 0 AS position_no, coalesce(title, '') AS title,
                              concat_ws(chr(10), coalesce(title, ''), next_line) AS text FROM ref.labels""")
        con.execute("""CREATE TABLE features.int_postings__tagged AS
                       SELECT id::BIGINT AS comment_id, true AS is_posting, 1 AS n_positions FROM ref.labels""")
        build_models(con, [m for m in FEATURES if m.table == "int_postings__occupations"])
        rows = con.execute("""
            SELECT l.id::BIGINT, l.title, string_split(coalesce(l.expected_soc, ''), '|') AS expected,
                   o.soc_code, o.soc_match
            FROM ref.labels AS l JOIN features.int_postings__occupations AS o ON o.comment_id = l.id::BIGINT
            ORDER BY 1""").fetchall()
    finally:
        con.close()
    out = []
    for id_, title, expected, soc_code, soc_match in rows:
        expected = {c for c in expected if c}
        out.append({"id": id_, "title": title, "expected": expected, "soc_code": soc_code, "soc_match": soc_match,
                    "correct": soc_code in expected if soc_code else None})
    return out


def scores(coded: list[dict]) -> dict[str, float | int]:
    """Return precision (right codes over codes given, a code on a no-job line is wrong), coverage (titles with an
    expected code that got any code) and the counts behind them."""
    given = [r for r in coded if r["soc_code"]]
    codable = [r for r in coded if r["expected"]]
    right = sum(r["correct"] for r in given)
    covered = sum(1 for r in codable if r["soc_code"])
    return {"titles": len(coded), "codable": len(codable), "coded": len(given), "right": right,
            "wrong": len(given) - right, "precision": round(right / len(given), 4) if given else 0.0,
            "coverage": round(covered / len(codable), 4) if codable else 0.0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=Path, default=LABELS)
    parser.add_argument("--seeds", type=Path, default=SEEDS_DIR)
    parser.add_argument("--errors", action="store_true", help="list wrong and missing codes")
    args = parser.parse_args()
    coded = code_titles(args.labels, args.seeds)
    print(scores(coded))
    if args.errors:
        for r in coded:
            if r["correct"] is False or (r["expected"] and not r["soc_code"]):
                print(f"{r['id']:>3} {'WRONG' if r['soc_code'] else 'MISSED'} {r['title']!r} -> {r['soc_code']} "
                      f"({r['soc_match']}), expected {'|'.join(sorted(r['expected']))}")


if __name__ == "__main__":
    main()
