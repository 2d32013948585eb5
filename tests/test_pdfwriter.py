"""The page-by-page PDF writer: what it writes reads back the same in qpdf, and objects it was
told are already written are referred to, not copied again."""

import io

import pikepdf
import pytest
from pikepdf import Array, Dictionary, Name, Pdf, String

from eventapp.pdfwriter import PdfWriter


def _document(label: str, shared_name: str) -> Pdf:
    """Two pages sharing one resource dictionary, as WeasyPrint lays them out."""
    pdf = Pdf.new()
    resources = pdf.make_indirect(Dictionary(XObject=Dictionary()))
    for number in (1, 2):
        pdf.add_blank_page(page_size=(200, 100))
        page = pdf.pages[-1]
        page.obj.Resources = resources
        page.obj.Contents = pdf.make_stream(f"% {label} page {number}\n".encode())
        link = Dictionary(
            Type=Name.Annot,
            Subtype=Name.Link,
            Rect=[0, 0, 10.5, 10],
            A=Dictionary(S=Name.URI, URI=String(f"https://x.test/{label}({number})\\é")),
        )
        page.obj.Annots = Array([pdf.make_indirect(link)])
        page.obj.Flags = Array([True, False, None, -3])
    resources.XObject[Name(shared_name)] = pdf.make_indirect(Dictionary())  # stands in for the shared form
    return pdf


def test_pages_of_several_documents_read_back_alike_and_shared_objects_are_written_once():
    common = Pdf.new()
    form = pikepdf.Stream(common, b"0 0 5 5 re f")
    form.Type, form.Subtype, form.BBox = Name.XObject, Name.Form, [0, 0, 5, 5]
    out = io.BytesIO()
    writer = PdfWriter(out)
    (shared,) = writer.add_objects([common.make_indirect(form)])
    for label in ("a", "b"):
        part = _document(label, "/Shared")
        stand_in = part.pages[0].Resources.XObject.Shared
        writer.add_pages(part.pages, {stand_in.objgen: shared})
    writer.close()

    with pikepdf.open(io.BytesIO(out.getvalue())) as joined:
        assert joined.check_pdf_syntax() == []
        assert len(joined.pages) == 4
        contents = [page.Contents.read_bytes() for page in joined.pages]
        assert contents == [f"% {label} page {n}\n".encode() for label in "ab" for n in (1, 2)]
        uris = [str(page.Annots[0].A.URI) for page in joined.pages]
        assert uris == [f"https://x.test/{label}({n})\\é" for label in "ab" for n in (1, 2)]
        assert list(joined.pages[0].Flags) == [True, False, None, -3]
        assert joined.pages[1].Annots[0].Rect[2] == 10.5
        forms = {page.Resources.XObject.Shared.objgen for page in joined.pages}
        assert len(forms) == 1 and joined.pages[3].Resources.XObject.Shared.read_bytes() == b"0 0 5 5 re f"
        assert joined.pages[0].Contents.Filter == Name.FlateDecode  # written compressed


def test_a_page_that_inherits_its_size_is_refused_rather_than_written_without_it():
    pdf = Pdf.new()
    pdf.add_blank_page(page_size=(200, 100))
    page = pdf.pages[0]
    page.obj.Parent.MediaBox = page.obj.MediaBox
    del page.obj["/MediaBox"]
    with pytest.raises(ValueError, match="inherits"):
        PdfWriter(io.BytesIO()).add_pages(pdf.pages, {})
