"""The pipeline: load → model → check → layout → writer → file."""

from __future__ import annotations

import multiprocessing
import os
import re
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict
from html import escape as html_escape
from pathlib import Path
from typing import Any, BinaryIO

from .defaults import templates_beside
from .diagnostics import Diagnostic, PlanError, display_path
from .layout.render import render_html
from .output import Inputs, refuse_inputs, write_atomic
from .plan.load import Plan, load_plan
from .plan.versions import plan_date
from .writers import writer


def default_output(plan: Plan, fmt: str, folder: Path = Path("build"), marked: bool = False) -> Path:
    """build/<document number>.<the format's suffix>; a TD with revision marks gets `-marked`,
    so that it never replaces the clean one."""
    number = plan.document.model.cover.document_number
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", number).strip("-.") or "TD"
    return folder / f"{stem}{'-marked' if marked else ''}.{writer(fmt).suffix}"


EARLIER_PLACEHOLDER = "\u2063earlier-version\u2063"  # invisible separators: no plan text holds it


def marked_html(
    plan: Plan, compare_to: str, template_dir: Path | None = None, author: str | None = None, date: str | None = None,
    earlier: Callable[[], tuple[str, Any]] | None = None,
) -> str:
    """The layout of `plan` with the changes since `compare_to` marked (both laid out alike).

    The earlier version is read and laid out in a forked process while this one lays out the
    current version: on two cores a marked build costs little more than a plain one.
    """
    from .plan.versions import default_author, default_date
    from .revisions.mark import mark_changes

    templates = template_dir or templates_beside(plan.root)  # the current look for both
    if earlier is None:
        earlier = start_earlier_layout(compare_to, plan.root, template_dir)
    # The cover names the earlier TD, known once its layout is back: a placeholder until then.
    after = render_html(plan, templates, revision_marks=EARLIER_PLACEHOLDER, date=plan_date(plan.root))
    outcome, value = earlier()
    if outcome == "error":
        raise PlanError([Diagnostic(**d) for d in value])
    value, description = value
    after = after.replace(EARLIER_PLACEHOLDER, html_escape(description, quote=False))
    return mark_changes(
        value, after, author=author or default_author(plan.root), date=date or default_date(plan.root)
    )


def start_earlier_layout(
    compare_to: str, plan_dir: Path, template_dir: Path | None = None
) -> Callable[[], tuple[str, Any]]:
    """Start reading and laying out the earlier version; the callable returned waits for it."""
    templates = template_dir or templates_beside(plan_dir)
    return _in_background(_earlier_layout, compare_to, plan_dir, templates)


def _earlier_layout(compare_to: str, plan_root: Path, templates: Path) -> tuple[str, Any]:
    """("html", the earlier version's layout) or ("error", its problems as dicts): picklable both."""
    from .plan.versions import earlier_version

    try:
        with earlier_version(compare_to, plan_root) as earlier:
            return "html", (render_html(earlier.plan, templates), earlier.describe(compare_to))
    except PlanError as exc:
        return "error", [asdict(d) for d in exc.diagnostics]


def _in_background(function: Callable[..., Any], *args: Any) -> Callable[[], Any]:
    """Start `function(*args)` in a forked process; the returned callable waits for its result.
    Where fork is missing (Windows, macOS' default) or there is one core, it runs when asked."""
    if "fork" not in multiprocessing.get_all_start_methods() or (os.cpu_count() or 1) < 2:
        return lambda: function(*args)
    executor = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"))
    future = executor.submit(function, *args)
    executor.shutdown(wait=False)  # the worker exits once its one task is done (or on error)

    def result() -> Any:
        return future.result()

    return result


def build(plan_dir: Path, fmt: str, output: Path | None = None, template_dir: Path | None = None) -> Path:
    """Build one format; returns the path written. Raises PlanError on bad input."""
    return build_formats(plan_dir, {fmt: output}, template_dir)[0]


def build_formats(
    plan_dir: Path, targets: dict[str, Path | None], template_dir: Path | None = None,
    progress: Callable[[str, Path | None], None] | None = None,
    compare_to: str | None = None, author: str | None = None, date: str | None = None,
    folder: Path = Path("build"), stdout: BinaryIO | None = None, force: bool = False,
) -> list[Path]:
    """Build several formats from one load and one layout; `None` targets get the default name
    (the document number) in `folder`.

    `progress(format, None)` is called before each format is built, `progress(format, path)` once it is written.
    `compare_to`: an earlier version (folder or git revision); the TD then shows the changes since
    it as revision marks, by `author` (default: the git user) on `date` (default: when the plan
    last changed in git). `stdout`: write the one format there instead of a file. `force`: replace
    read-only files too.
    """
    # The earlier version is read in the background while the current one is loaded and laid out.
    earlier = start_earlier_layout(compare_to, plan_dir, template_dir) if compare_to is not None else None
    plan = load_plan(plan_dir)
    paths = {fmt: output if output is not None else default_output(plan, fmt, folder, marked=compare_to is not None)
             for fmt, output in targets.items()}
    # Before anything is laid out or written: no output may replace a file the build reads.
    refuse_inputs(paths.values(), Inputs.of_build(plan_dir, template_dir, compare_to))
    if compare_to is None:
        html = render_html(plan, template_dir, date=plan_date(plan.root))
    else:
        html = marked_html(plan, compare_to, template_dir, author, date, earlier)
    written = []
    for fmt, target in paths.items():
        if progress:
            progress(fmt, None)
        try:
            data = writer(fmt).write(html)
        except (ValueError, SyntaxError) as exc:  # lxml's XMLSyntaxError is a SyntaxError
            # The packaged templates always give valid XHTML; an override may not.
            where = display_path(template_dir or templates_beside(plan.root))
            raise PlanError([Diagnostic(where, 0, 0, f"the layout is not valid for the {fmt} writer: {exc}")]) from None
        if stdout is not None:
            stdout.write(data)
            stdout.flush()
            continue
        write_atomic(target, data, force=force)
        written.append(target)
        if progress:
            progress(fmt, target)
    return written
