"""The command line: thin wrappers around the pipeline.

Exit status: 0 success, 1 invalid plan or failed build, 2 wrong usage.
"""

from __future__ import annotations

import signal
import sys
import traceback
from pathlib import Path

import click

from . import __version__
from .diagnostics import PlanError

PLAN_OPTION = click.option(
    "--plan", "plan_dir", type=click.Path(path_type=Path), default=Path("plan"), show_default=True,
    help="The plan folder.",
)


def _report(exc: PlanError) -> None:
    for diagnostic in exc.diagnostics:
        click.echo(str(diagnostic), err=True)
    errors = sum(1 for d in exc.diagnostics if d.severity == "error")
    click.echo(f"{errors} error{'s' if errors != 1 else ''}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="apdoc")
@click.option("--debug", is_flag=True, help="Show the traceback of an internal error.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """apdoc: an ITU-T TSAG action plan as YAML data, validated and built into a TD.

    \b
    Examples:
      apdoc validate
      apdoc build --format docx
    """
    ctx.obj = {"debug": debug}


@cli.command()
@PLAN_OPTION
def validate(plan_dir: Path) -> None:
    """Check the plan; report every problem as path:line:col: error: message.

    \b
    Example:
      apdoc validate --plan plan
    """
    from .plan import load_plan

    try:
        plan = load_plan(plan_dir)
    except PlanError as exc:
        _report(exc)
        sys.exit(1)
    click.echo(f"{plan_dir}: valid: {plan.summary()}")


@cli.command()
@PLAN_OPTION
@click.option("--format", "fmt", type=click.Choice(["docx", "html"]), default="docx", show_default=True)
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="Output file [default: build/<document number>.<format>].")
@click.option("--templates", "template_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Templates overriding the packaged ones [default: templates/ beside the plan].")
def build(plan_dir: Path, fmt: str, output: Path | None, template_dir: Path | None) -> None:
    """Build the TD.

    \b
    Examples:
      apdoc build --format docx
      apdoc build --format html --plan plan -o build/TD.html
    """
    from .build import build as run_build

    try:
        path = run_build(plan_dir, fmt, output, template_dir)
    except PlanError as exc:
        _report(exc)
        sys.exit(1)
    click.echo(f"wrote {path} ({path.stat().st_size:,} bytes)")


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
        click.echo(f"wrote {path}")


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
