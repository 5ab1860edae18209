"""WSGI entry point (gunicorn config.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

from config.folders import make_var_folders

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
make_var_folders()  # var/: the SQLite database and the file-system broker live there
application = get_wsgi_application()
