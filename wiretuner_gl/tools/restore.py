"""'Restore this state': the events that turn the current document into a past one.

Appending them (rather than rewinding the log) keeps history append-only: the restore is one
more operation, and undoing it returns to where the user was.
"""

from __future__ import annotations

from ..events import types as T
from ..model.document import Document
from ..model.nodes import Group, Path, Shape

_OBJECT_FIELDS = [
    ("name", T.ObjectRenamed),
    ("transform", T.ObjectTransformed),
    ("visible", T.ObjectVisibilityChanged),
    ("locked", T.ObjectLockChanged),
]


def _depth(doc: Document, oid: str) -> int:
    d = 0
    node = doc.objects.get(oid)
    while node is not None and node.parent in doc.objects:
        d += 1
        node = doc.objects[node.parent]
    return d


def events_to_restore(cur: Document, past: Document) -> list[T.Event]:
    out: list[T.Event] = []
    # containers that must exist first: artboards, then layers, then objects parent-first
    for aid, a in past.artboards.items():
        if aid not in cur.artboards:
            out.append(T.ArtboardCreated(a))
    for lid, lay in past.layers.items():
        if lid not in cur.layers:
            out.append(T.LayerCreated(lay))
    # objects whose kind changed under the same id are deleted and recreated
    replaced = {i for i, o in past.objects.items() if i in cur.objects and type(cur.objects[i]) is not type(o)}
    created = [i for i in past.objects if i not in cur.objects or i in replaced]
    # changes of objects in both
    for aid, a in past.artboards.items():
        c = cur.artboards.get(aid)
        if c is None:
            continue
        if c.name != a.name:
            out.append(T.ArtboardRenamed(aid, c.name, a.name))
        if (c.x, c.y, c.width, c.height) != (a.x, a.y, a.width, a.height):
            out.append(T.ArtboardResized(aid, (c.x, c.y, c.width, c.height), (a.x, a.y, a.width, a.height)))
        if c.order != a.order:
            out.append(T.ArtboardReordered(aid, c.order, a.order))
        if c.background != a.background:
            out.append(T.ArtboardBackgroundChanged(aid, c.background, a.background))
    for lid, lay in past.layers.items():
        c = cur.layers.get(lid)
        if c is None:
            continue
        if c.name != lay.name:
            out.append(T.LayerRenamed(lid, c.name, lay.name))
        if (c.artboard, c.order) != (lay.artboard, lay.order):
            out.append(T.LayerMoved(lid, (c.artboard, c.order), (lay.artboard, lay.order)))
        if c.visible != lay.visible:
            out.append(T.LayerVisibilityChanged(lid, c.visible, lay.visible))
        if c.locked != lay.locked:
            out.append(T.LayerLockChanged(lid, c.locked, lay.locked))
    # deletions of replaced objects first (children first), so their ids are free to recreate
    gone = [i for i in cur.objects if i not in past.objects or i in replaced]
    moved_out: list[T.Event] = []
    for oid in sorted(created, key=lambda i: _depth(past, i)):
        out.append(("create", past.objects[oid]))
    for oid, o in past.objects.items():
        c = cur.objects.get(oid)
        if c is None or oid in replaced:
            continue
        if (c.parent, c.order) != (o.parent, o.order):
            moved_out.append(T.ObjectReparented(oid, (c.parent, c.order), (o.parent, o.order)))
        for f, E in _OBJECT_FIELDS:
            if getattr(c, f) != getattr(o, f):
                out.append(E(oid, getattr(c, f), getattr(o, f)))
        if isinstance(o, (Path, Shape)) and c.style != o.style:
            out.append(T.ObjectRestyled(oid, c.style, o.style))
        if isinstance(o, Group) and c.opacity != o.opacity:
            out.append(T.GroupOpacityChanged(oid, c.opacity, o.opacity))
        if isinstance(o, Path):
            if c.fill_rule != o.fill_rule:
                out.append(T.PathFillRuleChanged(oid, c.fill_rule, o.fill_rule))
            if c.subpaths != o.subpaths:
                for i in reversed(range(len(c.subpaths))):
                    out.append(T.SubpathRemoved(oid, i, c.subpaths[i]))
                for i, sp in enumerate(o.subpaths):
                    out.append(T.SubpathAdded(oid, i, sp))
        if isinstance(o, Shape) and c.geom != o.geom:
            out.append(T.ShapeParametersChanged(oid, c.geom, o.geom))
    deletions = [T.ObjectDeleted(cur.objects[i]) for i in sorted(gone, key=lambda i: -_depth(cur, i))]
    lay_del = [T.LayerDeleted(cur.layers[i]) for i in cur.layers if i not in past.layers]
    ab_del = [T.ArtboardDeleted(cur.artboards[i]) for i in cur.artboards if i not in past.artboards]
    # final order: create containers, delete replaced, create objects, move, change, delete the rest
    head = [e for e in out if isinstance(e, (T.ArtboardCreated, T.LayerCreated))]
    creates = [T.ObjectCreated(e[1]) for e in out if isinstance(e, tuple)]
    changes = [e for e in out if not isinstance(e, (tuple, T.ArtboardCreated, T.LayerCreated))]
    replaced_del = [e for e in deletions if e.node.id in replaced]
    other_del = [e for e in deletions if e.node.id not in replaced]
    # objects created under a parent that does not exist yet are created in depth order above;
    # objects moved into a new group need that group first: creations come before moves
    return head + replaced_del + creates + moved_out + changes + other_del + lay_del + ab_del
