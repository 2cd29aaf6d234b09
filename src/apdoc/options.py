"""Command-line values checked as click reads them: a bad one is a usage error (exit 2) naming
the option, before any command runs.

Options reach the output: --author and --date go into the revision marks of the DOCX, --compare-to
into the HTML, paths into every message. A control character there would corrupt the DOCX (XML
cannot carry it) or act on the terminal (an escape sequence), and be blamed on something else.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

# C0 and C1 controls and DEL (tabs and line breaks too: no option needs one); lone surrogates,
# which is how Python carries bytes that are not UTF-8; the two non-characters XML refuses.
_UNFIT = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def unfit_character(value: str) -> str | None:
    """A description of the first character no option may hold, or None when there is none."""
    match = _UNFIT.search(value)
    if match is None:
        return None
    char = match.group()
    if "\ud800" <= char <= "\udfff":
        return "bytes that are not UTF-8"
    return f"the control character U+{ord(char):04X}"


def _check(ctx: click.Context, param: click.Parameter, value: Any) -> None:
    values = value if isinstance(value, (tuple, list)) else (value,)
    for one in values:
        if isinstance(one, (str, Path)) and (problem := unfit_character(str(one))) is not None:
            raise click.BadParameter(f"{str(one)!r} holds {problem}, which no option may hold", ctx=ctx, param=param)


class CheckedCommand(click.Command):
    """A command whose every text and path value is checked for unfit characters once parsed."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        rest = super().parse_args(ctx, args)
        for param in self.get_params(ctx):
            if param.name is not None:
                _check(ctx, param, ctx.params.get(param.name))
        return rest


class CheckedGroup(click.Group):
    """A group whose commands (and sub-groups' commands) are CheckedCommands."""

    command_class = CheckedCommand
    group_class = type  # sub-groups are CheckedGroups too


def revision_date(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """--date as the revision marks carry it (2024-04-19T10:00:00Z, in UTC), or a usage error.

    A date that is valid but cannot be moved to UTC (9999-12-31T23:59:59-14:00 is in year
    10000 there) is out of range, like a date that does not exist (2024-02-30).
    """
    if value is None:
        return None
    _check(ctx, param, value)
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter(f"{value!r} is not an ISO date such as 2024-04-19T10:00:00Z",
                                 ctx=ctx, param=param) from None
    if moment.tzinfo is not None:
        try:
            moment = moment.astimezone(UTC)
        except (OverflowError, ValueError):
            raise click.BadParameter(f"{value!r} is out of range: in UTC it falls before year 1 or after 9999",
                                     ctx=ctx, param=param) from None
    # Not strftime: its %Y gives "1", not "0001", for early years on some systems.
    return (f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}"
            f"T{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}Z")
