"""Problems found in a plan, reported as `path:line:col: severity: message`."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path


@dataclass(frozen=True, order=True)
class Diagnostic:
    path: str
    line: int  # 1-based; 0 when the problem concerns the whole file or folder
    col: int  # 1-based
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        if self.line:
            return f"{self.path}:{self.line}:{self.col}: {self.severity}: {self.message}"
        return f"{self.path}: {self.severity}: {self.message}"


class PlanError(Exception):
    """Raised with every problem found, so they can all be reported at once."""

    def __init__(self, diagnostics: list[Diagnostic]):
        super().__init__("\n".join(str(d) for d in diagnostics))
        self.diagnostics = sorted(diagnostics)


@lru_cache(maxsize=4096)
def display_path(path: Path) -> str:
    """The path as the editor would type it: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
