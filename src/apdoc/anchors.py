"""How the intermediate form's element ids travel through a Word file, both ways.

Every element with a stable id (docs/layout-vocabulary.md) is anchored in the DOCX by a bookmark
that starts in the first paragraph the element gives (a table's: its caption), since bookmarks
are what Word and LibreOffice keep through editing and saving. The map from names back to ids
(and the tag of each element) is kept in the document's custom properties, in parts of at most
255 characters (what Word keeps whole), so that `apdoc import` can give every element its id
back without the plan at hand.

The names' grammar (docs/anchors.md says why it survives saving): `_ap` + the first 8 hex
digits of the id's SHA-1 (the key) + `_` + a readable part of the id, at most 38 characters in
all. Word and LibreOffice hold 40 characters, no hyphens or dots. LibreOffice appends
`_Copy_1` to a bookmark it copies (those in footnotes), again on every save, and cuts the name
at 40 characters (`_ap54b30676_fn_sme_Copy_1_Copy_1_Copy_1_C`): the key stays whole at the
front, so whatever follows it, a name is recognised by its first KEY_LENGTH characters.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import zlib
from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from concurrent.futures import Future, ThreadPoolExecutor

ANCHOR_PROPERTY = "apdoc-anchors"  # parts: apdoc-anchors-001, -002, …
PART_LENGTH = 255
MAP_LIMIT = 16 << 20  # bytes of the unpacked map: far above any plan's, far below harm


NOT_IN_A_NAME = re.compile(r"[^A-Za-z0-9_]")


NAME_PREFIX = "_ap"
KEY_LENGTH = len(NAME_PREFIX) + 8  # the prefix and the hash: what recognises a name, whatever follows
READABLE_LENGTH = 26  # of the id, after the key and an underscore: 38 characters in all, under Word's 40
# The longest element id a TD may carry. Layout ids are short (`ch-<slug>-b3-i12`); a longer one
# in a document's map is hostile (it would become a file name) and the document is refused.
ID_LIMIT = 200


def bookmark_name(element_id: str) -> str:
    """A Word bookmark name (at most 38 characters, no hyphens): `_ap<8 hex digits>_<readable>`,
    the hash first so that nothing appended or cut after it loses the id."""
    clean = element_id.replace("-", "_").replace(".", "_")  # what ids are made of, without a regex (most of the time)
    if not (clean.isascii() and clean.replace("_", "").isalnum()):
        clean = NOT_IN_A_NAME.sub("_", element_id)
    digest = hashlib.sha1(element_id.encode("utf-8")).hexdigest()[:8]
    return f"{NAME_PREFIX}{digest}_{clean[:READABLE_LENGTH]}"


class AnchorNames:
    """The bookmark names a document's map knows, and what a name found in the document is.

    A name found is the known name itself, or one that an editor has lengthened or cut after
    its key: LibreOffice's `_Copy_1` suffixes, any number of them, cut at 40 characters. The
    key (prefix and hash) picks the candidates; of several (two ids whose hashes agree), the
    one whose whole name the found name starts with. Names of TDs built before this grammar
    (`_<readable>_<hash>`) are recognised when the found name starts with the whole name.
    """

    def __init__(self, known: Collection[str]) -> None:
        self.known = known
        self._by_key: dict[str, list[str]] | None = None  # made at the first name not known as it is

    def original(self, found: str) -> str | None:
        """The known name that `found` stands for, or None."""
        if found in self.known:
            return found
        if self._by_key is None:
            self._by_key = {}
            for name in sorted(self.known):
                self._by_key.setdefault(name[:KEY_LENGTH], []).append(name)
        candidates = self._by_key.get(found[:KEY_LENGTH], [])
        whole = [name for name in candidates if found.startswith(name)]
        if whole:
            return max(whole, key=len)
        if len(candidates) == 1 and found.startswith(NAME_PREFIX) and len(found) >= KEY_LENGTH:
            return candidates[0]  # cut within its readable part: the key alone says which
        return None


class AnchorMap:
    """The custom properties holding the bookmark → (element id, tag) map, made while the
    anchors are written: a large TD's map is megabytes of JSON, packed a batch of entries at a
    time rather than held whole, and compressed in a thread of its own (zlib lets go of the
    interpreter while it works: the writer goes on beside it). The same bytes: zlib's output does
    not depend on how its input is cut, nor a JSON list's on how its items are."""

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


class AnchorMapError(ValueError):
    """A map no apdoc build writes: nested deeper than its two levels, or an id past ID_LIMIT."""


def read_anchor_properties(properties: Mapping[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """Custom properties → (bookmark name → element id, element id → tag); empty when absent
    or damaged (a hand-made TD, or one whose properties an editor removed). A map that parses
    but is not of the shape apdoc writes (a list of [name, id, tag] texts, ids of at most
    ID_LIMIT characters) can only have been made to harm: AnchorMapError says what is wrong."""
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
    except RecursionError:
        raise AnchorMapError("its anchor map (custom properties apdoc-anchors-…) is nested deeper than a map "
                             "is: refused") from None
    except (ValueError, TypeError, zlib.error):
        return {}, {}
    if not isinstance(table, list) or not all(
            isinstance(entry, list) and len(entry) == 3 and all(isinstance(part, str) for part in entry)
            for entry in table):
        raise AnchorMapError("its anchor map (custom properties apdoc-anchors-…) is not a list of "
                             "[bookmark, id, tag]: refused")
    ids: dict[str, str] = {}
    tags: dict[str, str] = {}
    for name, element_id, tag in table:
        if len(element_id) > ID_LIMIT:
            raise AnchorMapError(f"its anchor map (custom properties apdoc-anchors-…) holds an id of "
                                 f"{len(element_id):,} characters (ids have at most {ID_LIMIT}): refused")
        if not element_id.isprintable():
            unprintable = next(c for c in element_id if not c.isprintable())
            raise AnchorMapError(f"its anchor map (custom properties apdoc-anchors-…) holds an id with "
                                 f"U+{ord(unprintable):04X}, which no id has: refused")
        ids[name] = element_id
        tags[element_id] = tag
    return ids, tags
