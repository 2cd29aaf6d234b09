"""What reading a DOCX gives: the XHTML, and everything found on the way."""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from .revisions import Revision


@dataclass(frozen=True)
class Comment:
    """A Word comment: its own text, and the text it is anchored on."""

    id: str
    author: str
    date: str
    text: str
    anchor: str  # the commented text (as in the file, deleted text included), shortened to be shown
    paragraph: int  # where its range starts (0 when it has no range in the body)
    where: str
    element: str = ""  # the stable id of the element its range starts in (bookmarks), "" when unknown
    quote: str = ""  # the commented words as the TD shows them (tracked changes accepted), whole
    parent: str = ""  # the id of the comment this one replies to (commentsExtended), "" for a thread's first
    resolved: bool = False  # marked done (commentsExtended w15:done)


@dataclass
class ReadResult:
    xhtml: etree._Element  # <html>, the intermediate document
    revisions: list[Revision] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    properties: dict[str, str] = field(default_factory=dict)  # docProps/custom.xml

    @property
    def html(self) -> str:
        return etree.tostring(self.xhtml, encoding="unicode")
