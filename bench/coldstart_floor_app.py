"""The floor for bench/coldstart.py: Flask and SQLAlchemy storing one row in SQLite, no more.

What any Flask function that stores a sign-up must import and build before its first answer:
Flask, SQLAlchemy's Core and the SQLite dialect, one table created if missing, one INSERT per
POST /api/signup (202) and GET /api/health (200). `PORTAL_DATABASE_URL` names the database.
"""

from __future__ import annotations

import json
import os

from flask import Flask, request
from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, insert

metadata = MetaData()
signups = Table(
    "floor_signups",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("body", String, nullable=False),
)


def create_app() -> Flask:
    app = Flask(__name__)
    engine = create_engine(os.environ["PORTAL_DATABASE_URL"])
    metadata.create_all(engine)

    @app.post("/api/signup")
    def signup() -> tuple[dict[str, str], int]:
        body = request.get_json(force=True)
        with engine.begin() as connection:
            connection.execute(insert(signups).values(body=json.dumps(body)))
        return {"status": "received"}, 202

    @app.get("/api/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    return app
