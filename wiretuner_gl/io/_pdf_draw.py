"""Draw a Document's artboard onto a skia canvas: the PDF exporter's backend (and a CPU reference).

Model semantics kept here: object transforms compose down the tree; a shape is drawn as its
`geom_outline`; gradient coordinates live in the object's own space (objectBoundingBox: the fill
geometry's box); group and object opacity are transparency groups (saveLayer), so overlapping
fill and stroke of a half-transparent object do not double up.
"""

from __future__ import annotations

import skia

from ..model.document import Document
from ..model.nodes import Group, LineGeom, Shape
from ..model.shapes import geom_outline
from ..model.values import Color, LinearGradient, RadialGradient

_TILE = {"pad": skia.TileMode.kClamp, "reflect": skia.TileMode.kMirror, "repeat": skia.TileMode.kRepeat}
_JOIN = {"miter": skia.Paint.kMiter_Join, "round": skia.Paint.kRound_Join, "bevel": skia.Paint.kBevel_Join}
_CAP = {"butt": skia.Paint.kButt_Cap, "round": skia.Paint.kRound_Cap, "square": skia.Paint.kSquare_Cap}


def matrix(t) -> skia.Matrix:
    a, b, c, d, e, f = t
    return skia.Matrix.MakeAll(a, c, e, b, d, f, 0.0, 0.0, 1.0)


def _argb(c: Color) -> int:
    q = lambda v: max(0, min(255, int(round(v * 255))))  # noqa: E731
    return skia.Color(q(c.r), q(c.g), q(c.b), q(c.a))


def _anchors_path(sp_list, path: skia.Path) -> None:
    """Anchors (x, y, in_dx, in_dy, out_dx, out_dy) per subpath, each with its closed flag."""
    for pts, closed in sp_list:
        if not pts:
            continue
        x, y = pts[0][0], pts[0][1]
        path.moveTo(x, y)
        segs = list(zip(pts, pts[1:]))
        if closed and len(pts) > 1:
            segs.append((pts[-1], pts[0]))
        for a, b in segs:
            if a[4] == 0 and a[5] == 0 and b[2] == 0 and b[3] == 0:
                path.lineTo(b[0], b[1])
            else:
                path.cubicTo(a[0] + a[4], a[1] + a[5], b[0] + b[2], b[1] + b[3], b[0], b[1])
        if closed:
            path.close()


def object_path(node) -> skia.Path:
    p = skia.Path()
    if isinstance(node, Shape):
        pts, closed = geom_outline(node.geom)
        _anchors_path([(pts, closed)], p)
    else:
        subs = [([(a.x, a.y, a.in_x, a.in_y, a.out_x, a.out_y) for a in sp.anchors], sp.closed) for sp in node.subpaths]
        _anchors_path(subs, p)
        p.setFillType(skia.PathFillType.kEvenOdd if node.fill_rule == "evenodd" else skia.PathFillType.kWinding)
    return p


def _shader(g, bounds: skia.Rect):
    colors = [_argb(s.color) for s in g.stops]
    pos = [s.offset for s in g.stops]
    local = matrix(g.transform)
    if g.units == "objectBoundingBox":
        w, h = bounds.width(), bounds.height()
        if w <= 0 or h <= 0:
            return None  # SVG: a bounding-box gradient on a zero-area box paints nothing
        local = skia.Matrix.Concat(skia.Matrix.MakeAll(w, 0, bounds.left(), 0, h, bounds.top(), 0, 0, 1), local)
    tile = _TILE.get(g.spread, skia.TileMode.kClamp)
    if isinstance(g, LinearGradient):
        if (g.x1, g.y1) == (g.x2, g.y2):
            return None
        return skia.GradientShader.MakeLinear([(g.x1, g.y1), (g.x2, g.y2)], colors, pos, tile, 0, local)
    if (g.fx, g.fy) == (g.cx, g.cy) and g.fr == 0:
        return skia.GradientShader.MakeRadial((g.cx, g.cy), g.r, colors, pos, tile, 0, local)
    return skia.GradientShader.MakeTwoPointConical((g.fx, g.fy), g.fr, (g.cx, g.cy), g.r, colors, pos, tile, 0, local)


def _paint(paint_value, bounds: skia.Rect) -> skia.Paint | None:
    p = skia.Paint(AntiAlias=True)
    if isinstance(paint_value, Color):
        if paint_value.a <= 0:
            return None
        p.setColor(_argb(paint_value))
        return p
    if isinstance(paint_value, (LinearGradient, RadialGradient)):
        if len(paint_value.stops) == 1:
            p.setColor(_argb(paint_value.stops[0].color))
            return p
        sh = _shader(paint_value, bounds)
        if sh is None:
            return None
        p.setShader(sh)
        return p
    return None


def draw_object(canvas: skia.Canvas, doc: Document, node) -> None:
    if not node.visible:
        return
    canvas.save()
    canvas.concat(matrix(node.transform))
    if isinstance(node, Group):
        layer = node.opacity < 1.0
        if layer:
            canvas.saveLayerAlpha(None, int(round(node.opacity * 255)))
        for cid in doc.children(node.id):
            draw_object(canvas, doc, doc.objects[cid])
        if layer:
            canvas.restore()
    else:
        _draw_leaf(canvas, node)
    canvas.restore()


def _draw_leaf(canvas: skia.Canvas, node) -> None:
    style = node.style
    path = object_path(node)
    bounds = path.computeTightBounds()
    fill = None if isinstance(node, Shape) and isinstance(node.geom, LineGeom) else style.fill
    fp = _paint(fill, bounds) if fill is not None else None
    sp = None
    if style.stroke is not None and style.stroke.width > 0:
        s = style.stroke
        sp = _paint(s.paint, bounds)
        if sp is not None:
            sp.setStyle(skia.Paint.kStroke_Style)
            sp.setStrokeWidth(s.width)
            sp.setStrokeJoin(_JOIN[s.join])
            sp.setStrokeCap(_CAP[s.cap])
            sp.setStrokeMiter(s.miter_limit)
            if s.dash and sum(s.dash) > 0:
                sp.setPathEffect(skia.DashPathEffect.Make(list(s.dash), s.dash_offset))
    if fp is None and sp is None or style.opacity <= 0:
        return
    layer = style.opacity < 1.0
    if layer:
        canvas.saveLayerAlpha(None, int(round(style.opacity * 255)))
    if fp is not None:
        canvas.drawPath(path, fp)
    if sp is not None:
        canvas.drawPath(path, sp)
    if layer:
        canvas.restore()


def draw_artboard(canvas: skia.Canvas, doc: Document, artboard_id: str) -> None:
    """Artboard origin at the canvas origin; layers back to front; hidden layers skipped."""
    ab = doc.artboards[artboard_id]
    canvas.save()
    canvas.translate(-ab.x, -ab.y)
    if ab.background is not None:
        canvas.drawRect(skia.Rect.MakeXYWH(ab.x, ab.y, ab.width, ab.height), skia.Paint(Color=_argb(ab.background)))
    for layer_id in doc.children(ab.id):
        if not doc.layers[layer_id].visible:
            continue
        for cid in doc.children(layer_id):
            draw_object(canvas, doc, doc.objects[cid])
    canvas.restore()
