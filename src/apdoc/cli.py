"""The command line: thin wrappers around the pipeline.

Exit status: 0 success, 1 invalid plan or failed build, 2 wrong usage.
"""

from __future__ import annotations

import signal
import sys
import traceback
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path

import click

from . import __version__, terminal
from .diagnostics import Diagnostic, PlanError

PLAN_OPTION = click.option(
    "--plan", "plan_dir", type=click.Path(path_type=Path), default=Path("plan"), show_default=True,
    help="The plan folder.",
)


def output_options(default_format: str) -> Callable[[Callable], Callable]:
    """--format, -o and --templates, shared by build and watch."""

    def decorate(command: Callable) -> Callable:
        command = click.option(
            "--templates", "template_dir", type=click.Path(path_type=Path, file_okay=False),
            help="Templates overriding the packaged ones [default: templates/ beside the plan].")(command)
        command = click.option(
            "-o", "--output", type=click.Path(path_type=Path),
            help="Output file (a folder with --format all) [default: build/<document number>.<format>].")(command)
        return click.option(
            "--format", "fmt", type=click.Choice(["docx", "pdf", "html", "md", "all"]), default=default_format,
            show_default=True, help="Output format; all writes every format.")(command)

    return decorate


def _targets(fmt: str, formats: Iterable[str], output: Path | None) -> tuple[dict[str, Path | None], Path]:
    """The files to write, and the folder of those left to the default name (the document number).
    With --format all, -o names that folder."""
    if fmt == "all":
        return dict.fromkeys(formats), output or Path("build")
    return {fmt: output}, Path("build")


def _quiet() -> bool:
    ctx = click.get_current_context(silent=True)
    return bool(ctx and ctx.obj and ctx.obj.get("quiet"))


def _report(diagnostics: list[Diagnostic], style: str = "text") -> None:
    terminal.report(diagnostics, style, quiet=_quiet())


def _say(message: str) -> None:
    """A summary or `wrote` line: stdout, unless --quiet."""
    if not _quiet():
        click.echo(message)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="apdoc")
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
    ctx.obj = {"debug": debug, "quiet": quiet}


@cli.command()
@PLAN_OPTION
@click.option("--format", "style", type=click.Choice(["text", "github", "json"]), default="text", show_default=True,
              help="text for people, github for workflow annotations, json for tools.")
@click.option("--strict", is_flag=True, help="Treat warnings (empty rows, open editor's notes, …) as errors.")
def validate(plan_dir: Path, style: str, strict: bool) -> None:
    """Check the plan; report every problem as path:line:col: error: message.

    Warnings mark what is allowed but unfinished; they do not fail unless --strict.

    \b
    Examples:
      apdoc validate --plan plan
      apdoc validate --format github --strict
    """
    from .plan import load_plan

    try:
        plan = load_plan(plan_dir, strict=strict)
    except PlanError as exc:
        _report(exc.diagnostics, style)
        sys.exit(1)
    _report(plan.warnings, style)
    if style == "text":
        warned = f", {len(plan.warnings)} warnings" if plan.warnings else ""
        _say(f"{plan_dir}: valid: {plan.summary()}{warned}")


@cli.command("fmt")
@PLAN_OPTION
@click.option("--check", is_flag=True, help="Write nothing: list the files fmt would change; exit 1 if any.")
def fmt_command(plan_dir: Path, check: bool) -> None:
    """Lay out every plan file (*.yaml) one canonical way, keeping comments.

    Two-space indentation with list items under their key, keys in the models' order, the
    schema line first. Values never change: NO, 1.10 and 2024-04-19 stay as typed, and
    | and > blocks stay blocks. Only files that change are written.

    \b
    Examples:
      apdoc fmt
      apdoc fmt --check --plan plan
    """
    from .diagnostics import display_path
    from .fmt import format_plan

    try:
        results, problems = format_plan(plan_dir, write=not check)
    except PlanError as exc:
        _report(exc.diagnostics)
        sys.exit(1)
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


@cli.group()
def new() -> None:
    """Start an action item or a consideration with every field present and empty.

    \b
    Examples:
      apdoc new action AP1.8 --name "Interlock with other groups"
      apdoc new consideration --after 08
    """


