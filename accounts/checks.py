"""Deployment checks of our own, run by `manage.py check --deploy`."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, register

DEV_SECRET_KEY_PREFIX = "django-insecure-"


@register(Tags.security, deploy=True)
def check_production_secret_key(app_configs, **kwargs):
    """The development fallback key must never reach a server: refuse it outright."""
    if str(settings.SECRET_KEY).startswith(DEV_SECRET_KEY_PREFIX):
        return [
            Error(
                "SECRET_KEY is the development default.",
                hint="Set the SECRET_KEY environment variable to a long random value.",
                id="accounts.E001",
            )
        ]
    return []
