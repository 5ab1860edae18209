"""normalise and clean_page: one spelling for every format, debris out, broken lines rejoined."""

from __future__ import annotations

import time
import unicodedata

import pytest

from articles.parsing.clean import (
    _RADICALS,
    clean_page,
    closing_byline,
    is_debris,
    is_phrases,
    is_title_like,
    normalise,
    unflatten_tables,
)
from articles.parsing.read import read_document

FORMATS = ["txt", "gb18030.txt", "html", "docx", "pdf"]

# ---------------------------------------------------------------- normalise

NORMALISE = [
    ("supplement radicals", "⻄⻓⻘⻝⻔⻛⻢⻬⻅⻋", "西长青食门风马齐见车"),
    ("kangxi radicals", "⾼⽔⼤⼯", "高水大工"),
    ("kangxi door is the simplified 户", "银⾏开⼾", "银行开户"),
    ("comma after CJK", "6月28日,项目签约", "6月28日，项目签约"),
    ("decimal kept", "总投资114.7亿元", "总投资114.7亿元"),
    ("latin name kept, its comma converted", "院士Dr.Len-Pinchuk,欧洲", "院士Dr.Len-Pinchuk，欧洲"),
    ("time of day kept", "上午10:30开幕", "上午10:30开幕"),
    ("thousands separator kept", "共1,200人", "共1,200人"),
    ("parens", "本报讯(记者 王明)近日", "本报讯（记者 王明）近日"),
    ("colon semicolon", "图片来源:园区;另见", "图片来源：园区；另见"),
    ("bang question", "好吗?走在前列!", "好吗？走在前列！"),
    ("full-width stays full-width", "项目，总投资（约）：", "项目，总投资（约）："),
    ("english sentence untouched", "Hello, world (test)!", "Hello, world (test)!"),
    ("full-width digits and letters", "２０２２年ＡＢＣ", "2022年ABC"),
    ("ellipsis kept", "等等……", "等等……"),
    ("zero-width and NUL stripped", "高\u200b新\x00区\ufeff", "高新区"),
    ("spaces collapsed", "突出“快”   招商\t\t引资", "突出“快” 招商 引资"),
    ("no space around Chinese punctuation", "项目 ， 开工 。", "项目，开工。"),
    ("ideographic space", "\u3000\u3000正文开始", "正文开始"),
    ("blank-line runs collapsed", "甲\n\n\n\n乙\r\n丙", "甲\n\n乙\n丙"),
]


@pytest.mark.parametrize(("label", "raw", "expected"), NORMALISE, ids=[n[0] for n in NORMALISE])
def test_normalise(label, raw, expected):
    assert normalise(raw) == expected


def test_radical_table_maps_to_unified_ideographs():
    for radical, ideograph in _RADICALS.items():
        assert 0x2E80 <= ord(radical) <= 0x2FDF
        assert "CJK UNIFIED IDEOGRAPH" in unicodedata.name(ideograph), radical
    assert normalise("".join(_RADICALS)) == "".join(_RADICALS.values())


def test_normalise_is_idempotent(sample_bytes):
    once = normalise(read_document(sample_bytes("bulletin-sample.pdf")).text)
    assert normalise(once) == once
    assert not any(0x2E80 <= ord(ch) <= 0x2FDF for ch in once)


# ---------------------------------------------------------------- debris lines

DEBRIS = [
    "张海鹏/摄",
    "记者 王明 摄",
    "本报记者 李华 摄",
    "（赵强 摄）",
    "图片来源：西安高新区",
    "图片由高新区管委会提供",
    "图/本报记者 张三",
    "摄影：刘一",
    "（资料图片）",
    "图为签约仪式现场。",
    "▲ 项目开工现场",
    "签约仪式现场。 孙丽 摄",
    "第3版",
    "2022年7月1日 星期五",
    "2023年5月12日 星期五 第2版",
    "责任编辑：王五",
    "（下转第2版）",
    "12",
    "■ ■ ■",
    # date lines and time stamps are never headlines (round 4)
    "[2024/07/03 08:15]",
    "24-07-05 08:15",
    "《新闻联播》 (20240506)",
    "第21期",
    "2024年07月04日 09:12　来源：某某新闻网",
    "某某高新区党政办公室编　　2023年11月20日",
]
NOT_DEBRIS = [
    "总投资15亿元的光伏项目正式签约。",
    "摄影大赛在高新区举行",
    "近日，高新区拍摄了一部招商宣传片。",
    "突出“快” 招商引资跑出加速度",
    "本报讯（记者 王明）近日，园区新签约项目3个。",
    "2022年园区新开工项目23个。",
    "2024年南城区第三季度重大项目集中开工",
    "第21期“园区开放日”走进田心片区",
]


