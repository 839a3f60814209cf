"""The DuckDB function substrings_in(text, terms): which literal terms occur in a text, in one pass.

int_postings__skill_matches used to test every (position, term) pair with contains() before the per-term
regex: positions x 232 terms was most of the tagging cost at scale (issue 3: 1M postings). An Aho-Corasick
automaton (pyahocorasick) finds every term of the list in one pass over the text, so the model joins on the
few terms present instead. It returns exactly the terms t for which contains(text, t) holds, so the tags do
not change (tests/test_term_prefilter.py). Without pyahocorasick it falls back to Python substring tests
(same result, about 4x slower).
"""

from __future__ import annotations

from functools import lru_cache

import duckdb
import pyarrow as pa

from features.zh_convert import install_zh_to_simplified

try:
    import ahocorasick
except ImportError:  # optional speed-up: the result is the same without it
    ahocorasick = None

SEP = chr(31)  # terms travel as one string joined by the ASCII unit separator (a constant per query)


@lru_cache(maxsize=16)
def _finder(joined: str, automaton: bool = True):
    """Return a function text -> sorted distinct terms of `joined` that occur in the text."""
    terms = sorted({t for t in joined.split(SEP) if t})
    if ahocorasick is None or not automaton:
        return lambda text: [t for t in terms if t in text]
    found = ahocorasick.Automaton()
    for term in terms:
        found.add_word(term, term)
    found.make_automaton()
    return lambda text: sorted({term for _, term in found.iter(text)})


def substrings_in(texts: pa.Array, joined_terms: pa.Array) -> pa.Array:
    """Return, per row, the sorted distinct terms (of the row's SEP-joined list) that occur in the text."""
    out = []
    for text, joined in zip(texts.to_pylist(), joined_terms.to_pylist()):
        out.append([] if text is None or joined is None else _finder(joined)(text))
    return pa.array(out, type=pa.list_(pa.string()))


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
