#!/usr/bin/env python3
import os
import sys

from django.core.exceptions import ImproperlyConfigured
from django.db.utils import OperationalError

from lianfang import devdb

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lianfang.settings")
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    except (OperationalError, ImproperlyConfigured):
        # A database that does not answer (DATABASE_URL pointing nowhere or not at PostgreSQL, the private
        # server not started): one line saying so instead of a traceback. Other errors keep their traceback.
        trouble = devdb.problem()
        if trouble is None:
            raise
        sys.exit(f"lianfang: {trouble}")
