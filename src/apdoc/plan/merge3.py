"""Three-way merge of plan values: base (what the document said before the edits), ours (the
plan on disk now) and theirs (the edited document).

Values are plain data as the loader gives them: dicts, lists and strings (and None). The rule is
git's, one value at a time: a value changed on one side only takes that side; changed on both
sides alike, either; changed on both sides differently, it is a conflict and ours stays.

Mappings merge key by key. Lists of mappings that carry an identity (`id`, `number`, `key`)
merge item by item on it, so a row added at the meeting and a row added in a pull request meet
without conflict. Other lists, and text, merge as sequences (text as words and spaces), by
diff3: regions that only one side changed are taken from that side; a region both sides changed
differently is a conflict for the whole value, which then stays as ours.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

ABSENT: Any = type("Absent", (), {"__repr__": lambda self: "ABSENT"})()  # a key that is not there
IDENTITY_KEYS = ("id", "number", "key")
Path = tuple[Any, ...]
_WORD = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class Conflict:
    path: Path
    base: Any
    ours: Any
    theirs: Any


@dataclass
class Merge:
    value: Any
    conflicts: list[Conflict] = field(default_factory=list)
    applied: list[Path] = field(default_factory=list)  # where theirs changed the value


def merge3(base: Any, ours: Any, theirs: Any) -> Merge:
    """Merge `theirs`' changes since `base` into `ours`."""
    result = Merge(ours)
    result.value = _merge(base, ours, theirs, (), result)
    return result


def _merge(base: Any, ours: Any, theirs: Any, path: Path, out: Merge) -> Any:
    if theirs == base or ours == theirs:
        return ours
    if ours == base:
        out.applied.append(path)
        return theirs
    if all(isinstance(v, dict) for v in (base, ours, theirs)):
        return _merge_dicts(base, ours, theirs, path, out)
    if all(isinstance(v, list) for v in (base, ours, theirs)):
        key = _identity(base, ours, theirs)
        if key is not None:
            return _merge_keyed(base, ours, theirs, key, path, out)
        merged = _merge_sequence(base, ours, theirs, path, out)
        if merged is not None:
            return merged
    elif all(isinstance(v, str) for v in (base, ours, theirs)):
        by_lines = _merge_lines(base, ours, theirs, path, out)
        if by_lines is not None:
            return by_lines
        words = [_WORD.findall(v) for v in (base, ours, theirs)]
        merged = _merge_sequence(*words, path, out, recurse=False)
        if merged is not None:
            return "".join(merged)
    out.conflicts.append(Conflict(path, base, ours, theirs))
    return ours


def _merge_lines(base: str, ours: str, theirs: str, path: Path, out: Merge) -> str | None:
    """Text of several lines (a paragraph and its bullets) merged line by line, each line by its
    words: one side deleting a bullet and the other editing the next are two changes. None when
    any line clashes: the text is then merged as one run of words."""
    if not any("\n" in v.rstrip("\n") for v in (base, ours, theirs)):
        return None
    before = len(out.conflicts), len(out.applied)
    merged = _merge_sequence(*(v.splitlines(keepends=True) for v in (base, ours, theirs)), path, out)
    if merged is None or len(out.conflicts) > before[0]:
        del out.conflicts[before[0]:], out.applied[before[1]:]
        return None
    del out.applied[before[1]:]
    out.applied.append(path)
    return "".join(merged)


def _merge_dicts(base: dict, ours: dict, theirs: dict, path: Path, out: Merge) -> dict:
    keys = list(ours) + [k for k in theirs if k not in ours]
    merged = {}
    for key in keys:
        value = _merge(base.get(key, ABSENT), ours.get(key, ABSENT), theirs.get(key, ABSENT), (*path, key), out)
        if value is not ABSENT:
            merged[key] = value
    return merged


def _identity(*lists: list) -> str | None:
    """The key that identifies the items of these lists, when every item is a mapping with it."""
    items = [item for values in lists for item in values]
    if not items or not all(isinstance(item, dict) for item in items):
        return None
    for key in IDENTITY_KEYS:
        ids = [[item.get(key) for item in values] for values in lists]
        if all(None not in group and len(set(map(freeze, group))) == len(group) for group in ids):
            return key
    return None


def _merge_keyed(base: list, ours: list, theirs: list, key: str, path: Path, out: Merge) -> list:
    by_id = [{freeze(item[key]): item for item in values} for values in (base, ours, theirs)]
    order = _keyed_order([[freeze(item[key]) for item in values] for values in (base, ours, theirs)])
    merged = []
    for ident in order:
        value = _merge(*(d.get(ident, ABSENT) for d in by_id), (*path, ident), out)
        if value is not ABSENT:
            merged.append(value)
    for ident in _gone(order, by_id[0]):
        _merge(*(d.get(ident, ABSENT) for d in by_id), (*path, ident), out)
    return merged


def _gone(order: list[Any], base: dict[Any, Any]) -> list[Any]:
    """The base items ours removed: merged only to find where theirs changed one (a conflict)."""
    return [ident for ident in base if ident not in set(order)]


def _keyed_order(orders: list[list[Any]]) -> list[Any]:
    """Ours' order, with the items only theirs has placed after their predecessor in theirs."""
    base, ours, theirs = orders
    result = list(ours)
    for index, ident in enumerate(theirs):
        if ident in result or ident in base:
            continue
        before = next((theirs[i] for i in range(index - 1, -1, -1) if theirs[i] in result), None)
        result.insert(result.index(before) + 1 if before is not None else 0, ident)
    return result


