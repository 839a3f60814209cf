"""Build the bundled snapshot of the Chinese posting threads: same file format, contact details removed."""

from __future__ import annotations

import json
from pathlib import Path

from features.redact import pseudonymise_logins, redact_texts


def bundle_zh_threads(src_dir: Path, dest_dir: Path) -> int:
    """Write each thread file of `src_dir` to `dest_dir` with redacted bodies and pseudonymised authors.

    Returns the number of comments written.
    """
    dest_dir.mkdir(parents=True, exist_ok=True)
    written = 0
    for path in sorted(src_dir.glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        comments = doc.get("comments", [])
        redacted = redact_texts([doc.get("body") or ""] + [c.get("body") or "" for c in comments])
        authors = pseudonymise_logins([c.get("author") or "" for c in comments])
        doc["body"] = redacted[0]
        for comment, body, author in zip(comments, redacted[1:], authors, strict=True):
            comment["body"], comment["author"] = body, author
        (dest_dir / path.name).write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        written += len(comments)
    return written
