"""Issue 24: `apdoc import` counts the warnings `apdoc validate` lists, and writes the blank lines
the plan has between sections, matrix rows and the matrix's parts (which `apdoc fmt` keeps)."""

from __future__ import annotations

import difflib
import re
from pathlib import Path

from apdoc.layout import render_html
from apdoc.plan import load_plan
from conftest import SEED_PLAN, run_cli


def _import_seed(tmp_path: Path) -> tuple[Path, str]:
    source = tmp_path / "TD.xhtml"
    source.write_text(render_html(load_plan(SEED_PLAN)), encoding="utf-8")
    out = tmp_path / "imported"
    code, stdout, stderr = run_cli("import", str(source), "-o", str(out))
    assert code == 0, stderr
    return out, stdout


def test_the_summary_counts_the_warnings_validate_lists(tmp_path: Path) -> None:
    out, stdout = _import_seed(tmp_path)
    counted = re.search(r", (\d+) warnings \(`apdoc validate --plan (.+)` lists them\)$", stdout.splitlines()[-1])
    assert counted is not None, stdout
    _, _, listed = run_cli("validate", "--plan", str(out))  # warnings go to stderr
    assert int(counted.group(1)) == listed.count(": warning: ") > 0
    assert counted.group(2) == str(out)
    _, brief, _ = run_cli("validate", "--brief", "--plan", str(out))
    assert stdout.splitlines()[-1] == brief.strip()  # the same words as validate --brief


def _without_comments(text: str) -> list[str]:
    """The lines that are not comments; a blank line that stood on each side of a comment, once."""
    kept: list[str] = []
    for line in text.splitlines():
        if not line.lstrip().startswith("#") and (line or not kept or kept[-1]):
            kept.append(line)
    return kept


def test_blank_lines_between_sections_and_matrix_rows_come_back(tmp_path: Path) -> None:
    out, _ = _import_seed(tmp_path)
    for original in sorted(SEED_PLAN.rglob("*.yaml")):
        before = _without_comments(original.read_text(encoding="utf-8"))
        after = _without_comments((out / original.relative_to(SEED_PLAN)).read_text(encoding="utf-8"))
        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
            lost, added = before[i1:i2], after[j1:j2]
            only_blank = (tag == "delete" and not any(lost)) or (tag == "insert" and not any(added))
            assert not only_blank, f"{original.relative_to(SEED_PLAN)}:{i1 + 1}: blank lines {tag}d"
    matrix = (out / "chapters/08-considerations.yaml").read_text(encoding="utf-8")
    assert matrix.count("\n\n  - number:") == 25  # 26 rows, a blank line between each two
    assert run_cli("fmt", "--check", "--plan", str(out))[0] == 0  # fmt's canonical layout
