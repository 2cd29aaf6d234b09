"""What plan text may point at: footnotes, bibliography entries, action items.

Kept apart from the Markdown renderer so that `apdoc validate` does not import it.
"""

from __future__ import annotations

import re

FOOTNOTE_REF = re.compile(r"\[\^([A-Za-z0-9_-]+)\]")
CITATION = re.compile(r"\[(b-[^\]\[]+)\]")
AP_MENTION = re.compile(r"\bAP[1-9][0-9]*(?:\.[1-9][0-9]*)*\b")
