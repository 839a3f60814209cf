"""Tagging rules added after the issue 3 error review: sections, role titles, market lists, traditional Chinese.

Each text is a few lines shaped like the real 谁在招人 posts the rule was written for (data/eval ids in comments).
"""

import csv
from pathlib import Path

from features.tag_eval import evaluate
from features.tagging import SEEDS_DIR, tag_texts
from features.zh_convert import to_simplified


def tags(text: str) -> tuple[bool, bool, bool]:
    t = tag_texts([text])[0]
    return t["ai"], t["mfg"], t["both"]


def test_traditional_chinese_matches_simplified_terms():
    assert to_simplified("機器學習與製造業") == "机器学习与制造业"
    assert tags("招聘機器視覺演算法工程師，負責工業機器人產線的缺陷檢測") == (True, True, True)
    assert tags("機器學習工程師") == (True, False, False)


def test_employer_sections_describe_the_company_not_the_position():
    # zh_postings:2862073371: AI words in "关于我们" do not make a .NET backend position an AI one
    text = "## 关于我们\n核心成员长期深耕金融科技、AI Agent、大模型工作流等领域。\n## .NET 后端开发工程师\n- 负责后端开发，熟悉 PostgreSQL"
    assert tags(text) == (False, False, False)
    # ... but a manufacturer's intro makes its AI position "both" (LABELLING rule 5)
    text = "### 公司介绍\n我们是一家工业机器人公司。\n### 视觉算法工程师\n负责深度学习目标检测"
    assert tags(text) == (True, True, True)


def test_benefits_and_optional_sections_do_not_tag():
    # zh_postings:3006789662: a drone as a perk is not manufacturing
    assert tags("### C++开发工程师\n熟悉 C++\n### 公司福利\n定制化福利平台，PS5、DJI无人机随心兑换") == (False, False, False)
    # a skill under a "加分项" / "Preferred qualifications" heading is optional
    assert tags("### 前端开发工程师\n熟悉 React\n加分项：\n● 有机器学习经验；")[0] is False
    assert tags("## Rust Developer\n**Preferred Qualifications**\n- Experience in embedded systems.")[1] is False
    assert tags("## Rust Developer\n**Requirements**\n- Experience in embedded systems.")[1] is True
    # an emoji-led heading (zh_postings:3641155967): "有机器人控制...经验者" under it is a plus, not a requirement
    text = "🎯 任职要求（必须）\n- 熟悉 PyTorch，强化学习\n✨ 加分项（非必须，但优先考虑）\n- 有机器人控制、自动驾驶等领域仿真经验者。"
    assert tags(text) == (True, False, False)
    # a bullet (●) is not a heading: the optional section goes on past it
    assert tags("### 前端开发工程师\n加分项：\n● 有大厂工作经验\n● 有机器学习经验；")[0] is False


def test_an_optional_marker_covers_only_its_own_part_of_the_sentence():
    # English: "Nice to have:" starts a new sentence after "RTOS." and covers only what follows it
    t = tag_texts(["Embedded Firmware Engineer, drones, C/C++, RTOS. Nice to have: machine learning"])[0]
    required = {m["term"]: m["required"] for m in t["matches"]}
    assert required["firmware"] is True and required["machine learning"] is False
    assert (t["ai"], t["mfg"]) == (False, True)
    # a trailing English marker covers the whole list before it
    assert tags("Robotics engineer. Experience with PyTorch, TensorFlow or JAX is a plus.")[0] is False
    # Chinese: "...者优先" covers its own comma part, not an earlier requirement ...
    assert tags("算法工程师\n熟悉深度学习，有ROS经验者优先")[0] is True
    assert tags("算法工程师\n985优先，熟悉深度学习")[0] is True
    # ... but does cover a list that runs on to it (zh_postings:2330734412)
    assert tags("后端开发工程师\n熟悉LLM相关技术以及AWS，Azure，GCP 云基础架构者优先")[0] is False


def test_an_employer_section_makes_manufacturing_only_when_it_says_what_the_employer_makes():
    # zh_postings:783266801 / 709864056: a company that uses drones or rents out EVs is not a manufacturer
    assert tags("## 关于我们\n同时用人工智能和无人机重塑房屋检测行业。\n## 视觉算法工程师\n负责深度学习模型") == (True, False, False)
    assert tags("## 公司介绍\n主要为县域城市居民提供共享新能源汽车服务。\n## 后端工程师\n熟悉 Go") == (False, False, False)
    # ... a company that says it makes or is a maker of such things is (rule 5: each of its positions counts)
    assert tags("## 公司介绍\n我们是一家工业机器人公司，自研机械臂。\n## 视觉算法工程师\n负责深度学习模型") == (True, True, True)


def test_bots_crawlers_and_parenthesised_market_lists_are_not_manufacturing():
    # found by reading a random sample of unlabelled "both" predictions (session 3)
    assert tags("## 爬虫工程师\n遵循robots协议，获取允许采集的信息\n## 算法工程师\n负责 AI Agent")[1] is False
    assert tags("AI 训练师\n使用平台训练和优化AI助理机器人，理解客户需求")[1] is False
    assert tags("行业解决方案开发\n岗位职责: 基于行业客户(游戏，金融，媒体，制造业等)通用需求开发方案蓝图")[1] is False


