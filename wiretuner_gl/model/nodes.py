"""Document nodes: artboards, layers, groups, paths, parametric shapes, anchors.

Every node is a frozen dataclass. Containers do not list their children: each child names its
`parent` and an `order` key, and the Document derives the ordered child lists. That keeps an
edit local to one node (and one event), which replay, undo and collaboration all rely on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal, Union

from .values import DEFAULT_STYLE, IDENTITY, Color, FillRule, Style, Transform

AnchorKind = Literal["corner", "smooth", "symmetric"]


@dataclass(frozen=True, slots=True)
class Artboard:
    TAG: ClassVar[str] = "artboard"
    id: str
    name: str
    x: float
    y: float
    width: float
    height: float
    order: str
    background: Color | None = None


@dataclass(frozen=True, slots=True)
class Layer:
    TAG: ClassVar[str] = "layer"
    id: str
    artboard: str
    name: str
    order: str
    visible: bool = True
    locked: bool = False


@dataclass(frozen=True, slots=True)
class Group:
    TAG: ClassVar[str] = "group"
    id: str
    parent: str
    order: str
    name: str = ""
    transform: Transform = IDENTITY
    opacity: float = 1.0
    visible: bool = True
    locked: bool = False


@dataclass(frozen=True, slots=True)
class Anchor:
    """A path point. Handles are offsets from the anchor, so moving it carries them along."""

    key: str
    x: float
    y: float
    in_x: float = 0.0
    in_y: float = 0.0
    out_x: float = 0.0
    out_y: float = 0.0
    kind: AnchorKind = "corner"


@dataclass(frozen=True, slots=True)
class Subpath:
    anchors: tuple[Anchor, ...]
    closed: bool = False


@dataclass(frozen=True, slots=True)
class Path:
    TAG: ClassVar[str] = "path"
    id: str
    parent: str
    order: str
    subpaths: tuple[Subpath, ...]
    name: str = ""
    fill_rule: FillRule = "nonzero"
    style: Style = DEFAULT_STYLE
    transform: Transform = IDENTITY
    visible: bool = True
    locked: bool = False


@dataclass(frozen=True, slots=True)
class RectGeom:
    TAG: ClassVar[str] = "rect"
    x: float
    y: float
    width: float
    height: float
    # corner radii: top-left, top-right, bottom-right, bottom-left
    r_tl: float = 0.0
    r_tr: float = 0.0
    r_br: float = 0.0
    r_bl: float = 0.0


@dataclass(frozen=True, slots=True)
class EllipseGeom:
    TAG: ClassVar[str] = "ellipse"
    cx: float
    cy: float
    rx: float
    ry: float


@dataclass(frozen=True, slots=True)
class PolygonGeom:
    TAG: ClassVar[str] = "polygon"
    cx: float
    cy: float
    radius: float
    sides: int
    rotation: float = 0.0  # degrees; 0 puts the first vertex straight up


@dataclass(frozen=True, slots=True)
class StarGeom:
    TAG: ClassVar[str] = "star"
    cx: float
    cy: float
    outer: float
    inner: float
    points: int
    rotation: float = 0.0


@dataclass(frozen=True, slots=True)
class LineGeom:
    TAG: ClassVar[str] = "line"
    x1: float
    y1: float
    x2: float
    y2: float


Geom = Union[RectGeom, EllipseGeom, PolygonGeom, StarGeom, LineGeom]


@dataclass(frozen=True, slots=True)
class Shape:
    TAG: ClassVar[str] = "shape"
    id: str
    parent: str
    order: str
    geom: Geom
    name: str = ""
    style: Style = DEFAULT_STYLE
    transform: Transform = IDENTITY
    visible: bool = True
    locked: bool = False


Object = Union[Group, Path, Shape]
Node = Union[Artboard, Layer, Group, Path, Shape]
