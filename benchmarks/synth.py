"""Synthetic plans N times the size of a real one, for the benchmarks.

Copy k of every action item gets its top-level number shifted by 10·k (AP1.2 → AP11.2),
copy k of every chapter and annex gets its ids suffixed, and the consideration matrix
gets N times the rows (numbers shifted by 100·k). The result validates like the original.

    python benchmarks/synth.py plan 10 /tmp/plan-10x
"""

from __future__ import annotations

import copy
import re
import shutil
import sys
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
from apdoc.plan.source import load_yaml

AP = re.compile(r"\bAP([1-9][0-9]*)((?:\.[1-9][0-9]*)*)\b")
ID_KEYS = {"id"}


def _map_strings(data: Any, fn) -> Any:
    if isinstance(data, str):
        return fn(data)
    if isinstance(data, list):
        return [_map_strings(v, fn) for v in data]
    if isinstance(data, dict):
        return {k: _map_strings(v, fn) for k, v in data.items()}
    return data


def _shift_ap(k: int):
    def shift(text: str) -> str:
        return AP.sub(lambda m: f"AP{int(m.group(1)) + 10 * k}{m.group(2)}", text)

    return shift


def _suffix_ids(chapter: dict[str, Any], k: int) -> dict[str, Any]:
    """Copy k of a chapter: ids, table ids and footnote labels suffixed; generated inserts dropped."""
    out = dict(chapter)
    out["id"] = f"{chapter['id']}-k{k}"
    labels = list((chapter.get("footnotes") or {}).keys())

    def relabel(text: str) -> str:
        for label in labels:
            text = text.replace(f"[^{label}]", f"[^{label}-k{k}]")
        return _shift_ap(k)(text)

    content = []
    for block in chapter.get("content") or []:
        if isinstance(block, dict) and "insert" in block:
            continue
        if isinstance(block, dict) and "figure" in block:
            figure = _map_strings(block["figure"], relabel)
            block = {"figure": figure | {"id": f"{block['figure']['id']}-k{k}"}}
        elif isinstance(block, dict) and "table" in block:
            table = dict(block["table"])
            table["id"] = f"{table['id']}-k{k}"
            block = {"table": _map_strings(table, relabel) | {"id": table["id"]}}
        elif not isinstance(block, dict):
            block = _map_strings(block, relabel)
        content.append(block)
    out["content"] = content
    if labels:
        notes = chapter["footnotes"].items()
        out["footnotes"] = {f"{label}-k{k}": _map_strings(text, relabel) for label, text in notes}
    out["sections"] = [_suffix_ids(s, k) for s in chapter.get("sections") or []]
    for key in ("references", "considerations", "session_sources", "target_entities"):
        out.pop(key, None)
    out["title"] = _map_strings(chapter["title"], relabel)
    return out


def _dump(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")


def synthesize(source: Path, factor: int, target: Path) -> Path:
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    shutil.copy(source / "document.yaml", target / "document.yaml")
    for path in sorted((source / "action-items").glob("*.yaml")):
        data = load_yaml(path).data
        for k in range(factor):
            copy = _map_strings(data, _shift_ap(k))
            _dump(target / "action-items" / f"{copy['id']}.yaml", copy)
    for folder in ("chapters", "annexes"):
        for path in sorted((source / folder).glob("*.yaml")):
            data = load_yaml(path).data
            if data.get("considerations"):
                rows = []
                for k in range(factor):
                    for row in data["considerations"]:
                        copy = _map_strings(row, _shift_ap(k))
                        copy["number"] = str(int(row["number"]) + 100 * k)
                        rows.append(copy)
                data = {**data, "considerations": rows}
            _dump(target / folder / path.name, data)
            if folder == "annexes" and data.get("references"):
                continue  # one bibliography: the copies cite the same keys
            for k in range(1, factor):
                _dump(target / folder / f"{path.stem}-k{k:03d}.yaml", _suffix_ids(data, k))
    return target


if __name__ == "__main__":
    synthesize(Path(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3]))


