"""Nearest point on a cubic path (pen and direct selection): coarse samples, then Newton steps."""

import math

import numpy as np
from numba import njit


@njit(cache=True)
def _bez(x0, x1, x2, x3, t):
    u = 1.0 - t
    return u * u * u * x0 + 3 * u * u * t * x1 + 3 * u * t * t * x2 + t * t * t * x3


@njit(cache=True)
def _dbez(x0, x1, x2, x3, t):
    u = 1.0 - t
    return 3 * u * u * (x1 - x0) + 6 * u * t * (x2 - x1) + 3 * t * t * (x3 - x2)


@njit(cache=True)
def _ddbez(x0, x1, x2, x3, t):
    return 6 * (1.0 - t) * (x2 - 2 * x1 + x0) + 6 * t * (x3 - 2 * x2 + x1)


@njit(cache=True)
def _set(best, s, i, t, x, y, d):
    best[0] = s
    best[1] = i
    best[2] = t
    best[3] = x
    best[4] = y
    best[5] = d


@njit(cache=True)
def nearest_on_path(anchors, sub_start, closed, x, y):
    """(subpath, segment, t, px, py, distance) of the point nearest (x, y).

    Segment i of a subpath runs from its anchor i to anchor i+1 (the last one back to anchor 0
    when closed). A subpath of a single anchor reports segment 0, t 0.
    """
    best = np.array([-1.0, -1.0, 0.0, 0.0, 0.0, math.inf])
    for s in range(closed.shape[0]):
        a0 = sub_start[s]
        m = sub_start[s + 1] - a0
        if m == 0:
            continue
        if m == 1:
            d = math.hypot(anchors[a0, 0] - x, anchors[a0, 1] - y)
            if d < best[5]:
                _set(best, s, 0, 0.0, anchors[a0, 0], anchors[a0, 1], d)
            continue
        nseg = m if closed[s] else m - 1
        for i in range(nseg):
            a = a0 + i
            b = a0 + (i + 1) % m
            px = (anchors[a, 0], anchors[a, 0] + anchors[a, 4], anchors[b, 0] + anchors[b, 2], anchors[b, 0])
            py = (anchors[a, 1], anchors[a, 1] + anchors[a, 5], anchors[b, 1] + anchors[b, 3], anchors[b, 1])
            bt = 0.0
            bd = math.inf
            for k in range(17):
                t = k / 16.0
                d = (_bez(px[0], px[1], px[2], px[3], t) - x) ** 2 + (_bez(py[0], py[1], py[2], py[3], t) - y) ** 2
                if d < bd:
                    bd = d
                    bt = t
            t = bt
            for _ in range(8):
                ex = _bez(px[0], px[1], px[2], px[3], t) - x
                ey = _bez(py[0], py[1], py[2], py[3], t) - y
                dx = _dbez(px[0], px[1], px[2], px[3], t)
                dy = _dbez(py[0], py[1], py[2], py[3], t)
                f = ex * dx + ey * dy
                df = dx * dx + dy * dy + ex * _ddbez(px[0], px[1], px[2], px[3], t) + ey * _ddbez(py[0], py[1], py[2], py[3], t)
                if df == 0:
                    break
                t = min(1.0, max(0.0, t - f / df))
            qx = _bez(px[0], px[1], px[2], px[3], t)
            qy = _bez(py[0], py[1], py[2], py[3], t)
            d = math.hypot(qx - x, qy - y)
            if d > math.sqrt(bd):
                t = bt
                qx = _bez(px[0], px[1], px[2], px[3], t)
                qy = _bez(py[0], py[1], py[2], py[3], t)
                d = math.sqrt(bd)
            if d < best[5]:
                _set(best, s, i, t, qx, qy, d)
    return best
