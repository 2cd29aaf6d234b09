"""The shape of the code: the pipeline's modules import each other in one direction only.

Read from the source (an AST of every module), not by importing it, so a cycle that happens
to be broken at run time by an import inside a function is still found.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from conftest import ROOT

PACKAGE = ROOT / "src" / "apdoc"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imports(name: str) -> list[tuple[str, list[str]]]:
    """(module imported, names imported from it) for every import in module `name`, at any depth."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            names = [alias.name for alias in node.names]
            # `from . import x` imports module x when there is one (its package is already loading)
            submodules = [alias for alias in names if f"{target}.{alias}" in MODULES]
            found.extend((f"{target}.{alias}", []) for alias in submodules)
            if len(submodules) < len(names):
                found.append((target, [alias for alias in names if alias not in submodules]))
        elif isinstance(node, ast.Import):
            found.extend((alias.name, []) for alias in node.names)
    return [(target, names) for target, names in found if target in MODULES and target != name]


GRAPH = {name: {target for target, _ in _imports(name)} for name in MODULES}


def _cycle() -> list[str] | None:
    """One import cycle, as the modules around it, or None."""
    state: dict[str, str] = {}
    stack: list[str] = []

    def visit(name: str) -> list[str] | None:
        state[name] = "open"
        stack.append(name)
        for target in sorted(GRAPH[name]):
            if state.get(target) == "open":
                return [*stack[stack.index(target):], target]
            if target not in state and (found := visit(target)):
                return found
        stack.pop()
        state[name] = "done"
        return None

    for name in MODULES:
        if name not in state and (found := visit(name)):
            return found
    return None


def test_there_is_no_import_cycle() -> None:
    assert _cycle() is None


def test_the_cycle_finder_finds_a_cycle(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(GRAPH, "apdoc.plan.models", {*GRAPH["apdoc.plan.models"], "apdoc.plan.checks"})
    assert _cycle() is not None


def test_no_private_name_is_imported_from_another_module() -> None:
    private = [(name, target, imported) for name in MODULES for target, names in _imports(name)
               for imported in names if imported.startswith("_") and imported != "__version__"]
    assert private == []


@pytest.mark.parametrize(("module", "must_not_import"), [
    ("apdoc.plan", "apdoc.layout"),  # the plan knows nothing of how it is laid out
    ("apdoc.plan", "apdoc.writers"),
    ("apdoc.plan", "apdoc.commands"),  # commands sit on top of the pipeline: nothing in it uses one
    ("apdoc.layout", "apdoc.commands"),
    ("apdoc.revisions", "apdoc.commands"),
    ("apdoc.writers", "apdoc.commands"),
    ("apdoc.readers", "apdoc.commands"),
    ("apdoc.readers", "apdoc.plan"),  # a reader makes the intermediate document, nothing more
    ("apdoc.readers", "apdoc.unlayout"),
    ("apdoc.readers", "apdoc.layout"),
    ("apdoc.layout", "apdoc.writers"),
    ("apdoc.writers", "apdoc.plan"),  # writers read only the intermediate document
    ("apdoc.writers", "apdoc.layout"),
    ("apdoc.revisions", "apdoc.plan"),
    ("apdoc.commands.stats", "apdoc.layout"),  # numbering is a fact of the plan
    ("apdoc.commands.diff", "apdoc.layout"),
])
def test_the_pipeline_flows_one_way(module: str, must_not_import: str) -> None:
    inside = [name for name in MODULES if name == module or name.startswith(module + ".")]
    wrong = [(name, target) for name in inside for target in GRAPH[name]
             if target == must_not_import or target.startswith(must_not_import + ".")]
    assert wrong == []


# How an OOXML name is spelt: its namespaces, relationship and content types, Strict's namespaces.
OOXML_SPELLINGS = ("schemas.openxmlformats.org", "wordprocessingml", "schemas.microsoft.com/office",
                   "purl.oclc.org/ooxml")


def test_only_the_ooxml_module_spells_an_ooxml_name() -> None:
    """The DOCX reader and writer take their namespaces, parts, relationship and content types
    from apdoc/ooxml.py: spelt once, the two sides cannot drift apart."""
    assert "apdoc.ooxml" in MODULES
    spelt = [(name, spelling) for name, path in MODULES.items() if name != "apdoc.ooxml"
             for spelling in OOXML_SPELLINGS if spelling in path.read_text(encoding="utf-8")]
    assert spelt == []


def _patterns(schema: object) -> set[str]:
    if isinstance(schema, dict):
        own = {schema["pattern"]} if isinstance(schema.get("pattern"), str) else set()
        return own.union(*(_patterns(v) for v in schema.values()))
    if isinstance(schema, list):
        return set().union(*(_patterns(v) for v in schema))
    return set()


def test_every_id_pattern_of_the_models_has_a_meaning_for_the_editor() -> None:
    from apdoc.plan.models import FILE_KINDS, PATTERN_MEANINGS

    patterns = _patterns([model.model_json_schema() for model in FILE_KINDS.values()])
    assert len(patterns) >= 5  # ids, slugs, targets, numbers, keys
    assert patterns - set(PATTERN_MEANINGS) == set()


def test_validate_loads_no_writer_and_no_layout() -> None:
    """The registry names writers without importing them: `apdoc validate` stays quick."""
    from conftest import SEED_PLAN, modules_after

    loaded = {name.split(".")[0] for name in modules_after("validate", "--plan", str(SEED_PLAN))}
    assert loaded & {"lxml", "jinja2", "weasyprint", "cairosvg"} == set()


# --- one vocabulary: the intermediate XHTML's tag names are spelt in apdoc.intermediate only ---------

VOCABULARY_HOME = "apdoc.intermediate"
# Not the XHTML's names although they look it (w:b, w:ins…): a comment saying so on the line.
OOXML_MARK = "OOXML names"
# The plan knows nothing of the XHTML: "table" and "figure" there are kinds of plan content.
NOT_THE_XHTML = ("apdoc.plan",)
# Modules of other work in progress that still spell tag sets, and will import them instead.
# An entry whose module no longer spells one fails too: take it out then.
PENDING: dict[str, str] = {}


def _tag_sets(source: str, tags: frozenset[str]) -> list[tuple[int, list[str]]]:
    """(line, names) of each literal set, tuple or list, and each call's arguments, that spell
    two or more tag names and nothing else as strings (`("td", "th")`, `root.iter("h1", "h2")`)."""
    lines = source.splitlines()
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Set | ast.Tuple | ast.List):
            items = node.elts
        elif isinstance(node, ast.Call):
            items = node.args
        else:
            continue
        names = [item.value for item in items if isinstance(item, ast.Constant) and isinstance(item.value, str)]
        if len(names) >= 2 and all(name in tags for name in names) and OOXML_MARK not in lines[node.lineno - 1]:
            found.append((node.lineno, names))
    return found


