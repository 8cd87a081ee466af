"""Serve a WSGI app on a listening socket handed over by bench/coldstart.py.

    python bench/coldstart_serve.py MODULE:FACTORY FD

The parent opened and bound the socket (file descriptor FD) and has already sent its request:
the connection waits in the socket's backlog while this process imports MODULE, calls
FACTORY() and starts serving, so the parent's clock runs from process start to first answer
with no polling. Every app is served by the same werkzeug server, so its cost is in the floor
too.
"""

from __future__ import annotations

import importlib
import logging
import sys

from werkzeug.serving import BaseWSGIServer


def main() -> None:
    spec, fd = sys.argv[1], int(sys.argv[2])
    module_name, factory_name = spec.split(":")
    app = getattr(importlib.import_module(module_name), factory_name)()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    BaseWSGIServer("127.0.0.1", 0, app, fd=fd).serve_forever()


if __name__ == "__main__":
    main()
