"""Ingest + clean + tag N postings (default 1,000,000) and print postings/second per stage and peak memory.

THE DATA IS SYNTHETIC: each synthetic posting is a real 谁在招人 comment from the bundled snapshot
(data/snapshots/zh_postings, contact details already redacted), sometimes with a sentence of another real
comment appended, a synthetic marker line, a synthetic poster and a synthetic monthly thread; ~5% are exact
reposts of an earlier synthetic posting in a later month. Counts from it mean nothing; only the speed does.

Stages, as the pipeline runs them, on one DuckDB (in memory unless --db is given):
  ingest  thread JSON text -> ingest.zh_postings parser -> raw.zh_postings__{threads,comments} (Arrow load)
  clean   staging.stg_zh_postings__* (redaction, not-a-posting flags), int_postings__attributes, __reposts
  tag     int_postings__positions, __skill_matches, __tagged
Baseline, measured in the same run on the first --baseline-n postings: the skill matcher as committed in 13db1d2
(benchmarks/baseline_skill_matches.sql: regex in the join condition) against the current model (an Aho-Corasick
pass finds the terms a text contains, features/term_prefilter.py, then an equi-join and the regex); the two give
identical rows (tests/test_tagging_fast_path.py). The clean-stage models as committed in 4e42381 are kept as
benchmarks/baseline_{reposts,attributes}.sql; tests/test_clean_fast_path.py proves the same rows.

Measured 2026-11-27, 2 cores shared with another job (wall seconds include the neighbours; the per-model CPU
seconds are this process's), --threads 2, seconds per model (wall / CPU where measured):
                        50k before    50k after     200k before   200k after
  stg_zh_postings__*     6.9 / 6.9     3.6 / 3.6      61            11 / 11
  int_postings__attrib. 14.3 / 14.1   13.8 / 13.5    124            48 / 44
  int_postings__reposts 18.7 / 18.6   13.5 / 13.5    147            72 / 50
  int_postings__posit.  11.4 / 11.3    9.5 / 9.4      44            66 / 41
  int_postings__skill_m 15.2 / 14.9    9.2 / 9.2      84            65 / 39
  end to end (postings/s)   728           948           419           738
(200k before ran beside the development queries, 200k after beside the test suite: compare CPU seconds.)
1M: before ~20 min end to end (~750 postings/s, measured earlier; peak memory not recorded). After, with none
of our own queries beside it: 1,082 s = 18.0 min (924 postings/s): ingest 96 s (10,467/s), clean 680 s (1,471/s),
tag 307 s (3,255/s); peak memory 17.7 GB (in-memory database); per model wall / CPU s: stg comments 72 / 67,
attributes 303 / 266, reposts 295 / 327, positions 130 / 255, skill_matches 172 / 259.
What changed, rows unchanged (tests/test_{clean,tagging,macros}_fast_path.py, benchmarks/baseline_macros.sql):
redaction runs each contact pattern only on texts holding a literal it needs ('@', 微信/wechat, vx/wx, qq, a
mobile-number prefix, '+'); normalize_text uses replace() for the common full-width punctuation and translate()
(a linear table search per character) only on the few texts with other full-width characters; the repost
signatures are computed once per distinct normalised text; the stop-phrase regex of the skill matcher holds only
the phrases a text contains (a column pattern is compiled per row); attributes normalises each text once.
The 5-minute aim for 1M is not met: what is left is the minhash shingling, the Aho-Corasick pass (Python, one
core) and the line-level windows of int_postings__positions.

Run: .venv/bin/python benchmarks/tagging_scale.py [--n 1000000] [--baseline-n 5000] [--threads 2]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import time
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from core.db import build_table  # noqa: E402
from features.build import FEATURES, STAGING, Model, build_models  # noqa: E402
from ingest.zh_postings import ZhPostings, parse_thread_text  # noqa: E402

SEEDS = ("skill_terms", "skill_stopphrases", "postings_rules", "cn_regions")
CLEAN = [m for m in STAGING if m.table.startswith("stg_zh_postings")] + \
        [m for m in FEATURES if m.table in ("int_postings__attributes", "int_postings__reposts")]
TAG = [m for m in FEATURES if m.table in ("int_skill_terms__patterns", "int_postings__positions",
                                          "int_postings__skill_matches",
                                          "int_postings__tagged")]
BASELINE_SQL = REPO / "benchmarks" / "baseline_skill_matches.sql"


def real_texts() -> list[str]:
    """Return the bodies of the bundled real comments (redacted in the snapshot)."""
    source = ZhPostings()
    parsed = source.parse(source.snapshot_files(REPO / "data" / "snapshots"))
    return parsed.tables["comments"]["body"].tolist()


def synthetic_threads(n: int, texts: list[str], seed: int = 7) -> list[str]:
    """Return thread documents (JSON text, the snapshot's format) holding n SYNTHETIC postings over 120 months."""
    rng = random.Random(seed)
    per_thread = max(n // 120, 1)
    docs, made, posted = [], 0, []
    for k in range(120):
        year, month = 2016 + k // 12, k % 12 + 1
        comments = []
        for _ in range(min(per_thread, n - made) if k < 119 else n - made):
            if posted and rng.random() < 0.05:
                body = rng.choice(posted)  # an exact repost in a later month
            else:
                body = rng.choice(texts)
                if rng.random() < 0.3:
                    body += "\n" + rng.choice(texts).split("\n")[0]
                body += f"\n(synthetic posting {made})"
                if len(posted) < 50_000:
                    posted.append(body)
            comments.append({"id": 10_000_000 + made, "author": f"synthetic-{rng.randrange(n // 3 + 1)}",
                             "body": body, "createdAt": f"{year}-{month:02d}-{rng.randint(1, 28):02d}T08:00:00Z"})
            made += 1
        docs.append(json.dumps({"issueNumber": 100_000 + k, "title": f"谁在招人？（{year}年{month}月，synthetic）",
                                "yearMonth": f"{year}-{month:02d}", "body": "", "comments": comments},
                               ensure_ascii=False))
    return docs


def ingest(con: duckdb.DuckDBPyConnection, docs: list[str]) -> int:
    """Parse thread documents with the connector's parser and load raw tables; return comments loaded."""
    threads, comments = [], []
    for i, doc in enumerate(docs):
        thread, rows, _ = parse_thread_text(doc, Path(f"synthetic-{i}.json"))
        threads.append(thread)
        comments += rows
    now = datetime(2026, 1, 1)
    for name, rows in (("threads", threads), ("comments", comments)):
        frame = pd.DataFrame(rows)
        frame["_batch_id"], frame["_fetched_at"] = "synthetic", now
        cur = con.cursor()  # a fresh cursor: the connection may hold an unfinished count(*) result
        cur.register("frame", frame)
        cur.execute(f"CREATE OR REPLACE TABLE raw.zh_postings__{name} AS SELECT * FROM frame")
        cur.close()
    return len(comments)


def peak_rss_mb() -> float:
    """Return this process's peak resident memory in MB (Linux ru_maxrss is in KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed_models(con: duckdb.DuckDBPyConnection, models: list[Model],
                 per_model: dict[str, tuple[float, float]]) -> float:
    """Build models, recording each model's (wall, CPU) seconds in `per_model`; return the stage's wall seconds."""
    tick = time.perf_counter()
    last = (tick, time.process_time())

    def done(name: str) -> None:
        nonlocal last
        now = (time.perf_counter(), time.process_time())
        per_model[name] = (now[0] - last[0], now[1] - last[1])
        last = now

    build_models(con, models, progress=done)
    return time.perf_counter() - tick


def baseline_ratio(con: duckdb.DuckDBPyConnection, n: int) -> tuple[float, float, int]:
    """Time baseline and current skill matchers on the positions of the first n postings; return (s, s, rows)."""
    con.execute("CREATE SCHEMA IF NOT EXISTS bench")
    con.execute(f"""CREATE OR REPLACE TABLE bench.positions AS SELECT * FROM features.int_postings__positions
                    WHERE comment_id < {10_000_000 + n}""")
    current = (REPO / "features/sql/features/int_postings__skill_matches.sql").read_text(encoding="utf-8")
    out = []
    for label, sql in (("baseline", BASELINE_SQL.read_text(encoding="utf-8")), ("current", current)):
        sql = sql.replace("features.int_postings__positions", "bench.positions")
        tick = time.perf_counter()
        rows = build_table(con, "bench", f"matches_{label}", sql)
        out.append((time.perf_counter() - tick, rows))
    same = con.execute("SELECT count(*) FROM (SELECT * FROM bench.matches_baseline EXCEPT ALL "
                       "SELECT * FROM bench.matches_current)").fetchone()[0] + \
        con.execute("SELECT count(*) FROM (SELECT * FROM bench.matches_current EXCEPT ALL "
                    "SELECT * FROM bench.matches_baseline)").fetchone()[0]
    if same:
        raise SystemExit(f"baseline and current matchers differ on {same} rows")
    return out[0][0], out[1][0], out[1][1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--baseline-n", type=int, default=5_000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--db", default=":memory:", help="DuckDB file (default in memory)")
    args = parser.parse_args()

    texts = real_texts()
    tick = time.perf_counter()
    docs = synthetic_threads(args.n, texts)
    print(f"SYNTHETIC data: {args.n:,} postings from {len(texts):,} real texts in "
          f"{time.perf_counter() - tick:.1f} s ({sum(map(len, docs)) / 1e6:,.0f} M characters of JSON)")

    con = duckdb.connect(args.db)
    con.execute(f"SET threads = {args.threads}")
    con.execute("SET enable_progress_bar = false")
    for schema in ("raw", "ref", "staging", "features"):
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    for seed in SEEDS:
        path = REPO / "seeds" / f"{seed}.csv"
        build_table(con, "ref", seed, f"SELECT * FROM read_csv('{path.as_posix()}', header=true, all_varchar=true)")

    stages = {}
    tick = time.perf_counter()
    loaded = ingest(con, docs)
    stages["ingest"] = time.perf_counter() - tick
    del docs
    per_model: dict[str, tuple[float, float]] = {}
    stages["clean"] = timed_models(con, CLEAN, per_model)
    stages["tag"] = timed_models(con, TAG, per_model)
    total = sum(stages.values())
    print(f"{'stage':<8}{'seconds':>10}{'postings/s':>14}")
    for stage, secs in stages.items():
        print(f"{stage:<8}{secs:>10.1f}{loaded / secs:>14,.0f}")
    print(f"{'total':<8}{total:>10.1f}{loaded / total:>14,.0f}   peak memory {peak_rss_mb():,.0f} MB "
          f"(Python + DuckDB, this process), threads={args.threads}")
    # CPU seconds (all threads of this process) alongside wall seconds: on a shared machine the wall clock
    # also measures the neighbours
    print("per model, wall / CPU seconds (including the grain check): " +
          ", ".join(f"{name.split('.')[1]} {wall:.1f} / {cpu:.1f}" for name, (wall, cpu) in per_model.items()))
    tagged = con.execute("SELECT count(*) FILTER (WHERE is_posting), count(*) FILTER (WHERE ai), "
                         "count(*) FILTER (WHERE ai_mfg) FROM features.int_postings__tagged").fetchone()
    print(f"tagged: {tagged[0]:,} postings, {tagged[1]:,} ai, {tagged[2]:,} ai_mfg (synthetic: not a finding)")

    n = min(args.baseline_n, loaded)
    base_s, cur_s, rows = baseline_ratio(con, n)
    print(f"skill matcher on the first {n:,} postings ({rows:,} matches, identical rows): "
          f"baseline (13db1d2, regex join) {base_s:.1f} s = {n / base_s:,.0f} postings/s; "
          f"current (Aho-Corasick prefilter) {cur_s:.2f} s = {n / cur_s:,.0f} postings/s; {base_s / cur_s:.0f}x")
    con.close()


if __name__ == "__main__":
    main()
