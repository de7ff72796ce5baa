"""Path-data conversion properties: arcs land on their ellipse and end exactly where asked;
absolute and relative spellings of the same path give the same anchors."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from wiretuner_gl.io._svg_path import parse_path_data, raw_to_subpaths

coord = st.floats(-500, 500, allow_nan=False).map(lambda v: round(v, 3))
radius = st.floats(0.5, 300, allow_nan=False).map(lambda v: round(v, 3))


@given(coord, coord, radius, radius, st.floats(0, 360).map(lambda v: round(v, 2)), st.booleans(), st.booleans(), coord, coord)
def test_arc_cubics_lie_on_the_ellipse_and_end_at_the_endpoint(x1, y1, rx, ry, phi, large, sweep, x2, y2):
    d = f"M{x1} {y1} A{rx} {ry} {phi} {int(large)} {int(sweep)} {x2} {y2}"
    raw, err = parse_path_data(d)
    assert err is None
    if (x1, y1) == (x2, y2):
        assert raw[0][2] == []
        return
    segs = raw[0][2]
    assert segs[-1][4:6] == (x2, y2)
    if segs[0][6]:
        return  # a degenerate (straight) arc
    # every segment end lies on one ellipse: map back to the unit circle with the centre found from
    # the first quarter's geometry (radii may have been scaled up, uniformly, per the spec)
    c, s = math.cos(math.radians(phi)), math.sin(math.radians(phi))
    pts = [(x1, y1)] + [(seg[4], seg[5]) for seg in segs]
    # solve for the centre from three points on the ellipse with axes (rx k, ry k)
    def local(p):
        return (c * p[0] + s * p[1], -s * p[0] + c * p[1])
    lp = [local(p) for p in pts]
    ratio = ry / rx
    q = [(x, y / ratio) for x, y in lp]  # now a circle
    (ax, ay), (bx, by) = q[0], q[-1]
    mids = q[1:-1] or [q[-1]]
    mx, my = mids[0]
    d_ = 2 * (ax * (by - my) + bx * (my - ay) + mx * (ay - by))
    if abs(d_) < 1e-6:
        return  # collinear samples (a half-turn split exactly through the ends)
    ux = ((ax * ax + ay * ay) * (by - my) + (bx * bx + by * by) * (my - ay) + (mx * mx + my * my) * (ay - by)) / d_
    uy = ((ax * ax + ay * ay) * (mx - bx) + (bx * bx + by * by) * (ax - mx) + (mx * mx + my * my) * (bx - ax)) / d_
    r0 = math.hypot(ax - ux, ay - uy)
    for x, y in q:
        assert abs(math.hypot(x - ux, y - uy) - r0) <= 1e-6 * max(1.0, r0)


@given(st.lists(st.tuples(st.sampled_from("LCQ"), st.lists(coord, min_size=6, max_size=6)), min_size=1, max_size=8), coord, coord)
def test_relative_and_absolute_spellings_give_the_same_anchors(cmds, x0, y0):
    absolute, relative = [f"M{x0} {y0}"], [f"m{x0} {y0}"]
    x, y = x0, y0
    for c, v in cmds:
        n = {"L": 2, "C": 6, "Q": 4}[c]
        pts = v[:n]
        absolute.append(c + " ".join(map(str, pts)))
        relative.append(c.lower() + " ".join(str(round(p - (x if i % 2 == 0 else y), 6)) for i, p in enumerate(pts)))
        x, y = pts[-2], pts[-1]
    a = raw_to_subpaths(parse_path_data(" ".join(absolute))[0])
    r = raw_to_subpaths(parse_path_data(" ".join(relative))[0])
    for sa, sr in zip(a, r):
        for p, q in zip(sa.anchors, sr.anchors):
            assert all(abs(u - w) < 1e-4 for u, w in zip((p.x, p.y, p.in_x, p.in_y, p.out_x, p.out_y), (q.x, q.y, q.in_x, q.in_y, q.out_x, q.out_y)))
