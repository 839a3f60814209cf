"""normalize_zh_text(t) (features/zh_convert.py: one character-class scan) gives exactly
zh_simplified(normalize_text(t)), which int_postings__positions computed before."""

import random
from pathlib import Path

import duckdb

from features.redact import install_macros
from features.term_prefilter import install_term_prefilter
from features.zh_convert import t2s_table
from ingest.zh_postings import ZhPostings

REPO = Path(__file__).resolve().parents[1]


def test_normalize_zh_text_is_zh_simplified_of_normalize_text():
    source = ZhPostings()
    bodies = source.parse(source.snapshot_files(REPO / "data" / "snapshots")).tables["comments"]["body"].tolist()
    # every code point (but the surrogates) in a text of its own chunk, traditional characters, full-width forms,
    # and texts holding one of each kind only
    cps = [c for c in range(1, 0x110000) if not 0xD800 <= c <= 0xDFFF]
    random.Random(5).shuffle(cps)
    every = ["".join(map(chr, cps[i:i + 700])) for i in range(0, len(cps), 700)]
    trad = [chr(c) for c in sorted(t2s_table())]
    tricky = [None, "", "a", "機器學習，ＡＩ\u3000工程師！", "機", "Ａ", "\u3000", "\u00a0x，（）：；！？",
              "普通话，没有繁体"]
    texts = bodies + every + trad + [chr(c) for c in range(0xFF00, 0xFF60)] + tricky
    con = duckdb.connect()
    try:
        install_term_prefilter(con)
        install_macros(con)
        con.execute("CREATE TABLE t AS SELECT * FROM unnest(?::VARCHAR[]) WITH ORDINALITY AS u(v, i)", [texts])
        differ = con.execute("SELECT i FROM t "
                             "WHERE normalize_zh_text(v) IS DISTINCT FROM zh_simplified(normalize_text(v))").fetchall()
        changed = con.execute("SELECT count(*) FROM t WHERE normalize_zh_text(v) <> v").fetchone()[0]
    finally:
        con.close()
    assert differ == []
    assert changed > 4000  # the traditional characters and full-width forms went through the slow branch
