"""Parametric shapes as paths: the one place that turns a shape's parameters into anchors."""

from __future__ import annotations

import math

from .ids import keys_between
from .nodes import Anchor, EllipseGeom, Geom, LineGeom, Path, PolygonGeom, RectGeom, Shape, StarGeom, Subpath

KAPPA = 0.5522847498307936  # 4/3 (sqrt(2) - 1): cubic Bézier approximation of a quarter circle


def _corners(points: list[tuple[float, float]]) -> list[tuple[float, float, float, float, float, float]]:
    return [(x, y, 0.0, 0.0, 0.0, 0.0) for x, y in points]


def _regular(cx, cy, radii: list[float], n: int, rotation: float):
    pts = []
    for i in range(n):
        t = math.radians(rotation) - math.pi / 2 + 2 * math.pi * i / n
        r = radii[i % len(radii)]
        pts.append((cx + r * math.cos(t), cy + r * math.sin(t)))
    return pts


def geom_outline(g: Geom) -> tuple[list[tuple[float, float, float, float, float, float]], bool]:
    """(anchors as (x, y, in_dx, in_dy, out_dx, out_dy), closed) for a shape geometry."""
    if isinstance(g, RectGeom):
        x, y, w, h = g.x, g.y, g.width, g.height
        lim = min(abs(w), abs(h)) / 2
        r = [min(max(v, 0.0), lim) for v in (g.r_tl, g.r_tr, g.r_br, g.r_bl)]
        if not any(r):
            return _corners([(x, y), (x + w, y), (x + w, y + h), (x, y + h)]), True
        k = KAPPA
        tl, tr, br, bl = r
        out = []
        # clockwise from the top edge, two anchors per rounded corner
        out.append((x + tl, y, -k * tl, 0.0, 0.0, 0.0))
        out.append((x + w - tr, y, 0.0, 0.0, k * tr, 0.0))
        out.append((x + w, y + tr, 0.0, -k * tr, 0.0, 0.0))
        out.append((x + w, y + h - br, 0.0, 0.0, 0.0, k * br))
        out.append((x + w - br, y + h, k * br, 0.0, 0.0, 0.0))
        out.append((x + bl, y + h, 0.0, 0.0, -k * bl, 0.0))
        out.append((x, y + h - bl, 0.0, k * bl, 0.0, 0.0))
        out.append((x, y + tl, 0.0, 0.0, 0.0, -k * tl))
        # drop zero-radius duplicates (a sharp corner is one anchor)
        dedup = []
        for a in out:
            if dedup and abs(dedup[-1][0] - a[0]) < 1e-12 and abs(dedup[-1][1] - a[1]) < 1e-12:
                p = dedup.pop()
                a = (a[0], a[1], p[2], p[3], a[4], a[5])
            dedup.append(a)
        if len(dedup) > 1 and abs(dedup[0][0] - dedup[-1][0]) < 1e-12 and abs(dedup[0][1] - dedup[-1][1]) < 1e-12:
            last = dedup.pop()
            dedup[0] = (dedup[0][0], dedup[0][1], last[2], last[3], dedup[0][4], dedup[0][5])
        return dedup, True
    if isinstance(g, EllipseGeom):
        cx, cy, rx, ry = g.cx, g.cy, g.rx, g.ry
        kx, ky = KAPPA * rx, KAPPA * ry
        return [
            (cx + rx, cy, 0.0, -ky, 0.0, ky),
            (cx, cy + ry, kx, 0.0, -kx, 0.0),
            (cx - rx, cy, 0.0, ky, 0.0, -ky),
            (cx, cy - ry, -kx, 0.0, kx, 0.0),
        ], True
    if isinstance(g, PolygonGeom):
        return _corners(_regular(g.cx, g.cy, [g.radius], max(3, g.sides), g.rotation)), True
    if isinstance(g, StarGeom):
        n = max(2, g.points)
        return _corners(_regular(g.cx, g.cy, [g.outer, g.inner], 2 * n, g.rotation)), True
    if isinstance(g, LineGeom):
        return _corners([(g.x1, g.y1), (g.x2, g.y2)]), False
    raise TypeError(f"unknown geometry {type(g).__name__}")


def shape_to_path(shape: Shape, path_id: str) -> Path:
    """The path a shape becomes on 'convert to path': a new `path:` id, same place, style, transform."""
    pts, closed = geom_outline(shape.geom)
    keys = keys_between(None, None, len(pts))
    anchors = tuple(
        Anchor(k, x, y, ix, iy, ox, oy, "corner" if (ix, iy, ox, oy) == (0.0, 0.0, 0.0, 0.0) else "smooth")
        for k, (x, y, ix, iy, ox, oy) in zip(keys, pts)
    )
    return Path(
        id=path_id,
        parent=shape.parent,
        order=shape.order,
        subpaths=(Subpath(anchors, closed),),
        name=shape.name,
        fill_rule="nonzero",
        style=shape.style,
        transform=shape.transform,
        visible=shape.visible,
        locked=shape.locked,
    )
