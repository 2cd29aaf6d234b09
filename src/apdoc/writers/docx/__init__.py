"""DOCX: the intermediate XHTML → WordprocessingML, written directly (lxml elements and text).

python-docx has no footnotes, fields, repeated header rows or list definitions, and its
`Table.cell()` is quadratic; so the parts are built here, in schema order, around the
styles part we ship. The mapping from the vocabulary (docs/layout-vocabulary.md) to Word is
fixed; its look (styles, indents, page, caption sequences) is read by `look.py` from the
folder `look.parts_dir()`.

- `document.py`: the walk of the XHTML (blocks, lists, figures, paragraphs)
- `state.py`: the walk's state as records: where it stands, what it gathers, what it remembers
- `tables.py`: tables, written row by row on the intermediate's span grid
- `runs.py`: inline runs, whitespace, hyperlinks, tracked changes, bookmarks
- `xmltext.py`: paragraphs, runs and rows written as text (lxml's bytes, its escaping)
- `figures.py`: SVG → PNG (cached) and the picture's w:drawing
- `parts.py`: numbering, footnotes, headers, settings, relationships, properties
- `package.py`: the parts zipped into the .docx, deterministically
- `streaming.py`: the XHTML read and document.xml written a piece at a time, so that
  neither tree is ever whole in memory
"""

from __future__ import annotations

from .package import write_docx

__all__ = ["write_docx"]
