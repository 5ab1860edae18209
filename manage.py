#!/usr/bin/env python
"""Django's command-line entry point for the Zone Investment Tracker."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    from config.folders import make_var_folders

    make_var_folders()  # var/ (the SQLite database, the file-system broker) for every command
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
