"""The folders under var/ that the app writes: made where they are first needed, never when
the settings are imported (reading the configuration must not change the disk)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

FS_BROKER_FOLDERS = ("data_folder_in", "data_folder_out", "processed_folder", "control_folder")


def make_var_folders() -> None:
    """VAR_DIR (the SQLite database lives there by default) and, on the file-system broker,
    its queue folders, which kombu expects to exist."""
    settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
    if settings.CELERY_BROKER_URL.startswith("filesystem://"):
        options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
        for key in FS_BROKER_FOLDERS:
            Path(options[key]).mkdir(parents=True, exist_ok=True)
