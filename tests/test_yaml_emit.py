"""plan/yaml_emit.py writes what ruamel's round-trip writer (yaml_layout.format_tree) writes for the
same values, byte for byte: import's files stay as `apdoc fmt` has them (they are in git)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apdoc.plan.folder import kind_of
from apdoc.plan.models import FILE_KINDS
from apdoc.plan.source import load_yaml
from apdoc.plan.yaml_emit import Unsupported, dump_values
from apdoc.plan.yaml_layout import finish_text, schema_line
from apdoc.unlayout.write import canonical_text, file_text, ruamel_text

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "plan"
PLAN = Path("/plan")

# Text that YAML readers take for something else, indicators, escapes, breaks and spaces where
# they change the quoting or the block's hints.
TRICKY = ["", " ", "-", "- x", "---", "...", "--- x", "?", ":", "? x", "x: y", "x:y", "x #y", "#x", "x#y",
          "yes", "No", "on", "y", "null", "~", "true", "05", "1.10", "123", "-1", "0x1F", "1e3", ".inf",
          "2024-04-19", "12:30", "<<", "=", "[Name]", "{x}", "a, b", "&a", "*a", "!x", "|", ">", "%x", "@x",
          "`x`", "'x'", '"x"', "it's", 'say "hi"', "a\\b", "RG-IEM #1", "Note: this", "x?", "tab\there",
          "a\nb", "a\nb\n", "a\n\nb\n", " a\nb", "\na", "a \nb", "a\n b", "a\nb ", "a\r\nb", "a\x85b",
          "a\u2028b", "\ufeffx", "x\x7f", "x\x00y", "\xa0x", "é ü “q” – …", "😀", "x\n", "\n", "a\n\n",
          "a" * 99, "a" * 100, "a" * 122, "a" * 123, "a" * 130]
ALPHABET = st.sampled_from(list("ab Z09-:#?,[]{}&*!|>'\"%@`.~\\\t\n\r\x85\u2028\xa0\ufeff\x01é“—😀"))
texts = st.one_of(st.sampled_from(TRICKY), st.text(ALPHABET, max_size=30),
                  st.lists(st.sampled_from(TRICKY[1:40]), max_size=4).map(" ".join))
# Keys the models know (so that key order and number fields come into play), and others.
FIELDS = sorted({name for model in FILE_KINDS.values() for name in model.model_fields}
                | {"widths", "rows", "cells", "columns", "header", "text", "id", "items", "title"})
one_line = texts.filter(lambda text: not any(ch in text for ch in "\n\r\x85\u2028\u2029"))
keys = st.one_of(st.sampled_from(FIELDS), one_line)
scalars = st.one_of(texts, st.integers(-5, 10**6), st.none(), st.booleans())
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(st.one_of(scalars, st.dictionaries(keys, inner, max_size=4)), max_size=5),
                            st.lists(st.lists(one_line, max_size=4), max_size=3),  # a table's rows
                            st.dictionaries(keys, inner, max_size=5)),
    max_leaves=25)
MODELS = [None, *FILE_KINDS.values()]


@settings(max_examples=600, deadline=None)
@given(st.dictionaries(keys, values, min_size=1, max_size=8), st.sampled_from(MODELS))
def test_the_same_text_as_ruamel(data: dict, model: type | None) -> None:
    line = "# yaml-language-server: $schema=../schema/x.schema.json"
    try:
        fast = finish_text(dump_values(data, model), line)
    except Unsupported:
        fast = None
    slow = ruamel_text(data, model, line)
    if fast is not None:
        assert fast == slow
    assert canonical_text(data, model, line) == slow


@pytest.mark.parametrize("text", TRICKY)
def test_each_tricky_text(text: str) -> None:
    for data in ({"title": text}, {"items": [text]}, {"rows": [[text, "x"]]}, {text or "k": "v"},
                 {"widths": [text, "10"]}, {"sections": [{"title": text, "content": [text]}]}):
        for model in MODELS:
            assert canonical_text(data, model, None) == ruamel_text(data, model, None), (data, model)


def _seed_files() -> list[Path]:
    return sorted(path for path in SEED.rglob("*.yaml") if kind_of(path, SEED) is not None)


def test_the_seed_plan_files() -> None:
    """Every file of the seed plan, as the loader reads it, written the same both ways and
    without ruamel."""
    files = _seed_files()
    assert len(files) > 20
    for path in files:
        schema = kind_of(path, SEED)
        model = FILE_KINDS[schema]
        data = load_yaml(path).data
        line = schema_line(path, SEED, schema)
        assert finish_text(dump_values(data, model), line) == ruamel_text(data, model, line), path


def test_import_of_the_seed_td_uses_no_ruamel(td: bytes, tmp_path: Path) -> None:
    """The seed TD's import: each file written without ruamel, the same bytes as through it."""
    from apdoc.commands.import_td import read_document
    from apdoc.unlayout import plan_from_xhtml

    seed_td = tmp_path / "td.docx"
    seed_td.write_bytes(td)
    root, _ = read_document(seed_td)
    result = plan_from_xhtml(root, source="td")
    for relative, data in result.files.items():
        path = PLAN / relative
        schema = kind_of(path, PLAN)
        model = FILE_KINDS[schema] if schema else None
        line = schema_line(path, PLAN, schema) if schema else None
        assert finish_text(dump_values(data, model), line) == ruamel_text(data, model, line), relative
        assert file_text(relative, data).startswith(line or "")


def test_import_reads_each_file_back_once(td: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """import verifies each written file against what its validation read, not by a parse of its own."""
    from apdoc.commands.import_td import import_plan
    from apdoc.unlayout import write

    seed_td = tmp_path / "td.docx"
    seed_td.write_bytes(td)
    parsed: list[str] = []
    original = write.loaded_data
    monkeypatch.setattr(write, "loaded_data", lambda text, path: parsed.append(str(path)) or original(text, path))
    imported = import_plan(seed_td, tmp_path / "plan")
    assert len(imported.written) > 20
    assert parsed == []


def test_a_file_that_does_not_read_back_is_not_written(td: bytes, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The check against the validation's read still refuses a file whose text lost a value."""
    from apdoc.commands.import_td import import_plan
    from apdoc.diagnostics import PlanError
    from apdoc.unlayout import write

    seed_td = tmp_path / "td.docx"
    seed_td.write_bytes(td)
    original = write.file_text
    monkeypatch.setattr(write, "file_text", lambda relative, values, **kw: original(relative, values, **kw).replace(
        "title: Introduction", "title: Introductions"))
    with pytest.raises(PlanError, match="without changing them"):
        import_plan(seed_td, tmp_path / "plan")
    assert not (tmp_path / "plan").exists()


@settings(max_examples=500, deadline=None)
@given(st.one_of(one_line, st.from_regex(r"\A[A-Za-z~.<=0-9+-][A-Za-z0-9_.:+-]{0,7}\Z"),
                 st.sampled_from(["falsey", "FALSE", "nullx", "yes it", "Off", "OFFx", "Trueish", "y", "~x"])))
def test_plain_text_reads_as_text_as_the_readers_say(text: str) -> None:
    """The short cut for text no reader types gives what asking the readers gives."""
    from apdoc.plan.yaml_emit import _plain_reads_as_text
    from apdoc.plan.yaml_layout import reads_as_text

    assert _plain_reads_as_text(text) == reads_as_text(text)
