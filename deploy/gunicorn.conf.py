"""gunicorn settings of the one-machine deployment (DEPLOY.md), used as deployed by the tests.

    gunicorn --config deploy/gunicorn.conf.py "signup_fn:create_app()"

The rule for logs: no link token reaches them. Activation, reset and setup links carry their
token in the query string, and the access log writes the path without it (`%(U)s`, never the
request line `%(r)s` or `%(q)s`); the Referer is not logged either.
"""

bind = "127.0.0.1:8001"  # nginx in front (DEPLOY.md); 4 workers on 2 cores (bench/README.md)
workers = 4
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)s "%(a)s"'
