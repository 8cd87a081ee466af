"""Serverless entry points: one app, built from the environment when this module is imported.

- `app`: the WSGI application (`gunicorn signup_fn.main:app`; Vercel's Python runtime).
- `signup`: the Google Cloud Functions / functions-framework HTTP target
  (`functions-framework --source signup_fn/main.py --target signup`).
- `handler`: the AWS Lambda handler behind API Gateway (HTTP API payload 2.0; REST API 1.0 and
  ALB events work too).

Each is a thin adapter: routing, validation and errors all belong to the app itself. Building
the app at import time reads the `PORTAL_*` environment once per instance, as serverless
platforms expect; a bad production configuration fails the cold start, not a request.
"""

from __future__ import annotations

import flask
from apig_wsgi import make_lambda_handler
from werkzeug.wrappers import Response

from signup_fn import create_app

app = create_app()

handler = make_lambda_handler(app)


def signup(request: flask.Request) -> Response:
    """Run the whole app (its WSGI middleware included) on the framework's request.

    functions-framework routes every path and method of the instance to this function; the
    WSGI environ still holds the original method, path, headers and unread body.
    """
    return Response.from_app(app, request.environ)
