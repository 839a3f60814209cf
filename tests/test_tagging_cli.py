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


def test_tag_command_one_text_to_stdout_and_a_file_from_stdin(tmp_path):
    import typer
    from typer.testing import CliRunner

    from flows.cmd_tag import tag

    app = typer.Typer()
    app.command()(tag)
    one = CliRunner().invoke(app, ["--text", "招聘机器视觉算法工程师，为工业机器人产线做缺陷检测"])
    assert one.exit_code == 0, one.output
    out = json.loads(one.output)
    assert (out["id"], out["lang"], out["ai"], out["mfg"], out["both"]) == (1, "zh", True, True, True)
    piped = CliRunner().invoke(app, ["--input", "-", "--output", str(tmp_path / "o.jsonl")],
                               input='{"id": "a", "text": "Welder"}\n{"id": "b", "text": "Data Scientist", "lang": "en"}\n')
    assert piped.exit_code == 0, piped.output
    rows = [json.loads(line) for line in (tmp_path / "o.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(r["id"], r["lang"], r["ai"], r["mfg"]) for r in rows] == [("a", "en", False, True), ("b", "en", True, False)]
    both = CliRunner().invoke(app, ["--text", "x", "--input", "-"])
    assert both.exit_code != 0 and "one of them" in both.output


def test_tag_command_reports_bad_lines_in_place_and_tags_the_rest(tmp_path):
    import typer
    from typer.testing import CliRunner

    from flows.cmd_tag import tag

    app = typer.Typer()
    app.command()(tag)
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": 1, "text": "Welder"}\n\n{"id": 2, "text": null}\nnot json\n{"id": 3, "text": "机器学习工程师"}\n',
                   encoding="utf-8")
    res = CliRunner().invoke(app, ["--input", str(src), "--output", str(tmp_path / "o.jsonl")])
    assert res.exit_code == 0, res.output
    rows = [json.loads(line) for line in (tmp_path / "o.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == [1, 2, None, 3]
    assert [r.get("line") for r in rows[1:3]] == [3, 4] and "string 'text'" in rows[1]["error"]
    assert (rows[0]["mfg"], rows[3]["ai"]) == (True, True)
    assert "2 bad lines" in res.output
    strict = CliRunner().invoke(app, ["--input", str(src), "--strict"])
    assert strict.exit_code != 0 and ":3:" in strict.output


def test_evaluate_tagger_scores_a_users_own_labelled_file(tmp_path):
    from features.tag_eval import evaluate, load_labelled

    labels = tmp_path / "mine.jsonl"
    labels.write_text('{"id": 1, "text": "Machine Vision Engineer", "ai": true, "mfg": true, "both": true}\n'
                      '{"id": 2, "text": "Frontend engineer, React", "ai": false, "mfg": false, "both": false}\n'
                      '{"id": 3, "text": "机器学习工程师", "ai": true, "mfg": false, "both": false}\n', encoding="utf-8")
    rows = load_labelled(labels)
    assert [(r["lang"], r["split"], r["is_posting"]) for r in rows] == [("en", "all", True)] * 2 + [("zh", "all", True)]
    scores = {(s["lang"], s["tag"]): s for s in evaluate(labels) if s["split"] == "all"}
    assert scores[("all", "ai")]["tp"] == 2 and scores[("all", "ai")]["fp"] == 0
    assert scores[("zh", "ai")]["n"] == 1 and scores[("en", "both")]["positives"] == 1
    labels.write_text('{"id": 1, "text": "Welder", "ai": false}\n', encoding="utf-8")
    try:
        load_labelled(labels)
    except ValueError as exc:
        assert ":1:" in str(exc) and "mfg" in str(exc)
    else:
        raise AssertionError("a row without its labels must be refused")
