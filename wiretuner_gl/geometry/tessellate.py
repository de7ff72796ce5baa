"""Exact fill tessellation by slab decomposition (nonzero and evenodd, any self-intersections).

Why hand-written: mapbox-earcut triangulates simple polygons with holes only, and the robust
sweep tessellators (libtess, lyon) are not available for numba. This is the plain, robust
trapezoidation: cut the plane into horizontal slabs at every vertex y and at every edge
crossing, order the edges crossing each slab, walk the winding number left to right and emit
one trapezoid per inside span. Trapezoids share exact corner coordinates with their
neighbours (each corner is one edge evaluated at one slab y, or the edge's own end point), so
the mesh never overlaps itself: a translucent fill blends each pixel once.

The sweep runs over monotone chains (runs of edges going the same way in y), so only chain
ends need sorting, and it is incremental: at a vertex where a chain just moves on to its next
edge (most vertices) only the trapezoids beside that chain are cut and only its two neighbour
pairs are tested for a crossing; the active list is re-sorted and the winding re-walked only
where a chain starts or ends or two chains cross.

Why one long kernel with scalar helpers: every numba call that passes an array, and every row
view, costs atomic reference counting (about as much as the whole work of a vertex here), so
the sweep keeps its state in two scratch tables indexed in place and queues the trapezoids it
cuts, writing them out at one place per event.

Input: points (P, 2) and ring_start (R+1); every ring is implicitly closed.
rule: 0 nonzero, 1 evenodd. Output: triangles (3T, 2).
"""

import numpy as np
from numba import njit

from ._buffers import grow2

# rows of the integer scratch, per chain unless noted
_CS = 0  # first vertex of the chain in the vertex table
_CE = 1  # its last vertex
_DIR = 2  # +1 when the ring runs down along it, -1 up
_ORDER = 3  # per rank: chains by top y
_CUR = 4  # its current edge (edge k runs from vertex k to k + 1)
_ACT = 5  # per slot: the active chains, left to right
_ADV = 6  # per slot: slots whose chain moved to its next edge at this event
_RSPAN = 7  # the left chain of the span this chain bounds on the right, or -1
_TR_R = 8  # the open trapezoid with this chain on its left: its right chain, or -1
_TR_KL = 9  # ... its left and right edges
_TR_KR = 10
_LEFTS = 11  # per index: chains with an open trapezoid
_SEEN = 12
_NB = 13  # the right neighbour its crossing _PYC was found with (-1: none), and the two edges
_PKL = 14
_PKR = 15
_NI = 16
# rows of the float scratch, per chain unless noted
_CTOP = 0  # top y of the chain
_EYB = 1  # bottom y of its current edge
_XT = 2  # per slot: x at the event
_XS = 3  # per slot: dx/dy there
_PYC = 4  # where the chain crosses its right neighbour _NB (inf: not within their edges)
_TR_Y = 5  # open trapezoid: top y and top corners
_TR_XL = 6
_TR_XR = 7
_NF = 8


@njit(cache=True)
def _work(npoints):
    """Scratch for the sweep, allocated once per call however many fills it does: integer and
    float tables per chain, the vertex table (x, y, dx/dy) and the queue of cut trapezoids."""
    m = max(npoints, 1) + 2
    return (
        np.empty((_NI, m), dtype=np.int64),
        np.empty((_NF, m)),
        np.empty((3, 2 * m)),
        np.empty((2, 2 * m), dtype=np.int64),
        np.empty((4, 2 * m)),
    )


@njit(cache=True)
def _sign(x0, y0, x1, y1):
    """+1 if the edge goes down (y grows), -1 up, 0 horizontal or not finite."""
    if not (np.isfinite(x0) and np.isfinite(y0) and np.isfinite(x1) and np.isfinite(y1)):
        return 0
    if y1 > y0:
        return 1
    if y1 < y0:
        return -1
    return 0


@njit(cache=True)
def _lerp(x0, y0, x1, y1, s, y):
    """x of the edge (x0, y0)-(x1, y1) with dx/dy s at y; its exact end points at and beyond its ends."""
    if y <= y0:
        return x0
    if y >= y1:
        return x1
    return x0 + (y - y0) * s  # a multiply, not a divide, per evaluation


