"""The package's other parts: numbering, footnotes, headers, settings, rels, properties."""

from __future__ import annotations

from .common import (
    HEADING_ABSTRACT,
    LIST_KINDS,
    NS,
    escape_attr,
    escape_text,
)


def numbering_xml(nums: list[int]) -> str:
    formats = {
        "bullet": [("bullet", "–"), ("bullet", "·"), ("bullet", "–")],
        "decimal": [("decimal", "%1."), ("lowerLetter", "%2)"), ("lowerRoman", "%3)")],
        "lowerRoman": [("lowerRoman", "%1."), ("lowerLetter", "%2)"), ("decimal", "%3.")],
        "lowerLetter": [("lowerLetter", "%1)"), ("lowerRoman", "%2)"), ("decimal", "%3.")],
    }
    abstract = []
    for kind, (body_id, table_id) in LIST_KINDS.items():
        for abstract_id, in_table in ((body_id, False), (table_id, True)):
            levels = []
            for level, (fmt, text) in enumerate(formats[kind]):
                # enumlev1/enumlev2 in the body; tighter steps inside table cells
                if in_table:
                    left, hanging = 340 * (level + 1), 340
                else:
                    left, hanging = 794 + 397 * level, 794 if level == 0 else 397
                levels.append(
                    f'<w:lvl w:ilvl="{level}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
                    f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
                    f'<w:pPr><w:tabs><w:tab w:val="num" w:pos="{left}"/></w:tabs>'
                    f'<w:ind w:left="{left}" w:hanging="{hanging}"/></w:pPr></w:lvl>'
                )
            abstract.append(
                f'<w:abstractNum w:abstractNumId="{abstract_id}"><w:multiLevelType w:val="hybridMultilevel"/>'
                + "".join(levels) + "</w:abstractNum>"
            )
    outline = "".join(
        f'<w:lvl w:ilvl="{level}"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
        f'<w:lvlText w:val="{".".join(f"%{n}" for n in range(1, level + 2))}"/><w:lvlJc w:val="left"/>'
        '<w:pPr><w:tabs><w:tab w:val="num" w:pos="794"/></w:tabs><w:ind w:left="794" w:hanging="794"/></w:pPr>'
        "</w:lvl>"
        for level in range(3)
    )
    abstract.append(f'<w:abstractNum w:abstractNumId="{HEADING_ABSTRACT}"><w:multiLevelType w:val="multilevel"/>'
                    f"{outline}</w:abstractNum>")
    instances = "".join(
        f'<w:num w:numId="{n}"><w:abstractNumId w:val="{a}"/>'
        f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>'
        for n, a in enumerate(nums, 1)
    )
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:numbering {NS}>'
            + "".join(abstract) + instances + "</w:numbering>")


def footnotes_xml(notes: list[str]) -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:footnotes {NS}>'
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:before="0" w:after="0"/></w:pPr>'
        '<w:r><w:separator/></w:r></w:p></w:footnote>'
        '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:before="0" w:after="0"/>'
        '</w:pPr><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>'
        + "".join(notes) + "</w:footnotes>"
    )


def header_xml(document_number: str) -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:hdr {NS}>'
        '<w:p><w:pPr><w:pStyle w:val="Header"/></w:pPr><w:r><w:t xml:space="preserve">- </w:t></w:r>'
        '<w:fldSimple w:instr=" PAGE "><w:r><w:t>2</w:t></w:r></w:fldSimple>'
        '<w:r><w:t xml:space="preserve"> -</w:t></w:r></w:p>'
        f'<w:p><w:pPr><w:pStyle w:val="Header"/></w:pPr><w:r><w:t xml:space="preserve">{escape_text(document_number)}'
        "</w:t></w:r></w:p></w:hdr>"
    )


def empty_header_xml() -> str:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:hdr {NS}>'
            '<w:p><w:pPr><w:pStyle w:val="Header"/></w:pPr></w:p></w:hdr>')


SETTINGS = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:settings {NS}>'
    '<w:defaultTabStop w:val="794"/><w:characterSpacingControl w:val="doNotCompress"/>'
    '<w:footnotePr><w:footnote w:id="-1"/><w:footnote w:id="0"/></w:footnotePr>'
    '<w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" '
    'w:val="15"/></w:compat></w:settings>'
)

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Default Extension="png" ContentType="image/png"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '<Override PartName="/word/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
    '<Override PartName="/word/settings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>'
    '<Override PartName="/word/numbering.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/>'
    '<Override PartName="/word/footnotes.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/>'
    '<Override PartName="/word/header1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>'
    '<Override PartName="/word/header2.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>'
    '<Override PartName="/docProps/core.xml" '
    'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    '<Override PartName="/docProps/app.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
    "</Types>"
)

PACKAGE_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="word/document.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
    'core-properties" Target="docProps/core.xml"/>'
    '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'extended-properties" Target="docProps/app.xml"/>'
    "</Relationships>"
)

REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"


def document_rels(links: list[str], images: int) -> str:
    rels = [
        ("rIdStyles", "styles", "styles.xml", ""),
        ("rIdSettings", "settings", "settings.xml", ""),
        ("rIdNumbering", "numbering", "numbering.xml", ""),
        ("rIdFootnotes", "footnotes", "footnotes.xml", ""),
        ("rIdHeaderDefault", "header", "header1.xml", ""),
        ("rIdHeaderFirst", "header", "header2.xml", ""),
    ]
    rels += [(f"rIdLink{n}", "hyperlink", href, ' TargetMode="External"') for n, href in enumerate(links, 1)]
    rels += [(f"rIdImage{n}", "image", f"media/image{n}.png", "") for n in range(1, images + 1)]
    body = "".join(
        f'<Relationship Id="{rid}" Type="{REL}{kind}" Target="{escape_attr(target)}"{mode}/>'
        for rid, kind, target, mode in rels
    )
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{body}'
            "</Relationships>")


def core_xml(title: str, author: str, keywords: str, date: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape_text(title)}</dc:title><dc:creator>{escape_text(author)}</dc:creator>"
        f"<cp:keywords>{escape_text(keywords)}</cp:keywords>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{escape_text(date)}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{escape_text(date)}</dcterms:modified>'
        "</cp:coreProperties>"
    )


APP_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>apdoc</Application></Properties>"
)

