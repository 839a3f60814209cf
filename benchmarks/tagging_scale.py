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

Second pass, 2026-11-27 (afternoon), rows unchanged (tests/test_{clean,tagging}_fast_path.py,
tests/test_term_prefilter.py; benchmarks/baseline_positions.sql is int_postings__positions as committed in c40a3f2).
The box was shared with another helper's forecasting benchmark throughout (load 3-4.4 on 2 cores): this process
mostly got one core (wall ~= CPU below), so compare CPU seconds. CPU seconds per model, 200k postings, both runs
at HEAD 7fae86a (which already held other sessions' new not-a-posting and optional-clause rules) with the old and
the new files of this pass; "after" with the optional package ahocorasick-rs installed:
                              200k before   200k after     1M before (b5d081b)   1M after
  stg_zh_postings__comments        12.4          14.0             67                  65.6
  int_postings__attributes         44.5          27.7            266                 143.8
  int_postings__reposts            61.1          51.5 (*)        327                 293.7
  int_postings__positions          41.7          23.1            255                 147.1
  int_postings__skill_matches      51.4          29.1            259                 166.0
  int_postings__tagged              2.0           2.1              -                  12.7
  end to end wall s (postings/s)  220.6 (907)   130.5 (1,533)  1,082 (924)          874.5 (1,144)
(The 1M "before" is the 18.0-minute run above, at b5d081b, before the other sessions' rules; 1M "after" also
with ahocorasick-rs.)
(*) int_postings__reposts is unchanged: 61 -> 52 is the neighbour's load, the noise in these CPU seconds
(~15%). Peak memory at 200k: 5.0 GB before, 4.1 GB after.
1M after, in full: 874.5 s = 14.6 min (1,144 postings/s): ingest 43.8 s (22,825/s), clean 502.6 s (1,990/s),
tag 328.1 s (3,048/s); peak memory 18.6 GB with the in-memory database (DuckDB's default memory_limit is 80% of
RAM: it used what it was allowed; at 200k the peak comes during int_postings__positions, 3.0 -> 5.1 GB). That
run held one change less than the files now: the last step of int_postings__positions joined segment texts with
string_agg(... ORDER BY) (now a sorted list: the same rows, about the same CPU at 50k; with a 500 MB
memory_limit at 50k the ordered aggregate failed, out of memory, where the baseline and the list pass).
Ingest now loads 10 threads at a time (the pipeline lands one batch at a time): peak memory after ingest 1.5 GB
at 200k, and 96 -> 44 s at 1M.
What changed:
- substrings_in (features/term_prefilter.py): with ahocorasick-rs installed, a Rust DFA over the UTF-8 bytes of
  the Arrow buffer (no Python str per row; the GIL released while it searches), ~5x faster than pyahocorasick;
  either way one automaton per vector and an Arrow result built from flat offsets, not a list per row. Without
  the package it falls back to pyahocorasick: 200k then took 164.8 s end to end (1,214 postings/s; attributes
  35.3, skill_matches 55.1 CPU s).
- int_postings__positions: the heading tests run once per distinct line (in the real snapshot 45% of the lines
  are distinct; in this synthetic mix 4%, so this benchmark flatters it), and the windows run over heading
  segments (~8 per text) instead of every line (~42 per text).
- int_postings__attributes: each employer / years / seniority regex runs only on texts holding a literal that
  every match of it holds (CASE, so the rest skip it); literal alternations are contains() (2x faster than RE2).
Tried and dropped (measured at 50k, no gain or slower): a per-line decomposition of the minhash signature
(minimums per distinct line plus the shingles across line breaks: identical rows, but the bookkeeping cost what
the hashing saved), a Mersenne-prime reduction instead of % in minhash_k, filtering shingles in a list before
unnest, dropping coalesce() from the shingle hash, a materialised "one segment per position" fast path, a
file-backed database (the same CPU, no lower peak memory at 200k: 5.7 GB against 5.2 GB in memory).
Final run, same day 16:38, at 03edc25 (the files above plus the stop phrases of int_postings__skill_matches found by
one substrings_in pass instead of a contains() per phrase), ahocorasick-rs installed, NOTHING ELSE RUNNING (load < 2):
1,000,000 postings in 429.3 s = 7.2 min (2,329 postings/s): ingest 47.3 s (21,135/s), clean 243.4 s (4,109/s), tag
138.6 s (7,215/s); peak memory 17.5 GB (in-memory database). Per model wall / CPU s: stg comments 34.8 / 69.1,
attributes 74.7 / 143.9, reposts 133.6 / 263.9, positions 61.7 / 118.0, skill_matches 71.7 / 131.2, tagged 5.2 / 10.2.
The baseline skill matcher (13db1d2) on the first 2,000: 92 postings/s against 6,008/s (65x), identical rows.
The 5-minute aim for 1M is NOT met: 7.2 min on two idle cores (14.6 min on ~1 core beside another job); the models alone are ~830 CPU s at 1M, so even two
free cores gave 7.2 min (the final run above). What is left, CPU s at 1M in that run: int_postings__reposts 264
(the normalisation regex, hashing every 3-shingle and the 32 minhashes with a 64-bit modulo each, roughly a third
each; LSH windows and joins), int_postings__attributes 144 (normalisation, lower(), a dozen regex passes),
int_postings__skill_matches 131 (lower(), the stop-phrase removal, the per-term regexes; the stop phrases are now
found by one substrings_in pass, which took 1.4 s instead of 2.4 s per 50k), int_postings__positions 118
(normalize_text + zh_simplified + splitting; joining lines back to their segments and positions), staging 69
(redaction).

Third pass, 2026-11-27 evening: int_postings__reposts in numpy, ROWS UNCHANGED (tests/test_clean_fast_path.py against
benchmarks/baseline_reposts.sql; tests/test_repost_signature.py: the normalised text on every code point and the real
postings, DuckDB's hash() of 3,000 random 1-3 character strings, the 32 minhashes on the real postings and edge
cases; the real snapshot as the pipeline stages it: all 1,780 postings, the same rows). Two Arrow functions
(features/repost_signature.py) replace the costly SQL: repost_norm, the normalisation regex over
lower(normalize_text()) as one code point table that DuckDB fills from the macros; repost_minhash, the shingle
hashing and the 32 minhashes, with DuckDB's string hash reproduced on the UTF-8 bytes of each shingle (read in place
from the Arrow buffer, no string or row per shingle) and the 32 modulos as Mersenne reductions in cache-sized
blocks. CPU seconds (wall) of int_postings__reposts at 200k, HEAD 1a8e37a before and these files after, run one
after the other on a box shared with other jobs (load 1.3-6.8, so CPU seconds move by +-20% between runs):
  before  60.0 (62.8), 47.5 (70.6), 54.6 (43.5), 44.1 (43.6), 64.5 (64.2)      median 54.6 CPU s
  after   23.7 (30.3), 26.6 (27.8), 24.2 (21.0)                                median 24.2 CPU s (-56%)
