"""Revision marks: two intermediate documents (earlier, current) → one marked document."""

from .mark import mark_changes

__all__ = ["mark_changes"]
