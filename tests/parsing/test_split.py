"""split_articles: headline, byline and body of each article, from every upload format."""

from __future__ import annotations

import re
import time

import pytest

from articles.parsing.clean import clean_page, normalise
from articles.parsing.read import read_document
from articles.parsing.split import split_articles

FORMATS = ["txt", "gb18030.txt", "html", "docx", "pdf"]
TITLES = [
    "秦创原高新技术产业高质量发展大会在西安高新区召开",
    "乐山高新区：项目落地快新实",
    "天津滨海高新区首发信创产业应用场景清单",
    None,
]
BYLINES = ["本报特约通讯员 杨皓 张静攀", "本报特约通讯员 车忠勤", "本报讯（记者 李争粉）", None]


def pipeline(data: bytes):
    return split_articles(clean_page(read_document(data).text))


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


# ---------------------------------------------------------------- the sample page


@pytest.mark.parametrize("fmt", FORMATS)
def test_sample_page_has_four_articles(sample_bytes, fmt):
    articles = pipeline(sample_bytes(f"bulletin-sample.{fmt}"))
    assert [a.title for a in articles] == TITLES
    assert [a.byline for a in articles] == [normalise(b) if b else None for b in BYLINES]
    first, second, third, fourth = articles
    assert first.text.startswith("6月28日，秦创原高新技术产业高质量发展大会")
    assert third.text.startswith("近日，在第六届世界智能大会上")
    assert fourth.text.startswith("近日，清远高新区举行2022年项目集中签约仪式")
    assert "陕西半导体先导技术中心" in first.text
    assert "光电子产业创新发展论坛" in first.text
    assert "有影响力、有支撑力" in second.text
    # intertitles are paragraphs of the body, not articles
    assert "\n举办六场高质量论坛活动\n" in first.text
    assert "\n突出“快” 招商引资跑出加速度\n" in second.text
    everything = "\n".join(f"{a.kicker}{a.title}{a.subtitle}{a.text}" for a in articles)
    for debris in ("以高水平科技自立自强", "作出更大贡献，形成示范。", "图片来源", "张海鹏/摄", "▶"):
        assert debris not in everything, debris


@pytest.mark.parametrize("fmt", FORMATS[1:])
def test_every_format_gives_the_same_articles(sample_bytes, fmt):
    reference = pipeline(sample_bytes("bulletin-sample.txt"))
    articles = pipeline(sample_bytes(f"bulletin-sample.{fmt}"))
    assert [(a.title, a.byline) for a in articles] == [(a.title, a.byline) for a in reference]
    assert [squash(a.text) for a in articles] == [squash(a.text) for a in reference]


# ---------------------------------------------------------------- own pages

BYLINE_REPORT = """\
苏州高新区一季度新签约重大项目18个

记者 王明 报道

今年一季度，苏州高新区围绕新一代信息技术、高端装备等主导产业，新签约重大项目18个，总投资

图片由苏州高新区提供

约310亿元，其中外资项目6个。

聚力招引龙头企业

区内一家半导体企业扩建项目计划投资25亿元，建成后将新增芯片封装测试产
能。该项目预计明年投产。
李华 摄
"""

NO_HEADLINE = """\
近日，合肥高新区举行重点项目集中开工仪式，共有23个项目开工，总投资约150亿元。
据介绍，本次开工项目涵盖集成电路、人工智能等领域。
"""

LEAD_AND_KICKER = """\
株洲高新区新材料产业园开园
本报讯(记者 刘洋 通讯员 陈晨)6月18日,株洲高新区新材料产业园正式开园,首批入驻企业12家。
园区规划面积约3平方公里。
打造千亿级产业集群
襄阳高新区新能源汽车产业再添新项目
▶ 本报通讯员 周凯
日前,襄阳高新区与一家动力电池企业签约,项目总投资60亿元。
"""

DASH_SUBTITLE = """\
上一篇文章的结尾。
南宁高新区数字经济产业园启用
——首批入驻企业32家
本报记者 黄丽
日前，南宁高新区数字经济产业园正式启用。
"""

