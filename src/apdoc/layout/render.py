"""Layout: the checked plan → one intermediate XHTML document, through Jinja templates.

Numbers (chapters, sections, annexes, tables) are computed here from document order and
handed to the templates, which decide everything about the look. Templates run in Jinja's
sandbox with autoescaping and StrictUndefined: plan text is data, never template source,
and a template typo is an error naming the template and line.
"""

from __future__ import annotations

import html
import os
import re
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from jinja2 import (
    ChoiceLoader,
    FileSystemBytecodeCache,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
)
from jinja2 import __version__ as jinja_version
from jinja2.loaders import split_template_path
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from .. import __version__
from ..defaults import FIXED_DATE, PACKAGED_TEMPLATES, packaged_template, templates_folder
from ..diagnostics import Diagnostic, PlanError, display_path
from ..plan.folder import Plan
from ..plan.models import ActionItem, ActionItemTarget, Chapter, Figure, OneOf
from ..plan.numbering import Numbering
from ..plan.source import not_a_file
from ..plan.walks import block_kind, chapters_in, table_rows, target_id, target_list
from .prose import Renderer


def html_id(text: str) -> str:
    """An HTML id from plan text: spaces and other separators become hyphens."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-")


class Layout:
    """What the templates see: the plan, its numbers and the text renderers."""

    def __init__(self, plan: Plan):
        self.document = plan.document.model
        self.chapters = [c.model for c in plan.chapters]
        self.annexes = [c.model for c in plan.annexes]
        self.action_items: list[ActionItem] = [a.model for a in plan.action_items]
        self.numbers = Numbering.of(plan)
        footnotes = {k: v for c in plan.all_chapters for ch in chapters_in(c.model) for k, v in ch.footnotes.items()}
        self.renderer = Renderer(footnotes)
        self.matrix: Chapter | None = next(
            (ch for c in plan.all_chapters for ch in chapters_in(c.model) if ch.considerations), None
        )
        self.figures = [
            block.figure for c in plan.all_chapters for ch in chapters_in(c.model) for block in ch.content
            if block_kind(block) == "figure"
        ]
        self._table_of: dict[str, str] = {}
        for item in self.action_items:
            if item.table is not None:
                self._table_of[item.id] = item.id
                for sub in item.sub_items:
                    self._table_of[sub.id] = item.id

    table_rows = staticmethod(table_rows)  # the templates ask the layout

    def table_anchor(self, ap_id: str) -> str | None:
        """The id of the table that describes an action item (a sub-item's parent table)."""
        owner = self._table_of.get(ap_id)
        return f"ap-{owner}" if owner else None

    def ap_label(self, item: ActionItem) -> str:
        """AP1.1, AP1.1.1 – AP1.1.3: the item and the range of its sub-items."""
        if not item.sub_items:
            return item.id
        if len(item.sub_items) == 1:
            return f"{item.id}, {item.sub_items[0].id}"
        return f"{item.id}, {item.sub_items[0].id} – {item.sub_items[-1].id}"

    def targets(self, targets: Any) -> list[dict[str, Any]]:
        """target_documents as display items: text, link anchor and the points concerned."""
        return [{"id": target_id(target), "anchor": self.table_anchor(target_id(target)),
                 "points": target.for_points if isinstance(target, ActionItemTarget) else []}
                for target in target_list(targets)]

    @staticmethod
    def is_one_of(targets: Any) -> bool:
        return isinstance(targets, OneOf)

    @staticmethod
    def join_ids(ids: list[str]) -> str:
        """AP1.4 / AP1.1 and AP5 / AP1.2, AP1.3, and AP1.6 (as the seed writes lists of items)."""
        if len(ids) <= 2:
            return " and ".join(ids)
        return ", ".join(ids[:-1]) + ", and " + ids[-1]

    @staticmethod
    def pillar_geometry(figure: Figure, width: int = 640) -> dict[str, Any]:
        """Where the boxes of a pillar figure go; the template draws them."""
        gap, margin, line = 12, 10, 16
        count = len(figure.pillars)
        column = (width - 2 * margin - (count - 1) * gap) / count
        chars = max(8, int(column / 7.5))  # a rough measure of 11 pt serif text
        top = {"x": margin, "y": margin, "w": width - 2 * margin, "h": 34}
        pillars, bottom = [], 0.0
        names = [textwrap.wrap(p.name, chars) or [""] for p in figure.pillars]
        pillar_h = line * max(len(n) for n in names) + 14
        for n, (pillar, lines) in enumerate(zip(figure.pillars, names, strict=True)):
            x = margin + n * (column + gap)
            y = top["y"] + top["h"] + 26
            items = []
            for k, ap_id in enumerate(pillar.action_items):
                iy = y + pillar_h + 14 + k * 34
                items.append({"id": ap_id, "x": x + 16, "y": iy, "w": column - 32, "h": 26})
                bottom = max(bottom, iy + 26)
            pillars.append({"x": x, "y": y, "w": column, "h": pillar_h, "lines": lines, "boxes": items,
                            "cx": x + column / 2})
        return {"width": width, "height": bottom + margin, "top": top, "pillars": pillars, "line": line}


def _bytecode_cache() -> FileSystemBytecodeCache | None:
    """Compiled templates cached per user: compiling them is a tenth of a small build's time.

    Safe to reuse: Jinja keys an entry by the template's path and checks it against a checksum of
    the template's source, so an edited template is compiled again; the folder is per apdoc and
    Jinja version (the compiled code calls Jinja's runtime). No cache where none can be written
    (a read-only home): the templates are compiled each time, as without one."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = Path(base) / "apdoc" / f"jinja-{__version__}-{jinja_version}"
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError:
        return None
    return FileSystemBytecodeCache(str(folder)) if os.access(folder, os.W_OK) else None


def _regular_or_absent(path: Path) -> bool:
    """True for a regular file or nothing at all; PlanError for a pipe, socket, device or folder,
    which would make a build wait forever (a pipe) or act on a device."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    kind = not_a_file(mode)
    if kind is not None:
        raise PlanError([Diagnostic(display_path(path), 0, 0, f"is {kind}, not a file: refused, not read")])
    return True


class _FileLoader(FileSystemLoader):
    """Override templates, opened only when they are regular files."""

    def get_source(self, environment: Any, template: str) -> Any:
        for folder in self.searchpath:
            _regular_or_absent(Path(folder, *split_template_path(template)))
        return super().get_source(environment, template)


class _Sandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, its verdict on each attribute a template reads remembered per
    (type of object, attribute name): the verdict depends on nothing else (the attribute's name,
    and isinstance checks of the object against fixed types), and a large plan's layout reads
    attributes too often to ask it anew for every read."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._verdicts: dict[tuple[type, str], bool] = {}

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        kind = type(obj)
        if obj.__class__ is not kind:  # an object that claims another class: asked every time
            return super().is_safe_attribute(obj, attr, value)
        verdict = self._verdicts.get((kind, attr))
        if verdict is None:
            verdict = self._verdicts[(kind, attr)] = super().is_safe_attribute(obj, attr, value)
        return verdict


def _environment(template_dir: Path | None) -> ImmutableSandboxedEnvironment:
    loaders: list[Any] = []
    if template_dir is not None and template_dir.is_dir():
        loaders.append(_FileLoader(str(template_dir)))
    loaders.append(FileSystemLoader(str(PACKAGED_TEMPLATES)))
    env = _Sandbox(
        loader=ChoiceLoader(loaders),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        bytecode_cache=_bytecode_cache(),
    )
    env.filters["html_id"] = html_id
    env.filters["striptags"] = striptags
    env.tests["placeholder"] = is_placeholder
    return env


A_TAG = re.compile(r"<[^>]*>")  # from a "<" to the first ">" after it, as markupsafe's striptags cuts tags


def striptags(value: Any) -> str:
    """Jinja's `striptags` filter, the same text: markupsafe finds tags one `find` at a time,
    which the templates' test of a table row's length (a large plan has thousands of rows) asked
    for for 8% of its layout time; one regex cuts the same tags where the text
    holds no comment (`<!--`, which markupsafe cuts differently and which is left to it)."""
    text = str(value.__html__() if hasattr(value, "__html__") else value)
    if "<!--" in text:
        return Markup(text).striptags()
    return html.unescape(" ".join(A_TAG.sub("", text).split()))


def is_placeholder(value: object) -> bool:
    """A cover value still to be filled in, as the seed writes it: `[Source]`, `[Keywords]`."""
    return isinstance(value, str) and re.fullmatch(r"\[[^\[\]]*\]", value.strip()) is not None


def stylesheet(template_dir: Path | None, name: str = "td.css") -> str:
    override = template_dir / name if template_dir is not None else None
    path = override if override is not None and _regular_or_absent(override) else packaged_template(name)
    return path.read_text(encoding="utf-8")


def render_html(
    plan: Plan, template_dir: Path | None = None, *, date: str = FIXED_DATE,
    revision_marks: str | None = None, facts: dict[str, str] | None = None,
) -> str:
    """The intermediate XHTML document of the plan.

    `template_dir`: a folder whose templates (and td.css) override the packaged ones;
    by default `templates/` beside the plan folder. `revision_marks`: the name of the earlier
    version a marked build compares against (the cover says so). `facts`: what the TD records
    of its making (`<meta name="apdoc-…">`: the plan's digest and commit).
    """
    return "".join(html_pieces(plan, template_dir, date=date, revision_marks=revision_marks, facts=facts))


def html_pieces(
    plan: Plan, template_dir: Path | None = None, *, date: str = FIXED_DATE,
    revision_marks: str | None = None, facts: dict[str, str] | None = None, source: str | None = None,
) -> Iterator[str]:
    """`render_html`'s text in the pieces the templates make it in, as they make them: a writer
    can read the start of the TD while the rest is laid out (apdoc.build). A template's error
    is raised when the piece it would have made is asked for. `source`: the plan's files as a
    base64 ZIP (plan/archive.py), carried in the head for a writer that embeds it (the PDF)."""
    template_dir = templates_folder(plan.root, template_dir)
    env = _environment(template_dir)
    try:
        template = env.get_template("td.html.j2")
        yield from template.generate(
            layout=Layout(plan),
            stylesheet=Markup(stylesheet(template_dir).replace("</", "<\\/")),
            date=date,
            revision_marks=revision_marks,
            facts=facts or {},
            source=source,
        )
    except TemplateError as exc:
        raise PlanError([_template_diagnostic(exc, template_dir)]) from None
    except Exception as exc:
        # Raised by a template's own expression ({{ 1/0 }}, the sandbox's range limit): the
        # template's fault, reported at its line. Anything else is ours: an internal error.
        if not _raised_in_template(exc):
            raise
        raise PlanError([_template_diagnostic(exc, template_dir)]) from None


def render_template(name: str, template_dir: Path | None, **context: Any) -> str:
    """One more template of the layout (an override in `template_dir` first), rendered in the
    layout's sandbox; its errors are reported as the TD's own templates' are."""
    try:
        return _environment(template_dir).get_template(name).render(**context)
    except TemplateError as exc:
        raise PlanError([_template_diagnostic(exc, template_dir)]) from None
    except Exception as exc:
        if not _raised_in_template(exc):
            raise
        raise PlanError([_template_diagnostic(exc, template_dir)]) from None


def _raised_in_template(exc: BaseException) -> bool:
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith(".j2"):
            return True
        tb = tb.tb_next
    return False


def _template_diagnostic(exc: Exception, template_dir: Path | None) -> Diagnostic:
    """Name the template file and line of a template error (from the traceback Jinja rewrites)."""
    line = getattr(exc, "lineno", None) or 0
    name = getattr(exc, "filename", None) or getattr(exc, "name", None) or ""
    tb = exc.__traceback__
    while tb is not None:  # Jinja maps template frames to the template's file and line
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".j2"):
            name, line = filename, tb.tb_lineno
        tb = tb.tb_next
    path = display_path(Path(name)) if name else display_path(template_dir or PACKAGED_TEMPLATES)
    detail = (exc.message or str(exc)) if isinstance(exc, TemplateError) else f"{type(exc).__name__}: {exc}"
    return Diagnostic(path, line, 1 if line else 0, f"template error: {detail}")
