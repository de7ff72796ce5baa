"""Clean SVG 1.1 export of a document or one artboard (`wiretuner export FILE -o OUT.svg`).

Shapes stay shapes (<rect>, <ellipse>, <polygon>, <line>) where SVG has the same geometry;
paths are written as cubic path data; gradients go to <defs>, shared when equal. Hidden
layers and objects are kept with display="none" so nothing is lost.
"""

from __future__ import annotations

from pathlib import Path as FsPath
from xml.sax.saxutils import quoteattr

from ..errors import WireTunerError
from ..geometry.query import view_box_of
from ..model.document import ROOT, Document
from ..model.nodes import EllipseGeom, Group, LineGeom, Path, PolygonGeom, RectGeom, Shape, StarGeom
from ..model.shapes import geom_outline
from ..model.values import IDENTITY, Color, LinearGradient


def num(v: float) -> str:
    """Shortest exact-enough decimal: 10 significant digits, no exponent for everyday values."""
    v = float(v)
    if v == 0:
        return "0"
    s = f"{v:.10g}"
    if "e" in s:
        s = f"{v:.10f}".rstrip("0").rstrip(".")
    return s if s != "-0" else "0"


def _color(c: Color) -> str:
    r, g, b = (int(round(max(0.0, min(1.0, v)) * 255)) for v in (c.r, c.g, c.b))
    return f"#{r:02x}{g:02x}{b:02x}"


def _matrix(m) -> str:
    return "matrix(" + " ".join(num(v) for v in m) + ")"


class _Writer:
    def __init__(self):
        self.defs: list[str] = []
        self.ids: dict = {}
        self.body: list[str] = []

    def paint(self, p, prefix: str) -> list[tuple[str, str]]:
        """Attributes for a fill or stroke paint."""
        if p is None:
            return [(prefix, "none")]
        if isinstance(p, Color):
            out = [(prefix, _color(p))]
            if p.a < 1:
                out.append((f"{prefix}-opacity", num(max(0.0, p.a))))
            return out
        gid = self.ids.get(p)
        if gid is None:
            gid = self.ids[p] = f"g{len(self.ids) + 1}"
            self.defs.append(self.gradient(p, gid))
        return [(prefix, f"url(#{gid})")]

    def gradient(self, g, gid: str) -> str:
        attrs = [("id", gid)]
        if isinstance(g, LinearGradient):
            tag = "linearGradient"
            attrs += [("x1", num(g.x1)), ("y1", num(g.y1)), ("x2", num(g.x2)), ("y2", num(g.y2))]
        else:
            tag = "radialGradient"
            attrs += [("cx", num(g.cx)), ("cy", num(g.cy)), ("r", num(g.r)), ("fx", num(g.fx)), ("fy", num(g.fy))]
            if g.fr:
                attrs.append(("fr", num(g.fr)))  # SVG 2; SVG 1.1 viewers ignore it
        attrs.append(("gradientUnits", g.units))
        if g.spread != "pad":
            attrs.append(("spreadMethod", g.spread))
        if tuple(g.transform) != IDENTITY:
            attrs.append(("gradientTransform", _matrix(g.transform)))
        stops = []
        for s in g.stops:
            sa = [("offset", num(s.offset)), ("stop-color", _color(s.color))]
            if s.color.a < 1:
                sa.append(("stop-opacity", num(s.color.a)))
            stops.append(f"<stop{_attrs(sa)}/>")
        return f"<{tag}{_attrs(attrs)}>" + "".join(stops) + f"</{tag}>"

    def style(self, obj) -> list[tuple[str, str]]:
        st = obj.style
        out = self.paint(st.fill, "fill")
        if isinstance(obj, Path) and obj.fill_rule == "evenodd":
            out.append(("fill-rule", "evenodd"))
        if st.stroke is not None:
            k = st.stroke
            out += self.paint(k.paint, "stroke")
            out.append(("stroke-width", num(k.width)))
            if k.join != "miter":
                out.append(("stroke-linejoin", k.join))
            if k.miter_limit != 4.0:
                out.append(("stroke-miterlimit", num(max(1.0, k.miter_limit))))
            if k.cap != "butt":
                out.append(("stroke-linecap", k.cap))
            if k.dash:
                out.append(("stroke-dasharray", " ".join(num(v) for v in k.dash)))
                if k.dash_offset:
                    out.append(("stroke-dashoffset", num(k.dash_offset)))
        if st.opacity < 1:
            out.append(("opacity", num(st.opacity)))
        return out


def _attrs(pairs) -> str:
    return "".join(f" {k}={quoteattr(v)}" for k, v in pairs)


