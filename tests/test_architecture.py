"""The shape of the code: the pipeline's modules import each other in one direction only.

Read from the source (an AST of every module), not by importing it, so a cycle that happens
to be broken at run time by an import inside a function is still found.
"""

from __future__ import annotations

import ast
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
