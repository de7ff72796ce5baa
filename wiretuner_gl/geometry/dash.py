"""Dash kernel: cut rings into open dash polylines by a dash array and offset (SVG rules).

On a closed ring a dash running over the start point is joined with the first dash, as
Skia and resvg do. Output uses the ring layout of flatten.flatten_path; a ring whose
ring_closed is 2 was merged away and is skipped by the stroker. `dashes` must have an even
length and a positive sum (the Python wrapper normalises SVG's odd-length arrays).
"""

import math

import numpy as np
from numba import njit

from ._buffers import grow1, grow2


@njit(cache=True)
def _push(out, oc, n, x, y, c):
    out = grow2(out, n + 1)
    oc = grow1(oc, n + 1)
    out[n, 0] = x
    out[n, 1] = y
    oc[n] = c
    return out, oc, n + 1


@njit(cache=True)
def dash_rings(points, ring_start, ring_closed, corner, dashes, offset):
    total = 0.0
    for d in dashes:
        total += d
    nd = dashes.shape[0]
    out = np.empty((max(16, points.shape[0] * 2), 2))
    oc = np.empty(out.shape[0], dtype=np.uint8)
    ostart = np.empty(64, dtype=np.int64)
    oclosed = np.empty(64, dtype=np.uint8)
    n = 0
    nr = 0
    for r in range(ring_start.shape[0] - 1):
        a = ring_start[r]
        b = ring_start[r + 1]
        m = b - a
        if m == 0:
            continue
        closed = ring_closed[r] == 1
        phase = offset % total
        if phase < 0:
            phase += total
        di = 0
        while phase >= dashes[di]:
            phase -= dashes[di]
            di = (di + 1) % nd
        left = dashes[di] - phase
        on = di % 2 == 0
        starts_on = on
        first = nr
        toggles = 0
        if on:
            ostart = grow1(ostart, nr + 2)
            oclosed = grow1(oclosed, nr + 2)
            ostart[nr] = n
            oclosed[nr] = 0
            nr += 1
            out, oc, n = _push(out, oc, n, points[a, 0], points[a, 1], corner[a])
        nseg = m if closed else m - 1
        for s in range(nseg):
            i = a + s
            j = a + (s + 1) % m
            x0 = points[i, 0]
            y0 = points[i, 1]
            dx = points[j, 0] - x0
            dy = points[j, 1] - y0
            ln = math.sqrt(dx * dx + dy * dy)
            pos = 0.0
            guard = 0
            while ln - pos > left and guard < 10000000:
                guard += 1
                pos += left
                x = x0 + dx * pos / ln
                y = y0 + dy * pos / ln
                if on:
                    out, oc, n = _push(out, oc, n, x, y, 1)
                else:
                    ostart = grow1(ostart, nr + 2)
                    oclosed = grow1(oclosed, nr + 2)
                    ostart[nr] = n
                    oclosed[nr] = 0
                    nr += 1
                    out, oc, n = _push(out, oc, n, x, y, 1)
                on = not on
                toggles += 1
                di = (di + 1) % nd
                left = dashes[di]
            left -= ln - pos
            if on:
                out, oc, n = _push(out, oc, n, points[j, 0], points[j, 1], corner[j])
        if closed and on and starts_on:
            if toggles == 0:
                oclosed[first] = 1  # the whole ring is one dash: keep it closed
            elif nr - first >= 2:
                # the last dash runs over the start: continue it with the first dash
                f0 = ostart[first]
                f1 = ostart[first + 1]
                for q in range(f0 + 1, f1):
                    out, oc, n = _push(out, oc, n, out[q, 0], out[q, 1], oc[q])
                oclosed[first] = 2
    ostart = grow1(ostart, nr + 1)
    ostart[nr] = n
    return out[:n].copy(), ostart[: nr + 1].copy(), oclosed[:nr].copy(), oc[:n].copy()
