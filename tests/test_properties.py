"""Property-based tests: random valid plans build, random broken plans fail cleanly.

`make test` runs a few examples; `make fuzz` runs many (HYPOTHESIS_PROFILE=fuzz).
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from apdoc.layout import render_html
from apdoc.plan import load_plan
from apdoc.writers.docx import write_docx
from apdoc.writers.markdown import write_markdown
from conftest import SEED_PLAN
from textcompare import docx_segments

settings.register_profile("default", max_examples=25, deadline=None,
                          suppress_health_check=[HealthCheck.function_scoped_fixture])
settings.register_profile("fuzz", max_examples=2000, deadline=None,
                          suppress_health_check=[HealthCheck.function_scoped_fixture])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

MINI = Path(__file__).parent / "plans" / "mini"
VALIDATOR = Path(__file__).resolve().parents[2] / "shared" / "tools" / "ooxml_validate.py"
# Text without Markdown syntax (that is tested elsewhere): letters of every script, right-to-left
# included, combining marks, format characters (joiners, direction marks), digits, emoji, spaces;
# no line or paragraph separators.
PLAIN = st.characters(
    categories=("L", "M", "N", "Zs", "Cf", "So", "Sc", "Pd", "Ps", "Pe", "Pi", "Pf"),
    exclude_characters="[]()<>*_`\\!&#+-|~",
)
WORD = st.text(PLAIN, min_size=1, max_size=500).filter(lambda s: s.strip() and s == s.strip())
SENTENCE = st.lists(WORD, min_size=1, max_size=5).map(" ".join)


def yaml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def normalized(text: str) -> str:
    return " ".join(text.split())


def write_plan(root: Path, names: list[str], statements: list[str], note: str) -> None:
    shutil.copytree(MINI, root)
    for path in (root / "action-items").glob("*.yaml"):
        path.unlink()
    for n, (name, statement) in enumerate(zip(names, statements, strict=True), 1):
        (root / "action-items" / f"AP{n}.yaml").write_text(
            f"id: AP{n}\nshort_name: {yaml_string(name)}\nstatement: {yaml_string(statement)}\n"
            f"table:\n  key_outcomes: [{yaml_string(statement)}]\n  enablers:\n",
            encoding="utf-8",
        )
    matrix = root / "chapters" / "2-matrix.yaml"
    text = matrix.read_text(encoding="utf-8")
    text = text.replace("target_documents: [AP1]", "target_documents: []")
    text = text.replace("one_of: [AP2.1, New AP]", "one_of: [New AP, New AP]")
    text = text.replace("comments: None yet.", f"comments: {yaml_string(note)}")
    matrix.write_text(text, encoding="utf-8")
    scope = root / "chapters" / "1-scope.yaml"
    scope.write_text(scope.read_text(encoding="utf-8").replace("covers AP1 and AP2 only", "covers these"),
                     encoding="utf-8")


@given(data=st.data())
def test_random_valid_plans_keep_their_text(tmp_path_factory, data) -> None:
    count = data.draw(st.integers(min_value=0, max_value=50), label="items")
    names = data.draw(st.lists(SENTENCE, min_size=count, max_size=count), label="names")
    statements = data.draw(st.lists(SENTENCE, min_size=count, max_size=count), label="statements")
    note = data.draw(SENTENCE, label="comment")
    root = tmp_path_factory.mktemp("plan") / "plan"
    write_plan(root, names, statements, note)
    layout = render_html(load_plan(root))
    html = etree.fromstring(layout.encode("utf-8"))
    for n, statement in enumerate(statements, 1):
        (cell,) = html.xpath(f"//*[@id='ap-AP{n}-key_outcomes']")
        assert normalized("".join(cell.itertext())) == normalized(statement)
        (short,) = html.xpath(f"//*[@id='ap-AP{n}-short-name']")
        assert normalized("".join(short.itertext())) == normalized(f"“{names[n - 1]}”")
    (comment,) = html.xpath("//*[@id='c-9-comments']")
    assert normalized("".join(comment.itertext())) == normalized(note)

    docx = root.parent / "td.docx"
    docx.write_bytes(write_docx(layout))
    paragraphs = {normalized(p) for p in docx_segments(docx)}
    for n, statement in enumerate(statements, 1):
        assert normalized(f"AP{n} – {statement}") in paragraphs
    assert normalized(note) in paragraphs
    import lxml.html
    from markdown_it import MarkdownIt

    markdown = write_markdown(layout).decode("utf-8")
    page = lxml.html.fromstring(MarkdownIt("commonmark").enable("table").render(markdown))
    blocks = {normalized(e.text_content()) for e in page.iter("p", "li", "td")}
    for n, statement in enumerate(statements, 1):
        assert normalized(f"AP{n} – {statement}") in blocks
    assert normalized(note) in blocks

    if VALIDATOR.is_file():
        result = subprocess.run([sys.executable, str(VALIDATOR), str(docx)], capture_output=True, text=True)
        assert result.returncode == 0 and result.stdout.strip().endswith(": valid"), result.stdout + result.stderr


SEED_FILES = sorted(p.relative_to(SEED_PLAN) for p in SEED_PLAN.rglob("*.yaml"))


@settings(max_examples=int(os.environ.get("APDOC_MUTATIONS", "15")))
@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_random_mutations_never_crash(tmp_path_factory, seed: int) -> None:
    rng = random.Random(seed)
    root = tmp_path_factory.mktemp("mutant") / "plan"
    shutil.copytree(SEED_PLAN, root)
    for _ in range(rng.randint(1, 3)):
        path = root / rng.choice(SEED_FILES)
        lines = path.read_bytes().splitlines(keepends=True)
        i = rng.randrange(len(lines))
        kind = rng.choice(["delete", "swap", "indent", "bytes", "dedent"])
        if kind == "delete":
            del lines[i]
        elif kind == "swap" and len(lines) > 1:
            j = rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
        elif kind == "indent":
            lines[i] = b"  " + lines[i]
        elif kind == "dedent":
            lines[i] = lines[i].lstrip()
        else:
            pos = rng.randrange(len(lines[i]) + 1)
            lines[i] = lines[i][:pos] + bytes(rng.randrange(256) for _ in range(rng.randint(1, 4))) + lines[i][pos:]
        path.write_bytes(b"".join(lines))
    out = root.parent / "td.html"
    argv = [sys.executable, "-m", "apdoc", "build", "--format", "html", "--plan", str(root), "-o", str(out)]
    result = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    if result.returncode == 1:
        first = result.stderr.splitlines()[0]
        assert re.match(rf"{re.escape(str(root))}/\S+:[1-9][0-9]*:[1-9][0-9]*: error: ", first), first
