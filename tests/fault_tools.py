"""Helpers for the fault tests: pages of our own, expected counts, real workers, the broker."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from articles.models import Article, Bulletin, Mention
from articles.parsing.pipeline import parse_bytes
from articles.parsing.zones import load_gazetteer
from config.celery import app
from projects.models import Batch, Project, ProjectEvent
from tests.worker import WorkerProcess

ZONES = ["长沙高新区", "合肥高新区", "武汉东湖高新区", "成都高新区", "西安高新区", "杭州高新区", "南京高新区"]
ISSUE_DATE = dt.date(2023, 5, 19)


def generated_page(articles: int = 8, tag: str = "") -> bytes:
    """A bulletin of our own words: `articles` articles, two projects each; `tag` makes it unique."""
    parts = []
    for i in range(articles):
        zone = ZONES[i % len(ZONES)]
        parts.append(
            f"{zone}签约第{i + 1}批智能制造项目\n\n"
            f"本报讯（记者 林晓）5月{i + 1}日，{zone}与湘江精工{tag}{i + 1}号装备有限公司签约，"
            f"后者将投资{20 + i}亿元建设高端数控机床产业园项目。\n\n"
            f"同日，总投资{8 + i}亿元的麓谷工业传感器{i + 1}号研发中心项目在{zone}开工。\n"
        )
    return "\n".join(parts).encode("utf-8")


def clean_parse_counts(data: bytes, issue_date: dt.date | None = ISSUE_DATE) -> dict[str, int]:
    """What one clean parse of these bytes stores, from the parser the task uses."""
    parsed = parse_bytes(data, issue_date=issue_date, gazetteer=load_gazetteer())
    projects = sum(len(a.projects) for a in parsed.articles)
    batches = sum(len(a.batches) for a in parsed.articles)
    return {
        "articles": len(parsed.articles),
        "projects": projects,
        "batches": batches,
        "mentions": projects + batches,
        "events": projects,
    }


def db_counts() -> dict[str, int]:
    return {
        "articles": Article.objects.count(),
        "projects": Project.objects.count(),
        "batches": Batch.objects.count(),
        "mentions": Mention.objects.count(),
        "events": ProjectEvent.objects.count(),
    }


def history_counts() -> dict[str, int]:
    """Project rows ever created and deleted: a second store would create and delete twins."""
    history = Project.history.model.objects
    return {"created": history.filter(history_type="+").count(), "deleted": history.filter(history_type="-").count()}


def log_in(client, user):
    """force_login without the login throttle: it is no login attempt, and it has no address."""
    with override_settings(AXES_ENABLED=False):
        client.force_login(user)
    return client


def upload(client, data: bytes, name: str = "issue.txt"):
    return client.post(
        reverse("bulletin-upload"),
        {
            "file": SimpleUploadedFile(name, data, content_type="text/plain"),
            "publication": "故障测试周报",
            "issue_number": "20",
            "issue_date": ISSUE_DATE.isoformat(),
        },
    )


def uses_redis() -> bool:
    return settings.CELERY_BROKER_URL.startswith("redis")


def clear_broker() -> None:
    """Empty the queue, and on Redis the unacknowledged messages a killed worker left."""
    app.control.purge()
    if uses_redis():
        with app.connection_for_write() as conn:
            conn.default_channel.client.delete("unacked", "unacked_index")


class Workers:
    """Start real workers with extra environment variables; stop every one at the end."""

    def __init__(self, tmp_path: Path, monkeypatch):
        self.tmp_path = tmp_path
        self.monkeypatch = monkeypatch
        self.started: list[WorkerProcess] = []

    def start(self, **env: str) -> WorkerProcess:
        with self.monkeypatch.context() as patch:
            for name, value in env.items():
                patch.setenv(name, value)
            worker = WorkerProcess(self.tmp_path / f"worker-{len(self.started) + 1}.log")
            self.started.append(worker)
            return worker.start()

    def output(self) -> str:
        return "\n".join(w.output() for w in self.started if w.log_path.exists())

    def stop_all(self) -> None:
        for worker in self.started:
            worker.stop()


def successes(output: str) -> int:
    """How many parse tasks stored a parse, according to the workers' logs."""
    return sum(1 for line in output.splitlines() if "succeeded in" in line and "'parsed:" in line)


def bulletin_state(pk: int) -> tuple[str, int, str]:
    b = Bulletin.objects.get(pk=pk)
    return b.status, b.attempts, b.error
