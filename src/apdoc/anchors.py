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
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from concurrent.futures import Future, ThreadPoolExecutor

ANCHOR_PROPERTY = "apdoc-anchors"  # parts: apdoc-anchors-001, -002, …
PART_LENGTH = 255
MAP_LIMIT = 16 << 20  # bytes of the unpacked map: far above any plan's, far below harm


NOT_IN_A_NAME = re.compile(r"[^A-Za-z0-9_]")


def bookmark_name(element_id: str) -> str:
    """A Word bookmark name (at most 40 characters, no hyphens) that stays unique per id."""
    clean = element_id.replace("-", "_").replace(".", "_")  # what ids are made of, without a regex (most of the time)
    if not (clean.isascii() and clean.replace("_", "").isalnum()):
        clean = NOT_IN_A_NAME.sub("_", element_id)
    clean = clean[:28]
    digest = hashlib.sha1(element_id.encode("utf-8")).hexdigest()[:8]
    return f"_{clean}_{digest}"


def anchor_properties(anchors: Iterable[tuple[str, str]]) -> dict[str, str]:
    """(element id, tag) pairs → custom properties holding the bookmark → (id, tag) map."""
    packer = AnchorMap()
    for element_id, tag in anchors:
        packer.add(bookmark_name(element_id), element_id, tag)
    return packer.properties()


class AnchorMap:
    """`anchor_properties` made while the anchors are: a large TD's map is megabytes of JSON,
    packed a batch of entries at a time rather than held whole, and compressed in a thread of
    its own (zlib lets go of the interpreter while it works: the writer goes on beside it). The
    same bytes: zlib's output does not depend on how its input is cut, nor a JSON list's on how
    its items are."""

    BATCH = 4096  # entries encoded at a time; a map of fewer is compressed at the end, here

    def __init__(self) -> None:
        self._compressor = zlib.compressobj(9)  # as zlib.compress(data, 9)
        self._entries: list[list[str]] = []
        self._packed: list[Future[bytes]] = []
        self._worker: ThreadPoolExecutor | None = None
        self._started = False

    def add(self, name: str, element_id: str, tag: str) -> None:
        self._entries.append([name, element_id, tag])
        if len(self._entries) == self.BATCH:
            if self._worker is None:
                from concurrent.futures import ThreadPoolExecutor  # only a large map pays for it

                self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="apdoc-anchors")
            # One worker: the batches are compressed in the order they come.
            self._packed.append(self._worker.submit(self._compressor.compress, self._take()))

    def _take(self) -> bytes:
        """The waiting entries as the next piece of the JSON list (empty when none wait)."""
        if not self._entries:
            return b""
        items = json.dumps(self._entries, ensure_ascii=False, separators=(",", ":"))[1:-1].encode("utf-8")
        self._entries.clear()
        piece = (b"," if self._started else b"[") + items
        self._started = True
        return piece

    def properties(self) -> dict[str, str]:
        """The custom properties holding the map of every anchor added."""
        compressed = [future.result() for future in self._packed]
        if self._worker is not None:
            self._worker.shutdown()
        rest = self._take()
        rest += b"]" if self._started else b"[]"
        packed = b"".join([*compressed, self._compressor.compress(rest), self._compressor.flush()])
        text = base64.b64encode(packed).decode("ascii")
        parts = [text[i : i + PART_LENGTH] for i in range(0, len(text), PART_LENGTH)] or [""]
        return {f"{ANCHOR_PROPERTY}-{n:03d}": part for n, part in enumerate(parts, 1)}


def read_anchor_properties(properties: Mapping[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """Custom properties → (bookmark name → element id, element id → tag); empty when absent
    or damaged (a hand-made TD, or one whose properties an editor removed)."""
    numbered = [name for name in properties if name.startswith(ANCHOR_PROPERTY + "-")]
    if not numbered:
        return {}, {}
    try:
        # In the order of their numbers: past part 999 the numbers have four digits (-1000 comes
        # after -999, not after -100, as a sort of the names would put it).
        names = sorted(numbered, key=lambda name: int(name.removeprefix(ANCHOR_PROPERTY + "-")))
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
