"""The pipeline: load → model → check → layout → writer → file."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from dataclasses import asdict
from functools import partial
from html import escape as html_escape
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from .defaults import templates_beside
from .diagnostics import Diagnostic, PlanError, display_path
from .output import Inputs, refuse_inputs, write_atomic
from .writers import writer

if TYPE_CHECKING:  # the plan's models and the layout are imported when a build starts (below)
    from .pipelined import ForkedText
    from .plan.load import Plan

# Formats written in a worker process of their own, with the libraries that worker imports as
# soon as it starts. The PDF's worker is forked before the plan is even read: it imports
# weasyprint (most of a second) while this process imports the models, loads and lays out the
# plan, then typesets while this process writes the other formats: on two cores
# `--format all` takes about as long as the PDF alone, and the PDF alone less than before.
OWN_WORKER: dict[str, tuple[str, ...]] = {"pdf": ("weasyprint",)}


# Plan files from which a one-format build lays out in a forked process while it writes: the
# seed's 23 are laid out in 15 ms, less than a fork of the build and its pipe cost (10-20 ms);
# 100 times the seed's, in a second, which then runs beside the writer's four.
LAID_OUT_BESIDE = 100


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
    from .layout.render import render_html
    from .plan.versions import default_author, default_date, last_change, plan_date, plan_facts
    from .revisions.mark import mark_changes

    templates = template_dir or templates_beside(plan.root)  # the current look for both
    if earlier is None:
        earlier = start_earlier_layout(compare_to, plan.root, template_dir)
    # The cover names the earlier TD, known once its layout is back: a placeholder until then.
    change = last_change(plan.root)
    after = render_html(plan, templates, revision_marks=EARLIER_PLACEHOLDER, date=plan_date(plan.root, change),
                        facts=plan_facts(plan, change))
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
    from .layout.render import render_html
    from .plan.versions import earlier_version

    try:
        with earlier_version(compare_to, plan_root) as earlier:
            return "html", (render_html(earlier.plan, templates), earlier.describe(compare_to))
    except PlanError as exc:
        return "error", [asdict(d) for d in exc.diagnostics]


def _in_background(function: Callable[..., Any], *args: Any) -> Callable[[], Any]:
    """Start `function(*args)` in a forked process; the returned callable waits for its result.
    Where fork is missing (Windows, macOS' default) or there is one core, it runs when asked."""
    if not _can_fork():
        return lambda: function(*args)
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

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
    comments: str = "open", warn: Callable[[Diagnostic], None] | None = None,
) -> list[Path]:
    """Build several formats from one load and one layout; `None` targets get the default name
    (the document number) in `folder`.

    `progress(format, None)` is called before each format is built, `progress(format, path)` once it is written.
    `compare_to`: an earlier version (folder or git revision); the TD then shows the changes since
    it as revision marks, by `author` (default: the git user) on `date` (default: when the plan
    last changed in git). `stdout`: write the one format there instead of a file. `force`: replace
    read-only files too. `comments`: which threads of plan/comments.yaml the DOCX and HTML show,
    "open", "all" or "none"; `warn(message)` hears of those not on their words.
    """
    workers = {fmt: _WriterWorker(fmt, modules) for fmt, modules in OWN_WORKER.items()
               if fmt in targets and _can_fork()}
    layouts: list[ForkedText] = []  # a layout made beside the writer: its process ended however the build ends
    try:
        return _build_formats(plan_dir, targets, template_dir, progress, compare_to, author, date, folder,
                              stdout, force, workers, layouts, comments, warn)
    finally:
        for worker in workers.values():
            worker.stop()
        for layout in layouts:
            layout.close()


