"""The command line: thin wrappers around the pipeline.

Exit status: 0 success, 1 invalid plan or failed build, 2 wrong usage.
"""

from __future__ import annotations

import gc
import os
import signal
import sys
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from . import __version__, terminal
from .diagnostics import Diagnostic, PlanError, display_path
from .options import CheckedGroup, revision_date
from .writers import WRITERS, writer

if TYPE_CHECKING:
    from .commands.serve import PreviewServer

PLAN_OPTION = click.option(
    "--plan", "plan_dir", type=click.Path(path_type=Path), default=Path("plan"), show_default=True,
    help="The plan folder.",
)


def _suffix_formats() -> dict[str, str]:
    """The format each output suffix implies, from the registered writers, in their order (.htm
    after .html)."""
    suffixes: dict[str, str] = {}
    for one in WRITERS.values():
        suffixes[f".{one.suffix}"] = one.name
        if one.suffix == "html":
            suffixes[".htm"] = one.name
    return suffixes


PLAN_ARGUMENT = click.argument("plan_arg", metavar="[PLAN]", required=False, type=click.Path(path_type=Path))


def _plan_folder(plan_arg: Path | None, plan_dir: Path) -> Path:
    """The plan folder from --plan or, as people also type it, from a positional argument."""
    if plan_arg is None:
        return plan_dir
    ctx = click.get_current_context()
    if ctx.get_parameter_source("plan_dir") is not click.core.ParameterSource.DEFAULT and plan_arg != plan_dir:
        raise click.UsageError(f"two plan folders: {plan_arg} and --plan {plan_dir}; give one")
    return plan_arg


class FormatChoice(click.Choice):
    """The registered writers and `all`, read when the command line is parsed, so that a writer
    registered after this module was imported is a choice too."""

    def __init__(self) -> None:
        super().__init__([], case_sensitive=False)  # --format DOCX as people type it

    @property
    def choices(self) -> list[str]:  # type: ignore[override]
        return [*WRITERS, "all"]

    @choices.setter
    def choices(self, value: object) -> None:
        pass  # click.Choice.__init__ assigns the list; ours is the registry


def output_options(default_format: str) -> Callable[[Callable], Callable]:
    """--format, -o, --templates and --force, shared by build and watch."""

    def decorate(command: Callable) -> Callable:
        command = click.option(
            "--force", is_flag=True,
            help="Replace an output file even if it is read-only.")(command)
        command = click.option(
            "--templates", "template_dir", type=click.Path(path_type=Path, file_okay=False, exists=True),
            help="Templates overriding the packaged ones [default: templates/ beside the plan].")(command)
        command = click.option(
            "-o", "--output", metavar="FILE|DIR/|-",
            help="Output file, its format from the suffix; a folder if it ends in / (always with --format all);"
                 " - for standard output [default: build/<document number>.<format>].")(command)
        return click.option(
            "--format", "fmt", type=FormatChoice(),
            help=f"Output format; all writes every format [default: from -o's suffix, else {default_format}].")(command)

    return decorate


@dataclass(frozen=True)
class Targets:
    """What -o and --format ask for: the format(s), the files (None: the default name in `folder`),
    or standard output."""

    fmt: str
    files: dict[str, Path | None]
    folder: Path
    stdout: bool = False


