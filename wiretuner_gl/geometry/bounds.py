"""Bounds kernels: exact bounds of cubic paths (curve extrema, not control points) and of points."""

import math

import numpy as np
from numba import njit


@njit(cache=True)
def _extend_axis(p0, p1, p2, p3, lo, hi):
    # roots of the derivative: a t^2 + b t + c = 0
    a = -p0 + 3 * p1 - 3 * p2 + p3
    b = 2 * (p0 - 2 * p1 + p2)
    c = p1 - p0
    ts = np.empty(2)
    k = 0
    if abs(a) < 1e-12:
        if abs(b) > 1e-12:
            ts[0] = -c / b
            k = 1
    else:
        disc = b * b - 4 * a * c
        if disc >= 0:
            sq = math.sqrt(disc)
            ts[0] = (-b + sq) / (2 * a)
            ts[1] = (-b - sq) / (2 * a)
            k = 2
    for i in range(k):
        t = ts[i]
        if 0 < t < 1:
            u = 1 - t
            v = u * u * u * p0 + 3 * u * u * t * p1 + 3 * u * t * t * p2 + t * t * t * p3
            lo = min(lo, v)
            hi = max(hi, v)
    return lo, hi


@njit(cache=True)
def path_bounds(anchors, sub_start, closed):
    """(x0, y0, x1, y1) of the curve itself; inf/-inf when there are no anchors."""
    out = np.array([math.inf, math.inf, -math.inf, -math.inf])
    for s in range(closed.shape[0]):
        a0 = sub_start[s]
        m = sub_start[s + 1] - a0
        for i in range(a0, a0 + m):
            out[0] = min(out[0], anchors[i, 0])
            out[1] = min(out[1], anchors[i, 1])
            out[2] = max(out[2], anchors[i, 0])
            out[3] = max(out[3], anchors[i, 1])
        if m < 2:
            continue
        nseg = m if closed[s] else m - 1
        for i in range(nseg):
            a = a0 + i
            b = a0 + (i + 1) % m
            out[0], out[2] = _extend_axis(anchors[a, 0], anchors[a, 0] + anchors[a, 4], anchors[b, 0] + anchors[b, 2], anchors[b, 0], out[0], out[2])
            out[1], out[3] = _extend_axis(anchors[a, 1], anchors[a, 1] + anchors[a, 5], anchors[b, 1] + anchors[b, 3], anchors[b, 1], out[1], out[3])
    return out


@njit(cache=True)
def points_bounds(points):
    out = np.array([math.inf, math.inf, -math.inf, -math.inf])
    for i in range(points.shape[0]):
        out[0] = min(out[0], points[i, 0])
        out[1] = min(out[1], points[i, 1])
        out[2] = max(out[2], points[i, 0])
        out[3] = max(out[3], points[i, 1])
    return out