@njit(cache=True)
def _cross(ax0, ay0, ax1, ay1, sa, bx0, by0, bx1, by1, sb, y, eps):
    """Where edge b (right of edge a at y) crosses to the left of a, within both edges; inf if not."""
    ymax = min(ay1, by1)
    d1 = _lerp(bx0, by0, bx1, by1, sb, ymax) - _lerp(ax0, ay0, ax1, ay1, sa, ymax)
    if d1 >= -eps:
        return np.inf
    d0 = _lerp(bx0, by0, bx1, by1, sb, y) - _lerp(ax0, ay0, ax1, ay1, sa, y)
    yc = y + (ymax - y) * d0 / (d0 - d1) if d0 > 0 else y
    if yc <= y + eps:
        yc = min(ymax, y + max(eps, (ymax - y) * 1e-6))
    return yc


@njit(cache=True)
def _inside(w, rule):
    if rule == 1:
        return (w & 1) != 0
    return w != 0


@njit(cache=True)
def tessellate_fill(points, ring_start, rule):
    lo = np.zeros(1, dtype=np.int64)
    hi = np.empty(1, dtype=np.int64)
    hi[0] = ring_start.shape[0] - 1
    rules = np.empty(1, dtype=np.int64)
    rules[0] = rule
    return tessellate_many(points, ring_start, lo, hi, rules)[0]


@njit(cache=True)
def tessellate_many(points, ring_start, ring_lo, ring_hi, rules):
    """Tessellate many fills in one call: fill p is rings ring_lo[p]:ring_hi[p] under rules[p].
    Returns (triangles, path_tri): fill p owns triangles[path_tri[p]:path_tri[p+1]]."""
    # about 4-6 triangle corners per point in practice: room for 6, so it rarely grows
    out = np.empty((points.shape[0] * 6 + 64, 2))
    path_tri = np.empty(ring_lo.shape[0] + 1, dtype=np.int64)
    wi, wf, v, qi, qf = _work(points.shape[0])
    n, p = _sweep(points, ring_start, ring_lo, ring_hi, rules, out, path_tri, 0, wi, wf, v, qi, qf)
    while p < ring_lo.shape[0]:  # out of room: grow (here, not in the sweep's loop) and redo fill p
        out = grow2(out, 4 * out.shape[0])
        n, p = _sweep(points, ring_start, ring_lo, ring_hi, rules, out, path_tri, p, wi, wf, v, qi, qf)
    if 2 * n < out.shape[0]:  # trim a mostly unused buffer; else hand back the rows in place
        return out[:n].copy(), path_tri
    return out[:n], path_tri


@njit(cache=True)
def _watch(wi, wf, v, c, r, e, o, y, eps):
    """Chain c's right neighbour is r, over edges e (c's) and o (r's): remember the pair and where
    below y their edges first cross (kept while the pair and its edges stay the same)."""
    wi[_NB, c] = r
    wi[_PKL, c] = e
    wi[_PKR, c] = o
    wf[_PYC, c] = _cross(
        v[0, e], v[1, e], v[0, e + 1], v[1, e + 1], v[2, e],
        v[0, o], v[1, o], v[0, o + 1], v[1, o + 1], v[2, o], y, eps,
    )  # fmt: skip


@njit(cache=True)
def _emit(wi, wf, qi, qf, nq, L, y):
    """Queue the open trapezoid of the span whose left edge is L, closed at y; the new count."""
    qi[0, nq] = wi[_TR_KL, L]
    qi[1, nq] = wi[_TR_KR, L]
    qf[0, nq] = wf[_TR_Y, L]
    qf[1, nq] = wf[_TR_XL, L]
    qf[2, nq] = wf[_TR_XR, L]
    qf[3, nq] = y
    return nq + 1


