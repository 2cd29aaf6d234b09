"""The plan as pydantic models: what each kind of file in `plan/` may hold.

Field descriptions are written for editors: they become the JSON Schema's
descriptions, which editors see as completion hints.

Text fields hold Markdown (CommonMark: paragraphs, `- ` bullets, `1.` lists,
`> ` quotes, *emphasis*, **strong**, links, `[^id]` footnote references).
Where a field may also be a YAML list, each list item is one bullet.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, StringConstraints, Tag

# Every pattern a plan value must match, with what it means to an editor. Errors name a mismatch
# by its meaning (load.explain), so a pattern and its message cannot drift apart.
PATTERN_MEANINGS: dict[str, str] = {}


def matching(pattern: str, meaning: str) -> object:
    """Text matching `pattern`, described to the editor as `meaning`."""
    PATTERN_MEANINGS[pattern] = meaning
    return Annotated[str, StringConstraints(pattern=pattern)]


AP_ID_PATTERN = r"^AP[1-9][0-9]*(\.[1-9][0-9]*)*$"
SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
NEW_AP = "New AP"
# What `apdoc new` writes where a required text is still to be written: a warning until replaced.
PLACEHOLDER = "[to be written]"

ActionItemId = matching(AP_ID_PATTERN, "an action item id such as AP1.4")
Slug = matching(SLUG_PATTERN, "an id of lower-case letters, digits and hyphens, e.g. strategic-plan")
NonEmpty = Annotated[str, StringConstraints(min_length=1)]
# A column's width in per cent: a zero or negative width has no place on a page (and would
# divide by zero in a writer), and a huge one only squeezes the others to nothing.
Width = Annotated[int, Field(ge=1, le=100)]
# A link a TD may carry (see links.py): https, http or mailto, nothing else (no javascript:).
URL_PATTERN = r"^((?i:https?)://\S+|(?i:mailto):\S+)?$"
# Consideration numbers as typed (07): up to six ASCII digits, so that every tool can count with them.
CONSIDERATION_NUMBER_PATTERN = r"^[0-9]{1,6}$"
Markdown = str
# A text field: Markdown, or a YAML list in which each item is one bullet.
Text = Markdown | list[Markdown] | None


class PlanModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


# --- document.yaml ----------------------------------------------------------


class Contact(PlanModel):
    name: NonEmpty = Field(description="Name of the contact person.")
    organization: str = Field("", description="Organization the person represents.")
    country: str = Field("", description="Country of the organization.")
    phone: str = Field("", description="Telephone number, e.g. +41 22 730 0000.")
    email: str = Field("", description="E-mail address.")


class Cover(PlanModel):
    document_number: NonEmpty = Field(
        description="The TD's number as ITU writes it, e.g. TSAG-TD 123. Names the built files."
    )
    study_period: NonEmpty = Field(description="Study period, e.g. 2022-2024.")
    group: NonEmpty = Field(
        "TELECOMMUNICATION STANDARDIZATION ADVISORY GROUP",
        description="The group that issues the document, in capitals.",
    )
    original: str = Field("English", description="Original language.")
    questions: str = Field("N/A", description="Question(s) concerned, or N/A.")
    meeting: NonEmpty = Field(description="Meeting place and dates, e.g. Geneva, 30 May - 2 June 2023.")
    document_type: str = Field("TD", description="Document type shown centred on the cover, e.g. TD.")
    source: NonEmpty = Field(description="Who submits the document.")
    title: NonEmpty = Field(description="Title of the document.")
    purpose: str = Field("", description="Discussion, Information, Approval, …")
    contacts: list[Contact] = Field(default_factory=list, description="One entry per contact person.")
    keywords: list[str] = Field(default_factory=list, description="Keywords, one per list item.")


class Document(PlanModel):
    """document.yaml: the cover page, the abstract and the action requested."""

    cover: Cover
    abstract: Markdown = Field(description="The abstract (Markdown).")
    action: Markdown = Field("", description="What the meeting is invited to do (Markdown).")


# --- chapters and annexes ---------------------------------------------------


class Table(PlanModel):
    id: Slug = Field(description="Stable id of the table, e.g. principal-components.")
    title: NonEmpty = Field(description="Caption title; the number is computed from document order.")
    columns: list[NonEmpty] = Field(min_length=1, description="Column headings.")
    widths: list[Width] | None = Field(
        None, description="Relative column widths in per cent (whole numbers, 1 to 100), one per column (optional)."
    )
    rows: list[list[Markdown]] = Field(description="One list of cells per row, one cell per column.")


class TableBlock(PlanModel):
    table: Table


class Pillar(PlanModel):
    name: NonEmpty = Field(description="Name of the pillar, e.g. Raising awareness.")
    action_items: list[ActionItemId] = Field(min_length=1, description="Action items under this pillar.")


class Figure(PlanModel):
    id: Slug = Field(description="Stable id of the figure, e.g. pillars.")
    title: NonEmpty = Field(description="Caption title; the number is computed from document order.")
    heading: str = Field("", description="Text of the box above the pillars (default: the document's title).")
    pillars: list[Pillar] = Field(min_length=1, description="The pillars drawn side by side, each with its items.")


class FigureBlock(PlanModel):
    figure: Figure


InsertName = Literal["action_item_list", "action_item_tables", "session_sources", "considerations", "pillar_list"]


class InsertBlock(PlanModel):
    insert: InsertName = Field(
        description=(
            "Generated content placed here: action_item_list (the chapter 4 list of action items), "
            "action_item_tables (one table per action item), session_sources (the legend of the "
            "matrix's session sources), considerations (the consideration matrix), pillar_list (the pillars "
            "of the chapter's figure as a bulleted list)."
        )
    )


def _block_kind(value: object) -> str:
    if isinstance(value, dict):
        return next((kind for kind in ("insert", "figure") if kind in value), "table")
    return "text"


# A block of a chapter: Markdown prose, a table, a figure, or generated content.
Block = Annotated[
    Annotated[Markdown, Tag("text")]
    | Annotated[TableBlock, Tag("table")]
    | Annotated[FigureBlock, Tag("figure")]
    | Annotated[InsertBlock, Tag("insert")],
    Discriminator(_block_kind),
]


class Reference(PlanModel):
    key: matching(r"^b-[^\]\[]+$", "a key starting with b-, e.g. b-ITU Strategic Plan") = Field(  # type: ignore[valid-type]
        description="Bibliography key without brackets, e.g. b-ITU Strategic Plan; cited as [b-…]."
    )
    text: NonEmpty = Field(description="The reference as it is printed.")
    url: matching(URL_PATTERN, "an address starting with https://, http:// or mailto: (other links, such as "  # type: ignore[valid-type]
                  "javascript:, are not allowed)") = Field(
        "", description="Address of the referenced document: https://…, http://… or mailto:…"
    )


class SessionSource(PlanModel):
    key: NonEmpty = Field(description="Column heading in the matrix, e.g. K, 1, E, R.")
    description: NonEmpty = Field(description="What the source is, shown in the legend.")


TargetId = matching(f"^({AP_ID_PATTERN[1:-1]}|{NEW_AP})$", "an action item id such as AP1.4, or New AP")


class ActionItemTarget(PlanModel):
    action_item: TargetId = Field(
        description="An action item id, e.g. AP1.4, or 'New AP' for an action item yet to be created."
    )
    for_points: list[NonEmpty] = Field(
        default_factory=list,
        description="Which sub-items of the proposed action this target concerns, e.g. [i] or [ii, iii].",
    )


def _target_kind(value: object) -> str:
    # A dict when validating, the model itself when dumping (else pydantic warns and guesses).
    return "target" if isinstance(value, dict | ActionItemTarget) else "id"


# A target document: an action item id, 'New AP', or an id with the points it concerns.
Target = Annotated[
    Annotated[TargetId, Tag("id")] | Annotated[ActionItemTarget, Tag("target")],
    Discriminator(_target_kind),
]


class OneOf(PlanModel):
    one_of: list[Target] = Field(min_length=2, description="Alternative targets: one of these.")


class Consideration(PlanModel):
    number: matching(CONSIDERATION_NUMBER_PATTERN, "a number such as 07 (digits 0-9, at most six)") = Field(  # type: ignore[valid-type]
        description="Row number as it stands, e.g. 01. Numbers are never reused, so gaps are normal."
    )
    point: NonEmpty = Field(description="The point for consideration (Markdown).")
    editors_note: Markdown = Field("", description="Open editor's note on this point, if any.")
    sources: list[NonEmpty] = Field(
        default_factory=list, description="Session sources that raised the point (keys of session_sources)."
    )
    proposed_actions: Text = Field(
        None, description="The proposed action (Markdown), or a list of sub-actions numbered i), ii), …"
    )
    target_entities: list[NonEmpty] = Field(
        default_factory=list, description="Entities to act (from target_entities of this chapter)."
    )
    target_documents: Annotated[
        Annotated[list[Target], Tag("all")] | Annotated[OneOf, Tag("one_of")],
        Discriminator(lambda v: "one_of" if isinstance(v, dict | OneOf) else "all"),
    ] = Field(
        default_factory=list,
        description="Action items to amend: a list (all of them), or one_of: [...] for alternatives.",
    )
    comments: Markdown = Field("", description="Comments (Markdown).")


class Chapter(PlanModel):
    """A chapter, annex or section: a title, blocks of content and sub-sections."""

    id: Slug = Field(description="Stable id, used for links and revision marks; never shown.")
    title: NonEmpty = Field(description="Heading text; the number is computed from document order.")
    content: list[Block] = Field(
        default_factory=list,
        description="Paragraphs (Markdown), tables, and 'insert:' markers for generated content.",
    )
    sections: list[Chapter] = Field(default_factory=list, description="Sub-sections, numbered 1.1, 1.2, …")
    footnotes: dict[matching(r"^[A-Za-z0-9_-]+$", "letters, digits, - and _"), NonEmpty] = Field(  # type: ignore[valid-type]
        default_factory=dict,
        description="Footnotes referenced as [^id] in this chapter's text: id → footnote text.",
    )
    references: list[Reference] = Field(
        default_factory=list, description="Bibliography entries (normally in the references annex)."
    )
    session_sources: list[SessionSource] = Field(
        default_factory=list, description="Vocabulary of the matrix's session sources, in column order."
    )
    target_entities: list[NonEmpty] = Field(
        default_factory=list, description="Vocabulary of the matrix's target entities."
    )
    considerations: list[Consideration] = Field(
        default_factory=list, description="Rows of the consideration matrix, in order."
    )


# --- action-items/*.yaml ----------------------------------------------------


class SubItem(PlanModel):
    id: ActionItemId = Field(description="Id of the sub-item, e.g. AP1.1.2; its parent is the file's item.")
    statement: NonEmpty = Field(description="The sub-item as listed in chapter 4 (Markdown).")


class ActionItemTable(PlanModel):
    """The rows of an action item's table.

    A row given empty is shown empty; a row left out of the file is not in the table (as in
    versions of the plan made before that row existed).
    """

    objective: Text = Field(
        None,
        description=(
            "Objective/Thematic Priority. Leave out when it is the chapter 4 statement "
            "(with the sub-items as bullets)."
        ),
    )
    key_outcomes: Text = Field(None, description="Key Outcome(s).")
    key_outcome_indicators: Text = Field(None, description="Key Outcome Indicator(s).")
    implementation_strategies: Text = Field(None, description="Implementation Strategies.")
    enablers: Text = Field(None, description="Enablers.")
    itu_services: Text = Field(None, description="ITU Services.")
    learning_and_feedback: Text = Field(None, description="Learning and Feedback.")


class ActionItem(PlanModel):
    """One action item: its chapter 4 statement and, if it has one, its table."""

    id: ActionItemId = Field(description="Action item id, e.g. AP1.4. The file is named after it.")
    short_name: str = Field("", description='Short name shown in the table header, e.g. Lack of awareness.')
    statement: NonEmpty = Field(description="The action item as listed in chapter 4 (Markdown).")
    sub_items: list[SubItem] = Field(
        default_factory=list, description="Sub-items that share this item's table, e.g. AP1.1.1."
    )
    table: ActionItemTable | None = Field(None, description="The action item's table (Tables 2–12 of the seed).")


# The rows of an action item table as the TD labels them, in order.
TABLE_FIELDS: dict[str, str] = {
    "objective": "Objective/Thematic Priority",
    "key_outcomes": "Key Outcome(s)",
    "key_outcome_indicators": "Key Outcome Indicator(s)",
    "implementation_strategies": "Implementation Strategies",
    "enablers": "Enablers",
    "itu_services": "ITU Services",
    "learning_and_feedback": "Learning and Feedback",
}


def number_key(digits: str) -> tuple[int, str]:
    """Sort key of a run of ASCII digits in numeric order, for any length: no int(), which
    refuses more than 4,300 digits; leading zeros do not count (07 sorts as 7)."""
    significant = digits.lstrip("0")
    return len(significant), significant


def is_ascii_number(text: str) -> bool:
    """Digits 0-9 only: str.isdigit() also accepts superscripts and other scripts' digits,
    which int() refuses."""
    return text.isascii() and text.isdigit()


def ap_sort_key(ap_id: str) -> tuple[tuple[int, str], ...]:
    """Natural order of action item ids: AP1 < AP1.1 < AP1.1.1 < AP1.2 < AP2."""
    return tuple(number_key(part) for part in re.findall(r"[0-9]+", ap_id))


# --- comments.yaml ----------------------------------------------------------
# Word comment threads read from an edited TD (`apdoc apply`) and written back into the next one
# (`apdoc build`). Their text is data, shown as typed: not Markdown, never a template.


class CommentReply(PlanModel):
    author: str = Field("", description="Who wrote the reply, as Word records it.")
    date: str = Field("", description="When, as Word records it (ISO 8601, e.g. 2026-12-07T10:15:00Z).")
    text: str = Field(description="The reply's text; paragraphs separated by line breaks.")


class CommentThread(PlanModel):
    """One Word comment with its replies, on some words of one element of the TD."""

    anchor: str = Field(description="The stable id of the element the comment is on (docs/layout-vocabulary.md), "
                                    "e.g. ap-AP1.3-key_outcomes; empty when the TD did not say.")
    quote: str = Field("", description="The words the comment is on, as the TD showed them.")
    author: str = Field("", description="Who wrote the comment, as Word records it.")
    date: str = Field("", description="When, as Word records it (ISO 8601, e.g. 2026-12-07T10:15:00Z).")
    text: str = Field(description="The comment's text; paragraphs separated by line breaks.")
    resolved: bool = Field(False, description="Marked done (resolved) in Word: left out of the TD unless "
                                              "`apdoc build --comments all`.")
    replies: list[CommentReply] = Field(default_factory=list, description="The replies, oldest first.")


class Comments(PlanModel):
    """comments.yaml: the Word comment threads of the TD, kept beside the plan."""

    threads: list[CommentThread] = Field(default_factory=list, description="Every thread, in the TD's order.")


# Kinds of plan file and the model each is read with.
FILE_KINDS: dict[str, type[PlanModel]] = {
    "document": Document,
    "chapter": Chapter,
    "action-item": ActionItem,
    "comments": Comments,
}
