"""The DuckDB function substrings_in(text, terms): which literal terms occur in a text, in one pass.

int_postings__skill_matches used to test every (position, term) pair with contains() before the per-term
regex: positions x ~300 terms was most of the tagging cost at scale (issue 3: 1M postings). An Aho-Corasick
automaton finds every term of the list in one pass over the text, so the model joins on the few terms present
instead (int_postings__attributes does the same with the region aliases). It returns exactly the terms t for
which contains(text, t) holds, so the tags do not change (tests/test_term_prefilter.py,
tests/test_clean_fast_path.py).

Backends, fastest first; all give the same lists (the tests run each one that is installed):
  ahocorasick_rs   the package ahocorasick-rs, a declared dependency (Rust, a DFA). It searches the UTF-8 bytes of the Arrow
                   buffer in place (a UTF-8 term can only match at a character boundary of UTF-8 text, so a byte
                   match is a character match, as DuckDB's contains() compares bytes too) and releases the GIL
                   while it searches, once over the whole vector's bytes (not once per row: a third less CPU for
                   the region aliases at 100k). 50k synthetic postings, skill terms: 1.2 s against 5.6 s for
                   pyahocorasick (2026-11-27); at 1M postings pyahocorasick was an estimated ~170 s of one core
                   with the GIL held.
  pyahocorasick    the fallback (also declared; the tests compare every installed backend): one Python str per row.
  python           plain substring tests, about 4x slower than pyahocorasick.
The function runs once per DuckDB vector (2,048 rows) and builds its Arrow result from flat offsets and values,
not one Python list per row.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from itertools import chain

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from features.zh_convert import install_zh_to_simplified

try:
    import ahocorasick_rs
except ImportError:  # a declared dependency; without it (e.g. no wheel) the result is the same, only slower
    ahocorasick_rs = None
try:
    import ahocorasick
except ImportError:  # optional speed-up: the result is the same without it
    ahocorasick = None

SEP = chr(31)  # terms travel as one string joined by the ASCII unit separator (a constant per query)
BACKENDS = ("ahocorasick_rs", "pyahocorasick", "python")


def available_backends() -> list[str]:
    """Return the backends importable here, fastest first ('python' always)."""
    return [b for b, mod in zip(BACKENDS, (ahocorasick_rs, ahocorasick, True)) if mod is not None]


@lru_cache(maxsize=16)
def _terms(joined: str) -> list[str]:
    return sorted({t for t in joined.split(SEP) if t})


@lru_cache(maxsize=16)
def _bytes_automaton(joined: str):
    # Standard match kind with overlapping=True reports every occurrence of every pattern, as contains() sees
    # them. On UTF-8 bytes: a valid UTF-8 term can only occur at a character boundary of valid UTF-8 text, so a
    # byte match is exactly a character match (and DuckDB's contains() compares bytes too).
    return ahocorasick_rs.BytesAhoCorasick([t.encode("utf-8") for t in _terms(joined)],
                                           matchkind=ahocorasick_rs.MatchKind.Standard,
                                           implementation=ahocorasick_rs.Implementation.DFA)


@lru_cache(maxsize=16)
def _finder(joined: str, backend: str | None = None) -> Callable[[str], list[str]]:
    """Return a function text -> sorted distinct terms of `joined` that occur in the text (`backend`: one of
    BACKENDS, default the fastest available)."""
    backend = backend or available_backends()[0]
    if backend not in available_backends():
        raise ValueError(f"substring backend {backend!r} is not available here: {available_backends()}")
    terms = _terms(joined)
    if not terms:
        return lambda text: []
    if backend == "ahocorasick_rs":
        found_rs = _bytes_automaton(joined)
        return lambda text: [terms[i] for i in sorted({i for i, _, _ in found_rs.find_matches_as_indexes(
            text.encode("utf-8"), overlapping=True)})]
    if backend == "pyahocorasick":
        found = ahocorasick.Automaton()
        for term in terms:
            found.add_word(term, term)
        found.make_automaton()
        return lambda text: sorted({term for _, term in found.iter(text)})
    return lambda text: [t for t in terms if t in text]


def substrings_in(texts: pa.Array, joined_terms: pa.Array) -> pa.Array:
    """Return, per row, the sorted distinct terms (of the row's SEP-joined list) that occur in the text."""
    return find_substrings(texts, joined_terms)


def _constant(values: pa.Array) -> str | None:
    """Return the one non-null value of `values` if every row holds it, else None."""
    if len(values) == 0 or values.null_count:
        return None
    first = values[0].as_py()
    return first if pc.all(pc.equal(values, pa.scalar(first, type=values.type))).as_py() else None


def find_substrings(texts: pa.Array, joined_terms: pa.Array, backend: str | None = None) -> pa.Array:
    """substrings_in with a chosen backend (default the fastest available)."""
    if isinstance(texts, pa.ChunkedArray):
        texts = texts.combine_chunks()
    if isinstance(joined_terms, pa.ChunkedArray):
        joined_terms = joined_terms.combine_chunks()
    backend = backend or available_backends()[0]
    joined = _constant(joined_terms)  # the terms are a constant per query: one automaton for the vector
    values: list[str] = []
    offsets = [0]
    if backend == "ahocorasick_rs" and joined is not None:
        return _find_in_buffer(texts, joined)
    elif joined is not None:
        find = _finder(joined, backend)
        for text in texts.to_pylist():
            if text is not None:
                values.extend(find(text))
            offsets.append(len(values))
    else:
        for text, row_joined in zip(texts.to_pylist(), joined_terms.to_pylist()):
            if text is not None and row_joined is not None:
                values.extend(_finder(row_joined, backend)(text))
            offsets.append(len(values))
    return pa.ListArray.from_arrays(pa.array(offsets, type=pa.int32()), pa.array(values, type=pa.string()))


def _find_in_buffer(texts: pa.Array, joined: str) -> pa.Array:
    """The ahocorasick_rs path of find_substrings: ONE search over the UTF-8 bytes of the whole vector's Arrow buffer
    (no Python call per row: issue 3, int_postings__attributes), every occurrence reported (overlapping), then each
    match assigned to the row its first byte lies in; a match that runs on into the next row's bytes is no
    occurrence in either and is dropped (overlapping search reports every occurrence, so none hides a real one). A
    NULL row gets [] as the other backends give."""
    terms = _terms(joined)
    data = texts.cast(pa.large_binary())
    n = len(data)
    if not terms or n == 0 or data.buffers()[2] is None:
        return pa.ListArray.from_arrays(pa.array(np.zeros(n + 1, dtype=np.int32)), pa.array([], type=pa.string()))
    _, offset_buf, data_buf = data.buffers()
    starts = np.frombuffer(offset_buf, dtype=np.int64)[data.offset:data.offset + n + 1]
    raw = memoryview(data_buf).cast("B")[starts[0]:starts[-1]]
    rel = starts - starts[0]
    matches = _bytes_automaton(joined).find_matches_as_indexes(raw, overlapping=True)  # (term, start, end) tuples
    found = np.fromiter(chain.from_iterable(matches), dtype=np.int64, count=3 * len(matches)).reshape(-1, 3)
    row = np.searchsorted(rel, found[:, 1], side="right") - 1  # the row whose bytes hold the match's first byte
    keep = found[:, 2] <= rel[row + 1]
    if data.null_count:
        keep &= data.is_valid().to_numpy(zero_copy_only=False)[row]
    key = np.unique(row[keep] * len(terms) + found[keep, 0])  # distinct (row, term), by row then term (sorted)
    offsets = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(np.bincount(key // len(terms), minlength=n), out=offsets[1:])
    values = pa.array(terms, type=pa.string()).take(pa.array(key % len(terms)))
    return pa.ListArray.from_arrays(pa.array(offsets), values)


def install_term_prefilter(con: duckdb.DuckDBPyConnection) -> None:
    """Register substrings_in(VARCHAR text, VARCHAR SEP-joined terms) -> VARCHAR[] on `con` (idempotent), and
    zh_simplified(text) (features/zh_convert.py), which int_postings__positions applies before every match."""
    install_zh_to_simplified(con)
    try:
        con.remove_function("substrings_in")
    except (duckdb.InvalidInputException, duckdb.CatalogException):
        pass
    con.create_function("substrings_in", substrings_in, [duckdb.sqltype("VARCHAR"), duckdb.sqltype("VARCHAR")],
                        duckdb.list_type(duckdb.sqltype("VARCHAR")), type="arrow", null_handling="special",
                        side_effects=False)
