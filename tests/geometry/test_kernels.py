"""Geometry kernels. This module also runs under NUMBA_DISABLE_JIT=1 (see test_without_jit.py)."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wiretuner_gl.geometry.bounds import path_bounds, points_bounds
from wiretuner_gl.geometry.dash import dash_rings
from wiretuner_gl.geometry.flatten import arc_to_cubics, flatten_path, flatten_quad
from wiretuner_gl.geometry.hittest import distance_to_rings, point_in_fill, point_on_stroke, rings_touch_rect, winding_number
from wiretuner_gl.geometry.nearest import nearest_on_path
from wiretuner_gl.geometry.snap import snap_points
from wiretuner_gl.geometry.stroke import stroke_rings
from wiretuner_gl.geometry.tessellate import tessellate_fill, triangles_area

NONZERO, EVENODD = 0, 1
MITER, ROUND, BEVEL = 0, 1, 2
BUTT, RCAP, SQUARE = 0, 1, 2


def ring(points):
    p = np.array(points, dtype=np.float64)
    return p, np.array([0, len(p)], dtype=np.int64)


def rings(*polys):
    pts = np.array([q for p in polys for q in p], dtype=np.float64)
    starts = np.cumsum([0] + [len(p) for p in polys]).astype(np.int64)
    return pts, starts


def union_area(tris):
    """Area covered by (possibly overlapping) triangles: their nonzero union, tessellated."""
    if tris.shape[0] == 0:
        return 0.0
    return triangles_area(tessellate_fill(tris, np.arange(0, tris.shape[0] + 1, 3, dtype=np.int64), NONZERO))


def pentagram(r=1.0):
    return [(r * math.sin(4 * math.pi * k / 5), -r * math.cos(4 * math.pi * k / 5)) for k in range(5)]


def cubic_anchors(*pts, closed=False):
    a = np.array(pts, dtype=np.float64).reshape(-1, 6)
    return a, np.array([0, len(a)], dtype=np.int64), np.array([closed])


# ---------------------------------------------------------------- flattening
def test_flattened_cubic_stays_within_tolerance():
    a, s, c = cubic_anchors((0, 0, 0, 0, 30, -80), (100, 0, -30, -80, 0, 0))
    for tol in (1.0, 0.1, 0.01):
        pts, rs, rc, corner = flatten_path(a, s, c, tol)
        # the true curve, densely sampled, is within tol of the polyline
        t = np.linspace(0, 1, 400)
        p0, p1, p2, p3 = np.array([0, 0]), np.array([30, -80]), np.array([70, -80]), np.array([100, 0])
        curve = ((1 - t) ** 3)[:, None] * p0 + (3 * (1 - t) ** 2 * t)[:, None] * p1 + (3 * (1 - t) * t * t)[:, None] * p2 + (t**3)[:, None] * p3
        worst = max(distance_to_rings(pts, rs, np.array([0], np.uint8), x, y) for x, y in curve)
        assert worst <= tol * 1.01
        assert corner[0] == 1 and corner[-1] == 1 and corner[1:-1].sum() == 0


def test_flattening_uses_fewer_points_when_zoomed_out():
    a, s, c = cubic_anchors((0, 0, 0, 0, 30, -80), (100, 0, -30, -80, 0, 0))
    counts = [flatten_path(a, s, c, tol)[0].shape[0] for tol in (0.01, 0.1, 1.0, 10.0)]
    assert counts == sorted(counts, reverse=True) and counts[0] > 4 * counts[-1]


def test_straight_segments_flatten_to_their_anchors_and_closed_rings_do_not_repeat_the_start():
    a, s, c = cubic_anchors((0, 0, 0, 0, 0, 0), (10, 0, 0, 0, 0, 0), (10, 10, 0, 0, 0, 0), closed=True)
    pts, rs, rc, corner = flatten_path(a, s, c, 0.1)
    assert pts.tolist() == [[0, 0], [10, 0], [10, 10]]
    assert rs.tolist() == [0, 3] and rc.tolist() == [1]


def test_quadratic_flattening_ends_on_the_end_point():
    out = flatten_quad(0.0, 0.0, 50.0, 100.0, 100.0, 0.0, 0.1)
    assert out[-1].tolist() == [100.0, 0.0] and out.shape[0] > 5
    # the apex of this quadratic is at y = 50
    assert max(out[:, 1]) == pytest.approx(50.0, abs=0.1)


def test_arc_to_cubics_lies_on_the_circle_and_ends_exactly():
    cub = arc_to_cubics(10.0, 0.0, 10.0, 10.0, 0.0, True, True, -10.0, 0.0)  # half circle
    assert cub[-1, 4:].tolist() == [-10.0, 0.0]
    x0, y0 = 10.0, 0.0
    for row in cub:
        for t in np.linspace(0, 1, 9):
            u = 1 - t
            x = u**3 * x0 + 3 * u * u * t * row[0] + 3 * u * t * t * row[2] + t**3 * row[4]
            y = u**3 * y0 + 3 * u * u * t * row[1] + 3 * u * t * t * row[3] + t**3 * row[5]
            assert math.hypot(x, y) == pytest.approx(10.0, abs=0.01)
        x0, y0 = row[4], row[5]


def test_arc_radii_too_small_are_scaled_up_and_zero_radius_is_a_line():
    cub = arc_to_cubics(0.0, 0.0, 1.0, 1.0, 0.0, False, True, 10.0, 0.0)
    mid = cub[0, 4:] if cub.shape[0] > 1 else cub[0, 4:]
    assert cub[-1, 4:].tolist() == [10.0, 0.0]
    assert abs(mid[1]) > 4.9 or cub.shape[0] == 1
    line = arc_to_cubics(0.0, 0.0, 0.0, 5.0, 0.0, False, True, 10.0, 0.0)
    assert line.tolist() == [[0.0, 0.0, 10.0, 0.0, 10.0, 0.0]]


# ---------------------------------------------------------------- fills
def test_square_fill_is_two_triangles_of_its_area():
    pts, rs = ring([(0, 0), (10, 0), (10, 10), (0, 10)])
    t = tessellate_fill(pts, rs, NONZERO)
    assert t.shape[0] == 6 and triangles_area(t) == pytest.approx(100.0)


def test_self_intersecting_star_nonzero_fills_the_centre_and_evenodd_does_not():
    pts, rs = ring(pentagram())
    full = triangles_area(tessellate_fill(pts, rs, NONZERO))
    holed = triangles_area(tessellate_fill(pts, rs, EVENODD))
    assert full == pytest.approx(1.12257, abs=1e-4)
    assert holed == pytest.approx(full - 0.34689, abs=1e-4)  # minus the inner pentagon


def test_multi_subpath_holes_follow_direction_under_nonzero_and_parity_under_evenodd():
    outer = [(0, 0), (10, 0), (10, 10), (0, 10)]
    inner = [(3, 3), (7, 3), (7, 7), (3, 7)]
    same = rings(outer, inner)
    opposite = rings(outer, inner[::-1])
    assert triangles_area(tessellate_fill(*same, NONZERO)) == pytest.approx(100)
    assert triangles_area(tessellate_fill(*opposite, NONZERO)) == pytest.approx(84)
    assert triangles_area(tessellate_fill(*same, EVENODD)) == pytest.approx(84)


def test_separate_rings_with_a_gap_between_them_stay_separate():
    pts, rs = rings([(0, 0), (10, 0), (10, 10), (0, 10)], [(0, 20), (10, 20), (12, 30), (0, 30)], [(30, 5), (40, 5), (35, 25)])
    t = tessellate_fill(pts, rs, NONZERO)
    assert triangles_area(t) == pytest.approx(100 + 110 + 100)
    assert not any(10 < y < 20 and x < 12 for x, y in t)


def test_degenerate_input_gives_no_triangles():
    for pts in ([], [(1, 1)], [(0, 0), (5, 5)], [(0, 0), (5, 0), (9, 0)]):
        p, rs = ring(pts) if pts else (np.zeros((0, 2)), np.array([0, 0], dtype=np.int64))
        assert tessellate_fill(p.reshape(-1, 2), rs, NONZERO).shape[0] == 0


polygons = st.lists(st.tuples(st.integers(-20, 20), st.integers(-20, 20)), min_size=3, max_size=9)


@settings(max_examples=40)
@given(polys=st.lists(polygons, min_size=1, max_size=3), evenodd=st.booleans(), seed=st.integers(0, 10**6))
def test_fill_triangles_cover_exactly_the_inside_once(polys, evenodd, seed):
    """Any polygons, self-intersecting ones included: every sample point lies in exactly one
    triangle if it is inside by the rule, in none otherwise (no gaps, no overlaps)."""
    pts, rs = rings(*[[(float(x), float(y)) for x, y in p] for p in polys])
    tris = tessellate_fill(pts, rs, EVENODD if evenodd else NONZERO)
    rng = np.random.default_rng(seed)
    samples = rng.uniform(-21, 21, size=(60, 2)) + 0.0137  # off the integer lattice of vertices
    for x, y in samples:
        inside = point_in_fill(pts, rs, x, y, evenodd)
        count = 0
        for t in range(tris.shape[0] // 3):
            a, b, c = tris[3 * t], tris[3 * t + 1], tris[3 * t + 2]
            d1 = (b[0] - a[0]) * (y - a[1]) - (b[1] - a[1]) * (x - a[0])
            d2 = (c[0] - b[0]) * (y - b[1]) - (c[1] - b[1]) * (x - b[0])
            d3 = (a[0] - c[0]) * (y - c[1]) - (a[1] - c[1]) * (x - c[0])
            if (d1 >= 0 and d2 >= 0 and d3 >= 0) or (d1 <= 0 and d2 <= 0 and d3 <= 0):
                if min(abs(d1), abs(d2), abs(d3)) > 1e-7:
                    count += 1
        near_edge = any(
            distance_to_rings(pts, rs, np.ones(len(rs) - 1, np.uint8), x, y) < 1e-3 for _ in (0,)
        )
        if not near_edge:
            assert count == (1 if inside else 0), (x, y, inside, count)


coord = st.floats(-1e3, 1e3, allow_nan=False).map(lambda v: round(v, 6))  # document-like values


@settings(max_examples=25)
@given(
    polys=st.lists(st.lists(st.tuples(coord, coord), min_size=3, max_size=8), min_size=1, max_size=2),
    evenodd=st.booleans(),
)
def test_fill_area_matches_sampled_winding_for_arbitrary_float_polygons(polys, evenodd):
    """Float coordinates with near-crossings: no overlaps, and the area agrees with a grid
    sample of the winding rule within the grid's resolution."""
    pts, rs = rings(*polys)
    tris = tessellate_fill(pts, rs, EVENODD if evenodd else NONZERO)
    assert np.isfinite(tris).all()
    area = triangles_area(tris)
    assert area == pytest.approx(union_area(tris), rel=1e-6, abs=1e-3)  # no overlaps
    x0, y0 = pts.min(axis=0)
    x1, y1 = pts.max(axis=0)
    k = 20
    if x1 - x0 < 1e-3 or y1 - y0 < 1e-3:
        assert area < 1e-3 * 2e3
        return
    hits = 0
    for i in range(k):
        for j in range(k):
            x = x0 + (i + 0.5) * (x1 - x0) / k
            y = y0 + (j + 0.5) * (y1 - y0) / k
            hits += point_in_fill(pts, rs, x, y, evenodd)
    cell = (x1 - x0) * (y1 - y0) / (k * k)
    perimeter = sum(float(np.hypot(*np.diff(np.vstack([p, p[:1]]).astype(float), axis=0).T).sum()) for p in map(np.array, polys))
    # grid sampling error is bounded by the cells the outline passes through
    slack = perimeter * 2 * max((x1 - x0) / k, (y1 - y0) / k) + 4 * cell
    assert abs(hits * cell - area) <= slack


