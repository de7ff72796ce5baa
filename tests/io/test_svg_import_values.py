"""SVG import checked value by value: shapes stay shapes, curves become the right cubics, the
cascade and paint servers resolve as the specs say, and the report names what was dropped."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from wiretuner_gl.io.svg_import import import_svg
from wiretuner_gl.model.nodes import EllipseGeom, Group, LineGeom, Path as PathNode, RectGeom, Shape
from wiretuner_gl.model.values import Color, LinearGradient, RadialGradient, apply

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "svg"


def load(tmp_path, body, head='<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="200" height="200" viewBox="0 0 200 200">'):
    p = tmp_path / "t.svg"
    p.write_text(head + body + "</svg>", encoding="utf-8")
    return import_svg(p)


def leaves(doc):
    out = []
    for layer in doc.layers:
        for oid in doc.descendants(layer):
            o = doc.objects[oid]
            if not isinstance(o, Group):
                out.append(o)
    return out


def one(doc):
    (o,) = leaves(doc)
    return o


def close(a, b, tol=1e-6):
    return all(abs(x - y) <= tol for x, y in zip(a, b))


def test_rect_with_rx_becomes_rect_shape_with_equal_corner_radii(tmp_path):
    o = one(load(tmp_path, '<rect x="10" y="20" width="100" height="50" rx="8"/>').doc)
    assert isinstance(o, Shape) and o.geom == RectGeom(10.0, 20.0, 100.0, 50.0, 8.0, 8.0, 8.0, 8.0)


def test_rect_ry_alone_sets_rx_and_each_radius_is_clamped_to_half_its_side(tmp_path):
    o = one(load(tmp_path, '<rect width="40" height="40" ry="500"/>').doc)
    assert o.geom.r_tl == 20.0 and o.geom.r_br == 20.0
    o = one(load(tmp_path, '<rect width="100" height="40" ry="500"/>').doc)
    assert isinstance(o, PathNode)  # rx -> 50, ry -> 20: elliptical corners, no RectGeom for that


def test_rect_with_elliptical_corners_becomes_a_path_with_curved_corners(tmp_path):
    o = one(load(tmp_path, '<rect width="100" height="60" rx="30" ry="10"/>').doc)
    assert isinstance(o, PathNode) and o.subpaths[0].closed
    xs = [a.x for a in o.subpaths[0].anchors]
    assert min(xs) == 0.0 and max(xs) == 100.0


def test_circle_ellipse_line_become_their_shapes(tmp_path):
    doc = load(tmp_path, '<circle cx="5" cy="6" r="7"/><ellipse cx="1" cy="2" rx="3" ry="4"/><line x1="1" y1="2" x2="3" y2="4" stroke="red"/>').doc
    geoms = {o.geom for o in leaves(doc)}
    assert geoms == {EllipseGeom(5.0, 6.0, 7.0, 7.0), EllipseGeom(1.0, 2.0, 3.0, 4.0), LineGeom(1.0, 2.0, 3.0, 4.0)}


def test_quadratic_curve_is_raised_to_the_exact_cubic(tmp_path):
    o = one(load(tmp_path, '<path d="M0 0 Q30 60 60 0"/>').doc)
    a, b = o.subpaths[0].anchors
    assert close((a.out_x, a.out_y), (20.0, 40.0)) and close((b.in_x, b.in_y), (-20.0, 40.0))


def test_smooth_cubic_reflects_the_previous_control_point(tmp_path):
    o = one(load(tmp_path, '<path d="M0 0 C0 10 10 10 10 0 S20 -10 20 0"/>').doc)
    mid = o.subpaths[0].anchors[1]
    assert close((mid.in_x, mid.in_y), (0.0, 10.0)) and close((mid.out_x, mid.out_y), (0.0, -10.0))
    assert mid.kind == "symmetric"


def test_relative_commands_and_implicit_lineto_repeat(tmp_path):
    o = one(load(tmp_path, '<path d="m10 10 20 0 0 20z"/>').doc)
    assert [(a.x, a.y) for a in o.subpaths[0].anchors] == [(10.0, 10.0), (30.0, 10.0), (30.0, 30.0)]
    assert o.subpaths[0].closed


def test_arc_becomes_cubics_that_stay_on_the_circle(tmp_path):
    o = one(load(tmp_path, '<path d="M0 50 A50 50 0 0 1 100 50"/>').doc)
    anchors = o.subpaths[0].anchors
    assert len(anchors) == 3  # a half circle: two quarter-circle cubics
    for a in anchors:
        assert abs(math.hypot(a.x - 50, a.y - 50) - 50) < 1e-9
    assert anchors[1].y < 1e-9  # sweep-flag 1 goes through the top (y down)


def test_compact_arc_flags_are_read(tmp_path):
    o = one(load(tmp_path, '<path d="M40 100a60 60 0 1160 0z"/>').doc)
    assert o.subpaths[0].closed and len(o.subpaths[0].anchors) >= 3


def test_path_error_keeps_data_before_it_and_is_reported(tmp_path):
    r = load(tmp_path, '<path id="p" d="M0 0 L10 0 L10 10 X 5"/>')
    assert len(one(r.doc).subpaths[0].anchors) == 3
    assert any("#p" in w and "drawn up to the error" in w for w in r.report.warnings)


def test_evenodd_fill_rule_is_kept(tmp_path):
    assert one(load(tmp_path, '<path fill-rule="evenodd" d="M0 0H9V9H0Z"/>').doc).fill_rule == "evenodd"


def test_css_specificity_important_and_style_attribute_order(tmp_path):
    doc = load(tmp_path, '<style>rect{fill:red} .a{fill:blue} #x{fill:lime} .b{fill:yellow !important}</style>'
               '<rect id="x" class="a" width="1" height="1"/><rect class="a b" style="fill:red" width="1" height="1"/>').doc
    fills = sorted((o.name, o.style.fill) for o in leaves(doc))
    assert fills == [("", Color(1.0, 1.0, 0.0, 1.0)), ("x", Color(0.0, 1.0, 0.0, 1.0))]


def test_nth_child_selector_matches_like_a_browser():
    doc = import_svg(FIX / "css__nth_child.svg").doc
    greens = [o.style.fill.g > 0 for o in sorted(leaves(doc), key=lambda o: o.geom.x)]
    assert greens == [True, False, True, False, True, False]  # children 2, 4, 6 (the <style> is child 1)


def test_css_color_4_syntaxes():
    assert one(import_svg(FIX / "color__color_01.svg").doc).style.fill == Color(0.4, 0.2, 0.6, 1.0)
    assert one(import_svg(FIX / "color__color_09.svg").doc).style.fill == Color(0.0, 0.0, 1.0, 0.5)


def test_current_color_inheritance_and_opacities(tmp_path):
    o = one(load(tmp_path, '<g color="#ff0000" fill="currentColor" fill-opacity="0.5"><rect width="1" height="1" opacity="0.25" stroke="currentColor" stroke-opacity="0.2"/></g>').doc)
    assert o.style.fill == Color(1.0, 0.0, 0.0, 0.5)
    assert o.style.stroke.paint == Color(1.0, 0.0, 0.0, 0.2)
    assert o.style.opacity == 0.25


def test_stroke_properties(tmp_path):
    o = one(load(tmp_path, '<path d="M0 0H9" stroke="red" stroke-width="3" stroke-linejoin="round" stroke-linecap="square" stroke-miterlimit="7" stroke-dasharray="1 2 3" stroke-dashoffset="2"/>').doc)
    s = o.style.stroke
    assert (s.width, s.join, s.cap, s.miter_limit, s.dash, s.dash_offset) == (3.0, "round", "square", 7.0, (1.0, 2.0, 3.0, 1.0, 2.0, 3.0), 2.0)


def test_units_convert_to_user_units(tmp_path):
    o = one(load(tmp_path, '<rect width="1in" height="72pt" x="2.54cm" y="10mm"/>').doc)
    assert close((o.geom.width, o.geom.height, o.geom.x, o.geom.y), (96.0, 96.0, 96.0, 96.0 / 2.54))


def test_linear_gradient_href_inheritance_units_transform_spread_and_stop_opacity(tmp_path):
    o = one(load(tmp_path, '<linearGradient id="a" spreadMethod="reflect" gradientTransform="rotate(90)"><stop offset="0" stop-color="red" stop-opacity="0.5"/><stop offset="1" stop-color="blue"/></linearGradient>'
                 '<linearGradient id="g" href="#a" x2="0.5" gradientUnits="userSpaceOnUse"/><rect width="10" height="10" fill="url(#g)" fill-opacity="0.5"/>').doc)
    g = o.style.fill
    assert isinstance(g, LinearGradient) and g.spread == "reflect" and g.units == "userSpaceOnUse"
    assert close(g.transform, (0.0, 1.0, -1.0, 0.0, 0.0, 0.0)) and g.x2 == 0.5
    assert g.stops[0].color == Color(1.0, 0.0, 0.0, 0.25) and g.stops[1].color == Color(0.0, 0.0, 1.0, 0.5)


def test_radial_gradient_focal_point_and_bounding_box_defaults(tmp_path):
    g = one(load(tmp_path, '<radialGradient id="g" fx="0.25"><stop offset="0" stop-color="#fff"/><stop offset="1" stop-color="#000"/></radialGradient><circle r="5" fill="url(#g)"/>').doc).style.fill
    assert isinstance(g, RadialGradient) and (g.cx, g.cy, g.r, g.fx, g.fy, g.units) == (0.5, 0.5, 0.5, 0.25, 0.5, "objectBoundingBox")


def test_use_and_symbol_build_groups_with_the_viewport_transform(tmp_path):
    doc = load(tmp_path, '<symbol id="s" viewBox="0 0 10 10"><rect width="10" height="10"/></symbol><use href="#s" x="5" y="5" width="20" height="20"/>').doc
    (rect,) = leaves(doc)
    m = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    node = rect
    while node.parent in doc.objects:
        node = doc.objects[node.parent]
        from wiretuner_gl.model.values import compose
        m = compose(node.transform, m)
    assert close(apply(m, 10, 10), (25.0, 25.0))


def test_use_cycles_are_cut_and_reported(tmp_path):
    r = load(tmp_path, '<g id="a"><use href="#a"/><rect width="1" height="1"/></g>')
    assert any("cycle" in w for w in r.report.warnings)


def test_switch_picks_the_first_child_that_applies():
    doc = import_svg(FIX / "structure__switch_language.svg").doc
    assert [o.style.fill.g > 0 for o in leaves(doc)] == [True]


def test_display_none_and_visibility_hidden_import_as_hidden(tmp_path):
    doc = load(tmp_path, '<rect id="a" display="none" width="1" height="1"/><g visibility="hidden"><rect id="b" width="1" height="1"/><rect id="c" visibility="visible" width="1" height="1"/></g>').doc
    vis = {o.name: o.visible for o in leaves(doc)}
    assert vis == {"a": False, "b": False, "c": True}


@pytest.mark.parametrize(
    "name, kind, el_id",
    [("text", "text", "t1"), ("image", "image", "i1"), ("filter", "filter", "blurred"), ("script", "script", "s1"),
     ("animation", "animation", "a1"), ("foreign_object", "foreignObject", "fo")],
)
def test_unsupported_features_are_reported_with_ids_and_counts(name, kind, el_id):
    r = import_svg(FIX / f"unsupported__{name}.svg")
    assert r.report.counts.get(kind) == 1
    assert any(w.startswith(f"{kind}:") and f"#{el_id}" in w for w in r.report.warnings)


def test_clip_that_removes_nothing_is_dropped_silently_and_keeps_the_shape():
    for name in ("clip__clip_noop.svg", "clip__clip_on_group_noop.svg", "clip__clip_bbox_units_noop.svg"):
        r = import_svg(FIX / name)
        assert not any(k.startswith("clip-path") for k in r.report.counts), name
        assert all(isinstance(o, Shape) for o in leaves(r.doc))


def test_cutting_clip_is_applied_to_the_outline_and_reported():
    r = import_svg(FIX / "clip__clip_rect_cuts.svg")  # a circle r=60 at (100, 100) clipped to x <= 100
    (o,) = leaves(r.doc)
    assert isinstance(o, PathNode)
    xs = [a.x for sp in o.subpaths for a in sp.anchors]
    assert abs(max(xs) - 100.0) < 1e-4 and abs(min(xs) - 40.0) < 1e-4
    assert r.report.counts["clip-path (applied to geometry)"] == 1
    assert any("applied to the outlines" in w for w in r.report.warnings)


def test_clip_hiding_everything_imports_the_object_hidden():
    r = import_svg(FIX / "clip__clip_hides_all.svg")
    assert sorted(o.visible for o in leaves(r.doc)) == [False, True]


def test_flat_masks_become_clipping_and_opacity_and_a_two_level_mask_is_reported():
    r = import_svg(FIX / "clip__mask.svg")
    (o,) = leaves(r.doc)
    assert isinstance(o, PathNode) and len(o.subpaths) == 2  # the square with the circle cut out
    (o,) = leaves(import_svg(FIX / "clip__mask_grey_level.svg").doc)
    assert abs(o.style.opacity - 0.502) < 1e-3  # #808080: luminance 0.502
    r = import_svg(FIX / "clip__mask_two_levels_reported.svg")
    assert r.report.counts["mask"] == 1


def test_viewbox_sets_the_artboard(tmp_path):
    r = load(tmp_path, "<rect width='1' height='1'/>", head='<svg xmlns="http://www.w3.org/2000/svg" viewBox="-10 -20 300 400">')
    ab = next(iter(r.doc.artboards.values()))
    assert (ab.x, ab.y, ab.width, ab.height) == (-10.0, -20.0, 300.0, 400.0)


def test_corpus_svgs_import_completely():
    corpus = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "svg"
    assert import_svg(corpus / "tiger.svg").doc.counts()["path"] == 138
    counts = import_svg(corpus / "material_design_icons.svg").doc.counts()
    assert counts["path"] + counts["shape"] >= 964


def test_inkscape_layers_become_document_layers_in_order_with_visibility():
    doc = import_svg(FIX / "structure__inkscape_layers.svg").doc
    assert sorted((l.order, l.name, l.visible) for l in doc.layers.values()) == [
        ("a0", "Background", True), ("a1", "Shapes", True), ("a2", "Hidden sketch", False)]
    shapes_layer = next(l.id for l in doc.layers.values() if l.name == "Shapes")
    (g,) = [doc.objects[c] for c in doc.children(shapes_layer)]
    assert isinstance(g, Group) and g.opacity == 0.8 and g.transform[4:] == (10.0, 10.0)


def test_pattern_fill_becomes_tiles_clipped_to_the_outline_and_the_stroke_stays_on_top():
    r = import_svg(FIX / "pattern__with_stroke.svg")
    (top,) = [r.doc.objects[c] for c in r.doc.children(next(iter(r.doc.layers)))]
    assert isinstance(top, Group)
    kids = [r.doc.objects[c] for c in r.doc.children(top.id)]
    assert all(isinstance(k, Group) for k in kids[:-1]) and kids[-1].style.fill is None and kids[-1].style.stroke is not None
    assert r.report.counts["pattern (applied to geometry)"] == 1


def test_pattern_drawn_inside_itself_is_reported_not_followed():
    r = import_svg(FIX / "pattern__self_reference.svg")
    assert r.report.counts["pattern"] >= 1  # once per tile that tried to use it


def test_markers_are_drawn_as_groups_beside_the_path_oriented_along_it():
    r = import_svg(FIX / "marker__arrow_auto.svg")
    (top,) = [r.doc.objects[c] for c in r.doc.children(next(iter(r.doc.layers)))]
    kids = [r.doc.objects[c] for c in r.doc.children(top.id)]
    assert isinstance(kids[0], PathNode) and all(isinstance(k, Group) for k in kids[1:]) and len(kids) == 3
    end = kids[2]  # the last vertex: (180, 160), arriving from (100, 40)
    angle = math.degrees(math.atan2(end.transform[1], end.transform[0]))
    assert abs(angle - math.degrees(math.atan2(120, 80))) < 1e-6
    assert r.report.counts["marker (applied to geometry)"] == 1


def test_illustrator_svg_export_takes_the_drawing_branch_of_its_switch():
    r = import_svg(FIX / "structure__illustrator_export.svg")
    (o,) = leaves(r.doc)
    assert isinstance(o, Shape) and isinstance(o.style.fill, LinearGradient) and o.style.stroke.miter_limit == 10.0
    assert r.report.warnings == []
