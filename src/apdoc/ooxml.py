"""The names of Office Open XML that the DOCX reader and writer share: namespaces and their
prefixes, the parts a package always has, relationship and content types.

Only this module spells an OOXML URI. The writer builds elements from prefixed names
(`qname("w:p")`, writers/docx/elements.py); the reader compares tags with Clark prefixes
(`W + "p"`); both come from `NAMESPACES` here.
"""

from __future__ import annotations

from functools import cache

NAMESPACES = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
    "ct": "http://schemas.openxmlformats.org/package/2006/content-types",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "dcmitype": "http://purl.org/dc/dcmitype/",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
    "ep": "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties",
    "xml": "http://www.w3.org/XML/1998/namespace",
    "cup": "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties",
    "vt": "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "m": "http://schemas.openxmlformats.org/officeDocument/2006/math",
    "w14": "http://schemas.microsoft.com/office/word/2010/wordml",
    "w15": "http://schemas.microsoft.com/office/word/2012/wordml",
    "w16cid": "http://schemas.microsoft.com/office/word/2016/wordml/cid",
}
# The namespaces declared on the root of every WordprocessingML part, in this order.
WORD = {prefix: NAMESPACES[prefix] for prefix in ("w", "r", "wp", "a", "pic")}
CORE = {prefix: NAMESPACES[prefix] for prefix in ("cp", "dc", "dcterms", "dcmitype", "xsi")}


def clark(prefix: str) -> str:
    """`w` → `{http://…/main}`: put before a local name, the tag lxml gives (the reader's way)."""
    return f"{{{NAMESPACES[prefix]}}}"


W, R, M, MC, WP = clark("w"), clark("r"), clark("m"), clark("mc"), clark("wp")
W14, W15, W16CID = clark("w14"), clark("w15"), clark("w16cid")
CT, REL, XML = clark("ct"), clark("rel"), clark("xml")
CP, DC, DCTERMS, CUSTOM = clark("cp"), clark("dc"), clark("dcterms"), clark("cup")


@cache
def qname(name: str) -> str:
    """`w:p` → `{http://…/main}p` (Clark notation, what lxml takes); `id` stays `id`."""
    prefix, colon, local = name.partition(":")
    return f"{{{NAMESPACES[prefix]}}}{local}" if colon else name


# Word's "Strict Open XML Document" spells the namespaces otherwise; the vocabulary is the same.
STRICT = {
    "http://purl.oclc.org/ooxml/wordprocessingml/main": NAMESPACES["w"],
    "http://purl.oclc.org/ooxml/officeDocument/relationships": NAMESPACES["r"],
    "http://purl.oclc.org/ooxml/officeDocument/math": NAMESPACES["m"],
}

# Parts every package has (names inside the zip, without the leading slash).
CONTENT_TYPES_PART = "[Content_Types].xml"
PACKAGE_RELATIONSHIPS_PART = "_rels/.rels"
MAIN_PART = "word/document.xml"

# Relationship types: REL_TYPE + "styles", "comments", "officeDocument"…
REL_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
OFFICE_DOCUMENT = REL_TYPE + "officeDocument"
PACKAGE_REL_TYPE = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/"
COMMENTS_EXTENDED_REL_TYPE = "http://schemas.microsoft.com/office/2011/relationships/commentsExtended"
COMMENTS_IDS_REL_TYPE = "http://schemas.microsoft.com/office/2016/09/relationships/commentsIds"

# Content types: WORD_ML + "document.main+xml", "styles+xml"…
WORD_ML = "application/vnd.openxmlformats-officedocument.wordprocessingml."
# The compatibility settings Word itself defines (w:compatSetting's w:uri).
WORD_COMPATIBILITY = "http://schemas.microsoft.com/office/word"
