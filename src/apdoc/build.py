"""The pipeline: load → model → check → layout → writer → file."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from .diagnostics import Diagnostic, PlanError, display_path
from .layout import render_html
from .output import write_atomic
from .plan import Plan, load_plan

FORMATS = ("docx", "pdf", "html", "md")


def _writer(fmt: str) -> Callable[[str], bytes]:
    # Imported on demand: `apdoc validate` should not pay for lxml and the writers.
    if fmt == "docx":
        from .writers.docx import write_docx

        return write_docx
    if fmt == "pdf":
        from .writers.pdf import write_pdf

        return write_pdf
    if fmt == "md":
        from .writers.markdown import write_markdown

        return write_markdown
    from .writers.html import write_html

    return write_html


def default_output(plan: Plan, fmt: str, folder: Path = Path("build")) -> Path:
    number = plan.document.model.cover.document_number
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", number).strip("-.") or "TD"
    return folder / f"{stem}.{fmt}"


def build(plan_dir: Path, fmt: str, output: Path | None = None, template_dir: Path | None = None) -> Path:
    """Build one format; returns the path written. Raises PlanError on bad input."""
    return build_formats(plan_dir, {fmt: output}, template_dir)[0]


def build_formats(
    plan_dir: Path, targets: dict[str, Path | None], template_dir: Path | None = None,
    progress: Callable[[str, Path | None], None] | None = None,
) -> list[Path]:
    """Build several formats from one load and one layout; `None` targets get the default name.

    `progress(format, None)` is called before each format is built, `progress(format, path)` once it is written.
    """
    plan = load_plan(plan_dir)
    html = render_html(plan, template_dir)
    written = []
    for fmt, output in targets.items():
        if progress:
            progress(fmt, None)
        try:
            data = _writer(fmt)(html)
        except (ValueError, SyntaxError) as exc:  # lxml's XMLSyntaxError is a SyntaxError
            # The packaged templates always give valid XHTML; an override may not.
            where = display_path(template_dir or plan.root.resolve().parent / "templates")
            raise PlanError([Diagnostic(where, 0, 0, f"the layout is not valid for the {fmt} writer: {exc}")]) from None
        target = output if output is not None else default_output(plan, fmt)
        write_atomic(target, data)
        written.append(target)
        if progress:
            progress(fmt, target)
    return written
