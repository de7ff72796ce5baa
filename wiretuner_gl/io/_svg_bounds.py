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


def _control_points(node):
    if isinstance(node, Shape):
        outline, _ = geom_outline(node.geom)
        for x, y, ix, iy, ox, oy in outline:
            yield x, y
            yield x + ix, y + iy
            yield x + ox, y + oy
    else:
        for sp in node.subpaths:
            for a in sp.anchors:
                yield a.x, a.y
                yield a.x + a.in_x, a.y + a.in_y
                yield a.x + a.out_x, a.y + a.out_y


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


def node_bounds(node, tree) -> Bounds | None:
    """Bounds in the parent's space (the node's transform applied); None for an empty group.
    tree: anything with `.children` (id -> [ids]) and `.nodes` (id -> node)."""
    if not node.visible:
        return None
    if isinstance(node, Group):
        b = None
        for c in tree.children.get(node.id, ()):
            cb = node_bounds(tree.nodes[c], tree)
            if cb is not None:
                b = cb if b is None else b.union(cb)
        return b.transformed(node.transform) if b is not None else None
    if isinstance(node, (Path, Shape)):
        b = points_bounds(list(_control_points(node)))
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
