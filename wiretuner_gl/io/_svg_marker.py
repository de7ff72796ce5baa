"""Markers (arrowheads and the like), since the model has none: each marker is instantiated as
a group of ordinary objects at its vertex, oriented and scaled as SVG 1.1 §11.6 says, and
clipped to the marker's viewport. The path and its markers share one group."""

from __future__ import annotations

import math

import skia

from ..model.values import IDENTITY, compose, rotate, scale, translate
from . import _svg_style as S
from ._svg_bounds import Bounds
from ._svg_values import Viewport, aspect_transform, length, number, view_box
from ._svg_xml import local

MARKER_PROPS = ("marker-start", "marker-mid", "marker-end")


def _dir_start(x, y, seg):
    c1x, c1y, c2x, c2y, ex, ey, _ = seg
    for px, py in ((c1x, c1y), (c2x, c2y), (ex, ey)):
        if (px, py) != (x, y):
            return (px - x, py - y)
    return None


def _dir_end(x, y, seg):
    c1x, c1y, c2x, c2y, ex, ey, _ = seg
    for px, py in ((c2x, c2y), (c1x, c1y), (x, y)):
        if (px, py) != (ex, ey):
            return (ex - px, ey - py)
    return None


def vertices(raw) -> list[tuple[float, float, tuple | None, tuple | None]]:
    """(x, y, incoming direction, outgoing direction) of every vertex, in path order; a closed
    subpath ends with its start point again (SVG 2), a lone moveto is one vertex."""
    out = []
    for sx, sy, segs, closed in raw:
        segs = list(segs)
        if not segs:
            out.append((sx, sy, None, None))
            continue
        if closed:
            lx, ly = segs[-1][4], segs[-1][5]
            if (lx, ly) != (sx, sy):
                segs.append((lx, ly, sx, sy, sx, sy, True))  # the closing line
        starts = [(sx, sy)] + [(s[4], s[5]) for s in segs[:-1]]
        first_in = _dir_end(*starts[-1], segs[-1]) if closed else None
        out.append((sx, sy, first_in, _dir_start(sx, sy, segs[0])))
        for k, seg in enumerate(segs):
            nxt = _dir_start(seg[4], seg[5], segs[k + 1]) if k + 1 < len(segs) else (_dir_start(sx, sy, segs[0]) if closed else None)
            out.append((seg[4], seg[5], _dir_end(*starts[k], seg), nxt))
    return out


def _angle(din, dout) -> float:
    def unit(d):
        n = math.hypot(*d)
        return (d[0] / n, d[1] / n) if n else None

    ui, uo = (unit(din) if din else None), (unit(dout) if dout else None)
    if ui and uo:
        bx, by = ui[0] + uo[0], ui[1] + uo[1]
        if math.hypot(bx, by) < 1e-12:
            return math.degrees(math.atan2(ui[1], ui[0]))
        return math.degrees(math.atan2(by, bx))
    u = ui or uo
    return math.degrees(math.atan2(u[1], u[0])) if u else 0.0


class MarkerMixin:
    def markers_of(self, st) -> dict[str, str]:
        out = {}
        short = st.get("marker", "none").strip()
        for prop in MARKER_PROPS:
            v = st.get(prop, short).strip()
            if v and v != "none":
                out[prop] = v
        return out

    def draw_markers(self, refs: dict, raw, sw: float, parent: str, src, vp, el_id: str, uses: tuple) -> None:
        verts = vertices(raw)
        if not verts:
            return
        for i, (x, y, din, dout) in enumerate(verts):
            prop = "marker-start" if i == 0 else "marker-end" if i == len(verts) - 1 else "marker-mid"
            ref = refs.get(prop)
            if ref is None:
                continue
            r, _ = S.url_ref(ref)
            target, msrc = self._lookup(r, src) if r else (None, src)
            if target is None or local(target.tag) != "marker" or id(target) in uses:
                self.warn(f"#{el_id or '?'}: {prop} {ref} does not name a usable <marker>; ignored")
                continue
            self._marker(target, msrc, x, y, _angle(din, dout), prop == "marker-start", sw, parent, vp, uses + (id(target),))
        self.approximated("marker", el_id, f"#{el_id or '?'}: markers drawn as ordinary objects beside the path (markers are not in the model yet)")

    def _marker(self, m, msrc, x, y, angle, is_start, sw, parent, vp, uses) -> None:
        mw = length(m.get("markerWidth") or "3", vp, "x", 0.0)
        mh = length(m.get("markerHeight") or "3", vp, "y", 0.0)
        if mw <= 0 or mh <= 0:
            return
        orient = (m.get("orient") or "0").strip()
        if orient in ("auto", "auto-start-reverse"):
            a = angle + (180.0 if orient == "auto-start-reverse" and is_start else 0.0)
        else:
            a = number(orient.replace("deg", ""), 0.0)
        s = sw if (m.get("markerUnits") or "strokeWidth") == "strokeWidth" else 1.0
        vb = view_box(m.get("viewBox"))
        vbt = aspect_transform(vb, 0.0, 0.0, mw, mh, m.get("preserveAspectRatio")) if vb else IDENTITY
        cvp = Viewport(vb[2], vb[3]) if vb else vp
        refx, refy = length(m.get("refX"), cvp, "x", 0.0), length(m.get("refY"), cvp, "y", 0.0)
        rx, ry = vbt[0] * refx + vbt[4], vbt[3] * refy + vbt[5]
        tf = compose(translate(x, y), compose(rotate(a), compose(scale(s), compose(translate(-rx, -ry), vbt))))
        gid = self._group(parent, m.get("id") or "", tf, {})
        mst = S.compute({}, msrc.cascade.declared(m), cvp)
        self.walk_children(m, mst, gid, cvp, 2, msrc, uses)
        if S.get(mst, "overflow").strip() not in ("visible", "auto"):
            # the marker viewport (0, 0, markerWidth, markerHeight) in content units
            clip = Bounds(-vbt[4] / vbt[0], -vbt[5] / vbt[3], (mw - vbt[4]) / vbt[0], (mh - vbt[5]) / vbt[3])
            b = self.bounds_of_children(gid)
            if b is not None and not clip.contains(b):
                rect = skia.Path()
                rect.addRect(skia.Rect.MakeLTRB(clip.x0, clip.y0, clip.x1, clip.y1))
                self._apply_clip(gid, rect)
