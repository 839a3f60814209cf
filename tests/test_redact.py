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