UNTITLED_AFTER_ARTICLE = """\
绵阳高新区科技城新区建设提速
本报记者 钱多
近日，绵阳高新区多个项目集中开工。
据悉，绵阳高新区全年计划实施项目80个。

日前，宜昌高新区与三家企业签署投资协议，协议总投资45亿元。
"""

SAME_ZONE_LEDE = """\
绵阳高新区科技城新区建设提速
本报记者 钱多
近日，绵阳高新区多个项目集中开工。
6月20日，绵阳高新区又有一批项目签约。
"""

BYLINE_WITHOUT_HEADLINE = """\
本报记者 孙悦 通讯员 何平
近日，长春高新区新签约项目7个。
"""

CASES = [
    (
        "byline 记者 … 报道",
        BYLINE_REPORT,
        [
            (
                "苏州高新区一季度新签约重大项目18个",
                "记者 王明 报道",
                "今年一季度，苏州高新区围绕新一代信息技术、高端装备等主导产业，新签约重大项目18个，总投资约310亿元，"
                "其中外资项目6个。\n聚力招引龙头企业\n区内一家半导体企业扩建项目计划投资25亿元，"
                "建成后将新增芯片封装测试产能。该项目预计明年投产。",
            ),
        ],
    ),
    (
        "page starts without headline",
        NO_HEADLINE,
        [
            (
                None,
                None,
                "近日，合肥高新区举行重点项目集中开工仪式，共有23个项目开工，总投资约150亿元。\n"
                "据介绍，本次开工项目涵盖集成电路、人工智能等领域。",
            ),
        ],
    ),
    (
        "本报讯 lead and a kicker",
        LEAD_AND_KICKER,
        [
            (
                "株洲高新区新材料产业园开园",
                "本报讯（记者 刘洋 通讯员 陈晨）",
                "6月18日，株洲高新区新材料产业园正式开园，首批入驻企业12家。\n园区规划面积约3平方公里。",
            ),
            (
                "襄阳高新区新能源汽车产业再添新项目",
                "本报通讯员 周凯",
                "日前，襄阳高新区与一家动力电池企业签约，项目总投资60亿元。",
            ),
        ],
    ),
    (
        "byline without headline",
        BYLINE_WITHOUT_HEADLINE,
        [
            (None, "本报记者 孙悦 通讯员 何平", "近日，长春高新区新签约项目7个。"),
        ],
    ),
    (
        "untitled article after another zone's article",
        UNTITLED_AFTER_ARTICLE,
        [
            (
                "绵阳高新区科技城新区建设提速",
                "本报记者 钱多",
                "近日，绵阳高新区多个项目集中开工。\n据悉，绵阳高新区全年计划实施项目80个。",
            ),
            (None, None, "日前，宜昌高新区与三家企业签署投资协议，协议总投资45亿元。"),
        ],
    ),
    (
        "a dated lede about the same zone stays in the article",
        SAME_ZONE_LEDE,
        [
            (
                "绵阳高新区科技城新区建设提速",
                "本报记者 钱多",
                "近日，绵阳高新区多个项目集中开工。\n6月20日，绵阳高新区又有一批项目签约。",
            ),
        ],
    ),
]


@pytest.mark.parametrize(("label", "page", "expected"), CASES, ids=[c[0] for c in CASES])
def test_split_own_pages(label, page, expected):
    articles = split_articles(clean_page(page))
    assert [(a.title, a.byline, a.text) for a in articles] == expected


def test_kicker_above_the_headline_is_kept_apart():
    second = split_articles(clean_page(LEAD_AND_KICKER))[1]
    assert (second.kicker, second.title, second.subtitle) == (
        "打造千亿级产业集群",
        "襄阳高新区新能源汽车产业再添新项目",
        None,
    )


def test_dashed_subtitle_below_the_headline():
    articles = split_articles(clean_page(DASH_SUBTITLE))
    assert [(a.title, a.subtitle, a.byline) for a in articles] == [
        (None, None, None),
        ("南宁高新区数字经济产业园启用", "首批入驻企业32家", "本报记者 黄丽"),
    ]


