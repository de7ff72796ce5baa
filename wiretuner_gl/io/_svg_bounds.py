"""Conservative bounds of imported nodes: control points (a Bézier lies in their hull) plus stroke.

Used to decide whether a clip removes anything: when the content's conservative box lies inside
an axis-aligned clip rectangle, dropping the clip is exact, and no warning is needed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..model.nodes import Group, Path, Shape
from ..model.shapes import geom_outline


@dataclass(frozen=True, slots=True)
class Bounds:
    x0: float
    y0: float
    x1: float
    y1: float

    def union(self, o: "Bounds") -> "Bounds":
        return Bounds(min(self.x0, o.x0), min(self.y0, o.y0), max(self.x1, o.x1), max(self.y1, o.y1))

    def contains(self, o: "Bounds", eps: float = 1e-6) -> bool:
        return o.x0 >= self.x0 - eps and o.y0 >= self.y0 - eps and o.x1 <= self.x1 + eps and o.y1 <= self.y1 + eps

    def intersects(self, o: "Bounds") -> bool:
        return o.x0 < self.x1 and o.x1 > self.x0 and o.y0 < self.y1 and o.y1 > self.y0

    def transformed(self, m) -> "Bounds":
        a, b, c, d, e, f = m
        xs, ys = [], []
        for x, y in ((self.x0, self.y0), (self.x1, self.y0), (self.x0, self.y1), (self.x1, self.y1)):
            xs.append(a * x + c * y + e)
            ys.append(b * x + d * y + f)
        return Bounds(min(xs), min(ys), max(xs), max(ys))


def points_bounds(pts) -> Bounds | None:
    xs = [p[0] for p in pts]
    ys = [p[1] for p in pts]
    if not xs:
        return None
    return Bounds(min(xs), min(ys), max(xs), max(ys))


def _outlines(node):
    """Each subpath as (anchors as (x, y, in_dx, in_dy, out_dx, out_dy), closed)."""
    if isinstance(node, Shape):
        yield geom_outline(node.geom)
    else:
        for sp in node.subpaths:
            yield [(a.x, a.y, a.in_x, a.in_y, a.out_x, a.out_y) for a in sp.anchors], sp.closed


def _cubic_extrema(p0, p1, p2, p3):
    """Parameter values in (0, 1) where one coordinate of the cubic has a turning point."""
    a = -p0 + 3 * p1 - 3 * p2 + p3
    b = 2 * (p0 - 2 * p1 + p2)
    c = p1 - p0
    if abs(a) < 1e-12:
        return [-c / b] if abs(b) > 1e-12 and 0 < -c / b < 1 else []
    disc = b * b - 4 * a * c
    if disc < 0:
        return []
    r = math.sqrt(disc)
    return [t for t in ((-b + r) / (2 * a), (-b - r) / (2 * a)) if 0 < t < 1]


def _tight_points(node):
    """Anchors plus each curve's extreme points: the exact box of the outline (tighter than the hull)."""
    for pts, closed in _outlines(node):
        segs = list(zip(pts, pts[1:])) + ([(pts[-1], pts[0])] if closed and len(pts) > 1 else [])
        for x, y, *_ in pts:
            yield x, y
        for a, b in segs:
            xs = (a[0], a[0] + a[4], b[0] + b[2], b[0])
            ys = (a[1], a[1] + a[5], b[1] + b[3], b[1])
            for t in _cubic_extrema(*xs) + _cubic_extrema(*ys):
                u = 1 - t
                w = (u * u * u, 3 * u * u * t, 3 * u * t * t, t * t * t)
                yield sum(k * v for k, v in zip(w, xs)), sum(k * v for k, v in zip(w, ys))


def _tangents(sp):
    """(incoming, outgoing) unit directions at each anchor (None where undefined)."""
    an = sp.anchors
    n = len(an)
    out = []
    for i, a in enumerate(an):
        prev = an[i - 1] if (i > 0 or sp.closed) else None
        nxt = an[(i + 1) % n] if (i < n - 1 or sp.closed) else None
        tin = tout = None
        if prev is not None:
            if a.in_x or a.in_y:
                tin = (-a.in_x, -a.in_y)
            else:  # a straight arrival: from the previous anchor (or its out-handle)
                tin = (a.x - (prev.x + prev.out_x), a.y - (prev.y + prev.out_y))
        if nxt is not None:
            dx, dy = (a.out_x, a.out_y) if (a.out_x or a.out_y) else (nxt.x + nxt.in_x - a.x, nxt.y + nxt.in_y - a.y)
            tout = (dx, dy)
        out.append((tin, tout))
    return out


def stroke_pad(subpaths, st) -> float:
    """How far a stroke can reach beyond the control points: half the width, more at miter joins
    (the real miter length at each corner, capped by the miter limit) and square caps."""
    half = st.width / 2
    pad = half * (math.sqrt(2) if st.cap == "square" else 1.0)
    if st.join != "miter":
        return pad
    for sp in subpaths:
        for tin, tout in _tangents(sp):
            if tin is None or tout is None:
                continue
            li, lo = math.hypot(*tin), math.hypot(*tout)
            if li == 0 or lo == 0:
                continue
            cos = (tin[0] * tout[0] + tin[1] * tout[1]) / (li * lo)
            # the angle between the two segments is pi - turn; miter ratio = 1 / sin(angle / 2)
            s = math.sqrt(max((1 + cos) / 2, 0.0))  # cos(turn/2) = sin(angle/2)
            ratio = 1 / s if s > 1e-12 else float("inf")
            if ratio <= st.miter_limit:
                pad = max(pad, half * ratio)
    return pad


def _hull_points(node):
    for pts, _closed in _outlines(node):
        for x, y, ix, iy, ox, oy in pts:
            yield x, y
            yield x + ix, y + iy
            yield x + ox, y + oy


def node_bounds(node, tree, tight: bool = True) -> Bounds | None:
    """Bounds in the parent's space (the node's transform applied); None for an empty group.
    tree: anything with `.children` (id -> [ids]) and `.nodes` (id -> node)."""
    if not node.visible:
        return None
    if isinstance(node, Group):
        b = None
        for c in tree.children.get(node.id, ()):
            cb = node_bounds(tree.nodes[c], tree, tight)
            if cb is not None:
                b = cb if b is None else b.union(cb)
        return b.transformed(node.transform) if b is not None else None
    if isinstance(node, (Path, Shape)):
        b = points_bounds(list(_tight_points(node)) if tight else list(_hull_points(node)))
        if b is None:
            return None
        st = node.style.stroke
        if st is not None:
            if isinstance(node, Shape):
                pad = st.width / 2 * max(st.miter_limit if st.join == "miter" else 1.0, math.sqrt(2) if st.cap == "square" else 1.0)
            else:
                pad = stroke_pad(node.subpaths, st)
            b = Bounds(b.x0 - pad, b.y0 - pad, b.x1 + pad, b.y1 + pad)
        return b.transformed(node.transform)
    return None
