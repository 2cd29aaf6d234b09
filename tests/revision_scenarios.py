"""The editing scenarios of issues 14 and 23, and how large their revision marks are.

Each scenario edits two copies of the seed plan (earlier, now) the way an editor would. For
each, `measure` builds the two plain DOCX files and the marked one and reports the words the
marks cover beside the words that really differ between the plain builds (a word diff): a
careful editor's marks are not much larger than the change.

    .venv/bin/python tests/revision_scenarios.py          # the table, one line per scenario
"""

from __future__ import annotations

import io
import re
import shutil
import sys
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
SEED_PLAN = Path(__file__).resolve().parent.parent / "plan"
# Run-level changes: text inside them is marked (w:rPr/w:ins marks a paragraph mark, no words).
CHANGES = {f"{W}ins", f"{W}del", f"{W}moveFrom", f"{W}moveTo"}
RATIO, SLACK = 1.5, 10  # the target: marked ≤ 1.5 × changed + 10 words


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


CHAPTER_3 = "chapters/03-resolutions-and-articles.yaml"
SECOND = "For purposes of the Action Plan, these are the entities"
THIRD = "Also included in this definition"


def split_paragraph(earlier: Path, now: Path) -> None:
    """A paragraph of chapter 3 split in two."""
    _edit(now / CHAPTER_3, "2022-2024 study period. These entities",
          "2022-2024 study period.\n\n        These entities")


def merge_paragraphs(earlier: Path, now: Path) -> None:
    """The last two paragraphs of clause 3.1 joined into one (chapter 4's heading follows)."""
    _edit(now / CHAPTER_3, "Sector Member.\n      - |\n        Also", "Sector Member. Also")


def footnote_words(earlier: Path, now: Path) -> None:
    """Two words of a footnote changed."""
    _edit(now / CHAPTER_3, "study of telecommunication problems", "study of telecommunications issues")


def footnote_added(earlier: Path, now: Path) -> None:
    """A footnote added where there was none (the earlier version lacks the SME footnote)."""
    _edit(earlier / CHAPTER_3, "(Dubai, 2018[^sme])", "(Dubai, 2018)")
    text = (earlier / CHAPTER_3).read_text(encoding="utf-8")
    start = text.index("      sme: >-")
    (earlier / CHAPTER_3).write_text(text[:start], encoding="utf-8")


