"""Figures: an SVG drawing → a PNG picture (cairosvg, cached per user) and its w:drawing."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from lxml import etree

from ...intermediate import DRAWING_HEADING, SVG_NS, classes, text_of
from ...ooxml import NAMESPACES
from .elements import make

SVG = f"{{{SVG_NS}}}svg"
EMU_PER_PX = 9525  # 96 px to the inch
EMU_PER_TWIP = 635
PICTURE_URI = NAMESPACES["pic"]  # a:graphicData's uri: what the graphic holds


def _font_state(cache_base: str) -> bytes:
    """When fontconfig last rebuilt its caches (installing a font does): a PNG drawn before the
    TD's font was installed must not outlive it. A few stat calls, no font loading."""
    stamps = []
    for folder in ("/var/cache/fontconfig", os.path.join(cache_base, "fontconfig")):
        try:
            stamps.append(f"{folder}:{os.stat(folder).st_mtime_ns}")
        except OSError:
            stamps.append(f"{folder}:-")
    return "\n".join(stamps).encode()


def svg_to_png(svg: bytes) -> bytes:
    """PNG of an SVG drawing (cairosvg), cached per user: importing cairosvg alone costs 0.25 s."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    key = hashlib.sha256(svg + _font_state(base)).hexdigest()
    cached = Path(base) / "apdoc" / "png" / f"{key}.png"
    try:
        return cached.read_bytes()
    except OSError:
        pass
    import cairosvg

    png = cairosvg.svg2png(bytestring=svg, scale=2)
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(png)
        os.replace(tmp, cached)
    except OSError:
        pass  # no cache: slower next time, same output
    return png




def picture(svg: etree._Element, number: int, text_width: int) -> etree._Element:
    """The w:drawing of picture `number` (relationship rIdImage<number>): the SVG's size,
    shrunk to the text width (twips) when wider."""
    width_px, height_px = float(svg.get("width", "640")), float(svg.get("height", "320"))
    cx = min(int(width_px * EMU_PER_PX), text_width * EMU_PER_TWIP)
    cy = int(cx * height_px / width_px)
    name = svg.findtext(f"{{{SVG_NS}}}title") or f"Figure {number}"
    # The drawing's heading is only pixels in the PNG: the picture's description (alt text that Word
    # and LibreOffice keep) carries it, so that `apdoc import` gives the figure its heading back.
    heading = next((text_of(t) for t in svg.iter(f"{{{SVG_NS}}}text") if DRAWING_HEADING in classes(t)), "")
    size = {"cx": cx, "cy": cy}
    pic = make(
        "pic:pic", None,
        make("pic:nvPicPr", None, make("pic:cNvPr", {"id": number, "name": f"figure{number}.png"}),
             make("pic:cNvPicPr")),
        make("pic:blipFill", None, make("a:blip", {"r:embed": f"rIdImage{number}"}),
             make("a:stretch", None, make("a:fillRect"))),
        make("pic:spPr", None,
             make("a:xfrm", None, make("a:off", {"x": 0, "y": 0}), make("a:ext", size)),
             make("a:prstGeom", {"prst": "rect"}, make("a:avLst"))),
    )
    inline = make(
        "wp:inline", {"distT": 0, "distB": 0, "distL": 0, "distR": 0},
        make("wp:extent", size),
        make("wp:docPr", {"id": number, "name": name, **({"descr": heading} if heading else {})}),
        make("a:graphic", None, make("a:graphicData", {"uri": PICTURE_URI}, pic)),
    )
    return make("w:drawing", None, inline)
