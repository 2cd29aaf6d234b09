"""What a YAML syntax error most likely means in a plan file, and where the fix goes.

YAML's own words ("mapping values are not allowed in this context", "did not find expected key")
name what the parser met, often lines after the slip that caused it. A newcomer's slips are few:
a key indented one space more or less than the keys beside it, no space after a `:`, a value
holding `: ` unquoted, a quote or a bracket left open. Each is recognised from the lines around
YAML's marks and named with the place of the fix (1-based line and column, as an editor counts).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A line that holds a key: its indentation, an optional list dash, the key, the colon.
_KEY_LINE = re.compile(
    r"^(?P<indent> *)(?P<dash>(?:- +)*)(?P<key>[^\s#:'\"\[\]{}-][^:#]*?|'[^']*'|\"[^\"]*\") *:(?=\s|$)")
# A key glued to its value (`title:Scope`): the colon of a key followed by no space.
_GLUED = re.compile(r"^(?P<head> *(?:- +)*[A-Za-z_][\w-]*):(?P<value>[^\s:/])")
_OPENERS = {"[": "]", "{": "}"}


@dataclass(frozen=True)
class Hint:
    line: int  # 1-based, where the fix goes
    col: int
    cause: str


def _key(line: str) -> tuple[int, str] | None:
    """The column (1-based) and name of the key a line holds, or None."""
    match = _KEY_LINE.match(line)
    if match is None:
        return None
    return len(match["indent"]) + len(match["dash"]) + 1, match["key"].strip("'\"")


def _content(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


def _unclosed_quote(line: str) -> int | None:
    """The column (1-based) just past a line's end when a value on it opens a quote it never
    closes (`title: "Scope`), else None."""
    match = re.match(r"^ *(?:- +)*(?:[^\s#:'\"][^:#]*?: +)?(?P<quote>[\"'])", line)
    if match is None:
        return None
    quote, rest = match["quote"], line[match.end():]
    if quote == '"':
        rest = re.sub(r"\\.", "", rest)  # \" inside double quotes does not close them
        closed = '"' in rest
    else:
        closed = "'" in rest.replace("''", "")
    return None if closed else len(line.rstrip()) + 1


def syntax_hint(lines: list[str], problem: str, at: tuple[int, int], context: str | None,
                context_at: tuple[int, int] | None) -> Hint | None:
    """The likely cause of a YAML syntax error. `lines`: the file's lines (no line ends); `at`
    and `context_at`: YAML's problem and context marks (1-based line, column)."""
    line_no, col = at

    def text(number: int) -> str:
        return lines[number - 1] if 0 < number <= len(lines) else ""

    # A bracket opened and not closed on its line: YAML says so only where it gave up.
    if context and context_at and ("flow sequence" in context or "flow mapping" in context):
        opened = text(context_at[0])
        opener = opened[context_at[1] - 1: context_at[1]]
        closer = _OPENERS.get(opener, "]")
        return Hint(context_at[0], len(opened.rstrip()) + 1,
                    f"the {opener or '['} opened on line {context_at[0]} is not closed: end the list with {closer}")

    # `title:Scope`: YAML reads one plain word and then misses the colon of a key.
    for number in dict.fromkeys(n for n in (context_at[0] if context_at else 0, line_no, line_no - 1) if n):
        glued = _GLUED.match(text(number))
        if glued is not None:
            return Hint(number, len(glued["head"]) + 2,
                        f"no space after the ':' of {glued['head'].strip(' -')!r}: a key's ':' is followed by a space")

    # A quote opened and not closed: everything up to the next quote is one value.
    first = context_at[0] if context_at else 1
    for number in range(max(first, 1), line_no + 1):
        end = _unclosed_quote(text(number))
        if end is not None:
            return Hint(number, end, f"the quote opened on line {number} is not closed: close it at the end "
                                     "of the value")

    # A key indented more or less than the keys beside it.
    here = _key(text(line_no))
    if here is None and line_no > 1:
        here = _key(text(line_no - 1)) if "mapping values" in problem else None
        line_no = line_no - 1 if here is not None else line_no
    if here is not None:
        above = next((n for n in range(line_no - 1, 0, -1) if _content(text(n))), None)
        sibling = _key(text(above)) if above is not None else None
        # A key under one that opens a block (`footnotes:`) is its child, not its sibling.
        opens = above is not None and re.search(r":\s*([|>][-+0-9]*)?\s*(#.*)?$", text(above)) is not None
        if sibling is not None and sibling[0] != here[0] and not (opens and here[0] > sibling[0]):
            more = here[0] - sibling[0]
            spaces = f"{abs(more)} space{'s' if abs(more) != 1 else ''} {'more' if more > 0 else 'less'}"
            return Hint(line_no, sibling[0],
                        f"{here[1]!r} is indented {spaces} than {sibling[1]!r} on line {above}: keys of one "
                        f"mapping start in one column (the caret shows where)")

    # `title: Note: this`: a value holding ': ' must be quoted.
    if "mapping values" in problem:
        match = re.match(r"^ *(?:- +)*[^\s#:][^:#]*?: +(?P<value>\S)", text(line_no))
        if match is not None and col > match.start("value"):
            return Hint(line_no, match.start("value") + 1,
                        "a value holding ': ' must be quoted: put it in double quotes")
    return None
