"""Cite, for every row of skill_terms.csv, a taxonomy record that contains the term (run by hand; CSVs committed).

    .venv/bin/python seeds/make_skill_term_sources.py TAXONOMY_DIR [USAJOBS_SNAPSHOT]
    (TAXONOMY_DIR: a folder with onet/, esco/, csco22/: the O*NET, ESCO and CSCO 2022 files as published)

Issue 3 asks for a taxonomy "built from O*NET Technology Skills, ESCO and China's occupational classification
2022 (sources named per row)". For each (skill, term) this script keeps the row's cited source when that record
contains the term, and otherwise searches, in order: Chinese terms in CSCO 2022 (name, definition, tasks,
aliases); English terms in O*NET Technology Skills (example and commodity title), ESCO skills (labels and
description), O*NET occupations (title and description), ESCO occupations, then the bundled USAJOBS titles.
A term no taxonomy record contains (much LLM-era and posting vocabulary: 大模型, AI Agent, 具身智能 post-date
CSCO 2022 and ESCO v1) is cited by the first bundled 谁在招人 posting that uses it (`postings:<comment id>`:
attested posting vocabulary, the taxonomy concept being the row's `skill`); a term neither contains keeps
`editorial: <why>`. It rewrites the `source` column of skill_terms.csv as
`<type>:<id>` and writes skill_term_sources.csv (skill, term, source, excerpt): the excerpt is the part of the
record that contains the term, so tests/test_skill_term_sources.py can check every citation without the
taxonomy files, and against them where they are present.
"""

from __future__ import annotations

import csv
import gzip
import json
import re
import sys
from pathlib import Path

SEEDS = Path(__file__).resolve().parent
TERMS = SEEDS / "skill_terms.csv"
SOURCES = SEEDS / "skill_term_sources.csv"
POSTINGS = SEEDS.parent / "data" / "snapshots" / "zh_postings"
# CSCO codes preferred when several records contain a term: AI, mechanical, electronic, ICT, intelligent
# manufacturing engineers, then production workers
CSCO_PREFERRED = ("2-02-38", "2-02-07", "2-02-09", "2-02-10", "2-02-11", "6-")
ONET_TECH_CLASSES = (r"industrial control|computer aided|analytical or scientific|development environment|"
                     r"object or component oriented|manufacturing|robot|machine|electronic design|"
                     r"programmable logic|embedded|artificial intelligence|machine learning")


def _at(term: str, text: str, lang: str) -> int:
    """Return where `term` first occurs in `text` as the tagger would match it (case-insensitive; whole words for
    English), or -1."""
    if lang == "zh":
        return text.lower().find(term.lower())
    pattern = (r"\b" if re.match(r"\w", term) else "") + re.escape(term) + (r"\b" if re.search(r"\w$", term) else "")
    hit = re.search(pattern, text, flags=re.IGNORECASE)
    return hit.start() if hit else -1


def term_found(term: str, text: str, lang: str) -> bool:
    """Return whether `term` occurs in `text` as the tagger would match it."""
    return _at(term, text, lang) >= 0


def excerpt(term: str, text: str, lang: str, width: int = 60) -> str:
    """Return up to `width` characters either side of the first match of `term` in `text`, whitespace collapsed."""
    at = _at(term, text, lang)
    return " ".join(text[max(at - width, 0):at + len(term) + width].split())


