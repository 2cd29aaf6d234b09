"""The YAML loader: every refusal has a fixture, a message and a line."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from apdoc.diagnostics import PlanError
from apdoc.plan.source import load_yaml

FIXTURES = Path(__file__).parent / "fixtures" / "loader"


def problems(name: str) -> list[tuple[int, int, str]]:
    return problems_at(FIXTURES / name)


def problems_at(path: Path) -> list[tuple[int, int, str]]:
    with pytest.raises(PlanError) as caught:
        load_yaml(path)
    return [(d.line, d.col, d.message) for d in caught.value.diagnostics]


@pytest.mark.parametrize(
    ("name", "line", "col", "message"),
    [
        ("syntax.yaml", 2, 17, "the quote opened on line 2 is not closed"),  # where the quote closes
        ("tabs.yaml", 3, 1, "tab character: indent with spaces, not tabs"),
        ("duplicate.yaml", 3, 1, "duplicate key 'id' (first defined at line 1)"),
        ("empty.yaml", 1, 1, "file is empty"),
        ("comment.yaml", 1, 1, "file is empty (or only comments)"),
        ("alias.yaml", 2, 8, "anchors (&a) are not allowed"),
        ("python-tag.yaml", 2, 8, "tags (!!python/object/apply:os.system) are not allowed"),
        ("vertical-tab.yaml", 2, 8, "control character U+000B is not allowed"),
        ("nul.yaml", 2, 8, "control character U+0000 is not allowed"),
        ("surrogate.yaml", 2, 11, "invalid Unicode character escape"),
        ("latin1.yaml", 2, 11, "not valid UTF-8 (byte 0xe9)"),
        ("utf16.yaml", 1, 1, "file is UTF-16; save it as UTF-8"),
        ("utf16-nobom.yaml", 1, 1, "file looks like UTF-16 (no byte-order mark); save it as UTF-8"),
        ("two-docs.yaml", 2, 1, "more than one YAML document"),
    ],
)
def test_refused_with_line_and_message(name: str, line: int, col: int, message: str) -> None:
    found = problems(name)
    assert any(l_ == line and c == col and message in m for l_, c, m in found), found


def test_raw_control_characters_are_each_refused_at_their_place() -> None:
    """Typed or pasted, not escaped: YAML's reader alone would stop at the first, with no line."""
    assert [(line, col, message.split(" is not")[0]) for line, col, message in problems("raw-control.yaml")] == [
        (2, 19, "vertical tab U+000B"),
        (3, 11, "form feed (page break) U+000C"),
        (3, 22, "NUL U+0000"),
    ]


def test_a_long_run_of_bad_characters_is_listed_up_to_a_limit(tmp_path: Path) -> None:
    path = tmp_path / "many.yaml"
    path.write_bytes(b"text: " + b"\x0c" * 100 + b"\n")
    found = problems_at(path)
    assert len(found) == 21 and "more such characters follow" in found[-1][2]


def test_alias_bomb_is_refused_at_once_and_nothing_runs() -> None:
    start = time.perf_counter()
    found = problems("alias-bomb.yaml")
    assert time.perf_counter() - start < 1.0  # generous: the point is that nothing expands
    assert (2, 8, "aliases (*a) are not allowed in a plan: write the text out") in found


def test_python_tag_does_not_execute(tmp_path: Path) -> None:
    marker = Path("/tmp/apdoc-pwned")
    marker.unlink(missing_ok=True)
    problems("python-tag.yaml")
    assert not marker.exists()


def test_yaml11_traps_stay_as_typed() -> None:
    data = load_yaml(FIXTURES / "yaml11.yaml").data
    assert data == {
        "no": "NO", "on": "on", "version": "1.10", "date": "2024-04-19",
        "empty": None, "tilde": None, "number": "01", "yes": "yes",
    }


def test_byte_order_mark_and_windows_line_endings_are_fine() -> None:
    source = load_yaml(FIXTURES / "bom-crlf.yaml")
    assert source.data == {"id": "bom", "title": "Windows"}
    assert source.values[("title",)] == (2, 8)


