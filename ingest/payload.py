"""Checks every posting connector runs on a landed payload before parsing it (issue 3: bad input).

A payload that is not what it claims (an HTML error page instead of JSON, a truncated or binary file, the wrong
encoding, NUL bytes) raises SourceFormatError naming the file and the problem; the caller turns it into a reject.
"""

from __future__ import annotations

import gzip
from pathlib import Path

from ingest.base import SourceFormatError

MAX_FILE_BYTES = 512 * 1024 * 1024   # a landed file larger than this is not a postings payload
MAX_RECORD_CHARS = 100_000           # one posting longer than this (the 10 MB paste) is rejected, not truncated


def read_text(path: Path, max_bytes: int = MAX_FILE_BYTES) -> str:
    """Return the UTF-8 text of a (possibly gzipped) payload, or raise SourceFormatError saying what is wrong."""
    size = path.stat().st_size
    if size > max_bytes:
        raise SourceFormatError(path, f"file of {size} bytes exceeds the {max_bytes}-byte limit")
    raw = path.read_bytes()
    if path.suffix == ".gz":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as exc:
            raise SourceFormatError(path, f"corrupt or truncated gzip: {exc}") from exc
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]  # a UTF-8 byte-order mark is harmless
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SourceFormatError(path, f"not UTF-8 text ({exc.reason} at byte {exc.start}): wrong encoding?") from exc
    if "\x00" in text:
        raise SourceFormatError(path, f"NUL byte at character {text.index(chr(0))}: binary or corrupt file")
    head = text.lstrip()[:100].lower()
    if head.startswith(("<!doctype html", "<html", "<?xml", "<head", "<body")):
        raise SourceFormatError(path, f"an HTML/XML page instead of data (an error or login page?): {head[:60]!r}")
    return text


def record_problem(fields: dict[str, object]) -> str | None:
    """Return why one record must be rejected (NUL byte, oversized text field), or None when it is fine."""
    for name, value in fields.items():
        if isinstance(value, str):
            if "\x00" in value:
                return f"NUL byte in field {name!r}"
            if len(value) > MAX_RECORD_CHARS:
                return f"field {name!r} has {len(value)} characters, over the {MAX_RECORD_CHARS} limit"
    return None
