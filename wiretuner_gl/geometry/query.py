"""Object-level geometry queries for tools: bounds, hit testing, nearest point, grid snapping.

Coordinates are document (world) coordinates; each object's transform chain is applied here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..model.document import Document
from ..model.nodes import Group, Path, Shape
from ..model.values import IDENTITY, apply, compose, invert
from .bounds import path_bounds, points_bounds
from .hittest import point_in_fill, point_on_stroke, rings_touch_rect
from .nearest import nearest_on_path
from .outline import flatten, path_arrays, transform_points, transform_scale
from .snap import snap_points

HIT_TOLERANCE_PX = 0.25


def world_transform(doc: Document, oid: str):
    """The object's transform composed with its ancestor groups' transforms."""
    chain = []
    cur = doc.objects.get(oid)
    while cur is not None:
        chain.append(cur.transform)
        cur = doc.objects.get(cur.parent)
    m = IDENTITY
    for t in reversed(chain):
        m = compose(m, t)
    return m


def _corners(b, m):
    x0, y0, x1, y1 = b
    pts = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=np.float64)
    return transform_points(m, pts)


def object_bounds(doc: Document, oid: str, *, include_stroke: bool = False):
    """(x0, y0, x1, y1) in world coordinates, or None for an empty object or group."""
    obj = doc.objects.get(oid)
    if obj is None:
        return None
    if isinstance(obj, Group):
        bs = [b for c in doc.children(oid) if (b := object_bounds(doc, c, include_stroke=include_stroke)) is not None]
        if not bs:
            return None
        return (min(b[0] for b in bs), min(b[1] for b in bs), max(b[2] for b in bs), max(b[3] for b in bs))
    arr = path_arrays(obj)
    if arr.anchors.shape[0] == 0:
        return None
    m = world_transform(doc, oid)
    if m[1] == 0 and m[2] == 0:
        b = path_bounds(arr.anchors, arr.sub_start, arr.closed)
    else:
        # rotated or skewed: the bounds of the transformed curve (flattened finely)
        rings = flatten(arr, 0.01 / max(transform_scale(m), 1e-12))
        b = points_bounds(transform_points(m, rings.points))
        m = IDENTITY
    b = points_bounds(_corners(b, m))
    if include_stroke and obj.style.stroke is not None:
        pad = obj.style.stroke.width / 2 * transform_scale(m if m != IDENTITY else world_transform(doc, oid))
        if obj.style.stroke.join == "miter":
            pad *= max(1.0, obj.style.stroke.miter_limit)
        b = (b[0] - pad, b[1] - pad, b[2] + pad, b[3] + pad)
    return tuple(float(v) for v in b)


def document_bounds(doc: Document):
    """Union of every visible object's bounds, or None."""
    bs = [b for oid, o in doc.objects.items() if not isinstance(o, Group) and (b := object_bounds(doc, oid, include_stroke=True))]
    if not bs:
        return None
    return (min(b[0] for b in bs), min(b[1] for b in bs), max(b[2] for b in bs), max(b[3] for b in bs))


def view_box_of(doc: Document, artboard: str | None = None) -> tuple[float, float, float, float]:
    """(x, y, w, h): the artboard, else the union of artboards, else the objects' bounds."""
    if artboard is not None:
        a = doc.artboards.get(artboard)
        if a is None:
            raise KeyError(f"no artboard {artboard!r}")
        return (a.x, a.y, a.width, a.height)
    if len(doc.artboards):
        xs0 = min(a.x for a in doc.artboards.values())
        ys0 = min(a.y for a in doc.artboards.values())
        xs1 = max(a.x + a.width for a in doc.artboards.values())
        ys1 = max(a.y + a.height for a in doc.artboards.values())
        return (xs0, ys0, xs1 - xs0, ys1 - ys0)
    b = document_bounds(doc)
    if b is None:
        return (0.0, 0.0, 100.0, 100.0)
    return (b[0], b[1], max(b[2] - b[0], 1e-9), max(b[3] - b[1], 1e-9))


def _local(doc, oid, x, y):
    m = world_transform(doc, oid)
    try:
        return m, apply(invert(m), x, y)
    except ValueError:
        return m, None