def test_positions_of_values_and_keys(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("a:\n  - one\n  - b: two\n    c: |\n      text\n", encoding="utf-8")
    source = load_yaml(path)
    assert source.values[("a", 0)] == (2, 5)
    assert source.values[("a", 1, "b")] == (3, 8)
    assert source.keys[("a", 1, "c")] == (4, 5)
    assert source.position(("a", 1, "missing")) == (3, 5)


def test_deep_nesting_is_a_clean_error(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("[" * 20000 + "]" * 20000, encoding="utf-8")
    with pytest.raises(PlanError) as caught:
        load_yaml(path)
    assert "nest" in caught.value.diagnostics[0].message


def test_nesting_beyond_our_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("a: " + "[" * 100 + "]" * 100 + "\n", encoding="utf-8")
    with pytest.raises(PlanError) as caught:
        load_yaml(path)
    assert "nesting is deeper than 64 levels" in caught.value.diagnostics[0].message


def test_large_list_loads(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text("items:\n" + "".join(f"  - item {i}\n" for i in range(100_000)), encoding="utf-8")
    data = load_yaml(path).data
    assert len(data["items"]) == 100_000 and data["items"][-1] == "item 99999"


def test_oversized_file_is_refused_without_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    with pytest.raises(PlanError) as caught:
        load_yaml(path)
    assert "file is too large (50.0 MB" in caught.value.diagnostics[0].message


def _yaml_printable(char: str) -> bool:
    """YAML 1.1's c-printable, as the spec writes it (and libyaml's reader checks it)."""
    code = ord(char)
    return (char in "\t\n\r" or 0x20 <= code <= 0x7E or code == 0x85 or 0xA0 <= code <= 0xD7FF
            or 0xE000 <= code <= 0xFFFD or 0x10000 <= code <= 0x10FFFF)


def test_the_unreadable_characters_are_exactly_those_yaml_cannot_print() -> None:
    # The pattern lists the unreadable set itself (its negation takes ~6 ms to compile at start-up):
    # every code point is checked against YAML's definition.
    from apdoc.plan.source import _UNREADABLE_CHARS

    every = "".join(map(chr, range(0x110000)))
    assert "".join(_UNREADABLE_CHARS.findall(every)) == "".join(c for c in every if not _yaml_printable(c))


def test_line_starts_are_found_only_when_a_position_needs_them(tmp_path: Path) -> None:
    # A file whose lines YAML counts as an editor does takes its positions from YAML's marks, so the
    # line starts (a scan of the whole text) are not found; a U+2028 in it makes them needed.
    from apdoc.plan.source import EditorLines, SourceFile, parse_into

    plain, broken = "a:\n  - one\n  - b: two\n", 'a: "x\u2028"\nb: two\n'
    lines = EditorLines(plain)
    parse_into(SourceFile(tmp_path / "x.yaml", None), plain, [], lines)
    assert "starts" not in vars(lines)
    source, lines = SourceFile(tmp_path / "y.yaml", None), EditorLines(broken)
    parse_into(source, broken, [], lines)
    assert "starts" in vars(lines) and source.values[("b",)] == (2, 4)


@pytest.mark.parametrize("style", ['"{}"', "'{}'", "{}", "|\n  {}"])
def test_a_control_character_can_only_come_from_a_double_quoted_escape(tmp_path: Path, style: str) -> None:
    # The loader looks for control characters in double-quoted text only: in any other style the
    # escape is text, and the character itself is refused by YAML's reader (with its place).
    path = tmp_path / "x.yaml"
    path.write_text("a: " + style.format("\\v") + "\n", encoding="utf-8")
    if style.startswith('"'):
        assert problems_at(path) == [(1, 4, "control character U+000B is not allowed in text "
                                            "(often pasted from Word: delete it or use a line break)")]
    else:
        assert load_yaml(path).data["a"].rstrip("\n") == "\\v"  # (a literal block keeps its line end)
    path.write_text("a: " + style.format("\x0b") + "\n", encoding="utf-8")
    assert [message.split(" U+")[0] for _, _, message in problems_at(path)] == ["vertical tab"]