@pytest.mark.parametrize("page", [BYLINE_REPORT, LEAD_AND_KICKER], ids=["report", "lead and kicker"])
def test_own_pages_read_the_same_from_every_encoding_and_format(page):
    from tests.parsing.test_read import make_docx

    reference = pipeline(page.encode())
    html = "<html><body>" + "".join(f"<p>{line}</p>" for line in page.splitlines()) + "</body></html>"
    bom = b"\xef\xbb\xbf" + page.encode()
    uploads = [page.encode("gb18030"), bom, html.encode(), make_docx(page.splitlines())]
    if "▶" not in page:  # GBK has no ▶; GB18030 does
        uploads.append(page.encode("gbk"))
    for data in uploads:
        assert pipeline(data) == reference


def test_empty_page_has_no_articles():
    assert split_articles([]) == []
    assert split_articles(clean_page("第3版\n\n张三 摄\n")) == []


# ---------------------------------------------------------------- speed


def test_whole_text_path_runs_faster_than_a_megabyte_a_second():
    unit = "\n\n".join(page for _, page, _ in CASES) + "\n\n"
    data = (unit * (1_000_000 // len(unit.encode()) + 1)).encode()
    start = time.process_time()
    articles = pipeline(data)
    assert time.process_time() - start < 1.0
    assert len(articles) > 1000


# Layouts added with the corpus (tests/parsing/corpus): each page written for the rule.
LAYOUTS = [
    (
        "headline over a shorter sub-headline (not a banner)",
        "安康高新区富硒食品产业园签约\n5个项目总投资21亿元\n本报讯（记者 张宁）3月2日，园区签约。",
        [("安康高新区富硒食品产业园签约", "5个项目总投资21亿元")],
    ),
    (
        "post account and time stamp are not headlines",
        "某某高新区发布\n2023-05-06 08:30 发表于陕西\n\n✨重磅｜渭南高新区新签约、新开工项目速递\n\n"
        "📌5月4日，园区签约项目3个。\n\n来源：渭南高新区发布",
        [("✨重磅|渭南高新区新签约、新开工项目速递", None)],
    ),
    (
        "numbered items and form fields stay in the body",
        "石嘴山高新区重点项目清单\n1.新材料产业园项目\n建设单位：宁夏某新材料有限公司\n总投资：8亿元",
        [("石嘴山高新区重点项目清单", None)],
    ),
    (
        "any publication's reporter signs a byline",
        "白银高新区稀土新材料项目投产\n中国有色金属报记者 马强 兰州报道\n近日，项目投产。",
        [("白银高新区稀土新材料项目投产", None)],
    ),
    # round 4 (issue 10, item 5)
    (
        "digest items in 【】 each open an article; programme and date lines are no titles",
        "《新闻联播》 (20240506)\n国内联播快讯\n【甲市铁路假期发送旅客超1200万人次】\n记者获悉，假期客流平稳。\n"
        "【乙高新区一批量子信息项目集中开工】\n5月5日，乙高新区14个项目集中开工，总投资96亿元。",
        [("甲市铁路假期发送旅客超1200万人次", None), ("乙高新区一批量子信息项目集中开工", None)],
    ),
    (
        "a headline followed straight by a news lede, no byline",
        "甲高新区新材料产业园开园\n日前，甲高新区新材料产业园开园，首批企业入驻。\n"
        "乙高新区项目集中签约\n今天，乙高新区集中签约项目12个，总投资80亿元。",
        [("甲高新区新材料产业园开园", None), ("乙高新区项目集中签约", None)],
    ),
    (
        "a time stamp above the lede: no headline at all",
        "[2024/07/03 08:15]\n央视网消息：7月2日，丙新区重大项目集中开工。",
        [(None, None)],
    ),
    (
        "a masthead with issue number and date line, then three articles",
        "某高新区工作简报\n第21期\n某高新区党政办公室编　　2023年11月20日\n\n"
        "某高新区与甲公司签署合作协议\n11月16日，某高新区与甲公司签署协议。\n(记者 谭某)\n\n"
        "“园区开放日”走进田心片区\n11月17日，园区举办开放日活动。\n(通讯员 刘某)\n\n"
        "某高新区前10月固定资产投资增长12%\n1至10月，全区固定资产投资同比增长12%。",
        [
            ("某高新区与甲公司签署合作协议", None),
            ("“园区开放日”走进田心片区", None),
            ("某高新区前10月固定资产投资增长12%", None),
        ],
    ),
    (
        "a real headline above a longer date line with its source",
        "甲高新区新签约项目12个\n2024年07月04日 09:12　来源：某某新闻网\n日前，甲高新区签约项目12个，总投资30亿元。",
        [("甲高新区新签约项目12个", None)],
    ),
    (
        "a headline over 40 characters, with 、, above a news lead",
        "甲高新区新材料、新能源、生物医药三大产业集群齐头并进 一季度签约项目12个总投资30亿元再创新高\n"
        "本报讯 日前，甲高新区签约项目12个。",
        [("甲高新区新材料、新能源、生物医药三大产业集群齐头并进 一季度签约项目12个总投资30亿元再创新高", None)],
    ),
    (
        "a photo caption inside an article starts no article; an empty first line is fine",
        "\n甲高新区签约项目12个\n本报讯 日前，甲高新区签约项目12个。\n图为签约仪式现场。\n项目总投资30亿元。",
        [("甲高新区签约项目12个", None)],
    ),
    (
        "an article ending with bracketed names and no role word",
        "甲高新区签约项目\n本报讯 日前，甲高新区签约项目5个。\n(王某 赵某)\n乙高新区项目开工\n3月5日，乙高新区3个项目开工。",
        [("甲高新区签约项目", None), ("乙高新区项目开工", None)],
    ),
]


@pytest.mark.parametrize(("label", "page", "expected"), LAYOUTS, ids=[c[0] for c in LAYOUTS])
def test_layouts(label, page, expected):
    articles = split_articles(clean_page(page))
    assert [(a.title, a.subtitle) for a in articles] == expected


# --- kickers, figure subtitles, wrapped headlines, section heads -----------------------


def _titles(page: str) -> list[tuple]:
    return [(a.kicker, a.title, a.subtitle) for a in split_articles(clean_page(page))]


def test_slogan_above_the_headline_is_a_kicker():
    page = "坚定不移推进产业强区 奋力谱写发展新篇章\n南宁高新区三个项目集中开工\n本报记者 韦丽\n4月13日，3个项目开工。"
    assert _titles(page) == [("坚定不移推进产业强区 奋力谱写发展新篇章", "南宁高新区三个项目集中开工", None)]


def test_line_of_figures_below_the_headline_is_a_subtitle():
    page = "泉州高新区再添新引擎\n总投资30亿元的封测项目昨日签约 达产后年产值将超60亿元\n本报记者 庄燕\n3月24日，项目签约。"
    assert _titles(page)[0][1:] == (
        "泉州高新区再添新引擎",
        "总投资30亿元的封测项目昨日签约 达产后年产值将超60亿元",
    )


def test_wrapped_headline_is_joined():
    page = "株洲高新区轨道交通配套\n产业园开工\n本报记者 谭亮\n12月1日，项目开工。"
    assert _titles(page)[0][1] == "株洲高新区轨道交通配套产业园开工"


def test_section_heads_stay_in_the_body():
    page = (
        "贵阳高新区：一周项目速递\n【招商引资】\n9月5日，贵阳高新区签约一个项目。\n"
        "【项目建设】\n9月6日，总投资6.8亿元的高新区显示模组项目封顶。"
    )
    articles = split_articles(clean_page(page))
    assert [a.title for a in articles] == ["贵阳高新区：一周项目速递"]
    assert "【项目建设】" in articles[0].text
