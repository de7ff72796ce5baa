"""Adaptive flattening kernels: cubic and quadratic Béziers, elliptical arcs.

The number of line segments per curve follows Wang's formula, so the polyline stays within
`tol` of the true curve (tol is in the curve's own coordinates: callers divide the device
tolerance by the zoom, so zoomed-out paths get few vertices and zoomed-in ones no facets).

Path layout shared by the kernels: `anchors` (N, 6) = x, y, in_dx, in_dy, out_dx, out_dy (handles
are offsets, as in the model); subpath s owns anchors[sub_start[s]:sub_start[s+1]] and is closed
when closed[s]. Output rings: points (P, 2), ring_start (R+1), ring_closed (R) and corner (P):
1 where the point is an anchor (a real corner for joins), 0 inside a curve.
"""

import math

import numpy as np
from numba import njit



@njit(cache=True)
def cubic_segments(x0, y0, x1, y1, x2, y2, x3, y3, tol):
    """Segments needed for a cubic to stay within tol (Wang's formula)."""
    ddx = max(abs(x0 - 2 * x1 + x2), abs(x1 - 2 * x2 + x3))
    ddy = max(abs(y0 - 2 * y1 + y2), abs(y1 - 2 * y2 + y3))
    m = math.sqrt(ddx * ddx + ddy * ddy)
    if m <= 0.0:
        return 1
    n = math.ceil(math.sqrt(0.75 * m / tol))
    return max(1, min(int(n), 4096))


@njit(cache=True)
def quad_segments(x0, y0, x1, y1, x2, y2, tol):
    dx = x0 - 2 * x1 + x2
    dy = y0 - 2 * y1 + y2
    m = math.sqrt(dx * dx + dy * dy)
    if m <= 0.0:
        return 1
    return max(1, min(int(math.ceil(math.sqrt(0.25 * m / tol))), 4096))


@njit(cache=True)
def flatten_quad(x0, y0, x1, y1, x2, y2, tol):
    """Points after the start point, ending at (x2, y2)."""
    n = quad_segments(x0, y0, x1, y1, x2, y2, tol)
    out = np.empty((n, 2))
    for k in range(1, n + 1):
        t = k / n
        u = 1.0 - t
        out[k - 1, 0] = u * u * x0 + 2 * u * t * x1 + t * t * x2
        out[k - 1, 1] = u * u * y0 + 2 * u * t * y1 + t * t * y2
    return out


@njit(cache=True)
def arc_to_cubics(x0, y0, rx, ry, phi_deg, large_arc, sweep, x1, y1):
    """SVG elliptical arc (endpoint form) as cubic control points (K, 6): c1, c2, end per row."""
    if (x0 == x1 and y0 == y1) or rx == 0.0 or ry == 0.0:
        out = np.empty((1, 6))
        out[0, 0] = x0
        out[0, 1] = y0
        out[0, 2] = x1
        out[0, 3] = y1
        out[0, 4] = x1
        out[0, 5] = y1
        return out
    rx = abs(rx)
    ry = abs(ry)
    phi = math.radians(phi_deg % 360.0)
    cp = math.cos(phi)
    sp = math.sin(phi)
    dx2 = (x0 - x1) / 2.0
    dy2 = (y0 - y1) / 2.0
    x1p = cp * dx2 + sp * dy2
    y1p = -sp * dx2 + cp * dy2
    lam = (x1p * x1p) / (rx * rx) + (y1p * y1p) / (ry * ry)
    if lam > 1.0:
        s = math.sqrt(lam)
        rx *= s
        ry *= s
    num = rx * rx * ry * ry - rx * rx * y1p * y1p - ry * ry * x1p * x1p
    den = rx * rx * y1p * y1p + ry * ry * x1p * x1p
    coef = math.sqrt(max(0.0, num / den)) if den > 0 else 0.0
    if large_arc == sweep:
        coef = -coef
    cxp = coef * rx * y1p / ry
    cyp = -coef * ry * x1p / rx
    cx = cp * cxp - sp * cyp + (x0 + x1) / 2.0
    cy = sp * cxp + cp * cyp + (y0 + y1) / 2.0
    ux = (x1p - cxp) / rx
    uy = (y1p - cyp) / ry
    vx = (-x1p - cxp) / rx
    vy = (-y1p - cyp) / ry
    th1 = math.atan2(uy, ux)
    dth = math.atan2(ux * vy - uy * vx, ux * vx + uy * vy)
    if not sweep and dth > 0:
        dth -= 2 * math.pi
    elif sweep and dth < 0:
        dth += 2 * math.pi
    n = max(1, int(math.ceil(abs(dth) / (math.pi / 2) - 1e-9)))
    step = dth / n
    k = 4.0 / 3.0 * math.tan(step / 4.0)
    out = np.empty((n, 6))
    t = th1
    for i in range(n):
        c1 = math.cos(t)
        s1 = math.sin(t)
        c2 = math.cos(t + step)
        s2 = math.sin(t + step)
        # unit-circle control points, then scale, rotate, translate
        px = (c1 - k * s1, c2 + k * s2, c2)
        py = (s1 + k * c1, s2 - k * c2, s2)
        for j in range(3):
            ex = px[j] * rx
            ey = py[j] * ry
            out[i, 2 * j] = cp * ex - sp * ey + cx
            out[i, 2 * j + 1] = sp * ex + cp * ey + cy
        t += step
    out[n - 1, 4] = x1
    out[n - 1, 5] = y1
    return out


