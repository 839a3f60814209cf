"""Plain text of Hacker News comment HTML, as the DuckDB function html_to_text(html).

The HN Algolia API returns a comment's text as the HTML HN renders (`comment_text` of a search hit, `text` of an
item): paragraphs opened by a bare `<p>`, links `<a href="..." rel="nofollow">` whose text HN shortens to
"https://example.com/very/lo..." when long, `<i>`, `<pre><code>` blocks, and entities (`&#x2F;`, `&#x27;`,
`&quot;`, `&amp;`, `&gt;`). raw.hn__postings keeps that HTML as published; staging.stg_hn__postings reads
html_to_text(text), so redaction, the not-a-posting rules and the skill matcher see text as a reader does, with
one line per paragraph as the position split (int_postings__positions) expects of a posting.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import duckdb
import pyarrow as pa

_BLOCK = {"p", "div", "br", "li", "ul", "ol", "pre", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "tr"}
_SPACES = re.compile(r"[ \t\r\f\v]+")
_BLANK_LINES = re.compile(r"\n[ \t]*\n[ \t\n]*")


class _TextParser(HTMLParser):
    """Collects text; block tags become line breaks, a shortened link's text its href."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._pre = 0
        self._href: str | None = None
        self._link_text: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._href = dict(attrs).get("href")
            self._link_text = []
            return
        if tag in _BLOCK:
            self.parts.append("\n\n" if tag == "p" else "\n")
        if tag == "li":
            self.parts.append("- ")
        if tag == "pre":
            self._pre += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._link_text is not None:
            text = "".join(self._link_text)
            # HN shortens a long link's text to its first ~60 characters and "...": the href is the whole address
            if self._href and text.endswith("...") and self._href.startswith(text[:-3]):
                text = self._href
            self.parts.append(text)
            self._href, self._link_text = None, None
            return
        if tag == "pre":
            self._pre = max(0, self._pre - 1)
        if tag in _BLOCK and tag != "p":
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._pre:
            data = data.replace("\n", " ")  # outside <pre> a newline in the HTML is a space to a reader
        if self._link_text is not None:
            self._link_text.append(data)
        else:
            self.parts.append(data)


def html_to_text(html: str | None) -> str | None:
    """Return the plain text of one HN comment's HTML: paragraphs on their own lines, entities decoded, links as
    their (whole) address or text, runs of spaces collapsed; None stays None."""
    if html is None:
        return None
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    if parser._link_text is not None:  # an unclosed <a>: keep its text
        parser.parts.append("".join(parser._link_text))
    lines = [_SPACES.sub(" ", line).strip() for line in "".join(parser.parts).split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _html_to_text(texts: pa.Array) -> pa.Array:
    return pa.array([html_to_text(t) for t in texts.to_pylist()], type=pa.string())


def install_html_text(con: duckdb.DuckDBPyConnection) -> None:
    """Register html_to_text(VARCHAR) -> VARCHAR on `con` (idempotent)."""
    try:
        con.remove_function("html_to_text")
    except (duckdb.InvalidInputException, duckdb.CatalogException):
        pass
    con.create_function("html_to_text", _html_to_text, [duckdb.sqltype("VARCHAR")], duckdb.sqltype("VARCHAR"),
                        type="arrow", null_handling="special", side_effects=False)