def _targets(fmt: str | None, formats: Iterable[str], output: str | None, default_format: str) -> Targets:
    """Resolve --format and -o, refusing (usage error, exit 2) what would write the wrong thing.

    A trailing slash (or an existing folder) is a folder; `-` is standard output; otherwise -o is
    a file whose suffix gives the format unless --format does, and may not contradict it."""
    if output is None:
        fmt = fmt or default_format
        return Targets(fmt, dict.fromkeys(formats if fmt == "all" else [fmt]), Path("build"))
    if output == "-":
        fmt = fmt or default_format
        if fmt == "all":
            raise click.UsageError("-o - (standard output) takes one format; --format all writes files: give a folder")
        if writer(fmt).binary and sys.stdout.isatty():  # as curl does: bytes on a terminal garble it
            raise click.UsageError(f"-o - would write the {fmt.upper()} file's bytes to the terminal: "
                                   f"redirect it (> td.{writer(fmt).suffix}) or give -o FILE")
        return Targets(fmt, {fmt: None}, Path("build"), stdout=True)
    implied = _suffix_formats().get(Path(output).suffix.lower())
    if fmt == "all" and implied is not None:
        raise click.UsageError(f"--format all writes one file per format: give -o a folder (ending in /), "
                               f"not the file name {output!r}")
    if output.endswith(("/", os.sep)) or Path(output).is_dir() or fmt == "all":
        fmt = fmt or default_format
        return Targets(fmt, dict.fromkeys(formats if fmt == "all" else [fmt]), Path(output))
    if fmt is None:
        if implied is None:
            known = ", ".join(_suffix_formats())
            raise click.UsageError(f"cannot tell the format of {output!r} from its suffix ({known}): give --format")
        fmt = implied
    elif implied is not None and implied != fmt:
        raise click.UsageError(f"-o {output!r} names a {implied} file but --format is {fmt}")
    return Targets(fmt, {fmt: Path(output)}, Path("build"))


def _quiet() -> bool:
    ctx = click.get_current_context(silent=True)
    return bool(ctx and ctx.obj and ctx.obj.get("quiet"))


def _report(diagnostics: list[Diagnostic], style: str | None = None) -> None:
    """`style`: text, github or json [default: the one the command was asked for, else text]."""
    ctx = click.get_current_context(silent=True)
    if style is None:
        style = (ctx.obj or {}).get("style", "text") if ctx else "text"
    terminal.report(diagnostics, style, quiet=_quiet())


def _say(message: str) -> None:
    """A summary or `wrote` line: stdout, unless --quiet."""
    if not _quiet():
        click.echo(message)


