"""ASGI entry point, for servers that speak ASGI."""

import os

from django.core.asgi import get_asgi_application

from config.folders import make_var_folders

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
make_var_folders()  # var/: the SQLite database and the file-system broker live there
application = get_asgi_application()