def path_data(subpaths) -> str:
    """d for subpaths given as (anchors as (x, y, in_dx, in_dy, out_dx, out_dy), closed)."""
    parts = []
    for pts, closed in subpaths:
        if not pts:
            continue
        parts.append(f"M{num(pts[0][0])} {num(pts[0][1])}")
        n = len(pts)
        for i in range(n if closed else n - 1):
            a = pts[i]
            b = pts[(i + 1) % n]
            if a[4] == 0 and a[5] == 0 and b[2] == 0 and b[3] == 0:
                if closed and i == n - 1:
                    break  # Z draws the closing line
                parts.append(f"L{num(b[0])} {num(b[1])}")
            else:
                parts.append(
                    f"C{num(a[0] + a[4])} {num(a[1] + a[5])} {num(b[0] + b[2])} {num(b[1] + b[3])} {num(b[0])} {num(b[1])}"
                )
        if closed:
            parts.append("Z")
    return "".join(parts)


def _shape_element(obj: Shape) -> tuple[str, list[tuple[str, str]]]:
    g = obj.geom
    if isinstance(g, RectGeom) and g.width >= 0 and g.height >= 0 and g.r_tl == g.r_tr == g.r_br == g.r_bl:
        attrs = [("x", num(g.x)), ("y", num(g.y)), ("width", num(g.width)), ("height", num(g.height))]
        r = min(max(g.r_tl, 0.0), min(g.width, g.height) / 2)
        if r > 0:
            attrs += [("rx", num(r)), ("ry", num(r))]
        return "rect", attrs
    if isinstance(g, EllipseGeom) and g.rx > 0 and g.ry > 0:
        return "ellipse", [("cx", num(g.cx)), ("cy", num(g.cy)), ("rx", num(g.rx)), ("ry", num(g.ry))]
    if isinstance(g, (PolygonGeom, StarGeom)):
        pts, _ = geom_outline(g)
        return "polygon", [("points", " ".join(f"{num(p[0])},{num(p[1])}" for p in pts))]
    if isinstance(g, LineGeom):
        return "line", [("x1", num(g.x1)), ("y1", num(g.y1)), ("x2", num(g.x2)), ("y2", num(g.y2))]
    pts, closed = geom_outline(g)
    return "path", [("d", path_data([(pts, closed)]))]


def _object(w: _Writer, doc: Document, oid: str, depth: int) -> None:
    obj = doc.objects.get(oid)
    if obj is None:
        return
    pad = "  " * depth
    common = [("id", obj.id)]
    if obj.transform != IDENTITY:
        common.append(("transform", _matrix(obj.transform)))
    if not obj.visible:
        common.append(("display", "none"))
    if isinstance(obj, Group):
        attrs = list(common)
        if obj.opacity < 1:
            attrs.append(("opacity", num(max(0.0, obj.opacity))))
        w.body.append(f"{pad}<g{_attrs(attrs)}>")
        for c in doc.children(oid):
            _object(w, doc, c, depth + 1)
        w.body.append(f"{pad}</g>")
        return
    if isinstance(obj, Shape):
        tag, geo = _shape_element(obj)
    else:
        tag = "path"
        subs = [([(a.x, a.y, a.in_x, a.in_y, a.out_x, a.out_y) for a in sp.anchors], sp.closed) for sp in obj.subpaths]
        geo = [("d", path_data(subs))]
    w.body.append(f"{pad}<{tag}{_attrs(common + geo + w.style(obj))}/>")


def svg_string(doc: Document, artboard: str | None = None, *, view_box=None, size=None) -> str:
    """The SVG text of the document (every artboard) or of one artboard.

    width/height are the view box size in user units, or `size` (w, h) when given."""
    if artboard is not None and artboard not in doc.artboards:
        raise WireTunerError(f"no artboard {artboard!r} in the document")
    vb = view_box if view_box is not None else view_box_of(doc, artboard)
    w = _Writer()
    for ab_id in doc.children(ROOT):
        ab = doc.artboards.get(ab_id)
        if ab is None or (artboard is not None and ab_id != artboard):
            continue
        w.body.append(f'  <g{_attrs([("id", ab.id), ("class", "artboard")])}>')
        if ab.background is not None:
            bg = [("x", num(ab.x)), ("y", num(ab.y)), ("width", num(ab.width)), ("height", num(ab.height))]
            w.body.append(f"    <rect{_attrs(bg + w.paint(ab.background, 'fill'))}/>")
        for lid in doc.children(ab_id):
            layer = doc.layers.get(lid)
            if layer is None:
                continue
            la = [("id", layer.id)]
            if layer.name:
                la.append(("class", "layer"))
            if not layer.visible:
                la.append(("display", "none"))
            w.body.append(f"    <g{_attrs(la)}>")
            for c in doc.children(lid):
                _object(w, doc, c, 3)
            w.body.append("    </g>")
        w.body.append("  </g>")
    sw, sh = size if size is not None else (vb[2], vb[3])
    head = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{num(sw)}" height="{num(sh)}" '
        f'viewBox="{num(vb[0])} {num(vb[1])} {num(vb[2])} {num(vb[3])}">\n'
    )
    defs = ("  <defs>\n" + "".join(f"    {d}\n" for d in w.defs) + "  </defs>\n") if w.defs else ""
    return head + defs + "\n".join(w.body) + ("\n" if w.body else "") + "</svg>\n"


def export_svg(doc: Document, out, *, artboard: str | None = None) -> None:
    FsPath(out).write_text(svg_string(doc, artboard), encoding="utf-8")
