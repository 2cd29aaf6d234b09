"""The .docx package: every part serialised and zipped, deterministically (fixed dates,
fixed order, fixed permissions), so the same XHTML gives the same bytes."""

from __future__ import annotations

import io
import shutil
import zipfile
import zlib
from concurrent.futures import Future, ThreadPoolExecutor
from typing import IO

from ...anchors import AnchorMap
from . import parts
from .document import FIXED_DATE, Writer
from .look import styles_part, theme_part
from .ooxml import serialize
from .streaming import BodyXml, XhtmlStream

ZIP_DATE = (1980, 1, 1, 0, 0, 0)
ZIP_CHUNK = 1 << 20  # bytes of a part read from its file at a time


class DeflatedPart:
    """A part compressed as it is written, as the zip would compress it (raw deflate at zlib's
    default level, and the CRC), in a thread of its own: zlib lets go of the interpreter while
    it works, so on a second core the writer's walk goes on beside it. The same bytes: deflate's
    output does not depend on how its input is cut."""

    PIECE = 1 << 20  # bytes handed to the thread at a time

    def __init__(self) -> None:
        self._compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)  # zipfile's
        self._waiting: list[bytes | memoryview] = []
        self._waiting_size = 0
        self._compressed: list[bytes] = []
        self._worker: ThreadPoolExecutor | None = None
        self._pending: list[Future[None]] = []
        self.crc = 0
        self.size = 0

    def write(self, data: bytes | memoryview) -> None:
        self._waiting.append(data)
        self._waiting_size += len(data)
        if self._waiting_size >= self.PIECE:
            if self._worker is None:
                self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="apdoc-deflate")
            # One worker: the pieces are compressed in the order they come.
            self._pending.append(self._worker.submit(self._compress, self._take()))
            for future in [future for future in self._pending if future.done()]:
                future.result()  # a failure in the thread shows here
                self._pending.remove(future)

    def _take(self) -> bytes:
        piece = b"".join(self._waiting)
        self._waiting.clear()
        self._waiting_size = 0
        return piece

    def _compress(self, piece: bytes) -> None:
        self.crc = zlib.crc32(piece, self.crc)
        self.size += len(piece)
        self._compressed.append(self._compressor.compress(piece))

    def finish(self) -> list[bytes]:
        """The compressed bytes, once the last piece is compressed (`crc` and `size` are then the part's)."""
        for future in self._pending:
            future.result()  # a failure in the thread shows here
        self.close()
        self._compress(self._take())
        self._compressed.append(self._compressor.flush())
        return self._compressed

    def close(self) -> None:
        if self._worker is not None:
            self._worker.shutdown()
            self._worker = None


def write_docx(html: str) -> bytes:
    """The intermediate XHTML document → the bytes of a .docx file (deterministic)."""
    xhtml = XhtmlStream(html)
    writer = Writer(xhtml.root)
    # A large TD's document.xml (30 MB for a plan of 100 times the seed's) is compressed while it
    # is written, beside the walk: only its compressed bytes (a quarter) wait for the zip.
    document = DeflatedPart()
    try:
        writer.document(xhtml, BodyXml(document))
        return zip_parts(package_parts(writer, document))
    finally:
        document.close()


Part = bytes | IO[bytes] | DeflatedPart


def package_parts(writer: Writer, document: DeflatedPart | IO[bytes]) -> list[tuple[str, Part]]:
    """Every part of the package, in the order they are zipped."""
    doc, meta = writer.doc, writer.meta
    core = parts.core_properties(writer.title, meta.get("author", ""), meta.get("keywords", ""),
                                 meta.get("date") or FIXED_DATE)
    return [
        ("[Content_Types].xml", serialize(parts.content_types())),
        ("_rels/.rels", serialize(parts.package_relationships())),
        ("docProps/core.xml", serialize(core)),
        ("docProps/app.xml", serialize(parts.app_properties())),
        ("docProps/custom.xml", serialize(parts.custom_properties(
            build_facts(meta, writer.anchor_map)))),
        ("word/document.xml", document),
        ("word/_rels/document.xml.rels", serialize(parts.document_relationships(doc.links, len(doc.images)))),
        ("word/styles.xml", styles_part()),
        ("word/settings.xml", serialize(parts.settings())),
        ("word/numbering.xml", serialize(parts.numbering(doc.nums))),
        ("word/footnotes.xml", serialize(parts.footnotes(doc.footnotes))),
        ("word/header1.xml", serialize(parts.header(meta.get("document-number", "")))),
        ("word/header2.xml", serialize(parts.first_page_header())),
        ("word/fontTable.xml", serialize(parts.font_table())),
        ("word/theme/theme1.xml", theme_part()),
        *((f"word/media/image{n}.png", png) for n, png in enumerate(doc.images, 1)),
    ]


def build_facts(meta: dict[str, str], anchors: AnchorMap) -> dict[str, str]:
    """What `apdoc apply` needs to know of this TD: the layout's `apdoc-*` facts (the plan it was
    built from), who made the build's own revision marks and when, and the anchors' map."""
    facts = {name: value for name, value in meta.items() if name.startswith("apdoc-") and value}
    if "revision-author" in meta:
        facts["apdoc-revision-author"] = meta["revision-author"]
        facts["apdoc-revision-date"] = meta.get("revision-date") or FIXED_DATE
    return {**facts, **anchors.properties()}


def zip_parts(files: list[tuple[str, Part]]) -> bytes:
    """The parts zipped: bytes, a file read from its start, or a part compressed already (the
    same bytes in the zip)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            if isinstance(data, bytes):
                archive.writestr(info, data)
            elif isinstance(data, DeflatedPart):
                _write_deflated(archive, info, data)
            else:
                data.seek(0)
                with archive.open(info, "w") as entry:
                    shutil.copyfileobj(data, entry, ZIP_CHUNK)
    return buffer.getvalue()


def _write_deflated(archive: zipfile.ZipFile, info: zipfile.ZipInfo, part: DeflatedPart) -> None:
    """An entry whose data is compressed already, laid out as `archive.open(info, "w")` lays out
    what is written through it (a test holds the two to the same bytes). zipfile takes no
    compressed data, hence its attributes here: they have stayed the same since Python 3.6."""
    chunks = part.finish()
    info.flag_bits = 0
    info.CRC, info.file_size, info.compress_size = part.crc, part.size, sum(map(len, chunks))
    if info.file_size > zipfile.ZIP64_LIMIT or info.compress_size > zipfile.ZIP64_LIMIT:
        raise ValueError("document.xml is larger than a zip without ZIP64 extensions holds")
    info.header_offset = archive.fp.tell()
    archive.fp.write(info.FileHeader(False))
    chunks.reverse()
    while chunks:  # each let go once in the zip: the part is never twice in memory
        archive.fp.write(chunks.pop())
    archive.start_dir = archive.fp.tell()
    archive.filelist.append(info)
    archive.NameToInfo[info.filename] = info
