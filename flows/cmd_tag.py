"""CLI commands for posting tagging: `talentcast tag` and `talentcast evaluate-tagger` (the lead registers them)."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from features.tag_eval import evaluate
from features.tagging import tag_texts


def read_texts(path: Path) -> list[dict]:
    """Return the {id, text, lang?} records of a JSONL file; raise typer.BadParameter naming the bad line."""
    records = []
    for n, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), start=1):
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


def tag(input: Path = typer.Option(..., "--input", help="JSONL, one {id, text, lang?} per line"),
        output: Path = typer.Option(..., "--output", help="JSONL written with id, is_posting, ai, mfg, both, "
                                                          "skills and evidence per input line")) -> None:
    """Tag posting texts (a whole thread comment or a bare job title) with the pipeline's own rules."""
    records = read_texts(input)
    tags = tag_texts([r["text"] for r in records])
    with output.open("w", encoding="utf-8") as f:
        for rec, t in zip(records, tags):
            f.write(json.dumps({"id": rec["id"], **t}, ensure_ascii=False) + "\n")
    typer.echo(f"tagged {len(records)} texts -> {output}")


def evaluate_tagger() -> None:
    """Print precision, recall and F1 of ai, mfg and both per language on the labelled set (data/eval)."""
    typer.echo(f"{'split':8} {'lang':4} {'tag':10} {'n':>4} {'pos':>4} {'P':>5} {'R':>5} {'F1':>5}")
    fmt = lambda v: "  -  " if v is None else f"{v:5.2f}"  # noqa: E731
    for r in evaluate():
        typer.echo(f"{r['split']:8} {r['lang']:4} {r['tag']:10} {r['n']:>4} {r['positives']:>4} "
                   f"{fmt(r['precision'])} {fmt(r['recall'])} {fmt(r['f1'])}")
