"""Problems found in a plan, reported as `path:line:col: severity: message`."""

from __future__ import annotations

import os
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
        self.diagnostics = sorted(diagnostics)
        super().__init__("\n".join(str(d) for d in self.diagnostics))

    def __reduce__(self) -> tuple[type[PlanError], tuple[list[Diagnostic]]]:
        # Pickled as made (a forked process raises it here): by default the message would be
        # passed back in as if it were the diagnostics.
        return type(self), (self.diagnostics,)


def display_path(path: Path) -> str:
    """The path as the editor would type it: relative to the working folder when inside it."""
    return _display_path(path, os.getcwd())


@lru_cache(maxsize=4096)
def _display_path(path: Path, cwd: str) -> str:
    """display_path from the working folder `cwd`: remembered for it (after a chdir, the same
    path is shown from the new working folder)."""
    folders = _DISPLAY_FOLDERS.setdefault(cwd, {})  # a relative folder's target depends on where we are
    try:
        return str(resolved(path, folders).relative_to(resolved_folder(Path(cwd), folders)))
    except ValueError:
        return str(path)


_DISPLAY_FOLDERS: dict[str, dict[Path, Path]] = {}


def forget_resolved_paths() -> None:
    """Forget the folders resolved for display: a new load of the plan (each round of `watch`)
    sees a folder or link that was replaced since as it is now."""
    _display_path.cache_clear()
    _DISPLAY_FOLDERS.clear()


def resolved(path: Path, folders: dict[Path, Path], strict: bool = False) -> Path:
    """`path.resolve(strict)`, with the folder it is in resolved once (`folders` remembers it):
    resolving looks at every component of a path, and a plan has thousands of files in a few
    folders. A link is resolved whole (it may point anywhere)."""
    if path.name in ("", ".", "..") or path.is_symlink():
        return path.resolve(strict=strict)
    folder = folders.get(path.parent)
    if folder is None:
        folder = folders[path.parent] = path.parent.resolve(strict=strict)
    real = folder / path.name
    if strict and not os.path.lexists(real):
        raise FileNotFoundError(2, "No such file or directory", str(path))
    return real


def resolved_folder(folder: Path, folders: dict[Path, Path]) -> Path:
    """A folder (the plan's, the working one) resolved once, remembered in `folders` as the
    folders that files are in are: each file's link check and message path asks for it again."""
    known = folders.get(folder)
    if known is None:
        known = folders[folder] = folder.resolve()
    return known