@new.command("action")
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
    from .scaffold import new_action

    try:
        said = new_action(plan_dir, ap_id, name, after)
    except PlanError as exc:
        _report(exc.diagnostics)
        sys.exit(1)
    for line in said:
        _say(line)


@new.command("consideration")
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
    from .scaffold import new_consideration

    try:
        said = new_consideration(plan_dir, after)
    except PlanError as exc:
        _report(exc.diagnostics)
        sys.exit(1)
    for line in said:
        _say(line)


@cli.command("import")
@click.argument("document", type=click.Path(path_type=Path, dir_okay=False))
@click.option("-o", "--output", "out_dir", type=click.Path(path_type=Path), required=True,
              help="The plan folder to create (it must not exist, or be empty).")
def import_command(document: Path, out_dir: Path) -> None:
    """Turn a TD into a new plan folder that validates and rebuilds to the same text.

    Reads a TD apdoc built and one made by hand in Word with the same structure; a .xhtml
    file is read as apdoc's intermediate XHTML. What cannot be placed in the plan is a
    warning naming its paragraph; everything else is written, all files or none.

    \b
    Examples:
      apdoc import TSAG-TD-123.docx -o plan
    """
    from .plan import load_plan
    from .readers.plan_import import import_plan

    try:
        imported = import_plan(document, out_dir)
    except PlanError as exc:
        _report(exc.diagnostics)
        sys.exit(1)
    if not _quiet():
        for warning in imported.warnings:
            click.echo(warning, err=True)
    _say(f"wrote {out_dir}: {len(imported.written)} files")
    try:  # what the document holds may still break a rule of the plan (an undeclared entity, say)
        plan = load_plan(out_dir)
    except PlanError as exc:
        _report(exc.diagnostics)
        sys.exit(1)
    _say(f"{out_dir}: valid: {plan.summary()}")


@cli.command()
@PLAN_OPTION
@output_options(default_format="docx")
@click.option("--compare-to", "compare_to", metavar="REF",
              help="Mark the changes since REF (a git revision such as td256 or HEAD~3, or a plan folder).")
@click.option("--author", help="Author of the revision marks [default: git user.name].")
@click.option("--date", "rev_date", metavar="ISO-DATE",
              help="Date of the revision marks [default: when the plan last changed in git].")
def build(plan_dir: Path, fmt: str, output: Path | None, template_dir: Path | None,
          compare_to: str | None, author: str | None, rev_date: str | None) -> None:
    """Build the TD; with --compare-to, with revision marks (Word tracked changes in DOCX).

    \b
    Examples:
      apdoc build --format docx
      apdoc build --format pdf -o build/TD.pdf
      apdoc build --format all -o build/
      apdoc build --format docx --compare-to td256 -o build/TD-marked.docx
    """
    from .build import FORMATS, build_formats

    formats = [one for one in FORMATS if compare_to is None or one != "md"] if fmt == "all" else [fmt]
    if compare_to is not None and fmt == "md":
        raise click.UsageError("--compare-to marks DOCX, PDF and HTML; for Markdown use `apdoc diff REF --format md`")
    if rev_date is not None:
        try:
            moment = datetime.fromisoformat(rev_date.replace("Z", "+00:00"))
        except ValueError:
            raise click.BadParameter(f"{rev_date!r} is not an ISO date such as 2024-04-19T10:00:00Z",
                                     param_hint="--date") from None
        if moment.tzinfo is not None:
            moment = moment.astimezone(UTC)
        rev_date = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    targets, folder = _targets(fmt, formats, output)

    def progress(one: str, path: Path | None) -> None:
        if path is None:  # about to build: worth saying on a terminal, where PDF takes a while
            terminal.status(f"building {one}…", quiet=_quiet())
        else:
            _say(f"wrote {path} ({path.stat().st_size:,} bytes)")

    try:
        build_formats(plan_dir, targets, template_dir, progress=progress,
                      compare_to=compare_to, author=author, date=rev_date, folder=folder)
    except PlanError as exc:
        _report(exc.diagnostics)
        sys.exit(1)


@cli.command()
@click.argument("ref")
@click.argument("ref2", required=False)
@PLAN_OPTION
@click.option("--format", "style", type=click.Choice(["text", "md", "json"]), default="text", show_default=True,
              help="text for people, md for a pull-request comment, json for tools.")
