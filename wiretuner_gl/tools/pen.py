"""Pen tool (P): click for corner anchors, click-drag for smooth ones, Alt breaks the handle,
click the first anchor to close, Enter or Esc to finish, press an open end of a path to resume it.

Each anchor placed is one gesture (one undo step): the anchor is added when the button goes
down and its handles follow the drag until release; Esc during that drag removes it again.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..events import types as T
from ..model.ids import key_between
from ..model.nodes import Anchor, Path, Subpath
from ..model.values import BLACK, Stroke, Style, apply, invert
from . import _geom as G
from .api import (Abort, Begin, Commit, Deactivate, GestureApply, KeyDown, Overlay, PointerDown, PointerMove,
                  PointerUp, Select, SelectAnchors, Tool, Update)
from .selection import DRAG_PX

CLOSE_PX = 7.0
PEN_STYLE = Style(fill=None, stroke=Stroke(BLACK, 1.0))


@dataclass(frozen=True)
class Idle:
    hover: tuple[float, float] | None = None


@dataclass(frozen=True)
class Building:
    path: str
    subpath: int
    end: str  # key of the anchor new ones attach to
    at_start: bool  # new anchors go before the first one (resuming from the start of a path)
    hover: tuple[float, float] | None = None


@dataclass(frozen=True)
class Placing:
    building: Building
    key: str  # the anchor being placed (its handles follow the drag)
    x: float  # where it was placed (local space)
    y: float
    sx: float
    sy: float
    orig: Anchor  # the anchor as the gesture started (updates are relative to it)
    closing: bool = False


def _local(ctx, pid, x, y):
    return apply(invert(G.world_transform(ctx.doc, pid)), x, y)


def _anchor(p: Path, key: str) -> Anchor:
    for sp in p.subpaths:
        for a in sp.anchors:
            if a.key == key:
                return a
    raise KeyError(key)


class PenTool(Tool):
    NAME = "pen"
    LABEL = "Pen"
    SHORTCUT = "P"
    CURSOR = "crosshair"

    def initial(self):
        return Idle()

    def busy(self, state):
        return not isinstance(state, Idle)

    def transition(self, state, msg, ctx):
        if isinstance(state, Building) and not isinstance(ctx.doc.objects.get(state.path), Path):
            state = Idle()  # the path went away (undo, a remote delete)
        if isinstance(msg, Deactivate):
            return Idle(), ([Commit()] if isinstance(state, Placing) else [])
        if isinstance(msg, KeyDown):
            if msg.key in ("Escape", "Enter"):
                if isinstance(state, Placing):
                    if msg.key == "Escape":
                        return state.building, [Abort()]
                    return self._finish(state.building, [Commit()])
                if isinstance(state, Building):
                    return self._finish(state, [])
            return state, []
        if isinstance(msg, PointerMove):
            if isinstance(state, Placing):
                return state, self._drag(state, msg, ctx)
            return (Building(state.path, state.subpath, state.end, state.at_start, (msg.x, msg.y))
                    if isinstance(state, Building) else Idle((msg.x, msg.y))), []
        if isinstance(msg, PointerUp):
            if isinstance(state, Placing):
                if state.closing:
                    return Idle(), [Commit(), Select((state.building.path,)), SelectAnchors(frozenset())]
                b = state.building
                return Building(b.path, b.subpath, state.key, b.at_start), [Commit()]
            return state, []
        if isinstance(msg, PointerDown):
            if isinstance(state, Building):
                return self._add(state, msg, ctx)
            return self._start(msg, ctx)
        return state, []

    def _finish(self, b: Building, intents):
        return Idle(), intents + [Select((b.path,)), SelectAnchors(frozenset())]

    def _start(self, msg, ctx):
        x, y = ctx.snap(msg.x, msg.y)
        end = self._open_end_at(ctx, msg.x, msg.y)
        if end is not None:  # resume an open path from this end
            pid, si, key, at_start = end
            return Building(pid, si, key, at_start), [Select((pid,)), SelectAnchors(frozenset({(pid, key)}))]
        layer = ctx.active_layer(x, y)
        if layer is None:
            return Idle(), []
        pid = ctx.new_id("path")
        key = key_between(None, None)
        style = ctx.settings.extra.get("pen_style") or PEN_STYLE
        path = Path(pid, layer, ctx.next_order(layer), (Subpath((Anchor(key, x, y),), False),), style=style)
        b = Building(pid, 0, key, False)
        return Placing(b, key, x, y, msg.sx, msg.sy, path.subpaths[0].anchors[0]), [Begin(), GestureApply((T.ObjectCreated(path),)), Select((pid,))]

    def _add(self, b: Building, msg, ctx):
        p = ctx.doc.objects[b.path]
        sp = p.subpaths[b.subpath]
        first = sp.anchors[-1] if b.at_start else sp.anchors[0]
        m = G.world_transform(ctx.doc, b.path)
        fx, fy = apply(m, first.x, first.y)
        if len(sp.anchors) >= 2 and math.hypot(fx - msg.x, fy - msg.y) <= CLOSE_PX / ctx.view.zoom:
            close = T.SubpathClosureChanged(b.path, b.subpath, False, True)
            return Placing(b, first.key, first.x, first.y, msg.sx, msg.sy, first, closing=True), [Begin(), GestureApply((close,))]
        x, y = ctx.snap(msg.x, msg.y)
        lx, ly = _local(ctx, b.path, x, y)
        keys = [a.key for a in sp.anchors]
        key = key_between(None, keys[0]) if b.at_start else key_between(keys[-1], None)
        new = Anchor(key, lx, ly)
        return Placing(b, key, lx, ly, msg.sx, msg.sy, new), [Begin(), GestureApply((T.AnchorAdded(b.path, b.subpath, new),))]

    def _drag(self, st: Placing, msg, ctx):
        if math.hypot(msg.sx - st.sx, msg.sy - st.sy) < DRAG_PX:
            return []
        p = ctx.doc.objects[st.building.path]
        a = st.orig
        hx, hy = _local(ctx, p.id, msg.x, msg.y)
        ox, oy = hx - st.x, hy - st.y
        if st.building.at_start:  # drawing backwards: the drag direction is the path's "in" side
            ox, oy = -ox, -oy
        before = (a.in_x, a.in_y, a.out_x, a.out_y)
        if st.closing:  # dragging on the first anchor shapes the closing curve through its "in" handle
            if "alt" in msg.mods:
                after, kind = (-ox, -oy, a.out_x, a.out_y), "corner"
            else:
                after, kind = (-ox, -oy, ox, oy), "symmetric"
        elif "alt" in msg.mods:  # a broken handle: only the outgoing side
            after, kind = (0.0, 0.0, ox, oy), "corner"
        else:
            after, kind = (-ox, -oy, ox, oy), "symmetric"
        ev = [T.HandlesMoved(p.id, st.key, before, after)]
        if kind != a.kind:
            ev.append(T.AnchorTypeChanged(p.id, st.key, a.kind, kind))
        return [Update(tuple(ev))]

    def _open_end_at(self, ctx, x, y):
        tol = CLOSE_PX / ctx.view.zoom
        for oid in reversed(G.paint_order(ctx.doc)):
            p = ctx.doc.objects[oid]
            if not isinstance(p, Path) or not G.editable(ctx.doc, oid):
                continue
            m = G.world_transform(ctx.doc, oid)
            for si, sp in enumerate(p.subpaths):
                if sp.closed or not sp.anchors:
                    continue
                for a, at_start in ((sp.anchors[-1], False), (sp.anchors[0], True)):
                    ax, ay = apply(m, a.x, a.y)
                    if math.hypot(ax - x, ay - y) <= tol:
                        return oid, si, a.key, at_start and len(sp.anchors) > 1
        return None

    def overlay(self, state, ctx):
        out = []
        b = state.building if isinstance(state, Placing) else state if isinstance(state, Building) else None
        if b is None or b.path not in ctx.doc.objects:
            return out
        p = ctx.doc.objects[b.path]
        m = G.world_transform(ctx.doc, b.path)
        for pts, closed in G.flatten(p, m, 0.5 / ctx.view.zoom):
            out.append(Overlay("polygon" if closed else "polyline", tuple(pts)))
        for sp in p.subpaths:
            for a in sp.anchors:
                w = G.anchor_world(p, m, a)
                out.append(Overlay("handle", (w["anchor"],), filled=a.key == b.end))
                if a.key == b.end or (isinstance(state, Placing) and a.key == state.key):
                    for part in ("in", "out"):
                        if w[part] != w["anchor"]:
                            out.append(Overlay("polyline", (w["anchor"], w[part])))
                            out.append(Overlay("dot", (w[part],)))
        if isinstance(state, Building) and state.hover is not None:
            try:
                e = _anchor(p, b.end)
                out.append(Overlay("polyline", (apply(m, e.x, e.y), state.hover), (0.1, 0.5, 1.0, 0.6)))
            except KeyError:
                pass
        return out
