"""`python manage.py create_role_user NAME --role editor --password …`: a user in one role."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand, CommandError

from accounts.roles import ADMINS, ANALYSTS, EDITORS, sync_role_groups

ROLE_NAMES = {"analyst": ANALYSTS, "editor": EDITORS, "admin": ADMINS}


class Command(BaseCommand):
    help = "Create (or update) a user in one role: analyst, editor or admin."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=sorted(ROLE_NAMES))
        parser.add_argument(
            "--password", help="Password; without it the user cannot log in until one is set."
        )
        parser.add_argument("--email", default="")

    def handle(self, *args, username: str, role: str, password: str | None, email: str, **options):
        if not username.strip():
            raise CommandError("username must not be empty")
        sync_role_groups(Group, Permission)
        user, created = get_user_model().objects.get_or_create(username=username, defaults={"email": email})
        user.is_staff = role in ("editor", "admin")
        user.is_superuser = role == "admin"
        if password:
            user.set_password(password)
        elif created:
            user.set_unusable_password()
        user.save()
        user.groups.set([Group.objects.get(name=ROLE_NAMES[role])])
        verb = "created" if created else "updated"
        self.stdout.write(f"{verb} {role} {username}")