(The other models are unchanged; peak memory the same, 3.0 GB after reposts.) At 50k, alternating twice in one
session: 14.2 and 14.9 CPU s before (10.2 / 10.6 wall), 8.5 and 7.7 after (6.2 / 5.5 wall; ~0.7 s of it fills the
code point table, once per process). The functions run in Python on both DuckDB threads; numpy releases the GIL in each
array operation but not between them (nor in the UTF-8 decoding of repost_norm), so the wall time at 1M on two
idle cores needs its own run.
Tried and dropped: one-permutation hashing with densification (one hash per shingle into 32 bins, Shrivastava
2017): 4.9 CPU s for the model at 50k against 11.6, but other signatures, so other links: on the real snapshot 138
of the 1,780 postings (7.8%) changed (link, repost_of), the noise of two 32-value estimates near the 0.5 / 0.7
thresholds; a 2-D (shingles x 32) block for the minhashes (2x slower than 32 passes over 1-D blocks).
1M on two idle cores after this pass and the session's tag-stage changes (stop phrases and skill terms found in one
Aho-Corasick pass: skill_matches 8.7-9.2 -> 7.2-7.4 s wall at 100k; the new tagging rules of the labelled batches
5 and 6), at b403c42: 414.8 s = 6.9 min end to end (2,411 postings/s): ingest 50.7 s, clean 209.8 s, tag 154.3 s;
peak memory 18.2 GB; wall / CPU s per model: stg comments 35.1 / 69.4, attributes 80.9 / 154.0, reposts 93.5 /
164.1 (was 264 CPU s), positions 75.4 / 144.8, skill_matches 72.2 / 136.2, tagged 6.7 / 13.0. The repost saving
is smaller in wall time than in CPU (the Python functions hold the GIL between numpy calls) and the new rules cost
some of the rest (the label-line test, the section and title macros), so the total moved from 429 to 415 s: the
issue's 5 minutes is not met. Left: attributes (the largest clean model now), positions and skill_matches (~140 CPU
s each), ingest (Python JSON parsing, 51 s).

