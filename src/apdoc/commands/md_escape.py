"""Plan text inside Markdown written for pull request comments (apdoc diff, apdoc stats)."""

from __future__ import annotations

import re

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|#!~])")


def md_inline(text: str) -> str:
    """Text that shows as typed and cannot add markup, a table cell, or notify anyone.

    Markdown's punctuation is backslash-escaped; an @ gets a word joiner (invisible) after it,
    so "@name" in a plan title does not mention a GitHub user from the PR comment.
    """
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split())).replace("@", "@\u2060")