# ---------------------------------------------------------------- strokes
SQUARE_RING = ring([(0, 0), (10, 0), (10, 10), (0, 10)])


def _stroke(pts, rs, closed, hw, join=MITER, cap=BUTT, miter=4.0, tol=0.01):
    return stroke_rings(pts, rs, np.array([1 if closed else 0], np.uint8), np.ones(len(pts), np.uint8), hw, join, miter, cap, tol)


def test_closed_square_stroke_areas_for_each_join():
    pts, rs = SQUARE_RING
    assert union_area(_stroke(pts, rs, True, 1.0, MITER)) == pytest.approx(144 - 64)
    assert union_area(_stroke(pts, rs, True, 1.0, BEVEL)) == pytest.approx(80 - 4 * 0.5)
    assert union_area(_stroke(pts, rs, True, 1.0, ROUND)) == pytest.approx(80 - 4 * (1 - math.pi / 4), abs=0.06)  # chords within tol


def test_open_line_caps_extend_as_specified():
    pts, rs = ring([(0, 0), (10, 0)])
    assert union_area(_stroke(pts, rs, False, 1.0, cap=BUTT)) == pytest.approx(20)
    assert union_area(_stroke(pts, rs, False, 1.0, cap=SQUARE)) == pytest.approx(24)
    assert union_area(_stroke(pts, rs, False, 1.0, cap=RCAP)) == pytest.approx(20 + math.pi, abs=2 * math.pi * 0.01)  # chords within tol


