"""The long-lived objects of one app (database engine, rate limiter) and their accessor."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app
from sqlalchemy import Engine

from .web.ratelimit import Limiter

EXTENSION_KEY = "signup_fn"


@dataclass(frozen=True)
class Services:
    engine: Engine
    limiter: Limiter


def install(app: Flask, services: Services) -> None:
    app.extensions[EXTENSION_KEY] = services


def services() -> Services:
    """The current app's services (inside a request or app context)."""
    return current_app.extensions[EXTENSION_KEY]


def app_itself() -> Flask:
    """The app behind `current_app`, for work that outlives the context (a close hook, a
    command's helper that takes the app)."""
    # attr-defined: current_app is typed as the Flask app it proxies
    return current_app._get_current_object()  # type: ignore[attr-defined]
