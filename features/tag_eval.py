"""Precision, recall and F1 of the posting tagger on the labelled set in data/eval (rules: LABELLING.md)."""

from __future__ import annotations

import json
from pathlib import Path

from features.tagging import SEEDS_DIR, detect_lang, tag_texts

ROOT = Path(__file__).resolve().parent.parent
LABELS = ROOT / "data" / "eval" / "postings_labels.jsonl"
ZH_SNAPSHOT = ROOT / "data" / "snapshots" / "zh_postings"
TAGS = ("is_posting", "ai", "mfg", "both")


def load_labelled(labels: Path = LABELS, zh_snapshot: Path = ZH_SNAPSHOT) -> list[dict]:
    """Return the labelled rows with their text (zh_postings rows read from the bundled snapshot by comment id).

    A user's own file needs only `id`, `text`, `ai`, `mfg` and `both` per line; `is_posting` defaults to true,
    `lang` to the detected language and `split` to "all".
    """
    rows = []
    for n, line in enumerate(labels.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        row = json.loads(line)
        missing = [k for k in ("id", "ai", "mfg", "both") if k not in row]
        if missing:
            raise ValueError(f"{labels}:{n}: a labelled row needs id, ai, mfg and both; missing {missing}")
        rows.append(row)
    bodies = {}
    for path in zh_snapshot.glob("*.json") if any("text" not in r for r in rows) else []:
        for c in json.loads(path.read_text(encoding="utf-8"))["comments"]:
            bodies[f"zh_postings:{c['id']}"] = c["body"]
    for row in rows:
        if "text" not in row:
            if row["id"] not in bodies:
                raise KeyError(f"labelled posting {row['id']} has no text and is not in {zh_snapshot}")
            row["text"] = bodies[row["id"]]
        row.setdefault("is_posting", True)
        row.setdefault("lang", detect_lang(row["text"]))
        row.setdefault("split", "all")
    return rows


def scores(truth: list[bool], pred: list[bool]) -> dict[str, float | int]:
    """Return n, positives, tp, fp, fn, precision, recall and F1 for one boolean tag (None when undefined)."""
    tp = sum(t and p for t, p in zip(truth, pred))
    fp = sum(p and not t for t, p in zip(truth, pred))
    fn = sum(t and not p for t, p in zip(truth, pred))
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    f1 = 2 * precision * recall / (precision + recall) if precision and recall else (0.0 if tp + fn else None)
    return {"n": len(truth), "positives": tp + fn, "tp": tp, "fp": fp, "fn": fn,
            "precision": precision, "recall": recall, "f1": f1}


def evaluate(labels: Path = LABELS, seeds_dir: Path = SEEDS_DIR) -> list[dict]:
    """Return one score row per split (dev, holdout, ... and all), language (zh, en, all) and tag."""
    rows = load_labelled(labels)
    preds = tag_texts([r["text"] for r in rows], seeds_dir)
    out = []
    for split in [*sorted({r["split"] for r in rows} - {"all"}), "all"]:
        for lang in ("zh", "en", "all"):
            idx = [i for i, r in enumerate(rows) if split in ("all", r["split"]) and lang in ("all", r["lang"])]
            for tag in TAGS:
                # postings labelled not-a-posting carry no ai/mfg/both labels: score those tags on postings only
                keep = idx if tag == "is_posting" else [i for i in idx if rows[i]["is_posting"]]
                out.append({"split": split, "lang": lang, "tag": tag,
                            **scores([rows[i][tag] for i in keep], [bool(preds[i][tag]) for i in keep])})
    return out


def errors(labels: Path = LABELS, seeds_dir: Path = SEEDS_DIR) -> list[dict]:
    """Return the labelled rows the tagger gets wrong on any tag, with labels, predictions and evidence."""
    rows = load_labelled(labels)
    preds = tag_texts([r["text"] for r in rows], seeds_dir)
    return [{"id": r["id"], "split": r["split"], "label": {t: r[t] for t in TAGS},
             "pred": {t: p[t] for t in TAGS}, "matches": [(m["term"], m["position_no"], m["required"]) for m in p["matches"]]}
            for r, p in zip(rows, preds) if any(r[t] != p[t] for t in TAGS) and (r["is_posting"] or not p["is_posting"]) or r["is_posting"] != p["is_posting"]]