def test_job_seekers_and_quoting_replies_are_not_postings():
    # zh_postings:2753535420 / 2753546746 (third labelled batch); HN's "Who wants to be hired?" template
    texts = ["# 26届找实习\n西安电子科技大学硕士在读，找java开发或AI开发或云相关",
             "> 拼多多26届内推链接：https://example.com/campus/intern 需要点链接自己投递，base上海，市中心\n"
             "收到，感谢推荐，这个岗位已经投递，刚笔试完，在等一面中~",
             "SEEKING WORK | Remote | Python, ML",
             "Location: Berlin\nRemote: Yes\nWilling to relocate: No\nTechnologies: PyTorch\nRésumé/CV: https://x",
             "> 公司背景：万采互联公司隶属万达集团\n### Java高级开发工程师\n负责电商平台开发"]
    out = tag_texts(texts)
    assert [t["is_posting"] for t in out] == [False, False, False, False, True]
    assert [t["not_posting_reason"] for t in out[:4]] == ["job seeker", "reply quoting another comment",
                                                          "job seeker", "job seeker"]


def test_a_front_end_position_is_manufacturing_only_through_its_employer():
    # zh_postings:613781420 / 515886927: the product a front end or an app serves is not manufacturing work
    assert tags("### 北京滴滴-自动驾驶部门-前端\n熟悉 React，负责高精度地图相关工具开发")[1] is False
    assert tags("### Android C++开发工程师\n研发最新的移动端机器视觉产品")[1] is False
    # ... but a maker's front-end developer is in manufacturing (rule 5), and an embedded title is not a front end
    assert tags("## 公司介绍\n我们是一家工业机器人公司。\n### 前端开发工程师\n熟悉 React")[1] is True
    assert tags("### Android BSP 驱动工程师\n负责无人机飞控板的驱动开发")[1] is True


def test_about_headings_and_named_titles():
    # zh_postings:3093554168: a bare "关于：" (or "关于翼辉") heading is the employer's section: a maker of autonomous
    # vehicles makes its front-end developer a manufacturing position (rule 5)
    about = "### Autowise.ai【社招 web前端】\n\n🧠 关于：\n仙途智能是一家自动驾驶公司，旗下无人驾驶环卫产品遍布数十座城市。\n🛠 岗位职责：\n负责地图 Web 应用的前端开发"
    assert tags(about)[1] is True
    assert tags(about.replace("🧠 关于：", "🧠 说明："))[1] is False
    # ... but "关于岗位" is the position itself
    assert tags("### 关于岗位\n负责深度学习模型训练")[0] is True
    # zh_postings:1534045176: the title is the line under a "岗位名称" heading, so an operations role is not an AI one
    ops = "## 社招内推｜某研究所\n\n### 岗位名称\n基础平台运维开发工程师\n### 岗位职责\n面向GPU集群，开展支撑机器学习的存储系统维护"
    assert tag_texts([ops])[0]["ai"] is False
    assert tag_texts([ops.replace("基础平台运维开发工程师", "机器学习平台工程师")])[0]["ai"] is True
    # a list of titles under the heading names no one title (zh_postings:552072389)
    listed = "## 岗位名称\n\n- Android系统工程师\n- 机器学习算法工程师\n\n## 岗位要求\n熟悉深度学习"
    assert tags(listed)[0] is True


def test_software_robots_and_bracketed_job_seekers():
    # zh_postings:3235459844: RPA robots are office software, not robots
    assert tags("## 资深java开发工程师\n负责RPA机器人、RPA执行器核心功能改进和优化")[1] is False
    # zh_postings:1614253875: "[个人求职-架构师]" is a job seeker however it is bracketed
    out = tag_texts(["## [个人求职-架构师]\n> 蹲个架构师职位\n十年软件研发，涉及制造业互联网+转型"])[0]
    assert (out["is_posting"], out["not_posting_reason"]) == (False, "question or job seeker")
    # zh_postings:782587142: "金融领域的梦工厂" is a figure of speech, not a factory
    assert tags("### 算法\n我们想做金融领域的梦工厂。熟悉深度学习框架 PyTorch") == (True, False, False)
    # zh_postings:2476651156: a quoted repost with a one-word question under it is a reply, not a posting
    out = tag_texts(["> ### 容器平台招聘\n> 负责容器平台研发, 熟悉机器学习平台\n实习吗"])[0]
    assert (out["is_posting"], out["not_posting_reason"]) == (False, "reply quoting another comment")
    # an "About <company>" heading is the employer's section (zh_postings:1984968247); "About the role" is not
    about = "### About MiniMax\n自研通用大模型的科技公司。\n### 服务端研发工程师\n熟悉 Go"
    assert tags(about)[0] is False
    assert tags(about.replace("About MiniMax", "About the role"))[0] is True
    assert tags(about.replace("About MiniMax", "What we're about"))[0] is False


