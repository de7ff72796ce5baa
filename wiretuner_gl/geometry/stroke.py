"""Stroke kernels: polylines to triangles with joins (miter + limit, round, bevel) and caps
(butt, round, square), closed and open rings, zero-length segments and dots.

Output triangles are all counter-clockwise (positive area in y-up terms), so their union can
be taken with `tessellate_fill(..., rule=0)` when the stroke is translucent and overlapping
parts of the stroke must not blend twice. Opaque strokes use the triangles as they are.

join: 0 miter, 1 round, 2 bevel; cap: 0 butt, 1 round, 2 square.
"""

import math

import numpy as np
from numba import njit

from ._buffers import grow2


@njit(cache=True)
def _tri(out, n, ax, ay, bx, by, cx, cy):
    out = grow2(out, n + 3)
    if (bx - ax) * (cy - ay) - (cx - ax) * (by - ay) < 0:
        bx, by, cx, cy = cx, cy, bx, by
    out[n, 0] = ax
    out[n, 1] = ay
    out[n + 1, 0] = bx
    out[n + 1, 1] = by
    out[n + 2, 0] = cx
    out[n + 2, 1] = cy
    return out, n + 3


@njit(cache=True)
def _arc_steps(hw, sweep, tol):
    if hw <= tol:
        step = math.pi / 2
    else:
        step = 2.0 * math.acos(1.0 - tol / hw)
    return max(1, min(256, int(math.ceil(abs(sweep) / max(step, 1e-3)))))


@njit(cache=True)
def _fan(out, n, cx, cy, hw, a0, sweep, tol):
    k = _arc_steps(hw, sweep, tol)
    px = cx + hw * math.cos(a0)
    py = cy + hw * math.sin(a0)
    for j in range(1, k + 1):
        a = a0 + sweep * j / k
        qx = cx + hw * math.cos(a)
        qy = cy + hw * math.sin(a)
        out, n = _tri(out, n, cx, cy, px, py, qx, qy)
        px = qx
        py = qy
    return out, n


@njit(cache=True)
def _cap(out, n, px, py, dx, dy, hw, cap, tol):
    """Cap at (px, py) where (dx, dy) is the unit direction pointing out of the stroke."""
    nx = -dy * hw
    ny = dx * hw
    if cap == 1:
        out, n = _fan(out, n, px, py, hw, math.atan2(ny, nx), -math.pi, tol)
    elif cap == 2:
        ex = dx * hw
        ey = dy * hw
        out, n = _tri(out, n, px + nx, py + ny, px - nx, py - ny, px - nx + ex, py - ny + ey)
        out, n = _tri(out, n, px + nx, py + ny, px - nx + ex, py - ny + ey, px + nx + ex, py + ny + ey)
    return out, n


@njit(cache=True)
def _join(out, n, px, py, d0x, d0y, d1x, d1y, hw, join, miter_limit, tol):
    cross = d0x * d1y - d0y * d1x
    dot = d0x * d1x + d0y * d1y
    if dot > 0 and hw * abs(cross) < tol:
        return out, n  # the wedge between the segments is narrower than the tolerance
    s = -1.0 if cross > 0 else 1.0
    ax = px + s * (-d0y) * hw
    ay = py + s * d0x * hw
    bx = px + s * (-d1y) * hw
    by = py + s * d1x * hw
    if join == 1:
        a0 = math.atan2(ay - py, ax - px)
        turn = math.acos(max(-1.0, min(1.0, dot)))
        # rotate from the incoming offset towards the incoming direction
        sg = 1.0 if (ax - px) * d0y - (ay - py) * d0x > 0 else -1.0
        return _fan(out, n, px, py, hw, a0, sg * turn, tol)
    out, n = _tri(out, n, px, py, ax, ay, bx, by)
    if join == 0:
        c = math.sqrt(max(0.0, (1.0 + dot) / 2.0))  # cos of half the turning angle
        if c > 1e-9 and 1.0 / c <= miter_limit:
            mx = (ax - px) + (bx - px)
            my = (ay - py) + (by - py)
            ml = math.sqrt(mx * mx + my * my)
            if ml > 0:
                tx = px + mx / ml * hw / c
                ty = py + my / ml * hw / c
                out, n = _tri(out, n, ax, ay, tx, ty, bx, by)
    return out, n


@njit(cache=True)
def stroke_rings(points, ring_start, ring_closed, corner, hw, join, miter_limit, cap, tol):
    """Triangles (3T, 2) of the stroke of every ring, half-width hw."""
    out = np.empty((max(64, points.shape[0] * 12), 2))
    n = 0
    if hw <= 0:
        return out[:0].copy()
    for r in range(ring_start.shape[0] - 1):
        a = ring_start[r]
        b = ring_start[r + 1]
        if ring_closed[r] > 1:  # removed by the dasher
            continue
        closed = ring_closed[r] == 1
        # drop repeated points (zero-length segments have no direction)
        idx = np.empty(b - a, dtype=np.int64)
        m = 0
        for i in range(a, b):
            if m == 0 or points[i, 0] != points[idx[m - 1], 0] or points[i, 1] != points[idx[m - 1], 1]:
                idx[m] = i
                m += 1
        if closed and m > 1 and points[idx[0], 0] == points[idx[m - 1], 0] and points[idx[0], 1] == points[idx[m - 1], 1]:
            m -= 1
        if m == 0:
            continue
        if m == 1:
            # a zero-length subpath: a dot for round and square caps, nothing for butt
            x = points[idx[0], 0]
            y = points[idx[0], 1]
            if cap == 1:
                out, n = _fan(out, n, x, y, hw, 0.0, 2 * math.pi, tol)
            elif cap == 2:
                out, n = _tri(out, n, x - hw, y - hw, x + hw, y - hw, x + hw, y + hw)
                out, n = _tri(out, n, x - hw, y - hw, x + hw, y + hw, x - hw, y + hw)
            continue
        nseg = m if closed else m - 1
        fdx = 0.0
        fdy = 0.0
        pdx = 0.0
        pdy = 0.0
        for s in range(nseg):
            i = idx[s]
            j = idx[(s + 1) % m]
            x0 = points[i, 0]
            y0 = points[i, 1]
            x1 = points[j, 0]
            y1 = points[j, 1]
            dx = x1 - x0
            dy = y1 - y0
            ln = math.sqrt(dx * dx + dy * dy)
            dx /= ln
            dy /= ln
            nx = -dy * hw
            ny = dx * hw
            out, n = _tri(out, n, x0 + nx, y0 + ny, x1 + nx, y1 + ny, x1 - nx, y1 - ny)
            out, n = _tri(out, n, x0 + nx, y0 + ny, x1 - nx, y1 - ny, x0 - nx, y0 - ny)
            if s == 0:
                fdx = dx
                fdy = dy
            else:
                jn = join if corner[i] else 1
                out, n = _join(out, n, x0, y0, pdx, pdy, dx, dy, hw, jn, miter_limit, tol)
            pdx = dx
            pdy = dy
        if closed:
            i0 = idx[0]
            jn = join if corner[i0] else 1
            out, n = _join(out, n, points[i0, 0], points[i0, 1], pdx, pdy, fdx, fdy, hw, jn, miter_limit, tol)
        else:
            out, n = _cap(out, n, points[idx[0], 0], points[idx[0], 1], -fdx, -fdy, hw, cap, tol)
            out, n = _cap(out, n, points[idx[m - 1], 0], points[idx[m - 1], 1], pdx, pdy, hw, cap, tol)
    return out[:n].copy()
