"""An upload goes through the real broker to a real Celery worker process and comes back parsed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from articles.models import Bulletin
from config.celery import app
from projects.models import Project
from tests.worker import WorkerProcess, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

# Our own short bulletin, written for this test.
PAGE = """长沙高新区签约两个智能制造项目

本报讯（记者 林晓）5月16日，长沙高新区与湘江精工装备有限公司签约，后者将投资20亿元建设高端数控机床产业园项目。

同日，总投资8亿元的麓谷工业传感器研发中心项目在长沙高新区开工。
"""


@pytest.fixture
def worker(tmp_path):
    app.control.purge()
    process = WorkerProcess(tmp_path / "worker.log").start()
    yield process
    process.stop()


def test_upload_is_parsed_by_a_real_worker_process(worker, client, make_user):
    client.force_login(make_user("editor"))
    response = client.post(
        reverse("bulletin-upload"),
        {
            "file": _upload("changsha.txt", PAGE.encode("utf-8")),
            "publication": "测试周报",
            "issue_number": "18",
            "issue_date": "2023-05-19",
        },
    )
    assert response.status_code == 302
    bulletin = Bulletin.objects.get()
    assert bulletin.issue_date == dt.date(2023, 5, 19)

    wait_for(lambda: Bulletin.objects.filter(pk=bulletin.pk, status__in=["parsed", "failed"]).exists())
    bulletin.refresh_from_db()
    assert bulletin.status == "parsed", f"{bulletin.error}\n{worker.output()}"
    assert bulletin.task_id and bulletin.task_id != "eager"  # claimed by the worker's task, not in-process
    assert bulletin.articles.count() == 1
    amounts = sorted(p.amount_yuan for p in Project.objects.filter(zone__short_name="长沙高新区"))
    assert [int(a) for a in amounts] == [800_000_000, 2_000_000_000]
    assert "parse_bulletin" in worker.output()

    status = client.get(reverse("bulletin-status", args=[bulletin.pk])).json()
    assert status["status"] == "parsed" and status["progress"] == 100


def _upload(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/octet-stream")
