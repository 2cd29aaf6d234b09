"""The pipeline: load → model → check → layout → writer → file."""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import ExitStack, closing
from dataclasses import dataclass, field
from functools import partial
from html import escape as html_escape
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from .background import ForkedCall, ThreadCall, can_fork
from .defaults import templates_folder
from .diagnostics import Diagnostic, PlanError, display_path
from .output import Inputs, refuse_inputs, write_atomic
from .writers import writer

if TYPE_CHECKING:  # the plan's models and the layout are imported when a build starts (below)
    from .background import ForkedText
    from .plan.load import Plan
    from .plan.versions import LastChange

# Formats written in a process of their own, with the libraries that process imports as soon
# as it starts. The PDF's process is forked before the plan is even read: it imports weasyprint
# (most of a second) while this process imports the models, loads and lays out the plan, then
# typesets while this process writes the other formats: on two cores `--format all` takes
# about as long as the PDF alone.
OWN_WORKER: dict[str, tuple[str, ...]] = {"pdf": ("weasyprint",)}


# Plan files from which a one-format build lays out in a forked process while it writes: the
# seed's 23 are laid out in about the time a fork of the build and its pipe cost; 100 times the
# seed's take a second, which then runs beside the writer.
LAID_OUT_BESIDE = 100


@dataclass(frozen=True)
class BuildRequest:
    """One build as asked for (by the command line, `watch`, a test): made once, handed down.

    `targets`: format → file, None for the default name (the document number) in `folder`.
    `template_dir`: --templates as given; `templates` is the folder read (it, or `templates/`
    beside the plan). `compare_to`: an earlier version (folder or git revision); the TD then
    shows the changes since it as revision marks, by `author` (default: the git user) on `date`
    (default: when the plan last changed in git). `comments`: which threads of plan/comments.yaml
    the DOCX and HTML show, "open", "all" or "none". `force`: replace read-only files too.
    `stdout`: write the one format there instead of a file.
    """

    plan_dir: Path
    targets: dict[str, Path | None]
    template_dir: Path | None = None
    folder: Path = Path("build")
    compare_to: str | None = None
    author: str | None = None
    date: str | None = None
    comments: str = "open"
    force: bool = False
    stdout: BinaryIO | None = None
    templates: Path = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "templates", templates_folder(self.plan_dir, self.template_dir))

    @property
    def marked(self) -> bool:
        return self.compare_to is not None


def default_output(plan: Plan, fmt: str, folder: Path = Path("build"), marked: bool = False) -> Path:
    """build/<document number>.<the format's suffix>; a TD with revision marks gets `-marked`,
    so that it never replaces the clean one."""
    number = plan.document.model.cover.document_number
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", number).strip("-.") or "TD"
    return folder / f"{stem}{'-marked' if marked else ''}.{writer(fmt).suffix}"


EARLIER_PLACEHOLDER = "\u2063earlier-version\u2063"  # invisible separators: no plan text holds it


class _Later:
    """`function(*args)` when its result is asked for: the earlier layout where nothing forks."""

    def __init__(self, function: Callable[..., Any], *args: Any) -> None:
        self._call = partial(function, *args)

    def result(self) -> Any:
        return self._call()

    def close(self) -> None:
        pass


def marked_html(plan: Plan, request: BuildRequest, earlier: ForkedCall[tuple[str, str]] | _Later | None = None,
                change: LastChange | None = None) -> str:
    """The layout of `plan` with the changes since `request.compare_to` marked (both laid out alike).

    The earlier version is read and laid out in a forked process (`earlier`, when the caller
    started it) while this one lays out the current version: on two cores a marked build costs
    little more than a plain one. `change`: the plan folder's last_change, when asked already.
    """
    from .layout.render import render_html
    from .plan.versions import default_author, default_date, last_change, plan_date, plan_facts
    from .revisions.mark import mark_changes

    if earlier is None:
        earlier = start_earlier_layout(request)
    try:
        change = last_change(plan.root) if change is None else change
        # The cover names the earlier TD, known once its layout is back: a placeholder until then.
        after = render_html(plan, request.templates, revision_marks=EARLIER_PLACEHOLDER,  # the current look for both
                            date=plan_date(plan.root, change), facts=plan_facts(plan, change))
        before, description = earlier.result()
    finally:
        earlier.close()
    after = after.replace(EARLIER_PLACEHOLDER, html_escape(description, quote=False))
    return mark_changes(before, after, author=request.author or default_author(plan.root, change),
                        date=request.date or default_date(plan.root, change))


def start_earlier_layout(request: BuildRequest) -> ForkedCall[tuple[str, str]] | _Later:
    """Start reading and laying out the earlier version; `result()` waits for it, `close()` ends it.
    Where nothing forks (Windows, one core) it is done when asked for."""
    args = (request.compare_to, request.plan_dir, request.templates)
    if not can_fork():
        return _Later(_earlier_layout, *args)
    return ForkedCall(_earlier_layout, *args, what="the earlier version's layout")


def _earlier_layout(compare_to: str, plan_root: Path, templates: Path) -> tuple[str, str]:
    """The earlier version's layout, and how the cover names it."""
    from .layout.render import render_html
    from .plan.versions import earlier_version

    with earlier_version(compare_to, plan_root) as earlier:
        return render_html(earlier.plan, templates), earlier.describe(compare_to)


