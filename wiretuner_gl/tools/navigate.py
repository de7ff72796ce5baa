"""Hand (H, or hold Space) and zoom (Z) tools: they change the view, never the document."""

from __future__ import annotations

from dataclasses import dataclass

from ..tools.view import View
from .api import Deactivate, PointerDown, PointerMove, PointerUp, SetView, Tool

ZOOM_STEP = 2.0


@dataclass(frozen=True)
class Panning:
    sx: float
    sy: float
    view: View


class HandTool(Tool):
    NAME = "hand"
    LABEL = "Hand"
    SHORTCUT = "H"
    CURSOR = "hand"

    def busy(self, state):
        return state is not None

    def transition(self, state, msg, ctx):
        if isinstance(msg, PointerDown):
            return Panning(msg.sx, msg.sy, ctx.view), []
        if isinstance(state, Panning) and isinstance(msg, (PointerMove, PointerUp)):
            v = state.view.panned(msg.sx - state.sx, msg.sy - state.sy).resized(ctx.view.width, ctx.view.height)
            return (None if isinstance(msg, PointerUp) else state), [SetView(v)]
        if isinstance(msg, Deactivate):
            return None, []
        return state, []


@dataclass(frozen=True)
class Marquee:
    x: float
    y: float
    cx: float
    cy: float
    sx: float
    sy: float


class ZoomTool(Tool):
    """Click zooms in at the point, Alt-click zooms out, a drag zooms to the dragged box."""

    NAME = "zoom"
    LABEL = "Zoom"
    SHORTCUT = "Z"
    CURSOR = "crosshair"

    def busy(self, state):
        return state is not None

    def transition(self, state, msg, ctx):
        if isinstance(msg, PointerDown):
            return Marquee(msg.x, msg.y, msg.x, msg.y, msg.sx, msg.sy), []
        if isinstance(state, Marquee) and isinstance(msg, PointerMove):
            return Marquee(state.x, state.y, msg.x, msg.y, state.sx, state.sy), []
        if isinstance(state, Marquee) and isinstance(msg, PointerUp):
            if abs(msg.sx - state.sx) > 4 and abs(msg.sy - state.sy) > 4:
                x0, x1 = sorted((state.x, msg.x))
                y0, y1 = sorted((state.y, msg.y))
                return None, [SetView(ctx.view.fit(x0, y0, x1 - x0, y1 - y0, margin=0))]
            f = 1 / ZOOM_STEP if "alt" in msg.mods else ZOOM_STEP
            return None, [SetView(ctx.view.zoomed_at(f, msg.sx, msg.sy))]
        if isinstance(msg, Deactivate):
            return None, []
        return state, []

    def overlay(self, state, ctx):
        from .api import Overlay

        if isinstance(state, Marquee):
            return [Overlay("rect", ((state.x, state.y), (state.cx, state.cy)), (0.5, 0.5, 0.5, 0.8))]
        return []
