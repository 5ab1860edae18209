"""Small factories for the rows tests arrange: bulletins, articles, zones, projects, events.

Each takes keyword overrides and fills the rest with plausible values; counters
keep unique fields unique within a test.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
from decimal import Decimal

from articles.models import Article, Bulletin, Mention, StoredFile
from projects.models import Batch, Project, ProjectEvent
from zones.models import Zone

_counter = itertools.count(1)


def make_bulletin(**fields) -> Bulletin:
    n = next(_counter)
    data = f"bulletin {n}".encode()
    sha256 = hashlib.sha256(data).hexdigest()
    stored = StoredFile.objects.create(sha256=sha256, size=len(data), data=data)
    defaults = {
        "publication": "中国高新技术产业导报",
        "issue_number": f"第{n}期",
        "issue_date": dt.date(2022, 7, 4),
        "original_name": f"issue-{n}.txt",
        "file": stored,
        "sha256": sha256,
        "size": len(data),
        "format": "txt",
        "status": Bulletin.Status.PARSED,
    }
    return Bulletin.objects.create(**{**defaults, **fields})


def make_article(bulletin: Bulletin | None = None, **fields) -> Article:
    bulletin = bulletin or make_bulletin()
    defaults = {
        "position": bulletin.articles.count() + 1,
        "title": "高新区重大项目集中签约",
        "text": "本报讯 6月28日，某高新区举行重大项目集中签约仪式。",
    }
    return Article.objects.create(bulletin=bulletin, **{**defaults, **fields})


def make_mention(project: Project | None = None, article: Article | None = None, **fields) -> Mention:
    article = article or make_article()
    quote = fields.pop("quote", article.text[:20])
    defaults = {"kind": Mention.Kind.PROJECT, "quote": quote, "start": 0, "end": len(quote)}
    return Mention.objects.create(article=article, project=project, **{**defaults, **fields})


def make_zone(short_name: str | None = None, **fields) -> Zone:
    short_name = short_name or f"测试{next(_counter)}高新区"
    defaults = {"slug": f"test-zone-{next(_counter)}", "province": "测试省", "city": "测试市"}
    return Zone.objects.create(short_name=short_name, **{**defaults, **fields})


def make_project(zone: Zone | None = None, **fields) -> Project:
    defaults = {
        "name": f"测试项目{next(_counter)}",
        "amount": Decimal("1000000000"),
        "amount_yuan": Decimal("1000000000"),
        "amount_text": "10亿元",
        "date": dt.date(2022, 6, 28),
        "date_precision": "day",
    }
    return Project.objects.create(zone=zone, **{**defaults, **fields})


def make_export_projects(count: int) -> None:
    """`count` confirmed projects for the export tests, in bulk: spread over the first 20
    gazetteer zones and five years, named 导出测试项目0, 1, …, the first with an investor that reads
    as a spreadsheet formula (the export must not let it run)."""
    # (a transactional test before may have emptied the gazetteer the migrations load)
    zones = list(Zone.objects.filter(merged_into__isnull=True).order_by("pk")[:20]) or [make_zone()]
    Project.objects.bulk_create([
        Project(zone=zones[i % len(zones)], name=f"导出测试项目{i}", review_status="confirmed",
                stage="signed", date=dt.date(2020 + i % 5, i % 12 + 1, 1), date_precision="day",
                amount=Decimal(i + 1) * 10_000, amount_yuan=Decimal(i + 1) * 10_000,
                amount_text=f"{i + 1}万元", investor="=SUM(A1)" if i == 0 else "某公司")
        for i in range(count)
    ], batch_size=2000)


def make_event(project: Project, stage: str, date: dt.date | None, precision: str = "day", **fields):
    return ProjectEvent.objects.create(
        project=project, stage=stage, date=date, date_precision=precision if date else "", **fields
    )


def make_batch(zone: Zone | None = None, **fields) -> Batch:
    defaults = {
        "project_count": 16,
        "amount": Decimal("12200000000"),
        "amount_yuan": Decimal("12200000000"),
        "amount_text": "约122亿元",
        "approximate": True,
        "date": dt.date(2022, 6, 28),
        "date_precision": "day",
    }
    return Batch.objects.create(zone=zone, **{**defaults, **fields})
