"""The package's parts around document.xml: numbering, footnotes, headers, settings, font
table, relationships, content types, document properties. Their look comes from look.py."""

from __future__ import annotations

from lxml import etree

from ...ooxml import CORE, NAMESPACES, PACKAGE_REL_TYPE, REL_TYPE, WORD, WORD_COMPATIBILITY, WORD_ML
from .document import LIST_KINDS
from .elements import add, make
from .look import look, style_fonts
from .state import HEADING_ABSTRACT

# Part name → content type, in the order [Content_Types].xml lists them.
CONTENT_TYPES = {
    "/word/document.xml": WORD_ML + "document.main+xml",
    "/word/styles.xml": WORD_ML + "styles+xml",
    "/word/settings.xml": WORD_ML + "settings+xml",
    "/word/numbering.xml": WORD_ML + "numbering+xml",
    "/word/footnotes.xml": WORD_ML + "footnotes+xml",
    "/word/header1.xml": WORD_ML + "header+xml",
    "/word/header2.xml": WORD_ML + "header+xml",
    "/docProps/core.xml": "application/vnd.openxmlformats-package.core-properties+xml",
    "/docProps/app.xml": "application/vnd.openxmlformats-officedocument.extended-properties+xml",
    "/docProps/custom.xml": "application/vnd.openxmlformats-officedocument.custom-properties+xml",
    "/word/fontTable.xml": WORD_ML + "fontTable+xml",
    "/word/theme/theme1.xml": "application/vnd.openxmlformats-officedocument.theme+xml",
}
# document.xml's relationships to the other word/ parts: id, type, target.
WORD_PARTS = [
    ("rIdStyles", "styles", "styles.xml"),
    ("rIdSettings", "settings", "settings.xml"),
    ("rIdNumbering", "numbering", "numbering.xml"),
    ("rIdFootnotes", "footnotes", "footnotes.xml"),
    ("rIdHeaderDefault", "header", "header1.xml"),
    ("rIdHeaderFirst", "header", "header2.xml"),
    ("rIdFontTable", "fontTable", "fontTable.xml"),
    ("rIdTheme", "theme", "theme/theme1.xml"),
]


def numbering(nums: list[int]) -> etree._Element:
    """The list definitions (two per list kind: body and in tables), the headings' outline
    numbering, and one w:num instance per list, each restarting at 1."""
    root = make("w:numbering", nsmap=WORD)
    for kind, (body_id, table_id) in LIST_KINDS.items():
        for abstract_id, in_table in ((body_id, False), (table_id, True)):
            indents = look().indents(in_table)
            abstract = add(root, "w:abstractNum", {"w:abstractNumId": abstract_id})
            add(abstract, "w:multiLevelType", {"w:val": "hybridMultilevel"})
            for level, (number_format, text) in enumerate(look().list_formats.of(kind)):
                abstract.append(_level(level, number_format, text, indents.left(level), indents.hanging(level)))
    outline = add(root, "w:abstractNum", {"w:abstractNumId": HEADING_ABSTRACT})
    add(outline, "w:multiLevelType", {"w:val": "multilevel"})
    for level in range(3):
        text = ".".join(f"%{n}" for n in range(1, level + 2))
        outline.append(_level(level, "decimal", text, look().heading_indent, look().heading_indent,
                              style=look().styles.headings[level]))
    for num_id, abstract_id in enumerate(nums, 1):
        num = add(root, "w:num", {"w:numId": num_id})
        add(num, "w:abstractNumId", {"w:val": abstract_id})
        add(add(num, "w:lvlOverride", {"w:ilvl": 0}), "w:startOverride", {"w:val": 1})
    return root


def _level(level: int, number_format: str, text: str, left: int, hanging: int,
           style: str | None = None) -> etree._Element:
    """A list level; `style`: the paragraph style this level numbers (the outline's headings)."""
    return make(
        "w:lvl", {"w:ilvl": level},
        make("w:start", {"w:val": 1}), make("w:numFmt", {"w:val": number_format}),
        *([make("w:pStyle", {"w:val": style})] if style else []),
        make("w:lvlText", {"w:val": text}), make("w:lvlJc", {"w:val": "left"}),
        make("w:pPr", None,
             make("w:tabs", None, make("w:tab", {"w:val": "num", "w:pos": left})),
             make("w:ind", {"w:left": left, "w:hanging": hanging})),
    )


def footnotes(notes: list[etree._Element]) -> etree._Element:
    """The separators Word expects (ids -1 and 0), then the footnotes in document order."""
    root = make("w:footnotes", nsmap=WORD)
    for kind, number in (("separator", -1), ("continuationSeparator", 0)):
        spacing = make("w:pPr", None, make("w:spacing", {"w:before": 0, "w:after": 0}))
        paragraph = make("w:p", None, spacing, make("w:r", None, make(f"w:{kind}")))
        add(root, "w:footnote", {"w:type": kind, "w:id": number}).append(paragraph)
    root.extend(notes)
    return root


def _header_paragraph(*runs: etree._Element) -> etree._Element:
    properties = make("w:pPr", None, make("w:pStyle", {"w:val": look().styles.header}))
    return make("w:p", None, properties, *runs)


