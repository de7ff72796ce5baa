"""PDF export: vector pages (one per artboard), gradients and opacity kept; rasterised with
pdftoppm and compared with the GPU render of the same document (the renderer issue's rule)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pikepdf
import pytest
from PIL import Image

from wiretuner_gl.errors import WireTunerError
from wiretuner_gl.io.ai_import import import_ai
from wiretuner_gl.io.pdf_export import export_pdf
from wiretuner_gl.io.svg_import import import_svg

from .imagecmp import MAX_FRACTION, differing_fraction, pdf_page_render, write_diff

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "svg"
AI = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "ai"
DIFFS = Path(__file__).resolve().parent / "_failures"


def test_one_page_per_artboard_at_the_artboard_size(tmp_path):
    doc = import_ai(AI / "aleph-logo-6-artboards.ai").doc
    out = tmp_path / "a.pdf"
    export_pdf(doc, out)
    with pikepdf.open(out) as pdf:
        assert len(pdf.pages) == 6
        assert [float(v) for v in pdf.pages[0].mediabox] == [0.0, 0.0, 100.0, 100.0]


def test_artboard_option_exports_that_page_only(tmp_path):
    doc = import_ai(AI / "aleph-logo-6-artboards.ai").doc
    ab = sorted(doc.artboards.values(), key=lambda a: a.order)[2]
    out = tmp_path / "a.pdf"
    export_pdf(doc, out, artboard=ab.id)
    with pikepdf.open(out) as pdf:
        assert len(pdf.pages) == 1
    with pytest.raises(WireTunerError, match="no artboard"):
        export_pdf(doc, out, artboard="artboard:nope")


def _all_dicts(pdf):
    return [o for o in pdf.objects if isinstance(o, (pikepdf.Dictionary, pikepdf.Stream))]


def test_output_is_vector_with_shadings_not_a_picture(tmp_path):
    doc = import_svg(FIX / "gradient__linear_three_stops.svg").doc
    out = tmp_path / "g.pdf"
    export_pdf(doc, out)
    with pikepdf.open(out) as pdf:
        ops = {str(op) for _, op in pikepdf.parse_content_stream(pdf.pages[0])}
        assert "re" in ops or "m" in ops  # geometry as path operators
        objs = _all_dicts(pdf)
        assert not any(o.get("/Subtype") == "/Image" for o in objs)
        patterns = [o for o in objs if o.get("/PatternType") == 2]
        assert patterns and int(patterns[0].Shading.ShadingType) == 2  # the gradient is an axial PDF shading


def test_group_opacity_becomes_a_transparency_setting(tmp_path):
    out = tmp_path / "o.pdf"
    export_pdf(import_svg(FIX / "structure__group_opacity.svg").doc, out)
    with pikepdf.open(out) as pdf:
        alphas = [float(o.get("/ca", o.get("/CA", 1))) for o in _all_dicts(pdf) if "/ca" in o or "/CA" in o]
        assert any(abs(a - 0.5) < 0.01 for a in alphas)


def test_export_command_writes_pdf(tmp_path):
    src = FIX / "shapes__polygon.svg"
    doc_path = tmp_path / "d.wiretuner"
    subprocess.run(["wiretuner", "import", str(src), "-o", str(doc_path)], check=True, capture_output=True, timeout=120)
    out = tmp_path / "d.pdf"
    r = subprocess.run(["wiretuner", "export", str(doc_path), "-o", str(out)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert out.read_bytes().startswith(b"%PDF-")


GPU_CASES = ["gradient__radial_focal.svg", "structure__group_opacity.svg", "stroke__dash_offset.svg", "paths__evenodd_star.svg", "shapes__many_shapes.svg"]


@pytest.mark.gl
@pytest.mark.parametrize("name", GPU_CASES)
def test_pdf_raster_matches_the_gpu_render_of_the_same_document(name, tmp_path):
    from wiretuner_gl.render.offscreen import render_document

    doc = import_svg(FIX / name).doc
    out = tmp_path / "o.pdf"
    export_pdf(doc, out)
    ours = pdf_page_render(out, 200, 200)
    gpu = Image.fromarray(np.ascontiguousarray(render_document(doc, 200, 200)), "RGBA")
    frac = differing_fraction(ours, gpu)
    if frac > MAX_FRACTION:
        write_diff(ours, gpu, DIFFS / f"pdf-vs-gpu-{Path(name).stem}.png")
    assert frac <= MAX_FRACTION


def test_hidden_layers_are_left_out_and_the_artboard_background_is_painted(tmp_path):
    import dataclasses

    from wiretuner_gl.model.document import Document
    from wiretuner_gl.model.values import Color

    doc = import_svg(FIX / "shapes__circle.svg").doc
    (ab,) = doc.artboards.values()
    (layer,) = doc.layers.values()
    shown = Document(doc.artboards.set(ab.id, dataclasses.replace(ab, background=Color(0.0, 0.0, 1.0, 1.0))), doc.layers, doc.objects)
    hidden = Document(shown.artboards, doc.layers.set(layer.id, dataclasses.replace(layer, visible=False)), doc.objects)
    for d, name in ((shown, "shown"), (hidden, "hidden")):
        export_pdf(d, tmp_path / f"{name}.pdf")
    a = np.asarray(pdf_page_render(tmp_path / "shown.pdf", 50, 50))
    b = np.asarray(pdf_page_render(tmp_path / "hidden.pdf", 50, 50))
    assert tuple(a[2, 2]) == (0, 0, 255) and tuple(b[2, 2]) == (0, 0, 255)  # background corner
    assert tuple(a[25, 25]) == (0, 128, 0) and tuple(b[25, 25]) == (0, 0, 255)  # the circle only when its layer shows
