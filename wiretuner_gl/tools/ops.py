"""Editing operations as pure functions: (document, selection) -> events. Undo is the log's job."""

from __future__ import annotations

from dataclasses import replace
from typing import Callable, Sequence

from ..events import types as T
from ..model.document import Document
from ..model.ids import key_between
from ..model.nodes import Group, Path, Shape
from ..model.values import Transform, compose, invert, translate
from ._geom import parent_transform


def world_change(doc: Document, obj_id: str, w: Transform, base: Document | None = None) -> T.Event:
    """ObjectTransformed that applies document-space transform w to an object (measured from base)."""
    src = base or doc
    node = src.objects[obj_id]
    p = parent_transform(src, obj_id)
    new = compose(invert(p), compose(w, compose(p, node.transform)))
    return T.ObjectTransformed(obj_id, node.transform, new)


def transform_all(doc: Document, ids: Sequence[str], w: Transform) -> list[T.Event]:
    return [world_change(doc, i, w) for i in ids if i in doc.objects]


def nudge(doc: Document, ids: Sequence[str], dx: float, dy: float) -> list[T.Event]:
    return transform_all(doc, ids, translate(dx, dy))


def delete(doc: Document, ids: Sequence[str]) -> list[T.Event]:
    """Delete objects and everything inside them, children first."""
    events: list[T.Event] = []
    seen: set[str] = set()
    for i in ids:
        if i not in doc.objects or i in seen:
            continue
        subtree = [i] + doc.descendants(i)
        seen.update(subtree)
        for n in reversed(subtree):
            events.append(T.ObjectDeleted(doc.objects[n]))
    return events


def _siblings_sorted(doc: Document, ids: Sequence[str]) -> list[str]:
    pos = {oid: n for n, oid in enumerate(_all_in_order(doc))}
    return sorted((i for i in ids if i in doc.objects), key=lambda i: pos.get(i, 0))


def _all_in_order(doc: Document) -> list[str]:
    out = []
    for ab in doc.children():
        for layer in doc.children(ab):
            out.extend(doc.descendants(layer))
    return out


def group(doc: Document, ids: Sequence[str], new_id: Callable[[str], str]) -> tuple[list[T.Event], str | None]:
    """Put the selection in a new group where its topmost member was; keeps paint order."""
    members = _siblings_sorted(doc, ids)
    if not members:
        return [], None
    top = doc.objects[members[-1]]
    gid = new_id("group")
    g = Group(gid, top.parent, _after(doc, top.parent, top.order))
    events: list[T.Event] = [T.ObjectCreated(g)]
    keys = _keys(len(members))
    for m, k in zip(members, keys):
        node = doc.objects[m]
        # the new group has the identity transform; members from a differently transformed parent
        # keep their world position by folding the difference into their own transform
        p_old = parent_transform(doc, m)
        p_new = parent_transform(doc, top.id)
        if p_old != p_new:
            events.append(T.ObjectTransformed(m, node.transform, compose(invert(p_new), compose(p_old, node.transform))))
        events.append(T.ObjectReparented(m, (node.parent, node.order), (gid, k)))
    return events, gid


def ungroup(doc: Document, ids: Sequence[str]) -> tuple[list[T.Event], list[str]]:
    """Move the children of each selected group to the group's place, folding its transform in."""
    events: list[T.Event] = []
    released: list[str] = []
    for gid in ids:
        g = doc.objects.get(gid)
        if not isinstance(g, Group):
            continue
        kids = list(doc.children(gid))
        nxt = _next_sibling_order(doc, g)
        keys = _keys_between(g.order, nxt, len(kids))
        for k, c in zip(keys, kids):
            node = doc.objects[c]
            events.append(T.ObjectTransformed(c, node.transform, compose(g.transform, node.transform)))
            events.append(T.ObjectReparented(c, (gid, node.order), (g.parent, k)))
            released.append(c)
        events.append(T.ObjectDeleted(g))
    return events, released