def test_optional_lists_on_one_line_and_more_false_substrings():
    # zh_postings:562543805: "加分项（满足其一即可）：" opens a line of optional items split by "；"
    text = "* 职位描述\n1.精通前端技术\n5.加分项（满足其一即可）：具备客户端能力；熟悉WebGL3D以及各种传感器技术；对机器学习有研究；"
    assert tags(text) == (False, False, False)
    assert tags(text.replace("5.加分项（满足其一即可）：", "5.要求："))[1] is True
    # zh_postings:3615520233: "高质量产出" holds 量产; zh_postings:1592566866: an AI trainer's "AI机器人" is a chat bot;
    # zh_postings:3167282964: a product manager's "用户路径规划" is not robot path planning
    assert tags("## 后端研发工程师-大模型应用\n熟悉 LLM 技术工程, 追求高质量产出")[1] is False
    assert tags("## AI 训练师\n使用chato训练和优化AI机器人")[1] is False
    assert tags("C端产品经理\n整理用户路径规划, 从而减少操作步骤")[0] is False


def test_english_negations_and_hn_thread_texts():
    assert tags("Benchling | Software Engineer | SF | Build the R&D cloud for biotech. No ML experience required.")[0] is False
    assert tags("Benchling | ML Engineer | SF | Machine learning experience required.")[0] is True
    out = tag_texts(["Ask HN: Who is hiring? (March 2024)\nPlease state the location and include REMOTE."])[0]
    assert (out["is_posting"], out["not_posting_reason"]) == (False, "question or job seeker")


def test_english_hardware_products_are_manufacturing():
    # a company that makes drones or humanoid robots is a manufacturer (LABELLING rule 4)
    assert tags("Skydio | Autonomy Engineer | We make autonomous drones. Work on visual SLAM and motion planning.") \
        == (True, True, True)
    assert tags("Figure | ML Engineer | Train imitation learning policies for our humanoid robots") == (True, True, True)
    assert tags("Stripe | Backend Engineer | payments infrastructure in Ruby and Go") == (False, False, False)


def test_role_titles_and_market_lists():
    # LABELLING rule 2: a front-end for an AI product is not an AI position (zh_postings:3086612082)
    assert tags("### 前端开发工程师-AIGC中台\n熟练掌握 React，AIGC 业务前端")[0] is False
    assert tags("### 算法工程师\n负责 AIGC 模型训练")[0] is True
    # a horizontal vendor serving manufacturing among unrelated sectors (zh_postings:876066224)
    assert tags("公司为金融、政府、运营商、能源、交通、智能制造等数十个行业的客户提供运维解决方案。\n### 前端\n熟悉 React")[1] is False
    assert tags("公司为汽车、半导体等制造业客户提供机器视觉检测设备。")[1] is True
    # "embedded" alone is a verb ("embedded in the team"); embedded systems are manufacturing work
    assert tags("You will be embedded in the core team of a blockchain project.")[1] is False
    assert tags("Firmware engineer for embedded Linux on our robots")[1] is True


def test_zh_seed_terms_are_simplified():
    with (SEEDS_DIR / "skill_terms.csv").open(encoding="utf-8") as f:
        bad = [r["term"] for r in csv.DictReader(f) if r["lang"] == "zh" and to_simplified(r["term"]) != r["term"]]
    assert bad == []


def test_dev_split_meets_the_issue_targets():
    # issue 3 aims at F1 >= 0.85 on ai and >= 0.8 on both; the dev split guards against regressions (the holdout
    # is only scored, never asserted, so it is never tuned on)
    rows = {(r["split"], r["lang"], r["tag"]): r for r in evaluate()}
    for lang in ("zh", "en"):
        assert rows[("dev", lang, "ai")]["f1"] >= 0.85, rows[("dev", lang, "ai")]
    assert rows[("dev", "zh", "both")]["f1"] >= 0.8


def test_a_text_that_is_no_posting_offers_no_position():
    # a job seeker naming AI and robotics skills: no position needs them, so no tag; the skills are still listed
    out = tag_texts(["SEEKING WORK | Remote | ML engineer, 8 years of computer vision for industrial robots. Resume: x.io"])[0]
    assert (out["is_posting"], out["ai"], out["mfg"], out["both"]) == (False, False, False, False)
    assert "computer vision" in out["ai_skills"]
    # a bare title in traditional characters is a posting (the short-text rule reads 工程師 as well as 工程师)
    out = tag_texts(["機器視覺工程師"])[0]
    assert (out["is_posting"], out["ai"]) == (True, True)
    # a short text without a title word is not counted, but its tags stand (the weak not-a-posting reason)
    out = tag_texts(["视觉算法"])[0]
    assert (out["is_posting"], out["not_posting_reason"], out["ai"]) == (False, "too short to be a posting", True)


def test_software_factories_are_not_factories():
    # the design pattern and Azure Data Factory name a factory that makes nothing
    assert tags("Systems Programmer\nC++; the abstract factory pattern; pipelines on Azure Data Factory")[1] is False
    assert tags("## Java后端开发工程师\n熟悉设计模式（单例、工厂模式）")[1] is False
    assert tags("## 产线工程师\n负责工厂产线的自动化改造")[1] is True