class Commands(CheckedGroup):
    """apdoc's command group: every option is checked as it is read (options.CheckedGroup), and a
    plan problem raised by any command (PlanError) is reported here, as path:line:col: error:
    message, with exit status 1."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except PlanError as exc:
            _report(exc.diagnostics)
            sys.exit(1)


@click.group(cls=Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="apdoc")
@click.option("--debug", is_flag=True, help="Show the traceback of an internal error.")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors: no summary, progress or 'wrote' lines.")
@click.pass_context
def cli(ctx: click.Context, debug: bool, quiet: bool) -> None:
    """apdoc: an ITU-T TSAG action plan as YAML data, validated and built into a TD.

    \b
    Examples:
      apdoc validate
      apdoc build --format docx
      apdoc -q build --format all
    """
    # Updated, not replaced: main() passes the dict in and reads "debug" after an internal error.
    ctx.ensure_object(dict).update(debug=debug, quiet=quiet)


@cli.command(short_help="Check the plan and list every problem with its place.")
@PLAN_ARGUMENT
@PLAN_OPTION
@click.option("--format", "style", type=click.Choice(["text", "github", "json"], case_sensitive=False),
              default="text", show_default=True,
              help="text for people, github for workflow annotations, json for tools.")
@click.option("--strict", is_flag=True, help="Treat warnings (empty rows, open editor's notes, …) as errors.")
@click.option("--brief", is_flag=True, help="Count the warnings instead of listing them (errors are always listed).")
def validate(plan_arg: Path | None, plan_dir: Path, style: str, strict: bool, brief: bool) -> None:
    """Check the plan; report every problem as path:line:col: error: message.

    Warnings mark what is allowed but unfinished; they do not fail unless --strict.

    \b
    Examples:
      apdoc validate --plan plan
      apdoc validate other/plan
      apdoc validate --format github --strict
      apdoc validate --brief
    """
    from .plan.load import load_plan

    click.get_current_context().obj["style"] = style  # errors too are reported in the style asked for
    plan_dir = _plan_folder(plan_arg, plan_dir)
    plan = load_plan(plan_dir, strict=strict)
    if not (brief and style == "text"):
        _report(plan.warnings, style)
    if style == "text":
        counted = _warning_count(plan.warnings, plan_dir) if brief else (
            f", {len(plan.warnings)} warnings" if plan.warnings else "")
        _say(f"{plan_dir}: valid: {plan.summary()}{counted}")


def _warning_count(warnings: list[Diagnostic], plan_dir: Path) -> str:
    """", N warnings (`apdoc validate …` lists them)" for a summary line that does not list them."""
    if not warnings:
        return ""
    where = "" if plan_dir == Path("plan") else f" --plan {plan_dir}"
    return f", {len(warnings)} warnings (`apdoc validate{where}` lists them)"


@cli.command("fmt", short_help="Lay out every plan file one canonical way.")
@PLAN_ARGUMENT
@PLAN_OPTION
@click.option("--check", is_flag=True, help="Write nothing: list the files fmt would change; exit 1 if any.")
def fmt_command(plan_arg: Path | None, plan_dir: Path, check: bool) -> None:
    """Lay out every plan file (*.yaml) one canonical way, keeping comments.

    Two-space indentation with list items under their key, keys in the models' order, the
    schema line first. Values never change: NO, 1.10 and 2024-04-19 stay as typed, and
    | and > blocks stay blocks. Only files that change are written.

    \b
    Examples:
      apdoc fmt
      apdoc fmt --check --plan plan
    """
    from .commands.fmt import format_plan
    from .diagnostics import display_path

    plan_dir = _plan_folder(plan_arg, plan_dir)
    with _writing(plan_dir, not check):
        results, problems = format_plan(plan_dir, write=not check)
    changed = [r for r in results if r.changed]
    for result in changed:
        if check:  # the list is the command's answer, so --quiet keeps it
            click.echo(f"would reformat {display_path(result.path)}")
        else:
            _say(f"formatted {display_path(result.path)}")
    _report(problems)
    done = "would be reformatted" if check else "reformatted"
    _say(f"{plan_dir}: {len(changed)} of {len(results)} files {done}")
    if problems or (check and changed):
        sys.exit(1)


@cli.group(short_help="Start an action item or a consideration.")
def new() -> None:
    """Start an action item or a consideration with every field present and empty.

    \b
    Examples:
      apdoc new action AP1.8 --name "Interlock with other groups"
      apdoc new consideration --after 08
    """


@new.command("action", short_help="Create an action item file with every field present.")
@click.argument("ap_id", metavar="ID")
@click.option("--name", required=True, help="Short name, shown in the header of the item's table.")
@click.option("--after", metavar="ID", help="Also list the item after this one in its pillar of the figure.")
@PLAN_OPTION
def new_action_command(ap_id: str, name: str, after: str | None, plan_dir: Path) -> None:
    """Create action-items/ID.yaml; its parent (AP1 for AP1.8) must exist.

    Chapter 4's list and chapter 7's tables are generated from action-items/, so they
    need no edit. The statement reads [to be written] until you write it.

    \b
    Examples:
      apdoc new action AP1.8 --name "Interlock with other groups"
      apdoc new action AP1.8 --name "Interlock with other groups" --after AP1.7
    """
    from .commands.new import new_action

    with _writing(plan_dir):
        said = new_action(plan_dir, ap_id, name, after)
    for line in said:
        _say(line)


@new.command("consideration", short_help="Add a row to the consideration matrix.")
@click.option("--after", metavar="NN", help="Put the row after the one numbered NN [default: last].")
@PLAN_OPTION
def new_consideration_command(after: str | None, plan_dir: Path) -> None:
    """Add a row to the consideration matrix, numbered after the highest number.

    The point reads [to be written] until you write it; comments in the file stay.

    \b
    Examples:
      apdoc new consideration
      apdoc new consideration --after 08
    """
    from .commands.new import new_consideration

    with _writing(plan_dir):
        said = new_consideration(plan_dir, after)
    for line in said:
        _say(line)


def _writing(plan_dir: Path, writes: bool = True) -> AbstractContextManager[None]:
    """The plan's lock for a command that writes it (commands/lock.py): another such command
    waits, saying so on standard error, until this one has written."""
    if not writes:
        return nullcontext()
    from .commands.lock import plan_lock

    return plan_lock(plan_dir, waiting=lambda line: None if _quiet() else click.echo(line, err=True))


@cli.command("import", short_help="Turn a TD (DOCX or PDF) into a new plan folder.")
@click.argument("document", type=click.Path(path_type=Path, dir_okay=False))
@click.option("-o", "--output", "out_dir", type=click.Path(path_type=Path), required=True,
              help="The plan folder to create (it must not exist, or be empty).")
def import_command(document: Path, out_dir: Path) -> None:
    """Turn a TD into a new plan folder that validates and rebuilds to the same text.

    Reads a TD apdoc built and one made by hand in Word with the same structure; a .xhtml
    file is read as apdoc's intermediate XHTML; a PDF apdoc built gives back the plan it
    carries, byte for byte. What cannot be placed in the plan is a warning naming its
    paragraph; everything else is written, all files or none.

    \b
    Examples:
      apdoc import TSAG-TD-123.docx -o plan
      apdoc import TSAG-TD-123.pdf -o plan
    """
    from .commands.import_td import import_plan
    from .plan import load_plan

    imported = import_plan(document, out_dir)  # from a TD, validated before it is written: valid, or none
    if not _quiet():
        for warning in imported.warnings:
            click.echo(warning, err=True)
    _say(f"wrote {out_dir}: {len(imported.written)} files")
    plan = imported.plan if imported.plan is not None else load_plan(out_dir)  # a PDF's plan: as it carries it
    _say(f"{out_dir}: valid: {plan.summary()}{_warning_count(plan.warnings, out_dir)}")


@cli.command("apply", short_help="Write the edits made to a TD in Word back into the plan.")
@click.argument("document", type=click.Path(path_type=Path, dir_okay=False))
@PLAN_OPTION
@click.option("--base", "base_ref", metavar="REF",
              help="What the TD said before the edits: the git revision (or folder) of the plan it was built "
                   "from [default: as the TD records it, else its tracked changes rejected].")
@click.option("--dry-run", is_flag=True, help="Say what would change; write nothing.")
@click.option("--format", "style", type=click.Choice(["text", "json", "github"], case_sensitive=False),
              default="text", show_default=True,
              help="How to report what was not applied.")
@click.option("--templates", "template_dir", type=click.Path(path_type=Path, file_okay=False, exists=True),
              help="The templates the TD was built with [default: templates/ beside the plan].")
def apply_command(document: Path, plan_dir: Path, base_ref: str | None, dry_run: bool, style: str,
                  template_dir: Path | None) -> None:
    """Write the edits made to a TD in Word or LibreOffice back into the plan's YAML, in place.

    DOCUMENT is a TD apdoc built (clean or with revision marks), edited with or without Track
    Changes. Only the values that changed are rewritten; comments and layout stay. A value also
    changed in the plan since the build is a conflict: the plan's stays and both are shown.
    Edits with no place in the plan (a number, Figure 1) are reported. Exit 0 when every edit
    was applied, 1 when one was not, 2 on wrong usage.

    \b
    Examples:
      apdoc apply build/TD-edited.docx --dry-run
      apdoc apply TD-after-meeting.docx --base 2147cee
    """
    from .commands.apply import apply_document, write_applied

    click.get_current_context().obj["style"] = style
    with _writing(plan_dir, not dry_run):  # from the plan's first read to the last write
        applied = apply_document(document, plan_dir, base_ref, template_dir)
        if not dry_run:
            write_applied(applied)
    # With --format json or github, standard output is the report alone; the summary goes to stderr.
    say = _say if style == "text" else (lambda line: None if _quiet() else click.echo(line, err=True))
    say(f"{display_path(document)}: the edits since {applied.base}")
    if applied.held:
        say(f"  it holds {applied.held}: the rest of the plan is left as it is")
    for change in applied.changes:
        say(f"  {change}")
    for line in applied.comments:
        say(f"  {line}")
    verb = "would change" if dry_run else "wrote"
    for path, line in applied.written:
        say(f"{verb} {path}:{line}")
    if not applied.written and not applied.problems:
        say("nothing to apply: the plan already says what the document says")
    if applied.problems or applied.notes or style != "text":
        _report([*applied.problems, *applied.notes], style)
    if applied.problems:
        sys.exit(1)


@cli.command(short_help="Build the TD (DOCX, PDF, HTML, Markdown), marked or not.")
@PLAN_OPTION
@output_options(default_format="docx")
@click.option("--compare-to", "compare_to", metavar="REF",
              help="Mark the changes since REF (a git revision such as a tag, HEAD~3 or a commit, or a plan folder).")
@click.option("--author", help="Author of the revision marks [default: git user.name].")
@click.option("--date", "rev_date", metavar="ISO-DATE", callback=revision_date,
              help="Date of the revision marks [default: when the plan last changed in git].")
@click.option("--comments", "comment_threads", type=click.Choice(["open", "all", "none"]), default="open",
              show_default=True,
              help="The comment threads of plan/comments.yaml the DOCX and HTML show: the open ones, all "
                   "(resolved ones too), or none (a clean TD).")
def build(plan_dir: Path, fmt: str | None, output: str | None, template_dir: Path | None, force: bool,
          compare_to: str | None, author: str | None, rev_date: str | None, comment_threads: str) -> None:
    """Build the TD; with --compare-to, with revision marks (Word tracked changes in DOCX).

    The format comes from --format, else from the suffix of -o, else docx.

    \b
    Examples:
      apdoc build --format docx
      apdoc build -o build/TD.pdf
      apdoc build --format all -o build/
      apdoc build --format html -o - > td.html
      apdoc build --format docx --compare-to 2147cee -o build/TD-marked.docx
    """
    from .build import BuildRequest, build_formats

    marking = [one.name for one in WRITERS.values() if one.marks_revisions]
    formats = [one for one in WRITERS if compare_to is None or one in marking]
    wanted = _targets(fmt, formats, output, "docx")
    if compare_to is not None and wanted.fmt != "all" and not writer(wanted.fmt).marks_revisions:
        names = [name.upper() for name in marking]
        marks = ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else "".join(names)
        raise click.UsageError(f"--compare-to marks {marks}; {writer(wanted.fmt).no_revision_marks}")
    request = BuildRequest(plan_dir, wanted.files, template_dir, wanted.folder, compare_to=compare_to,
                           author=author, date=rev_date, comments=comment_threads, force=force,
                           stdout=sys.stdout.buffer if wanted.stdout else None)
    _report_templates(request.templates)

    def progress(one: str, path: Path | None) -> None:
        if path is None:  # about to build: worth saying on a terminal, where PDF takes a while
            terminal.status(f"building {one}…", quiet=_quiet())
        else:
            _say(f"wrote {path} ({path.stat().st_size:,} bytes)")

    build_formats(request, progress=progress, warn=lambda d: _report([d]))


@cli.command("comments", short_help="List the Word comment threads the plan keeps.")
@PLAN_OPTION
@click.option("--format", "style", type=click.Choice(["text", "md", "json"]), default="text", show_default=True,
              help="text for people, md for a pull-request comment, json for tools.")
@click.option("--open", "only_open", is_flag=True, help="Only the threads not resolved.")
def comments_command(plan_dir: Path, style: str, only_open: bool) -> None:
    """List the Word comment threads kept in plan/comments.yaml.

    `apdoc apply` records every thread of an edited TD there (author, date, text, replies,
    resolved or not, and the element and words it is on); `apdoc build` puts the open ones
    back into the DOCX and HTML.

    \b
    Examples:
      apdoc comments
      apdoc comments --open --format md > build/comments.md
      apdoc comments --format json
    """
    from .commands.comments import listing, shown_path
    from .plan.load import load_plan

    plan = load_plan(plan_dir)
    threads = list(plan.comments.model.threads) if plan.comments is not None else []
    if only_open:
        threads = [t for t in threads if not t.resolved]
    click.echo(listing(threads, style, shown_path(plan)), nl=False)


def _report_templates(templates: Path) -> None:
    """Warn about override files that override nothing (a misspelt template name)."""
    from .layout.overrides import unknown_templates

    _report(unknown_templates(templates))


@cli.command(short_help="What changed in the plan since a git revision.")
@click.argument("ref")
@click.argument("ref2", required=False)
@PLAN_OPTION
@click.option("--format", "style", type=click.Choice(["text", "md", "json"], case_sensitive=False),
              default="text", show_default=True,
              help="text for people, md for a pull-request comment, json for tools.")
@click.option("--all", "show_all", is_flag=True, help="Also list changes of spacing or line breaks only.")
def diff(ref: str, ref2: str | None, plan_dir: Path, style: str, show_all: bool) -> None:
    """What changed in the plan since REF (or from REF to REF2), in the plan's terms.

    REF and REF2 are git revisions of the repository holding the plan (a tag, main,
    HEAD~3, a commit such as 2147cee: the seed as first transcribed) or other plan
    folders; without REF2, the plan as it is now.

    \b
    Examples:
      apdoc diff 2147cee
      apdoc diff HEAD --format md > build/diff.md
      apdoc diff 2147cee HEAD --format json
    """
    from contextlib import ExitStack

    from .commands.diff import diff_plans, render
    from .plan.load import load_plan
    from .plan.versions import earlier_version

    with ExitStack() as stack:
        before = stack.enter_context(earlier_version(ref, plan_dir)).plan
        if ref2 is None:
            after, after_name = load_plan(plan_dir), str(plan_dir)
        else:
            after, after_name = stack.enter_context(earlier_version(ref2, plan_dir)).plan, ref2
        changes = diff_plans(before, after, layout=True)
        shown = [change for change in changes if show_all or not change.layout_only]
        click.echo(render(shown, style, ref, after_name, hidden=len(changes) - len(shown)), nl=False)


@cli.command(short_help="Write the JSON Schema of the plan files.")
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False), default=Path("schema"),
              show_default=True, help="Folder for the JSON Schema files.")
def schema(out_dir: Path) -> None:
    """Write the JSON Schema of every kind of plan file (for editor completion).

    \b
    Example:
      apdoc schema --out schema
    """
    from .plan.schema import write_schemas

    try:
        written = write_schemas(out_dir)
    except PlanError as exc:  # a folder that cannot be written, or one inside a plan
        _report(exc.diagnostics)
        sys.exit(1)
    for path in written:
        _say(f"wrote {path}")


@cli.command(short_help="How complete the plan is.")
@PLAN_ARGUMENT
@PLAN_OPTION
@click.option("--format", "style", type=click.Choice(["text", "md", "json"], case_sensitive=False),
              default="text", show_default=True,
              help="text for people, md for a pull request comment, json for tools.")
def stats(plan_arg: Path | None, plan_dir: Path, style: str) -> None:
    """How complete the plan is: the action item tables and the consideration matrix.

    For each action item, which of the seven table rows are filled; for the matrix, which
    considerations target which action items, which have no target or point at a New AP,
    and which action items no consideration targets.

    \b
    Examples:
      apdoc stats
      apdoc stats --format md > build/stats.md
      apdoc stats --format json --plan plan
    """
    from .commands.stats import plan_stats, render
    from .plan.load import load_plan

    plan_dir = _plan_folder(plan_arg, plan_dir)
    plan = load_plan(plan_dir)
    click.echo(render(plan_stats(plan), style), nl=False)


@cli.command(short_help="Rebuild on every save; --serve previews it live.")
@PLAN_OPTION
@output_options(default_format="html")
@click.option("--interval", type=click.FloatRange(0.05, 60), default=0.5, show_default=True,
              help="Seconds between checks where file-system notifications do not reach (network drives).")
@click.option("--serve", "serve_port", type=click.IntRange(0, 65535), is_flag=False, flag_value=8000, default=None,
              metavar="[PORT]", help="Show the HTML TD at http://127.0.0.1:PORT/ (default 8000; 0: any free port),"
                                     " reloaded after every save, with the errors when a save does not build.")
def watch(plan_dir: Path, fmt: str | None, output: str | None, template_dir: Path | None, force: bool,
          interval: float, serve_port: int | None) -> None:
    """Rebuild the TD on every save of the plan or a template, for a live preview.

    A save that breaks the plan prints the errors and keeps the last good output; the next
    save that fixes it builds again. Ctrl-C stops.

    \b
    Examples:
      apdoc watch
      apdoc watch --format pdf -o build/preview.pdf
      apdoc watch --plan plan --interval 2
      apdoc watch --serve
    """
    import time

    from .build import BuildRequest
    from .commands.watch import Round
    from .commands.watch import watch as watch_plan
    from .plan.load import load_plan, unchanged_files_remembered

    if not plan_dir.is_dir():
        load_plan(plan_dir, check=False)  # names the problem: not found, or a file
    if output == "-":
        raise click.UsageError("watch writes files to reload in a browser; -o - (standard output) is for build")
    wanted = _targets(fmt, WRITERS, output, "html")
    if serve_port is not None and "html" not in wanted.files:
        raise click.UsageError(f"--serve shows the HTML TD: give --format html or all, not {wanted.fmt}")
    request = BuildRequest(plan_dir, wanted.files, template_dir, wanted.folder, force=force)
    _report_templates(request.templates)
    built = False
    server = _preview_server(serve_port) if serve_port is not None else None

    def on_round(result: Round) -> None:
        nonlocal built
        stamp = time.strftime("%H:%M:%S")
        if server is not None:
            server.preview.publish(result.diagnostics, result.written)
        if result.ok:
            built = True
            for path in result.written:
                _say(f"{stamp} wrote {path} ({path.stat().st_size:,} bytes)")
            return
        _report(result.diagnostics)
        if not _quiet():
            kept = "; the last good output is kept" if built else ""
            click.echo(f"{stamp} not built{kept}: waiting for the next save", err=True)

    gc.enable()  # each round's garbage is collected (main() turned the collector off for one-shot runs)
    _say(f"watching {plan_dir} for changes (Ctrl-C to stop)")
    if server is not None:
        _say(f"preview at {server.start().url} (reloads after every save)")
    try:
        with unchanged_files_remembered():  # a save re-reads the file saved, not the whole plan
            watch_plan(request, on_round=on_round, interval=interval)
    except KeyboardInterrupt:  # the normal way to stop watching
        _say("stopped")
    finally:
        if server is not None:
            server.stop()


def _preview_server(port: int) -> PreviewServer:
    """The preview's server on 127.0.0.1:port, or a usage error naming a port in use."""
    from .commands.serve import Preview, PreviewServer

    try:
        return PreviewServer(Preview(), port)
    except OSError as exc:
        raise click.UsageError(f"--serve {port}: cannot listen on 127.0.0.1:{port} ({exc.strerror or exc}); "
                               "give another port, or --serve 0 for any free one") from None