def _build_formats(
    plan_dir: Path, targets: dict[str, Path | None], template_dir: Path | None,
    progress: Callable[[str, Path | None], None] | None, compare_to: str | None, author: str | None,
    date: str | None, folder: Path, stdout: BinaryIO | None, force: bool, workers: dict[str, _WriterWorker],
    layouts: list[ForkedText], comments: str = "open", warn: Callable[[Diagnostic], None] | None = None,
) -> list[Path]:
    from .layout.render import html_pieces
    from .pipelined import ForkedText
    from .plan.load import load_plan
    from .plan.versions import last_change, plan_date, plan_facts

    # The earlier version is read in the background while the current one is loaded and laid out.
    earlier = start_earlier_layout(compare_to, plan_dir, template_dir) if compare_to is not None else None
    # The plan's date and commit ask git (two processes, ~6 ms): they run while the plan is read.
    change = _in_thread(last_change, plan_dir) if compare_to is None else None
    plan = load_plan(plan_dir)
    paths = {fmt: output if output is not None else default_output(plan, fmt, folder, marked=compare_to is not None)
             for fmt, output in targets.items()}
    # Before anything is laid out or written: no output may replace a file the build reads.
    refuse_inputs(paths.values(), Inputs.of_build(plan_dir, template_dir, compare_to))
    html: str | ForkedText
    if change is not None:  # a plain build: no revision marks
        known = change()
        facts = plan_facts(plan, known)
        layout = partial(html_pieces, plan, template_dir, date=plan_date(plan.root, known), facts=facts,
                         source=plan_source(plan, facts) if "pdf" in paths else None)
        if _write_while_laying_out(plan, list(paths)):
            html = ForkedText(layout)
            layouts.append(html)
        else:
            html = "".join(layout())
    else:
        html = marked_html(plan, compare_to, template_dir, author, date, earlier)
    for worker in workers.values():
        worker.send(html)  # it typesets while the other formats are written here

    def invalid(fmt: str, message: str) -> PlanError:
        # The packaged templates always give valid XHTML; an override may not.
        where = display_path(template_dir or templates_beside(plan.root))
        return PlanError([Diagnostic(where, 0, 0, f"the layout is not valid for the {fmt} writer: {message}")])

    threads = _threads(plan, comments)

    def write(fmt: str) -> bytes:
        if isinstance(html, ForkedText):
            return _with_threads(fmt, _write_pieces(fmt, html, invalid), threads, warn, plan)
        try:
            if fmt == "html" and threads:
                from .layout.comments import html_with_threads

                return writer(fmt).write(html_with_threads(html, threads, template_dir or templates_beside(plan.root)))
            return _with_threads(fmt, writer(fmt).write(html), threads, warn, plan)
        except (ValueError, SyntaxError) as exc:  # lxml's XMLSyntaxError is a SyntaxError
            raise invalid(fmt, str(exc)) from None

    order = list(paths)
    ready: dict[str, bytes] = {}  # formats written ahead, while a worker typesets
    written = []
    for index, (fmt, target) in enumerate(paths.items()):
        if progress:
            progress(fmt, None)
        if fmt in workers:
            for later in order[index + 1:]:  # the formats after this one are written meanwhile
                if later not in workers and later not in ready:
                    ready[later] = write(later)
            outcome, data = workers[fmt].result()
            if outcome == "error":
                raise invalid(fmt, data)
        else:
            data = ready.pop(fmt) if fmt in ready else write(fmt)
        if stdout is not None:
            stdout.write(data)
            stdout.flush()
            continue
        write_atomic(target, data, force=force)
        written.append(target)
        if progress:
            progress(fmt, target)
    return written


def _threads(plan: Plan, selection: str) -> list[Any]:
    """The comment threads of plan/comments.yaml a build shows (`--comments`)."""
    if plan.comments is None or selection == "none":
        return []
    return [thread for thread in plan.comments.model.threads if selection == "all" or not thread.resolved]


def _with_threads(fmt: str, data: bytes, threads: list[Any], warn: Callable[[Diagnostic], None] | None,
                  plan: Plan) -> bytes:
    """A DOCX with the threads as Word comments (other formats as they are)."""
    if fmt != "docx" or not threads:
        return data
    from .writers.docx.comments import add_comments

    placed = add_comments(data, threads)
    if warn is not None and plan.comments is not None:
        every = plan.comments.model.threads
        for thread, message in placed.warnings:
            index = next(n for n, one in enumerate(every) if one is thread)
            line, col = plan.comments.source.position(("threads", index))
            warn(Diagnostic(plan.comments.source.shown, line, col, message, severity="warning"))
    return placed.data


