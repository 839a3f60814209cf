"""Tag posting texts outside the pipeline with the pipeline's own SQL models (so the two never disagree).

`talentcast tag` and the tagging evaluation call tag_texts(): the texts become one synthetic thread in an
in-memory DuckDB, and the zh_postings staging and int_postings__* models run on it unchanged.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from core.db import build_table
from features.build import FEATURES, POSTINGS_STAGING, build_models

SEEDS_DIR = Path(__file__).resolve().parent.parent / "seeds"
# one text at a time: no cross-text de-duplication (int_postings__reposts) and no attribute extraction
TAG_MODELS = POSTINGS_STAGING + \
             [m for m in FEATURES if m.table in ("int_skill_terms__patterns", "int_postings__positions",
                                                  "int_postings__skill_matches",
                                                  "int_postings__tagged")]
TAG_SEEDS = ("skill_terms", "skill_stopphrases")  # only what TAG_MODELS read: another seed's edit cannot break tag
MAX_TEXT_CHARS = 200_000  # a 10 MB "post" is a paste accident; the first 200k characters carry the posting


_HAN = re.compile(r"[\u4e00-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")


def detect_lang(text: str) -> str:
    """Return 'zh' when Chinese characters make up at least a fifth of the letters (or number 20+), else 'en'.

    Only reported with the tags: the matching itself is the same for both languages (every term is tried).
    """
    han = len(_HAN.findall(text))
    latin_words = len(_LATIN.findall(text)) / 5.0  # ~5 letters a word: compare characters with words
    return "zh" if han >= 20 or (han and han >= 0.2 * (han + latin_words)) else "en"


def _raw_tables(texts: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    now = datetime(2000, 1, 1)
    threads = pd.DataFrame({
        "issue_number": [0], "title": ["talentcast tag"], "year_month": ["2000-01"], "first_month": ["2000-01"],
        "last_month": ["2000-01"], "body": [""], "fetched_at": [now], "_batch_id": ["tag"], "_fetched_at": [now]})
    comments = pd.DataFrame({
        "comment_id": pd.Series(range(1, len(texts) + 1), dtype="int64"),
        "issue_number": pd.Series([0] * len(texts), dtype="int64"),
        "author": ["tag"] * len(texts),
        "body": [t.replace("\x00", "")[:MAX_TEXT_CHARS] for t in texts],
        "created_at": [now] * len(texts), "updated_at": [now] * len(texts), "is_minimized": [False] * len(texts),
        "_batch_id": ["tag"] * len(texts), "_fetched_at": [now] * len(texts)})
    return threads, comments


def load_texts(con: duckdb.DuckDBPyConnection, threads: pd.DataFrame, comments: pd.DataFrame,
               seeds: tuple[str, ...] = TAG_SEEDS, seeds_dir: Path = SEEDS_DIR) -> None:
    """Create the raw zh_postings tables from (threads, comments) frames (_raw_tables) and load `seeds` into ref."""
    for schema in ("raw", "ref", "staging", "features"):
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    # a cursor: a result left open on the connection (a seed load's fetch) makes DuckDB 2.0 refuse register()
    cur = con.cursor()
    try:
        cur.register("threads_df", threads)
        cur.register("comments_df", comments)
        cur.execute("CREATE TABLE raw.zh_postings__threads AS SELECT * FROM threads_df")
        cur.execute("CREATE TABLE raw.zh_postings__comments AS SELECT * FROM comments_df")
    finally:
        cur.close()
    for seed in seeds:
        path = seeds_dir / f"{seed}.csv"
        build_table(con, "ref", seed, f"SELECT * FROM read_csv('{path.as_posix()}', header=true, all_varchar=true)")


def tag_texts(texts: list[str], seeds_dir: Path = SEEDS_DIR) -> list[dict]:
    """Return one dict per input text (same order): is_posting, ai, mfg, both, skills, positions and evidence."""
    if not texts:
        return []
    con = duckdb.connect()
    try:
        con.execute("SET enable_progress_bar = false")  # the CLI prints one summary line, not bars
        load_texts(con, *_raw_tables(texts), seeds_dir=seeds_dir)
        build_models(con, TAG_MODELS)
        rows = con.execute("""
            SELECT t.comment_id, t.is_posting, t.not_posting_reason, t.ai, t.mfg, t.ai_mfg, t.n_positions,
                   t.ai_skills, t.mfg_skills, t.clusters,
                   coalesce((SELECT list({'position_no': m.position_no, 'skill': m.skill, 'kind': m.kind,
                                          'term': m.term, 'required': m.is_required, 'evidence': m.evidence}
                                         ORDER BY m.position_no, m.position)
                             FROM features.int_postings__skill_matches AS m
                             WHERE m.comment_id = t.comment_id), []) AS matches
            FROM features.int_postings__tagged AS t ORDER BY t.comment_id""").fetchall()
    finally:
        con.close()
    return [{"is_posting": r[1], "not_posting_reason": r[2], "ai": r[3], "mfg": r[4], "both": r[5],
             "positions": r[6], "ai_skills": r[7], "mfg_skills": r[8], "clusters": r[9], "matches": r[10]}
            for r in rows]
