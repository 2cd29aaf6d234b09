"""How the intermediate form's element ids travel through a Word file, both ways.

Every element with a stable id (docs/layout-vocabulary.md) is anchored in the DOCX by a bookmark
that starts in the first paragraph the element gives (a table's: its caption), since bookmarks
are what Word and LibreOffice keep through editing and saving. A bookmark name may hold 40
characters, no hyphens or dots, so names are a readable prefix and a hash; the map from names
back to ids (and the tag of each element) is kept in the document's custom properties, in parts
of at most 255 characters (what Word keeps whole), so that `apdoc import` can give every
element its id back without the plan at hand.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import zlib
from collections.abc import Iterable, Mapping

ANCHOR_PROPERTY = "apdoc-anchors"  # parts: apdoc-anchors-001, -002, …
PART_LENGTH = 255
MAP_LIMIT = 16 << 20  # bytes of the unpacked map: far above any plan's, far below harm


NOT_IN_A_NAME = re.compile(r"[^A-Za-z0-9_]")


def bookmark_name(element_id: str) -> str:
    """A Word bookmark name (at most 40 characters, no hyphens) that stays unique per id."""
    clean = NOT_IN_A_NAME.sub("_", element_id)[:28]
    digest = hashlib.sha1(element_id.encode("utf-8")).hexdigest()[:8]
    return f"_{clean}_{digest}"


def anchor_properties(anchors: Iterable[tuple[str, str]], names: Mapping[str, str] | None = None) -> dict[str, str]:
    """(element id, tag) pairs → custom properties holding the bookmark → (id, tag) map.
    `names`: bookmark names already made (element id → name), not made again."""
    names = names or {}
    table = [[names.get(element_id) or bookmark_name(element_id), element_id, tag] for element_id, tag in anchors]
    packed = json.dumps(table, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    text = base64.b64encode(zlib.compress(packed, 9)).decode("ascii")
    parts = [text[i : i + PART_LENGTH] for i in range(0, len(text), PART_LENGTH)] or [""]
    return {f"{ANCHOR_PROPERTY}-{n:03d}": part for n, part in enumerate(parts, 1)}


def read_anchor_properties(properties: Mapping[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """Custom properties → (bookmark name → element id, element id → tag); empty when absent
    or damaged (a hand-made TD, or one whose properties an editor removed)."""
    names = sorted(name for name in properties if name.startswith(ANCHOR_PROPERTY + "-"))
    if not names:
        return {}, {}
    try:
        inflater = zlib.decompressobj()
        packed = inflater.decompress(base64.b64decode("".join(properties[name] for name in names)), MAP_LIMIT)
        if inflater.unconsumed_tail:
            return {}, {}
        table = json.loads(packed)
        ids = {str(name): str(element_id) for name, element_id, _ in table}
        tags = {str(element_id): str(tag) for _, element_id, tag in table}
    except (ValueError, TypeError, zlib.error):
        return {}, {}
    return ids, tags
