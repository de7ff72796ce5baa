"""Geometry the tools need: hit testing, bounds, marquee and nearest point come from the numba
kernels in wiretuner_gl.geometry (geometry.query); what stays here is tool-side glue (which
object a click selects, editability, paint order) and the small curve helpers overlays and
anchor insertion use (outline, segments, de Casteljau split, display flattening).
Coordinates: object geometry is local; `world_transform` composes group transforms down the tree.
"""

from __future__ import annotations

import math
from typing import Iterable

from ..geometry import query as Q
from ..model.document import Document
from ..model.nodes import Anchor, Group, Layer, Path, Shape
from ..model.shapes import geom_outline
from ..model.values import IDENTITY, Transform, apply, compose

Rect = tuple[float, float, float, float]  # x0, y0, x1, y1
Seg = tuple[tuple[float, float], tuple[float, float], tuple[float, float], tuple[float, float]]


def world_transform(doc: Document, obj_id: str) -> Transform:
    """The transform from an object's local space to document space (its own transform included)."""
    chain = []
    node = doc.objects.get(obj_id)
    while node is not None and not isinstance(node, Layer):
        chain.append(node.transform)
        node = doc.objects.get(node.parent)
    m = IDENTITY
    for t in reversed(chain):
        m = compose(m, t)
    return m


def parent_transform(doc: Document, obj_id: str) -> Transform:
    node = doc.objects.get(obj_id)
    return world_transform(doc, node.parent) if node is not None and node.parent in doc.objects else IDENTITY


def outline(node) -> list[tuple[list[tuple[float, ...]], bool]]:
    """[(anchors as (x, y, in_dx, in_dy, out_dx, out_dy), closed)] of a path or shape, local space."""
    if isinstance(node, Path):
        return [([(a.x, a.y, a.in_x, a.in_y, a.out_x, a.out_y) for a in sp.anchors], sp.closed) for sp in node.subpaths]
    if isinstance(node, Shape):
        pts, closed = geom_outline(node.geom)
        return [(pts, closed)]
    return []


def segments(anchors, closed: bool) -> list[Seg]:
    out = []
    n = len(anchors)
    for i in range(n if closed else n - 1):
        a, b = anchors[i], anchors[(i + 1) % n]
        out.append(((a[0], a[1]), (a[0] + a[4], a[1] + a[5]), (b[0] + b[2], b[1] + b[3]), (b[0], b[1])))
    return out


def cubic_point(s: Seg, t: float) -> tuple[float, float]:
    u = 1 - t
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = s
    return (
        u * u * u * x0 + 3 * u * u * t * x1 + 3 * u * t * t * x2 + t * t * t * x3,
        u * u * u * y0 + 3 * u * u * t * y1 + 3 * u * t * t * y2 + t * t * t * y3,
    )


def split_cubic(s: Seg, t: float) -> tuple[Seg, Seg]:
    """de Casteljau: the two halves of a cubic at t."""
    p0, p1, p2, p3 = s

    def lerp(a, b):
        return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)

    a, b, c = lerp(p0, p1), lerp(p1, p2), lerp(p2, p3)
    d, e = lerp(a, b), lerp(b, c)
    f = lerp(d, e)
    return (p0, a, d, f), (f, e, c, p3)


def _steps(s: Seg, tol: float) -> int:
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = s
    if x0 == x1 and y0 == y1 and x2 == x3 and y2 == y3:
        return 1
    # Wang's bound on the second difference
    dd = max(math.hypot(x0 - 2 * x1 + x2, y0 - 2 * y1 + y2), math.hypot(x1 - 2 * x2 + x3, y1 - 2 * y2 + y3))
    return max(1, min(64, math.ceil(math.sqrt(6 * dd / (8 * max(tol, 1e-9))))))


