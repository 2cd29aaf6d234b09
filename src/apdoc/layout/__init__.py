"""The layout: the checked plan → one intermediate XHTML document, through the templates."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .render import Layout, Numbering, render_html

__all__ = ["Layout", "Numbering", "render_html"]


def __getattr__(name: str) -> Any:
    # Loaded when first asked for: render imports Jinja (~20 ms), which the readers, `validate`
    # and the template-override check (layout.overrides) do without.
    if name in __all__:
        from . import render

        return getattr(render, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