def duplicate(doc: Document, ids: Sequence[str], new_id: Callable[[str], str], offset: tuple[float, float] = (10.0, 10.0)) -> tuple[list[T.Event], list[str]]:
    """Copies (with their subtrees) just above each original, moved by offset."""
    events: list[T.Event] = []
    copies: list[str] = []
    for oid in _siblings_sorted(doc, ids):
        node = doc.objects[oid]
        order = key_between(node.order, _next_sibling_order(doc, node))
        cid = _copy_tree(doc, oid, node.parent, order, new_id, events)
        copies.append(cid)
    moved = []
    for e in events:  # the offset is applied in each copy's parent space
        if isinstance(e, T.ObjectCreated) and e.node.id in copies:
            n = e.node
            e = T.ObjectCreated(replace(n, transform=compose(translate(*offset), n.transform)))
        moved.append(e)
    return moved, copies


def _copy_tree(doc, oid, parent, order, new_id, events) -> str:
    node = doc.objects[oid]
    cid = new_id(node.TAG)
    events.append(T.ObjectCreated(replace(node, id=cid, parent=parent, order=order)))
    for c in doc.children(oid):
        _copy_tree(doc, c, cid, doc.objects[c].order, new_id, events)
    return cid


def _next_sibling_order(doc: Document, node) -> str | None:
    sibs = doc.children(node.parent)
    i = sibs.index(node.id)
    return doc.get(sibs[i + 1]).order if i + 1 < len(sibs) else None


def _after(doc: Document, parent: str, order: str) -> str:
    sibs = doc.children(parent)
    orders = [doc.get(s).order for s in sibs]
    later = [o for o in orders if o > order]
    return key_between(order, min(later) if later else None)


def _keys(n: int) -> list[str]:
    return _keys_between(None, None, n)


def _keys_between(a, b, n):
    from ..model.ids import keys_between

    return keys_between(a, b, n) if n else []


def restack(doc: Document, ids: Sequence[str], forward: bool) -> list[T.Event]:
    """Bring each selected object one step forward (or send it one step backward) among its siblings."""
    events: list[T.Event] = []
    work = doc
    order = _siblings_sorted(doc, ids)
    for oid in (reversed(order) if forward else order):
        node = work.objects[oid]
        sibs = list(work.children(node.parent))
        i = sibs.index(oid)
        j = i + 1 if forward else i - 1
        if not 0 <= j < len(sibs) or sibs[j] in ids:
            continue
        if forward:
            a = work.get(sibs[j]).order
            b = work.get(sibs[j + 1]).order if j + 1 < len(sibs) else None
        else:
            a = work.get(sibs[j - 1]).order if j - 1 >= 0 else None
            b = work.get(sibs[j]).order
        e = T.ObjectReordered(oid, node.order, key_between(a, b))
        events.append(e)
        from ..events.reducer import reduce

        work = reduce(work, e)
    return events


def convert_to_path(doc: Document, shape_id: str, new_id: Callable[[str], str]) -> tuple[list[T.Event], str | None]:
    from ..model.shapes import shape_to_path

    s = doc.objects.get(shape_id)
    if not isinstance(s, Shape):
        return [], None
    p = shape_to_path(s, new_id("path"))
    return [T.ShapeConvertedToPath(s, p)], p.id


def find_anchor(p: Path, key: str):
    for si, sp in enumerate(p.subpaths):
        for ai, a in enumerate(sp.anchors):
            if a.key == key:
                return si, ai, a
    return None


def move_above(doc: Document, moving: str, target: str) -> list[T.Event]:
    """Put object `moving` just in front of `target` (a sibling anywhere in the tree), or on top
    of a layer's contents when `target` is a layer (the layers panel's drag and drop)."""
    from ..model.nodes import Layer

    node = doc.objects.get(moving)
    tnode = doc.get(target)
    if node is None or tnode is None or moving == target:
        return []
    if isinstance(tnode, Layer):
        kids = [k for k in doc.children(target) if k != moving]
        parent, order = target, key_between(doc.get(kids[-1]).order if kids else None, None)
    else:
        if _inside(doc, tnode.id, moving):
            return []  # a group cannot go inside itself
        parent = tnode.parent
        sibs = [s for s in doc.children(parent) if s != moving]
        i = sibs.index(target)
        after = doc.get(sibs[i + 1]).order if i + 1 < len(sibs) else None
        order = key_between(tnode.order, after)
    if (node.parent, node.order) == (parent, order):
        return []
    return [T.ObjectReparented(moving, (node.parent, node.order), (parent, order))]


def _inside(doc: Document, node_id: str, ancestor: str) -> bool:
    n = doc.objects.get(node_id)
    while n is not None:
        if n.parent == ancestor:
            return True
        n = doc.objects.get(n.parent)
    return False
