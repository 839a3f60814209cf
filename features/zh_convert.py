"""Traditional to simplified Chinese, character by character, as the DuckDB function zh_to_simplified(text).

Issue 3 asks for simplified-text normalisation in Chinese, so that 機器學習 matches the seed term 机器学习. The
table is OpenCC's TSCharacters.txt (Apache-2.0, https://github.com/BYVoid/OpenCC, bundled unchanged with its
LICENSE in features/sql/opencc/): 4,000-odd traditional characters with their simplified forms; where OpenCC
lists several candidates we take its first, as OpenCC does without a phrase match. Character-level conversion
is all term matching needs: a term is simplified, so each character of its traditional spelling maps back.
DuckDB's translate() with a 3,000-character table took 1.1 ms per 700-character text (a linear search per
character); Python's str.translate with a dict is a hash lookup per character, ~100x faster.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import duckdb
import pyarrow as pa

from features.redact import install_macros

TS_CHARACTERS = Path(__file__).parent / "sql" / "opencc" / "TSCharacters.txt"


@lru_cache(maxsize=1)
def t2s_table(path: Path = TS_CHARACTERS) -> dict[int, str]:
    """Return the str.translate table: code point of a traditional character -> its simplified character."""
    table = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        trad, candidates = line.split("\t", 1)
        simp = candidates.split(" ")[0]
        if len(trad) == 1 and len(simp) == 1 and trad != simp:
            table[ord(trad)] = simp
    return table


def to_simplified(text: str | None) -> str | None:
    """Return `text` with traditional Chinese characters replaced by their simplified forms (None stays None)."""
    return None if text is None else text.translate(t2s_table())


def _zh_to_simplified(texts: pa.Array) -> pa.Array:
    table = t2s_table()
    return pa.array([None if t is None else t.translate(table) for t in texts.to_pylist()], type=pa.string())


def install_zh_to_simplified(con: duckdb.DuckDBPyConnection) -> None:
    """Register zh_to_simplified(VARCHAR) and the macros zh_simplified(VARCHAR) -> VARCHAR and normalize_zh_text
    (VARCHAR) -> VARCHAR on `con` (idempotent; with the macros of macros.sql, which normalize_zh_text calls).

    zh_simplified runs the Python function only on texts that contain a traditional character (an RE2 character
    class, vectorised in DuckDB): most postings are simplified already and pass through unchanged.
    """
    try:
        con.remove_function("zh_to_simplified")
    except (duckdb.InvalidInputException, duckdb.CatalogException):
        pass
    con.create_function("zh_to_simplified", _zh_to_simplified, [duckdb.sqltype("VARCHAR")],
                        duckdb.sqltype("VARCHAR"), type="arrow", null_handling="special", side_effects=False)
    traditional = "".join(chr(c) for c in sorted(t2s_table()))
    con.execute(f"CREATE OR REPLACE MACRO zh_simplified(t) AS "
                f"CASE WHEN regexp_matches(t, '[{traditional}]') THEN zh_to_simplified(t) ELSE t END")
    # normalize_zh_text(t) = zh_simplified(normalize_text(t)) (macros.sql), with one character-class scan where those
    # two take two: a text holding neither a traditional character nor one of the rare full-width characters
    # (_normalize_text_rare) is normalised by normalize_text's eight replace() calls alone (they put ASCII only in
    # the text, so no traditional character either), and the few others go through both macros as before. Each
    # class scan reads the whole text of the ~90% that match neither (~2 CPU s per 200k postings each: issue 3).
    install_macros(con)
    con.execute(f"CREATE OR REPLACE MACRO normalize_zh_text(t) AS "
                f"CASE WHEN regexp_matches(t, '[' || _normalize_text_rare() || '{traditional}]') "
                f"THEN zh_simplified(normalize_text(t)) ELSE _normalize_text_common(t) END")
