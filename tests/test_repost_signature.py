"""repost_norm and repost_minhash (features/repost_signature.py) give exactly what the SQL of int_postings__reposts
gave: the normalised text, DuckDB's hash() of each shingle and the 32 minhashes."""

import random
from pathlib import Path

import duckdb
import numpy as np
import pytest

from features.redact import install_macros
from features.repost_signature import _hash_substrings, install_repost_functions
from ingest.zh_postings import ZhPostings

REPO = Path(__file__).resolve().parents[1]
SQL_NORM = "left(regexp_replace(lower(normalize_text(t)), '[\\s\\p{P}\\p{S}]+', '', 'g'), 1500)"
# the signature as the SQL computed it (int_postings__reposts before the numpy functions)
SQL_SIGNATURE = """
SELECT i, [{mins}] AS sig
FROM (SELECT i, n, unnest(list_transform(range(1, greatest(n - 1, 2)),
          lambda j: (hash(c[j] || coalesce(c[j + 1], '') || coalesce(c[j + 2], '')) % 2147483647)::BIGINT)) AS h
      FROM (SELECT i, string_split(t, '') AS c, length(t) AS n FROM texts))
WHERE n <= 300 OR h % 3 = 0
GROUP BY i
""".format(mins=", ".join(f"min(minhash_k(h, {k}))" for k in range(32)))
EDGE = [None, "", "a", "ab", "abc", "abcd", "é", "机器", "机器学", "👍", "👍👍", "👍👍👍", "a👍机z", "𠀀𠀁𠀂𠀃",
        "abcdefgh", "abcdefghi", "x" * 300, "机" * 299 + "器学", "机器学习" * 80, "ab" * 900, "Ａｂｃ，ＤＥＦ！　ｇ",
        "İstanbul ΣΑΣ Straße ǅ", "e\u0301\u0301x", "@#$%^&*()[]{}" * 3, "  \t\n 空 格 ", "x\u3000y\u00a0z",
        "e\u0301" * 1000, "a\u200d" * 900]  # (left() counts code points, not graphemes)


@pytest.fixture(scope="module")
def bodies() -> list[str]:
    source = ZhPostings()
    return source.parse(source.snapshot_files(REPO / "data" / "snapshots")).tables["comments"]["body"].tolist()


def _con(texts: list) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    install_macros(con)
    install_repost_functions(con)
    con.execute("CREATE TABLE texts AS SELECT * FROM unnest(?::VARCHAR[]) WITH ORDINALITY AS u(t, i)", [texts])
    return con


def test_repost_norm_is_the_sql_normalisation(bodies):
    # every code point (but the surrogates), in chunks of 700 in a random order, so each one is seen in a text
    cps = [c for c in range(1, 0x110000) if not 0xD800 <= c <= 0xDFFF]
    random.Random(3).shuffle(cps)
    every = ["".join(map(chr, cps[i:i + 700])) for i in range(0, len(cps), 700)]
    texts = bodies + EDGE + every
    con = _con(texts)
    try:
        got = con.execute(f"SELECT i, {SQL_NORM} IS NOT DISTINCT FROM repost_norm(t), {SQL_NORM} FROM texts "
                          "ORDER BY i").fetchall()
    finally:
        con.close()
    assert [i for i, same, _ in got if not same] == []
    assert sum(len(norm or "") for _, _, norm in got[:len(bodies)]) > 100_000  # real texts went through


def test_repost_minhash_is_the_sql_signature(bodies):
    con = _con([])
    try:
        norms = [r[0] for r in con.execute(f"SELECT {SQL_NORM} FROM unnest(?::VARCHAR[]) AS u(t)",
                                           [bodies + EDGE]).fetchall()]
    finally:
        con.close()
    con = _con(norms + EDGE)  # the normalised texts, and the edge cases as they are (NULL, short, 4-byte, > 300)
    try:
        con.execute(f"CREATE TABLE sql_sig AS {SQL_SIGNATURE}")
        diff = con.execute("SELECT t.i, s.sig, repost_minhash(t.t) FROM texts AS t LEFT JOIN sql_sig AS s USING (i) "
                           "WHERE s.sig IS DISTINCT FROM repost_minhash(t.t)").fetchall()
        shapes = con.execute("SELECT count(*), count(repost_minhash(t)), min(len(repost_minhash(t))), "
                             "(SELECT count(*) FROM sql_sig) FROM texts").fetchall()[0]
    finally:
        con.close()
    assert diff == []
    # no signature where the SQL had none: NULL (hash(NULL) % p is not 0 mod 3) and the repetitive texts over 300
    # characters whose few distinct shingles are none 0 mod 3 (12 texts here)
    assert shapes == (len(norms) + len(EDGE), shapes[3], 32, len(norms) + len(EDGE) - 12)


def test_duckdb_string_hash_of_short_strings():
    rng = random.Random(5)
    ranges = [(0x20, 0x7E), (0xA0, 0x7FF), (0x800, 0xFFFF), (0x10000, 0x10FFFF)]
    strings = []
    for _ in range(3000):
        chars = []
        while len(chars) < rng.randint(1, 3):
            lo, hi = rng.choice(ranges)
            c = rng.randint(lo, hi)
            if not 0xD800 <= c <= 0xDFFF:
                chars.append(chr(c))
        strings.append("".join(chars))
    con = duckdb.connect()
    try:
        expected = [r[0] for r in con.execute("SELECT hash(s) FROM unnest(?::VARCHAR[]) WITH ORDINALITY AS u(s, i) "
                                              "ORDER BY i", [strings]).fetchall()]
    finally:
        con.close()
    words = [s.encode("utf-8") for s in strings]
    sizes = np.array([len(w) for w in words], dtype=np.int64)
    data = np.frombuffer(b"".join(words) + bytes(16), dtype=np.uint8)
    got = _hash_substrings(data, np.concatenate([[0], np.cumsum(sizes)[:-1]]), sizes)
    assert [int(v) for v in got] == expected
    assert sizes.max() == 12 and sizes.min() == 1
