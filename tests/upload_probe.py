"""One upload through the real views, in a process of its own, with that process's peak memory.

Run by tests/test_hostile_worker.py as ``python -m tests.upload_probe FILE NAME USERNAME`` with
DATABASE_URL set to the test database: it posts FILE to the upload form's peek (the date
proposal) and then to the upload form, through Django's test client as USERNAME, the way a
browser would reach gunicorn, and prints one JSON object: each answer, the seconds each took
and the process's high-water RSS (VmHWM) before and after — what the upload cost the web
process, which getrusage cannot say of a process started from a large one (Linux keeps the
parent's figure in ru_maxrss across exec).
"""

from __future__ import annotations

import json
import os
import sys
import time


def high_water_kb() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc/self/status")


def main(path: str, name: str, username: str) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    setup_test_environment()
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    with open(path, "rb") as handle:
        data = handle.read()
    before = high_water_kb()

    started = time.perf_counter()
    peek = client.post(reverse("bulletin-upload-peek"), {"file": SimpleUploadedFile(name, data)})
    peek_seconds = time.perf_counter() - started

    started = time.perf_counter()
    form = {"file": SimpleUploadedFile(name, data), "publication": "测试周报", "issue_date": "2022-07-01"}
    upload = client.post(reverse("bulletin-upload"), form)
    upload_seconds = time.perf_counter() - started
    errors = upload.context["form"].errors.get("file", []) if upload.status_code == 400 else []
    from articles.parsing import sandbox

    return {
        "peek_child_peak_kb": sandbox.LAST[0].peak_rss_bytes // 1024 if sandbox.LAST else None,
        "peek_status": peek.status_code,
        "peek": peek.json(),
        "peek_seconds": round(peek_seconds, 3),
        "upload_status": upload.status_code,
        "location": upload.get("Location", ""),
        "errors": list(errors),
        "upload_seconds": round(upload_seconds, 3),
        "rss_before_kb": before,
        "rss_peak_kb": high_water_kb(),
    }


if __name__ == "__main__":
    print(json.dumps(main(*sys.argv[1:4]), ensure_ascii=False))
