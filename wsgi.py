"""WSGI entry point: `gunicorn wsgi:app`, and what a bare `flask` command finds."""

from factcheck import create_app

app = create_app()
