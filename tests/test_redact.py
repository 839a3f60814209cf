"""The redact_contacts and pseudonymise SQL macros, on strings taken from real posts."""

import pytest

from features.redact import pseudonymise_logins, redact_texts


@pytest.mark.parametrize("text, expected", [
    ("联系邮箱：shuying.ji@tianyancapital.com", "联系邮箱：[email]"),
    ("电话：13812345678（微信同号）", "电话：[phone]（微信同号）"),
    ("call +86 138-1234-5678 or 010-12345678", "call [phone] or [phone]"),
    ("或者微信加 gaccob，并注明应聘。", "或者微信: [wechat]，并注明应聘。"),
    ("QQ:\u00a0271823729 有意者小窗", "QQ: [qq] 有意者小窗"),
    ("vx：\r\nabc123", "vx: [wechat]"),
    ("熟悉 VxWorks、微信小程序，薪资 20k-40k，2019年成立", "熟悉 VxWorks、微信小程序，薪资 20k-40k，2019年成立"),
    ("投递链接：https://app.mokahr.com/social-recruitment/tianyancapital/98901#/",
     "投递链接：https://app.mokahr.com/social-recruitment/tianyancapital/98901#/"),
])
def test_redact_contacts(text, expected):
    assert redact_texts([text]) == [expected]


def test_pseudonymise_is_stable_and_idempotent():
    keys = pseudonymise_logins(["ruanyf", "ruanyf", "someone"])
    assert keys[0] == keys[1] != keys[2]
    assert keys[0].startswith("u_") and len(keys[0]) == 12
    assert pseudonymise_logins([keys[0]]) == [keys[0]]


def test_drop_raw_text_keeps_only_redacted_text_and_staging_is_unchanged(tmp_path, postings_fixtures):
    """TALENTCAST_DROP_RAW_TEXT: after staging, raw.* keeps the redacted text (so staging rebuilds to the same rows),
    logins become pseudonyms, and the landed files of live batches are deleted with their manifest kept."""
    import json

    import httpx

    from core.db import connect
    from features.build import STAGING, build_models
    from features.redact import drop_raw_text
    from ingest.landing import land, load
    from ingest.zh_postings import ZhPostings

    thread = json.loads((postings_fixtures / "zh_thread_1392.json").read_text(encoding="utf-8"))
    thread["comments"][2]["body"] += "\n联系邮箱：shuying.ji@tianyancapital.com 电话：13812345678"
    thread["comments"][2]["author"] = "ruanyf"  # as the live API returns it, before pseudonymisation

    def github(url, timeout_s, headers=None, params=None, pause_s=1.0):  # the live API, answering with the thread
        if url.endswith("/search/issues"):
            return httpx.Response(200, json={"items": [{"number": 1392, "title": thread["title"], "state": "closed",
                                                        "body": thread["body"]}]})
        return httpx.Response(200, json=[{"id": c["id"], "user": {"login": c["author"]}, "body": c["body"],
                                          "created_at": c["createdAt"], "updated_at": c["updatedAt"]}
                                         for c in thread["comments"]] if params["page"] == 1 else [])

    raw, source = tmp_path / "raw", ZhPostings(http_get=github)
    batch = land(source, "live", tmp_path, raw)
    con = connect(tmp_path / "wh.duckdb")
    try:
        load(con, source, batch)
        models = [m for m in STAGING if m.table.startswith("stg_zh_postings")]
        build_models(con, models)
        before = con.execute("SELECT * FROM staging.stg_zh_postings__comments ORDER BY comment_id").fetchall()
        assert "13812345678" in con.execute("SELECT string_agg(body, '') FROM raw.zh_postings__comments").fetchone()[0]

        changed = drop_raw_text(con, raw)
        assert changed["zh_postings__comments"] == 1 and changed["files_deleted"] == 1
        body, author = con.execute("SELECT body, author FROM raw.zh_postings__comments WHERE comment_id = ?",
                                   [thread["comments"][2]["id"]]).fetchone()
        assert "联系邮箱：[email] 电话：[phone]" in body and author.startswith("u_")
        assert not (batch.folder / "1392.json").exists() and (batch.folder / "manifest.json").exists()
        assert json.loads((batch.folder / "text_dropped.json").read_text())["why"].startswith("TALENTCAST_DROP_RAW_TEXT")
        build_models(con, models)
        assert con.execute("SELECT * FROM staging.stg_zh_postings__comments ORDER BY comment_id").fetchall() == before
        assert drop_raw_text(con, raw) == {"rejects": 0, "zh_postings__comments": 0, "zh_postings__threads": 0,
                                           "files_deleted": 0}
    finally:
        con.close()
    # the pipeline's plain step opens the warehouse file itself; a second pass has nothing left to drop
    from flows.steps import drop_raw_texts
    assert drop_raw_texts(tmp_path / "wh.duckdb", raw) == {"rejects": 0, "zh_postings__comments": 0,
                                                           "zh_postings__threads": 0, "files_deleted": 0}
