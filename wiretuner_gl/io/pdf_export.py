"""Vector PDF export: one page per artboard (or just the one asked for).

Backend: skia-python's PDF document (SkPDF, the PDF writer Chrome prints with). Chosen over
pikepdf, which edits PDF objects but would leave us writing content streams, shading
dictionaries and transparency groups by hand; and over cairo (via CairoSVG), which would mean
a detour through SVG. SkPDF takes the same path/paint/shader/saveLayer calls a raster canvas
takes, writes real vector paths, axial/radial shadings and transparency groups, and
compresses the streams.

Units: one document unit is one PDF point (Illustrator's convention; an .ai page round-trips
at its size).
"""

from __future__ import annotations

from pathlib import Path

import skia

from .. import GENERATOR
from ..errors import WireTunerError
from ..model.document import ROOT, Document
from ._pdf_draw import draw_artboard


def export_pdf(doc: Document, out: str | Path, *, artboard: str | None = None) -> None:
    ids = list(doc.children(ROOT))
    if artboard is not None:
        if artboard not in doc.artboards:
            raise WireTunerError(f"{out}: no artboard {artboard!r} in the document")
        ids = [artboard]
    if not ids:
        raise WireTunerError(f"{out}: the document has no artboard to export")
    out = Path(out)
    tmp = out.with_name(out.name + ".part")
    stream = skia.FILEWStream(str(tmp))
    if not stream.isValid():
        raise WireTunerError(f"{out}: cannot write here")
    pdf = skia.PDF.MakeDocument(stream, Creator=GENERATOR, Producer=f"{GENERATOR} (Skia PDF)")
    for ab_id in ids:
        ab = doc.artboards[ab_id]
        canvas = pdf.beginPage(max(ab.width, 1e-3), max(ab.height, 1e-3))
        draw_artboard(canvas, doc, ab_id)
        pdf.endPage()
    pdf.close()
    stream.flush()
    del stream
    tmp.replace(out)
