"""The WSGI entry point for gunicorn (`bot.wsgi:app`), configured from the environment.

A setting that cannot work stops gunicorn with one line naming the variable, where
gunicorn itself would print the whole traceback of the import.
"""

import sys

from bot.app import create_app
from bot.settings import SettingsError

BOOT_ERROR = 3  # gunicorn's own exit status for an app that cannot boot: not restarted

try:
    app = create_app()
except SettingsError as problem:
    print(f"error: {problem}", file=sys.stderr, flush=True)
    raise SystemExit(BOOT_ERROR) from None
