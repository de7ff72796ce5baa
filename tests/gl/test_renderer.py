"""Renderer behaviour: blending, caching, batching, layers, views, errors."""

import numpy as np
import pytest

from wiretuner_gl.model import Color, EllipseGeom, RectGeom, Stroke, Style
from wiretuner_gl.model.values import translate
from wiretuner_gl.render import SceneRenderer, fit_view, render_document
from wiretuner_gl.render.compile import item_depth

from .scenes import BLUE, RED, B, fill, stroke

pytestmark = pytest.mark.gl


def _px(img, x, y):
    return img[y, x].astype(int)


def test_translucent_stroke_crossing_itself_blends_once(ctx):
    b = B()
    b.path([([(20, 20), (140, 140), (140, 20), (20, 140)], False)], stroke(BLUE, 16, a=0.5))
    img = render_document(b.doc(), 160, 160, background=Color(1, 1, 1))
    crossing = _px(img, 80, 80)
    single = _px(img, 50, 50)
    assert np.abs(crossing - single).max() <= 2, (crossing, single)
    assert 100 < single[0] < 160  # half blue over white, not opaque


def test_group_opacity_composites_children_as_one_layer(ctx):
    b = B()
    g = b.group(opacity=0.5)
    b.shape(RectGeom(20, 20, 80, 80), fill(RED), parent=g)
    b.shape(RectGeom(60, 60, 80, 80), fill(BLUE), parent=g)
    img = render_document(b.doc(), 160, 160, background=Color(1, 1, 1))
    overlap = _px(img, 80, 80)  # blue over red inside the layer, then 50% over white: no red
    assert overlap[0] == pytest.approx(140, abs=4) and overlap[2] == pytest.approx(242, abs=4)


def test_premultiplied_output_unpremultiplies_on_readback(ctx):
    b = B()
    b.shape(RectGeom(0, 0, 160, 160), fill(Color(1.0, 0.0, 0.0), 0.25))
    img = render_document(b.doc(), 32, 32)
    assert tuple(_px(img, 16, 16)) == pytest.approx((255, 0, 0, 64), abs=2)


def test_edit_retessellates_only_the_changed_object_and_uploads_its_slot(ctx):
    b = B()
    for i in range(50):
        b.shape(EllipseGeom(10 + i * 3, 80, 6, 6), fill(RED))
    doc = b.doc()
    r = SceneRenderer(ctx)
    try:
        r.sync(doc, 1.0)
        full = r.uploaded_bytes
        assert r.compiler.tessellated == 50
        m = doc.mutate()
        oid = doc.children("layer:t.1")[7]
        old = m.objects[oid]
        from dataclasses import replace

        m.objects[oid] = replace(old, geom=EllipseGeom(31, 82, 6, 6))
        doc2 = m.finish()
        r.sync(doc2, 1.0)
        assert r.compiler.tessellated == 1
        assert 0 < r.uploaded_bytes < full / 20
        r.sync(doc2, 1.0)
        assert r.uploaded_bytes == 0
    finally:
        r.release()


def test_moving_an_object_reuses_its_tessellation(ctx):
    b = B()
    b.shape(EllipseGeom(50, 50, 20, 20), fill(RED))
    b.shape(EllipseGeom(100, 100, 20, 20), fill(BLUE))
    doc = b.doc()
    r = SceneRenderer(ctx)
    try:
        r.sync(doc, 1.0)
        from dataclasses import replace

        m = doc.mutate()
        oid = doc.children("layer:t.1")[0]
        m.objects[oid] = replace(m.objects[oid], transform=translate(5, 5))
        r.sync(m.finish(), 1.0)
        # a new transform is a new object value: re-meshed, but the same scale reuses the tolerance
        assert r.compiler.tessellated == 1
    finally:
        r.release()


def test_draw_calls_do_not_grow_with_paths(ctx):
    b = B()
    for i in range(20):
        for j in range(20):
            b.shape(RectGeom(i * 8, j * 8, 6, 6), fill(Color(i / 20, j / 20, 0.5)))
    r = SceneRenderer(ctx)
    try:
        render_document(b.doc(), 64, 64, renderer=r)
        assert r.draw_calls == 1
    finally:
        r.release()


