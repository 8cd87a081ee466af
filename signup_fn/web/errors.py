"""Errors under /api/ answer JSON `{"error": "..."}` in Indonesian, never a 5xx for bad input."""

from __future__ import annotations

from flask import Flask, Response, current_app, jsonify, request
from sqlalchemy import exc as sa
from werkzeug.exceptions import HTTPException, ServiceUnavailable

MESSAGES = {
    400: "Permintaan tidak valid.",
    404: "Alamat tidak ditemukan.",
    405: "Metode tidak diizinkan.",
    413: "Isi permintaan terlalu besar.",
    415: "Jenis isi tidak didukung; kirim application/json atau formulir biasa.",
    429: "Terlalu banyak permintaan; coba lagi nanti.",
    500: "Terjadi kesalahan pada server.",
    503: "Layanan sedang tidak tersedia; coba lagi nanti.",
}


def message_of(error: HTTPException) -> str:
    """Our own wording unless the code that raised it gave an Indonesian description."""
    if error.description and error.description != type(error).description:
        return error.description
    return MESSAGES.get(error.code or 500, MESSAGES[400])


def http_error(error: HTTPException) -> HTTPException | Response:
    if not request.path.startswith("/api/"):
        return error
    response = jsonify(error=message_of(error))
    response.status_code = error.code or 500
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def service_unavailable(error: Exception) -> HTTPException | Response:
    """A database or Redis outage is a 503, not a 500."""
    current_app.logger.error("service unavailable: %s", error)
    return http_error(ServiceUnavailable())


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, http_error)
    for outage in (sa.OperationalError, sa.InterfaceError, sa.TimeoutError):
        app.register_error_handler(outage, service_unavailable)
    if not app.config["REDIS_URL"]:  # Redis is only reached (and imported) when configured
        return
    try:
        from redis.exceptions import RedisError
    except ImportError:  # redis is optional
        return
    app.register_error_handler(RedisError, service_unavailable)
