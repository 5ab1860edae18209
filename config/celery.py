"""The Celery application; its settings come from Django settings (prefix CELERY_).

The worker's own start-up work is wired here, where a reader of the worker looks for it,
rather than as a side effect of importing the task module.
"""

import os

from celery import Celery
from celery.signals import worker_ready

from .folders import make_var_folders

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("zonetracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect(weak=False)
def make_folders(sender=None, **kwargs) -> None:
    """The broker's folders (file-system broker) and var/, once the app first reads its
    configuration: in a worker at start, in the web server when it first sends a task."""
    make_var_folders()


@worker_ready.connect(weak=False)
def start_sweeper(sender=None, **kwargs) -> None:
    """Every worker sweeps for lost parses when it starts and then periodically
    (`articles.sweeper`). Imported here, not at the top: this module is imported with the
    settings (config/__init__.py), before Django has loaded the apps and their models."""
    from articles.sweeper import start_in_worker

    start_in_worker(sender=sender, **kwargs)