Fourth pass, 2026-11-27 evening: ingest and staging, ROWS AND REJECTS UNCHANGED. The parser (ingest/zh_postings.py,
parse_thread_table) builds the comment columns whole as Arrow: createdAt/updatedAt parsed by Arrow once per thread
(GitHub's 'YYYY-MM-DDTHH:MM:SSZ'; every other form through the old _parse_ts), the NUL test one scan of the bodies'
UTF-8 bytes, no dict or datetime per comment; ingest() loads those Arrow tables (the old pandas frames from lists of
dicts cost as much as the JSON parsing). tests/test_zh_parser_fast_path.py: the same frames and rejects as the old
parser (benchmarks/baseline_zh_postings_parser.py) on the snapshot and on broken documents; the synthetic raw
tables at 100k and 200k: the same rows (updated_at is now TIMESTAMP where the old frames left an all-null column
untyped). redact_contacts: the qq, vx and WeChat gates are contains() of the literals their regexes spelled (RE2
scanned '[qQ][qQ]|扣扣' byte by byte: 1.1 s per 100k, contains() 0.3), the same tests, so the same rows
(tests/test_macros_fast_path.py). 200k, two runs each, alternating, at 07c1860 before / with these files after,
beside another helper's jobs: ingest 12.4, 8.0 -> 5.4, 5.0 s wall; stg_zh_postings__comments 14.1, 12.9 -> 9.0,
7.6 CPU s; the tagged counts identical. Left in ingest: json.loads (~40%), Python str -> UTF-8 (~25%; the bodies
are CJK), DuckDB's insert (~25%).

1M on two idle cores after the fourth pass (the Arrow thread parser and contains() redaction gates) and the
attribute pass (int_postings__attributes: one Aho-Corasick pass for the region aliases and every literal its tests
need, stricter literal gates for the employer, salary and company-name regexes; substrings_in over a vector's whole
buffer in one call), rows unchanged, at 0d17bf7 (2026-11-27 19:03): 320.9 s = 5.3 min end to end (3,116
postings/s; was 414.8 s): ingest 29.9 s (33,434/s), clean 150.2 s (6,656/s), tag 140.8 s (7,103/s); peak memory
18.6 GB; wall / CPU s per model: stg comments 19.5 / 38.5, attributes 42.6 / 84.0, reposts 88.0 / 157.5,
positions 76.9 / 149.2, skill_matches 58.7 / 115.4, tagged 5.2 / 10.2. The issue's 5 minutes is missed by 21 s:
the repost signatures (Python functions, partly holding the GIL) and int_postings__positions (normalising and
splitting every text, then slicing its segments) are the largest parts left.

Fifth pass, 2026-11-27 evening (after 0d17bf7): int_postings__positions and the repost signatures, ROWS UNCHANGED
(tests/test_tagging_fast_path.py against benchmarks/baseline_positions.sql, tests/test_clean_fast_path.py,
tests/test_repost_signature.py, the new tests/test_normalize_zh_text.py; both models at 200k: no row differs from
the tables built before). The box was shared with two other helpers' test runs (load 1.6-3.3): CPU seconds of this
process, each model alone on one saved 200k database, old and new files alternating, 3 runs each (medians):
                                  200k before          200k after
  int_postings__positions      19.39 19.31 18.88 -> 19.3   12.53 12.76 15.37 -> 12.8 (-34%)
  int_postings__reposts        21.56 24.30 20.48 -> 21.6   18.06 18.80 17.93 -> 18.1 (-16%)
  int_postings__attributes     14.68 17.32 16.18 -> 16.2   16.05 17.13 14.21 -> 16.1 (unchanged: only its macro moved)
End to end at 100k (this script, in memory, 2 runs each, alternating; CPU s): positions 8.9, 9.0 -> 6.3, 6.5;
reposts 10.9, 10.6 -> 8.6, 9.1; the other models the same (noise); total wall 28.5, 29.7 -> 25.7, 28.2 s; peak memory
2.4 -> 1.8 GB (it came during positions: 2.4 -> 1.7 GB).
What changed:
- int_postings__positions: a position's text is picked from the text's lines once, list_select over the position's
  line numbers (integer lists built from its segments), instead of slicing every segment, aggregating the segment
  texts per position and joining them again (three copies of every text: ~4 of 18 CPU s); the segments carry their
  last line (the text's line count rides along the line rows) so no lambda reads the list of lines (a lambda
  reading t.lines copies it per element: 3.4 against 1.9 CPU s in a micro test). And zh_simplified(normalize_text())
  is normalize_zh_text() (features/zh_convert.py): one RE2 character-class scan (rare full-width characters or a
  traditional one) instead of two, the eight replace() calls alone for the ~88% of texts holding neither: 6.9 ->
  5.8 CPU s per 200k texts. Every class scan reads the whole text of the texts it does not match (~2 CPU s per 200k
  here, as fast with two characters in the class as with 4,000).
- repost_minhash (features/repost_signature.py): the 32 minhashes incrementally (minhash_k = minhash_(k-1) + (40503 h
  + 97) mod p, then one conditional subtraction: 3 uint32 passes per k instead of 10 uint64 ones), the 8 bytes at
  each character gathered once (a shingle's 9th-12th bytes read from its third character's), h % 3 as a multiply by
  the inverse of 3, no boolean-mask indexing: 3.4 -> 2.1 CPU s over 49k distinct texts, the same signatures.
Tried and dropped (CPU s, 200k unless said): the LSH windows of int_postings__reposts as min(struct) aggregates
joined back (19.9 against 19.2, medians of 3); per-position line ranges sliced in a lambda reading t.lines (21.8,
21.8 against 21.2, 21.8: the capture copies the lines); CASE around two array_to_string() instead of inside one
(22.9, 22.5 against 20.4, 21.8); repost_norm building its Arrow result from one UTF-8 buffer and int32 cumsums (1.8,
1.5, 1.9 against 2.1, 1.5, 2.1 per 60k texts); a contains() gate on the replace() of '！' in normalize_text (1.27
against 1.29).
Left: md5 of every normalised text (~1 CPU s per 200k; a 64-bit hash would be cheaper but not collision-free enough
to keep the rows the same), lower() of every text in attributes and skill_matches (~3 CPU s per 200k each), the
normalize_text class scan in attributes (~2).

1M on two idle cores after the fifth pass, with the HN and file-feed staging models and the union view
staging.stg_postings__comments in the chain (both empty here: 0.1-0.6 s), at 90ca7c1 (2026-11-27 20:20), two runs:
211.9 s and 218.0 s = 3.5-3.6 min end to end (4,719 and 4,587 postings/s; was 320.9 s): ingest 24.8 / 25.3 s,
clean 104.3 / 112.8 s, tag 82.8 / 80.0 s; peak memory 13.9 GB (was 18.6); wall / CPU s per model (first run):
stg comments 17.7 / 34.9, attributes 37.9 / 74.7, reposts 48.0 / 86.1, positions 31.7 / 61.9, skill_matches
46.4 / 89.3, tagged 4.7 / 9.0. The issue's 5 minutes is met with 82 s to spare. The 1M gain is larger than the
200k CPU seconds above predict (reposts 157.5 -> 86.1 CPU s, positions 149.2 -> 61.9): probably the lower peak
memory of the position split, which left DuckDB room at 1M where the earlier runs had come within 6 GB of the
machine's 24, and in part the machine's own speed, which varies between runs (below).
Two more runs at 866ebeb (20:55 and 21:03; its later commits leave ingest, clean-up and the skill matcher's hot path
as they were, and add 8 stop phrases): 280.4 s and 252.5 s (ingest 36.8 / 28.9, clean 139.5 / 128.2, tag 104.1 /
95.4; peak 13.8 GB). Unchanged code ran slower in the same proportion (ingest 24.8 -> 36.8 and 28.9 s, reposts CPU 86.1 ->
112.2 s), so the machine itself varied by ~20-30% between runs: read 1M as 3.5-4.7 min (212-280 s over four runs),
under the issue's 5 minutes in each.

Run: .venv/bin/python benchmarks/tagging_scale.py [--n 1000000] [--baseline-n 5000] [--threads 2] [--db FILE]
     [--memory-limit 6GB]
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
import pyarrow as pa

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from core.db import build_table  # noqa: E402
from features.build import FEATURES, POSTINGS_STAGING, Model, build_models  # noqa: E402
from ingest.zh_postings import ZhPostings, parse_thread_table  # noqa: E402

SEEDS = ("skill_terms", "skill_stopphrases", "postings_rules", "cn_regions")
CLEAN = POSTINGS_STAGING + \
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


def ingest(con: duckdb.DuckDBPyConnection, docs: list[str], batch: int = 10) -> int:
    """Parse thread documents with the connector's parser and load raw tables, `batch` threads at a time (as the
    pipeline lands one batch at a time); each document is dropped from `docs` once parsed. Return comments loaded.
    The comments come from the parser as Arrow tables (parse_thread_table) and are loaded as Arrow."""
    now = datetime(2026, 1, 1)
    loaded = 0
    cur = con.cursor()  # its own cursor: the connection may hold an unfinished count(*) result
    for start in range(0, len(docs), batch):
        threads, comments = [], []
        for i in range(start, min(start + batch, len(docs))):
            thread, table, _ = parse_thread_table(docs[i], Path(f"synthetic-{i}.json"))
            docs[i] = ""  # peak memory: the JSON text is not needed any more
            threads.append(thread)
            comments.append(table)
        comments = pa.concat_tables(comments)
        frames = {"threads": pd.DataFrame(threads),
                  "comments": comments.append_column("_batch_id", pa.repeat("synthetic", len(comments)))
                                      .append_column("_fetched_at", pa.repeat(pa.scalar(now, pa.timestamp("us")),
                                                                              len(comments)))}
        frames["threads"]["_batch_id"], frames["threads"]["_fetched_at"] = "synthetic", now
        for name, frame in frames.items():
            cur.register("frame", frame)
            cur.execute(f"CREATE OR REPLACE TABLE raw.zh_postings__{name} AS SELECT * FROM frame" if start == 0 else
                        f"INSERT INTO raw.zh_postings__{name} BY NAME SELECT * FROM frame")
            cur.unregister("frame")
        loaded += len(comments)
    cur.close()
    return loaded


def peak_rss_mb() -> float:
    """Return this process's peak resident memory in MB (Linux ru_maxrss is in KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed_models(con: duckdb.DuckDBPyConnection, models: list[Model],
                 per_model: dict[str, tuple[float, float, float]]) -> float:
    """Build models, recording each model's (wall s, CPU s, peak memory MB so far) in `per_model`; return the
    stage's wall seconds."""
    tick = time.perf_counter()
    last = (tick, time.process_time())

    def done(name: str) -> None:
        nonlocal last
        now = (time.perf_counter(), time.process_time())
        per_model[name] = (now[0] - last[0], now[1] - last[1], peak_rss_mb())
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
    parser.add_argument("--memory-limit", default=None, help="DuckDB memory_limit, e.g. 6GB (default DuckDB's)")
    args = parser.parse_args()

    texts = real_texts()
    tick = time.perf_counter()
    docs = synthetic_threads(args.n, texts)
    print(f"SYNTHETIC data: {args.n:,} postings from {len(texts):,} real texts in "
          f"{time.perf_counter() - tick:.1f} s ({sum(map(len, docs)) / 1e6:,.0f} M characters of JSON)")

    con = duckdb.connect(args.db)
    con.execute(f"SET threads = {args.threads}")
    con.execute("SET enable_progress_bar = false")
    if args.memory_limit:
        con.execute("SET memory_limit = ?", [args.memory_limit])
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
    print(f"after ingest: peak memory {peak_rss_mb() / 1024:.1f} GB")
    per_model: dict[str, tuple[float, float, float]] = {}
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
    print("per model, wall / CPU seconds (including the grain check) / peak memory so far in GB: " +
          ", ".join(f"{name.split('.')[1]} {wall:.1f} / {cpu:.1f} / {mb / 1024:.1f}"
                    for name, (wall, cpu, mb) in per_model.items()))
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
