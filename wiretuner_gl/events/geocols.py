"""Numeric columns for geometric events, written beside the JSON payload (schema v2).

A geometric event (anchor/handle move, transform, shape parameters, artboard rect) sets a few
floats of one *target*. The log row gets the target as text (`gtarget`) and the values as ten
little-endian float64 (`gval`: the kind code, then up to nine values), so replay kernels read a
batch straight into a numpy array without JSON. Targets (fields groups are disjoint):

  A\\x1f<path>\\x1f<anchor key>   anchor slot: x, y, in_x, in_y, out_x, out_y
  T\\x1f<id>                      transform slot: a b c d e f
  G\\x1f<id>                      geometry slot: geom type code, then its parameters
  R\\x1f<id>                      artboard rect slot: x, y, width, height

This module stays free of numpy and numba: `EventStore.append` imports it.
"""

from __future__ import annotations

import struct

from ..model.nodes import EllipseGeom, LineGeom, PolygonGeom, RectGeom, StarGeom

SEP = "\x1f"
WIDTH = 10  # float64 per gval row
_PACK = struct.Struct("<10d").pack

# kind code -> (offset in the slot, number of values)
ANCHOR_MOVED, HANDLES_MOVED, TRANSFORMED, GEOM_CHANGED, ARTBOARD_RESIZED = 1, 2, 3, 4, 5
LAYOUT = {ANCHOR_MOVED: (0, 2), HANDLES_MOVED: (2, 4), TRANSFORMED: (0, 6), GEOM_CHANGED: (0, 9), ARTBOARD_RESIZED: (0, 4)}

GEOM_CLASSES = (RectGeom, EllipseGeom, PolygonGeom, StarGeom, LineGeom)  # code = index + 1
GEOM_CODE = {cls: i + 1 for i, cls in enumerate(GEOM_CLASSES)}
GEOM_FIELDS = {
    RectGeom: ("x", "y", "width", "height", "r_tl", "r_tr", "r_br", "r_bl"),
    EllipseGeom: ("cx", "cy", "rx", "ry"),
    PolygonGeom: ("cx", "cy", "radius", "sides", "rotation"),
    StarGeom: ("cx", "cy", "outer", "inner", "points", "rotation"),
    LineGeom: ("x1", "y1", "x2", "y2"),
}
GEOM_INT_FIELDS = {"sides", "points"}


def geom_values(g) -> list[float]:
    cls = type(g)
    out = [float(GEOM_CODE[cls])]
    for f in GEOM_FIELDS[cls]:
        v = getattr(g, f)
        fv = float(v)
        if f in GEOM_INT_FIELDS and fv != v:
            raise ValueError(f"{f} {v} is not exact as a float")
        out.append(fv)
    return out


def geom_from_values(vals) -> object:
    """The geom for a geometry slot row [code, p0, p1, ...] (Python floats)."""
    cls = GEOM_CLASSES[int(vals[0]) - 1]
    fields = GEOM_FIELDS[cls]
    args = [int(v) if f in GEOM_INT_FIELDS else v for f, v in zip(fields, vals[1:])]
    return cls(*args)


_KINDS = frozenset({"AnchorMoved", "HandlesMoved", "ObjectTransformed", "ShapeParametersChanged", "ArtboardResized"})
_KEYED = frozenset({"AnchorMoved", "HandlesMoved"})


def columns(e) -> tuple[str | None, bytes | None]:
    """(gtarget, gval) for a geometric event, (None, None) for any other."""
    kind = e.KIND
    if kind not in _KINDS:
        return None, None
    try:
        if any(SEP in t for t in e.targets()) or (kind in _KEYED and SEP in e.key):
            return None, None  # an id or key holding the separator: JSON alone carries it
        if kind == "AnchorMoved":
            x, y = e.after
            return f"A{SEP}{e.path}{SEP}{e.key}", _PACK(ANCHOR_MOVED, x, y, 0, 0, 0, 0, 0, 0, 0)
        if kind == "HandlesMoved":
            return f"A{SEP}{e.path}{SEP}{e.key}", _PACK(HANDLES_MOVED, *e.after, 0, 0, 0, 0, 0)
        if kind == "ObjectTransformed":
            return f"T{SEP}{e.id}", _PACK(TRANSFORMED, *e.after, 0, 0, 0)
        if kind == "ShapeParametersChanged":
            v = geom_values(e.after)
            return f"G{SEP}{e.id}", _PACK(GEOM_CHANGED, *v, *([0.0] * (9 - len(v))))
        if kind == "ArtboardResized":
            return f"R{SEP}{e.id}", _PACK(ARTBOARD_RESIZED, *e.after, 0, 0, 0, 0, 0)
    except (struct.error, TypeError, ValueError, KeyError):
        return None, None  # odd values (e.g. a huge int): JSON alone carries it, replay takes the slow path
    return None, None
