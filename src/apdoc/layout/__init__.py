"""The layout: the checked plan → one intermediate XHTML document, through the templates."""

from .render import Layout, Numbering, render_html

__all__ = ["Layout", "Numbering", "render_html"]
