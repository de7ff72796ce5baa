"""Fill and stroke meshes of one object in its own coordinates (Python wrappers over kernels)."""

from __future__ import annotations

import numpy as np

from ..model.values import Stroke
from .dash import dash_rings
from .outline import Rings
from .stroke import stroke_rings
from .tessellate import tessellate_fill

JOINS = {"miter": 0, "round": 1, "bevel": 2}
CAPS = {"butt": 0, "round": 1, "square": 2}
EMPTY = np.zeros((0, 2))


def fill_triangles(rings: Rings, fill_rule: str) -> np.ndarray:
    """Non-overlapping triangles (3T, 2) covering the fill exactly under the rule."""
    if rings.points.shape[0] < 3:
        return EMPTY
    return tessellate_fill(rings.points, rings.ring_start, 1 if fill_rule == "evenodd" else 0)


def dash_pattern(stroke: Stroke) -> np.ndarray | None:
    """SVG rules: an odd list repeats once, a negative value or a zero sum means solid."""
    d = [float(v) for v in stroke.dash]
    if not d or any(v < 0 for v in d) or sum(d) <= 0:
        return None
    if len(d) % 2:
        d = d + d
    return np.array(d, dtype=np.float64)


def stroke_triangles(rings: Rings, stroke: Stroke, width: float, tol: float, *, union: bool) -> np.ndarray:
    """Stroke triangles (3T, 2) of `width`; with union=True they do not overlap (translucent strokes)."""
    if width <= 0 or rings.points.shape[0] == 0:
        return EMPTY
    pts, rs, rc, co = rings.points, rings.ring_start, rings.ring_closed, rings.corner
    pattern = dash_pattern(stroke)
    if pattern is not None:
        pts, rs, rc, co = dash_rings(pts, rs, rc, co, pattern, float(stroke.dash_offset))
    tris = stroke_rings(
        pts, rs, rc, co, width / 2.0, JOINS.get(stroke.join, 0), max(1.0, float(stroke.miter_limit)), CAPS.get(stroke.cap, 0), tol
    )
    if union and tris.shape[0]:
        tris = tessellate_fill(tris, np.arange(0, tris.shape[0] + 1, 3, dtype=np.int64), 0)
    return tris
