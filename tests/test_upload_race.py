"""Two editors upload the same file at the same moment: one issue is stored, and the other
editor is told it was already uploaded — never a 500 (issue 15, item 7).

Both requests find no bulletin with the file's SHA-256, so both try to store it; the unique
key lets one through and the other used to end in an IntegrityError. Each round uses bytes
of its own, so every round is a first upload for both requests.
"""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles import uploads
from articles.models import Bulletin, StoredFile
from tests.races import client_for, needs_postgresql, run_together

pytestmark = [needs_postgresql, pytest.mark.django_db(transaction=True)]

ROUNDS = 25


def page(round_no: int) -> bytes:
    """A page of our own words, different in each round."""
    return (
        f"长沙高新区签约第{round_no}批项目\n\n"
        f"本报讯（记者 林晓）5月{round_no % 28 + 1}日，长沙高新区与湘江精工{round_no}号装备有限公司签约，"
        f"后者将投资{20 + round_no}亿元建设高端数控机床产业园项目。\n"
    ).encode() * 40


def post(client, data: bytes):
    def send():
        return client.post(reverse("bulletin-upload"), {
            "file": SimpleUploadedFile("issue.txt", data, content_type="text/plain"),
            "publication": "并发测试周报", "issue_date": "2023-05-19",
        })
    return send


def test_the_same_file_uploaded_twice_at_once_is_stored_once_and_the_other_is_told(make_user, monkeypatch):
    queued: list[int] = []
    monkeypatch.setattr(uploads, "enqueue_parse", queued.append)  # the parse is not what races here
    first, second = client_for(make_user("editor", "editor-a")), client_for(make_user("editor", "editor-b"))
    statuses: list[tuple[int, int]] = []
    wrong = 0  # rounds where an editor did not land on the one stored issue (a 500, a twin)
    for round_no in range(ROUNDS):
        data = page(round_no)
        answers = run_together(post(first, data), post(second, data))
        statuses.append(tuple(getattr(a, "status_code", 0) for a in answers))
        bulletin = Bulletin.objects.get(sha256=hashlib.sha256(data).hexdigest())
        # Both land on the one issue's page; the one that did not store it is told why.
        wrong += any(getattr(a, "status_code", 0) != 302 or a["Location"] != bulletin.get_absolute_url()
                     for a in answers)
    print(f"\n{ROUNDS} rounds of two simultaneous uploads: {wrong} went wrong; answers {statuses}")
    assert wrong == 0, statuses
    assert Bulletin.objects.count() == ROUNDS and StoredFile.objects.count() == ROUNDS  # no twin, no orphan
    assert sorted(queued) == sorted(Bulletin.objects.values_list("pk", flat=True))  # each queued once


def test_the_editor_who_lost_the_race_is_told_it_was_already_uploaded(make_user, monkeypatch):
    """The answer of the request that did not store the file carries the same message as a
    second upload made later (the message is shown on the issue page it redirects to)."""
    monkeypatch.setattr(uploads, "enqueue_parse", lambda pk: None)
    first, second = client_for(make_user("editor", "editor-a")), client_for(make_user("editor", "editor-b"))
    told = 0
    for round_no in range(5):
        data = page(100 + round_no)
        run_together(post(first, data), post(second, data))
        for client in (first, second):
            shown = client.get(Bulletin.objects.get(sha256=hashlib.sha256(data).hexdigest()).get_absolute_url()).content.decode()
            told += "这份文件已经上传过" in shown
    assert told == 5  # in each round exactly one of the two editors is told