def plan_source(plan: Plan, facts: dict[str, str]) -> str:
    """The plan's files as the base64 ZIP the layout carries for the PDF to embed."""
    import base64

    from .plan.archive import plan_archive
    from .plan.versions import BASE_FACT

    # The archive holds the files themselves: not the packed values the DOCX carries beside them.
    facts = {name: value for name, value in facts.items() if name != BASE_FACT}
    return base64.b64encode(plan_archive(plan, facts)).decode("ascii")


def _write_while_laying_out(plan: Plan, formats: list[str]) -> bool:
    """Whether the layout is made in a forked process while this one writes it, as it comes: for
    one format whose writer reads the XHTML a piece at a time, on two cores or more, and a plan
    whose layout takes longer than the fork costs (the seed's takes about as long)."""
    return (len(formats) == 1 and writer(formats[0]).reads_pieces and len(plan.files) >= LAID_OUT_BESIDE
            and _can_fork())


def _write_pieces(fmt: str, html: ForkedText, invalid: Callable[[str, str], PlanError]) -> bytes:
    """`fmt` written from the layout's pieces as the forked layout makes them."""
    try:
        return writer(fmt).write_pieces(html)
    except (ValueError, SyntaxError) as exc:  # lxml's XMLSyntaxError is a SyntaxError
        html.outcome()  # a template's error comes first, as when the layout was whole before writing
        raise invalid(fmt, str(exc)) from None
    finally:
        html.close()  # (the build closes it too, should it fail before writing)


def _in_thread(function: Callable[..., Any], *args: Any) -> Callable[[], Any]:
    """Start `function(*args)` in a thread (for work that waits on other processes); the
    returned callable waits for its result or raises its exception."""
    import threading

    outcome: list[tuple[bool, Any]] = []

    def run() -> None:
        try:
            outcome.append((True, function(*args)))
        except BaseException as exc:  # handed to the caller, who would have raised it
            outcome.append((False, exc))

    thread = threading.Thread(target=run, name=f"apdoc-{function.__name__}")
    thread.start()

    def result() -> Any:
        thread.join()
        succeeded, value = outcome[0]
        if not succeeded:
            raise value
        return value

    return result


def _can_fork() -> bool:
    """Whether a worker can start as a fork of this process and run beside it. Asked without
    importing multiprocessing (30 ms): a DOCX build starts no worker and need not pay for it."""
    return hasattr(os, "fork") and (os.cpu_count() or 1) >= 2


class _WriterWorker:
    """One format written in a forked process: started at once (it imports `modules` meanwhile),
    sent the layout when there is one, asked for the bytes when they are due."""

    def __init__(self, fmt: str, modules: tuple[str, ...]) -> None:
        # Whatever this process has buffered for its terminal must not be written twice: the
        # child flushes its copy of the buffers when it ends.
        sys.stdout.flush()
        sys.stderr.flush()
        import multiprocessing

        context = multiprocessing.get_context("fork")
        self._connection, child_end = context.Pipe()
        self._process = context.Process(target=_writer_worker, args=(child_end, fmt, modules), daemon=True)
        self._process.start()
        child_end.close()
        self._answered = False

    def send(self, html: str) -> None:
        self._connection.send(html)

    def result(self) -> tuple[str, Any]:
        """("bytes", the file) or ("error", why the writer refused the layout)."""
        try:
            outcome, value = self._connection.recv()
            self._answered = True
        except EOFError:  # the worker died (killed, out of memory) before it answered
            raise RuntimeError(f"the writer's worker process ended with code {self._process.exitcode}") from None
        if outcome == "crash":
            raise RuntimeError(f"the writer's worker process failed:\n{value}")
        return outcome, value

    def stop(self) -> None:
        """End the worker if it is still running (the build failed before it was needed)."""
        self._connection.close()
        if not self._answered:
            self._process.kill()
        self._process.join()


def _writer_worker(connection: Any, fmt: str, modules: tuple[str, ...]) -> None:
    import traceback

    from .clibs import import_module

    for module in modules:
        import_module(module)  # weasyprint's C libraries found without a process per name it tries
    try:
        html = connection.recv()
    except EOFError:  # the build stopped before there was a layout
        return
    try:
        connection.send(("bytes", writer(fmt).write(html)))
    except (ValueError, SyntaxError) as exc:  # as in the build itself: an invalid layout
        connection.send(("error", str(exc)))
    except Exception:
        connection.send(("crash", traceback.format_exc()))
