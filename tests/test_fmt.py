"""apdoc fmt: one layout, comments kept, values never changed; and the pre-commit hooks."""

from __future__ import annotations

import io
import itertools
import json
import os
import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.emitter import Emitter
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    FoldedScalarString,
    LiteralScalarString,
    SingleQuotedScalarString,
)

from apdoc.commands import fmt
from apdoc.commands.fmt import format_file, format_plan
from apdoc.plan import yaml_layout
from apdoc.plan.models import ActionItem, ActionItemTable, Chapter
from apdoc.plan.source import load_yaml
from apdoc.plan.yaml_layout import format_text, new_yaml
from conftest import ROOT, SEED_PLAN
from conftest import run_cli as run

ACTION_SCHEMA = "# yaml-language-server: $schema=../../schema/action-item.schema.json"



def comments(text: str) -> list[str]:
    return sorted(line.strip() for line in text.splitlines() if line.lstrip().startswith("#"))


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_the_committed_plan_is_formatted() -> None:
    results, problems = format_plan(SEED_PLAN, write=False)
    assert problems == []
    assert len(results) == len(list(SEED_PLAN.rglob("*.yaml")))
    assert [str(r.path) for r in results if r.changed] == []


def test_formatting_twice_changes_nothing_the_second_time(seed: Path) -> None:
    # Undo the canonical layout first: 4-space indentation, lists flush with their key.
    messy = new_yaml()
    messy.indent(mapping=4, sequence=4, offset=0)
    for path in seed.rglob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        out = yaml_layout.dump(messy.load(text), messy)
        path.write_text(out.replace(ACTION_SCHEMA + "\n", ""), encoding="utf-8")
    first, _ = format_plan(seed, write=True)
    assert sum(r.changed for r in first) == len(first)
    second, problems = format_plan(seed, write=True)
    assert problems == []
    assert [r.path for r in second if r.changed] == []
    assert snapshot(seed) == snapshot(SEED_PLAN)  # the canonical form is the committed one


def test_formatting_does_not_change_the_built_html(seed: Path, tmp_path: Path) -> None:
    before, after = tmp_path / "before.html", tmp_path / "after.html"
    assert run("build", "--format", "html", "--plan", str(seed), "-o", str(before))[0] == 0
    # The TD is dated by the plan's newest file: the rewrites below keep the times, so only text could differ.
    times = {path: path.stat().st_mtime_ns for path in seed.rglob("*.yaml")}
    for path in seed.rglob("*.yaml"):  # scramble every file: keys reversed, other indentation
        messy = new_yaml()
        messy.indent(mapping=3, sequence=2, offset=0)
        data = messy.load(path.read_text(encoding="utf-8"))
        for key in reversed(list(data)):
            data.move_to_end(key)
        path.write_text(yaml_layout.dump(data, messy), encoding="utf-8")
    assert run("fmt", "--plan", str(seed))[0] == 0
    assert run("validate", "--plan", str(seed))[0] == 0
    for path, mtime in times.items():
        os.utime(path, ns=(mtime, mtime))
    assert run("build", "--format", "html", "--plan", str(seed), "-o", str(after))[0] == 0
    assert after.read_bytes() == before.read_bytes()


TRAPS = """\
# yaml-language-server: $schema=../../schema/action-item.schema.json
# Text YAML 1.1 or 1.2 would read as a boolean, number, date or nothing: quoted, however typed.
id: AP1.8
short_name: NO
statement: on
sub_items:
  - id: AP1.8.1
    statement: 1.10
  - id: AP1.8.2
    statement: 2024-04-19  # a date to YAML 1.1
  - id: "AP1.8.3"
    statement: ~
table:
  objective: [yes, Off, 0o17, 0x1F, 1e3, .inf, 12:30, "NO", '1.10', y, 1_000, "~", 'null', 123, '']
  key_outcomes: |
    Literal block: kept as written.
      - indented line

    Second paragraph.
  key_outcome_indicators: >
    Folded block
    over two lines.
  implementation_strategies: |-
    strip chomping
  enablers: |+
    keep chomping

  itu_services: Null
  learning_and_feedback: ""
"""