@njit(cache=True)
def _sweep(points, ring_start, ring_lo, ring_hi, rules, out, path_tri, p0, wi, wf, v, qi, qf):
    """The trapezoids (as triangles) of fills p0... into out. Returns (rows used, p): p is the
    fill count when all are done, else the fill that ran out of room (its rows not kept).
    out is never reallocated here: in numba an array rebound in a loop costs atomic reference
    counting at every turn."""
    npaths = ring_lo.shape[0]
    n = path_tri[p0] if p0 > 0 else 0
    for p in range(p0, npaths):
        path_tri[p] = n
        rule = rules[p]
        # monotone chains, each top to bottom in the vertex table, with dx/dy per edge
        nc = 0
        nv = 0
        scale = 1.0
        for r in range(ring_lo[p], ring_hi[p]):
            a = ring_start[r]
            m = ring_start[r + 1] - a
            if m < 2:
                continue
            # start at an edge where the direction changes, so no chain wraps around the ring end
            i0 = -1
            prev = _sign(points[a + m - 1, 0], points[a + m - 1, 1], points[a, 0], points[a, 1])
            for i in range(m):
                j = a + i + 1 if i + 1 < m else a
                s = _sign(points[a + i, 0], points[a + i, 1], points[j, 0], points[j, 1])
                if s != 0 and s != prev:
                    i0 = i
                    break
                prev = s
            if i0 < 0:
                continue
            run = 0
            for t in range(m + 1):
                i = i0 + t
                if i >= m:
                    i -= m
                j = i + 1 if i + 1 < m else 0
                s = 0
                if t < m:
                    s = _sign(points[a + i, 0], points[a + i, 1], points[a + j, 0], points[a + j, 1])
                if s != run:
                    if run != 0:  # finish the chain: top to bottom, slopes, top y
                        c0 = wi[_CS, nc]
                        if run < 0:
                            lo = c0
                            hi = nv - 1
                            while lo < hi:
                                tx = v[0, lo]
                                ty = v[1, lo]
                                v[0, lo] = v[0, hi]
                                v[1, lo] = v[1, hi]
                                v[0, hi] = tx
                                v[1, hi] = ty
                                lo += 1
                                hi -= 1
                        for k in range(c0, nv - 1):
                            v[2, k] = (v[0, k + 1] - v[0, k]) / (v[1, k + 1] - v[1, k])
                        wi[_CE, nc] = nv - 1
                        wi[_DIR, nc] = run
                        wf[_CTOP, nc] = v[1, c0]
                        nc += 1
                    if s != 0:
                        wi[_CS, nc] = nv
                        v[0, nv] = points[a + i, 0]
                        v[1, nv] = points[a + i, 1]
                        scale = max(scale, abs(v[0, nv]), abs(v[1, nv]))
                        nv += 1
                    run = s
                if s != 0:
                    v[0, nv] = points[a + j, 0]
                    v[1, nv] = points[a + j, 1]
                    scale = max(scale, abs(v[0, nv]), abs(v[1, nv]))
                    nv += 1
        if nc == 0:
            continue
        eps = scale * 1e-12
        tie = scale * 1e-14  # x this close at an event: a tie (rounding of a crossing's y)
        # chains by top y: insertion sort when few, else a heapsort written out here (np.argsort
        # allocates and its recursive calls pass arrays); stability is not needed
        if nc > 24:
            for i in range(nc):
                wi[_ORDER, i] = i
            end = nc
            start = nc // 2
            while end > 1:
                if start > 0:  # heapify
                    start -= 1
                    root = start
                else:  # move the largest to the end
                    end -= 1
                    c = wi[_ORDER, end]
                    wi[_ORDER, end] = wi[_ORDER, 0]
                    wi[_ORDER, 0] = c
                    root = 0
                while True:  # sift down
                    child = 2 * root + 1
                    if child >= end:
                        break
                    if child + 1 < end and wf[_CTOP, wi[_ORDER, child + 1]] > wf[_CTOP, wi[_ORDER, child]]:
                        child += 1
                    if wf[_CTOP, wi[_ORDER, root]] < wf[_CTOP, wi[_ORDER, child]]:
                        c = wi[_ORDER, root]
                        wi[_ORDER, root] = wi[_ORDER, child]
                        wi[_ORDER, child] = c
                        root = child
                    else:
                        break
        else:
            for i in range(nc):
                t0 = wf[_CTOP, i]
                j = i - 1
                while j >= 0 and wf[_CTOP, wi[_ORDER, j]] > t0:
                    wi[_ORDER, j + 1] = wi[_ORDER, j]
                    j -= 1
                wi[_ORDER, j + 1] = i
        for c in range(nc):
            wi[_TR_R, c] = -1
            wi[_RSPAN, c] = -1
            wi[_SEEN, c] = 0
            wi[_NB, c] = -1
        # open trapezoids live by the chain on their left (right chain, both edges, top y and
        # corners), merged downwards while the same two edges bound a span
        nl = 0
        stamp = 0
        na = 0
        nxt = 0
        guard = 0
        crossing = False
        done = False
        nq = 0
        y = wf[_CTOP, wi[_ORDER, 0]]
        while True:
            # write out the trapezoids cut at the last event
            if nq > 0:
                if n + 6 * nq > out.shape[0]:
                    return path_tri[p], p
                for q in range(nq):
                    kl = qi[0, q]
                    kr = qi[1, q]
                    ya = qf[0, q]
                    xla = qf[1, q]
                    xra = qf[2, q]
                    yb = qf[3, q]
                    xlb = _lerp(v[0, kl], v[1, kl], v[0, kl + 1], v[1, kl + 1], v[2, kl], yb)
                    xrb = _lerp(v[0, kr], v[1, kr], v[0, kr + 1], v[1, kr + 1], v[2, kr], yb)
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
                nq = 0
            if done:
                break
            # chains whose edge ends here move on to their next edge (or leave), new ones join
            full = crossing
            nadv = 0
            k = 0
            for i in range(na):
                c = wi[_ACT, i]
                if wf[_EYB, c] <= y:
                    e = wi[_CUR, c] + 1
                    if e >= wi[_CE, c]:
                        full = True
                        continue
                    wi[_CUR, c] = e
                    wf[_EYB, c] = v[1, e + 1]
                    wi[_ADV, nadv] = k
                    nadv += 1
                wi[_ACT, k] = c
                k += 1
            na = k
            while nxt < nc and wf[_CTOP, wi[_ORDER, nxt]] <= y:
                c = wi[_ORDER, nxt]
                nxt += 1
                e = wi[_CS, c]
                wi[_CUR, c] = e
                wf[_EYB, c] = v[1, e + 1]
                wi[_ACT, na] = c
                na += 1
                full = True
            if not crossing:
                guard = 0
            if na == 0:
                # a gap (or the end): close what is open here, not after the gap
                for i in range(nl):
                    L = wi[_LEFTS, i]
                    nq = _emit(wi, wf, qi, qf, nq, L, y)
                    wi[_TR_R, L] = -1
                nl = 0
                crossing = False
                if nxt >= nc:
                    done = True
                else:
                    y = wf[_CTOP, wi[_ORDER, nxt]]
                continue
            if not full:
                # are the moved chains still in order with their neighbours? (ties: by slope,
                # as in the sort below)
                for jj in range(nadv):
                    i = wi[_ADV, jj]
                    e = wi[_CUR, wi[_ACT, i]]
                    x = v[0, e]
                    s = v[2, e]
                    if i > 0:
                        o = wi[_CUR, wi[_ACT, i - 1]]
                        xo = _lerp(v[0, o], v[1, o], v[0, o + 1], v[1, o + 1], v[2, o], y)
                        if xo > x + tie or (xo >= x - tie and v[2, o] > s):
                            full = True
                            break
                    if i + 1 < na:
                        o = wi[_CUR, wi[_ACT, i + 1]]
                        xo = _lerp(v[0, o], v[1, o], v[0, o + 1], v[1, o + 1], v[2, o], y)
                        if xo < x - tie or (xo <= x + tie and v[2, o] < s):
                            full = True
                            break
            if full:
                # order the active chains at y; x within a few ulps counts as a tie, ordered by
                # slope (their order just below y), so a crossing pair swaps at its crossing
                # event rather than a step later, whichever way its x were rounded
                for i in range(na):
                    e = wi[_CUR, wi[_ACT, i]]
                    wf[_XT, i] = _lerp(v[0, e], v[1, e], v[0, e + 1], v[1, e + 1], v[2, e], y)
                    wf[_XS, i] = v[2, e]
                for i in range(1, na):
                    c = wi[_ACT, i]
                    t0 = wf[_XT, i]
                    t1 = wf[_XS, i]
                    j = i - 1
                    while j >= 0 and (wf[_XT, j] > t0 + tie or (wf[_XT, j] >= t0 - tie and wf[_XS, j] > t1)):
                        wi[_ACT, j + 1] = wi[_ACT, j]
                        wf[_XT, j + 1] = wf[_XT, j]
                        wf[_XS, j + 1] = wf[_XS, j]
                        j -= 1
                    wi[_ACT, j + 1] = c
                    wf[_XT, j + 1] = t0
                    wf[_XS, j + 1] = t1
                for i in range(na):
                    wi[_RSPAN, wi[_ACT, i]] = -1
                stamp += 1
                # walk the winding number; a span whose two edges continue keeps its trapezoid
                w = 0
                left = -1
                now = False
                for q in range(na):
                    was = now
                    w += wi[_DIR, wi[_ACT, q]]
                    now = (w & 1) != 0 if rule == 1 else w != 0
                    if now and not was:
                        left = q
                    elif was and not now:
                        L = wi[_ACT, left]
                        R = wi[_ACT, q]
                        kl = wi[_CUR, L]
                        kr = wi[_CUR, R]
                        if wi[_TR_R, L] != R or wi[_TR_KL, L] != kl or wi[_TR_KR, L] != kr:
                            if wi[_TR_R, L] >= 0:
                                nq = _emit(wi, wf, qi, qf, nq, L, y)
                            else:
                                wi[_LEFTS, nl] = L
                                nl += 1
                            wi[_TR_R, L] = R
                            wi[_TR_KL, L] = kl
                            wi[_TR_KR, L] = kr
                            wf[_TR_Y, L] = y
                            wf[_TR_XL, L] = wf[_XT, left]
                            wf[_TR_XR, L] = wf[_XT, q]
                        wi[_SEEN, L] = stamp
                        wi[_RSPAN, R] = L
                # close trapezoids whose span did not continue below y
                k = 0
                for i in range(nl):
                    L = wi[_LEFTS, i]
                    if wi[_SEEN, L] == stamp:
                        wi[_LEFTS, k] = L
                        k += 1
                    else:
                        nq = _emit(wi, wf, qi, qf, nq, L, y)
                        wi[_TR_R, L] = -1
                nl = k
                # crossings of neighbour pairs: kept while the pair and its edges are the same
                for i in range(na - 1):
                    c = wi[_ACT, i]
                    r = wi[_ACT, i + 1]
                    e = wi[_CUR, c]
                    o = wi[_CUR, r]
                    if wi[_NB, c] != r or wi[_PKL, c] != e or wi[_PKR, c] != o or wf[_PYC, c] <= y:
                        _watch(wi, wf, v, c, r, e, o, y, eps)
            else:
                # the same spans continue: cut only the trapezoids beside the moved chains
                for jj in range(nadv):
                    i = wi[_ADV, jj]
                    c = wi[_ACT, i]
                    for side in range(2):
                        L = c if side == 0 else wi[_RSPAN, c]
                        if L < 0 or wi[_TR_R, L] < 0:
                            continue
                        kl = wi[_CUR, L]
                        kr = wi[_CUR, wi[_TR_R, L]]
                        if wi[_TR_KL, L] != kl or wi[_TR_KR, L] != kr:
                            nq = _emit(wi, wf, qi, qf, nq, L, y)
                            wi[_TR_KL, L] = kl
                            wi[_TR_KR, L] = kr
                            wf[_TR_Y, L] = y
                            wf[_TR_XL, L] = _lerp(v[0, kl], v[1, kl], v[0, kl + 1], v[1, kl + 1], v[2, kl], y)
                            wf[_TR_XR, L] = _lerp(v[0, kr], v[1, kr], v[0, kr + 1], v[1, kr + 1], v[2, kr], y)
                    e = wi[_CUR, c]
                    if i > 0:
                        L = wi[_ACT, i - 1]
                        o = wi[_CUR, L]
                        _watch(wi, wf, v, L, c, o, e, y, eps)
                    if i + 1 < na:
                        R = wi[_ACT, i + 1]
                        o = wi[_CUR, R]
                        _watch(wi, wf, v, c, R, e, o, y, eps)
            # the next event: an edge end, a chain start or the first crossing of neighbours
            yn = np.inf
            for i in range(na):
                t0 = wf[_EYB, wi[_ACT, i]]
                if t0 < yn:
                    yn = t0
            if nxt < nc and wf[_CTOP, wi[_ORDER, nxt]] < yn:
                yn = wf[_CTOP, wi[_ORDER, nxt]]
            crossing = False
            guard += 1
            if guard < 4 * na + 64:
                for i in range(na - 1):
                    t0 = wf[_PYC, wi[_ACT, i]]
                    if t0 <= yn:
                        yn = t0
                        crossing = True
            else:
                # too many crossing steps in a row (near-parallel edges): treat the rest of
                # this slab as crossing-free, then re-sort at its end
                crossing = True
                guard = 0
                for i in range(na - 1):
                    wf[_PYC, wi[_ACT, i]] = np.inf
                    wi[_NB, wi[_ACT, i]] = -1  # found again at the next event
            y = yn
    path_tri[npaths] = n
    return n, npaths


@njit(cache=True)
def triangles_area(tris):
    """Total (unsigned) area of a triangle list; tests use it to check exactness."""
    a = 0.0
    for t in range(tris.shape[0] // 3):
        x0 = tris[3 * t, 0]
        y0 = tris[3 * t, 1]
        a += abs((tris[3 * t + 1, 0] - x0) * (tris[3 * t + 2, 1] - y0) - (tris[3 * t + 2, 0] - x0) * (tris[3 * t + 1, 1] - y0))
    return 0.5 * a