def test_miter_limit_turns_sharp_miters_into_bevels():
    pts, rs = ring([(0, 0), (10, 1), (0, 2)])
    long = union_area(_stroke(pts, rs, False, 1.0, MITER, miter=100.0))
    cut = union_area(_stroke(pts, rs, False, 1.0, MITER, miter=4.0))
    bevel = union_area(_stroke(pts, rs, False, 1.0, BEVEL))
    assert cut == pytest.approx(bevel) and long > bevel + 1.0


def test_zero_length_subpath_draws_a_dot_with_round_or_square_caps_only():
    pts, rs = ring([(5, 5), (5, 5)])
    assert union_area(_stroke(pts, rs, False, 2.0, cap=RCAP)) == pytest.approx(4 * math.pi, abs=4 * math.pi * 0.01)
    assert union_area(_stroke(pts, rs, False, 2.0, cap=SQUARE)) == pytest.approx(16)
    assert _stroke(pts, rs, False, 2.0, cap=BUTT).shape[0] == 0


def test_zero_length_segments_inside_a_path_are_ignored():
    pts, rs = ring([(0, 0), (0, 0), (10, 0), (10, 0)])
    assert union_area(_stroke(pts, rs, False, 1.0)) == pytest.approx(20)


def test_stroke_triangles_are_counter_clockwise():
    pts, rs = ring([(0, 0), (10, 3), (2, 9), (8, 12)])
    t = _stroke(pts, rs, False, 2.0, ROUND, RCAP)
    a = (t[1::3, 0] - t[0::3, 0]) * (t[2::3, 1] - t[0::3, 1]) - (t[2::3, 0] - t[0::3, 0]) * (t[1::3, 1] - t[0::3, 1])
    assert (a >= 0).all()


