"""gunicorn settings of the one-machine deployment (DEPLOY.md), used as deployed by the tests.

    gunicorn --config deploy/gunicorn.conf.py "signup_fn:create_app()"

The rule for logs: no link token reaches them. Activation, reset and setup links carry their
token in the query string; the access log writes the path without it (`%(U)s`, never the
request line `%(r)s` or `%(q)s`) and no Referer, and the error log's lines about a request
(gunicorn quotes its target, query included) are cut at the `?` by `PathOnlyLogger`.
"""

import logging

from gunicorn.config import Config
from gunicorn.glogging import Logger

bind = "127.0.0.1:8001"  # nginx in front (DEPLOY.md); 4 workers on 2 cores (bench/README.md)
workers = 4
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)s "%(a)s"'


def without_query(record: logging.LogRecord) -> bool:
    """Cut every request target among a log record's arguments at its query string."""
    if isinstance(record.args, tuple):
        record.args = tuple(
            value.split("?", 1)[0] if isinstance(value, str) and value.startswith("/") else value
            for value in record.args
        )
    return True


class PathOnlyLogger(Logger):
    """gunicorn's logger whose error log never writes a request's query string."""

    def setup(self, cfg: Config) -> None:
        super().setup(cfg)
        self.error_log.addFilter(without_query)


logger_class = PathOnlyLogger