@njit(cache=True)
def flatten_many(anchors, sub_start, closed, path_sub, tols):
    """Flatten many paths in one call: path p owns subpaths path_sub[p]:path_sub[p+1] and is
    flattened to tols[p]. Returns (points, ring_start, ring_closed, corner, path_ring): path p
    owns rings path_ring[p]:path_ring[p+1].

    Two passes (count, then fill arrays of the exact size) in one function: in numba, an array
    passed to a call or rebound in a loop (to grow it) costs atomic reference counting, as much
    as flattening a few segments."""
    ns = closed.shape[0]
    npaths = path_sub.shape[0] - 1
    # pass 1: segments per curve (kept per anchor) and the totals
    segk = np.empty(max(anchors.shape[0], 1), dtype=np.int64)
    total = 0
    nr = 0
    for p in range(npaths):
        tol = max(tols[p], 1e-9)
        for s in range(path_sub[p], path_sub[p + 1]):
            a0 = sub_start[s]
            a1 = sub_start[s + 1]
            if a1 <= a0:
                continue
            nr += 1
            total += 1
            m = a1 - a0
            nseg = m if closed[s] else m - 1
            for i in range(nseg):
                a = a0 + i
                b = a + 1 if i + 1 < m else a0
                if anchors[a, 4] == 0.0 and anchors[a, 5] == 0.0 and anchors[b, 2] == 0.0 and anchors[b, 3] == 0.0:
                    k = 1
                else:
                    x0 = anchors[a, 0]
                    y0 = anchors[a, 1]
                    x3 = anchors[b, 0]
                    y3 = anchors[b, 1]
                    k = cubic_segments(x0, y0, x0 + anchors[a, 4], y0 + anchors[a, 5], x3 + anchors[b, 2], y3 + anchors[b, 3], x3, y3, tol)
                segk[a] = k
                # the closing segment's end is the ring's first point: not repeated
                total += k - 1 if closed[s] and i == nseg - 1 else k
    pts = np.empty((total, 2))
    corner = np.empty(total, dtype=np.uint8)
    ring_start = np.empty(nr + 1, dtype=np.int64)
    ring_closed = np.empty(nr, dtype=np.uint8)
    path_ring = np.empty(npaths + 1, dtype=np.int64)
    # pass 2: the points
    n = 0
    r = 0
    for p in range(npaths):
        path_ring[p] = r
        for s in range(path_sub[p], path_sub[p + 1]):
            a0 = sub_start[s]
            a1 = sub_start[s + 1]
            if a1 <= a0:
                continue
            is_closed = closed[s]
            ring_start[r] = n
            ring_closed[r] = 1 if is_closed else 0
            r += 1
            m = a1 - a0
            pts[n, 0] = anchors[a0, 0]
            pts[n, 1] = anchors[a0, 1]
            corner[n] = 1
            n += 1
            nseg = m if is_closed else m - 1
            for i in range(nseg):
                a = a0 + i
                b = a + 1 if i + 1 < m else a0
                last = is_closed and i == nseg - 1
                k = segk[a]
                x3 = anchors[b, 0]
                y3 = anchors[b, 1]
                if k == 1:  # a line (or a flat curve): its end point
                    if not last:
                        pts[n, 0] = x3
                        pts[n, 1] = y3
                        corner[n] = 1
                        n += 1
                    continue
                x0 = anchors[a, 0]
                y0 = anchors[a, 1]
                x1 = x0 + anchors[a, 4]
                y1 = y0 + anchors[a, 5]
                x2 = x3 + anchors[b, 2]
                y2 = y3 + anchors[b, 3]
                stop = k - 1 if last else k
                for j in range(1, stop + 1):
                    t = j / k
                    u = 1.0 - t
                    b0 = u * u * u
                    b1 = 3 * u * u * t
                    b2 = 3 * u * t * t
                    b3 = t * t * t
                    pts[n, 0] = b0 * x0 + b1 * x1 + b2 * x2 + b3 * x3
                    pts[n, 1] = b0 * y0 + b1 * y1 + b2 * y2 + b3 * y3
                    corner[n] = 1 if j == k else 0
                    n += 1
    path_ring[npaths] = r
    ring_start[r] = n
    return pts, ring_start, ring_closed, corner, path_ring


@njit(cache=True)
def flatten_path(anchors, sub_start, closed, tol):
    """Flatten every subpath of a cubic path. Returns (points, ring_start, ring_closed, corner)."""
    path_sub = np.empty(2, dtype=np.int64)
    path_sub[0] = 0
    path_sub[1] = closed.shape[0]
    tols = np.empty(1)
    tols[0] = tol
    pts, ring_start, ring_closed, corner, _ = flatten_many(anchors, sub_start, closed, path_sub, tols)
    return pts, ring_start, ring_closed, corner
