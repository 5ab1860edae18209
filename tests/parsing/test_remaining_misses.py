"""Parser 4.4: a zone named by the sentence that goes on about a fact, a firm's "X亿欧元的…
投资计划", and month-days on a page with no issue date that writes a single year."""

from __future__ import annotations

from .helpers import extract, yi


def test_the_zone_of_the_sentence_that_goes_on_about_the_fact():
    text = "日前，投资60亿元的新能源汽车零部件基地在西安开工建设。这使西安高新区跟上了产业发展步伐。"
    (project,) = extract(text).projects
    assert (project.name, project.zone) == ("新能源汽车零部件基地", "西安高新区")


def test_a_next_sentence_that_does_not_refer_back_gives_no_zone():
    text = "日前，投资60亿元的新能源汽车零部件基地在西安开工建设。西安高新区另有3个项目在建。"
    (project,) = extract(text).projects
    assert project.zone is None


def test_a_city_s_tally_does_not_take_the_zone_of_the_next_sentence():
    text = "今年以来，全市共签约项目27个，总投资180亿元。这是西安高新区招商工作的又一成果。"
    (batch,) = extract(text).batches
    assert batch.zone is None


def test_a_firm_s_investment_plan():
    article = extract("宝瑞集团表示继续推进20亿欧元的新厂区建设和产品升级投资计划。")
    assert [(str(p.amount.value), p.amount.currency) for p in article.projects] == [(yi(20)[0], "EUR")]


def test_a_country_s_investment_plan_is_no_project():
    article = extract("我国将推进1000亿元的新型基础设施投资计划。")
    assert [p.amount for p in article.projects] == [] and article.batches == []


def test_no_issue_date_and_a_single_year_written():
    text = "2023年招商推介会于8月10日至12日举行。\n8月10日，园区现场签约项目12个，总投资45亿元。"
    (batch,) = extract(text, issue=None).batches
    assert str(batch.date) == str(
        extract("2023年8月10日，签约项目12个，总投资45亿元。", issue=None).batches[0].date
    )
    assert (batch.date.year, batch.date.month, batch.date.day) == (2023, 8, 10)


def test_no_issue_date_and_two_years_written_leaves_the_year_unknown():
    text = "园区2019年获批升级，2023年以来发展提速。\n8月10日，园区现场签约项目12个，总投资45亿元。"
    (batch,) = extract(text, issue=None).batches
    assert batch.date is None or batch.date.month is None


def test_no_issue_date_and_only_a_history_year_leaves_the_year_unknown():
    text = "华远科技成立于2015年。\n8月10日，园区现场签约项目12个，总投资45亿元。"
    (batch,) = extract(text, issue=None).batches
    assert batch.date is None
