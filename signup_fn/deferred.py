"""Modules imported when first used, not when the app is built (a serverless cold start).

The rule: the public API (/api/signup, /api/health) answers a fresh process's first request
without importing what only the HTML pages, the admin pages or the command line need. A
module that registers routes but needs a heavy module only inside its views binds it with
`deferred`; the import happens on the first attribute read, under Python's own import lock
(so two threads' first reads are safe), and costs one dictionary lookup after that.

    if TYPE_CHECKING:
        from . import review
    else:
        review = deferred("signup_fn.review.service")
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any


class DeferredModule:
    """A stand-in for the module `name`, imported on the first attribute read."""

    __slots__ = ("_module", "_name")

    def __init__(self, name: str) -> None:
        self._name = name
        self._module: ModuleType | None = None

    def __getattr__(self, attribute: str) -> Any:
        module = self._module
        if module is None:
            module = self._module = importlib.import_module(self._name)
        return getattr(module, attribute)

    def __repr__(self) -> str:
        state = "imported" if self._module is not None else "not imported yet"
        return f"<deferred module {self._name!r}, {state}>"


def deferred(name: str) -> Any:
    """The module `name`, imported on the first attribute read (typed as the module where
    the caller imports it under `TYPE_CHECKING`)."""
    return DeferredModule(name)
