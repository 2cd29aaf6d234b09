"""Word comment threads kept in the plan: read from an edited TD (`apdoc apply`), merged into
plan/comments.yaml, listed (`apdoc comments`).

A thread is known by its first comment's author, date and text: applying the same TD twice
finds every thread already there and changes nothing. A thread the TD shows updates the plan's
(new replies added, resolved or reopened, its words moved); a thread the TD does not show is
kept as it is (a TD built with `--comments open` leaves the resolved ones out, and a
contribution may hold only part of the TD). A thread whose words an edit removed keeps the
words it had and its element, and is reported.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..diagnostics import Diagnostic, PlanError, display_path
from ..plan.folder import COMMENTS_FILE, Plan
from ..plan.models import CommentReply, Comments, CommentThread
from ..plan.yaml_layout import format_tree, loaded_data, new_yaml, schema_line
from ..plan.yamledit import update
from ..readers.docx import Comment

MAX_REPLY_DEPTH = 1000  # parents followed to a thread's first comment; a longer chain is a loop


def grouped(comments: Sequence[Comment]) -> list[tuple[Comment, list[Comment]]]:
    """The DOCX's comments in threads: (first comment, its replies), in the order comments.xml
    lists them. A reply's parent is followed to the thread's first comment (a loop stops it)."""
    by_id = {c.id: c for c in comments}

    def root(comment: Comment) -> Comment:
        seen = {comment.id}
        for _ in range(MAX_REPLY_DEPTH):
            parent = by_id.get(comment.parent)
            if parent is None or parent.id in seen:
                return comment
            seen.add(parent.id)
            comment = parent
        return comment

    threads: dict[str, tuple[Comment, list[Comment]]] = {}
    replies: list[tuple[str, Comment]] = []
    for comment in comments:
        first = root(comment)
        if first is comment:
            threads.setdefault(comment.id, (comment, []))
        else:
            replies.append((first.id, comment))
    for first_id, reply in sorted(replies, key=lambda pair: pair[1].date):  # oldest first (stable)
        threads[first_id][1].append(reply)
    return list(threads.values())


# Characters a plan file cannot hold (plan/source.py refuses them) that a DOCX may: C0 and C1
# controls but tab and line feed, DEL, surrogates, non-characters. Left out of what is kept.
NOT_IN_A_PLAN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def _kept(text: str) -> str:
    return NOT_IN_A_PLAN.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def thread_of(first: Comment, replies: Sequence[Comment]) -> CommentThread:
    return CommentThread(anchor=_kept(first.element), quote=_kept(first.quote or first.anchor.strip()),
                         author=_kept(first.author), date=_kept(first.date), text=_kept(first.text),
                         resolved=first.resolved,
                         replies=[CommentReply(author=_kept(r.author), date=_kept(r.date), text=_kept(r.text))
                                  for r in replies])


def _key(item: CommentThread | CommentReply) -> tuple[str, str, str]:
    return item.author, item.date, " ".join(item.text.split())


@dataclass
class Merged:
    threads: list[CommentThread]
    said: list[str] = field(default_factory=list)  # what changed, one line each
    warnings: list[str] = field(default_factory=list)  # threads whose words are gone


def merge_threads(plan: Sequence[CommentThread], document: Sequence[CommentThread],
                  words_removed: set[tuple[str, str, str]] | None = None) -> Merged:
    """The plan's threads updated with the document's. `words_removed`: the keys of the
    document's threads whose words it no longer shows (tracked deletions)."""
    removed = words_removed or set()
    out = Merged(list(plan))
    where = {_key(t): n for n, t in enumerate(out.threads)}
    for thread in document:
        key = _key(thread)
        gone = key in removed
        if key not in where:
            where[key] = len(out.threads)
            out.threads.append(thread)
            out.said.append(f"comment added: {_describe(thread)}"
                            + (f", {_count(len(thread.replies), 'reply', 'replies')}" if thread.replies else ""))
            if gone:
                out.warnings.append(f"{_describe(thread)}: its words were removed by an edit; the thread is kept on "
                                    f"{thread.anchor or 'no element'}")
            continue
        old = out.threads[where[key]]
        known = {_key(r) for r in old.replies}
        new_replies = [r for r in thread.replies if _key(r) not in known]
        changes: dict[str, Any] = {}
        if new_replies:
            changes["replies"] = [*old.replies, *new_replies]
            out.said.append(f"{_count(len(new_replies), 'reply', 'replies')} added: {_describe(old)}")
        if thread.resolved != old.resolved:
            changes["resolved"] = thread.resolved
            out.said.append(f"{'resolved' if thread.resolved else 'reopened'}: {_describe(old)}")
        if gone:
            if thread.anchor and thread.anchor != old.anchor:
                changes["anchor"] = thread.anchor
            out.warnings.append(f"{_describe(old)}: its words were removed by an edit; the thread is kept on "
                                f"{changes.get('anchor', old.anchor) or 'no element'}")
        elif thread.anchor and (thread.anchor, thread.quote) != (old.anchor, old.quote):
            changes.update(anchor=thread.anchor, quote=thread.quote)
            out.said.append(f"moved to {_describe(thread)}")
        if changes:
            out.threads[where[key]] = old.model_copy(update=changes)
    return out


