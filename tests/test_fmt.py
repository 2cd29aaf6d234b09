"""apdoc fmt: one layout, comments kept, values never changed; and the pre-commit hooks."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import yaml

from apdoc import fmt
from apdoc.fmt import format_file, format_plan, format_text, new_yaml
from apdoc.loader import load_yaml
from apdoc.models import ActionItem, ActionItemTable
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
        out = fmt.dump(messy.load(text), messy)
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
    for path in seed.rglob("*.yaml"):  # scramble every file: keys reversed, other indentation
        messy = new_yaml()
        messy.indent(mapping=3, sequence=2, offset=0)
        data = messy.load(path.read_text(encoding="utf-8"))
        for key in reversed(list(data)):
            data.move_to_end(key)
        path.write_text(fmt.dump(data, messy), encoding="utf-8")
    assert run("fmt", "--plan", str(seed))[0] == 0
    assert run("validate", "--plan", str(seed))[0] == 0
    assert run("build", "--format", "html", "--plan", str(seed), "-o", str(after))[0] == 0
    assert after.read_bytes() == before.read_bytes()


TRAPS = """\
# yaml-language-server: $schema=../../schema/action-item.schema.json
# Values YAML 1.1 would turn into booleans, numbers, dates or nothing: the plan keeps the text.
id: AP1.8
short_name: NO
statement: on
sub_items:
  - id: AP1.8.1
    statement: 1.10
  - id: AP1.8.2
    statement: 2024-04-19  # a date to YAML 1.1
table:
  objective: [yes, Off, 0o17, 0x1F, 1e3, .inf, 12:30, "NO", '1.10', ~, null, Null]
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


def test_yaml_1_1_traps_and_block_scalars_are_left_exactly_as_typed(tmp_path: Path) -> None:
    path = tmp_path / "plan" / "action-items" / "AP1.8.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(TRAPS, encoding="utf-8")
    assert format_text(TRAPS, ActionItem, ACTION_SCHEMA) == TRAPS
    # Indented differently, the text changes but every value reads the same.
    path.write_text(TRAPS.replace("\n  ", "\n      "), encoding="utf-8")
    before = load_yaml(path).data
    result = format_file(path, tmp_path / "plan")
    assert result.new.decode() == TRAPS
    path.write_bytes(result.new)
    after = load_yaml(path).data
    assert after == before
    assert after["short_name"] == "NO" and after["statement"] == "on"
    assert after["table"]["objective"][:7] == ["yes", "Off", "0o17", "0x1F", "1e3", ".inf", "12:30"]
    assert after["table"]["enablers"] == "keep chomping\n\n"


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
    text = "id: AP1.8\n# about sub_items\nsub_items: []\nstatement: |\n  Block text.\nshort_name: N\n"
    out = format_text(text, ActionItem)
    assert out == "id: AP1.8\nshort_name: N\nstatement: |\n  Block text.\n# about sub_items\nsub_items: []\n"
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
    assert re.search(rf"^{re.escape(str(broken))}:3:1: error: YAML syntax: ", err, re.M), err
    assert broken.read_text(encoding="utf-8") == "id: intro\ntitle: [unclosed\n"
    assert messy.read_bytes() == (SEED_PLAN / "action-items" / "AP1.yaml").read_bytes()  # the others are done


def test_missing_plan_folder(tmp_path: Path) -> None:
    code, _, err = run("fmt", "--check", "--plan", str(tmp_path / "nowhere"))
    assert code == 1
    assert "plan folder not found" in err


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
