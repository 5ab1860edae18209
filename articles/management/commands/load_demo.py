"""`python manage.py load_demo`: demo users and demo bulletins, through the real pipeline.

The demo bulletins under demo/bulletins are texts we wrote for this purpose
(realistic zones and amounts, invented companies). Each is uploaded and parsed
exactly as an editor's upload would be, then reviewed by the demo admin as an
editor would: a candidate reporting a later step of a confirmed project (the
开工 or 投产 of a project signed in an earlier issue) is added as an event of that
project (the review page's "add as an event of #N", `projects.dedup.event_offers`
and `projects.services.merge_and_confirm`), every other candidate is confirmed.
So the follow-through pages tell a story out of the box: some signed projects
broke ground, one went into operation, some signed ones had no later report.
Idempotent.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from articles.models import Bulletin
from articles.tasks import parse_bulletin
from articles.uploads import accept_upload
from projects.dedup import event_offers, likely_duplicates
from projects.models import Batch, Project, ReviewStatus
from projects.services import merge_and_confirm, set_review_status

DEMO_DIR = Path(settings.BASE_DIR) / "demo" / "bulletins"
DEMO_PUBLICATION = "高新区周报（演示数据）"
DEMO_USERS = (
    ("analyst", "analyst", "analyst-demo-pass"),
    ("editor", "editor", "editor-demo-pass"),
    ("admin", "admin", "admin-demo-pass"),
)


class Command(BaseCommand):
    help = "Create the demo users and ingest the demo bulletins (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--no-users", action="store_true", help="Only load the demo bulletins.")

    def handle(self, *args, no_users: bool, **options):
        if not no_users:
            for username, role, password in DEMO_USERS:
                call_command("create_role_user", username, role=role, password=password, stdout=self.stdout)
        admin = get_user_model().objects.filter(username="admin").first()
        for path in sorted(DEMO_DIR.glob("*.txt")):
            issue_date = dt.date.fromisoformat(path.name[:10])
            result = accept_upload(
                path.read_bytes(),
                original_name=path.name,
                publication=DEMO_PUBLICATION,
                issue_number=path.stem[:10],
                issue_date=issue_date,
                user=admin,
            )
            bulletin = result.bulletin
            if bulletin.status == Bulletin.Status.QUEUED:
                parse_bulletin.apply(
                    args=[bulletin.pk]
                )  # here and now; the queued copy finds nothing to claim
                bulletin.refresh_from_db()
            if result.created and bulletin.status == Bulletin.Status.PARSED:
                add_later_steps_as_events(bulletin, admin)
                confirm_all(bulletin, admin)
            self.stdout.write(f"{path.name}: {bulletin.get_status_display()} {bulletin.error}")


def add_later_steps_as_events(bulletin: Bulletin, user) -> None:
    """Merge each candidate of the bulletin that reports a later step of a confirmed project into
    the best such project, as the editor's "add as an event of #N" would."""
    candidates = Project.objects.filter(
        mentions__article__bulletin=bulletin, review_status=ReviewStatus.CANDIDATE, merged_into__isnull=True
    ).distinct().order_by("pk")
    for candidate in candidates:
        offers = event_offers(candidate, likely_duplicates(candidate))
        if offers:
            merge_and_confirm(candidate, offers[0][0], user=user)


def confirm_all(bulletin: Bulletin, user) -> None:
    """Confirm every candidate of a demo bulletin, recorded in history as the demo admin's act."""
    mentions = {"mentions__article__bulletin": bulletin, "review_status": ReviewStatus.CANDIDATE}
    set_review_status(Project.objects.filter(**mentions).distinct(), ReviewStatus.CONFIRMED, user=user)
    set_review_status(Batch.objects.filter(**mentions).distinct(), ReviewStatus.CONFIRMED, user=user)
