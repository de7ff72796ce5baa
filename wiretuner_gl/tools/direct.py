"""Direct selection tool (A): anchors and handles.

Click an anchor (shift adds), drag anchors or a handle, marquee anchors, Alt-click an anchor to
convert it (corner <-> smooth), Alt-click a segment to insert an anchor there, Delete removes the
selected anchors, Shift+C cycles corner -> smooth -> symmetric. Pressing on a shape's anchor
converts the shape to a path first, inside the same gesture (one undo step).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..events import types as T
from ..model.document import Document
from ..model.ids import key_between
from ..model.nodes import Anchor, Path, Shape
from ..model.shapes import shape_to_path
from ..model.values import apply, invert
from . import _geom as G
from .api import (Abort, Apply, Begin, Commit, Deactivate, GestureApply, KeyDown, Overlay, PointerDown,
                  PointerMove, PointerUp, Select, SelectAnchors, Idle, StateTool, Update)
from .selection import DRAG_PX, Marquee, object_commands

HIT_PX = 6.0
KINDS = ("corner", "smooth", "symmetric")


@dataclass(frozen=True)
class Pressed:
    x: float
    y: float
    sx: float
    sy: float
    target: tuple | None  # (path id, key, part) with part "anchor" | "in" | "out"
    convert: Shape | None  # a shape whose outline was hit: it becomes a path when the drag starts


@dataclass(frozen=True)
class Dragging:
    x: float
    y: float
    part: str
    target: tuple
    anchors: frozenset  # (path, key) being moved
    base: Document


def _editable_paths(ctx):
    """Objects whose anchors are shown: the selected leaves, else nothing."""
    out = []
    for i in ctx.selection:
        n = ctx.doc.objects.get(i)
        if isinstance(n, (Path, Shape)):
            out.append(i)
        elif n is not None:
            out.extend(d for d in ctx.doc.descendants(i) if isinstance(ctx.doc.objects.get(d), (Path, Shape)))
    return out


def _anchor_at(ctx, x, y):
    """(object id, key or index, part) of the anchor or handle under (x, y)."""
    tol = HIT_PX / ctx.view.zoom
    best = None
    for oid in _editable_paths(ctx):
        node = ctx.doc.objects[oid]
        m = G.world_transform(ctx.doc, oid)
        if isinstance(node, Shape):
            for i, a in enumerate(G.outline(node)[0][0]):
                px, py = apply(m, a[0], a[1])
                d = math.hypot(px - x, py - y)
                if d <= tol and (best is None or d < best[0]):
                    best = (d, (oid, i, "anchor"))
            continue
        for sp in node.subpaths:
            for a in sp.anchors:
                pts = G.anchor_world(node, m, a)
                parts = ["anchor"]
                if (oid, a.key) in ctx.anchor_selection:
                    parts += ["in", "out"]
                for part in parts:
                    if part != "anchor" and pts[part] == pts["anchor"]:
                        continue
                    px, py = pts[part]
                    d = math.hypot(px - x, py - y)
                    if d <= tol and (best is None or d < best[0] - 1e-9):
                        best = (d, (oid, a.key, part))
    return best[1] if best else None


class DirectSelectionTool(StateTool):
    NAME = "direct"
    LABEL = "Direct selection"
    SHORTCUT = "A"

    def transition(self, state, msg, ctx):
        if isinstance(msg, Deactivate):
            return Idle(), ([Commit()] if isinstance(state, Dragging) else [])
        if isinstance(msg, KeyDown):
            return self._key(state, msg, ctx)
        if isinstance(state, Idle) and isinstance(msg, PointerDown):
            return self._down(msg, ctx)
        if isinstance(state, Pressed):
            if isinstance(msg, PointerMove) and math.hypot(msg.sx - state.sx, msg.sy - state.sy) >= DRAG_PX:
                if state.target is None:
                    return Marquee(state.x, state.y, msg.x, msg.y, "shift" in msg.mods), []
                return self._start_drag(state, msg, ctx)
            if isinstance(msg, PointerUp):
                return Idle(), []
            return state, []
        if isinstance(state, Dragging):
            if isinstance(msg, PointerMove):
                return state, [Update(tuple(self._drag_events(state, msg, ctx)))]
            if isinstance(msg, PointerUp):
                return Idle(), [Commit()]
        if isinstance(state, Marquee):
            if isinstance(msg, PointerMove):
                return Marquee(state.x, state.y, msg.x, msg.y, state.add), []
            if isinstance(msg, PointerUp):
                return Idle(), self._marquee(state, msg, ctx)
        return state, []

    # ------------------------------------------------------------------ pointer
    def _down(self, msg, ctx):
        hit = _anchor_at(ctx, msg.x, msg.y)
        if hit is not None:
            oid, key, part = hit
            node = ctx.doc.objects[oid]
            if isinstance(node, Shape):
                return Pressed(msg.x, msg.y, msg.sx, msg.sy, hit, node), []
            if "alt" in msg.mods and part == "anchor":
                return Idle(), self._convert_anchor(ctx, node, key)
            sel = ctx.anchor_selection
            if part == "anchor":
                if "shift" in msg.mods:
                    sel = sel ^ {(oid, key)}
                elif (oid, key) not in sel:
                    sel = frozenset({(oid, key)})
            return Pressed(msg.x, msg.y, msg.sx, msg.sy, hit, None), [SelectAnchors(frozenset(sel))]
        obj = G.pick(ctx.doc, msg.x, msg.y, ctx.tolerance())
        if obj is not None:
            node = ctx.doc.objects[obj]
            if "alt" in msg.mods and isinstance(node, Path):
                return Idle(), self._insert_anchor(ctx, node, msg.x, msg.y)
            intents = [Select((obj,))] if obj not in ctx.selection else []
            if "shift" not in msg.mods:
                intents.append(SelectAnchors(frozenset()))
            return Pressed(msg.x, msg.y, msg.sx, msg.sy, None, None), intents
        intents = [] if "shift" in msg.mods else [SelectAnchors(frozenset())]
        return Pressed(msg.x, msg.y, msg.sx, msg.sy, None, None), intents

    def _start_drag(self, state, msg, ctx):
        oid, key, part = state.target
        intents = [Begin()]
        base = ctx.doc
        anchors = ctx.anchor_selection
        if state.convert is not None:
            path = shape_to_path(state.convert, ctx.new_id("path"))
            ev = T.ShapeConvertedToPath(state.convert, path)
            intents.append(GestureApply((ev,)))
            from ..events.reducer import reduce

            base = reduce(base, ev)
            key = path.subpaths[0].anchors[key].key
            oid = path.id
            anchors = frozenset({(oid, key)})
            intents += [Select((oid,)), SelectAnchors(anchors)]
        if part == "anchor" and (oid, key) not in anchors:
            anchors = frozenset({(oid, key)})
        d = Dragging(state.x, state.y, part, (oid, key, part), anchors if part == "anchor" else frozenset(), base)
        return d, intents + [Update(tuple(self._drag_events(d, msg, ctx)))]

    def _drag_events(self, d: Dragging, msg, ctx):
        base = d.base
        if d.part == "anchor":
            out = []
            # snap the grabbed anchor; every selected anchor moves by the same amount
            oid, key, _ = d.target
            grabbed = _find(base.objects[oid], key)
            m = G.world_transform(base, oid)
            gx, gy = apply(m, grabbed.x, grabbed.y)
            tx, ty = gx + msg.x - d.x, gy + msg.y - d.y
            if "shift" in msg.mods:
                if abs(msg.x - d.x) > abs(msg.y - d.y):
                    ty = gy
                else:
                    tx = gx
            exclude = tuple({p for p, _ in d.anchors})
            tx, ty = ctx.snap(tx, ty, exclude=exclude)
            dxw, dyw = tx - gx, ty - gy
            for pid, k in d.anchors:
                p = base.objects.get(pid)
                a = _find(p, k) if isinstance(p, Path) else None
                if a is None:
                    continue
                inv = invert(G.world_transform(base, pid))
                wx, wy = apply(G.world_transform(base, pid), a.x, a.y)
                nx, ny = apply(inv, wx + dxw, wy + dyw)
                out.append(T.AnchorMoved(pid, k, (a.x, a.y), (nx, ny)))
            return out
        oid, key, part = d.target
        p = base.objects[oid]
        a = _find(p, key)
        inv = invert(G.world_transform(base, oid))
        hx, hy = apply(inv, msg.x, msg.y)
        ox, oy = hx - a.x, hy - a.y
        if part == "in":
            new = [ox, oy, a.out_x, a.out_y]
            other = (2, 3)
        else:
            new = [a.in_x, a.in_y, ox, oy]
            other = (0, 1)
        if "alt" not in msg.mods and a.kind != "corner":
            if a.kind == "symmetric":
                new[other[0]], new[other[1]] = -ox, -oy
            else:  # smooth: the opposite handle keeps its length and stays collinear
                olen = math.hypot(*(a.in_x, a.in_y) if part == "out" else (a.out_x, a.out_y))
                ln = math.hypot(ox, oy) or 1.0
                new[other[0]], new[other[1]] = -ox / ln * olen, -oy / ln * olen
        events = [T.HandlesMoved(oid, key, (a.in_x, a.in_y, a.out_x, a.out_y), tuple(new))]
        if "alt" in msg.mods and a.kind != "corner":
            events.append(T.AnchorTypeChanged(oid, key, a.kind, "corner"))
        return events

    def _marquee(self, state, msg, ctx):
        x0, x1 = sorted((state.x, msg.x))
        y0, y1 = sorted((state.y, msg.y))
        found = set(ctx.anchor_selection) if state.add else set()
        objs = []
        for oid in G.in_rect(ctx.doc, (x0, y0, x1, y1)):
            node = ctx.doc.objects[oid]
            if not isinstance(node, Path):
                continue
            m = G.world_transform(ctx.doc, oid)
            for sp in node.subpaths:
                for a in sp.anchors:
                    px, py = apply(m, a.x, a.y)
                    if x0 <= px <= x1 and y0 <= py <= y1:
                        found.add((oid, a.key))
                        if oid not in objs:
                            objs.append(oid)
        sel = tuple(dict.fromkeys((ctx.selection if state.add else ()) + tuple(objs)))
        return [Select(sel), SelectAnchors(frozenset(found))]

    # ------------------------------------------------------------------ anchor edits
    def _convert_anchor(self, ctx, p: Path, key: str, to: str | None = None):
        a = _find(p, key)
        if to is None:
            to = "corner" if a.kind != "corner" else "smooth"
        events = [T.AnchorTypeChanged(p.id, key, a.kind, to)]
        before = (a.in_x, a.in_y, a.out_x, a.out_y)
        if to == "corner":
            after = (0.0, 0.0, 0.0, 0.0)
        else:
            after = _smooth_handles(p, key) if before == (0.0, 0.0, 0.0, 0.0) else before
            if to == "symmetric":
                ln = (math.hypot(after[0], after[1]) + math.hypot(after[2], after[3])) / 2
                ang = math.atan2(after[3] - after[1], after[2] - after[0])
                after = (-math.cos(ang) * ln, -math.sin(ang) * ln, math.cos(ang) * ln, math.sin(ang) * ln)
        if after != before:
            events.append(T.HandlesMoved(p.id, key, before, after))
        return [Apply(tuple(events)), SelectAnchors(frozenset({(p.id, key)}))]

    def _insert_anchor(self, ctx, p: Path, x, y):
        near = G.nearest_on_path(ctx.doc, p.id, x, y)
        if near is None or near[0] > ctx.tolerance() * 2:
            return []
        _, si, gi, t = near
        sp = p.subpaths[si]
        anchors = sp.anchors
        a, b = anchors[gi], anchors[(gi + 1) % len(anchors)]
        seg = ((a.x, a.y), (a.x + a.out_x, a.y + a.out_y), (b.x + b.in_x, b.y + b.in_y), (b.x, b.y))
        left, right = G.split_cubic(seg, t)
        mx, my = left[3]
        if gi + 1 < len(anchors):
            key = key_between(a.key, b.key)
        else:  # the closing segment: after the last anchor
            key = key_between(a.key, None)
        kind = "corner" if seg[1] == seg[0] and seg[2] == seg[3] else "smooth"
        new = Anchor(key, mx, my, left[2][0] - mx, left[2][1] - my, right[1][0] - mx, right[1][1] - my, kind)
        events = [
            T.HandlesMoved(p.id, a.key, (a.in_x, a.in_y, a.out_x, a.out_y), (a.in_x, a.in_y, left[1][0] - a.x, left[1][1] - a.y)),
            T.HandlesMoved(p.id, b.key, (b.in_x, b.in_y, b.out_x, b.out_y), (right[2][0] - b.x, right[2][1] - b.y, b.out_x, b.out_y)),
            T.AnchorAdded(p.id, si, new),
        ]
        events = [e for e in events if not (isinstance(e, T.HandlesMoved) and e.before == e.after)]
        return [Apply(tuple(events)), SelectAnchors(frozenset({(p.id, key)}))]

    def _key(self, state, msg, ctx):
        if msg.key == "Escape":
            if isinstance(state, Dragging):
                return Idle(), [Abort()]
            if isinstance(state, Idle):
                return state, [SelectAnchors(frozenset())] if ctx.anchor_selection else [Select(())]
            return Idle(), []
        if not isinstance(state, Idle):
            return state, []
        sel = [(pid, k) for pid, k in ctx.anchor_selection if isinstance(ctx.doc.objects.get(pid), Path)]
        if msg.key in ("Delete", "Backspace") and sel:
            return state, [Apply(tuple(_delete_anchors(ctx.doc, sel))), SelectAnchors(frozenset())]
        if msg.key == "C" and "shift" in msg.mods and sel:
            events = []
            for pid, k in sel:
                p = ctx.doc.objects[pid]
                a = _find(p, k)
                to = KINDS[(KINDS.index(a.kind) + 1) % 3]
                events.extend(self._convert_anchor(ctx, p, k, to)[0].events)
            return state, [Apply(tuple(events))]
        if msg.key in ("Left", "Right", "Up", "Down") and sel:
            d = 10.0 if "shift" in msg.mods else 1.0
            dx, dy = {"Left": (-d, 0), "Right": (d, 0), "Up": (0, -d), "Down": (0, d)}[msg.key]
            events = []
            for pid, k in sel:
                a = _find(ctx.doc.objects[pid], k)
                m = G.world_transform(ctx.doc, pid)
                wx, wy = apply(m, a.x, a.y)
                events.append(T.AnchorMoved(pid, k, (a.x, a.y), apply(invert(m), wx + dx, wy + dy)))
            return state, [Apply(tuple(events))]
        return state, object_commands(msg, ctx) or []

    def convert_intents(self, ctx, to: str) -> list:
        """Set the type of every selected anchor (used by the properties panel)."""
        events = []
        for pid, k in ctx.anchor_selection:
            p = ctx.doc.objects.get(pid)
            if isinstance(p, Path) and _find(p, k) is not None and _find(p, k).kind != to:
                events.extend(self._convert_anchor(ctx, p, k, to)[0].events)
        return [Apply(tuple(events))] if events else []

    # ------------------------------------------------------------------ overlay
    def overlay(self, state, ctx):
        out = []
        for oid in _editable_paths(ctx):
            node = ctx.doc.objects[oid]
            m = G.world_transform(ctx.doc, oid)
            for pts, closed in G.flatten(node, m, 0.5 / ctx.view.zoom):
                out.append(Overlay("polygon" if closed else "polyline", tuple(pts)))
            if isinstance(node, Shape):
                for a in G.outline(node)[0][0]:
                    out.append(Overlay("handle", (apply(m, a[0], a[1]),), (0.1, 0.5, 1.0, 1.0), False))
                continue
            for sp in node.subpaths:
                for a in sp.anchors:
                    w = G.anchor_world(node, m, a)
                    selected = (oid, a.key) in ctx.anchor_selection
                    if selected:
                        for part in ("in", "out"):
                            if w[part] != w["anchor"]:
                                out.append(Overlay("polyline", (w["anchor"], w[part])))
                                out.append(Overlay("dot", (w[part],)))
                    out.append(Overlay("handle", (w["anchor"],), (0.1, 0.5, 1.0, 1.0), selected))
        if isinstance(state, Marquee):
            out.append(Overlay("rect", ((state.x, state.y), (state.cx, state.cy)), (0.1, 0.5, 1.0, 0.8)))
        return out


def _find(p: Path, key: str) -> Anchor | None:
    for sp in p.subpaths:
        for a in sp.anchors:
            if a.key == key:
                return a
    return None


def _smooth_handles(p: Path, key: str):
    """Handles for a corner made smooth: along the line through its neighbours, a third of the way."""
    for sp in p.subpaths:
        keys = [a.key for a in sp.anchors]
        if key not in keys:
            continue
        i = keys.index(key)
        n = len(sp.anchors)
        a = sp.anchors[i]
        prev = sp.anchors[i - 1] if (i > 0 or sp.closed) else a
        nxt = sp.anchors[(i + 1) % n] if (i < n - 1 or sp.closed) else a
        dx, dy = nxt.x - prev.x, nxt.y - prev.y
        ln = math.hypot(dx, dy) or 1.0
        lin = math.hypot(a.x - prev.x, a.y - prev.y) / 3
        lout = math.hypot(nxt.x - a.x, nxt.y - a.y) / 3
        return (-dx / ln * lin, -dy / ln * lin, dx / ln * lout, dy / ln * lout)
    return (0.0, 0.0, 0.0, 0.0)


def _delete_anchors(doc: Document, sel) -> list:
    """Delete anchors; a subpath left with fewer than two anchors goes, and so does an emptied path."""
    events = []
    by_path: dict[str, set] = {}
    for pid, k in sel:
        by_path.setdefault(pid, set()).add(k)
    for pid, keys in by_path.items():
        p = doc.objects[pid]
        remaining = [[a for a in sp.anchors if a.key not in keys] for sp in p.subpaths]
        if all(len(r) < 2 for r in remaining):
            events.append(T.ObjectDeleted(p))
            continue
        for si in reversed(range(len(p.subpaths))):
            sp = p.subpaths[si]
            if len(remaining[si]) < 2:
                events.append(T.SubpathRemoved(pid, si, sp))
                continue
            for a in sp.anchors:
                if a.key in keys:
                    events.append(T.AnchorDeleted(pid, si, a))
    return events
