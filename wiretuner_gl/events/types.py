"""Every event the model allows. Past-tense facts; each carries enough to build its inverse.

Families (each shares one reducer rule, see reducer.py):
- created / deleted pairs carry the whole node, so either one inverts the other;
- field changes carry `before` and `after` of one or a few fields of one node (absolute values,
  so replaying them is a scatter and concurrent edits resolve last-writer-wins per property);
- anchor events address an anchor by its path and its key (stable under concurrent inserts).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from ..model.nodes import Anchor, AnchorKind, Artboard, Geom, Layer, Object, Path, Shape, Subpath
from ..model.values import Color, FillRule, Style, Transform

EVENT_TYPES: dict[str, type["Event"]] = {}


class Event:
    """Base of all events. Subclasses are frozen slotted dataclasses registered by KIND."""

    __slots__ = ()
    KIND: ClassVar[str]
    VERSION: ClassVar[int] = 1

    def __init_subclass__(cls, **kw):
        super().__init_subclass__(**kw)
        if "KIND" not in cls.__dict__ and not cls.__name__.startswith("_"):
            cls.KIND = cls.__name__

    def inverse(self) -> "Event":
        raise NotImplementedError

    def targets(self) -> tuple[str, ...]:
        """Ids of the nodes this event touches."""
        raise NotImplementedError


def event(cls):
    """Register an event class as a frozen slotted dataclass."""
    cls = dataclass(frozen=True, slots=True)(cls)
    EVENT_TYPES[cls.KIND] = cls
    return cls


# --------------------------------------------------------------------------- create / delete


class _Lifecycle(Event):
    __slots__ = ()
    PAIR: ClassVar[str]
    CREATES: ClassVar[bool]

    def inverse(self):
        return EVENT_TYPES[self.PAIR](self.node)

    def targets(self):
        return (self.node.id,)


@event
class ArtboardCreated(_Lifecycle):
    PAIR = "ArtboardDeleted"
    CREATES = True
    node: Artboard


@event
class ArtboardDeleted(_Lifecycle):
    PAIR = "ArtboardCreated"
    CREATES = False
    node: Artboard


@event
class LayerCreated(_Lifecycle):
    PAIR = "LayerDeleted"
    CREATES = True
    node: Layer


@event
class LayerDeleted(_Lifecycle):
    PAIR = "LayerCreated"
    CREATES = False
    node: Layer


@event
class ObjectCreated(_Lifecycle):
    PAIR = "ObjectDeleted"
    CREATES = True
    node: Object


@event
class ObjectDeleted(_Lifecycle):
    PAIR = "ObjectCreated"
    CREATES = False
    node: Object


# --------------------------------------------------------------------------- field changes


class _FieldsChanged(Event):
    """Sets FIELDS of node `id` from `before` to `after` (a tuple when several fields change)."""

    __slots__ = ()
    FIELDS: ClassVar[tuple[str, ...]]
    STRUCTURAL: ClassVar[bool] = False  # changes parent or order: the child index must be rebuilt

    def inverse(self):
        return type(self)(self.id, self.after, self.before)

    def targets(self):
        return (self.id,)

    def values(self, which: Any) -> dict[str, Any]:
        if len(self.FIELDS) == 1:
            return {self.FIELDS[0]: which}
        return dict(zip(self.FIELDS, which))


def _fields_event(name: str, fields: tuple[str, ...], value_type: Any, structural: bool = False):
    ns = {
        "__annotations__": {"id": "str", "before": value_type, "after": value_type},
        "FIELDS": fields,
        "STRUCTURAL": structural,
        "__module__": __name__,
        "__qualname__": name,
    }
    cls = type(name, (_FieldsChanged,), ns)
    return event(cls)


Rect4 = tuple[float, float, float, float]
Placement = tuple[str, str]  # (parent, order)

ArtboardRenamed = _fields_event("ArtboardRenamed", ("name",), "str")
ArtboardResized = _fields_event("ArtboardResized", ("x", "y", "width", "height"), "Rect4")
ArtboardReordered = _fields_event("ArtboardReordered", ("order",), "str", structural=True)
ArtboardBackgroundChanged = _fields_event("ArtboardBackgroundChanged", ("background",), "Color | None")

LayerRenamed = _fields_event("LayerRenamed", ("name",), "str")
LayerReordered = _fields_event("LayerReordered", ("order",), "str", structural=True)
LayerMoved = _fields_event("LayerMoved", ("artboard", "order"), "Placement", structural=True)
LayerVisibilityChanged = _fields_event("LayerVisibilityChanged", ("visible",), "bool")
LayerLockChanged = _fields_event("LayerLockChanged", ("locked",), "bool")

ObjectRenamed = _fields_event("ObjectRenamed", ("name",), "str")
ObjectReordered = _fields_event("ObjectReordered", ("order",), "str", structural=True)
ObjectReparented = _fields_event("ObjectReparented", ("parent", "order"), "Placement", structural=True)
ObjectTransformed = _fields_event("ObjectTransformed", ("transform",), "Transform")
ObjectRestyled = _fields_event("ObjectRestyled", ("style",), "Style")
ObjectVisibilityChanged = _fields_event("ObjectVisibilityChanged", ("visible",), "bool")
ObjectLockChanged = _fields_event("ObjectLockChanged", ("locked",), "bool")
GroupOpacityChanged = _fields_event("GroupOpacityChanged", ("opacity",), "float")
PathFillRuleChanged = _fields_event("PathFillRuleChanged", ("fill_rule",), "FillRule")
ShapeParametersChanged = _fields_event("ShapeParametersChanged", ("geom",), "Geom")

# --------------------------------------------------------------------------- shape <-> path


@event
class ShapeConvertedToPath(Event):
    shape: Shape
    path: Path

    def inverse(self):
        return PathRevertedToShape(self.path, self.shape)

    def targets(self):
        return (self.shape.id, self.path.id)


@event
class PathRevertedToShape(Event):
    path: Path
    shape: Shape

    def inverse(self):
        return ShapeConvertedToPath(self.shape, self.path)

    def targets(self):
        return (self.path.id, self.shape.id)


# --------------------------------------------------------------------------- anchors and subpaths


@event
class AnchorAdded(Event):
    path: str
    subpath: int
    anchor: Anchor

    def inverse(self):
        return AnchorDeleted(self.path, self.subpath, self.anchor)

    def targets(self):
        return (self.path,)


@event
class AnchorDeleted(Event):
    path: str
    subpath: int
    anchor: Anchor

    def inverse(self):
        return AnchorAdded(self.path, self.subpath, self.anchor)

    def targets(self):
        return (self.path,)


class _AnchorFieldsChanged(Event):
    __slots__ = ()
    FIELDS: ClassVar[tuple[str, ...]]

    def inverse(self):
        return type(self)(self.path, self.key, self.after, self.before)

    def targets(self):
        return (self.path,)

    def values(self, which: Any) -> dict[str, Any]:
        if len(self.FIELDS) == 1:
            return {self.FIELDS[0]: which}
        return dict(zip(self.FIELDS, which))


@event
class AnchorMoved(_AnchorFieldsChanged):
    VERSION = 2  # v1 carried x, y, old_x, old_y; see migrations.py
    FIELDS = ("x", "y")
    path: str
    key: str
    before: tuple[float, float]
    after: tuple[float, float]


@event
class HandlesMoved(_AnchorFieldsChanged):
    FIELDS = ("in_x", "in_y", "out_x", "out_y")
    path: str
    key: str
    before: Rect4
    after: Rect4


@event
class AnchorTypeChanged(_AnchorFieldsChanged):
    FIELDS = ("kind",)
    path: str
    key: str
    before: AnchorKind
    after: AnchorKind


@event
class SubpathAdded(Event):
    path: str
    index: int
    subpath: Subpath

    def inverse(self):
        return SubpathRemoved(self.path, self.index, self.subpath)

    def targets(self):
        return (self.path,)


@event
class SubpathRemoved(Event):
    path: str
    index: int
    subpath: Subpath

    def inverse(self):
        return SubpathAdded(self.path, self.index, self.subpath)

    def targets(self):
        return (self.path,)


@event
class SubpathClosureChanged(Event):
    path: str
    index: int
    before: bool
    after: bool

    def inverse(self):
        return SubpathClosureChanged(self.path, self.index, self.after, self.before)

    def targets(self):
        return (self.path,)


GEOMETRIC_KINDS = frozenset(
    {"AnchorMoved", "HandlesMoved", "ObjectTransformed", "ShapeParametersChanged", "ArtboardResized"}
)
