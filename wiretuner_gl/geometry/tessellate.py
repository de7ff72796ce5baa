"""Exact fill tessellation by slab decomposition (nonzero and evenodd, any self-intersections).

Why hand-written: mapbox-earcut triangulates simple polygons with holes only, and the robust
sweep tessellators (libtess, lyon) are not available for numba. This is the plain, robust
trapezoidation: cut the plane into horizontal slabs at every vertex y and at every edge
crossing, order the edges crossing each slab, walk the winding number left to right and emit
one trapezoid per inside span. Trapezoids in a slab share exact corner coordinates with their
neighbours (each corner is one edge evaluated at one slab y), so the mesh is watertight and
never overlaps itself: a translucent fill blends each pixel once.

Input: points (P, 2) and ring_start (R+1); every ring is implicitly closed.
rule: 0 nonzero, 1 evenodd. Output: triangles (3T, 2).
"""

import numpy as np
from numba import njit

from ._buffers import grow2


@njit(cache=True)
def _edges(points, ring_start, e):
    """Non-horizontal edges into scratch e (rows >= points): x_top, y_top, x_bot, y_bot, dir, dx/dy."""
    k = 0
    for r in range(ring_start.shape[0] - 1):
        a = ring_start[r]
        b = ring_start[r + 1]
        if b - a < 2:
            continue
        for i in range(a, b):
            j = i + 1 if i + 1 < b else a
            x0 = points[i, 0]
            y0 = points[i, 1]
            x1 = points[j, 0]
            y1 = points[j, 1]
            if y0 == y1 or not (np.isfinite(x0) and np.isfinite(y0) and np.isfinite(x1) and np.isfinite(y1)):
                continue
            if y0 < y1:
                e[k, 0] = x0
                e[k, 1] = y0
                e[k, 2] = x1
                e[k, 3] = y1
                e[k, 4] = 1.0
            else:
                e[k, 0] = x1
                e[k, 1] = y1
                e[k, 2] = x0
                e[k, 3] = y0
                e[k, 4] = -1.0
            e[k, 5] = (e[k, 2] - e[k, 0]) / (e[k, 3] - e[k, 1])
            k += 1
    return e[:k]


@njit(cache=True)
def _x_at(e, i, y):
    if y <= e[i, 1]:
        return e[i, 0]
    if y >= e[i, 3]:
        return e[i, 2]
    return e[i, 0] + (y - e[i, 1]) * e[i, 5]  # a multiply, not a divide, per evaluation


@njit(cache=True)
def _inside(w, rule):
    if rule == 1:
        return (w & 1) != 0
    return w != 0


@njit(cache=True)
def _unique_sorted(a):
    k = 0
    for i in range(a.shape[0]):
        if k == 0 or a[i] != a[k - 1]:
            a[k] = a[i]
            k += 1
    return a[:k]


@njit(cache=True)
def _emit(out, n, e, l, r, ya, xla, xra, yb):
    """The trapezoid between edges l and r from ya (corners xla, xra) down to yb; `out` has room."""
    xlb = _x_at(e, l, yb)
    xrb = _x_at(e, r, yb)
    if yb > ya and (xra > xla or xrb > xlb):
        if xra > xla:  # upper triangle (absent when the trapezoid's top is a point)
            out[n, 0] = xla
            out[n, 1] = ya
            out[n + 1, 0] = xra
            out[n + 1, 1] = ya
            out[n + 2, 0] = xrb
            out[n + 2, 1] = yb
            n += 3
            if xrb > xlb:
                out[n, 0] = xla
                out[n, 1] = ya
                out[n + 1, 0] = xrb
                out[n + 1, 1] = yb
                out[n + 2, 0] = xlb
                out[n + 2, 1] = yb
                n += 3
        else:
            out[n, 0] = xla
            out[n, 1] = ya
            out[n + 1, 0] = xrb
            out[n + 1, 1] = yb
            out[n + 2, 0] = xlb
            out[n + 2, 1] = yb
            n += 3
    return n


@njit(cache=True)
def tessellate_fill(points, ring_start, rule):
    out = np.empty((max(64, points.shape[0] * 3), 2))
    wi, wf, we = _work(points.shape[0])
    out, n = _tessellate_into(points, ring_start, rule, out, 0, wi, wf, we)
    return out[:n].copy()


@njit(cache=True)
def _work(npoints):
    """Scratch arrays for the sweep, allocated once per call however many fills it does."""
    m = max(npoints, 1)
    return np.empty((5, m), dtype=np.int64), np.empty((5, m)), np.empty((m, 6))


@njit(cache=True)
def tessellate_many(points, ring_start, ring_lo, ring_hi, rules):
    """Tessellate many fills in one call: fill p is rings ring_lo[p]:ring_hi[p] under rules[p].
    Returns (triangles, path_tri): fill p owns triangles[path_tri[p]:path_tri[p+1]]."""
    npaths = ring_lo.shape[0]
    out = np.empty((max(64, points.shape[0] * 3), 2))
    path_tri = np.empty(npaths + 1, dtype=np.int64)
    wi, wf, we = _work(points.shape[0])
    n = 0
    for p in range(npaths):
        path_tri[p] = n
        r0 = ring_lo[p]
        r1 = ring_hi[p]
        if r1 > r0:
            out, n = _tessellate_into(points, ring_start[r0 : r1 + 1], rules[p], out, n, wi, wf, we)
    path_tri[npaths] = n
    return out[:n].copy(), path_tri


