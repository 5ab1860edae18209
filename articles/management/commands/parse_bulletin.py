"""`python manage.py parse_bulletin FILE [--issue-date YYYY-MM-DD]`: the parse, as JSON.

Runs the parser the Celery task runs (articles.parsing.pipeline) and writes nothing to the
database; the output follows docs/parse-output.md. Unlike the task, it reads the file in this
process, without the read child's memory and time caps (articles/parsing/sandbox.py): it is
for an operator's own files and for score.py, not for files from strangers.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from articles.parsing.pipeline import parse_bytes, to_contract
from articles.parsing.types import UnreadableFile
from articles.parsing.zones import load_gazetteer


def issue_date_arg(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--issue-date must be YYYY-MM-DD, not {value!r}") from exc


class Command(BaseCommand):
    help = "Parse one bulletin file and print the JSON of the parse-output contract."
    requires_migrations_checks = False
    requires_system_checks: list = []

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--issue-date", type=issue_date_arg, default=None)
        parser.add_argument("--publication", default=None)

    def handle(self, *args, path: str, issue_date: dt.date | None, publication: str | None, **options):
        file_path = Path(path)
        try:
            size = file_path.stat().st_size
            if size > settings.UPLOAD_MAX_BYTES:
                raise CommandError(
                    f"{path}: file too large ({size} bytes; limit {settings.UPLOAD_MAX_BYTES})"
                )
            data = file_path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror or exc}") from exc
        try:
            parsed = parse_bytes(
                data,
                path=str(path),
                issue_date=issue_date,
                publication=publication,
                gazetteer=load_gazetteer(),
                max_bytes=settings.UPLOAD_MAX_BYTES,
            )
        except UnreadableFile as exc:
            raise CommandError(f"{path}: {exc}") from exc
        self.stdout.write(json.dumps(to_contract(parsed), ensure_ascii=False, indent=2))
