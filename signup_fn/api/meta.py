"""Health check and the OpenAPI description of the public API."""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import Any

from flask import Blueprint, Flask, Response, current_app, jsonify
from sqlalchemy.exc import SQLAlchemyError

from .. import library
from ..services import services
from ..store.engine import ping

bp = Blueprint("meta", __name__, url_prefix="/api")


@cache
def openapi_document() -> dict[str, Any]:
    """The hand-kept `openapi.json` beside this module (a test keeps it in sync)."""
    return json.loads(files(__package__).joinpath("openapi.json").read_text(encoding="utf-8"))


@bp.get("/health")
def health() -> tuple[dict[str, str], int]:
    """200 when the database answers a query, 503 when it does not."""
    try:
        ping(services().engine)
    except SQLAlchemyError:
        current_app.logger.exception("health check: database unavailable")
        return {"status": "error", "database": "error"}, 503
    return {"status": "ok", "database": "ok"}, 200


@bp.get("/openapi.json")
def openapi() -> Response:
    """The document with this deployment's address and the library's name in its title."""
    document = openapi_document()
    info = {**document["info"], "title": f"{document['info']['title']} {library.current().name}"}
    document = {**document, "info": info, "servers": [{"url": current_app.config["BASE_URL"]}]}
    response = jsonify(document)
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
