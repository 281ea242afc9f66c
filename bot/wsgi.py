"""The WSGI entry point for gunicorn (`bot.wsgi:app`), configured from the environment."""

from bot.app import create_app

app = create_app()