def earlier_version(plan: Path, target: Path) -> Path:
    """The plan as the seed's previous version was: no Learning and Feedback rows in the
    action item tables, and no chapter holding the consideration matrix (the seed's abstract
    names these as what its version added). Used by the revision-mark tests and benchmark."""
    shutil.copytree(plan, target)
    for path in (target / "chapters").glob("*.yaml"):
        if "\nconsiderations:" in path.read_text(encoding="utf-8"):
            path.unlink()
    for path in (target / "action-items").glob("*.yaml"):
        kept, skipping = [], None
        for line in path.read_text(encoding="utf-8").splitlines(keepends=True):
            indent = len(line) - len(line.lstrip())
            if skipping is not None and (not line.strip() or indent > skipping):
                continue
            skipping = None
            if line.lstrip().startswith("learning_and_feedback:"):
                skipping = indent
                continue
            kept.append(line)
        path.write_text("".join(kept), encoding="utf-8")
    return target


def large_field(plan: Path, kilobytes: int, target: Path) -> Path:
    """The plan with one very large text field: the first action item table's Key Outcome(s) as
    `kilobytes` KB of paragraphs (as pasted from a long contribution). PDF time grows fastest
    with it (a 5 MB field takes minutes), so `make bench` watches it."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(plan, target)
    sentence = ("The group reviews the outcomes of each study period against the indicators agreed, "
                "and reports on the progress of every action item to the next meeting. ")
    paragraph = sentence * 6
    count = max(1, kilobytes * 1024 // (len(paragraph) + 2))
    for path in sorted((target / "action-items").glob("*.yaml")):
        data = load_yaml(path).data
        if isinstance(data.get("table"), dict):
            data["table"]["key_outcomes"] = "\n\n".join([paragraph.strip()] * count)
            _dump(path, data)
            return target
    raise SystemExit(f"{plan}: no action item has a table to put the large field in")


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def one_tracked_edit(built: Path, target: Path) -> Path:
    """The TD `built` as the meeting leaves it after one edit: in the first action item table's
    Key Outcome(s), its first word of four letters or more replaced by "revised", with Track
    Changes on (a w:del and a w:ins, as Word writes them). For the "apply (one edit)" row."""
    import io
    import zipfile

    from lxml import etree

    with zipfile.ZipFile(built) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    root = etree.fromstring(parts["word/document.xml"])
    rows = list(root.iter(W + "tr"))
    label = next(n for n, row in enumerate(rows) if "".join(row.itertext()).strip() == "Key Outcome(s)")
    t, word = next((t, m.group(0)) for t in rows[label + 1].iter(W + "t")
                   if (m := re.search(r"[A-Za-z]{4,}", t.text or "")))
    before, after = t.text.split(word, 1)
    run = t.getparent()
    t.text = before
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    marks = {W + "author": "Meeting", W + "date": "2026-11-27T10:00:00Z"}
    for n, (kind, text, tag) in enumerate((("del", word, "delText"), ("ins", "revised", "t"), (None, after, "t"))):
        new_run = etree.Element(W + "r")
        if run.find(W + "rPr") is not None:
            new_run.append(copy.deepcopy(run.find(W + "rPr")))
        etree.SubElement(new_run, W + tag, {"{http://www.w3.org/XML/1998/namespace}space": "preserve"}).text = text
        if kind is not None:
            wrapper = etree.Element(W + kind, {W + "id": str(9000 + n), **marks})
            wrapper.append(new_run)
            new_run = wrapper
        run.addnext(new_run)
        run = new_run
    parts["word/document.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    target.write_bytes(out.getvalue())
    return target


def short_paragraphs(built: Path, count: int, target: Path) -> Path:
    """The TD `built` with `count` short paragraphs ("para N") after its first chapter heading:
    the shape of issue 20's 200,000-paragraph DOCX (610 KB), for import's paragraphs per second."""
    import io
    import zipfile

    with zipfile.ZipFile(built) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    document = parts["word/document.xml"].decode("utf-8")
    heading = document.index('<w:pStyle w:val="Heading1"/>')
    cut = document.index("</w:p>", heading) + len("</w:p>")
    extra = "".join(f"<w:p><w:r><w:t>para {n}</w:t></w:r></w:p>" for n in range(count))
    parts["word/document.xml"] = (document[:cut] + extra + document[cut:]).encode("utf-8")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    target.write_bytes(out.getvalue())
    return target


def paragraphs_in(docx: Path) -> int:
    """How many paragraphs (w:p, in cells too) the DOCX's document holds."""
    import zipfile

    with zipfile.ZipFile(docx) as z:
        return len(re.findall(rb"<w:p[ >]", z.read("word/document.xml")))