def load_records(taxonomy: Path, usajobs: Path | None) -> dict[str, list[tuple[str, str]]]:
    """Return source type -> [(id, text)] for every taxonomy record the search may cite."""
    records: dict[str, list[tuple[str, str]]] = {}
    with (taxonomy / "csco22" / "csco22.csv").open(encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["level"] == "4"]
    rows.sort(key=lambda r: (not r["code"].startswith(CSCO_PREFERRED), r["code"]))
    records["csco22"] = [(r["code"], " ".join(r[k] or "" for k in ("name", "definition", "tasks", "alias")))
                         for r in rows]
    with (taxonomy / "onet" / "Technology Skills.txt").open(encoding="utf-8") as f:
        # only commodity classes of engineering, scientific and development tools: "Robot" and "Factory" also name
        # a software-testing tool and a database product, which would cite the word, not the skill
        records["onet_tech"] = [(f"{r['O*NET-SOC Code']}|{r['Example']}", f"{r['Example']} ({r['Commodity Title']})")
                                for r in csv.DictReader(f, delimiter="\t")
                                if re.search(ONET_TECH_CLASSES, r["Commodity Title"], flags=re.IGNORECASE)]
    with (taxonomy / "esco" / "skills_full" / "skills.csv").open(encoding="utf-8") as f:
        records["esco_skill"] = [(r["id"].rsplit("/", 1)[-1], r["description"]) for r in csv.DictReader(f)]
    with (taxonomy / "onet" / "Occupation Data.txt").open(encoding="utf-8") as f:
        records["onet_occ"] = [(r["O*NET-SOC Code"], f"{r['Title']}: {r['Description']}")
                               for r in csv.DictReader(f, delimiter="\t")]
    with (taxonomy / "esco" / "skills_full" / "occupations.csv").open(encoding="utf-8") as f:
        records["esco_occ"] = [(r["id"].rsplit("/", 1)[-1], r["description"]) for r in csv.DictReader(f)]
    if usajobs:
        with gzip.open(usajobs, "rt", encoding="utf-8") as f:
            records["usajobs"] = [(str(r["control_number"]), r["position_title"]) for r in json.load(f)]
    records["postings"] = []
    for path in sorted(POSTINGS.glob("*.json")):
        records["postings"] += [(str(c["id"]), c["body"]) for c in json.loads(path.read_text(encoding="utf-8"))["comments"]]
    records["postings"].sort(key=lambda r: int(r[0]))
    return records


def cite(term: str, lang: str, old_source: str, records: dict) -> tuple[str, str]:
    """Return (source, excerpt) for one term: the old citation if it holds, else the first record found."""
    kinds = ["csco22"] if lang == "zh" else ["onet_tech", "esco_skill", "onet_occ", "esco_occ", "usajobs"]
    if old_source.split(":", 1)[0] in records:  # already in <type>:<id> form
        kind, rid = old_source.split(":", 1)
        text = dict(records[kind]).get(rid)
        if text and term_found(term, text, lang):
            return old_source, excerpt(term, text, lang)
    code = re.search(r"CSCO 2022 (\d-\d\d-\d\d-\d\d)", old_source)
    if code and lang == "zh":
        text = dict(records["csco22"]).get(code.group(1))
        if text and term_found(term, text, lang):
            return f"csco22:{code.group(1)}", excerpt(term, text, lang)
    for kind in [*kinds, "postings"]:  # a taxonomy record first; else a real posting that uses the term
        for rid, text in records.get(kind, []):
            if term_found(term, text, lang):
                return f"{kind}:{rid}", excerpt(term, text, lang)
    why = old_source if old_source.startswith("editorial") else f"editorial: no taxonomy record names it (was: {old_source})"
    return why, ""


def main(taxonomy: Path, usajobs: Path | None) -> None:
    records = load_records(taxonomy, usajobs)
    with TERMS.open(encoding="utf-8") as f:
        reader = csv.DictReader(f)
        fields, rows = reader.fieldnames, list(reader)
    evidence = []
    for row in rows:
        row["source"], text = cite(row["term"], row["lang"], row["source"], records)
        evidence.append({"skill": row["skill"], "term": row["term"], "source": row["source"], "excerpt": text})
    with TERMS.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    with SOURCES.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=["skill", "term", "source", "excerpt"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(evidence)
    kinds = [e["source"].split(":", 1)[0] for e in evidence]
    print({k: kinds.count(k) for k in sorted(set(kinds))})


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]) if len(sys.argv) > 2 else None)
