"""Selection tool (V): click, shift-click, marquee, move, scale and rotate handles, object commands.

States: Idle -> Pressed -> Moving | Marquee; Idle -> Scaling | Rotating (on a handle). Each drag is
one gesture; Esc aborts it and restores the state before it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..model.document import Document
from ..model.values import compose, rotate, scale, translate
from . import _geom as G
from . import ops
from .api import (Abort, Apply, Begin, Commit, KeyDown, Overlay, PointerDown, PointerMove, PointerUp, Select,
                  Idle, StateTool, Update, Deactivate)

DRAG_PX = 3.0
HANDLE_PX = 6.0
ROTATE_PX = 24.0
NUDGE = 1.0
BIG_NUDGE = 10.0


@dataclass(frozen=True)
class Pressed:
    x: float
    y: float
    sx: float
    sy: float
    hit: str | None


@dataclass(frozen=True)
class Moving:
    x: float
    y: float
    ids: tuple[str, ...]
    base: Document
    bounds: tuple[float, float, float, float]


@dataclass(frozen=True)
class Marquee:
    x: float
    y: float
    cx: float
    cy: float
    add: bool


@dataclass(frozen=True)
class Scaling:
    handle: tuple[int, int]  # (-1|0|1, -1|0|1): which side of the box is held
    ids: tuple[str, ...]
    base: Document
    bounds: tuple[float, float, float, float]


@dataclass(frozen=True)
class Rotating:
    cx: float
    cy: float
    start: float
    ids: tuple[str, ...]
    base: Document


HANDLES = [(-1, -1), (0, -1), (1, -1), (1, 0), (1, 1), (0, 1), (-1, 1), (-1, 0)]


def handle_points(b, view):
    x0, y0, x1, y1 = b
    mx, my = (x0 + x1) / 2, (y0 + y1) / 2
    pts = {h: (mx + h[0] * (x1 - x0) / 2, my + h[1] * (y1 - y0) / 2) for h in HANDLES}
    rot = (mx, y0 - ROTATE_PX / view.zoom)
    return pts, rot


def object_commands(msg: KeyDown, ctx) -> list | None:
    """Keyboard commands on the object selection (shared by both selection tools)."""
    sel = tuple(i for i in ctx.selection if i in ctx.doc.objects)
    k, m = msg.key, msg.mods
    doc = ctx.doc
    if k in ("Left", "Right", "Up", "Down") and sel and not ({"ctrl", "alt"} & m):
        d = BIG_NUDGE if "shift" in m else NUDGE
        dx, dy = {"Left": (-d, 0), "Right": (d, 0), "Up": (0, -d), "Down": (0, d)}[k]
        return [Apply(tuple(ops.nudge(doc, sel, dx, dy)))]
    if k in ("Delete", "Backspace") and sel:
        return [Apply(tuple(ops.delete(doc, sel))), Select(())]
    if k == "G" and "ctrl" in m and sel:
        if "shift" in m:
            ev, kids = ops.ungroup(doc, sel)
            return [Apply(tuple(ev)), Select(tuple(kids))] if ev else []
        ev, gid = ops.group(doc, sel, ctx.new_id)
        return [Apply(tuple(ev)), Select((gid,))] if ev else []
    if k == "D" and "ctrl" in m and sel:
        ev, copies = ops.duplicate(doc, sel, ctx.new_id)
        return [Apply(tuple(ev)), Select(tuple(copies))]
    if k in ("]", "[") and "ctrl" in m and sel:
        ev = ops.restack(doc, sel, forward=k == "]")
        return [Apply(tuple(ev))] if ev else []
    if k == "A" and "ctrl" in m:
        return [Select(tuple(i for i in _all_top(doc) if G.editable(doc, i)))]
    return None


def _all_top(doc):
    return [o for ab in doc.children() for layer in doc.children(ab) for o in doc.children(layer)]


class SelectionTool(StateTool):
    NAME = "select"
    LABEL = "Selection"
    SHORTCUT = "V"

    def transition(self, state, msg, ctx):
        if isinstance(msg, Deactivate):
            return Idle(), ([Commit()] if isinstance(state, (Moving, Scaling, Rotating)) else [])
        if isinstance(msg, KeyDown):
            if msg.key == "Escape":
                if isinstance(state, (Moving, Scaling, Rotating)):
                    return Idle(), [Abort()]
                if isinstance(state, Idle):
                    return state, [Select(())]
                return Idle(), []
            if isinstance(state, Idle):
                return state, object_commands(msg, ctx) or []
            return state, []
        if isinstance(state, Idle) and isinstance(msg, PointerDown):
            return self._down(msg, ctx)
        if isinstance(state, Pressed):
            if isinstance(msg, PointerMove):
                if math.hypot(msg.sx - state.sx, msg.sy - state.sy) < DRAG_PX:
                    return state, []
                if state.hit is None:
                    return Marquee(state.x, state.y, msg.x, msg.y, "shift" in msg.mods), []
                ids = tuple(i for i in ctx.selection if i in ctx.doc.objects) or (state.hit,)
                b = G.selection_bounds(ctx.doc, ids) or (state.x, state.y, state.x, state.y)
                moving = Moving(state.x, state.y, ids, ctx.doc, b)
                return self._move(moving, msg, ctx, [Begin()])
            if isinstance(msg, PointerUp):
                return Idle(), []
        if isinstance(state, Moving):
            if isinstance(msg, PointerMove):
                return self._move(state, msg, ctx, [])
            if isinstance(msg, PointerUp):
                return Idle(), [Commit()]
        if isinstance(state, Marquee):
            if isinstance(msg, PointerMove):
                return Marquee(state.x, state.y, msg.x, msg.y, state.add), []
            if isinstance(msg, PointerUp):
                r = (min(state.x, msg.x), min(state.y, msg.y), max(state.x, msg.x), max(state.y, msg.y))
                hits = []
                for oid in G.in_rect(ctx.doc, r):
                    t = G.top_level(ctx.doc, oid)
                    if t not in hits:
                        hits.append(t)
                sel = tuple(dict.fromkeys(ctx.selection + tuple(hits))) if state.add else tuple(hits)
                return Idle(), [Select(sel)]
        if isinstance(state, Scaling):
            if isinstance(msg, PointerMove):
                return state, [Update(tuple(ops.transform_all(state.base, state.ids, self._scale(state, msg))))]
            if isinstance(msg, PointerUp):
                return Idle(), [Commit()]
        if isinstance(state, Rotating):
            if isinstance(msg, PointerMove):
                a = math.degrees(math.atan2(msg.y - state.cy, msg.x - state.cx)) - state.start
                if "shift" in msg.mods:
                    a = round(a / 15.0) * 15.0
                w = rotate(a, state.cx, state.cy)
                return state, [Update(tuple(ops.transform_all(state.base, state.ids, w)))]
            if isinstance(msg, PointerUp):
                return Idle(), [Commit()]
        return state, []

    # ------------------------------------------------------------------ pieces
    def _down(self, msg, ctx):
        sel = tuple(i for i in ctx.selection if i in ctx.doc.objects)
        tol = ctx.tolerance()
        if sel:
            b = G.selection_bounds(ctx.doc, sel)
            if b is not None:
                pts, rot = handle_points(b, ctx.view)
                ht = HANDLE_PX / ctx.view.zoom
                if math.hypot(msg.x - rot[0], msg.y - rot[1]) <= ht * 1.5:
                    cx, cy = (b[0] + b[2]) / 2, (b[1] + b[3]) / 2
                    start = math.degrees(math.atan2(msg.y - cy, msg.x - cx))
                    return Rotating(cx, cy, start, sel, ctx.doc), [Begin()]
                for h, (hx, hy) in pts.items():
                    if abs(msg.x - hx) <= ht and abs(msg.y - hy) <= ht:
                        return Scaling(h, sel, ctx.doc, b), [Begin()]
        hit = G.pick(ctx.doc, msg.x, msg.y, tol)
        top = G.top_level(ctx.doc, hit) if hit else None
        intents = []
        if top is None:
            if "shift" not in msg.mods:
                intents.append(Select(()))
        elif "shift" in msg.mods:
            new = tuple(i for i in sel if i != top) if top in sel else sel + (top,)
            intents.append(Select(new))
            top = None if top in sel else top  # a shift-click that deselects does not start a move
        elif top not in sel:
            intents.append(Select((top,)))
        return Pressed(msg.x, msg.y, msg.sx, msg.sy, top), intents

    def _move(self, state: Moving, msg, ctx, intents):
        dx, dy = msg.x - state.x, msg.y - state.y
        if "shift" in msg.mods:
            if abs(dx) > abs(dy):
                dy = 0.0
            else:
                dx = 0.0
        # snap the selection's top-left corner, not the pointer, so objects land on the grid
        x0, y0 = state.bounds[0] + dx, state.bounds[1] + dy
        sx, sy = ctx.snap(x0, y0, exclude=state.ids)
        dx, dy = dx + sx - x0, dy + sy - y0
        w = translate(dx, dy)
        return state, intents + [Update(tuple(ops.transform_all(state.base, state.ids, w)))]

    def _scale(self, state: Scaling, msg):
        x0, y0, x1, y1 = state.bounds
        hx, hy = state.handle
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        center = "alt" in msg.mods
        fx = cx if (center or hx == 0) else (x1 if hx < 0 else x0)
        fy = cy if (center or hy == 0) else (y1 if hy < 0 else y0)
        ox = cx + hx * (x1 - x0) / 2
        oy = cy + hy * (y1 - y0) / 2
        sx = (msg.x - fx) / (ox - fx) if hx and ox != fx else 1.0
        sy = (msg.y - fy) / (oy - fy) if hy and oy != fy else 1.0
        if "shift" in msg.mods:
            if hx and hy:
                s = max(abs(sx), abs(sy))
                sx, sy = math.copysign(s, sx), math.copysign(s, sy)
            elif hx:
                sy = abs(sx)
            else:
                sx = abs(sy)
        sx = sx if abs(sx) > 1e-4 else 1e-4
        sy = sy if abs(sy) > 1e-4 else 1e-4
        return compose(translate(fx, fy), compose(scale(sx, sy), translate(-fx, -fy)))

    def overlay(self, state, ctx):
        out = []
        sel = tuple(i for i in ctx.selection if i in ctx.doc.objects)
        if sel and not isinstance(state, Marquee):
            b = G.selection_bounds(ctx.doc, sel)
            if b is not None:
                x0, y0, x1, y1 = b
                out.append(Overlay("polygon", ((x0, y0), (x1, y0), (x1, y1), (x0, y1))))
                pts, rot = handle_points(b, ctx.view)
                for p in pts.values():
                    out.append(Overlay("handle", (p,)))
                out.append(Overlay("polyline", (((x0 + x1) / 2, y0), rot)))
                out.append(Overlay("dot", (rot,)))
        if isinstance(state, Marquee):
            out.append(Overlay("rect", ((state.x, state.y), (state.cx, state.cy)), (0.1, 0.5, 1.0, 0.8)))
        return out