# ---------------------------------------------------------------- dashes
def _dash(pts, rs, closed, pattern, offset):
    return dash_rings(pts, rs, np.array([1 if closed else 0], np.uint8), np.ones(len(pts), np.uint8), np.array(pattern, dtype=np.float64), offset)


def _lengths(p, s, c):
    out = []
    for k in range(len(s) - 1):
        if c[k] == 2:
            continue
        q = p[s[k] : s[k + 1]]
        out.append(float(np.hypot(*np.diff(q, axis=0).T).sum()))
    return out


def test_dashes_cut_a_line_by_pattern_and_offset():
    pts, rs = ring([(0, 0), (100, 0)])
    assert _lengths(*_dash(pts, rs, False, [20, 10], 0.0)[:3]) == pytest.approx([20, 20, 20, 10])
    assert _lengths(*_dash(pts, rs, False, [20, 10], 15.0)[:3]) == pytest.approx([5, 20, 20, 20])
    assert _lengths(*_dash(pts, rs, False, [20, 10], -5.0)[:3]) == pytest.approx([20, 20, 20, 5])


def test_dash_over_the_start_of_a_closed_ring_joins_the_first_dash():
    pts, rs = SQUARE_RING
    p, s, c, _ = _dash(pts, rs, True, [6, 4], 3.0)
    lengths = _lengths(p, s, c)
    assert sum(lengths) == pytest.approx(24)
    assert (c == 2).sum() == 1 and max(lengths) == pytest.approx(6)


def test_all_on_pattern_keeps_a_closed_ring_closed():
    pts, rs = SQUARE_RING
    p, s, c, _ = _dash(pts, rs, True, [100, 1], 0.0)
    assert c.tolist() == [1]


# ---------------------------------------------------------------- hit testing, nearest, bounds, snap
def test_winding_numbers_and_point_in_fill():
    pts, rs = ring(pentagram(10))
    assert winding_number(pts, rs, 0.0, 0.0) in (2, -2)
    assert point_in_fill(pts, rs, 0.0, 0.0, False) and not point_in_fill(pts, rs, 0.0, 0.0, True)
    assert not point_in_fill(pts, rs, 50.0, 50.0, False)