def _text_run(text: str, preserve: bool = True) -> etree._Element:
    attributes = {"xml:space": "preserve"} if preserve else None
    return make("w:r", None, make("w:t", attributes, text=text))


def header(document_number: str) -> etree._Element:
    """The running header: the page number between the look's marks, then the document number."""
    running = look().running_header
    page = make("w:fldSimple", {"w:instr": " PAGE "}, _text_run("2", preserve=False))
    return make(
        "w:hdr", None,
        _header_paragraph(_text_run(running.before_page), page, _text_run(running.after_page)),
        _header_paragraph(_text_run(document_number)),
        nsmap=WORD,
    )


def first_page_header() -> etree._Element:
    """The cover's header: empty."""
    return make("w:hdr", None, _header_paragraph(), nsmap=WORD)


def settings() -> etree._Element:
    compatibility = {"w:name": "compatibilityMode", "w:uri": WORD_COMPATIBILITY,
                     "w:val": 15}
    return make(
        "w:settings", None,
        make("w:defaultTabStop", {"w:val": look().page.default_tab_stop}),
        make("w:characterSpacingControl", {"w:val": "doNotCompress"}),
        make("w:footnotePr", None, make("w:footnote", {"w:id": -1}), make("w:footnote", {"w:id": 0})),
        make("w:compat", None, make("w:compatSetting", compatibility)),
        nsmap=WORD,
    )


def content_types() -> etree._Element:
    root = make("ct:Types", nsmap={None: NAMESPACES["ct"]})
    for extension, content_type in (("rels", "application/vnd.openxmlformats-package.relationships+xml"),
                                    ("xml", "application/xml"), ("png", "image/png")):
        add(root, "ct:Default", {"Extension": extension, "ContentType": content_type})
    for part, content_type in CONTENT_TYPES.items():
        add(root, "ct:Override", {"PartName": part, "ContentType": content_type})
    return root


def _relationships(rels: list[tuple[str, str, str, bool]]) -> etree._Element:
    """(id, full type, target, external) → a .rels part."""
    root = make("rel:Relationships", nsmap={None: NAMESPACES["rel"]})
    for rid, kind, target, external in rels:
        attributes = {"Id": rid, "Type": kind, "Target": target}
        if external:
            attributes["TargetMode"] = "External"
        add(root, "rel:Relationship", attributes)
    return root


def package_relationships() -> etree._Element:
    return _relationships([
        ("rId1", REL_TYPE + "officeDocument", "word/document.xml", False),
        ("rId2", PACKAGE_REL_TYPE + "core-properties", "docProps/core.xml", False),
        ("rId3", REL_TYPE + "extended-properties", "docProps/app.xml", False),
        ("rId4", REL_TYPE + "custom-properties", "docProps/custom.xml", False),
    ])


def document_relationships(links: list[str], images: int) -> etree._Element:
    rels = [(rid, REL_TYPE + kind, target, False) for rid, kind, target in WORD_PARTS]
    rels += [(f"rIdLink{n}", REL_TYPE + "hyperlink", href, True) for n, href in enumerate(links, 1)]
    rels += [(f"rIdImage{n}", REL_TYPE + "image", f"media/image{n}.png", False) for n in range(1, images + 1)]
    return _relationships(rels)


def core_properties(title: str, author: str, keywords: str, date: str) -> etree._Element:
    root = make("cp:coreProperties", nsmap=CORE)
    add(root, "dc:title", text=title)
    add(root, "dc:creator", text=author)
    add(root, "cp:keywords", text=keywords)
    for name in ("dcterms:created", "dcterms:modified"):
        add(root, name, {"xsi:type": "dcterms:W3CDTF"}, text=date)
    return root


def app_properties() -> etree._Element:
    root = make("ep:Properties", nsmap={None: NAMESPACES["ep"]})
    add(root, "ep:Application", text="apdoc")
    return root


# Word keeps a custom property's text whole up to 255 characters: longer values are cut into parts.
PROPERTY_TEXT_LIMIT = 255
# The format id every custom property of a document carries (ECMA-376 Part 1, 22.3.2.2).
CUSTOM_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"


def custom_properties(properties: dict[str, str]) -> etree._Element:
    """docProps/custom.xml: apdoc's build facts, which Word and LibreOffice keep through edits
    (File ▸ Properties ▸ Custom), so that `apdoc apply` knows what a TD was built from."""
    root = make("cup:Properties", nsmap={None: NAMESPACES["cup"], "vt": NAMESPACES["vt"]})
    for pid, (name, value) in enumerate(sorted(properties.items()), start=2):
        prop = add(root, "cup:property", {"fmtid": CUSTOM_FMTID, "pid": pid, "name": name})
        add(prop, "vt:lpwstr", text=value)
    return root


def font_table() -> etree._Element:
    """The fonts the styles and the look name, as Word lists them in fontTable.xml."""
    root = make("w:fonts", nsmap=WORD)
    for font in style_fonts():
        add(root, "w:font", {"w:name": font})
    return root


