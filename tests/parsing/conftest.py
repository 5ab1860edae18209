"""The parser suite also runs without pytest-django (`-p no:django`, pure Python); the
tests that run `manage.py parse_bulletin` then need Django set up, which this does."""

from __future__ import annotations

import os


def pytest_configure(config):
    if not config.pluginmanager.has_plugin("django"):
        import django

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        django.setup()