@njit(cache=True)
def _tessellate_into(points, ring_start, rule, out, n, wi, wf, we):
    """Append the fill's trapezoids (as triangles) to out from row n; returns (out, n).
    wi, wf: scratch from _work, at least as long as the fill has points."""
    e = _edges(points, ring_start, we)
    ne = e.shape[0]
    if ne == 0:
        return out, n
    # numba's quicksort is several times faster than its mergesort; stability is not needed
    order = np.argsort(e[:, 1])
    scale = 1.0
    for i in range(ne):
        scale = max(scale, abs(e[i, 0]), abs(e[i, 1]), abs(e[i, 2]), abs(e[i, 3]))
    eps = scale * 1e-12
    active = wi[0]
    xt = wf[0]
    xb = wf[1]
    # open trapezoids, by left edge: right edge (-1: none), top y, top corners; merged
    # downwards while the same two edges bound a span, so a convex shape is a few triangles
    open_r = wi[1]
    seen = wi[2]
    lefts = wi[3]
    dirs = wi[4]
    for i in range(ne):
        open_r[i] = -1
        seen[i] = 0
        dirs[i] = 1 if e[i, 4] > 0 else -1
    open_y = wf[2]
    open_xl = wf[3]
    open_xr = wf[4]
    nl = 0
    stamp = 0
    na = 0
    nxt = 0
    y0 = e[order[0], 1]
    ya = y0
    # sweep from event to event: an edge starts or an active edge ends (no sorted list of ys)
    while True:
        # drop edges ending here, add edges starting here; the slab ends at the nearest end
        # of an active edge or start of the next one
        yb = np.inf
        k = 0
        for i in range(na):
            yend = e[active[i], 3]
            if yend > ya:
                active[k] = active[i]
                k += 1
                if yend < yb:
                    yb = yend
        na = k
        while nxt < ne and e[order[nxt], 1] <= ya:
            yend = e[order[nxt], 3]
            if yend > ya:
                active[na] = order[nxt]
                na += 1
                if yend < yb:
                    yb = yend
            nxt += 1
        if na == 0:
            # a gap (or the end): close what is open here, not after the gap
            out = grow2(out, n + 6 * (nl + 1))
            for i in range(nl):
                L = lefts[i]
                n = _emit(out, n, e, L, open_r[L], open_y[L], open_xl[L], open_xr[L], ya)
                open_r[L] = -1
            nl = 0
            if nxt >= ne:
                break
            ya = e[order[nxt], 1]
            continue
        if nxt < ne and e[order[nxt], 1] < yb:
            yb = e[order[nxt], 1]
        y0 = ya
        guard = 0
        while y0 < yb:
            guard += 1
            for i in range(na):
                xt[i] = _x_at(e, active[i], y0)
                xb[i] = _x_at(e, active[i], yb)
            # sort by x at y0, ties by x at yb (insertion sort: the order changes little)
            for i in range(1, na):
                a = active[i]
                t0 = xt[i]
                t1 = xb[i]
                j = i - 1
                while j >= 0 and (xt[j] > t0 or (xt[j] == t0 and xb[j] > t1)):
                    active[j + 1] = active[j]
                    xt[j + 1] = xt[j]
                    xb[j + 1] = xb[j]
                    j -= 1
                active[j + 1] = a
                xt[j + 1] = t0
                xb[j + 1] = t1
            # the first crossing inside the slab is between neighbours in this order
            y1 = yb
            if guard < 4 * na + 64:
                for i in range(na - 1):
                    d1 = xb[i] - xb[i + 1]
                    if d1 > eps:
                        d0 = xt[i] - xt[i + 1]
                        yc = y0 + (yb - y0) * (-d0) / (d1 - d0)
                        if yc < y1:
                            y1 = yc
                if y1 <= y0 + eps:
                    y1 = min(yb, y0 + max(eps, (yb - y0) * 1e-6))
            stamp += 1
            if n + 6 * (na + nl + 1) > out.shape[0]:
                out = grow2(out, n + 6 * (na + nl + 1))
            w = 0
            left = -1
            now = False
            for q in range(na):
                was = now
                w += dirs[active[q]]
                now = (w & 1) != 0 if rule == 1 else w != 0
                if now and not was:
                    left = q
                elif was and not now:
                    L = active[left]
                    R = active[q]
                    if open_r[L] != R:
                        if open_r[L] >= 0:
                            n = _emit(out, n, e, L, open_r[L], open_y[L], open_xl[L], open_xr[L], y0)
                        else:
                            lefts[nl] = L
                            nl += 1
                        open_r[L] = R
                        open_y[L] = y0
                        open_xl[L] = xt[left]
                        open_xr[L] = xt[q]
                    seen[L] = stamp
            # close trapezoids whose span did not continue into this sub-slab
            k = 0
            for i in range(nl):
                L = lefts[i]
                if seen[L] == stamp:
                    lefts[k] = L
                    k += 1
                else:
                    n = _emit(out, n, e, L, open_r[L], open_y[L], open_xl[L], open_xr[L], y0)
                    open_r[L] = -1
            nl = k
            y0 = y1
        ya = yb
    out = grow2(out, n + 6 * (nl + 1))
    for i in range(nl):
        L = lefts[i]
        n = _emit(out, n, e, L, open_r[L], open_y[L], open_xl[L], open_xr[L], y0)
    return out, n


@njit(cache=True)
def triangles_area(tris):
    """Total (unsigned) area of a triangle list; tests use it to check exactness."""
    a = 0.0
    for t in range(tris.shape[0] // 3):
        x0 = tris[3 * t, 0]
        y0 = tris[3 * t, 1]
        a += abs((tris[3 * t + 1, 0] - x0) * (tris[3 * t + 2, 1] - y0) - (tris[3 * t + 2, 0] - x0) * (tris[3 * t + 1, 1] - y0))
    return 0.5 * a
