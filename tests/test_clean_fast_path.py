"""The clean-stage and matcher speed-ups give exactly the committed rows on the real postings."""

from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pytest

from core.db import build_table
from features.build import FEATURES, POSTINGS_STAGING, build_models
from features.tagging import _raw_tables, load_texts
from features.term_prefilter import SEP, available_backends, find_substrings, install_term_prefilter
from ingest.zh_postings import ZhPostings

REPO = Path(__file__).resolve().parents[1]
MODELS = POSTINGS_STAGING + \
         [m for m in FEATURES if m.table in ("int_postings__attributes", "int_postings__reposts")]


@pytest.fixture(scope="module")
def bodies() -> list[str]:
    source = ZhPostings()
    return source.parse(source.snapshot_files(REPO / "data" / "snapshots")).tables["comments"]["body"].tolist()


def _load(con: duckdb.DuckDBPyConnection, texts: list[str], seeds: tuple[str, ...]) -> None:
    threads, comments = _raw_tables(texts)
    comments["author"] = [f"poster-{i % 97}" for i in range(len(texts))]  # shared posters: the same-poster rule
    comments["created_at"] = comments["created_at"] + pd.to_timedelta(comments["comment_id"], unit="min")  # an order
    load_texts(con, threads, comments, seeds)


def test_reposts_and_attributes_equal_the_baselines_on_real_postings(bodies):
    texts = bodies + bodies[:300]  # every real comment, and 300 exact reposts of them
    con = duckdb.connect()
    try:
        _load(con, texts, ("postings_rules", "cn_regions"))
        build_models(con, MODELS)
        for model in ("reposts", "attributes"):
            build_table(con, "features", f"baseline_{model}",
                        (REPO / "benchmarks" / f"baseline_{model}.sql").read_text(encoding="utf-8"))
            fast = con.execute(f"SELECT * FROM features.int_postings__{model} ORDER BY ALL").fetchall()
            baseline = con.execute(f"SELECT * FROM features.baseline_{model} ORDER BY ALL").fetchall()
            assert len(fast) > 1500 and fast == baseline, model
        links = dict(con.execute("SELECT link, count(*) FROM features.int_postings__reposts GROUP BY ALL").fetchall())
        regions = con.execute("SELECT count(region_code) FROM features.int_postings__attributes").fetchone()[0]
    finally:
        con.close()
    assert links["exact"] >= 300 and links.get("near", 0) > 0 and regions > 300  # the paths were exercised


def test_substrings_in_finds_exactly_the_terms_contains_finds(bodies):
    con = duckdb.connect()
    try:
        install_term_prefilter(con)
        terms = [r[0] for r in con.execute(
            f"SELECT DISTINCT lower(term) FROM read_csv('{REPO / 'seeds' / 'skill_terms.csv'}', header=true, "
            "all_varchar=true) ORDER BY 1").fetchall()]
        texts = [b.lower() for b in bodies[::4]] + ["", "机器人机器视觉 ai（ai）plc", None]
        con.execute("CREATE TABLE t AS SELECT * FROM unnest(?::VARCHAR[]) WITH ORDINALITY AS u(text, i)", [texts])
        con.execute("CREATE TABLE terms AS SELECT unnest(?::VARCHAR[]) AS term", [terms])
        by_contains = con.execute(
            "SELECT i, coalesce((SELECT list(term ORDER BY term) FROM terms WHERE contains(t.text, term)), []) "
            "FROM t ORDER BY i").fetchall()
        by_udf = con.execute("SELECT i, substrings_in(text, ?) FROM t ORDER BY i", [SEP.join(terms)]).fetchall()
    finally:
        con.close()
    assert by_udf == [(i, [] if texts[i - 1] is None else found) for i, found in by_contains]
    assert sum(len(found) for _, found in by_udf) > 200
    for backend in available_backends():  # every backend importable here (ahocorasick_rs, pyahocorasick, python)
        got = find_substrings(pa.array(texts, type=pa.string()), pa.array([SEP.join(terms)] * len(texts)), backend)
        assert got.to_pylist() == [found for _, found in by_udf], backend
