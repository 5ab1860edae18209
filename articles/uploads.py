"""Accepting an upload: refuse what cannot be read, store the bytes once, queue the parse."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from .models import Bulletin, StoredFile
from .parsing.read import read_document
from .parsing.types import UnreadableFile
from .refusals import explain_refusal

log = logging.getLogger(__name__)


# Shown on the bulletin page while its message could not be sent; the sweeper sends it later.
QUEUE_DOWN_MESSAGE = _lazy(
    "任务队列暂时不可用，文件已保存，没有丢失；队列恢复后会自动开始解析，也可以点击“重新解析”。"
)


class UploadRefused(Exception):
    """The upload was not accepted; the message says why, in words an editor understands."""


@dataclass
class UploadResult:
    bulletin: Bulletin
    created: bool


def accept_upload(
    data: bytes,
    *,
    original_name: str,
    publication: str,
    issue_number: str = "",
    issue_date: dt.date | None = None,
    user=None,
) -> UploadResult:
    """Check the bytes can be read, store them and queue the parse; the same bytes twice give
    the existing bulletin."""
    if not data:
        raise UploadRefused(_("文件是空的。"))
    if len(data) > settings.UPLOAD_MAX_BYTES:
        raise UploadRefused(too_large_message(len(data)))
    sha256 = hashlib.sha256(data).hexdigest()
    existing = Bulletin.objects.filter(sha256=sha256).first()
    if existing is not None:
        return UploadResult(existing, created=False)
    try:
        document = read_document(data, max_bytes=settings.UPLOAD_MAX_BYTES)
    except UnreadableFile as exc:
        raise UploadRefused(explain_refusal(str(exc))) from exc
    with transaction.atomic():
        stored = StoredFile.objects.create(sha256=sha256, size=len(data), data=data)
        bulletin = Bulletin.objects.create(
            publication=publication.strip(),
            issue_number=issue_number.strip(),
            issue_date=issue_date,
            original_name=safe_file_name(original_name),
            file=stored,
            sha256=sha256,
            size=len(data),
            format=document.format,
            encoding=document.encoding or "",
            uploaded_by=user if user is not None and user.is_authenticated else None,
        )
        transaction.on_commit(lambda: enqueue_parse(bulletin.pk))
    return UploadResult(bulletin, created=True)


def too_large_message(size: int) -> str:
    limit_mb = settings.UPLOAD_MAX_BYTES / (1024 * 1024)
    return _("文件过大（%(size).1f MB），上限为 %(limit).0f MB。") % {
        "size": size / (1024 * 1024),
        "limit": limit_mb,
    }


def safe_file_name(name: str) -> str:
    """Only the last path component, without control characters: names are shown, never opened."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(ch for ch in base if ch.isprintable())[:255]


def enqueue_parse(bulletin_id: int) -> None:
    """Send the parse task; if the broker is down the bulletin stays queued and says so.

    Connecting and publishing give up within seconds (CELERY_BROKER_CONNECTION_TIMEOUT,
    CELERY_TASK_PUBLISH_RETRY_POLICY), so an upload never hangs on a dead broker; the
    sweeper (articles/sweeper.py) sends every bulletin marked this way once it is back."""
    from .tasks import parse_bulletin

    try:
        parse_bulletin.delay(bulletin_id)
    except Exception as exc:  # the broker's own errors vary by transport
        log.warning("could not queue bulletin %s: %s", bulletin_id, exc)
        Bulletin.objects.filter(pk=bulletin_id, status=Bulletin.Status.QUEUED).update(
            error=str(QUEUE_DOWN_MESSAGE)
        )


@transaction.atomic
def request_reparse(bulletin: Bulletin) -> bool:
    """Queue a bulletin for parsing again unless it is being parsed right now."""
    updated = (
        Bulletin.objects.filter(pk=bulletin.pk)
        .exclude(status=Bulletin.Status.PARSING)
        .update(
            status=Bulletin.Status.QUEUED,
            progress=0,
            error="",
            task_id="",
            attempts=0,
            started_at=None,
            finished_at=None,
            queued_at=timezone.now(),
        )
    )
    if updated:
        transaction.on_commit(lambda: enqueue_parse(bulletin.pk))
    return bool(updated)
