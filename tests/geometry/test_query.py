"""Object-level queries for tools: bounds, hit testing, marquee, nearest point, snapping."""

import math

import pytest

from wiretuner_gl.geometry.query import (
    document_bounds,
    hit_test,
    nearest_point,
    object_bounds,
    objects_in_rect,
    snap_to_grid,
    view_box_of,
    world_transform,
)
from wiretuner_gl.model import Color, EllipseGeom, RectGeom, Stroke, Style
from wiretuner_gl.model.values import rotate, translate

from ..gl.scenes import B, fill, stroke


def _doc():
    b = B()
    b.shape(RectGeom(10, 10, 40, 40), fill(Color(1, 0, 0)))  # shape:t.1
    g = b.group(transform=translate(100, 0))  # group:t.2
    b.shape(EllipseGeom(0, 50, 20, 20), Style(fill=None, stroke=Stroke(Color(0, 0, 0), 4)), parent=g)  # shape:t.3
    b.path([([(10, 100), (60, 100)], False)], stroke(Color(0, 0, 1), 2))  # path:t.4
    return b.doc()


def test_world_transform_composes_groups():
    doc = _doc()
    assert world_transform(doc, "shape:t.3") == translate(100, 0)


def test_bounds_of_objects_groups_and_document():
    doc = _doc()
    assert object_bounds(doc, "shape:t.1") == (10, 10, 50, 50)
    assert object_bounds(doc, "shape:t.3") == pytest.approx((80, 30, 120, 70))
    assert object_bounds(doc, "group:t.2") == pytest.approx((80, 30, 120, 70))
    # stroked bounds contain the stroke (half width 2), padded at most by the miter limit (4)
    sb = object_bounds(doc, "shape:t.3", include_stroke=True)
    assert sb[0] <= 78 and sb[1] <= 28 and sb[2] >= 122 and sb[3] >= 72
    assert sb == pytest.approx((72, 22, 128, 78))
    b = document_bounds(doc)
    assert b[0] <= 10 and b[2] >= 120


def test_rotated_object_bounds_follow_the_curve():
    b = B()
    b.shape(RectGeom(-10, -10, 20, 20), fill(Color(0, 0, 0)), transform=rotate(45))
    bb = object_bounds(b.doc(), "shape:t.1")
    assert bb == pytest.approx((-10 * math.sqrt(2), -10 * math.sqrt(2), 10 * math.sqrt(2), 10 * math.sqrt(2)), abs=1e-3)


def test_hit_test_finds_topmost_fill_or_stroke():
    doc = _doc()
    assert hit_test(doc, 30, 30) == "shape:t.1"
    assert hit_test(doc, 120, 50) == "shape:t.3"  # on the ring's stroke
    assert hit_test(doc, 100, 50) is None  # inside an unfilled ring
    assert hit_test(doc, 35, 100.9) == "path:t.4"
    assert hit_test(doc, 35, 103) is None


def test_marquee_selects_what_it_touches():
    doc = _doc()
    assert objects_in_rect(doc, 0, 0, 60, 60) == ["shape:t.1"]
    assert objects_in_rect(doc, 95, 45, 105, 55) == []  # hole of the unfilled ring
    assert objects_in_rect(doc, 115, 45, 125, 55) == ["shape:t.3"]
    assert objects_in_rect(doc, 0, 0, 200, 200) == ["path:t.4", "shape:t.1", "shape:t.3"]


def test_nearest_point_in_world_coordinates():
    doc = _doc()
    n = nearest_point(doc, "shape:t.3", 150, 50)
    assert (n.x, n.y) == pytest.approx((120, 50), abs=0.01) and n.distance == pytest.approx(30, abs=0.01)
    n = nearest_point(doc, "path:t.4", 30, 90)
    assert (n.segment, n.x, n.y) == (0, pytest.approx(30), pytest.approx(100))


def test_snap_to_grid_and_view_box():
    assert snap_to_grid(12.4, 17.6, 5) == (10.0, 20.0)
    assert snap_to_grid(3.0, 4.0, 0) == (3.0, 4.0)
    assert view_box_of(_doc()) == (0, 0, 160, 160)
