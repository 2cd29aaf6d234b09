"""Writers: the intermediate XHTML → an output format (bytes).

Every writer is one function `write(html: str) -> bytes`, registered here under the name the
CLI's `--format` takes. `build` and the CLI read this registry and nothing else, so a new
format is a module in this folder and one `register` call (README, "Adding a writer"):

    register(Writer("odt", suffix="odt", function="apdoc.writers.odt:write_odt"))

A writer named as "module:function" is imported on first use: `apdoc validate` and the
other commands that write nothing do not pay for lxml, weasyprint or cairosvg.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import cast

WriteFunction = Callable[[str], bytes]
PiecesFunction = Callable[[Iterable[str]], bytes]


@dataclass(frozen=True)
class Writer:
    """One output format.

    `function`: the writer itself, or "module:function" to import it when first used.
    `no_revision_marks`: why the format cannot show `--compare-to`'s revision marks and what to
    use instead; empty when it can show them. `reads_pieces`: the function also takes the XHTML
    as its pieces in order (any iterable of str), and reads them as they come: a build then
    writes while it lays out (apdoc.build). `binary`: the file is not text (`-o -` refuses to
    write it to a terminal).
    """

    name: str
    suffix: str
    function: str | WriteFunction
    no_revision_marks: str = ""
    reads_pieces: bool = False
    binary: bool = False

    def write(self, html: str) -> bytes:
        return self.resolve()(html)

    def write_pieces(self, pieces: Iterable[str]) -> bytes:
        """The file from the XHTML's pieces in order: read as they come when the writer
        `reads_pieces`, else joined first."""
        if not self.reads_pieces:
            return self.write("".join(pieces))
        return cast(PiecesFunction, self.resolve())(pieces)

    def resolve(self) -> WriteFunction:
        if callable(self.function):
            return self.function
        module, _, name = self.function.partition(":")
        return getattr(importlib.import_module(module), name)

    @property
    def marks_revisions(self) -> bool:
        return not self.no_revision_marks


WRITERS: dict[str, Writer] = {}


def register(writer: Writer) -> Writer:
    """Add (or replace) a writer; `--format all` builds them in the order registered."""
    WRITERS[writer.name] = writer
    return writer


def writer(name: str) -> Writer:
    """The writer registered as `name`; KeyError names the ones there are."""
    try:
        return WRITERS[name]
    except KeyError:
        raise KeyError(f"no writer {name!r}; there are {', '.join(WRITERS)}") from None


register(Writer("docx", suffix="docx", function="apdoc.writers.docx:write_docx", reads_pieces=True,
                binary=True))
register(Writer("pdf", suffix="pdf", function="apdoc.writers.pdf:write_pdf", binary=True))
register(Writer("html", suffix="html", function="apdoc.writers.html:write_html"))
register(Writer("md", suffix="md", function="apdoc.writers.markdown:write_markdown",
                no_revision_marks="for Markdown use `apdoc diff REF --format md`"))
