"""CLI commands for posting tagging: `talentcast tag` and `talentcast evaluate-tagger` (the lead registers them)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer

from features.tag_eval import LABELS, errors, evaluate
from features.tagging import detect_lang, tag_texts


def read_lines(path: Path) -> list[dict]:
    """Return one entry per non-empty line of a JSONL file ('-': standard input), in order: {"line": n, "record":
    {id, text, lang?}} for a good line, {"line": n, "id": id or None, "error": reason} for a bad one (not JSON, not an
    object, no 'id', no string 'text'), so a bad line is reported where it stood and the others are still tagged."""
    raw = sys.stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8", errors="replace")
    entries = []
    for n, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            entries.append({"line": n, "id": None, "error": f"not JSON ({exc.msg})"})
            continue
        if not isinstance(rec, dict) or "id" not in rec or not isinstance(rec.get("text"), str):
            entries.append({"line": n, "id": rec.get("id") if isinstance(rec, dict) else None,
                            "error": "expected an object with 'id' and a string 'text'"})
            continue
        entries.append({"line": n, "record": rec})
    return entries


def read_texts(path: Path) -> list[dict]:
    """Return the {id, text, lang?} records of a JSONL file ('-': standard input); raise typer.BadParameter naming
    the first bad line (`talentcast tag --strict`)."""
    entries = read_lines(path)
    for e in entries:
        if "error" in e:
            raise typer.BadParameter(f"{path}:{e['line']}: {e['error']}")
    return [e["record"] for e in entries]


def tag_records(records: list[dict]) -> list[dict]:
    """Return one output record per input record: its id, its language (given, or detected) and the tags."""
    tags = tag_texts([r["text"] for r in records])
    return [{"id": rec["id"], "lang": rec.get("lang") or detect_lang(rec["text"]), **t} for rec, t in zip(records, tags)]


def tag_entries(entries: list[dict]) -> list[dict]:
    """Tag the good entries of read_lines and return one output record per entry, in input order: the tags, or
    {id, line, error} for a bad line."""
    tagged = iter(tag_records([e["record"] for e in entries if "record" in e]))
    return [next(tagged) if "record" in e else {"id": e["id"], "line": e["line"], "error": e["error"]}
            for e in entries]


def tag(input: Optional[Path] = typer.Option(None, "--input", help="JSONL, one {id, text, lang?} per line ('-': stdin)"),
        text: Optional[str] = typer.Option(None, "--text", help="one text to tag instead of a file (id 1)"),
        output: Path = typer.Option(Path("-"), "--output", help="JSONL written with id, lang, is_posting, ai, mfg, "
                                                                "both, skills and evidence per input line "
                                                                "('-', the default: stdout)"),
        strict: bool = typer.Option(False, "--strict", help="refuse the whole input at its first bad line "
                                                            "(default: write {id, line, error} for a bad line, tag "
                                                            "the rest, report the count on stderr)")) -> None:
    """Tag posting texts (a whole thread comment or a bare job title) with the pipeline's own rules."""
    if (input is None) == (text is None):
        raise typer.BadParameter("give --input FILE or --text TEXT (one of them)")
    if text is not None:
        entries = [{"line": 1, "record": {"id": 1, "text": text}}]
    elif strict:
        entries = [{"line": 0, "record": r} for r in read_texts(input)]
    else:
        entries = read_lines(input)
    out = tag_entries(entries)
    bad = [r for r in out if "error" in r]
    for r in bad:
        typer.echo(f"{input}:{r['line']}: {r['error']}", err=True)
    lines = [json.dumps(r, ensure_ascii=False) for r in out]
    if str(output) == "-":
        for line in lines:
            typer.echo(line)
    else:
        output.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        typer.echo(f"tagged {len(out) - len(bad)} texts -> {output}" + (f" ({len(bad)} bad lines)" if bad else ""))


def evaluate_tagger(labels: Path = typer.Option(LABELS, "--labels", help="labelled JSONL: id, text, ai, mfg, both "
                                                                        "(is_posting, lang, split optional); "
                                                                        "default: the bundled set"),
                    show_errors: bool = typer.Option(False, "--errors", help="also print every misclassified row")
                    ) -> None:
    """Print precision, recall and F1 of is_posting, ai, mfg and both per split and language on a labelled set."""
    typer.echo(f"{'split':8} {'lang':4} {'tag':10} {'n':>4} {'pos':>4} {'P':>5} {'R':>5} {'F1':>5}")
    fmt = lambda v: "  -  " if v is None else f"{v:5.2f}"  # noqa: E731
    for r in evaluate(labels):
        typer.echo(f"{r['split']:8} {r['lang']:4} {r['tag']:10} {r['n']:>4} {r['positives']:>4} "
                   f"{fmt(r['precision'])} {fmt(r['recall'])} {fmt(r['f1'])}")
    if show_errors:
        for e in errors(labels):
            wrong = [t for t in e["label"] if e["label"][t] != e["pred"][t]]
            typer.echo(json.dumps({"id": e["id"], "wrong": wrong, "label": e["label"], "pred": e["pred"],
                                   "required_terms": [m[0] for m in e["matches"] if m[2]]}, ensure_ascii=False))
