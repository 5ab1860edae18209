"""No page mixes languages (issue 13, item 4): the Chinese pages show no English words and the
English pages no Chinese, apart from the data itself (names, quotes, amounts as printed) and
a few names that are the same in both (units, file formats, ISO currency codes)."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.urls import reverse

from articles.models import Article, Bulletin, Mention
from projects.models import Batch, Project
from tests.browser_form import form_fields
from tests.dashboard_factories import build_world
from tests.factories import make_article, make_bulletin, make_mention
from zones.models import Zone, ZoneAlias

pytestmark = pytest.mark.django_db

# The same in both languages: units, formats, codes, product names, the other language's name.
ALLOWED_ASCII = {
    "MW", "GW", "GWh", "kW", "Chart", "js", "CNY", "USD", "EUR", "HKD", "JPY", "GBP", "TXT", "PDF", "Word",
    "HTML", "CSV", "XLSX", "DOCX", "Excel", "UTF", "GBK", "GB", "ID", "Ctrl", "Django", "English", "YYYY",
    "MM", "DD",
}
OTHER_LANGUAGE = "简体中文"  # the language switch names the other language in itself
# Chinese that English pages show on purpose: the unit the figures are in, explained once
# ("100M yuan (亿元)"), and, on the forms, examples of what editors type or the parser reads.
CHINESE_ON_PURPOSE = {"亿元"}
INPUT_EXAMPLES = {
    "edit-project": {"万元", "亿美元", "约"}, "bulletin-upload": {"今年", "月", "日"},
    "search": {"协鑫", "新能源", "西安高新区", "光伏"},
}
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
ASCII_WORD = re.compile(r"[A-Za-z]{2,}")
VISIBLE_ATTRIBUTES = re.compile(r'\b(?:placeholder|title|aria-label|alt)="([^"]*)"')


def visible_text(html: str) -> str:
    """What a reader sees or hears: the text outside tags, and the labelling attributes."""
    html = re.sub(r"<(script|style|template)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r"<!--.*?-->", " ", html, flags=re.S)
    html = re.sub(r"</?(?:mark|br)\b[^>]*>", "", html)  # a quote marked inside an article is still its text
    labels = " ".join(VISIBLE_ATTRIBUTES.findall(html))
    title = " ".join(re.findall(r"<title>(.*?)</title>", html, flags=re.S))
    body = re.sub(r"<[^>]+>", " ", html)
    return unescape(f"{title} {labels} {body}")


def data_strings() -> list[str]:
    """Every text the records hold: shown as it is in both languages."""
    strings: list[str] = []
    for model, fields in (
        (Project, ("name", "investor", "industry", "amount_text")),
        (Batch, ("title", "amount_text")),
        (Zone, ("short_name", "full_name", "province", "city")),
        (Article, ("title", "byline", "text")),
        (Mention, ("quote",)),
        (Bulletin, ("publication", "issue_number", "original_name")),
        (ZoneAlias, ("name",)),
        (Project.history.model, ("name", "investor", "industry", "amount_text")),  # values shown in history
    ):
        for row in model.objects.values_list(*fields):
            strings += [value for value in row if value]
    from django.contrib.auth import get_user_model

    strings += list(get_user_model().objects.values_list("username", flat=True))
    return sorted(set(strings), key=len, reverse=True)


def without_data(text: str, data: list[str]) -> str:
    for value in data:
        text = text.replace(value, " ")
    return text


@pytest.fixture
def world(client_as):
    w = build_world()
    bulletin = make_bulletin(publication="中国高新技术产业导报", original_name="issue-7.txt")
    article = make_article(bulletin, title="西安高新区重大项目集中签约", text="本报讯 6月28日，西安高新区签约光伏组件项目，总投资10亿元，装机100MW。")
    make_mention(w["m1"], article, quote="西安高新区签约光伏组件项目，总投资10亿元")
    make_mention(None, article, kind=Mention.Kind.BATCH, quote="签约项目16个，总投资约122亿元", batch=w["BA"])
    editor = client_as("editor")
    url = reverse("edit-project", args=[w["pA1"].pk])
    editor.post(url, {**form_fields(editor.get(url).content.decode(), "project-edit"), "investor": "隆基绿能科技"})
    editor.post(reverse("review-project", args=[w["pA2"].pk]), {"action": "confirm"})
    editor.post(reverse("review-batch", args=[w["BB"].pk]), {"action": "confirm"})
    Project.objects.filter(pk=w["pC3"].pk).update(date=None, date_precision="day")  # undated, a precision left over
    editor.get("/bulletins/")  # shows (and so clears) the "saved" messages of the edits above
    w.update(bulletin=bulletin, article=article, editor=editor)
    return w


def pages(w) -> list[str]:
    return [
        "/", "/?zone=西安高新区&month_from=2022-06&month_to=2022-08", "/projects/",
        "/projects/?review_status=confirmed&review_status=candidate", "/zones/", w["A"].get_absolute_url(),
        "/bulletins/", w["bulletin"].get_absolute_url(), w["article"].get_absolute_url(),
        w["pA1"].get_absolute_url(), w["pC3"].get_absolute_url(), w["m1"].get_absolute_url(),
        w["BA"].get_absolute_url(), w["BB"].get_absolute_url(), "/search/?q=西安", "/search/?q=项目&kind=projects",
        reverse("bulletin-upload"), reverse("edit-project", args=[w["pA1"].pk]),
    ]


def test_chinese_pages_show_no_english_words(world):
    client = world["editor"]
    data = data_strings()
    leaks = {}
    for url in pages(world):
        response = client.get(url)
        assert response.status_code == 200, url
        words = set(ASCII_WORD.findall(without_data(visible_text(response.content.decode()), data)))
        if words - ALLOWED_ASCII:
            leaks[url] = sorted(words - ALLOWED_ASCII)
    assert leaks == {}, "\n".join(f"{url}: {words}" for url, words in leaks.items())


def test_english_pages_show_no_chinese_beyond_the_data(world):
    client = world["editor"]
    client.cookies["django_language"] = "en"
    data = data_strings()
    leaks = {}
    for url in pages(world):
        response = client.get(url)
        assert response.status_code == 200, url
        text = without_data(visible_text(response.content.decode()), data).replace(OTHER_LANGUAGE, " ")
        allowed = CHINESE_ON_PURPOSE | INPUT_EXAMPLES.get(response.resolver_match.url_name, set())
        if response.resolver_match.url_name == "search":  # snippets: pieces of the articles and names
            allowed |= {run for run in CJK.findall(text) if any(run in value for value in data)}
        chinese = set(CJK.findall(text)) - allowed
        if chinese:
            leaks[url] = sorted(chinese)
    assert leaks == {}, "\n".join(f"{url}: {words}" for url, words in leaks.items())


def test_english_pages_read_as_english(world):
    client = world["editor"]
    client.cookies["django_language"] = "en"
    project = client.get(world["pA1"].get_absolute_url()).content.decode()
    assert "(to the day)" in visible_text(project) and "precise to" not in project
    undated = visible_text(client.get(world["pC3"].get_absolute_url()).content.decode())
    assert "Date unknown" in undated and "to the day" not in undated
    listed = " ".join(visible_text(client.get("/projects/?zone=乐山高新区").content.decode()).split())
    assert "1 batch signing" in listed and "1 batch signings" not in listed


def test_the_edit_form_title_is_english_punctuated(world):
    world["editor"].cookies["django_language"] = "en"
    page = world["editor"].get(reverse("edit-project", args=[world["pA1"].pk])).content.decode()
    assert f"Edit project: {world['pA1'].name}" in page and "：" not in visible_text(page)


def test_an_undated_record_shows_no_precision(world):
    page = " ".join(visible_text(world["editor"].get(world["pC3"].get_absolute_url()).content.decode()).split())
    assert "日期不详" in page and "精确到" not in page
