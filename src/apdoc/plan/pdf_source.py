"""A TD's PDF → the plan it carries: `apdoc import TD.pdf`.

apdoc's PDFs embed the plan they were built from (`plan.zip`, writers/pdf.py), so the plan comes
back byte for byte: no layout is run backwards, nothing is guessed. A PDF that carries no plan
(one printed from Word, say) is refused: reading a plan from typeset text is not done.
"""

from __future__ import annotations

import io
import logging

from ..diagnostics import Diagnostic, PlanError
from .archive import ARCHIVE_NAME, ArchiveError, PlanArchive, read_plan_archive

MAX_PDF_BYTES = 256 * 1024 * 1024


def plan_of_pdf(data: bytes, shown: str) -> PlanArchive:
    """The plan files and facts a PDF carries; PlanError naming the PDF when it carries none."""
    def refuse(message: str) -> PlanError:
        return PlanError([Diagnostic(shown, 0, 0, message)])

    if len(data) > MAX_PDF_BYTES:
        raise refuse(f"larger than {MAX_PDF_BYTES // 2**20} MB: not read")
    if not data.startswith(b"%PDF-"):
        raise refuse("not a PDF (it does not start with %PDF-)")
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its repairs of a damaged file are not ours to report
    try:
        attachments = PdfReader(io.BytesIO(data), strict=False).attachments
        carried = attachments.get(ARCHIVE_NAME)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError, OSError) as exc:
        raise refuse(f"a PDF that cannot be read ({type(exc).__name__}: {str(exc)[:200]})") from None
    if not carried:
        raise refuse(f"this PDF carries no plan ({ARCHIVE_NAME}): import reads the PDFs apdoc builds; "
                     "for another TD give its DOCX")
    try:
        return read_plan_archive(carried[0])
    except ArchiveError as exc:
        raise refuse(str(exc)) from None
