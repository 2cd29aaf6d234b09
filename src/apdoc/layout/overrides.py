"""Template override folders: the files in one that override nothing.

Apart from render: `apdoc build` checks the folder before its PDF worker starts, and this check
needs neither Jinja nor the plan."""

from __future__ import annotations

from pathlib import Path

from ..defaults import PACKAGED_TEMPLATES
from ..diagnostics import Diagnostic, display_path


def unknown_templates(template_dir: Path) -> list[Diagnostic]:
    """A warning for each file of an override folder that overrides nothing and that no template
    includes: most likely a misspelt name, whose changes would silently not show."""
    if not template_dir.is_dir():
        return []
    packaged = {path.name for path in PACKAGED_TEMPLATES.iterdir() if path.is_file()}
    files = sorted(path for path in template_dir.iterdir() if path.is_file() and not path.name.startswith("."))
    sources = [path.read_text(encoding="utf-8", errors="replace") for path in files if path.suffix == ".j2"]
    known = ", ".join(sorted(packaged))
    return [
        Diagnostic(display_path(path), 0, 0, f"unknown template name: it overrides nothing and no template includes "
                   f"it (the templates are {known})", severity="warning")
        for path in files
        if path.name not in packaged and not any(path.name in text for text in sources)
    ]
