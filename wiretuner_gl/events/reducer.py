"""The reducer: `reduce(doc, event) -> doc'`, pure and deterministic.

Internally each rule edits a transient (MutableDocument) in place, so a batch of events costs no
copies; `reduce` wraps one event, `reduce_all` a batch. Rules are looked up by event class.
"""

from __future__ import annotations

import bisect
import dataclasses
from typing import Callable, Iterable

from ..errors import ReducerError
from ..model.document import Document, MutableDocument, parent_key
from ..model.nodes import Artboard, Group, Layer, Path, Shape, Subpath
from . import types as T

Rule = Callable[[MutableDocument, T.Event], None]
_FIELDS: dict[type, tuple] = {}
_new = object.__new__
_RULES: dict[type, Rule] = {}


def replace(obj, **changes):
    """dataclasses.replace for the model's frozen slotted dataclasses (no __post_init__, no
    init=False fields): replay calls it for every event, and the stdlib version re-reads the
    fields and goes through the frozen __init__ (object.__setattr__ per field) each time; this one
    fills the slots directly. Unknown field names raise TypeError, as there."""
    cls = type(obj)
    spec = _FIELDS.get(cls)
    if spec is None:
        names = tuple(f.name for f in dataclasses.fields(cls))
        spec = _FIELDS[cls] = (frozenset(names), tuple((n, cls.__dict__[n].__set__, cls.__dict__[n].__get__) for n in names))
    if not spec[0].issuperset(changes):
        raise TypeError(f"{cls.__name__} has no field {sorted(set(changes) - spec[0])[0]!r}")
    new = _new(cls)
    for n, set_, get in spec[1]:
        set_(new, changes[n] if n in changes else get(obj))
    return new


def _rule(*classes):
    def deco(fn):
        for c in classes:
            _RULES[c] = fn
        return fn

    return deco


def _need(m: MutableDocument, node_id: str, what: str = "node"):
    n = m.get(node_id)
    if n is None:
        raise ReducerError(f"{what} {node_id} does not exist")
    return n


def _check_parent(m: MutableDocument, node) -> None:
    if isinstance(node, Layer):
        if m.artboards.get(node.artboard) is None:
            raise ReducerError(f"{node.id}: artboard {node.artboard} does not exist")
    elif not isinstance(node, Artboard):
        parent = m.get(node.parent)
        if not isinstance(parent, (Layer, Group)):
            raise ReducerError(f"{node.id}: parent {node.parent} is not an existing layer or group")


@_rule(T.ArtboardCreated, T.LayerCreated, T.ObjectCreated)
def _create(m, e):
    node = e.node
    table = m.table(node.id)
    if table.get(node.id) is not None:
        raise ReducerError(f"{node.id} already exists")
    _check_parent(m, node)
    table[node.id] = node
    m.note_child(parent_key(node), 1)
    m.structure_changed = True


@_rule(T.ArtboardDeleted, T.LayerDeleted, T.ObjectDeleted)
def _delete(m, e):
    node_id = e.node.id
    node = _need(m, node_id)
    if not isinstance(node, (Path, Shape)) and m.has_children(node_id):
        raise ReducerError(f"{node_id} still has children; delete them first")
    del m.table(node_id)[node_id]
    m.note_child(parent_key(node), -1)
    m.structure_changed = True


def _set_fields(m, e):
    node = _need(m, e.id)
    values = e.values(e.after)
    try:
        new = replace(node, **values)
    except TypeError:
        raise ReducerError(f"{e.KIND} does not apply to {type(node).__name__} {e.id}") from None
    if e.STRUCTURAL:
        _check_parent(m, new)
        if isinstance(new, Group) and _is_ancestor(m, new.id, new.parent):
            raise ReducerError(f"{new.id} cannot move inside itself")
        old_parent, new_parent = parent_key(node), parent_key(new)
        if old_parent != new_parent:
            m.note_child(old_parent, -1)
            m.note_child(new_parent, 1)
        m.structure_changed = True
    m.table(e.id)[e.id] = new


def _is_ancestor(m, ancestor: str, node_id: str) -> bool:
    while node_id and not node_id.startswith(("layer:", "artboard:")):
        if node_id == ancestor:
            return True
        n = m.get(node_id)
        node_id = getattr(n, "parent", None)
    return False


for _cls in T.EVENT_TYPES.values():
    if issubclass(_cls, T._FieldsChanged):
        _RULES[_cls] = _set_fields


