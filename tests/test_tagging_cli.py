"""`talentcast tag` logic: the pipeline's SQL models on given texts, one output line per input id."""

import json

from flows.cmd_tag import read_texts
from features.tagging import tag_texts


def test_tag_texts_whole_posts_and_bare_titles():
    out = tag_texts(["招聘机器视觉算法工程师，熟悉ＰｙＴｏｒｃｈ，为工业机器人产线做缺陷检测", "Machinist", "Data Scientist",
                     "已投递", "IT Specialist (AI)"])
    assert [(t["is_posting"], t["ai"], t["mfg"], t["both"]) for t in out] == [
        (True, True, True, True), (True, False, True, False), (True, True, False, False),
        (False, False, False, False), (True, True, False, False)]
    assert any(m["term"] == "PyTorch" and "PyTorch" in m["evidence"] for m in out[0]["matches"])


def test_read_texts_names_the_bad_line(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text('{"id": 1, "text": "Welder"}\n{"id": 2}\n', encoding="utf-8")
    try:
        read_texts(path)
    except Exception as exc:  # typer.BadParameter
        assert ":2:" in str(exc)
    else:
        raise AssertionError("a line without text must be refused")
    assert json.loads(path.read_text().splitlines()[0])["id"] == 1
