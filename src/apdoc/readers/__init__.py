"""Readers: documents from outside (DOCX) → the intermediate XHTML → plan values."""
