"""Clipping applied to geometry, since the model has no clip paths yet.

A clipped leaf is replaced by its outline intersected with the clip region (Skia's PathOps,
which keep curves as curves); a stroke becomes its filled outline (Skia's stroker, dashes
included) intersected likewise. The picture is exact; what is lost is editability: a clipped
shape becomes a path, a clipped stroke becomes a fill. The import report says so.
"""

from __future__ import annotations

import math

import skia

from ..model.nodes import Group, LineGeom, Path, Shape
from ..model.values import LinearGradient, RadialGradient, Style, compose
from ._pdf_draw import _CAP, _JOIN, matrix, object_path
from ._svg_path import raw_to_subpaths


def skia_from_raw(raw, evenodd: bool = False) -> skia.Path:
    p = skia.Path()
    for sx, sy, segs, closed in raw:
        if not segs:
            continue
        p.moveTo(sx, sy)
        for c1x, c1y, c2x, c2y, x, y, line in segs:
            if line:
                p.lineTo(x, y)
            else:
                p.cubicTo(c1x, c1y, c2x, c2y, x, y)
        if closed:
            p.close()
    p.setFillType(skia.PathFillType.kEvenOdd if evenodd else skia.PathFillType.kWinding)
    return p


def raw_from_skia(path: skia.Path) -> list:
    """Raw subpaths ([sx, sy, segments, closed]); quads raised to cubics, conics split into quads."""
    raw: list = []
    cur = None
    it = skia.Path.Iter(path, False)
    for verb, pts in it:
        if verb == skia.Path.Verb.kMove_Verb:
            cur = [pts[0].x(), pts[0].y(), [], False]
            raw.append(cur)
        elif cur is None:
            continue
        elif verb == skia.Path.Verb.kLine_Verb:
            x, y = pts[1].x(), pts[1].y()
            cur[2].append((x, y, x, y, x, y, True))
        elif verb == skia.Path.Verb.kQuad_Verb:
            cur[2].append(_quad(pts[0], pts[1], pts[2]))
        elif verb == skia.Path.Verb.kConic_Verb:
            q = skia.Path.ConvertConicToQuads(pts[0], pts[1], pts[2], it.conicWeight(), 2)
            for i in range(0, len(q) - 2, 2):
                cur[2].append(_quad(q[i], q[i + 1], q[i + 2]))
        elif verb == skia.Path.Verb.kCubic_Verb:
            cur[2].append((pts[1].x(), pts[1].y(), pts[2].x(), pts[2].y(), pts[3].x(), pts[3].y(), False))
        elif verb == skia.Path.Verb.kClose_Verb:
            cur[3] = True
    return [r for r in raw if r[2]]


def _quad(p0, p1, p2):
    x0, y0, x1, y1, x2, y2 = p0.x(), p0.y(), p1.x(), p1.y(), p2.x(), p2.y()
    return (x0 + 2 / 3 * (x1 - x0), y0 + 2 / 3 * (y1 - y0), x2 + 2 / 3 * (x1 - x2), y2 + 2 / 3 * (y1 - y2), x2, y2, False)


def transformed(path: skia.Path, m) -> skia.Path:
    out = skia.Path()
    path.transform(matrix(m), out)
    out.setFillType(path.getFillType())
    return out


def intersect(a: skia.Path, b: skia.Path) -> skia.Path:
    try:
        return skia.Op(a, b, skia.PathOp.kIntersect_PathOp)
    except RuntimeError:
        return a  # PathOps gave up (degenerate input): keep the unclipped outline


def _bbox_units_to_user(paint, bounds: skia.Rect):
    """A bounding-box gradient re-expressed in user space, so a changed outline keeps its colours."""
    if isinstance(paint, (LinearGradient, RadialGradient)) and paint.units == "objectBoundingBox":
        w, h = bounds.width(), bounds.height()
        if w <= 0 or h <= 0:
            return None
        box = (w, 0.0, 0.0, h, bounds.left(), bounds.top())
        return type(paint)(**{**{f: getattr(paint, f) for f in paint.__dataclass_fields__ if f != "TAG"},
                              "units": "userSpaceOnUse", "transform": compose(box, paint.transform)})
    return paint


def stroke_outline(node, res_scale: float) -> skia.Path:
    s = node.style.stroke
    paint = skia.Paint(AntiAlias=True)
    paint.setStyle(skia.Paint.kStroke_Style)
    paint.setStrokeWidth(s.width)
    paint.setStrokeJoin(_JOIN[s.join])
    paint.setStrokeCap(_CAP[s.cap])
    paint.setStrokeMiter(s.miter_limit)
    if s.dash and sum(s.dash) > 0:
        paint.setPathEffect(skia.DashPathEffect.Make(list(s.dash), s.dash_offset))
    out = skia.Path()
    paint.getFillPath(object_path(node), out, None, max(res_scale, 1.0))
    out.setFillType(skia.PathFillType.kWinding)
    return out


def clip_leaf(node, clip: skia.Path, new_id, res_scale: float = 1.0) -> list:
    """Nodes that replace `node` (same parent, order, transform): the clipped fill and the clipped
    stroke outline, grouped when both are there and the object is half transparent."""
    geo = object_path(node)
    bounds = geo.computeTightBounds()
    style = node.style
    parts = []
    fill = None if isinstance(node, Shape) and isinstance(node.geom, LineGeom) else style.fill
    if fill is not None:
        f = intersect(geo, clip)
        paint = _bbox_units_to_user(fill, bounds)
        if paint is not None and not f.isEmpty():
            parts.append((f, paint))
    if style.stroke is not None and style.stroke.width > 0:
        f = intersect(stroke_outline(node, res_scale), clip)
        paint = _bbox_units_to_user(style.stroke.paint, bounds)
        if paint is not None and not f.isEmpty():
            parts.append((f, paint))
    nodes = []
    for path, paint in parts:
        subs = tuple(raw_to_subpaths(raw_from_skia(path)))
        if subs:
            rule = "evenodd" if path.getFillType() == skia.PathFillType.kEvenOdd else "nonzero"
            nodes.append((subs, rule, paint))
    if not nodes:
        return []
    if len(nodes) == 1:
        subs, rule, paint = nodes[0]
        return [Path(new_id("path"), node.parent, node.order, subs, node.name, rule, Style(paint, None, style.opacity), node.transform, node.visible, node.locked)]
    # fill and stroke outline: a group carries the object's place, transform and opacity
    gid = new_id("group")
    out = [Group(gid, node.parent, node.order, node.name, node.transform, style.opacity, node.visible, node.locked)]
    for i, (subs, rule, paint) in enumerate(nodes):
        out.append(Path(new_id("path"), gid, f"a{i}", subs, "", rule, Style(paint, None, 1.0)))
    return out


def transform_scale(m) -> float:
    a, b, c, d = m[:4]
    return math.sqrt(abs(a * d - b * c)) or 1.0