def _describe(thread: CommentThread) -> str:
    words = " ".join(thread.quote.split())
    quote = f"“{words[:47]}…”" if len(words) > 50 else f"“{words}”"
    return f"{thread.anchor or '(no element)'} {quote} by {thread.author or 'someone'}"


def _count(n: int, singular: str, plural: str) -> str:
    return f"{n} {singular if n == 1 else plural}"


def thread_data(threads: Sequence[CommentThread]) -> dict[str, Any]:
    """comments.yaml's values: what is not a default, so the file holds only what was written."""
    return {"threads": [_as_read(t.model_dump(exclude_defaults=True)) for t in threads]}


def _as_read(value: Any) -> Any:
    """A value as the plan's loader reads it back: every scalar text (`true`, not True)."""
    if isinstance(value, dict):
        return {key: _as_read(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_as_read(item) for item in value]
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def comments_text(plan: Plan, threads: Sequence[CommentThread]) -> str | None:
    """The new text of plan/comments.yaml holding `threads`, edited in place (its own comments and
    layout kept); None when it already holds them."""
    path = plan.root / COMMENTS_FILE
    new = thread_data(threads)
    Comments.model_validate(new)  # what is written validates: the models made it
    if plan.comments is not None:
        before = path.read_text(encoding="utf-8")
        old = plan.comments.source.data
    elif not threads:
        return None
    else:
        before, old = "threads: []\n", {"threads": []}
    if old == new:
        return None
    rt = new_yaml()
    data = rt.load(before)
    update(data, new, old, lines=before.split("\n"))
    text = format_tree(data, rt, Comments, schema_line(path, plan.root, "comments"))
    if loaded_data(text, path) != new:  # read back as the plan will read it: never a file it refuses
        raise PlanError([Diagnostic(display_path(path), 0, 0, "cannot write the comments without changing "
                                    "one (please report this); nothing written")])
    return text if text != before else None


@dataclass
class CommentUpdate:
    """What `apply` does with a TD's comments: the new comments.yaml (None: unchanged)."""

    path: Path
    text: str | None
    said: list[str]
    notes: list[Diagnostic]


def comment_update(plan: Plan, comments: Sequence[Comment], shown: str) -> CommentUpdate:
    """The plan's comments.yaml with the threads of a TD's `comments` merged in."""
    document, removed = [], set()
    for first, replies in grouped(comments):
        thread = thread_of(first, replies)
        document.append(thread)
        if not first.quote and first.anchor.strip():  # only deleted words in its range
            removed.add(_key(thread))
    plan_threads = list(plan.comments.model.threads) if plan.comments is not None else []
    merged = merge_threads(plan_threads, document, removed)
    text = comments_text(plan, merged.threads)
    notes = [Diagnostic(shown, 0, 0, warning, severity="warning") for warning in merged.warnings]
    return CommentUpdate(plan.root / COMMENTS_FILE, text, merged.said, notes)


# --- listing ---------------------------------------------------------------------------------


def listing(threads: Sequence[CommentThread], style: str, source: str) -> str:
    """The threads as text (for people), md (for a pull request) or json (for tools)."""
    if style == "json":
        return json.dumps([t.model_dump() for t in threads], ensure_ascii=False, indent=2) + "\n"
    if style == "md":
        return _markdown(threads, source)
    lines = []
    for n, thread in enumerate(threads, 1):
        state = "resolved" if thread.resolved else "open"
        lines.append(f"{n}. {thread.anchor or '(no element)'} “{_one_line(thread.quote)}” ({state})")
        for who, date, text in [(thread.author, thread.date, thread.text),
                                *((r.author, r.date, r.text) for r in thread.replies)]:
            lines.append(f"   {who or 'someone'}{', ' + date if date else ''}: {_one_line(text)}")
    opened = sum(1 for t in threads if not t.resolved)
    lines.append(f"{source}: {_count(len(threads), 'thread', 'threads')}, {opened} open")
    return "\n".join(lines) + "\n"


def _one_line(text: str) -> str:
    return " ".join(text.split())


MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]<>!|~&"})  # inline: each line starts with apdoc's "- "


def _md(text: str) -> str:
    """Text for Markdown as typed: every character Markdown or HTML could take for markup escaped."""
    return _one_line(text).translate(MD_SPECIAL)


def _markdown(threads: Sequence[CommentThread], source: str) -> str:
    opened = sum(1 for t in threads if not t.resolved)
    lines = [f"### Comments: {_count(len(threads), 'thread', 'threads')}, {opened} open", ""]
    for thread in threads:
        state = "resolved" if thread.resolved else "open"
        lines.append(f"- **{_md(thread.anchor or '(no element)')}** “{_md(thread.quote)}” ({state})")
        for who, date, text in [(thread.author, thread.date, thread.text),
                                *((r.author, r.date, r.text) for r in thread.replies)]:
            lines.append(f"  - *{_md(who or 'someone')}*{' ' + _md(date) if date else ''}: {_md(text)}")
    if not threads:
        lines.append(f"No comment threads in {_md(source)}.")
    return "\n".join(lines) + "\n"


def shown_path(plan: Plan) -> str:
    return display_path(plan.root / COMMENTS_FILE)