def test_draw_into_a_viewport_of_a_larger_framebuffer(ctx):
    b = B()
    b.shape(RectGeom(0, 0, 160, 160), fill(RED))
    doc = b.doc()
    r = SceneRenderer(ctx)
    tex = ctx.texture((100, 50), 4)
    fbo = ctx.framebuffer(color_attachments=[tex])
    try:
        fbo.clear(0.0, 0.0, 1.0, 1.0)
        r.sync(doc)
        view, _ = fit_view((0, 0, 160, 160), 50, 50)
        r.draw(view, (50, 0, 50, 50), framebuffer=fbo)
        img = np.frombuffer(fbo.read(components=4), dtype=np.uint8).reshape(50, 100, 4)
        assert tuple(img[25, 25]) == (0, 0, 255, 255)  # left half untouched
        assert tuple(img[25, 75][:3]) == (219, 26, 31)  # right half drawn
    finally:
        r.release()
        fbo.release()
        tex.release()


def test_one_artboard_renders_alone(ctx):
    b = B()
    b.shape(RectGeom(0, 0, 160, 160), fill(RED))
    doc = b.doc()
    img = render_document(doc, 16, 16, artboard="artboard:t.1")
    assert img[8, 8, 3] == 255
    with pytest.raises(KeyError):
        render_document(doc, 16, 16, artboard="artboard:nope.1")


def test_zoom_picks_tessellation_level_in_powers_of_two_with_hysteresis(ctx):
    b = B()
    b.shape(EllipseGeom(80, 80, 70, 70), fill(RED))
    doc = b.doc()
    r = SceneRenderer(ctx)
    tex = ctx.texture((64, 64), 4)
    fbo = ctx.framebuffer(color_attachments=[tex])
    try:
        r.sync(doc)
        # in to a finer level at once; out keeps the finer mesh until 8x coarser would do
        for zoom, level in ((0.4, 1.0), (3.0, 4.0), (1.0, 4.0), (0.6, 4.0), (0.3, 0.5), (0.45, 0.5)):
            view, _ = fit_view((0, 0, 64 / zoom, 64 / zoom), 64, 64)
            r.draw(view, (0, 0, 64, 64), framebuffer=fbo)
            assert r._scale == level
    finally:
        r.release()
        fbo.release()
        tex.release()


def test_item_depths_are_distinct_and_increasing():
    zs = [item_depth(k) for k in range(0, 5000)]
    assert all(b > a for a, b in zip(zs, zs[1:]))
    assert -1.0 < zs[0] and zs[-1] < 1.0


def test_render_rejects_empty_image_size(ctx):
    with pytest.raises(ValueError):
        render_document(B().doc(), 0, 10)


def test_incremental_sync_after_edits_renders_like_a_fresh_renderer(ctx):
    from dataclasses import replace

    from wiretuner_gl.model.values import rotate

    b = B()
    g = b.group(transform=rotate(20, 80, 80))
    b.shape(RectGeom(30, 30, 50, 40), fill(RED), parent=g)  # shape:t.2
    b.shape(EllipseGeom(100, 100, 30, 20), Style(fill=BLUE, stroke=Stroke(Color(0, 0, 0, 0.5), 6)))  # shape:t.3
    b.shape(RectGeom(10, 120, 40, 30), fill(Color(0, 0.6, 0.2)))  # shape:t.4
    doc = b.doc()
    r = SceneRenderer(ctx)

    def edit(d, oid, **changes):
        m = d.mutate()
        m.objects[oid] = replace(m.objects[oid], **changes)
        return m.finish()

    try:
        render_document(doc, 96, 96, renderer=r)
        steps = [
            lambda d: edit(d, "shape:t.2", transform=translate(15, -5)),  # inside a rotated group
            lambda d: edit(d, "shape:t.3", style=Style(fill=RED, stroke=Stroke(BLUE, 9), opacity=0.6)),
            lambda d: edit(d, "shape:t.4", visible=False),
            lambda d: edit(d, "shape:t.4", visible=True, geom=RectGeom(5, 100, 80, 50)),
            lambda d: edit(d, "group:t.1", opacity=0.5),
        ]
        for step in steps:
            doc = step(doc)
            ours = render_document(doc, 96, 96, renderer=r)
            fresh_r = SceneRenderer(ctx)
            try:
                fresh = render_document(doc, 96, 96, renderer=fresh_r)
            finally:
                fresh_r.release()
            assert np.array_equal(ours, fresh)
    finally:
        r.release()


def test_blending_is_on_srgb_values_as_svg_specifies(ctx):
    # SVG (and resvg, browsers) composite sRGB-encoded values: 50% black over white is 128,
    # not the 188 a linear-light blend would give
    b = B()
    b.shape(RectGeom(0, 0, 160, 160), fill(Color(0, 0, 0), 0.5))
    img = render_document(b.doc(), 16, 16, background=Color(1, 1, 1))
    assert tuple(img[8, 8][:3]) == pytest.approx((128, 128, 128), abs=1)
