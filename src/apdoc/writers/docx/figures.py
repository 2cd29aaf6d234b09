"""SVG drawings → PNG pictures (cairosvg), cached per user."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path


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