@pytest.mark.parametrize("line", DEBRIS)
def test_debris_lines(line):
    assert is_debris(normalise(line))


@pytest.mark.parametrize("line", NOT_DEBRIS)
def test_content_lines_are_not_debris(line):
    assert not is_debris(normalise(line))


# ---------------------------------------------------------------- clean_page on own pages

PAGES = [
    (
        "word broken across a blank line",
        "新建的集成电路研发中\n\n心、材料实验室已投入使用。",
        ["新建的集成电路研发中心、材料实验室已投入使用。"],
    ),
    (
        "sentence broken around a photo credit",
        "园区管委会通过线上推介、驻点招商等方\n\n\n图片来源：园区管委会\n\n式引进企业。",
        ["园区管委会通过线上推介、驻点招商等方式引进企业。"],
    ),
    (
        "headline and byline stay apart",
        "苏州高新区一季度新签约重大项目18个\n记者 王明 报道\n今年一季度，苏州高新区新签约重大项目18个。",
        [
            "苏州高新区一季度新签约重大项目18个",
            "记者 王明 报道",
            "今年一季度，苏州高新区新签约重大项目18个。",
        ],
    ),
    (
        "intertitle is not glued to the body",
        "上一段结束。\n\n聚力招引龙头企业\n\n区内一家企业扩建项目计划投资25亿元。",
        ["上一段结束。", "聚力招引龙头企业", "区内一家企业扩建项目计划投资25亿元。"],
    ),
    (
        "headline before a 本报讯 lead",
        "株洲高新区新材料产业园开园\n本报讯（记者 刘洋）6月18日，产业园开园。",
        ["株洲高新区新材料产业园开园", "本报讯（记者 刘洋）6月18日，产业园开园。"],
    ),
    (
        "stray fragment from another column",
        "签约仪式在园区举行。\n\n\n形成良好示范效应。\n\n据介绍，项目明年投产。",
        ["签约仪式在园区举行。", "据介绍，项目明年投产。"],
    ),
    (
        "banner above the first headline",
        "奋进新时代 建功高新区\n\n合肥高新区重点项目集中开工\n\n本报记者 赵磊\n\n近日，项目开工。",
        ["合肥高新区重点项目集中开工", "本报记者 赵磊", "近日，项目开工。"],
    ),
    (
        "edition markers and credits dropped",
        "2023年5月12日 星期五\n第2版\n近日，园区新开工项目5个。\n李华 摄\n（下转第3版）",
        ["近日，园区新开工项目5个。"],
    ),
    (
        "line ending in an open clause continues",
        "主要包括：\n一是推进项目建设；\n二是优化营商环境。",
        ["主要包括：一是推进项目建设；二是优化营商环境。"],
    ),
    (
        "latin words broken across lines get their space back",
        "会上发布了Smart\ncity白皮书，引发关注。",
        ["会上发布了Smart city白皮书，引发关注。"],
    ),
    (
        "hard-wrapped narrow columns are reassembled",
        "武汉东湖高新区光谷科创大走廊建\n设加速推进\n本报记者 赵磊\n今年以来，东湖高新区新开工项目\n"
        "四十余个，计划总投资超过五百亿\n元，涵盖光电子信息、生命健康等\n产业。区内多个研发平台也已投入\n使用。",
        [
            "武汉东湖高新区光谷科创大走廊建设加速推进",
            "本报记者 赵磊",
            "今年以来，东湖高新区新开工项目四十余个，计划总投资超过五百亿元，涵盖光电子信息、生命健康等产业。"
            "区内多个研发平台也已投入使用。",
        ],
    ),
]


@pytest.mark.parametrize(("label", "page", "expected"), PAGES, ids=[p[0] for p in PAGES])
def test_clean_page(label, page, expected):
    assert clean_page(page) == expected