def build(plan_dir: Path, fmt: str, output: Path | None = None, template_dir: Path | None = None) -> Path:
    """Build one format; returns the path written. Raises PlanError on bad input."""
    return build_formats(BuildRequest(plan_dir, {fmt: output}, template_dir))[0]


def build_formats(request: BuildRequest, progress: Callable[[str, Path | None], None] | None = None,
                  warn: Callable[[Diagnostic], None] | None = None) -> list[Path]:
    """Build several formats from one load and one layout (BuildRequest says which, and how);
    returns the files written.

    `progress(format, None)` is called before each format is built, `progress(format, path)` once
    it is written. `warn(diagnostic)` hears of comment threads not on their words.
    """
    with ExitStack() as running:  # every process started ends, however the build ends
        workers = {}
        if can_fork():
            for fmt, modules in OWN_WORKER.items():
                if fmt in request.targets:
                    workers[fmt] = running.enter_context(closing(ForkedCall(
                        _write_apart, fmt, modules, request.templates, what=f"the {fmt.upper()} writer",
                        receives=True)))
        return _build_formats(request, workers, running, progress, warn)


def _build_formats(
    request: BuildRequest, workers: dict[str, ForkedCall[bytes]], running: ExitStack,
    progress: Callable[[str, Path | None], None] | None, warn: Callable[[Diagnostic], None] | None,
) -> list[Path]:
    from .background import ForkedText
    from .layout.render import html_pieces
    from .plan.load import load_plan
    from .plan.versions import last_change, plan_date, plan_facts

    # The earlier version is read in the background while the current one is loaded and laid out.
    earlier = running.enter_context(closing(start_earlier_layout(request))) if request.marked else None
    # The plan's date and commit ask git (two processes, ~6 ms): they run while the plan is read.
    change: ThreadCall[LastChange] = ThreadCall(last_change, request.plan_dir)
    plan = load_plan(request.plan_dir)
    paths = {fmt: output if output is not None else default_output(plan, fmt, request.folder, request.marked)
             for fmt, output in request.targets.items()}
    # Before anything is laid out or written: no output may replace a file the build reads.
    refuse_inputs(paths.values(), Inputs.of_build(request.plan_dir, request.templates, request.compare_to))
    html: str | ForkedText
    if earlier is None:  # a plain build: no revision marks
        known = change.result()
        facts = plan_facts(plan, known)
        layout = partial(html_pieces, plan, request.templates, date=plan_date(plan.root, known), facts=facts,
                         source=plan_source(plan, facts) if "pdf" in paths else None)
        if _write_while_laying_out(plan, list(paths)):
            html = running.enter_context(closing(ForkedText(layout)))
        else:
            html = "".join(layout())
    else:
        html = marked_html(plan, request, earlier, change.result())
    for worker in workers.values():
        worker.send(html)  # it typesets while the other formats are written here
    threads = _threads(plan, request.comments)

    def write(fmt: str) -> bytes:
        if isinstance(html, ForkedText):
            return _with_threads(fmt, _write_pieces(fmt, html, request.templates), threads, warn, plan)
        try:
            if fmt == "html" and threads:
                from .layout.comments import html_with_threads

                return writer(fmt).write(html_with_threads(html, threads, request.templates))
            return _with_threads(fmt, writer(fmt).write(html), threads, warn, plan)
        except (ValueError, SyntaxError) as exc:  # lxml's XMLSyntaxError is a SyntaxError
            raise _invalid(request.templates, fmt, str(exc)) from None

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
            data = workers[fmt].result()
        else:
            data = ready.pop(fmt) if fmt in ready else write(fmt)
        if request.stdout is not None:
            request.stdout.write(data)
            request.stdout.flush()
            continue
        write_atomic(target, data, force=request.force)
        written.append(target)
        if progress:
            progress(fmt, target)
    return written


def _invalid(templates: Path, fmt: str, message: str) -> PlanError:
    # The packaged templates always give valid XHTML; an override may not.
    return PlanError([Diagnostic(display_path(templates), 0, 0,
                                 f"the layout is not valid for the {fmt} writer: {message}")])


def _write_apart(fmt: str, modules: tuple[str, ...], templates: Path, receive: Callable[[], str]) -> bytes:
    """`fmt` written in a process of its own: its libraries imported first, while the build lays
    out the plan; then the layout, once it is sent."""
    from .clibs import import_module

    for module in modules:
        import_module(module)  # weasyprint's C libraries found without a process per name it tries
    html = receive()
    try:
        return writer(fmt).write(html)
    except (ValueError, SyntaxError) as exc:  # as in the build itself: an invalid layout
        raise _invalid(templates, fmt, str(exc)) from None


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
            and can_fork())


def _write_pieces(fmt: str, html: ForkedText, templates: Path) -> bytes:
    """`fmt` written from the layout's pieces as the forked layout makes them."""
    try:
        return writer(fmt).write_pieces(html)
    except (ValueError, SyntaxError) as exc:  # lxml's XMLSyntaxError is a SyntaxError
        html.outcome()  # a template's error comes first, as when the layout was whole before writing
        raise _invalid(templates, fmt, str(exc)) from None
    finally:
        html.close()  # (the build closes it too, should it fail before writing)
