"""Every number the DOCX reader takes from the file, read through one function that knows its
simple type (ECMA-376 Part 1, §17.18 and §22.9): its lexical form and its range.

A value that is not of its type (`w:gridSpan w:val="x"`, `w:sym w:char="FFFFFFFFFF"`) is what
Word and LibreOffice do with it: ignored (the attribute taken as absent), with a warning that
names where it was; never an exception.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import overload

from lxml import etree

from .ns import snippet

# ST_UniversalMeasure: a number and a unit; twips per unit.
_MEASURE = re.compile(r"(-?[0-9]{1,12}(?:\.[0-9]{1,12})?)(mm|cm|in|pt|pc|pi)")  # bounded: no float overflow
_TWIPS_PER = {"in": 1440.0, "pt": 20.0, "pc": 240.0, "pi": 240.0, "mm": 1440 / 25.4, "cm": 1440 / 2.54}
_DECIMAL = re.compile(r"[-+]?[0-9]{1,20}")
_HEX = re.compile(r"[0-9A-Fa-f]{1,16}")
INT_MIN, INT_MAX, UINT_MAX = -(2**31), 2**31 - 1, 2**32 - 1


def _decimal(text: str) -> int | None:
    return int(text) if _DECIMAL.fullmatch(text) else None


def _hex(text: str) -> int | None:
    return int(text, 16) if _HEX.fullmatch(text) else None


def _measure(text: str) -> int | None:
    """A decimal number of twips, or a universal measure (`2.5in`, `10mm`) converted to twips."""
    number = _decimal(text)
    if number is not None:
        return number
    match = _MEASURE.fullmatch(text)
    return round(float(match.group(1)) * _TWIPS_PER[match.group(2)]) if match else None


@dataclass(frozen=True)
class SimpleType:
    """An OOXML simple type that holds a number: its name (for messages), lexical form, range."""

    name: str
    parse: Callable[[str], int | None]
    low: int
    high: int


DECIMAL = SimpleType("ST_DecimalNumber", _decimal, INT_MIN, INT_MAX)
UNSIGNED_DECIMAL = SimpleType("ST_UnsignedDecimalNumber", _decimal, 0, UINT_MAX)
TWIPS = SimpleType("ST_TwipsMeasure", _measure, 0, UINT_MAX)
SIGNED_TWIPS = SimpleType("ST_SignedTwipsMeasure", _measure, INT_MIN, INT_MAX)
SHORT_HEX = SimpleType("ST_ShortHexNumber", _hex, 0, 0xFFFF)
LONG_HEX = SimpleType("ST_LongHexNumber", _hex, 0, 0xFFFFFFFF)
# Narrower ranges the schema or Word sets on some ST_DecimalNumber attributes.
LEVEL = SimpleType("ST_DecimalNumber (a list level, 0-8)", _decimal, 0, 8)
OUTLINE_LEVEL = SimpleType("ST_DecimalNumber (an outline level, 0-9)", _decimal, 0, 9)
MAX_COLUMNS = 63  # Word's limit on the columns of a table
COLUMNS = SimpleType(f"ST_DecimalNumber (a count of table columns, 0-{MAX_COLUMNS})", _decimal, 0, MAX_COLUMNS)

Warn = Callable[[etree._Element, str], None]


@overload
def number(el: etree._Element | None, attr: str, kind: SimpleType, warn: Warn) -> int | None: ...
@overload
def number(el: etree._Element | None, attr: str, kind: SimpleType, warn: Warn, default: int) -> int: ...


def number(el: etree._Element | None, attr: str, kind: SimpleType, warn: Warn,
           default: int | None = None) -> int | None:
    """The number in attribute `attr` (a Clark name: `{ns}val`) of `el`, as a value of `kind`;
    `default` when the element or the attribute is absent, or when the value is not of its type
    (then `warn` is told, and the attribute is ignored as Word ignores it)."""
    if el is None:
        return default
    text = el.get(attr)
    if text is None:
        return default
    value = kind.parse(text.strip())
    if value is not None and kind.low <= value <= kind.high:
        return value
    warn(el, f'{etree.QName(el).localname} {etree.QName(attr).localname}="{snippet(text, 20)}" is not a '
             f"{kind.name}: ignored")
    return default
