"""Immutable document values with typed ids. No GL, windows or I/O here."""

from .document import ROOT, Document, MutableDocument, canonical_json
from .ids import IdFactory, key_between, keys_between, kind_of, new_actor_id
from .nodes import (
    Anchor,
    Artboard,
    EllipseGeom,
    Geom,
    Group,
    Layer,
    LineGeom,
    Node,
    Object,
    Path,
    PolygonGeom,
    RectGeom,
    Shape,
    StarGeom,
    Subpath,
)
from .shapes import geom_outline, shape_to_path
from .values import (
    BLACK,
    DEFAULT_STYLE,
    IDENTITY,
    Color,
    GradientStop,
    LinearGradient,
    Paint,
    RadialGradient,
    Stroke,
    Style,
    Transform,
)

__all__ = [n for n in dir() if not n.startswith("_")]