TRAPS_FORMATTED = """\
# yaml-language-server: $schema=../../schema/action-item.schema.json
# Text YAML 1.1 or 1.2 would read as a boolean, number, date or nothing: quoted, however typed.
id: AP1.8
short_name: "NO"
statement: "on"
sub_items:
  - id: AP1.8.1
    statement: "1.10"
  - id: AP1.8.2
    statement: "2024-04-19"  # a date to YAML 1.1
  - id: AP1.8.3
    statement:
table:
  objective:
    - "yes"
    - "Off"
    - "0o17"
    - "0x1F"
    - "1e3"
    - ".inf"
    - "12:30"
    - "NO"
    - "1.10"
    - "y"
    - "1_000"
    - "~"
    - "null"
    - "123"
    - ""
  key_outcomes: |
    Literal block: kept as written.
      - indented line

    Second paragraph.
  key_outcome_indicators: >
    Folded block
    over two lines.
  implementation_strategies: |-
    strip chomping
  enablers: |+
    keep chomping

  itu_services:
  learning_and_feedback: ""
"""


def test_yaml_1_1_and_1_2_traps_are_quoted_and_block_scalars_kept(tmp_path: Path) -> None:
    path = tmp_path / "plan" / "action-items" / "AP1.8.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(TRAPS, encoding="utf-8")
    before = load_yaml(path).data
    result = format_file(path, tmp_path / "plan")
    assert result.new.decode() == TRAPS_FORMATTED
    assert format_text(TRAPS_FORMATTED, ActionItem, ACTION_SCHEMA) == TRAPS_FORMATTED
    path.write_bytes(result.new)
    after = load_yaml(path).data
    assert after == before
    assert after["short_name"] == "NO" and after["statement"] == "on"
    assert after["sub_items"][2]["statement"] is None and after["table"]["itu_services"] is None
    assert after["table"]["objective"][:3] == ["yes", "Off", "0o17"]
    assert after["table"]["objective"][-4:] == ["~", "null", "123", ""]
    assert after["table"]["enablers"] == "keep chomping\n\n"
    # Indented differently, the same canonical text.
    path.write_text(TRAPS_FORMATTED.replace("\n  ", "\n      "), encoding="utf-8")
    assert format_file(path, tmp_path / "plan").new.decode() == TRAPS_FORMATTED
    # Every YAML reader sees the text the plan holds: YAML 1.1 (PyYAML) and 1.2 (ruamel, as
    # VS Code's yaml-language-server) alike.
    assert yaml.safe_load(TRAPS_FORMATTED) == after
    assert YAML(typ="safe", pure=True).load(TRAPS_FORMATTED) == after


def test_quoting_comes_from_the_text_not_from_how_it_was_typed() -> None:
    typed = (
        "considerations:\n"
        "  - number: '05'\n"
        '  - number: "06"\n'
        "  - number: 07\n"
        "    point: 'Value propositions'\n"
        '    editors_note: "Value propositions"\n'
    )
    assert format_text(typed, Chapter) == (
        "considerations:\n"
        '  - number: "05"\n'
        '  - number: "06"\n'
        '  - number: "07"\n'
        "    point: Value propositions\n"
        "    editors_note: Value propositions\n"
    )
    item = format_text('id: AP1.8\nshort_name: "Value propositions"\n', ActionItem)
    assert item == format_text("id: AP1.8\nshort_name: 'Value propositions'\n", ActionItem)
    assert item == "id: AP1.8\nshort_name: Value propositions\n"


@pytest.mark.parametrize(("typed", "written"), [
    ("'RG-IEM #1'", '"RG-IEM #1"'),  # " #" would start a comment
    ("'Note: this'", '"Note: this"'),  # ": " would start a mapping
    ("'[Name]'", '"[Name]"'),
    ("'- not a list'", '"- not a list"'),
    ("' leading space'", '" leading space"'),
    ('"RG-IEM #1 \\"draft\\""', "'RG-IEM #1 \"draft\"'"),  # single quotes need no escape here
    ('"C:\\\\plans: here"', "'C:\\plans: here'"),
    ("'it''s: here'", '"it\'s: here"'),  # an apostrophe: double quotes, as English prose needs
    ('"it\'s \\"x\\": here"', '"it\'s \\"x\\": here"'),
    ('"tab\\there"', '"tab\\there"'),
    ('"say \\"hi\\""', 'say "hi"'),  # quotes inside plain text are text
    ("'ITU’s “story”'", "ITU’s “story”"),
    ("'2022-2024'", "2022-2024"),
    ("'12-16/12/2022'", "12-16/12/2022"),
    ("'AP1.2'", "AP1.2"),
    ("'C#'", "C#"),
])
def test_one_quoting_for_each_text(typed: str, written: str) -> None:
    out = format_text(f"short_name: {typed}\n", ActionItem)
    assert out == f"short_name: {written}\n"
    assert yaml.safe_load(out) == yaml.safe_load(f"short_name: {typed}\n")


