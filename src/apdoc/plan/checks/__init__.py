"""Rules across files: ids, the action item hierarchy, references, vocabularies — one module a concern."""

from __future__ import annotations

from ...diagnostics import Diagnostic
from ..folder import Plan
from .action_items import check_action_items
from .chapters import check_chapters
from .mentions import check_mentions
from .recovered import Recovered, strings_of
from .unfinished import warn_unfinished


def check_plan(plan: Plan) -> list[Diagnostic]:
    """Cross-file rules over the files that loaded; `plan.failed` only keeps errors from cascading."""
    problems: list[Diagnostic] = []
    recovered = Recovered.of(plan.failed)
    # Three checks read every text value of every file: the files are walked once for them all.
    texts = [(loaded, list(strings_of(loaded.source.data))) for loaded in plan.files]
    check_action_items(plan, recovered, problems)
    check_chapters(plan, recovered, texts, problems)
    check_mentions(plan, recovered, texts, problems)
    warn_unfinished(plan, texts, problems)
    return problems
