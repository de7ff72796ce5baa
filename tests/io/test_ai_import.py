"""Illustrator import through the PDF side, checked against the SVG each project exported from
the same artwork (rendered by resvg), and against hand-written PDF content streams."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest

from wiretuner_gl.errors import ImportFailed
from wiretuner_gl.io.ai_import import import_ai
from wiretuner_gl.io.pdf_export import export_pdf
from wiretuner_gl.model.values import Color, LinearGradient, RadialGradient

from .imagecmp import MAX_FRACTION, differing_fraction, pdf_page_render, resvg_render, write_diff

AI = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "ai"
DIFFS = Path(__file__).resolve().parent / "_failures"


@pytest.mark.parametrize("name, page, size", [("awesome-logo", 1, (500, 350)), ("xo-logo", 1, (500, 350)), ("aleph-logo-6-artboards", 2, (300, 300))])
def test_ai_artboard_matches_the_svg_its_project_exported(name, page, size, tmp_path):
    result = import_ai(AI / f"{name}.ai")
    out = tmp_path / "o.pdf"
    export_pdf(result.doc, out)
    ours = pdf_page_render(out, *size, page=page)
    ref = resvg_render(AI / f"{name.replace('-6-artboards', '')}.svg", *size)
    frac = differing_fraction(ours, ref)
    if frac > MAX_FRACTION:
        write_diff(ours, ref, DIFFS / f"ai-{name}.png")
    assert frac <= MAX_FRACTION


def test_every_page_becomes_an_artboard_side_by_side():
    doc = import_ai(AI / "aleph-logo-6-artboards.ai").doc
    abs_ = sorted(doc.artboards.values(), key=lambda a: a.order)
    assert len(abs_) == 6 and all((a.width, a.height) == (100.0, 100.0) for a in abs_)
    assert [a.x for a in abs_] == sorted(a.x for a in abs_) and len({a.x for a in abs_}) == 6


def test_illustrator_layers_become_layers_and_private_data_is_reported():
    r = import_ai(AI / "aleph-logo-6-artboards.ai")
    assert {l.name for l in r.doc.layers.values()} == {"Aleph"}  # the optional-content group's /Name
    assert len(r.doc.layers) == 6  # one per artboard
    assert r.report.counts["Illustrator private data streams (skipped)"] >= 1
    assert any("AIPrivateData" in w for w in r.report.warnings)


def _pdf(tmp_path, content: bytes, resources=None) -> Path:
    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(200, 100))
    page.obj.Contents = pdf.make_stream(content)
    if resources is not None:
        page.obj.Resources = resources
    p = tmp_path / "t.ai"
    pdf.save(p)
    return p


def test_fill_rules_colour_spaces_and_stroke_properties(tmp_path):
    p = _pdf(tmp_path, b"1 0 0 rg 0 0 10 10 re f  0 0 1 0 k 20 0 10 10 re f*  0.5 g 40 0 10 10 re f "
                       b"q 2 0 0 2 0 0 cm 0 1 0 RG 3 w 1 J 2 j 7 M [4 2] 1 d 0 0 m 50 0 l S Q")
    r = import_ai(p)
    paths = sorted(r.doc.objects.values(), key=lambda o: o.order)
    assert [o.fill_rule for o in paths[:3]] == ["nonzero", "evenodd", "nonzero"]
    assert paths[0].style.fill == Color(1.0, 0.0, 0.0, 1.0)
    assert paths[1].style.fill == Color(1.0, 1.0, 0.0, 1.0)  # CMYK 0 0 1 0: yellow
    assert paths[2].style.fill == Color(0.5, 0.5, 0.5, 1.0)
    s = paths[3].style.stroke
    assert (s.width, s.cap, s.join, s.miter_limit, s.dash, s.dash_offset) == (3.0, "round", "bevel", 7.0, (4.0, 2.0), 1.0)
    assert paths[3].transform[0] == 2.0  # the CTM is the object's transform (times the page flip)
    assert any("CMYK" in k for k in r.report.counts)


def test_constant_alpha_and_axial_and_radial_shadings(tmp_path):
    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(200, 100))
    fn = pikepdf.Dictionary(FunctionType=2, Domain=[0, 1], C0=[1, 0, 0], C1=[0, 0, 1], N=1)
    ax = pikepdf.Dictionary(ShadingType=2, ColorSpace=pikepdf.Name.DeviceRGB, Coords=[0, 0, 100, 0], Function=fn, Extend=[True, True])
    rad = pikepdf.Dictionary(ShadingType=3, ColorSpace=pikepdf.Name.DeviceRGB, Coords=[50, 50, 0, 50, 50, 40], Function=fn, Extend=[True, True])
    page.obj.Resources = pikepdf.Dictionary(
        ExtGState=pikepdf.Dictionary(GS0=pikepdf.Dictionary(ca=0.5, CA=0.25)),
        Shading=pikepdf.Dictionary(Sh0=ax, Sh1=rad),
    )
    page.obj.Contents = pdf.make_stream(b"q /GS0 gs 0 0 100 50 re W n /Sh0 sh Q q 100 0 100 100 re W n /Sh1 sh Q")
    p = tmp_path / "s.ai"
    pdf.save(p)
    paths = sorted(import_ai(p).doc.objects.values(), key=lambda o: o.order)
    assert isinstance(paths[0].style.fill, LinearGradient) and paths[0].style.fill.stops[0].color == Color(1.0, 0.0, 0.0, 0.5)
    assert isinstance(paths[1].style.fill, RadialGradient) and paths[1].style.fill.r == 40.0


def test_unknown_operators_text_and_images_are_reported(tmp_path):
    p = _pdf(tmp_path, b"BT /F1 12 Tf (hi) Tj ET 1 2 3 zz 0 0 5 5 re f")
    r = import_ai(p)
    assert r.report.counts["text"] == 1 and r.report.counts["unknown operator zz"] == 1
    assert len(r.doc.objects) == 1


def test_containing_rectangle_clip_is_dropped_and_a_cutting_clip_is_applied_to_the_outline(tmp_path):
    r = import_ai(_pdf(tmp_path, b"q 0 0 100 100 re W n 10 10 20 20 re f Q"))
    assert not any(k.startswith("clip-path") for k in r.report.counts)
    r = import_ai(_pdf(tmp_path, b"q 0 0 m 50 100 l 100 0 l h W n 0 0 100 100 re f Q"))
    assert r.report.counts["clip-path (applied to geometry)"] == 1
    (path,) = r.doc.objects.values()
    pts = sorted({(round(a.x, 6), round(a.y, 6)) for sp in path.subpaths for a in sp.anchors})
    assert pts == [(0.0, 0.0), (50.0, 100.0), (100.0, 0.0)]  # the square cut down to the triangle


def test_postscript_and_non_pdf_files_are_refused_clearly(tmp_path):
    p = tmp_path / "old.ai"
    p.write_bytes(b"%!PS-Adobe-3.0\n%%Creator: Adobe Illustrator 8\n")
    with pytest.raises(ImportFailed, match="PostScript-based Illustrator file"):
        import_ai(p)
    p.write_bytes(b"hello")
    with pytest.raises(ImportFailed, match="not a PDF-compatible"):
        import_ai(p)
    p.write_bytes(b"%PDF-1.4\n garbage")
    with pytest.raises(ImportFailed, match="old.ai"):
        import_ai(p)


def test_artboard_clip_rectangles_around_the_content_are_dropped_without_a_warning():
    r = import_ai(AI / "aleph-logo-6-artboards.ai")
    assert not any(k.startswith("clip-path") for k in r.report.counts)  # each page clips to its box; nothing reaches outside


def test_miter_join_reach_counts_in_the_clip_check(tmp_path):
    # a sharp spike whose miter pokes out of the clip: the clip does cut it, so it is reported
    r = import_ai(_pdf(tmp_path, b"q 0 0 100 100 re W n 10 w 10 M 20 20 m 50 98 l 80 20 l S Q"))
    assert r.report.counts.get("clip-path (applied to geometry)") == 1
    (path,) = r.doc.objects.values()
    assert path.style.stroke is None and path.style.fill is not None  # the stroke became its clipped outline
    r = import_ai(_pdf(tmp_path, b"q 0 0 100 100 re W n 10 w 1 j 20 20 m 50 90 l 80 20 l S Q"))
    assert not any(k.startswith("clip-path") for k in r.report.counts)


def test_layers_switched_off_in_the_file_import_hidden(tmp_path):
    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(100, 100))
    on = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.OCG, Name="Shown"))
    off = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.OCG, Name="Sketch"))
    pdf.Root.OCProperties = pikepdf.Dictionary(OCGs=[on, off], D=pikepdf.Dictionary(OFF=[off]))
    page.obj.Resources = pikepdf.Dictionary(Properties=pikepdf.Dictionary(MC0=on, MC1=off))
    page.obj.Contents = pdf.make_stream(b"/OC /MC0 BDC 0 0 10 10 re f EMC /OC /MC1 BDC 20 0 10 10 re f EMC")
    p = tmp_path / "l.ai"
    pdf.save(p)
    doc = import_ai(p).doc
    assert {(l.name, l.visible) for l in doc.layers.values()} == {("Shown", True), ("Sketch", False)}
    assert len(doc.objects) == 2


def test_form_xobject_bomb_is_refused_quickly(tmp_path):
    import time

    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(100, 100))
    leaf = pdf.make_stream(b"0 0 1 1 re f " * 500, Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Form, BBox=[0, 0, 100, 100])
    prev = leaf
    for _ in range(11):  # 2^11 draws of 1,000 operators: over the 2M-operator ceiling
        prev = pdf.make_stream(b"/X Do /X Do", Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Form, BBox=[0, 0, 100, 100],
                               Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(X=prev)))
    page.obj.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(X=prev))
    page.obj.Contents = pdf.make_stream(b"/X Do")
    p = tmp_path / "bomb.ai"
    pdf.save(p)
    t = time.perf_counter()
    with pytest.raises(ImportFailed, match="operators once forms are expanded"):
        import_ai(p)
    assert time.perf_counter() - t < 5.0


def test_resources_and_page_box_inherited_from_the_page_tree(tmp_path):
    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(300, 200))
    del page.obj["/MediaBox"]
    pdf.Root.Pages.MediaBox = [0, 0, 300, 200]
    pdf.Root.Pages.Resources = pikepdf.Dictionary(ExtGState=pikepdf.Dictionary(G=pikepdf.Dictionary(ca=0.5)))
    if "/Resources" in page.obj:
        del page.obj["/Resources"]
    page.obj.Contents = pdf.make_stream(b"/G gs 0 0 10 10 re f")
    p = tmp_path / "inh.ai"
    pdf.save(p)
    doc = import_ai(p).doc
    (ab,) = doc.artboards.values()
    assert (ab.width, ab.height) == (300.0, 200.0)
    (path,) = doc.objects.values()
    assert path.style.fill.a == 0.5


def test_page_contents_split_over_several_streams_are_read_as_one(tmp_path):
    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(100, 100))
    page.obj.Contents = pikepdf.Array([pdf.make_stream(b"0 0 10 10 re"), pdf.make_stream(b" f 20 20 5 5 re f")])
    p = tmp_path / "arr.ai"
    pdf.save(p)
    assert import_ai(p).doc.counts()["path"] == 2


def test_file_size_ceiling_is_a_clear_error(tmp_path):
    from wiretuner_gl.errors import FileAccessDenied
    from wiretuner_gl.io.guard import FileGuard

    with pytest.raises(FileAccessDenied, match=r"xo-logo\.ai: \d+ bytes is over the 1000-byte limit"):
        import_ai(AI / "xo-logo.ai", FileGuard(root=AI, max_bytes=1000))
