"""Chapters and annexes: ids, footnotes, references, figures, the consideration matrix."""

from __future__ import annotations

from ...diagnostics import Diagnostic
from ..folder import Plan
from ..models import Chapter
from ..refs import CITATION, FOOTNOTE_REF
from ..source import SourceFile
from ..walks import Loc, block_kind, chapter_tree
from .recovered import FileTexts, Recovered, Registry, nearest


def check_chapters(plan: Plan, recovered: Recovered, texts: FileTexts, problems: list[Diagnostic]) -> None:
    chapter_ids = Registry("chapter or section id", problems)
    table_ids = Registry("table id", problems)
    figure_ids = Registry("figure id", problems)
    footnote_ids = Registry("footnote id", problems)
    reference_keys = Registry("reference", problems)
    inserts = Registry("insert", problems)
    matrices = Registry("consideration matrix", problems)
    cited_footnotes: dict[str, int] = {}
    defined_footnotes: list[tuple[str, SourceFile, Loc]] = []
    for loaded in plan.all_chapters:
        source = loaded.source
        for chapter, loc in chapter_tree(loaded.model):
            chapter_ids.add(chapter.id, source, (*loc, "id"))
            for label in chapter.footnotes:
                footnote_ids.add(label, source, (*loc, "footnotes", label))
                defined_footnotes.append((label, source, (*loc, "footnotes", label)))
            for n, ref in enumerate(chapter.references):
                reference_keys.add(ref.key, source, (*loc, "references", n, "key"))
            if chapter.considerations:
                matrices.add("considerations", source, (*loc, "considerations"))
                _check_considerations(chapter, source, loc, problems)
            for n, block in enumerate(chapter.content):
                bloc = (*loc, "content", n)
                kind = block_kind(block)
                if kind == "text":
                    continue
                if kind == "insert":
                    inserts.add(block.insert, source, (*bloc, "insert"))
                    continue
                if kind == "figure":
                    figure_ids.add(block.figure.id, source, (*bloc, "figure", "id"))
                    continue
                table = block.table
                table_ids.add(table.id, source, (*bloc, "table", "id"))
                width = len(table.columns)
                if table.widths is not None and len(table.widths) != width:
                    problems.append(source.diagnostic((*bloc, "table", "widths"),
                                                      f"{len(table.widths)} widths for {width} columns"))
                for r, row in enumerate(table.rows):
                    if len(row) != width:
                        problems.append(source.diagnostic(
                            (*bloc, "table", "rows", r), f"row has {len(row)} cells; the table has {width} columns"
                        ))
    for text in recovered.texts:
        for label in FOOTNOTE_REF.findall(text):
            cited_footnotes[label] = cited_footnotes.get(label, 0) + 1
    opaque = recovered.opaque_chapter  # a chapter that could not be read may define any footnote
    for loaded, strings in texts:
        for loc, text in strings:
            if "[" not in text:  # what both patterns need; most text has no bracket
                continue
            for label in FOOTNOTE_REF.findall(text):
                cited_footnotes[label] = cited_footnotes.get(label, 0) + 1
                if label not in footnote_ids.first and label not in recovered.footnotes and not opaque:
                    problems.append(loaded.source.diagnostic(loc, f"footnote [^{label}] is not defined "
                                                                  "(add it under footnotes: in the chapter)"))
            for key in CITATION.findall(text):
                if key not in reference_keys.first and key not in recovered.references and not opaque:
                    problems.append(loaded.source.diagnostic(
                        loc, f"[{key}] is cited but not in the references annex{nearest(key, reference_keys.first)}"
                    ))
    for label, source, loc in defined_footnotes:
        if label not in cited_footnotes:
            if not recovered.opaque_text:
                problems.append(source.diagnostic(loc, f"footnote '{label}' is never referenced ([^{label}])",
                                                  key=True))
        elif cited_footnotes[label] > 1:
            problems.append(source.diagnostic(loc, f"footnote '{label}' is referenced {cited_footnotes[label]} "
                                                   "times; a footnote is referenced once", key=True))
    unsure = recovered.chapter_failed  # the figure, matrix or insert wanted may be in a failed chapter
    if "pillar_list" in inserts.first and not figure_ids.first and not unsure:
        source, loc = inserts.first["pillar_list"]
        problems.append(source.diagnostic(loc, "insert: pillar_list, but no figure has pillars"))
    if "considerations" in inserts.first and "considerations" not in matrices.first and not unsure:
        source, loc = inserts.first["considerations"]
        problems.append(source.diagnostic(loc, "insert: considerations, but no chapter has considerations"))
    if "considerations" in matrices.first and "considerations" not in inserts.first and not unsure:
        source, loc = matrices.first["considerations"]
        problems.append(source.diagnostic(loc, "considerations are never shown: add '- insert: considerations' "
                                               "to the chapter's content"))


def _check_considerations(chapter: Chapter, source: SourceFile, loc: Loc, problems: list[Diagnostic]) -> None:
    numbers = Registry("consideration number", problems)
    sources = {s.key for s in chapter.session_sources}
    entities = set(chapter.target_entities)
    for n, row in enumerate(chapter.considerations):
        rloc = (*loc, "considerations", n)
        numbers.add(row.number.lstrip("0") or "0", source, (*rloc, "number"))
        for k, key in enumerate(row.sources):
            if key not in sources:
                problems.append(source.diagnostic(
                    (*rloc, "sources", k),
                    f"session source '{key}' is not declared in session_sources "
                    f"({', '.join(sorted(sources)) or 'none declared'})",
                ))
        for k, entity in enumerate(row.target_entities):
            if entity not in entities:
                problems.append(source.diagnostic(
                    (*rloc, "target_entities", k),
                    f"target entity '{entity}' is not declared in target_entities{nearest(entity, entities)}",
                ))
