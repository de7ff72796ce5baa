"""Hit-testing kernels over flattened rings: point in fill, point on stroke, rectangle selection."""

import math

from numba import njit


@njit(cache=True)
def winding_number(points, ring_start, x, y):
    """Winding number of (x, y) for the rings (each implicitly closed)."""
    w = 0
    for r in range(ring_start.shape[0] - 1):
        a = ring_start[r]
        b = ring_start[r + 1]
        for i in range(a, b):
            j = i + 1 if i + 1 < b else a
            x0 = points[i, 0]
            y0 = points[i, 1]
            x1 = points[j, 0]
            y1 = points[j, 1]
            if y0 <= y:
                if y1 > y and (x1 - x0) * (y - y0) - (x - x0) * (y1 - y0) > 0:
                    w += 1
            elif y1 <= y and (x1 - x0) * (y - y0) - (x - x0) * (y1 - y0) < 0:
                w -= 1
    return w


@njit(cache=True)
def point_in_fill(points, ring_start, x, y, evenodd):
    w = winding_number(points, ring_start, x, y)
    if evenodd:
        return (w & 1) != 0
    return w != 0


@njit(cache=True)
def _seg_dist2(px, py, x0, y0, x1, y1):
    dx = x1 - x0
    dy = y1 - y0
    l2 = dx * dx + dy * dy
    t = 0.0
    if l2 > 0:
        t = max(0.0, min(1.0, ((px - x0) * dx + (py - y0) * dy) / l2))
    ex = x0 + t * dx - px
    ey = y0 + t * dy - py
    return ex * ex + ey * ey


@njit(cache=True)
def distance_to_rings(points, ring_start, ring_closed, x, y):
    """Distance from (x, y) to the nearest point of the polylines (closing segments included)."""
    best = math.inf
    for r in range(ring_start.shape[0] - 1):
        a = ring_start[r]
        b = ring_start[r + 1]
        if b - a == 1:
            best = min(best, _seg_dist2(x, y, points[a, 0], points[a, 1], points[a, 0], points[a, 1]))
        last = b if ring_closed[r] == 1 else b - 1
        for i in range(a, last):
            j = i + 1 if i + 1 < b else a
            best = min(best, _seg_dist2(x, y, points[i, 0], points[i, 1], points[j, 0], points[j, 1]))
    return math.sqrt(best)


@njit(cache=True)
def point_on_stroke(points, ring_start, ring_closed, x, y, half_width, tol):
    return distance_to_rings(points, ring_start, ring_closed, x, y) <= half_width + tol


@njit(cache=True)
def _segs_cross(ax, ay, bx, by, cx, cy, dx, dy):
    d1 = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax)
    d2 = (bx - ax) * (dy - ay) - (by - ay) * (dx - ax)
    d3 = (dx - cx) * (ay - cy) - (dy - cy) * (ax - cx)
    d4 = (dx - cx) * (by - cy) - (dy - cy) * (bx - cx)
    return ((d1 > 0) != (d2 > 0)) and ((d3 > 0) != (d4 > 0))


@njit(cache=True)
def rings_touch_rect(points, ring_start, ring_closed, x0, y0, x1, y1, filled, evenodd):
    """Does the outline (or, when filled, the fill) meet the axis-aligned rectangle?"""
    for r in range(ring_start.shape[0] - 1):
        a = ring_start[r]
        b = ring_start[r + 1]
        for i in range(a, b):
            px = points[i, 0]
            py = points[i, 1]
            if x0 <= px <= x1 and y0 <= py <= y1:
                return True
        last = b if (ring_closed[r] == 1 or filled) else b - 1
        for i in range(a, last):
            j = i + 1 if i + 1 < b else a
            ax = points[i, 0]
            ay = points[i, 1]
            bx = points[j, 0]
            by = points[j, 1]
            if (
                _segs_cross(ax, ay, bx, by, x0, y0, x1, y0)
                or _segs_cross(ax, ay, bx, by, x1, y0, x1, y1)
                or _segs_cross(ax, ay, bx, by, x1, y1, x0, y1)
                or _segs_cross(ax, ay, bx, by, x0, y1, x0, y0)
            ):
                return True
    if filled:
        return point_in_fill(points, ring_start, 0.5 * (x0 + x1), 0.5 * (y0 + y1), evenodd)
    return False
