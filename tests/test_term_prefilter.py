"""substrings_in: every backend returns exactly the terms contains() finds, on hand-made edge cases."""

import duckdb
import pyarrow as pa
import pytest

from features.term_prefilter import SEP, available_backends, find_substrings, install_term_prefilter

TERMS = ["机器", "机器视觉", "视觉", "ai", "(ai)", "a", "ｐｌｃ", "c++", "é"]
TEXTS = [None, "", "机器视觉", "机器人 ai (ai) c++", "no match here", "ｐｌｃ and plc",
         "cafe\u0301 café", "视视觉觉"]


def _expected(texts, terms):
    return [[] if t is None else sorted({w for w in terms if w and w in t}) for t in texts]


@pytest.mark.parametrize("backend", available_backends())
def test_each_backend_finds_overlapping_and_nested_terms(backend):
    joined = pa.array([SEP.join(TERMS)] * len(TEXTS))
    got = find_substrings(pa.array(TEXTS, type=pa.string()), joined, backend)
    assert got.to_pylist() == _expected(TEXTS, TERMS)
    # a slice of an Arrow array (offset into the buffers), as DuckDB may hand over
    sliced = find_substrings(pa.array(TEXTS, type=pa.string()).slice(2, 4), joined.slice(2, 4), backend)
    assert sliced.to_pylist() == _expected(TEXTS[2:6], TERMS)


@pytest.mark.parametrize("backend", available_backends())
def test_term_lists_may_differ_per_row_and_be_null_or_empty(backend):
    texts = ["机器视觉", "机器视觉", "ai", "ai"]
    joined = pa.array([SEP.join(["机器"]), SEP.join(["视觉", "机器视觉"]), None, ""])
    got = find_substrings(pa.array(texts), joined, backend).to_pylist()
    assert got == [["机器"], ["机器视觉", "视觉"], [], []]


def test_the_sql_function_agrees_with_contains():
    con = duckdb.connect()
    try:
        install_term_prefilter(con)
        got = con.execute("SELECT substrings_in(t, ?) FROM unnest(?::VARCHAR[]) WITH ORDINALITY AS u(t, i) "
                          "ORDER BY i", [SEP.join(TERMS), TEXTS]).fetchall()
    finally:
        con.close()
    assert [r[0] for r in got] == _expected(TEXTS, TERMS)


@pytest.mark.parametrize("backend", available_backends())
def test_an_empty_term_list_finds_nothing(backend):
    texts = pa.array(["机器视觉", None, ""])
    assert find_substrings(texts, pa.array(["", "", ""]), backend).to_pylist() == [[], [], []]


@pytest.mark.parametrize("backend", available_backends())
def test_a_term_across_two_rows_is_in_neither(backend):
    # ahocorasick_rs searches the whole vector's bytes at once: "机" ending one row and "器" starting the next, or
    # "a" + "i" across an empty and a NULL row, are no occurrence of 机器 or ai
    texts = ["视觉机", "器", "a", "", None, "i", "ai机器", "机器"]
    terms = ["机器", "ai", "视觉"]
    joined = pa.array([SEP.join(terms)] * len(texts))
    got = find_substrings(pa.array(texts, type=pa.string()), joined, backend)
    assert got.to_pylist() == _expected(texts, terms)
    assert find_substrings(pa.array(texts, type=pa.string()).slice(1, 6), joined.slice(1, 6), backend).to_pylist() \
        == _expected(texts[1:7], terms)
