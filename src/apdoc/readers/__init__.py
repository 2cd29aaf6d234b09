"""Readers: a document from outside (DOCX) → the intermediate XHTML (docs/layout-vocabulary.md)
→ plan values (`unlayout`).

The same architecture as pandoc's: every reader produces the one intermediate form the
writers read, so `apdoc import` and `apdoc apply` work on XHTML whatever the source.
"""

from .docx import Comment, DocxError, ReadResult, Revision, read_docx

__all__ = ["Comment", "DocxError", "ReadResult", "Revision", "read_docx"]
