"""The DuckDB functions repost_norm(text) and repost_minhash(norm) of int_postings__reposts, in numpy over Arrow.

Issue 3 (1M postings in under 5 minutes): in SQL the repost model was the largest cost of the clean stage (264 CPU s
at 1M): the normalisation regex, hashing every character 3-shingle (a string per shingle) and 32 universal hashes
per shingle, roughly a third each. Both functions give exactly what the SQL gave, so the model's rows do not change
(tests/test_clean_fast_path.py against benchmarks/baseline_reposts.sql, tests/test_repost_signature.py). Each runs
once per DuckDB vector (2,048 rows), on the whole vector's characters at once.

repost_norm(t) = left(regexp_replace(lower(normalize_text(t)), '[\\s\\p{P}\\p{S}]+', '', 'g'), 1500), the normalised
text whose md5 decides exact reposts. normalize_text (macros.sql: a width mapping, character by character) and
lower() (DuckDB maps each code point on its own) are a lookup per code point, and the regex removes single code
points of a class, so the SQL collapses to one code point table. DuckDB itself fills it, once per process (every
code point through the SQL above, in a private in-memory database: ~1 s), so it is the SQL's mapping whatever
DuckDB's Unicode tables are; it raises if a code point ever maps to more than one.

repost_minhash(norm): the 32 minhashes the SQL computed, bit for bit. For each character 3-shingle s of the text (a
text of 1 or 2 characters: one shingle of them all; an empty or NULL text: hash(NULL)), h = DuckDB's hash(s) % p;
texts over 300 characters keep the shingles with h % 3 = 0 (NULL, which has no length, only then too); value k is
the minimum over the kept shingles of minhash_k(h, k) = (h * (1103515245 + 40503 k) + 97 k + 1) % p (macros.sql),
p = 2^31 - 1; NULL when no shingle is kept (the SQL had no signature row then). DuckDB's string hash is reproduced
on the UTF-8 bytes of each shingle, read in place from the vector's Arrow buffer (a shingle is at most 12 bytes:
one 8-byte block and a rest, then MurmurHash64); the first use checks it against DuckDB's own hash() and raises if
another DuckDB version hashes strings differently. The 8 bytes at each character are gathered once per vector (a
shingle's bytes after its 8th are read from its third character's 8). The 32 hashes are computed incrementally:
minhash_k = (minhash_(k-1) + (40503 h + 97) mod p) mod p, one addition and one conditional subtraction of p per
value and k in uint32 (the same values as the 32 products and modulos, in cache-sized blocks).

Tried and dropped: one-permutation hashing with densification (one hash per shingle into 32 bins, Shrivastava 2017)
cost less again, but gives other signatures: on the real bundled postings 138 of 1,780 texts (7.8%) got another
repost link (the noise of a 32-value estimate around the 0.5 / 0.7 thresholds, against the old estimate's).
"""

from __future__ import annotations

from functools import lru_cache

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from features.redact import install_macros

BINS = 32  # minhashes per signature
NORM_CHARS = 1500  # characters of the normalised text kept
_DROP = np.uint32(0xFFFFFFFF)  # in the code point table: removed by the normalisation
_M = np.uint64(0xD6E8FEB86659FD93)  # DuckDB's hash multiplier
_P = 2147483647  # the prime of minhash_k
_NONE = np.iinfo(np.uint64).max  # a minimum over no value
_ALL = np.uint64(0xFFFFFFFFFFFFFFFF)
_INV3 = np.uint32(0xAAAAAAAB)  # 3 * _INV3 = 1 mod 2^32: x % 3 == 0 exactly when x * _INV3 (mod 2^32) <= (2^32 - 1) / 3
# strings whose DuckDB hash() _duckdb_facts compares with duckdb_hash: 1 to 12 UTF-8 bytes, 1- to 4-byte characters
_CHECK = ["a", "ab", "abc", "é", "aé", "éé机", "机器学", "é机z", "\U0001F44Dab", "\U0001F44D\U0001F44D\U0001F44D",
          "a\U0001F44D机", "机\U0001F44D", "zz\U00020000", "\u00e9\u00e9\u00e9", "x机器", "abcdefgh", "abcdefg机"]