@_rule(T.ShapeConvertedToPath, T.PathRevertedToShape)
def _convert(m, e):
    old, new = (e.shape, e.path) if isinstance(e, T.ShapeConvertedToPath) else (e.path, e.shape)
    current = _need(m, old.id, "object")
    if old.id != new.id and m.objects.get(new.id) is not None:
        raise ReducerError(f"{new.id} already exists")
    _check_parent(m, new)  # (a concurrent edit may have deleted the container it names)
    del m.objects[old.id]
    m.objects[new.id] = new
    # The converted node sits where the event says; where a concurrent reparent had moved the
    # original, the child counts must follow, or has_children (base index + counted changes)
    # would answer differently replaying the log at once than event by event.
    before, after = parent_key(current), parent_key(new)
    if before != after:
        m.note_child(before, -1)
        m.note_child(after, 1)
    m.structure_changed = True


def _path(m, path_id: str) -> Path:
    p = m.objects.get(path_id)
    if not isinstance(p, Path):
        raise ReducerError(f"path {path_id} does not exist")
    return p


def _subpath_index(p: Path, index: int) -> int:
    if not 0 <= index < len(p.subpaths):
        raise ReducerError(f"{p.id} has no subpath {index}")
    return index


def _with_subpath(p: Path, index: int, sp: Subpath) -> Path:
    return replace(p, subpaths=p.subpaths[:index] + (sp,) + p.subpaths[index + 1 :])


@_rule(T.AnchorAdded)
def _anchor_added(m, e):
    p = _path(m, e.path)
    i = _subpath_index(p, e.subpath)
    sp = p.subpaths[i]
    keys = [a.key for a in sp.anchors]
    at = bisect.bisect_left(keys, e.anchor.key)
    if at < len(keys) and keys[at] == e.anchor.key:
        raise ReducerError(f"{e.path} already has anchor {e.anchor.key}")
    anchors = sp.anchors[:at] + (e.anchor,) + sp.anchors[at:]
    m.objects[e.path] = _with_subpath(p, i, Subpath(anchors, sp.closed))


def _find_anchor(p: Path, key: str) -> tuple[int, int]:
    for si, sp in enumerate(p.subpaths):
        for ai, a in enumerate(sp.anchors):
            if a.key == key:
                return si, ai
    raise ReducerError(f"{p.id} has no anchor {key}")


@_rule(T.AnchorDeleted)
def _anchor_deleted(m, e):
    p = _path(m, e.path)
    si, ai = _find_anchor(p, e.anchor.key)
    sp = p.subpaths[si]
    m.objects[e.path] = _with_subpath(p, si, Subpath(sp.anchors[:ai] + sp.anchors[ai + 1 :], sp.closed))


def _anchor_fields(m, e):
    p = _path(m, e.path)
    si, ai = _find_anchor(p, e.key)
    sp = p.subpaths[si]
    a = replace(sp.anchors[ai], **e.values(e.after))
    m.objects[e.path] = _with_subpath(p, si, Subpath(sp.anchors[:ai] + (a,) + sp.anchors[ai + 1 :], sp.closed))


for _cls in (T.AnchorMoved, T.HandlesMoved, T.AnchorTypeChanged):
    _RULES[_cls] = _anchor_fields


@_rule(T.SubpathAdded)
def _subpath_added(m, e):
    p = _path(m, e.path)
    if not 0 <= e.index <= len(p.subpaths):
        raise ReducerError(f"{p.id}: cannot insert subpath at {e.index}")
    m.objects[e.path] = replace(p, subpaths=p.subpaths[: e.index] + (e.subpath,) + p.subpaths[e.index :])


@_rule(T.SubpathRemoved)
def _subpath_removed(m, e):
    p = _path(m, e.path)
    i = _subpath_index(p, e.index)
    m.objects[e.path] = replace(p, subpaths=p.subpaths[:i] + p.subpaths[i + 1 :])


@_rule(T.SubpathClosureChanged)
def _closure(m, e):
    p = _path(m, e.path)
    i = _subpath_index(p, e.index)
    sp = p.subpaths[i]
    m.objects[e.path] = _with_subpath(p, i, Subpath(sp.anchors, e.after))


def apply(m: MutableDocument, e: T.Event) -> None:
    """Apply one event to a transient in place (raises ReducerError if it cannot apply)."""
    rule = _RULES.get(type(e))
    if rule is None:
        raise ReducerError(f"no reducer rule for {type(e).__name__}")
    rule(m, e)


def reduce(doc: Document, e: T.Event) -> Document:
    m = doc.mutate()
    apply(m, e)
    return m.finish()


def reduce_all(doc: Document, events: Iterable[T.Event]) -> Document:
    """Apply events in order; all or nothing (the input doc is never changed)."""
    m = doc.mutate()
    for e in events:
        apply(m, e)
    return m.finish()


missing = [c.__name__ for c in T.EVENT_TYPES.values() if c not in _RULES]
if missing:  # every event type must have a rule; fail at import, not at replay
    raise RuntimeError(f"event types without reducer rules: {missing}")
