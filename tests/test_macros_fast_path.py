"""The fast redact_contacts and normalize_text macros give exactly the results of the plain ones (4226a2b)."""

from pathlib import Path

import duckdb
import pytest

from features.redact import install_macros
from ingest.zh_postings import ZhPostings

REPO = Path(__file__).resolve().parents[1]
FULL_WIDTH = "".join(chr(c) for c in range(0xFF01, 0xFF5F)) + "\u3000\u00a0"
TRICKY = [
    None, "", "a", FULL_WIDTH, "ＡＩ工程师，（Ｐｙｔｏｒｃｈ）！？；：\u00a0", "１３８１２３４５６７８",
    "WeChat：abc_def1 / WEIXIN abcdef / V信 abcdef / 威信：abcdefg / 薇信 hello123 / 微信号：zhang_san",
    "VX: abcdef WX：\u3000abcdefg vxworks wx", "Qq 12345678 qQ群：123456 扣扣：1234567",
    # each literal the contains() tests spell, alone in a text (the gates are ORs of them)
    "vx: abcdef", "vX：abcdefg", "Vx: abcdefg", "wX: abc_def", "Wx: abcdefg", "QQ：12345678", "qq 123456",
    "v信 abcdefg", "V信: abcdefg", "wechat abcdefg", "weiXin: abcdefg", "扣扣号 1234567",
    "+86 138 1234 5678, 13812345678, 138-1234-5678, 0755-12345678, +1 (415) 555-1234, +44 20 7946 0958",
    "mail a.b@c.io and 微信: a@b.co", "\u212aelvin and \u017fpecial wechat: \u212aabcdef",
    "[email] [phone] [wechat] [qq] 微信: [wechat]",
]


@pytest.fixture(scope="module")
def con():
    con = duckdb.connect()
    install_macros(con)
    con.execute((REPO / "benchmarks" / "baseline_macros.sql").read_text(encoding="utf-8"))
    source = ZhPostings()
    bodies = source.parse(source.snapshot_files(REPO / "data" / "snapshots")).tables["comments"]["body"].tolist()
    con.execute("CREATE TABLE t AS SELECT * FROM unnest(?) AS u(v)", [bodies + TRICKY])
    yield con
    con.close()


@pytest.mark.parametrize("fast, baseline", [("redact_contacts", "baseline_redact_contacts"),
                                            ("normalize_text", "baseline_normalize_text")])
def test_fast_macro_equals_the_baseline(con, fast, baseline):
    differ = con.execute(f"SELECT v FROM t WHERE {fast}(v) IS DISTINCT FROM {baseline}(v)").fetchall()
    assert differ == []
    changed = con.execute(f"SELECT count(*) FROM t WHERE {fast}(v) <> v").fetchone()[0]
    assert changed >= 5  # the inputs exercise the patterns (the snapshot bodies are redacted already)


def test_redaction_of_every_kind_matches_the_baseline(con):
    rows = con.execute("SELECT redact_contacts(v) FROM t WHERE v LIKE '%12345678%' OR v LIKE '%abcdef%'").fetchall()
    assert any("[phone]" in r[0] for r in rows) and any("[wechat]" in r[0] for r in rows)
    assert any("[qq]" in r[0] for r in rows)