# ---------------------------------------------------------------- clean_page on the samples


def _sample_paragraphs(sample_bytes, fmt: str) -> list[str]:
    return clean_page(read_document(sample_bytes(f"bulletin-sample.{fmt}")).text)


@pytest.mark.parametrize("fmt", FORMATS)
def test_sample_debris_is_gone_and_breaks_are_mended(sample_bytes, fmt):
    paragraphs = _sample_paragraphs(sample_bytes, fmt)
    page = "\n".join(paragraphs)
    assert not paragraphs[0].startswith("以高水平科技自立自强")  # the banner
    assert "以高水平科技自立自强谱写高质量发展新篇章" not in page
    assert "作出更大贡献，形成示范。" not in page
    assert "图片来源" not in page and "张海鹏/摄" not in page
    mended = ("陕西半导体先导技术中心", "光电子产业创新发展论坛", "有影响力、有支撑力", "鲲鹏信息、南大通用")
    for phrase in mended:
        assert phrase in page, phrase
    assert "举办六场高质量论坛活动" in paragraphs  # intertitle on its own line
    assert "▶ 本报特约通讯员 车忠勤" in paragraphs


@pytest.mark.parametrize("fmt", FORMATS[1:])
def test_every_format_cleans_to_the_same_paragraphs(sample_bytes, fmt):
    assert _sample_paragraphs(sample_bytes, fmt) == _sample_paragraphs(sample_bytes, "txt")


# ---------------------------------------------------------------- speed


def _big_page(size: int) -> str:
    unit = "\n\n".join(page for _, page, _ in PAGES) + "\n\n"
    return unit * (size // len(unit.encode()) + 1)


def test_cleaning_runs_faster_than_a_megabyte_a_second():
    page = _big_page(1_000_000)
    start = time.process_time()
    clean_page(page)
    assert time.process_time() - start < 1.0


@pytest.mark.parametrize(
    "page",
    [
        "高" + " " * 200_000 + "x",
        "." * 200_000,
        "1 " * 100_000,
        "高," * 100_000,
        "张 " * 30_000 + "摄",
        "(" * 100_000 + "高",
        "(" * 100_000 + "x",
        "高\n\n" * 50_000,
    ],
    ids=["spaces", "dots", "digit tokens", "commas", "credit-like", "parens", "parens alone", "many lines"],
)
def test_hostile_pages_stay_linear(page):
    start = time.process_time()
    clean_page(page)
    assert time.process_time() - start < 1.0


def test_bidirectional_override_characters_are_dropped():
    from articles.parsing.clean import normalise

    assert normalise("合肥高新区\u202e元亿01资投\u202c签约") == "合肥高新区元亿01资投签约"
    assert "\u2067" not in normalise("\u2067שלום\u2069 高新区")


@pytest.mark.parametrize(
    ("line", "byline"),
    [
        ("（记者 王明）", "记者 王明"),
        ("(王某 赵某)", "王某 赵某"),
        ("（王小明、赵某）", "王小明、赵某"),
        ("（完）", None),
        ("（上接第二版）", None),
        ("（图片 资料）", None),
    ],
)
def test_closing_bylines_with_or_without_a_role_word(line, byline):
    assert closing_byline(normalise(line)) == byline


# --- running heads, tables, question headlines, phrases --------------------------------


def test_running_page_head_is_debris():
    assert is_debris("2023年5月12日 星期五 第3版 综合新闻")
    assert not is_debris("2023年5月12日芜湖高新区签约储能项目")


def test_flattened_table_rows_become_sentences():
    lines = ["项目名称 总投资(亿元) 建设内容", "格瑞电池隔膜项目 25 年产隔膜", "下一段正文。"]
    assert unflatten_tables(lines) == ["格瑞电池隔膜项目，总投资25亿元，年产隔膜。", "下一段正文。"]


def test_question_headline_is_title_like_but_a_qa_turn_is_not():
    assert is_title_like("高新区创新十条怎么用？")
    assert not is_title_like("问：政策何时开始实施？")


def test_phrases_split_at_spaces_between_chinese_only():
    assert is_phrases("签约项目8个 总投资52.6亿元")
    assert not is_phrases("Aurion Biotech中国总部落户浦东")