def test_point_on_stroke_within_tolerance():
    pts, rs = ring([(0, 0), (10, 0)])
    rc = np.array([0], np.uint8)
    assert point_on_stroke(pts, rs, rc, 5.0, 1.4, 1.0, 0.5)
    assert not point_on_stroke(pts, rs, rc, 5.0, 1.6, 1.0, 0.5)
    assert not point_on_stroke(pts, rs, rc, 11.6, 0.0, 1.0, 0.5)  # beyond the butt end


def test_rectangle_selection_touches_outline_or_fill():
    pts, rs = ring([(0, 0), (10, 0), (10, 10), (0, 10)])
    rc = np.array([1], np.uint8)
    assert rings_touch_rect(pts, rs, rc, -1, -1, 1, 1, False, False)  # a corner inside
    assert rings_touch_rect(pts, rs, rc, 4, -2, 6, 2, False, False)  # crosses an edge
    assert not rings_touch_rect(pts, rs, rc, 4, 4, 6, 6, False, False)  # inside, outline only
    assert rings_touch_rect(pts, rs, rc, 4, 4, 6, 6, True, False)  # inside the fill
    assert not rings_touch_rect(pts, rs, rc, 20, 20, 30, 30, True, False)


def test_nearest_point_on_a_circle_is_along_the_radius():
    k = 0.5522847498307936 * 10
    a = np.array(
        [(10, 0, 0, -k, 0, k), (0, 10, k, 0, -k, 0), (-10, 0, 0, k, 0, -k), (0, -10, -k, 0, k, 0)], dtype=np.float64
    )
    r = nearest_on_path(a, np.array([0, 4], np.int64), np.array([True]), 20.0, 20.0)
    assert r[3] == pytest.approx(10 / math.sqrt(2), abs=0.02) and r[4] == pytest.approx(10 / math.sqrt(2), abs=0.02)
    assert r[5] == pytest.approx(math.hypot(20, 20) - 10, abs=0.02)
    assert int(r[1]) == 0 and 0 < r[2] < 1


def test_path_bounds_use_curve_extrema_not_control_points():
    a, s, c = cubic_anchors((0, 0, 0, 0, 0, -40), (100, 0, 0, -40, 0, 0))
    b = path_bounds(a, s, c)
    assert b[0] == 0 and b[2] == 100 and b[1] == pytest.approx(-30.0) and b[3] == 0
    assert points_bounds(np.array([[1.0, 2.0], [-3.0, 5.0]])).tolist() == [-3, 2, 1, 5]


def test_snap_points_to_grid_with_origin():
    out = snap_points(np.array([[12.4, 17.6], [-2.6, 0.2]]), 5.0, 1.0, 0.0)
    assert out.tolist() == [[11.0, 20.0], [-4.0, 0.0]]


def test_batched_kernels_match_one_call_per_path():
    from wiretuner_gl.geometry.flatten import flatten_many
    from wiretuner_gl.geometry.tessellate import tessellate_many

    paths = [
        cubic_anchors((0, 0, 0, 0, 30, -80), (100, 0, -30, -80, 0, 0), closed=True),
        cubic_anchors((0, 0, 0, 0, 0, 0), (10, 0, 0, 0, 0, 0), (10, 10, 0, 0, 0, 0)),
        cubic_anchors(*[(x, y, 0, 0, 0, 0) for x, y in pentagram(20)], closed=True),
    ]
    anchors = np.concatenate([p[0] for p in paths])
    sub_start = np.array([0, 2, 5, 10], dtype=np.int64)
    closed = np.array([True, False, True])
    tols = np.array([0.1, 0.5, 0.1])
    pts, rs, rc, co, path_ring = flatten_many(anchors, sub_start, closed, np.array([0, 1, 2, 3], dtype=np.int64), tols)
    rules = np.array([0, 0, 1], dtype=np.int64)
    tris, path_tri = tessellate_many(pts, rs, path_ring[:-1], path_ring[1:], rules)
    for i, (a, s, c) in enumerate(paths):
        one = flatten_path(a, s, c, tols[i])
        p0, p1 = rs[path_ring[i]], rs[path_ring[i + 1]]
        assert np.array_equal(pts[p0:p1], one[0])
        t1 = tessellate_fill(one[0], one[1], rules[i])
        assert np.array_equal(tris[path_tri[i] : path_tri[i + 1]], t1)
