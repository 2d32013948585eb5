"""A PDF written to its file page by page, for documents too large to hold in memory at once.

pikepdf (qpdf) keeps a whole document in memory until it saves it, about 10 KB of objects per
page even when the page content stays on disk, so a PDF of many thousands of pages grows the
process without bound. pypdf and pydyf (WeasyPrint's writer) also build the whole document
before writing it; none of them appends to a file as it goes. Hence this writer: pages are
taken from ordinary pikepdf documents as soon as they are ready, their objects are written out
at once, and only each object's file offset stays in memory.

Objects are numbered as they are first referenced. Within one source document an object used
by many pages (a font, a shared resource dictionary) is written once; an object that was
already written from another document can be named with `known` so it is not written again."""

import zlib
from collections.abc import Iterable
from decimal import Decimal
from typing import BinaryIO

from pikepdf import Array, Dictionary, Name, Object, Page, Stream

CATALOG, PAGE_TREE = 1, 2  # written last, once every page is known


class PdfWriter:
    """Write pages into `out` with `add_pages`, then `close()` to finish the file."""

    def __init__(self, out: BinaryIO):
        self.out = out
        self.offsets = [0, 0, 0]  # by object number; 0 is the free-list head
        self.pages: list[int] = []
        out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")

    def add_objects(self, objects: Iterable[Object]) -> list[int]:
        """Write indirect objects of one document, and all they use; return their numbers."""
        copy = _Copy(self, {})
        numbers = [copy.number(obj) for obj in objects]
        copy.drain()
        return numbers

    def add_pages(self, pages: Iterable[Page], known: dict[tuple[int, int], int]) -> None:
        """Append pages of one document. `known` maps objects of that document (by object and
        generation number) to objects already in the file; those are referred to, not copied.
        Each page must hold its own /MediaBox and /Resources, as WeasyPrint's pages do: what a
        page would inherit from its source's page tree is not carried over."""
        copy = _Copy(self, known)
        for page in pages:
            if Name.MediaBox not in page.obj or Name.Resources not in page.obj:
                raise ValueError("the page inherits its size or resources from its page tree")
            copy.known[page.obj.Parent.objgen] = PAGE_TREE  # the source's page tree is not copied
            self.pages.append(copy.number(page.obj))
        copy.drain()

    def close(self) -> None:
        """Write the page tree, the catalog, the cross-reference table and the trailer."""
        kids = b" ".join(b"%d 0 R" % number for number in self.pages)
        self._object(PAGE_TREE, b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(self.pages)))
        self._object(CATALOG, b"<< /Type /Catalog /Pages %d 0 R >>" % PAGE_TREE)
        start = self.out.tell()
        self.out.write(b"xref\n0 %d\n0000000000 65535 f \n" % len(self.offsets))
        self.out.writelines(b"%010d 00000 n \n" % offset for offset in self.offsets[1:])
        self.out.write(
            b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
            % (len(self.offsets), CATALOG, start)
        )

    def _reserve(self) -> int:
        self.offsets.append(0)
        return len(self.offsets) - 1

    def _object(self, number: int, body: bytes, data: bytes | None = None) -> None:
        self.offsets[number] = self.out.tell()
        self.out.write(b"%d 0 obj\n%s\n" % (number, body))
        if data is not None:
            self.out.writelines((b"stream\n", data, b"\nendstream\n"))
        self.out.write(b"endobj\n")


class _Copy:
    """Copies objects of one source document into the writer, each once."""

    def __init__(self, writer: PdfWriter, known: dict[tuple[int, int], int]):
        self.writer = writer
        self.known = dict(known)
        self.waiting: list[Object] = []

    def number(self, obj: Object) -> int:
        if obj.objgen not in self.known:
            self.known[obj.objgen] = self.writer._reserve()
            self.waiting.append(obj)
        return self.known[obj.objgen]

    def drain(self) -> None:
        while self.waiting:
            obj = self.waiting.pop()
            number = self.known[obj.objgen]
            if isinstance(obj, Stream):
                data = obj.read_raw_bytes()
                entries: dict[str, object] = {k: v for k, v in obj.stream_dict.items() if k != "/Length"}
                if "/Filter" not in entries:
                    data, entries["/Filter"] = zlib.compress(data), Name.FlateDecode
                entries["/Length"] = len(data)
                self.writer._object(number, self._dictionary(entries.items()), data)
            else:
                self.writer._object(number, self._direct(obj))

    def _value(self, value) -> bytes:
        if isinstance(value, Object) and value.is_indirect:
            return b"%d 0 R" % self.number(value)
        return self._direct(value)

    def _direct(self, value) -> bytes:
        if isinstance(value, Dictionary):
            return self._dictionary(value.items())
        if isinstance(value, Array):
            return b"[" + b" ".join(self._value(item) for item in value) + b"]"
        if isinstance(value, Object):  # names, strings
            return value.unparse()
        if value is None:
            return b"null"
        if isinstance(value, bool):
            return b"true" if value else b"false"
        if isinstance(value, Decimal):
            return format(value, "f").encode()
        if isinstance(value, int):
            return b"%d" % value
        raise TypeError(f"cannot write {type(value).__name__} into a PDF")

    def _dictionary(self, entries) -> bytes:
        pairs = b"".join(Name(key).unparse() + b" " + self._value(value) + b"\n" for key, value in entries)
        return b"<<" + pairs + b">>"
