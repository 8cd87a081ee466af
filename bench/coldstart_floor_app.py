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


def create_validating_app() -> Flask:
    """The floor plus the libraries any function validating this sign-up imports and builds.

    Not the target's floor: a reference that splits the function's ratio into the libraries'
    share and the function's own. Adds a strict pydantic model with an e-mail checked by
    email-validator.
    """
    from typing import Annotated

    from email_validator import validate_email
    from pydantic import AfterValidator, BaseModel, ConfigDict

    def checked_email(value: str) -> str:
        return validate_email(value, check_deliverability=False).normalized

    class Signup(BaseModel):
        model_config = ConfigDict(strict=True, extra="forbid")
        member_id: str
        name: str
        email: Annotated[str, AfterValidator(checked_email)]
        programme: str
        role: str
        consent: bool
        elapsed_ms: int

    app = Flask(__name__)
    engine = create_engine(os.environ["PORTAL_DATABASE_URL"])
    metadata.create_all(engine)

    @app.post("/api/signup")
    def signup() -> tuple[dict[str, str], int]:
        body = Signup.model_validate(request.get_json(force=True))
        with engine.begin() as connection:
            connection.execute(insert(signups).values(body=body.model_dump_json()))
        return {"status": "received"}, 202

    @app.get("/api/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    return app
