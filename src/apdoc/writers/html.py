"""HTML: the intermediate document itself, already self-contained (styles inline)."""

from __future__ import annotations


def write_html(html: str) -> bytes:
    return html.encode("utf-8")