def _merge_sequence(base: list, ours: list, theirs: list, path: Path, out: Merge, recurse: bool = True) -> list | None:
    """diff3 of three sequences, or None when both sides changed one region differently."""
    merged: list = []
    took_theirs = False
    for b, o, t in _regions(base, ours, theirs):
        if o == t or t == b:
            merged.extend(o)
        elif o == b:
            merged.extend(t)
            took_theirs = True
        elif recurse:
            items = _merge_region(b, o, t, path, len(merged), out)
            if items is None:
                return None
            merged.extend(items)
            took_theirs = True
        else:
            return None
    if took_theirs:
        out.applied.append(path)
    return merged


# An item of a region is the same item on another side when this much of its words stayed.
SAME_ITEM = 0.5
# Regions larger than this (items of one side times the other's) are not aligned item by item.
MAX_ALIGNED = 10_000


def _merge_region(base: list, ours: list, theirs: list, path: Path, at: int, out: Merge) -> list | None:
    """A region both sides changed, merged item by item: each base item is found again on each side
    by its words (a paragraph edited stays that paragraph), so that one side deleting a paragraph
    and the other editing the next one are two changes, not one clash. An item one side deleted
    and the other edited is a conflict on that item (ours stays); items only one side added stand
    where that side put them. None when the region is too large to align."""
    in_ours, in_theirs = _align(base, ours), _align(base, theirs)
    if in_ours is None or in_theirs is None:
        return None
    ours_of = {o: ("base", b) for b, o in in_ours.items()}
    theirs_of = {t: ("base", b) for b, t in in_theirs.items()}
    idents = [[("base", i) for i in range(len(base))],
              [ours_of.get(i, ("ours", i)) for i in range(len(ours))],
              [theirs_of.get(i, ("theirs", i)) for i in range(len(theirs))]]
    values = [dict(zip(ids, items, strict=True)) for ids, items in zip(idents, (base, ours, theirs), strict=True)]
    merged = []
    order = _keyed_order(idents)
    for ident in order:
        value = _merge(*(v.get(ident, ABSENT) for v in values), (*path, at + len(merged)), out)
        if value is not ABSENT:
            merged.append(value)
    for ident in _gone(order, values[0]):
        _merge(*(v.get(ident, ABSENT) for v in values), (*path, at + ident[1]), out)
    return merged


def _align(base: list, side: list) -> dict[int, int] | None:
    """base index → side index of the items that are the same item, in order (the most pairs, then
    the closest): a longest common subsequence where items match by similarity, not equality."""
    if len(base) * len(side) > MAX_ALIGNED:
        return None
    words = [[Counter((v if isinstance(v, str) else freeze(v)).split()) for v in seq] for seq in (base, side)]
    sizes = [[sum(bag.values()) for bag in bags] for bags in words]
    score = [[0.0] * (len(side) + 1) for _ in range(len(base) + 1)]
    for i in range(len(base) - 1, -1, -1):
        for j in range(len(side) - 1, -1, -1):
            best = max(score[i + 1][j], score[i][j + 1])
            # the share of words the two have in common, order aside (linear, unlike a diff's ratio)
            total = sizes[0][i] + sizes[1][j]
            ratio = 2 * sum((words[0][i] & words[1][j]).values()) / total if total else 1.0
            if ratio >= SAME_ITEM:
                best = max(best, score[i + 1][j + 1] + 1 + ratio)  # a pair first, its closeness second
            score[i][j] = best
    pairs: dict[int, int] = {}
    i = j = 0
    while i < len(base) and j < len(side):
        if score[i][j] == score[i + 1][j]:
            i += 1
        elif score[i][j] == score[i][j + 1]:
            j += 1
        else:
            pairs[i] = j
            i, j = i + 1, j + 1
    return pairs


def _regions(base: list, ours: list, theirs: list) -> list[tuple[list, list, list]]:
    """The three sequences cut into aligned regions: stable (equal in all three) and unstable."""
    keys = [[freeze(v) for v in seq] for seq in (base, ours, theirs)]
    ours_match = _matches(keys[0], keys[1])
    theirs_match = _matches(keys[0], keys[2])
    regions = []
    b = o = t = 0
    stable = [i for i in range(len(base)) if i in ours_match and i in theirs_match]
    for i in stable:
        oi, ti = ours_match[i], theirs_match[i]
        if oi < o or ti < t:
            continue
        if (b, o, t) != (i, oi, ti):
            regions.append((base[b:i], ours[o:oi], theirs[t:ti]))
        regions.append((base[i:i + 1], ours[oi:oi + 1], theirs[ti:ti + 1]))
        b, o, t = i + 1, oi + 1, ti + 1
    if (b, o, t) != (len(base), len(ours), len(theirs)):
        regions.append((base[b:], ours[o:], theirs[t:]))
    return regions


def _matches(a: list, b: list) -> dict[int, int]:
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    return {block.a + k: block.b + k for block in matcher.get_matching_blocks() for k in range(block.size)}


def freeze(value: Any) -> Any:
    """A hashable stand-in for a value, equal when the values are equal."""
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return value
