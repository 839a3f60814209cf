"""Every skill term cites a record that contains it (issue 3: "sources named per row"), checked row by row.

skill_term_sources.csv holds the excerpt of each cited record (seeds/make_skill_term_sources.py). The excerpts
are checked against the bundled data (USAJOBS titles, 谁在招人 posts) always, and against the taxonomy files
(O*NET, ESCO, CSCO 2022 in ../shared/data/taxonomy) where they are present.
"""

import csv
import gzip
import json
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
TAXONOMY = REPO.parent / "shared" / "data" / "taxonomy"
TAXONOMY_TYPES = ("csco22", "onet_tech", "onet_occ", "esco_skill", "esco_occ")


def found(term: str, text: str, lang: str) -> bool:
    if lang == "zh":
        return term.lower() in text.lower()
    pattern = (r"\b" if re.match(r"\w", term) else "") + re.escape(term) + (r"\b" if re.search(r"\w$", term) else "")
    return re.search(pattern, text, flags=re.IGNORECASE) is not None


def flat(text: str) -> str:
    return " ".join(text.split())


def read(name: str) -> list[dict]:
    with (SEEDS / name).open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    terms, sources = read("skill_terms.csv"), read("skill_term_sources.csv")
    assert [(t["skill"], t["term"], t["source"]) for t in terms] == [(s["skill"], s["term"], s["source"]) for s in sources]
    return [{**t, "excerpt": s["excerpt"]} for t, s in zip(terms, sources)]


def test_every_citation_is_typed_and_editorial_rows_are_a_minority(rows):
    kinds = [r["source"].split(":", 1)[0] for r in rows]
    assert set(kinds) <= {*TAXONOMY_TYPES, "usajobs", "postings", "editorial"}, set(kinds)
    assert all(r["source"].split(":", 1)[1].strip() for r in rows)
    assert kinds.count("editorial") <= 0.2 * len(rows)
    assert sum(k in TAXONOMY_TYPES for k in kinds) >= 0.5 * len(rows)


def test_every_cited_excerpt_contains_its_term(rows):
    bad = [(r["term"], r["source"]) for r in rows
           if not r["source"].startswith("editorial") and not found(r["term"], r["excerpt"], r["lang"])]
    assert bad == []


def test_bundled_citations_are_in_the_bundled_data(rows):
    with gzip.open(REPO / "data" / "snapshots" / "usajobs" / "usajobs_postings_2024_2025.json.gz", "rt",
                   encoding="utf-8") as f:
        titles = {str(r["control_number"]): r["position_title"] for r in json.load(f)}
    posts = {}
    for path in (REPO / "data" / "snapshots" / "zh_postings").glob("*.json"):
        posts.update({str(c["id"]): c["body"] for c in json.loads(path.read_text(encoding="utf-8"))["comments"]})
    for r in rows:
        kind, rid = r["source"].split(":", 1)
        if kind in ("usajobs", "postings"):
            text = (titles if kind == "usajobs" else posts)[rid]
            assert found(r["term"], text, r["lang"]) and r["excerpt"] in flat(text), r


@pytest.mark.skipif(not TAXONOMY.exists(), reason="taxonomy files (../shared/data/taxonomy) not present")
def test_taxonomy_citations_are_in_the_taxonomy_files(rows):
    records = {}
    with (TAXONOMY / "csco22" / "csco22.csv").open(encoding="utf-8") as f:
        records["csco22"] = {r["code"]: " ".join(r[k] or "" for k in ("name", "definition", "tasks", "alias"))
                             for r in csv.DictReader(f) if r["level"] == "4"}
    with (TAXONOMY / "onet" / "Technology Skills.txt").open(encoding="utf-8") as f:
        records["onet_tech"] = {f"{r['O*NET-SOC Code']}|{r['Example']}": f"{r['Example']} ({r['Commodity Title']})"
                                for r in csv.DictReader(f, delimiter="\t")}
    with (TAXONOMY / "onet" / "Occupation Data.txt").open(encoding="utf-8") as f:
        records["onet_occ"] = {r["O*NET-SOC Code"]: f"{r['Title']}: {r['Description']}"
                               for r in csv.DictReader(f, delimiter="\t")}
    for kind, name in (("esco_skill", "skills.csv"), ("esco_occ", "occupations.csv")):
        with (TAXONOMY / "esco" / "skills_full" / name).open(encoding="utf-8") as f:
            records[kind] = {r["id"].rsplit("/", 1)[-1]: r["description"] for r in csv.DictReader(f)}
    for r in rows:
        kind, rid = r["source"].split(":", 1)
        if kind in TAXONOMY_TYPES:
            text = records[kind][rid]
            assert found(r["term"], text, r["lang"]) and r["excerpt"] in flat(text), r
