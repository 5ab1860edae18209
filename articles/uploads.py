"""Accepting an upload: refuse what is cheaply seen to be unreadable, store the bytes once,
queue the parse (`articles.tasks.enqueue_parse`).

The request never reads a file (`articles.parsing.sniff`: size, type, a zip's directory, a
text's encoding — milliseconds and megabytes whatever the bytes): reading is the worker's,
under limits, and a file that fails there fails its bulletin with the reason."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from .models import Bulletin, StoredFile
from .parsing.pipeline import printed_issue_date
from .parsing.sandbox import ReadLimitExceeded, ReadLimits
from .parsing.sniff import sniff
from .parsing.types import UnreadableFile
from .refusals import explain_refusal
from .tasks import enqueue_parse


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
    """Check the bytes cheaply, store them and queue the parse; the same bytes twice give the
    existing bulletin."""
    if not data:
        raise UploadRefused(_("文件是空的。"))
    if len(data) > settings.UPLOAD_MAX_BYTES:
        raise UploadRefused(too_large_message(len(data)))
    sha256 = hashlib.sha256(data).hexdigest()
    existing = Bulletin.objects.filter(sha256=sha256).first()
    if existing is not None:
        return UploadResult(existing, created=False)
    try:
        document = sniff(data, max_bytes=settings.UPLOAD_MAX_BYTES)
    except UnreadableFile as exc:
        raise UploadRefused(explain_refusal(str(exc))) from exc
    try:
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
    except IntegrityError:
        # The same bytes uploaded at the same moment: the other request stored them first (the
        # unique SHA-256 made this one wait for it). This savepoint is rolled back, so nothing of
        # this request is left, and the editor gets the answer of a later second upload.
        existing = Bulletin.objects.filter(sha256=sha256).first()
        if existing is None:
            raise
        return UploadResult(existing, created=False)
    return UploadResult(bulletin, created=True)


def propose_issue_date(data: bytes) -> dt.date | None:
    """The issue date the file prints on its date line (the date the parse would take if the
    editor left it empty), or None when it prints none or cannot be read quickly;
    UploadRefused, with the same words as an upload, when the file would be refused.

    A text's top (`read.TOP_BYTES`) is read here; a PDF's first page or a Word file's first
    paragraphs in a child process with tight limits (PEEK_*), since even one page can be
    hostile: past them there is simply no proposal."""
    if not data:
        raise UploadRefused(_("文件是空的。"))
    if len(data) > settings.UPLOAD_MAX_BYTES:
        raise UploadRefused(too_large_message(len(data)))
    try:
        sniffed = sniff(data, max_bytes=settings.UPLOAD_MAX_BYTES)
        limits = None
        if sniffed.format in ("pdf", "docx"):
            limits = ReadLimits(settings.PEEK_MAX_MEMORY_BYTES, settings.PEEK_TIMEOUT_SECONDS)
        return printed_issue_date(data, max_bytes=settings.UPLOAD_MAX_BYTES, read_limits=limits)
    except ReadLimitExceeded:
        return None
    except UnreadableFile as exc:
        raise UploadRefused(explain_refusal(str(exc))) from exc


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
