"""Action item ids mentioned in text must exist."""

from __future__ import annotations

from ...diagnostics import Diagnostic
from ...links import markdown_links, url_problem
from ..folder import Plan
from ..models import NEW_AP
from ..refs import AP_MENTION
from .recovered import FileTexts, Recovered, nearest


def check_mentions(plan: Plan, recovered: Recovered, texts: FileTexts, problems: list[Diagnostic]) -> None:
    """Every action item named in the text or the matrix exists (or may, in a file that failed);
    every link in the text goes where a TD may link (links.py)."""
    known = {item.model.id for item in plan.action_items}
    known |= {sub.id for item in plan.action_items for sub in item.model.sub_items}
    for loaded, strings in texts:
        for loc, text in strings:
            for target in dict.fromkeys(markdown_links(text)):
                if (why := url_problem(target)) is not None:
                    shown = target if len(target) <= 60 else target[:57] + "…"
                    problems.append(loaded.source.diagnostic(loc, f"link to '{shown}': {why}"))
            if "AP" not in text:  # what the pattern needs; most text names no action item
                continue
            for ap_id in dict.fromkeys(AP_MENTION.findall(text)):
                if ap_id not in known and text != NEW_AP and not recovered.may_be_action_item(ap_id):
                    problems.append(loaded.source.diagnostic(
                        loc, f"{ap_id} is not an action item{nearest(ap_id, known)}"
                    ))
