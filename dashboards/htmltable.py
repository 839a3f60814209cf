"""Plain HTML tables for the report: every header and cell escaped, numbers formatted for reading."""

from __future__ import annotations

import html
import numbers
from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd

DASH = "–"  # shown for a missing value


def esc(value: Any) -> str:
    """Return `value` as text safe inside HTML elements and attribute values."""
    return html.escape(str(value), quote=True)


def missing(value: Any) -> bool:
    """Return True for None, NaN and NaT (the cell shows a dash)."""
    return value is None or (not isinstance(value, (str, list, tuple)) and bool(pd.isna(value)))


def fmt_num(value: Any) -> str:
    """Return a number for reading: thousands separated, at most two decimals."""
    if missing(value):
        return DASH
    if isinstance(value, numbers.Integral):
        return f"{int(value):,}"
    value = float(value)
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if 0 < abs(value) < 0.01:
        return f"{value:.3g}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")  # 80 not 80.00, 133.5 not 133.50


def fmt_pct(value: Any) -> str:
    """Return a share (0.8) as a whole percentage (80%)."""
    return DASH if missing(value) else f"{float(value):.0%}"


def fmt_date(value: Any) -> str:
    """Return a date as YYYY-MM-DD."""
    return DASH if missing(value) else pd.Timestamp(value).strftime("%Y-%m-%d")


def fmt_time(value: Any) -> str:
    """Return a timestamp as YYYY-MM-DD HH:MM."""
    return DASH if missing(value) else pd.Timestamp(value).strftime("%Y-%m-%d %H:%M")


def fmt_text(value: Any) -> str:
    """Return a value as text, a dash when missing."""
    return DASH if missing(value) else str(value)


Column = tuple[str, Callable[[pd.Series], Any], Callable[[Any], str], bool]  # header, getter, format, numeric


def col(header: str, name: str, fmt: Callable[[Any], str] = fmt_text, numeric: bool = False) -> Column:
    """Return a column spec that reads field `name` of each row."""
    return header, (lambda row: row[name]), fmt, numeric


def html_table(frame: pd.DataFrame, columns: Sequence[Column], caption: str = "") -> str:
    """Return a plain HTML table, every header and cell escaped."""
    if frame.empty:
        return '<p class="muted">No rows published.</p>'
    head = "".join(f"<th>{esc(header)}</th>" for header, *_ in columns)
    body = []
    for _, row in frame.iterrows():
        cells = "".join(
            f'<td class="num">{esc(fmt(get(row)))}</td>' if numeric else f"<td>{esc(fmt(get(row)))}</td>"
            for _, get, fmt, numeric in columns
        )
        body.append(f"<tr>{cells}</tr>")
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
