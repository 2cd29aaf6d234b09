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


def marked_html(
    plan: Plan, compare_to: str, template_dir: Path | None = None, author: str | None = None, date: str | None = None,
) -> str:
    """The layout of `plan` with the changes since `compare_to` marked (both laid out alike)."""
    from .revisions import mark_changes
    from .versions import default_author, default_date, earlier_version

    templates = template_dir or plan.root.resolve().parent / "templates"  # the current look for both
    with earlier_version(compare_to, plan.root) as earlier:
        before = render_html(earlier.plan, templates)
    after = render_html(plan, templates, revision_marks=compare_to)
    return mark_changes(
        before, after, author=author or default_author(plan.root), date=date or default_date(plan.root)
    )


def build(plan_dir: Path, fmt: str, output: Path | None = None, template_dir: Path | None = None) -> Path:
    """Build one format; returns the path written. Raises PlanError on bad input."""
    return build_formats(plan_dir, {fmt: output}, template_dir)[0]


def build_formats(
    plan_dir: Path, targets: dict[str, Path | None], template_dir: Path | None = None,
    progress: Callable[[str, Path | None], None] | None = None,
    compare_to: str | None = None, author: str | None = None, date: str | None = None,
) -> list[Path]:
    """Build several formats from one load and one layout; `None` targets get the default name.

    `progress(format, None)` is called before each format is built, `progress(format, path)` once it is written.
    `compare_to`: an earlier version (folder or git revision); the TD then shows the changes since
    it as revision marks, by `author` (default: the git user) on `date` (default: when the plan
    last changed in git).
    """
    plan = load_plan(plan_dir)
    if compare_to is None:
        html = render_html(plan, template_dir)
    else:
        html = marked_html(plan, compare_to, template_dir, author, date)
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