def row_moved(earlier: Path, now: Path) -> None:
    """The Outcomes row of Table 1 moved down two places."""
    path = now / "chapters/02-rationale.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(n for n, line in enumerate(lines) if line.lstrip().startswith("- [Outcomes,"))
    lines.insert(at + 2, lines.pop(at))
    path.write_text("".join(lines), encoding="utf-8")


def paragraph_moved(earlier: Path, now: Path) -> None:
    """The second paragraph of clause 3.1 moved before the first."""
    path = now / CHAPTER_3
    text = path.read_text(encoding="utf-8")
    first = text.index("      - |\n        Article 19")
    second = text.index(f"      - |\n        {SECOND}")
    third = text.index(f"      - |\n        {THIRD}")
    path.write_text(text[:first] + text[second:third] + text[first:second] + text[third:], encoding="utf-8")


CLOSING = "  - |\n    This action plan was developed"


def paragraph_deleted(earlier: Path, now: Path) -> None:
    """The last paragraph of chapter 1 deleted: chapter 2's heading follows it."""
    path = now / "chapters/01-introduction.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index(CLOSING)], encoding="utf-8")


def paragraph_added(earlier: Path, now: Path) -> None:
    """The inverse: a last paragraph added to chapter 1."""
    paragraph_deleted(now, earlier)


def action_item_added(earlier: Path, now: Path) -> None:
    """A new action item, as the README's "Adding an action item" writes it, in Figure 1 too."""
    (now / "action-items/AP1.8.yaml").write_text(
        "id: AP1.8\nshort_name: Interlock with other groups\n"
        "statement: Identify how industry engagement interlocks with the work of other RGs.\n"
        "table:\n  key_outcomes:\n  key_outcome_indicators:\n  implementation_strategies:\n  enablers:\n"
        "  itu_services:\n  learning_and_feedback:\n", encoding="utf-8")
    _edit(now / "chapters/02-rationale.yaml", "action_items: [AP1.4]", "action_items: [AP1.4, AP1.8]")


def figure_changed(earlier: Path, now: Path) -> None:
    """Figure 1 gets one more action item in a pillar; its caption is the same."""
    _edit(now / "chapters/02-rationale.yaml", "action_items: [AP1.4]", "action_items: [AP1.4, AP2]")


def figure_items_added(earlier: Path, now: Path) -> None:
    """Issue 23: a pillar of Figure 1 lists one more action item. Its drawing changes, and its
    bullet goes from "AP1.2 and AP1.3." to "AP1.2, AP1.3, and AP1.6.": ids are whole words."""
    _edit(earlier / "chapters/02-rationale.yaml", "action_items: [AP1.2, AP1.3, AP1.6]",
          "action_items: [AP1.2, AP1.3]")


def split_beside_footnote(earlier: Path, now: Path) -> None:
    """Issue 23: a paragraph of chapter 3 split in two, and the next one gains a footnote."""
    footnote_added(earlier, now)
    split_paragraph(earlier, now)


def split_after_footnote(earlier: Path, now: Path) -> None:
    """The last paragraph of clause 3.1 split after its footnote on Associates: the first part,
    whose paragraph mark is new, holds a footnote reference (LibreOffice 7.4's third limit)."""
    _edit(now / CHAPTER_3, "“Associates”[^associates] (see", "“Associates”[^associates]\n\n        (see")


SCENARIOS: dict[str, Callable[[Path, Path], None]] = {
    "split": split_paragraph,
    "merge": merge_paragraphs,
    "footnote-words": footnote_words,
    "footnote-added": footnote_added,
    "paragraph-deleted": paragraph_deleted,
    "paragraph-added": paragraph_added,
    "row-moved": row_moved,
    "paragraph-moved": paragraph_moved,
    "action-item-added": action_item_added,
    "figure-changed": figure_changed,
    "figure-items-added": figure_items_added,
    "split-beside-footnote": split_beside_footnote,
    "split-after-footnote": split_after_footnote,
}


def scenario_plans(name: str, folder: Path) -> tuple[Path, Path]:
    """Two copies of the seed plan in `folder`, edited as scenario `name` says: (earlier, now)."""
    earlier, now = folder / "earlier" / "plan", folder / "now" / "plan"
    for target in (earlier, now):
        shutil.copytree(SEED_PLAN, target)
    SCENARIOS[name](earlier, now)
    return earlier, now


# --- words ------------------------------------------------------------------------------


def _parts(docx: bytes) -> list[etree._Element]:
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        return [etree.fromstring(archive.read(name)) for name in ("word/document.xml", "word/footnotes.xml")]


def _without_cover(root: etree._Element) -> etree._Element:
    cover = root.find(f"{W}body/{W}tbl")
    if cover is not None:
        cover.getparent().remove(cover)
    return root


def plain_words(docx: bytes) -> list[str]:
    """The words of a clean DOCX's body (cover left out) and footnotes, in order."""
    words: list[str] = []
    for n, root in enumerate(_parts(docx)):
        if n == 0:
            _without_cover(root)
        for p in root.iter(f"{W}p"):
            words.extend("".join(t.text or "" for t in p.iter(f"{W}t", f"{W}delText")).split())
    return words


def changed_words(earlier: bytes, current: bytes) -> int:
    """Words deleted plus words inserted between two clean builds, by a word diff."""
    old, new = plain_words(earlier), plain_words(current)
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    return sum(i2 - i1 + j2 - j1 for op, i1, i2, j1, j2 in matcher.get_opcodes() if op != "equal")


def marked_words(docx: bytes) -> int:
    """Words inside the tracked changes of a marked DOCX (a paragraph mark alone is none)."""
    count = 0
    for root in _parts(docx):
        for change in root.iter(*CHANGES):
            if change.getparent().tag in (f"{W}rPr", f"{W}trPr"):
                continue
            if any(a.tag in CHANGES and a.getparent().tag not in (f"{W}rPr", f"{W}trPr")
                   for a in change.iterancestors()):
                continue  # counted with the change around it
            count += len("".join(t.text or "" for t in change.iter(f"{W}t", f"{W}delText")).split())
    return count


@dataclass
class Measure:
    name: str
    changed: int
    marked: int

    @property
    def within_target(self) -> bool:
        return self.marked <= RATIO * self.changed + SLACK

    def __str__(self) -> str:
        ratio = f"{self.marked / self.changed:.2f}×" if self.changed else "—"
        verdict = "ok" if self.within_target else "TOO MANY"
        return f"{self.name:20} changed {self.changed:4}  marked {self.marked:4}  {ratio:>7}  {verdict}"


@dataclass
class Builds:
    earlier: bytes
    current: bytes
    marked: bytes


def build_scenario(name: str, folder: Path, date: str = "2024-04-19T10:00:00Z") -> Builds:
    from apdoc.build import BuildRequest, build_formats

    earlier, now = scenario_plans(name, folder)
    out = {}
    for key, plan, options in (("earlier", earlier, {}), ("current", now, {}),
                               ("marked", now, {"compare_to": str(earlier), "author": "Editor", "date": date})):
        target = folder / f"{key}.docx"
        build_formats(BuildRequest(plan, {"docx": target}, **options))
        out[key] = target.read_bytes()
    return Builds(**out)


def measure(name: str, builds: Builds) -> Measure:
    return Measure(name, changed_words(builds.earlier, builds.current), marked_words(builds.marked))


# --- LibreOffice -------------------------------------------------------------------------

LO_RESOLVE = Path(__file__).with_name("lo_resolve.py")
LO_LIMITS = Path(__file__).with_name("lo_limits.py")
COVER_NOTE = ("Revision marks:", "This version shows the changes")


def libreoffice_paragraphs(docx: bytes, action: str, folder: Path) -> dict[str, list]:
    """What LibreOffice shows after `action` (Accept, Reject or None): every paragraph as
    [style, list label, text] and the footnotes' texts; the cover's note on the marks left out."""
    import json
    import subprocess

    source = folder / f"lo-{action}-{len(list(folder.iterdir()))}.docx"
    source.write_bytes(docx)
    target = source.with_suffix(".txt")
    result = subprocess.run(["/usr/bin/python3", str(LO_RESOLVE), str(source), action, str(target)],
                            capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        raise RuntimeError(result.stderr)
    dump = json.loads(Path(f"{target}.json").read_text(encoding="utf-8"))
    dump["body"] = [p for p in dump["body"] if not p[2].startswith(COVER_NOTE)]
    dump["left"] = int(result.stdout.split()[1])
    return dump


def libreoffice_limits() -> dict[str, bool]:
    """What the installed LibreOffice's own tracked changes leave behind (tests/lo_limits.py):
    {"empty_row_keeps_u200d": …, "paragraph_between_tables_stays": …, "split_after_footnote_stays": …}."""
    import json
    import subprocess

    result = subprocess.run(["/usr/bin/python3", str(LO_LIMITS)], capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        raise RuntimeError(result.stderr)
    return json.loads(result.stdout)


def libreoffice_differences(builds: Builds, folder: Path) -> list[str]:
    """How LibreOffice's Accept All and Reject All of the marked DOCX differ from the plain builds."""
    from difflib import unified_diff

    problems = []
    for action, plain in (("Accept", builds.current), ("Reject", builds.earlier)):
        resolved = libreoffice_paragraphs(builds.marked, action, folder)
        expected = libreoffice_paragraphs(plain, "None", folder)
        if resolved["left"]:
            problems.append(f"{action}: {resolved['left']} changes left")
        for part in ("body", "footnotes"):
            got = [repr(p) for p in resolved[part]]
            want = [repr(p) for p in expected[part]]
            if got != want:
                diff = list(unified_diff(want, got, "plain", action, n=1, lineterm=""))
                problems.append(f"{action} {part}:\n" + "\n".join(diff[:40]))
    return problems


def main(names: list[str], libreoffice: bool = False) -> None:
    if libreoffice:
        print("LibreOffice's own changes leave:", libreoffice_limits(), flush=True)
    for name in names or list(SCENARIOS):
        with tempfile.TemporaryDirectory(prefix=f"apdoc-{name}-") as tmp:
            builds = build_scenario(name, Path(tmp))
            print(measure(name, builds), flush=True)
            if libreoffice:
                for problem in libreoffice_differences(builds, Path(tmp)):
                    print("   ", problem.replace("\n", "\n    "))


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    main([a for a in sys.argv[1:] if not re.match(r"^-", a)], libreoffice="--lo" in sys.argv)