def hit_object(doc: Document, oid: str, x: float, y: float, tolerance: float = HIT_TOLERANCE_PX) -> bool:
    """Is world point (x, y) in the object's fill or within `tolerance` of its stroke?"""
    obj = doc.objects.get(oid)
    if not isinstance(obj, (Path, Shape)):
        return False
    m, p = _local(doc, oid, x, y)
    if p is None:
        return False
    s = max(transform_scale(m), 1e-12)
    rings = flatten(path_arrays(obj), 0.05 / s)
    if rings.points.shape[0] == 0:
        return False
    lx, ly = p
    if obj.style.fill is not None and point_in_fill(rings.points, rings.ring_start, lx, ly, getattr(obj, "fill_rule", "nonzero") == "evenodd"):
        return True
    hw = obj.style.stroke.width / 2 if obj.style.stroke is not None else 0.0
    return bool(point_on_stroke(rings.points, rings.ring_start, rings.ring_closed, lx, ly, hw, tolerance / s))


def hit_test(doc: Document, x: float, y: float, tolerance: float = HIT_TOLERANCE_PX, *, locked: bool = False) -> str | None:
    """The topmost visible (and unlocked, unless locked=True) path or shape at (x, y)."""
    from ..model.document import ROOT

    def visit(parent):
        for cid in reversed(doc.children(parent)):
            node = doc.get(cid)
            if node is None or not getattr(node, "visible", True) or (getattr(node, "locked", False) and not locked):
                continue
            if isinstance(node, (Path, Shape)):
                if hit_object(doc, cid, x, y, tolerance):
                    return cid
            else:
                found = visit(cid)
                if found:
                    return found
        return None

    return visit(ROOT)


def objects_in_rect(doc: Document, x0: float, y0: float, x1: float, y1: float) -> list[str]:
    """Paths and shapes whose outline or fill touches the world rectangle (marquee selection)."""
    x0, x1 = min(x0, x1), max(x0, x1)
    y0, y1 = min(y0, y1), max(y0, y1)
    out = []
    for oid, obj in doc.objects.items():
        if not isinstance(obj, (Path, Shape)) or not obj.visible:
            continue
        b = object_bounds(doc, oid, include_stroke=True)
        if b is None or b[2] < x0 or b[0] > x1 or b[3] < y0 or b[1] > y1:
            continue
        m = world_transform(doc, oid)
        rings = flatten(path_arrays(obj), 0.05 / max(transform_scale(m), 1e-12))
        pts = transform_points(m, rings.points)
        if rings_touch_rect(pts, rings.ring_start, rings.ring_closed, x0, y0, x1, y1, obj.style.fill is not None, getattr(obj, "fill_rule", "nonzero") == "evenodd"):
            out.append(oid)
    return sorted(out)


@dataclass(frozen=True)
class Nearest:
    subpath: int
    segment: int  # from anchor `segment` to the next one
    t: float
    x: float  # world coordinates
    y: float
    distance: float  # world units


def nearest_point(doc: Document, oid: str, x: float, y: float) -> Nearest | None:
    """The point of a path or shape nearest to world (x, y), with its segment and parameter."""
    obj = doc.objects.get(oid)
    if not isinstance(obj, (Path, Shape)):
        return None
    arr = path_arrays(obj)
    if arr.anchors.shape[0] == 0:
        return None
    m, p = _local(doc, oid, x, y)
    if p is None:
        return None
    if m[1] == 0 and m[2] == 0 and m[0] == m[3]:
        r = nearest_on_path(arr.anchors, arr.sub_start, arr.closed, p[0], p[1])
    else:
        # non-uniform transforms change which point is nearest: search in world space
        a = arr.anchors.copy()
        a[:, :2] = transform_points(m, arr.anchors[:, :2])
        lin = (m[0], m[1], m[2], m[3], 0.0, 0.0)
        a[:, 2:4] = transform_points(lin, arr.anchors[:, 2:4])
        a[:, 4:6] = transform_points(lin, arr.anchors[:, 4:6])
        r = nearest_on_path(a, arr.sub_start, arr.closed, x, y)
        m = IDENTITY
    wx, wy = apply(m, r[3], r[4])
    return Nearest(int(r[0]), int(r[1]), float(r[2]), wx, wy, math.hypot(wx - x, wy - y))


def snap_to_grid(x: float, y: float, spacing: float, origin: tuple[float, float] = (0.0, 0.0)) -> tuple[float, float]:
    if spacing <= 0:
        return (x, y)
    r = snap_points(np.array([[x, y]], dtype=np.float64), float(spacing), float(origin[0]), float(origin[1]))
    return (float(r[0, 0]), float(r[0, 1]))