def _set_root_flag(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value and param.name is not None:
        ctx.ensure_object(dict)[param.name] = True


def _accept_global_flags(group: click.Group) -> None:
    """-q and --debug after the command too (`apdoc build -q`): people type them where they think of them."""
    for command in group.commands.values():
        if isinstance(command, click.Group):
            _accept_global_flags(command)
            continue
        command.params += [
            click.Option(["-q", "--quiet"], is_flag=True, expose_value=False, is_eager=True, callback=_set_root_flag,
                         help="Print only errors (as apdoc -q)."),
            click.Option(["--debug"], is_flag=True, expose_value=False, is_eager=True, callback=_set_root_flag,
                         help="Show the traceback of an internal error (as apdoc --debug)."),
        ]


_accept_global_flags(cli)


def _terminate(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)  # unwinds like Ctrl-C, so half-written files are removed


def main() -> None:
    # A run is short, and nearly all it allocates lives until it ends (modules, classes, the
    # plan's validators, the plan, the layout): the cycle collector's passes over that are
    # wasted, and free little. `watch`, which runs until stopped, turns the collector back on;
    # a DOCX read collects once, by hand, when it ends (read_docx: the reader's few cycles).
    # Both settings are put back when main returns: a caller in the same process (a test) keeps
    # its own.
    collecting = gc.isenabled()
    terminating = signal.signal(signal.SIGTERM, _terminate)
    gc.disable()
    try:
        _run()
    finally:
        signal.signal(signal.SIGTERM, terminating if terminating is not None else signal.SIG_DFL)
        if collecting:
            gc.enable()
        else:
            gc.disable()


def _run() -> None:
    options: dict[str, object] = {}  # filled by the group: --debug and --quiet
    try:
        cli.main(standalone_mode=False, obj=options)
    except click.exceptions.Abort:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except SystemExit:
        raise
    except Exception as exc:  # an apdoc bug, not a plan problem
        if options.get("debug"):
            import traceback

            traceback.print_exc()
        click.echo(
            f"apdoc: internal error: {type(exc).__name__}: {exc}. Please report it "
            "(run with --debug for the traceback).",
            err=True,
        )
        sys.exit(1)