def test_text_of_several_lines_is_a_literal_block() -> None:
    out = format_text('statement: "First line.\\nSecond line.\\n"\nsub_items: ["a\\nb"]\n', ActionItem)
    assert out == 'statement: |\n  First line.\n  Second line.\nsub_items:\n  - |-\n    a\n    b\n'


def test_a_change_of_value_is_refused_and_the_file_left_alone(seed: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = seed / "action-items" / "AP1.3.yaml"
    original = path.read_bytes()
    path.write_bytes(original.replace(b"\nid:", b"\n\nid:"))  # needs formatting
    monkeypatch.setattr(fmt, "format_text", lambda text, *a: text.replace("id: AP1.3", "id: AP1.9"))
    code, _, err = run("fmt", "--plan", str(seed))
    assert code == 1
    assert f"{path}: error: cannot format without changing a value" in err
    assert path.read_bytes() == original.replace(b"\nid:", b"\n\nid:")


def test_comments_survive_and_move_with_their_keys() -> None:
    text = (
        f"{ACTION_SCHEMA}\n"
        "table:  # the table\n"
        "  enablers: [a, b]  # end of enablers\n"
        "  # before key_outcomes\n"
        "  key_outcomes: |\n"
        "    text\n"
        "  # before objective\n"
        "  objective: goal\n"
        "statement: What to do.  # end of statement\n"
        "# before short_name\n"
        "short_name: Name\n"
        "id: AP1.8\n"
        "# last line\n"
    )
    out = format_text(text, ActionItem, ACTION_SCHEMA)
    assert comments(out) == comments(text)
    lines = out.splitlines()
    assert lines[lines.index("# before short_name") + 1] == "short_name: Name"
    assert lines[lines.index("  # before key_outcomes") + 1] == "  key_outcomes: |"
    assert "statement: What to do.  # end of statement" in lines
    assert lines[-1] == "# last line"
    assert format_text(out, ActionItem, ACTION_SCHEMA) == out


def test_a_comment_moved_below_a_block_scalar_stays_a_comment(tmp_path: Path) -> None:
    text = "id: AP1.8\n# about sub_items\nsub_items: []\nstatement: |\n  Block text.\nshort_name: Name\n"
    out = format_text(text, ActionItem)
    assert out == "id: AP1.8\nshort_name: Name\nstatement: |\n  Block text.\n# about sub_items\nsub_items: []\n"
    path = tmp_path / "AP1.8.yaml"
    path.write_text(out, encoding="utf-8")
    assert load_yaml(path).data["statement"] == "Block text.\n"


def test_keys_are_put_in_model_order_unknown_keys_last(tmp_path: Path) -> None:
    text = (
        "table:\n  learning_and_feedback: l\n  zzz_unknown: u\n  objective: o\n  enablers: e\n"
        "statement: s\nzzz_extra: x\nshort_name: n\nid: AP1.8\n"
    )
    data = new_yaml().load(format_text(text, ActionItem))
    assert list(data) == ["id", "short_name", "statement", "table", "zzz_extra"]
    known = [k for k in ActionItemTable.model_fields if k in data["table"]]
    assert list(data["table"]) == [*known, "zzz_unknown"]
    assert known == ["objective", "enablers", "learning_and_feedback"]


def test_schema_line_is_added_or_moved_to_the_top() -> None:
    assert format_text("id: AP1.8\n", ActionItem, ACTION_SCHEMA) == f"{ACTION_SCHEMA}\nid: AP1.8\n"
    moved = format_text(f"# about AP1.8\n{ACTION_SCHEMA}\nid: AP1.8\n", ActionItem, ACTION_SCHEMA)
    assert moved == f"{ACTION_SCHEMA}\n# about AP1.8\nid: AP1.8\n"


def test_schema_line_points_at_schema_beside_the_plan(seed: Path) -> None:
    for path in [seed / "document.yaml", seed / "chapters" / "01-introduction.yaml"]:
        lines = path.read_text(encoding="utf-8").splitlines()
        path.write_text("\n".join(lines[1:]) + "\n", encoding="utf-8")
    format_plan(seed, write=True)
    assert snapshot(seed) == snapshot(SEED_PLAN)


def test_crlf_and_byte_order_mark_are_normalised(seed: Path) -> None:
    path = seed / "action-items" / "AP1.yaml"
    original = path.read_bytes()
    path.write_bytes(b"\xef\xbb\xbf" + original.replace(b"\n", b"\r\n"))
    assert run("fmt", "--plan", str(seed))[0] == 0
    assert path.read_bytes() == original


def test_check_lists_the_files_writes_nothing_and_exits_1(seed: Path) -> None:
    for name in ("action-items/AP1.2.yaml", "chapters/04-action-plan.yaml"):
        path = seed / name
        path.write_text(path.read_text(encoding="utf-8").replace("\n  ", "\n    "), encoding="utf-8")
    before = snapshot(seed)
    code, out, _ = run("fmt", "--check", "--plan", str(seed))
    assert code == 1
    listed = [line.removeprefix("would reformat ") for line in out.splitlines() if line.startswith("would")]
    assert listed == [str(seed / "action-items/AP1.2.yaml"), str(seed / "chapters/04-action-plan.yaml")]
    assert snapshot(seed) == before
    code, out, _ = run("fmt", "--plan", str(seed))
    assert code == 0
    assert f"formatted {seed / 'action-items/AP1.2.yaml'}" in out.splitlines()
    assert snapshot(seed) == snapshot(SEED_PLAN)
    code, out, _ = run("fmt", "--check", "--plan", str(seed))
    assert code == 0
    assert "would reformat" not in out


def test_a_file_that_does_not_parse_is_reported_at_its_line(seed: Path) -> None:
    broken = seed / "chapters" / "01-introduction.yaml"
    broken.write_text("id: intro\ntitle: [unclosed\n", encoding="utf-8")
    messy = seed / "action-items" / "AP1.yaml"
    messy.write_text(messy.read_text(encoding="utf-8") + "\n\n\n", encoding="utf-8")
    code, _, err = run("fmt", "--plan", str(seed))
    assert code == 1
    # at the place of the fix: where the bracket should close (YAML gave up at 3:1)
    assert re.search(rf"^{re.escape(str(broken))}:2:17: error: YAML syntax: the \[ opened on line 2 is not closed",
                     err, re.M), err
    assert broken.read_text(encoding="utf-8") == "id: intro\ntitle: [unclosed\n"
    assert messy.read_bytes() == (SEED_PLAN / "action-items" / "AP1.yaml").read_bytes()  # the others are done


def test_missing_plan_folder(tmp_path: Path) -> None:
    code, _, err = run("fmt", "--check", "--plan", str(tmp_path / "nowhere"))
    assert code == 1
    assert "plan folder not found" in err


LISTS = """\
content:
  - table:
      id: t
      title: T
      columns:
        - Name
        - Definition
      widths: ["30", '70']
      rows:
        -   - Vision
            - The better world ITU wants to see, written out at some length so that it is long.
        - [Mission, "Main purposes: as per the basic instruments of ITU"]
        - - Items  # a comment keeps its row one cell a line
          - Text
considerations:
  - number: "01"
    sources: [1, R]  # from the session
    proposed_actions: [Investigate the ways to improve coordination, and report on them to TSAG]
    # after the actions
    target_entities:
      - RG-IEM
      - TSB
    # about the targets
    target_documents: []
  - number: "02"
    target_entities:
      - RG-IEM
      - TSB  # the bureau
    target_documents:
      - AP1.2
      # not yet AP1.3
"""

LISTS_FORMATTED = """\
content:
  - table:
      id: t
      title: T
      columns: [Name, Definition]
      widths: [30, 70]
      rows:
        - [Vision, "The better world ITU wants to see, written out at some length so that it is long."]
        - [Mission, "Main purposes: as per the basic instruments of ITU"]
        -   - Items  # a comment keeps its row one cell a line
            - Text
considerations:
  - number: "01"
    sources: ["1", R]  # from the session
    proposed_actions:
      - Investigate the ways to improve coordination
      - and report on them to TSAG
    # after the actions
    target_entities: [RG-IEM, TSB]
    # about the targets
    target_documents: []
  - number: "02"
    target_entities:
      - RG-IEM
      - TSB  # the bureau
    target_documents: [AP1.2]
    # not yet AP1.3
"""


def test_lists_are_one_line_or_one_item_a_line_by_what_they_hold(tmp_path: Path) -> None:
    # Short texts on one line, a table's rows one a line however long, an item with a
    # comment or a longer list one item a line; a number field's numbers plain.
    assert format_text(LISTS, Chapter) == LISTS_FORMATTED
    assert format_text(LISTS_FORMATTED, Chapter) == LISTS_FORMATTED
    before, after = tmp_path / "before.yaml", tmp_path / "after.yaml"
    before.write_text(LISTS, encoding="utf-8")
    after.write_text(LISTS_FORMATTED, encoding="utf-8")
    assert load_yaml(after).data == load_yaml(before).data
    assert yaml.safe_load(LISTS_FORMATTED)["content"][0]["table"]["widths"] == [30, 70]  # integers, as the schema


def test_a_list_goes_one_line_when_it_fits() -> None:
    short = [f"E-{n:02d}" for n in range(10)]
    assert len(f"[{', '.join(short)}]") == yaml_layout.FLOW_LIST_WIDTH == 60
    block = "target_entities:\n" + "".join(f"  - {e}\n" for e in short)
    assert format_text(block) == f"target_entities: [{', '.join(short)}]\n"
    longer = [*short, "E-10"]
    flow = f"target_entities: [{', '.join(longer)}]\n"
    assert format_text(flow) == "target_entities:\n" + "".join(f"  - {e}\n" for e in longer)


RESTYLED = """\
short:  # on the key's line
  - x
  - z
  # after short
long: [a long first item of the list, and a second one that is long too]  # on the list's line
# after long
rows:
  - - a
    - b
  -   - c  # at a cell
      - d
  # between rows
  - - e
    - f
  # after rows
end: x
"""


def test_comments_stay_where_they_were_when_a_list_changes_style() -> None:
    out = format_text(RESTYLED)
    assert out == (
        "short: [x, z]  # on the key's line\n"
        "# after short\n"
        "long:  # on the list's line\n"
        "  - a long first item of the list\n"
        "  - and a second one that is long too\n"
        "# after long\n"
        "rows:\n"
        "  - [a, b]\n"
        "  -   - c  # at a cell\n"
        "      - d\n"
        "  # between rows\n"
        "  - [e, f]\n"
        "  # after rows\n"
        "end: x\n"
    )
    assert comments(out) == comments(RESTYLED)
    assert format_text(out) == out


def scrambled(text: str) -> str:
    """The same data typed otherwise: every text quoted, '…' and "…" in turn; lists in the other style."""
    rt = new_yaml()
    rt.Emitter = Emitter  # ruamel's own writes the quotes it is given
    data = rt.load(text)
    turn = itertools.count()

    def text_value(value: Any) -> Any:
        if not isinstance(value, str) or isinstance(value, LiteralScalarString | FoldedScalarString):
            return value
        return (SingleQuotedScalarString if next(turn) % 2 else DoubleQuotedScalarString)(value)

    def walk(node: Any) -> None:
        if isinstance(node, CommentedMap):
            for key in list(node):
                node[key] = text_value(node[key])
                walk(node[key])
        elif isinstance(node, CommentedSeq):
            for n, value in enumerate(node):
                node[n] = text_value(value)
                walk(node[n])
            quiet = not node.ca.items and not node.ca.comment
            if node and quiet and all(isinstance(v, str) and "\n" not in v for v in node):
                node.fa.set_block_style() if node.fa.flow_style() else node.fa.set_flow_style()

    walk(data)
    out = io.StringIO()
    rt.dump(data, out)
    return out.getvalue()


def test_the_seed_plan_typed_otherwise_formats_to_the_committed_plan(seed: Path) -> None:
    originals = {path: load_yaml(path).data for path in seed.rglob("*.yaml")}
    for path in originals:
        text = scrambled(path.read_text(encoding="utf-8"))
        path.write_text(text, encoding="utf-8")
        assert load_yaml(path).data == originals[path]  # the scrambling kept the values
    messy = (seed / "chapters" / "02-rationale.yaml").read_text(encoding="utf-8")
    assert "id: \"rationale\"\ntitle: 'Rationale'\n" in messy and "action_items: [" not in messy
    first, problems = format_plan(seed, write=True)
    assert problems == []
    assert sum(r.changed for r in first) == len(first)
    assert snapshot(seed) == snapshot(SEED_PLAN)
    assert {path: load_yaml(path).data for path in originals} == originals
    second, _ = format_plan(seed, write=True)
    assert [r.path for r in second if r.changed] == []


def differences(one: Any, other: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(one, dict) and isinstance(other, dict) and one.keys() == other.keys():
        return [d for k in one for d in differences(one[k], other[k], (*at, k))]
    if isinstance(one, list) and isinstance(other, list) and len(one) == len(other):
        return [d for n, (a, b) in enumerate(zip(one, other, strict=True)) for d in differences(a, b, (*at, n))]
    return [] if one == other else [at]


def read_1_1(text: str) -> Any:
    return YAML(typ="safe", pure=True).load("%YAML 1.1\n---\n" + text)


READERS = {"PyYAML (1.1)": yaml.safe_load, "ruamel (1.2)": YAML(typ="safe", pure=True).load, "ruamel (1.1)": read_1_1}


@pytest.mark.parametrize("reader", READERS.values(), ids=READERS.keys())
def test_every_yaml_reader_reads_the_plan_as_apdoc_does(reader: Any) -> None:
    # A VS Code or a script reading the plan sees the same texts; only the table widths,
    # integers in the schema, are numbers to them.
    for path in sorted(SEED_PLAN.rglob("*.yaml")):
        theirs, ours = reader(path.read_text(encoding="utf-8")), load_yaml(path).data
        for at in differences(theirs, ours):
            assert at[-2] == "widths", (path, at)
            assert isinstance(_at(theirs, at), int) and str(_at(theirs, at)) == _at(ours, at)


def _at(data: Any, at: tuple[Any, ...]) -> Any:
    for part in at:
        data = data[part]
    return data


TRAP_CHARS = "0123456789.-+:_eExXoObBnNyYtTfFlLuU~ #'\"\\,[]{}!&*?|>%@`=<\n"


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=TRAP_CHARS, max_size=10))
def test_any_text_is_written_so_every_reader_reads_it_back(text: str) -> None:
    typed = json.dumps(text)  # a JSON string is a double-quoted YAML scalar
    out = format_text(f"point: {typed}\nsources: [{typed}, x]\n")
    assert format_text(out) == out
    expected = {"point": text, "sources": [text, "x"]}
    assert yaml_layout.loaded_data(out, Path("-")) == expected
    for reader in READERS.values():
        assert reader(out) == expected, out


# --- pre-commit hooks ---------------------------------------------------------------

HOOKS = ROOT / ".pre-commit-hooks.yaml"


def test_pre_commit_hooks_are_apdoc_commands_that_pass_on_the_plan(seed: Path) -> None:
    hooks = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))
    assert {hook["id"] for hook in hooks} == {"apdoc-validate", "apdoc-fmt"}
    for hook in hooks:
        assert hook["language"] == "python"
        assert hook["pass_filenames"] is False
        assert re.search(hook["files"], "plan/chapters/08-considerations.yaml")
        assert not re.search(hook["files"], "src/apdoc/cli.py")
        program, *args = shlex.split(hook["entry"])
        assert program == "apdoc"
        code, out, err = run(*args, "--plan", str(seed))
        assert code == 0, (hook["id"], out, err)
    # The fmt hook fails a commit that holds an unformatted file.
    (seed / "action-items" / "AP1.yaml").write_text("id: AP1\nstatement:   x\n", encoding="utf-8")
    fmt_hook = next(hook for hook in hooks if hook["id"] == "apdoc-fmt")
    code, _, _ = run(*shlex.split(fmt_hook["entry"])[1:], "--check", "--plan", str(seed))
    assert code == 1
