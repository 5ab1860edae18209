"""Benchmark: the review page of a 20-article issue at a million projects, beside the project list.

    createdb -h 127.0.0.1 -U postgres -T zt_bench zt_c_bench     # a copy: the seeded base stays as it is
    .venv/bin/python bench/review_at_scale.py [--database zt_c_bench] [--runs 5]

Migrates the copy, writes one issue through the real ingest (`articles.ingest.store_parse`:
20 articles, each with a batch and three projects in one of the seeded zones, names and
investors written here, so that the likely-duplicate suggestions search a million projects),
then renders, in-process as an editor, the issue's review page (`/bulletins/<pk>/`, every
candidate with its suggestions and its actions) and the project list (`/projects/`), each
`--runs` times after a warm-up, and prints the medians side by side with the page's query
count. Goal: the review page < 300 ms. Idempotent: the issue is written once (by its hash).

Then (issue 15: issues of 968 to 24,148 articles timed out) a big issue of `--articles` articles
(24,148 by default, as the largest issue seen), two candidate projects each, in 300 of the
seeded zones, written through the same ingest; the projects of its first half are then
confirmed (an issue half reviewed). Its review page is timed on page 1 (an editor's default:
the articles still pending), a middle page of all articles, a middle page of the pending ones
and one zone's first page. Goal: < 500 ms each at 1M projects, a fixed number of queries.
Then an editor's confirm (htmx POST) of `--runs` of its last pending candidates: an action's
own time, with what it keeps up to date (the totals rollup, what is left to review).

Side by side, in one run (`--before DIR --before-database DB [--rounds 3]`): the code of
checkout DIR against DB, and this checkout against `--database`, in alternating subprocesses
(`--code`, `--json`), each side's median of its rounds' medians and the ratio after/before:

    git worktree add /tmp/before <commit before the change>      # its own database too:
    createdb -h 127.0.0.1 -U postgres -T zt_c_bench zt_c_before
    .venv/bin/python bench/review_at_scale.py --database zt_c_bench --before /tmp/before \\
        --before-database zt_c_before --runs 7 --rounds 3
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_DIR))

from bench import sides as bench_sides  # noqa: E402
from bench.machine import print_machine  # noqa: E402

NAMES = [
    ("晶合光电12英寸功率器件产线项目", "晶合光电科技有限公司"),
    ("海创尚纬新能源负极材料基地项目", "海创尚纬新能源科技有限公司"),
    ("星辰储能电池模组项目", "星辰储能科技有限公司"),
    ("博越新能源汽车电驱动系统项目", "博越动力科技股份有限公司"),
    ("华拓智能装备产业园项目", "华拓智能装备有限公司"),
    ("天府芯谷先进封装测试基地项目", "芯联半导体有限公司"),
    ("秦岭碳材料高性能碳纤维项目", "秦岭碳材料有限公司"),
    ("光启激光智能装备产业园项目", "光启智能装备有限公司"),
    ("亚太精密传动部件制造中心项目", "施泰纳精密机械集团"),
    ("生物医药研发及产业化基地项目", "华锐生物医药有限公司"),
]


def setup(database: str, code: Path) -> None:
    """Django from `code` (this checkout, or the one before a change) against `database`."""
    sys.path.insert(0, str(code))
    os.chdir(code)
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1")
    import django

    django.setup()


def the_issue():
    """A parse of 20 articles: a batch and three projects each, in seeded zones."""
    from articles.parsing.types import (
        Amount,
        BatchFact,
        EventDate,
        ParsedArticle,
        ParsedBulletin,
        ProjectFact,
        SourceInfo,
    )
    from zones.models import Zone

    zones = list(Zone.objects.filter(verified=True).order_by("pk").values_list("short_name", flat=True)[:20])
    articles = []
    for index, zone in enumerate(zones):
        sentences, projects = [], []
        batch_text = f"{zone}集中签约项目12个，总投资约186亿元。"
        text = batch_text
        for k in range(3):
            name, investor = NAMES[(index + k) % len(NAMES)]
            quote = f"其中，总投资{10 + k}亿元的{name}由{investor}投资建设。" if k == 0 else \
                f"另据了解，{investor}投资{10 + k}亿元的{name}已开工。"
            start = len(text)
            text += quote
            projects.append(ProjectFact(
                name=name, zone=zone, investor=investor,
                amount=Amount(Decimal((10 + k) * 100_000_000), "CNY", False, f"{10 + k}亿元"),
                stage="signed", date=EventDate(2024, 3, 8), quote=quote,
                quote_start=start, quote_end=len(text),
            ))
        sentences.append(text)
        batch = BatchFact(
            zone=zone, count=12, amount=Amount(Decimal("18600000000"), "CNY", True, "约186亿元"),
            date=EventDate(2024, 3, 8), quote=batch_text, quote_start=0, quote_end=len(batch_text),
        )
        articles.append(ParsedArticle(index=index, title=f"{zone}一季度集中签约", subtitle=None, byline=None,
                                      text=text, zones=[zone], projects=projects, batches=[batch]))
    source = SourceInfo(path=None, sha256="", format="txt", encoding="utf-8", issue_date="2024-03-10",
                        parser_version="bench")
    return ParsedBulletin(source=source, articles=articles)


def stored_issue(label: str, publication: str, issue_date, parse):
    """The bench's bulletin named `label`: found by the hash of the label, else stored and written
    through the ingest from `parse()` (what an upload's task writes). Returns (bulletin, created)."""
    from articles.ingest import store_parse
    from articles.models import Bulletin, StoredFile

    data = label.encode()
    sha = hashlib.sha256(data).hexdigest()
    bulletin = Bulletin.objects.filter(sha256=sha).first()
    if bulletin is not None:
        return bulletin, False
    stored = StoredFile.objects.create(sha256=sha, size=len(data), data=data)
    bulletin = Bulletin.objects.create(
        publication=publication, issue_date=issue_date, file=stored,
        sha256=sha, size=len(data), status=Bulletin.Status.PARSED,
    )
    store_parse(bulletin, parse())
    return bulletin, True


def issue_bulletin():
    import datetime as dt

    start = time.perf_counter()
    bulletin, created = stored_issue("bench review page: a 20-article issue", "基准测试周报",
                                     dt.date(2024, 3, 10), the_issue)
    if created:
        print(f"  issue written through ingest in {time.perf_counter() - start:.1f} s")
    return bulletin


BIG_ZONES = 300


def big_issue_parse(n_articles: int):
    """A parse of n articles, two projects each, named from NAMES with a running number (so that
    the suggestions search the grams of realistic names), in BIG_ZONES seeded zones."""
    from articles.parsing.types import (
        Amount,
        EventDate,
        ParsedArticle,
        ParsedBulletin,
        ProjectFact,
        SourceInfo,
    )
    from zones.models import Zone

    verified = Zone.objects.filter(verified=True).order_by("pk")
    zones = list(verified.values_list("short_name", flat=True)[:BIG_ZONES])
    articles = []
    for index in range(n_articles):
        zone = zones[index % len(zones)]
        text, projects = f"{zone}项目建设快讯（{index}）。", []
        for k in range(2):
            name, investor = NAMES[(index + k) % len(NAMES)]
            name = name.replace("项目", f"{index % 97}号项目")
            quote = f"总投资{5 + k}亿元的{name}由{investor}投资建设。"
            start = len(text)
            text += quote
            projects.append(ProjectFact(
                name=name, zone=zone, investor=investor,
                amount=Amount(Decimal((5 + k) * 100_000_000), "CNY", False, f"{5 + k}亿元"),
                stage="signed", date=EventDate(2024, 5, 6), quote=quote,
                quote_start=start, quote_end=len(text),
            ))
        articles.append(ParsedArticle(index=index, title=f"{zone}项目快讯{index}", subtitle=None, byline=None,
                                      text=text, zones=[zone], projects=projects, batches=[]))
    source = SourceInfo(path=None, sha256="", format="txt", encoding="utf-8", issue_date="2024-05-08",
                        parser_version="bench")
    return ParsedBulletin(source=source, articles=articles)


def big_bulletin(n_articles: int):
    """The big issue, written once (by its hash), its first half confirmed."""
    import datetime as dt

    from django.db import connection

    from articles.models import Mention
    from projects.models import Project

    start = time.perf_counter()
    bulletin, created = stored_issue(f"bench review page: a {n_articles}-article issue", "基准测试日报",
                                     dt.date(2024, 5, 8), lambda: big_issue_parse(n_articles))
    if created:
        half = Mention.objects.filter(article__bulletin=bulletin, article__position__lte=n_articles // 2)
        confirmed = Project.objects.filter(pk__in=half.values("project_id"))
        from django.db import transaction

        from projects import rollup

        with transaction.atomic(), rollup.deferred():  # the update sends no signal: its cells, marked
            rollup.mark(rollup.project_keys(zone_id, day)
                        for zone_id, day in confirmed.values_list("zone_id", "date").distinct())
            confirmed.update(review_status="confirmed")
        try:  # a bulk update sends no signal: the kept review state (where the code has it) follows
            from articles import review_state
        except ImportError:
            pass
        else:
            review_state.refresh_bulletins([bulletin.pk])
        took = time.perf_counter() - start
        print(f"  big issue written through ingest (first half confirmed) in {took:.1f} s")
        with connection.cursor() as cursor:  # as autovacuum would after a load this size
            cursor.execute("ANALYZE")
    return bulletin


def time_pages(client, pages: dict[str, str], runs: int) -> dict[str, dict]:
    """Each page's median and minimum (ms) over `runs` GETs after a warm-up, and its queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timed = {}
    for label, url in pages.items():
        assert client.get(url).status_code == 200, url  # warm-up
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
        timed[label] = {"median": statistics.median(times), "min": min(times), "queries": len(queries)}
    return timed


def time_confirms(client, bulletin, runs: int) -> dict[str, dict]:
    """An editor's confirm (htmx) of `runs` candidates of the issue, its last pending ones (so
    that page 1 stays as it is): the action's own time, with what it keeps up to date."""
    from django.urls import reverse

    from articles.models import Mention

    pending = Mention.objects.filter(article__bulletin=bulletin, project__review_status="candidate",
                                     project__merged_into__isnull=True).order_by("-article__position")
    times = []
    for quote in pending[:runs]:
        start = time.perf_counter()
        response = client.post(reverse("review-act", args=[quote.pk]), {"action": "confirm"},
                               HTTP_HX_REQUEST="true")
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200 and 'role="alert"' not in response.content.decode()
    return {"  confirm one candidate (htmx POST)": {"median": statistics.median(times), "min": min(times),
                                                     "queries": 0}}


def measure(args) -> dict:
    """One side: the pages' and the action's figures, and what page 1 of the big issue shows."""
    setup(args.database, Path(args.code).resolve())
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client

    from projects.models import Project

    call_command("migrate", "--noinput", verbosity=0)
    result = {"database": args.database, "projects": Project.objects.count(), "timed": {}}
    bulletin = issue_bulletin()
    call_command("create_role_user", "bench-editor", role="editor", password="bench-editor-pass-1",
                 stdout=open(os.devnull, "w"))
    client = Client()
    client.force_login(get_user_model().objects.get(username="bench-editor"))
    pages = {"review page (20 articles)": f"/bulletins/{bulletin.pk}/", "project list": "/projects/"}
    result["timed"].update(time_pages(client, pages, args.runs))
    html = client.get(pages["review page (20 articles)"]).content.decode()
    records, suggestions = html.count('class="candidate'), html.count("可能与已有项目重复")
    result["small_page"] = f"review page: {records} records, {suggestions} likely-duplicate suggestions shown"
    if args.articles:
        big = big_bulletin(args.articles)
        from articles.models import Article
        from articles.review_page import PAGE_SIZE

        links = Article.zones.through.objects.filter(article__bulletin=big)
        zone = links.values_list("zone_id", flat=True).first()
        middle = args.articles // PAGE_SIZE // 2
        url = f"/bulletins/{big.pk}/"
        result["timed"].update(time_pages(client, {
            f"big issue ({args.articles} articles): page 1": url,
            f"  middle page of all (page {middle})": f"{url}?show=all&page={middle}",
            f"  middle page of pending (page {middle // 2})": f"{url}?show=pending&page={middle // 2}",
            "  one zone, page 1 (all)": f"{url}?show=all&zone={zone}",
            "  one zone, page 1 (pending)": f"{url}?show=pending&zone={zone}",
        }, args.runs))
        result["timed"].update(time_confirms(client, big, args.runs))
        html = client.get(url).content.decode()
        shown = html.count('<article class="card article'), html.count('class="candidate')
        result["big_page"] = (f"big issue page 1: {shown[0]} articles, {shown[1]} records, "
                              f"{html.count('可能与已有项目重复')} suggestions shown, {len(html) // 1024} KB")
    return result


def print_side(result: dict) -> None:
    print(f"database {result['database']}: {result['projects']:,} projects")
    print(f"{'page':<44} {'median ms':>10} {'min ms':>8} {'queries':>8}")
    for label, figures in result["timed"].items():
        print(f"{label:<44} {figures['median']:>10.0f} {figures['min']:>8.0f} {figures['queries']:>8}")
    for key in ("small_page", "big_page"):
        if key in result:
            print(result[key])


def compare(args) -> int:
    """Both checkouts side by side: alternating subprocesses (so that load from elsewhere falls
    on both), the median of each side's medians, and the ratio."""
    sides = bench_sides.sides(args)
    runs = bench_sides.alternate(args, __file__, "--articles", str(args.articles))
    print("Review page at scale, before and after, side by side (server time, test client)")
    print_machine()
    for side, (code, database) in sides.items():
        print(f"  {side}: code {code}, database {database} ({runs[side][0]['projects']:,} projects)")
    print(f"{'page':<44} {'before ms':>10} {'after ms':>9} {'after/before':>13} {'queries':>9}")
    for label in runs["after"][0]["timed"]:
        before = statistics.median(run["timed"][label]["median"] for run in runs["before"])
        after = statistics.median(run["timed"][label]["median"] for run in runs["after"])
        queries = "→".join(str(runs[side][0]["timed"][label]["queries"]) for side in sides)
        print(f"{label:<44} {before:>10.0f} {after:>9.0f} {after / before:>13.2f} {queries:>9}")
    for side in sides:
        print(f"  {side}: " + "; ".join(runs[side][0][key] for key in ("small_page", "big_page")
                                         if key in runs[side][0]))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="zt_c_bench")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--articles", type=int, default=24_148, help="the big issue's articles (0: skip it)")
    bench_sides.add_arguments(parser)
    args = parser.parse_args()
    if "zt_bench" in (args.database, args.before_database):
        raise SystemExit("zt_bench is the shared seeded base: benchmark a copy (createdb -T zt_bench …)")
    if args.before:
        return compare(args)
    result = measure(args)
    if args.json:
        print(json.dumps(result))
        return 0
    print_machine()
    print_side(result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
