"""Model objects as kernel arrays: anchors (N, 6), subpath starts and closed flags."""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from ..model.nodes import Path, Shape
from ..model.shapes import geom_outline
from ..model.values import Transform
from .flatten import flatten_path


class PathArrays(NamedTuple):
    anchors: np.ndarray  # (N, 6) float64: x, y, in_dx, in_dy, out_dx, out_dy
    sub_start: np.ndarray  # (S + 1,) int64
    closed: np.ndarray  # (S,) bool


class Rings(NamedTuple):
    points: np.ndarray  # (P, 2)
    ring_start: np.ndarray  # (R + 1,)
    ring_closed: np.ndarray  # (R,) uint8
    corner: np.ndarray  # (P,) uint8


def path_arrays(obj: Path | Shape) -> PathArrays:
    """The outline of a path or shape in its own (untransformed) coordinates."""
    if isinstance(obj, Shape):
        pts, closed = geom_outline(obj.geom)
        anchors = np.array(pts, dtype=np.float64).reshape(-1, 6)
        return PathArrays(anchors, np.array([0, len(pts)], dtype=np.int64), np.array([closed]))
    parts: list = []
    starts = [0]
    closed = []
    for sp in obj.subpaths:
        packed = getattr(sp, "packed_floats", None)  # decoded from a snapshot: no Anchor objects needed
        flat = packed() if packed is not None else None
        if flat is not None:
            a = np.asarray(flat, dtype=np.float64).reshape(-1, 6)
        else:
            a = np.array([(a.x, a.y, a.in_x, a.in_y, a.out_x, a.out_y) for a in sp.anchors], dtype=np.float64).reshape(-1, 6)
        parts.append(a)
        starts.append(starts[-1] + a.shape[0])
        closed.append(sp.closed)
    anchors = np.concatenate(parts) if len(parts) > 1 else parts[0] if parts else np.zeros((0, 6), dtype=np.float64)
    return PathArrays(anchors, np.array(starts, dtype=np.int64), np.array(closed, dtype=np.bool_))


def flatten(arrays: PathArrays, tol: float) -> Rings:
    """Polylines within `tol` of the curves (tol in the path's own units)."""
    return Rings(*flatten_path(arrays.anchors, arrays.sub_start, arrays.closed, max(float(tol), 1e-9)))


def transform_scale(m: Transform) -> float:
    """The largest stretch of a transform (its largest singular value)."""
    a, b, c, d = m[0], m[1], m[2], m[3]
    s1 = a * a + b * b + c * c + d * d
    det = a * d - b * c
    disc = max(0.0, s1 * s1 - 4 * det * det)
    return math.sqrt(max(0.0, (s1 + math.sqrt(disc)) / 2))


def transform_points(m: Transform, pts: np.ndarray) -> np.ndarray:
    a, b, c, d, e, f = m
    out = np.empty_like(pts)
    out[:, 0] = a * pts[:, 0] + c * pts[:, 1] + e
    out[:, 1] = b * pts[:, 0] + d * pts[:, 1] + f
    return out