def _spelt_tag_sets(sources: dict[str, str]) -> dict[str, list[tuple[int, list[str]]]]:
    from apdoc.intermediate import TAGS

    found = {name: _tag_sets(source, TAGS) for name, source in sources.items()
             if name != VOCABULARY_HOME and not name.startswith(NOT_THE_XHTML)}
    return {name: sets for name, sets in found.items() if sets}


SOURCES = {name: path.read_text(encoding="utf-8") for name, path in MODULES.items()}


def test_no_module_but_the_intermediate_spells_a_set_of_tag_names() -> None:
    spelt = _spelt_tag_sets(SOURCES)
    assert {name: sets for name, sets in spelt.items() if name not in PENDING} == {}
    assert sorted(name for name in PENDING if name not in spelt) == []


@pytest.mark.parametrize("spelling", ['CELLS = ("td", "th")', 'x = {"ul", "ol", "p"}', 'body.iter("h1", "h2", "h3")',
                                      "y = [tag for tag in ['h1', 'h2']]", 'frozenset({"strong", "b"})'])
def test_the_tag_set_finder_finds_a_set_of_tag_names(spelling: str) -> None:
    assert _spelt_tag_sets({"apdoc.writers.example": spelling}) != {}


@pytest.mark.parametrize("spelling", ['KINDS = ("text", "br")', 'PROPS = ("rStyle", "b", "i")', 'one = ("td",)',
                                      'x = ("b", "i")  # OOXML names: w:b, w:i', 'el.get("class", "p")[0:2]'])
def test_the_tag_set_finder_leaves_other_strings_alone(spelling: str) -> None:
    assert _spelt_tag_sets({"apdoc.writers.example": spelling}) == {}



def _documented_elements() -> set[str]:
    """The elements the Blocks and Inline tables of docs/layout-vocabulary.md name (first column)."""
    text = (ROOT / "docs" / "layout-vocabulary.md").read_text(encoding="utf-8")
    names: set[str] = set()
    for section in ("## Blocks", "## Inline"):
        body = text.split(section, 1)[1].split("\n## ", 1)[0]
        for row in (line for line in body.splitlines() if line.startswith("| `")):
            first_cell = row.split(" | ", 1)[0]
            names.update(span.split()[0] for span in re.findall(r"`([^`]+)`", first_cell))
    return names - {"svg"}  # the drawing: the SVG namespace's, not the XHTML's


def test_every_element_the_vocabulary_page_names_is_in_the_intermediate_module() -> None:
    from apdoc.intermediate import TAGS

    documented = _documented_elements()
    assert len(documented) >= 25
    assert documented - TAGS == set()