def flatten(node, m: Transform, tol: float = 0.25) -> list[tuple[list[tuple[float, float]], bool]]:
    """Polylines (document space) of a path or shape under transform m."""
    out = []
    scale_ = math.sqrt(abs(m[0] * m[3] - m[1] * m[2])) or 1.0
    for anchors, closed in outline(node):
        if not anchors:
            continue
        pts = [apply(m, anchors[0][0], anchors[0][1])]
        for s in segments(anchors, closed):
            n = _steps(s, tol / scale_)
            for i in range(1, n + 1):
                pts.append(apply(m, *cubic_point(s, i / n)))
        out.append((pts, closed))
    return out


def union(rects: Iterable[Rect | None]) -> Rect | None:
    rs = [r for r in rects if r is not None]
    if not rs:
        return None
    return (min(r[0] for r in rs), min(r[1] for r in rs), max(r[2] for r in rs), max(r[3] for r in rs))


def object_bounds(doc: Document, obj_id: str) -> Rect | None:
    return Q.object_bounds(doc, obj_id)


def selection_bounds(doc: Document, ids: Iterable[str]) -> Rect | None:
    return union(object_bounds(doc, i) for i in ids)


def _dist_seg(px, py, ax, ay, bx, by) -> tuple[float, float]:
    dx, dy = bx - ax, by - ay
    L = dx * dx + dy * dy
    t = 0.0 if L == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / L))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy)), t


def hits_object(doc: Document, obj_id: str, x: float, y: float, tol: float) -> bool:
    node = doc.objects.get(obj_id)
    if node is None or not getattr(node, "visible", True):
        return False
    if isinstance(node, Group):
        return any(hits_object(doc, c, x, y, tol) for c in doc.children(obj_id))
    return Q.hit_object(doc, obj_id, x, y, tol)


def layer_of(doc: Document, obj_id: str) -> str | None:
    node = doc.objects.get(obj_id)
    while node is not None and not isinstance(node, Layer):
        pid = node.parent
        node = doc.get(pid)
        if isinstance(node, Layer):
            return pid
    return None


def editable(doc: Document, obj_id: str) -> bool:
    """Visible and unlocked, itself and every container up to its layer."""
    node = doc.get(obj_id)
    while node is not None:
        if not node.visible or node.locked:
            return False
        if isinstance(node, Layer):
            return True
        node = doc.get(node.parent)
    return False


def top_level(doc: Document, obj_id: str) -> str:
    """The ancestor of obj_id that sits directly in a layer (what the selection tool picks)."""
    node = doc.objects.get(obj_id)
    while node is not None and node.parent in doc.objects:
        obj_id = node.parent
        node = doc.objects[obj_id]
    return obj_id


def paint_order(doc: Document) -> list[str]:
    """Every leaf object (path or shape) back to front, artboard by artboard."""
    out = []
    for ab in doc.children():
        for layer in doc.children(ab):
            for oid in doc.descendants(layer):
                if not isinstance(doc.objects.get(oid), Group):
                    out.append(oid)
    return out


def pick(doc: Document, x: float, y: float, tol: float) -> str | None:
    """The frontmost editable leaf object under (x, y), or None."""
    return Q.hit_test(doc, x, y, tol)


def in_rect(doc: Document, rect: Rect) -> list[str]:
    """Editable leaf objects whose outline or fill touches rect (document space)."""
    return [o for o in Q.objects_in_rect(doc, *rect) if editable(doc, o)]


def nearest_on_path(doc: Document, oid: str, x: float, y: float):
    """(distance, subpath index, segment index, t) of the point of oid nearest to (x, y)."""
    n = Q.nearest_point(doc, oid, x, y)
    return None if n is None else (n.distance, n.subpath, n.segment, n.t)


def anchor_world(path: Path, m: Transform, a: Anchor) -> dict[str, tuple[float, float]]:
    return {
        "anchor": apply(m, a.x, a.y),
        "in": apply(m, a.x + a.in_x, a.y + a.in_y),
        "out": apply(m, a.x + a.out_x, a.y + a.out_y),
    }
