"""CLI commands for posting tagging: `talentcast tag` and `talentcast evaluate-tagger` (the lead registers them)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer

from features.tag_eval import LABELS, errors, evaluate
from features.tagging import detect_lang, tag_texts


def read_texts(path: Path) -> list[dict]:
    """Return the {id, text, lang?} records of a JSONL file ('-': standard input); raise typer.BadParameter naming
    the bad line."""
    raw = sys.stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8", errors="replace")
    records = []
    for n, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            raise typer.BadParameter(f"{path}:{n}: not JSON ({exc.msg})") from exc
        if not isinstance(rec, dict) or "id" not in rec or not isinstance(rec.get("text"), str):
            raise typer.BadParameter(f"{path}:{n}: expected an object with 'id' and a string 'text'")
        records.append(rec)
    return records


def tag_records(records: list[dict]) -> list[dict]:
    """Return one output record per input record: its id, its language (given, or detected) and the tags."""
    tags = tag_texts([r["text"] for r in records])
    return [{"id": rec["id"], "lang": rec.get("lang") or detect_lang(rec["text"]), **t} for rec, t in zip(records, tags)]


def tag(input: Optional[Path] = typer.Option(None, "--input", help="JSONL, one {id, text, lang?} per line ('-': stdin)"),
        text: Optional[str] = typer.Option(None, "--text", help="one text to tag instead of a file (id 1)"),
        output: Path = typer.Option(Path("-"), "--output", help="JSONL written with id, lang, is_posting, ai, mfg, "
                                                                "both, skills and evidence per input line "
                                                                "('-', the default: stdout)")) -> None:
    """Tag posting texts (a whole thread comment or a bare job title) with the pipeline's own rules."""
    if (input is None) == (text is None):
        raise typer.BadParameter("give --input FILE or --text TEXT (one of them)")
    records = [{"id": 1, "text": text}] if text is not None else read_texts(input)
    lines = [json.dumps(r, ensure_ascii=False) for r in tag_records(records)]
    if str(output) == "-":
        for line in lines:
            typer.echo(line)
        return
    output.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    typer.echo(f"tagged {len(records)} texts -> {output}")


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
