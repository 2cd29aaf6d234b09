"""What every build assumes unless told otherwise, in one place: the fixed date and the templates.

The fixed date makes two builds of the same plan byte-identical (no clock in any output). The
templates folder (`templates/` at the top of the repository, shipped inside the wheel as
`apdoc/templates/`) holds the whole look of the TD: the Jinja templates, td.css for HTML and
PDF, and styles.xml, the Word styles part. A folder given with `--templates` (by default
`templates/` beside the plan folder) overrides it file by file.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

FIXED_DATE = "2000-01-01T00:00:00Z"
FIXED_EPOCH = str(int(datetime.fromisoformat(FIXED_DATE).timestamp()))  # the same moment, for SOURCE_DATE_EPOCH

_IN_WHEEL = Path(__file__).parent / "templates"  # pyproject.toml maps templates/ there
_IN_CHECKOUT = Path(__file__).resolve().parents[2] / "templates"  # src/apdoc/ → the repository's top
PACKAGED_TEMPLATES = _IN_WHEEL if _IN_WHEEL.is_dir() else _IN_CHECKOUT


def templates_folder(plan_dir: Path, given: Path | None = None) -> Path:
    """The templates folder a command reads: the one given (--templates), else `templates/`
    beside the plan folder. Worked out here only (a build's request holds the answer)."""
    return given if given is not None else plan_dir.resolve().parent / "templates"


def packaged_template(name: str) -> Path:
    """A file of the templates shipped with apdoc, e.g. "styles.xml"."""
    return PACKAGED_TEMPLATES / name