def diff(ref: str, ref2: str | None, plan_dir: Path, style: str) -> None:
    """What changed in the plan since REF (or from REF to REF2), in the plan's terms.

    REF and REF2 are git revisions of the repository holding the plan (td256, main,
    HEAD~3) or other plan folders; without REF2, the plan as it is now.

    \b
    Examples:
      apdoc diff td256
      apdoc diff origin/main --format md > build/diff.md
      apdoc diff td255 td256 --format json
    """
    from contextlib import ExitStack

    from .plan import load_plan
    from .plandiff import diff_plans, render
    from .versions import earlier_version

    try:
        with ExitStack() as stack:
            before = stack.enter_context(earlier_version(ref, plan_dir)).plan
            if ref2 is None:
                after, after_name = load_plan(plan_dir), str(plan_dir)
            else:
                after, after_name = stack.enter_context(earlier_version(ref2, plan_dir)).plan, ref2
            click.echo(render(diff_plans(before, after), style, ref, after_name), nl=False)
    except PlanError as exc:
        _report(exc.diagnostics)
        sys.exit(1)


@cli.command()
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False), default=Path("schema"),
              show_default=True, help="Folder for the JSON Schema files.")
def schema(out_dir: Path) -> None:
    """Write the JSON Schema of every kind of plan file (for editor completion).

    \b
    Example:
      apdoc schema --out schema
    """
    from .schema import write_schemas

    for path in write_schemas(out_dir):
        _say(f"wrote {path}")


@cli.command()
@PLAN_OPTION
@click.option("--format", "style", type=click.Choice(["text", "md", "json"]), default="text", show_default=True,
              help="text for people, md for a pull request comment, json for tools.")
def stats(plan_dir: Path, style: str) -> None:
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
    from .plan import load_plan
    from .stats import plan_stats, render

    try:
        plan = load_plan(plan_dir)
    except PlanError as exc:
        _report(exc.diagnostics)
        sys.exit(1)
    click.echo(render(plan_stats(plan), style), nl=False)


@cli.command()
@PLAN_OPTION
@output_options(default_format="html")
@click.option("--interval", type=click.FloatRange(0.05, 60), default=0.5, show_default=True,
              help="Seconds between checks where file-system notifications do not reach (network drives).")
def watch(plan_dir: Path, fmt: str, output: Path | None, template_dir: Path | None, interval: float) -> None:
    """Rebuild the TD on every save of the plan or a template, for a live preview.

    A save that breaks the plan prints the errors and keeps the last good output; the next
    save that fixes it builds again. Ctrl-C stops.

    \b
    Examples:
      apdoc watch
      apdoc watch --format pdf -o build/preview.pdf
      apdoc watch --plan plan --interval 2
    """
    import time

    from .build import FORMATS
    from .plan import load_plan
    from .watch import Round
    from .watch import watch as watch_plan

    if not plan_dir.is_dir():
        try:
            load_plan(plan_dir, check=False)  # names the problem: not found, or a file
        except PlanError as exc:
            _report(exc.diagnostics)
            sys.exit(1)
    targets, folder = _targets(fmt, FORMATS, output)
    built = False

    def on_round(result: Round) -> None:
        nonlocal built
        stamp = time.strftime("%H:%M:%S")
        if result.ok:
            built = True
            for path in result.written:
                _say(f"{stamp} wrote {path} ({path.stat().st_size:,} bytes)")
            return
        _report(result.diagnostics)
        if not _quiet():
            kept = "; the last good output is kept" if built else ""
            click.echo(f"{stamp} not built{kept}: waiting for the next save", err=True)

    _say(f"watching {plan_dir} for changes (Ctrl-C to stop)")
    try:
        watch_plan(plan_dir, targets, template_dir, on_round=on_round, interval=interval, folder=folder)
    except KeyboardInterrupt:  # the normal way to stop watching
        _say("stopped")


def _terminate(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)  # unwinds like Ctrl-C, so half-written files are removed


def main() -> None:
    signal.signal(signal.SIGTERM, _terminate)
    debug = "--debug" in sys.argv[1:]
    try:
        cli.main(standalone_mode=False)
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
        if debug:
            traceback.print_exc()
        click.echo(
            f"apdoc: internal error: {type(exc).__name__}: {exc}. Please report it "
            "(run with --debug for the traceback).",
            err=True,
        )
        sys.exit(1)
