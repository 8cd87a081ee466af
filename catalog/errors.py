"""Problems found in the catalog file, and the one error the library raises for them.

The rule: every problem names its place as `PATH:LINE: ID: message`, where PATH is the path as
the caller gave it, LINE is 1-based and ID is the resource or subject id (or `-` when unknown).
The library collects every problem first and raises `CatalogError` once; only the edges (CLI,
MkDocs hook) turn it into an exit code or a build error.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]

UNKNOWN_ITEM = "-"


@dataclass(frozen=True)
class Problem:
    """One finding in the catalog file; `error`s fail the load, `warning`s do not."""

    path: str
    line: int
    item_id: str
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.item_id}: {self.message}"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


class CatalogError(Exception):
    """The catalog file is not valid: `problems` holds every error, in file order.

    `warnings` holds the warnings found in the same pass, so an edge can show them too.
    """

    def __init__(self, problems: list[Problem], warnings: list[Problem] | None = None) -> None:
        self.problems = list(problems)
        self.warnings = list(warnings or [])
        super().__init__("\n".join(str(problem) for problem in self.problems))