@lru_cache(maxsize=1)
def _duckdb_facts() -> tuple[np.ndarray, int]:
    """Return (table, hash(NULL)) from DuckDB itself, once per process: table[c] for every code point c is the code
    point lower(normalize_text(chr(c))) gives, or _DROP when the normalisation regex removes it. Raises when the
    lookup or duckdb_hash would not give what the SQL gives (another DuckDB version): no model rather than other
    rows."""
    table = np.arange(0x110000, dtype=np.uint32)  # code point 0 and the surrogates (not in UTF-8 text): unchanged
    con = duckdb.connect()
    try:
        install_macros(con)
        got = con.execute(
            "SELECT cp::UINTEGER AS cp, CASE WHEN regexp_matches(m, '^[\\s\\p{P}\\p{S}]$') THEN 4294967295 "
            "ELSE unicode(m) END::UINTEGER AS to_cp, length(m) AS n "
            "FROM (SELECT cp, lower(normalize_text(chr(cp::INTEGER))) AS m "
            "      FROM range(1, 1114112) AS r(cp) WHERE cp NOT BETWEEN 55296 AND 57343)").fetchnumpy()
        null_hash = con.execute("SELECT hash(NULL::VARCHAR)").fetchall()[0][0]
        expected = [row[0] for row in con.execute(
            "SELECT hash(s) FROM unnest(?::VARCHAR[]) WITH ORDINALITY AS u(s, i) ORDER BY i", [_CHECK]).fetchall()]
    finally:
        con.close()
    if (np.asarray(got["n"]) != 1).any():  # the lookup is exact only while each code point maps to one
        raise RuntimeError("lower(normalize_text(c)) is not one code point for every c: repost_norm needs a rework")
    table[np.asarray(got["cp"])] = np.asarray(got["to_cp"])
    words = [t.encode("utf-8") for t in _CHECK]
    sizes = np.array([len(w) for w in words], dtype=np.int64)
    data = np.frombuffer(b"".join(words) + bytes(16), dtype=np.uint8)
    mine = [int(v) for v in _hash_substrings(data, np.concatenate([[0], np.cumsum(sizes)[:-1]]), sizes)]
    if mine != expected:
        raise RuntimeError("DuckDB's hash() of a string is not what duckdb_hash computes (another DuckDB "
                           "version?): repost_minhash needs a rework")
    return table, int(null_hash)


