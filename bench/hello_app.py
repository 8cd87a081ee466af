"""The floor for bench/signup.py: the smallest Flask app, served the same way as the function.

gunicorn --workers 4 "bench.hello_app:create_app()"
"""

from __future__ import annotations

from flask import Flask


def create_app() -> Flask:
    """A Flask app answering `GET /` with a fixed text and `GET /api/health` with JSON."""
    app = Flask(__name__)

    @app.get("/")
    def hello() -> str:
        return "Hello, World!"

    @app.get("/api/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    return app
