"""Benchmark: keyword search (projects/search.py) at scale on PostgreSQL.

    .venv/bin/python bench/search_at_scale.py [--projects 100000] [--articles 20000] [--keep]

Creates a throwaway database (zt_search_bench), migrates it, fills it with generated
projects and articles (Chinese names, investors and texts from a fixed vocabulary, seeded),
then times, for a 2-character and a 4-character query, the n-gram search (GIN prefilter +
icontains) against the same icontains conditions alone (a sequential scan with ILIKE-like
`UPPER(col) LIKE '%…%'`) and a raw `ILIKE '%…%'`: the count and the first page, median of
5 runs after a warm-up. Drops the database at the end unless --keep.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_DIR))

DB = "zt_search_bench"
PG = ["-h", "127.0.0.1", "-U", "postgres"]

PREFIXES = ("星辰 博越 晶合 华拓 海创 瑞丰 中科 启明 蓝海 远景 "
            "恒信 天擎 新源 嘉禾 凯德 鼎盛 弘毅 明阳 云帆 锦程").split()
# Rare investors (as in real data: a few hundred records of one group among 100,000).
RARE = [("协鑫集成科技有限公司", 0.004), ("海创尚纬新材料有限公司", 0.001)]
SUFFIXES = "科技 集团 新材料 能源 智能 医药 电子 控股 实业 光电".split()
BUSINESSES = (
    "新能源汽车零部件 锂电池正极材料 12英寸功率器件 光伏组件 储能电池模组 创新药研发生产 工业机器人 "
    "数据中心 半导体封测 氢燃料电池 高端装备 生物医药产业园 颗粒硅 显示面板 碳纤维"
).split()
SENTENCES = [
    "本报讯 {d}，{zone}举行重大项目集中签约仪式，{n}个项目现场签约，总投资{a}亿元。",
    "其中，{company}投资建设的{business}项目总投资约{a}亿元，建成后年产值可达{b}亿元。",
    "{zone}党工委书记表示，将持续优化营商环境，为企业提供全周期服务。",
    "据了解，{business}项目将于年内开工建设，预计{y}年投产，带动就业{j}人。",
    "近年来，{zone}围绕主导产业延链补链强链，{business}产业集群加速集聚。",
    "活动现场，{company}与{zone}签订战略合作协议，双方将在{business}领域深化合作。",
]


def psql(*args: str) -> None:
    subprocess.run(["psql", *PG, "-q", "-v", "ON_ERROR_STOP=1", *args], check=True, stdout=subprocess.DEVNULL)


def setup_django() -> None:
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DB}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def company(rng: random.Random) -> str:
    for name, share in RARE:
        if rng.random() < share:
            return name
    return rng.choice(PREFIXES) + rng.choice(PREFIXES) + rng.choice(SUFFIXES) + "有限公司"


def fill(projects: int, articles: int) -> None:
    from articles.models import Article, Bulletin, StoredFile
    from projects import search
    from projects.models import Project
    from zones.models import Zone

    rng = random.Random(20260101)
    zones = list(Zone.objects.all())
    batch: list[Project] = []
    for i in range(projects):
        name = f"{rng.choice(PREFIXES)}{rng.choice(BUSINESSES)}项目{'' if rng.random() < 0.5 else '（一期）'}"
        investor = company(rng)
        batch.append(
            Project(
                name=name,
                investor=investor,
                zone=rng.choice(zones),
                review_status=rng.choice(["confirmed", "confirmed", "confirmed", "candidate"]),
                search_document=search.document(name, investor),
            )
        )
        if len(batch) == 5000 or i == projects - 1:
            Project.objects.bulk_create(batch)  # bench data: no history, no rollup needed
            batch = []
    bulletins = []
    for i in range(articles // 20 + 1):
        stored = StoredFile.objects.create(sha256=f"{i:064x}", size=1, data=b"x")
        bulletins.append(
            Bulletin.objects.create(publication="基准报", file=stored, sha256=stored.sha256, size=1)
        )
    rows: list[Article] = []
    for i in range(articles):
        zone = rng.choice(zones).short_name
        text = "".join(
            rng.choice(SENTENCES).format(
                d=f"{rng.randint(1, 12)}月{rng.randint(1, 28)}日",
                zone=zone,
                n=rng.randint(3, 30),
                a=rng.randint(1, 300),
                b=rng.randint(1, 900),
                y=rng.randint(2023, 2030),
                j=rng.randint(50, 5000),
                company=company(rng),
                business=rng.choice(BUSINESSES),
            )
            for _ in range(rng.randint(8, 20))
        )
        title = f"{zone}{rng.choice(BUSINESSES)}项目签约"
        rows.append(
            Article(
                bulletin=bulletins[i // 20],
                position=i % 20 + 1,
                title=title,
                text=text,
                search_document=search.document(title, "", text),
            )
        )
        if len(rows) == 2000 or i == articles - 1:
            Article.objects.bulk_create(rows)
            rows = []


def timed(function, runs: int = 5) -> float:
    function()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    subprocess.run(["dropdb", *PG, "--if-exists", DB], check=True)
    subprocess.run(["createdb", *PG, DB], check=True)
    setup_django()
    from django.core.management import call_command
    from django.db import connection

    from articles import search as article_search
    from articles.models import Article
    from projects import search
    from projects.models import Project

    try:
        call_command("migrate", verbosity=0)
        start = time.perf_counter()
        fill(args.projects, args.articles)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE projects_project")
            cursor.execute("VACUUM ANALYZE articles_article")
        print(
            f"filled {args.projects} projects, {args.articles} articles"
            f" in {time.perf_counter() - start:.0f} s"
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_size_pretty(pg_relation_size('projects_project_search_gin')),"
                " pg_size_pretty(pg_relation_size('articles_article_search_gin')),"
                " pg_size_pretty(pg_total_relation_size('articles_article'))"
            )
            print("GIN projects / articles, articles table total:", cursor.fetchone())
        projects_qs = Project.objects.filter(merged_into__isnull=True, review_status="confirmed")
        articles_qs = Article.objects.defer("search_document")

        def run(query: str, indexed: bool):
            original = search.uses_index
            search.uses_index = lambda queryset: indexed
            try:
                p = search.filter_projects(projects_qs, query).order_by("-date", "-id")
                a = article_search.filter_articles(articles_qs.select_related("bulletin"), query).order_by(
                    "-bulletin__issue_date", "-bulletin_id", "position"
                )  # as the search page
                return (
                    lambda: (p.count(), list(p[:10])),
                    lambda: (a.count(), list(a[:10])),
                    p.count(),
                    a.count(),
                )
            finally:
                search.uses_index = original

        def raw_ilike(table: str, columns: tuple[str, ...], query: str):
            where = " OR ".join(f"{column} ILIKE %s" for column in columns)
            sql = f"SELECT count(*) FROM {table} WHERE {where}"

            def go():
                with connection.cursor() as cursor:
                    cursor.execute(sql, [f"%{query}%"] * len(columns))
                    return cursor.fetchone()

            return go

        print(
            f"{'query':10} {'kind':9} {'hits':>6} {'n-gram ms':>10} {'icontains ms':>13}"
            f" {'raw ILIKE count ms':>19}"
        )
        for query in ("协鑫", "海创尚纬", "光伏", "光伏组件", "硅"):
            pi, ai, pcount, acount = run(query, True)
            pp, ap, pcount2, acount2 = run(query, False)
            assert (pcount, acount) == (pcount2, acount2), query
            rows = (
                ("projects", pcount, pi, pp, raw_ilike("projects_project", ("name", "investor"), query)),
                (
                    "articles",
                    acount,
                    ai,
                    ap,
                    raw_ilike("articles_article", ("title", "subtitle", "text"), query),
                ),
            )
            for kind, hits, indexed, plain, raw in rows:
                print(
                    f"{query:10} {kind:9} {hits:>6} {timed(indexed):>10.1f} {timed(plain):>13.1f}"
                    f" {timed(raw):>19.1f}"
                )
    finally:
        connection.close()
        if not args.keep:
            subprocess.run(["dropdb", *PG, "--if-exists", DB], check=True)


if __name__ == "__main__":
    main()