def _string_bytes(texts: pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (the vector's UTF-8 bytes followed by 16 zero bytes, uint8; each text's byte offset, len + 1, int64;
    valid mask)."""
    if isinstance(texts, pa.ChunkedArray):
        texts = texts.combine_chunks()
    texts = texts.cast(pa.large_string())
    valid = texts.is_valid().to_numpy(zero_copy_only=False)
    _, offset_buf, data_buf = texts.buffers()
    if data_buf is None or len(texts) == 0:
        return np.zeros(16, dtype=np.uint8), np.zeros(len(texts) + 1, dtype=np.int64), valid
    offsets = np.frombuffer(offset_buf, dtype=np.int64)[texts.offset:texts.offset + len(texts) + 1]
    raw = np.frombuffer(data_buf, dtype=np.uint8)[offsets[0]:offsets[-1]]  # (a NULL row holds no bytes)
    return np.concatenate([raw, np.zeros(16, dtype=np.uint8)]), offsets - offsets[0], valid


def normalise(texts: pa.Array) -> pa.Array:
    """repost_norm over an Arrow array of texts (see the module docstring)."""
    data, offsets, valid = _string_bytes(texts)
    cps = np.frombuffer(bytes(data[:-16]).decode("utf-8").encode("utf-32-le"), dtype=np.uint32)
    starts = np.zeros(len(valid) + 1, dtype=np.int64)  # each text's first character
    np.cumsum(pc.fill_null(pc.utf8_length(texts), 0).to_numpy(zero_copy_only=False), out=starts[1:])
    mapped = np.take(_duckdb_facts()[0], cps)
    keep = mapped != _DROP
    kept_before = np.zeros(len(cps) + 1, dtype=np.int64)
    np.cumsum(keep, out=kept_before[1:])
    kept = np.diff(kept_before[starts])
    for i in np.nonzero(kept > NORM_CHARS)[0]:  # left(..., 1500): drop what follows the 1500th kept character
        cut = starts[i] + np.flatnonzero(keep[starts[i]:starts[i + 1]])[NORM_CHARS]
        keep[cut:starts[i + 1]] = False
    text = mapped[keep].tobytes().decode("utf-32-le")
    ends = np.cumsum(np.minimum(kept, NORM_CHARS)).tolist()
    return pa.array([text[e - m:e] if ok else None
                     for e, m, ok in zip(ends, np.minimum(kept, NORM_CHARS).tolist(), valid.tolist())],
                    type=pa.string())


def duckdb_hash(lo: np.ndarray, hi: np.ndarray, size: np.ndarray) -> np.ndarray:
    """DuckDB's hash() of VARCHARs of 1 to 12 bytes (inlined string_t): `size` bytes, the first 8 little-endian
    in `lo`, the rest in `hi` (zero above `size`), hashed as one 8-byte block and a rest, then MurmurHash64
    (src/common/types/hash.cpp and hash.hpp; checked on DuckDB 2.0.1; _duckdb_facts compares it with DuckDB at first
    use). Overwrites and returns `lo`."""
    s32 = np.uint64(32)
    h = np.multiply(size.astype(np.uint64), np.uint64(0xC6A4A7935BD1E995))
    np.bitwise_xor(h, np.uint64(0xE17A1465), out=h)
    np.bitwise_xor(lo, h, out=lo)
    np.multiply(lo, _M, out=lo)
    np.bitwise_xor(lo, hi, out=lo)  # hi is 0 up to 8 bytes, where DuckDB hashes no second block
    np.multiply(lo, _M, out=lo, where=size > 8)
    for _ in range(2):  # MurmurHash64: x ^= x >> 32; x *= M; x ^= x >> 32; x *= M; x ^= x >> 32
        np.right_shift(lo, s32, out=h)
        np.bitwise_xor(lo, h, out=lo)
        np.multiply(lo, _M, out=lo)
    np.right_shift(lo, s32, out=h)
    return np.bitwise_xor(lo, h, out=lo)


def _masked_hash(lo: np.ndarray, hi: np.ndarray, size: np.ndarray) -> np.ndarray:
    """DuckDB's hash() of strings of `size` (1 to 12) bytes whose first 8 bytes (little-endian) are in `lo` and the
    rest in `hi`, both holding what follows the string above its end: keeps the low min(size, 8) bytes of lo and
    size - 8 bytes of hi (a shift by 64 or more bits gives 0 in numpy), then duckdb_hash. Overwrites `lo`."""
    bits = size.astype(np.uint64) * np.uint64(8)
    lo &= ~np.left_shift(_ALL, bits)
    hi &= np.right_shift(_ALL, np.uint64(128) - bits)
    return duckdb_hash(lo, hi, size)


def _hash_substrings(data: np.ndarray, start: np.ndarray, size: np.ndarray) -> np.ndarray:
    """DuckDB's hash() of the substrings data[start:start + size] (1 <= size <= 12; data ends with 16 zero bytes)."""
    words = np.ndarray(shape=(len(data) - 8,), dtype="<u8", buffer=data, strides=(1,))  # 8 bytes at every offset
    return _masked_hash(words[start], words[start + 8], size)


def _minhashes(h: np.ndarray, text_of: np.ndarray, n: int, block: int = 65536) -> np.ndarray:
    """Return (n, BINS) uint64: per text the minimum over its values h (below p, grouped by text in order) of
    minhash_k(h, k), k < BINS; _NONE for a text without a value. minhash_k(h, k) = (a_k h + b_k) mod p with
    a_k = a_0 + 40503 k and b_k = 1 + 97 k, so minhash_k = (minhash_(k-1) + (40503 h + 97) mod p) mod p: each k
    after the first is one addition of two values below p (below 2^32: uint32) and one conditional subtraction of p,
    exactly the modulo the SQL computed, in cache-sized blocks."""
    out = np.full((n, BINS), _NONE, dtype=np.uint64)
    p32 = np.uint32(_P)
    for b0 in range(0, len(h), block):
        hb, tb = h[b0:b0 + block], text_of[b0:b0 + block]
        starts = np.flatnonzero(np.diff(tb, prepend=-1))  # each text's first value in the block
        rows = tb[starts]
        x = ((hb * np.uint64(1103515245) + np.uint64(1)) % np.uint64(_P)).astype(np.uint32)  # k = 0
        step = ((hb * np.uint64(40503) + np.uint64(97)) % np.uint64(_P)).astype(np.uint32)
        t = np.empty_like(x)
        for k in range(BINS):
            if k:
                np.add(x, step, out=x)  # < 2p < 2^32
                np.subtract(x, p32, out=t)  # wraps above x when x < p: the minimum is x mod p
                np.minimum(x, t, out=x)
            out[rows, k] = np.minimum(out[rows, k], np.minimum.reduceat(x, starts))
    return out


def signatures(norms: pa.Array) -> pa.Array:
    """repost_minhash over an Arrow array of normalised texts (see the module docstring): per text the list of
    BINS minhashes, NULL when it kept no shingle."""
    data, offsets, valid = _string_bytes(norms)
    n = len(valid)
    nbytes = len(data) - 16
    cstart = np.flatnonzero((data[:nbytes] & 0xC0) != 0x80)  # byte offset of every character
    first = np.searchsorted(cstart, offsets)  # each text's first character (len + 1)
    lengths = np.diff(first)
    # texts of >= 3 characters: shingle j is characters j, j + 1, j + 2 (L - 2 shingles), hashed at every
    # character of the vector; the last two of each text (which run into the next text) are left out. The 8 bytes
    # at each character are read once (one gather); a shingle's bytes after its 8th are read from those of its
    # third character, which starts 2 to 8 bytes after the first (2 characters of 1 to 4 bytes) and holds at least
    # 5 bytes from there on, more than the 4 a shingle of at most 12 bytes has after its 8th
    words = np.ndarray(shape=(len(data) - 8,), dtype="<u8", buffer=data, strides=(1,))  # 8 bytes at every offset
    cpos = np.concatenate([cstart, np.full(3, nbytes)])
    at_char = words[cpos]  # (zeros at the 3 end positions: data ends with 16 zero bytes)
    hi = np.right_shift(at_char[2:-1], (np.uint64(8) - (cpos[2:-1] - cstart).astype(np.uint64)) * np.uint64(8))
    h = (_masked_hash(at_char[:-3], hi, cpos[3:] - cstart) % np.uint64(_P)).astype(np.uint32)
    inside = np.repeat(lengths >= 3, lengths)
    long_ends = first[1:][lengths >= 3]
    inside[long_ends - 1] = False
    inside[long_ends - 2] = False
    inside &= np.repeat(lengths <= 300, lengths) | (h * _INV3 <= np.uint32(0x55555555))  # over 300: h % 3 == 0
    kept_at = np.flatnonzero(inside)
    sig = _minhashes(h[kept_at], np.repeat(np.arange(n, dtype=np.int32), lengths)[kept_at], n)
    one = np.nonzero(lengths < 3)[0]  # 1 or 2 characters: one shingle of them all; empty or NULL: hash(NULL)
    if len(one):
        size = offsets[1:][one] - offsets[:-1][one]
        one_h = _hash_substrings(data, np.where(size > 0, offsets[:-1][one], 0), np.maximum(size, 1)) % \
            np.uint64(_P)
        one_h[size == 0] = _duckdb_facts()[1] % _P
        sig[one] = _minhashes(one_h, np.arange(len(one)), len(one))
        sig[one[~valid[one] & (one_h % np.uint64(3) != 0)]] = _NONE  # NULL: no length, kept when 0 mod 3
    kept = sig[:, 0] != _NONE
    return pa.ListArray.from_arrays(pa.array(np.arange(0, n * BINS + 1, BINS, dtype=np.int32)),
                                    pa.array(sig.reshape(-1).astype(np.int64)), mask=pa.array(~kept))


def install_repost_functions(con: duckdb.DuckDBPyConnection) -> None:
    """Register repost_norm(VARCHAR) -> VARCHAR and repost_minhash(VARCHAR) -> BIGINT[] on `con` (idempotent)."""
    for name, fn, out in (("repost_norm", normalise, duckdb.sqltype("VARCHAR")),
                          ("repost_minhash", signatures, duckdb.list_type(duckdb.sqltype("BIGINT")))):
        try:
            con.remove_function(name)
        except (duckdb.InvalidInputException, duckdb.CatalogException):
            pass
        con.create_function(name, fn, [duckdb.sqltype("VARCHAR")], out, type="arrow", null_handling="special",
                            side_effects=False)
