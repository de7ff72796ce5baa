"""Shape tools: rectangle (M), ellipse (L), polygon, star, line. Drag to size; Shift constrains
(square, circle, 45° lines); Alt draws from the centre. The result stays a parametric Shape.

States: Idle -> Pressed (gesture begun) -> Sizing (shape created in the gesture) -> Idle.
A click without a drag creates nothing; Esc aborts and removes the shape being drawn.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from ..events import types as T
from ..model.nodes import EllipseGeom, LineGeom, PolygonGeom, RectGeom, Shape, StarGeom
from ..model.values import BLACK, Color, Stroke, Style
from .api import (Abort, Begin, Commit, Deactivate, GestureApply, KeyDown, PointerDown, PointerMove,
                  PointerUp, Select, Idle, StateTool, Update)
from .selection import DRAG_PX

DEFAULT_SHAPE_STYLE = Style(fill=Color(0.85, 0.85, 0.85, 1.0), stroke=Stroke(BLACK, 1.0))
DEFAULT_LINE_STYLE = Style(fill=None, stroke=Stroke(BLACK, 1.0))


@dataclass(frozen=True)
class Pressed:
    x: float
    y: float
    sx: float
    sy: float


@dataclass(frozen=True)
class Sizing:
    x: float
    y: float
    shape: Shape  # as created inside the gesture; updates are relative to its geometry


def drag_box(x0, y0, x1, y1, mods) -> tuple[float, float, float, float]:
    """(x, y, w, h) of the box a drag describes, with shift (square) and alt (from centre)."""
    dx, dy = x1 - x0, y1 - y0
    if "shift" in mods:
        s = max(abs(dx), abs(dy))
        dx, dy = math.copysign(s, dx or 1.0), math.copysign(s, dy or 1.0)
    if "alt" in mods:
        return (x0 - abs(dx), y0 - abs(dy), 2 * abs(dx), 2 * abs(dy))
    return (min(x0, x0 + dx), min(y0, y0 + dy), abs(dx), abs(dy))


class _ShapeTool(StateTool):
    CURSOR = "crosshair"

    def geom(self, x0, y0, x1, y1, mods, settings):
        raise NotImplementedError

    def style(self, ctx):
        s = ctx.settings
        base = DEFAULT_SHAPE_STYLE
        return Style(fill=s.fill if s.fill is not None else base.fill, stroke=s.stroke if s.stroke is not None else base.stroke)

    def transition(self, state, msg, ctx):
        if isinstance(msg, Deactivate):
            return Idle(), ([Commit()] if isinstance(state, Sizing) else [Abort()] if isinstance(state, Pressed) else [])
        if isinstance(msg, KeyDown) and msg.key == "Escape" and not isinstance(state, Idle):
            return Idle(), [Abort()]
        if isinstance(state, Idle) and isinstance(msg, PointerDown):
            x, y = ctx.snap(msg.x, msg.y)
            return Pressed(x, y, msg.sx, msg.sy), [Begin()]
        if isinstance(state, Pressed):
            if isinstance(msg, PointerMove) and math.hypot(msg.sx - state.sx, msg.sy - state.sy) >= DRAG_PX:
                layer = ctx.active_layer(state.x, state.y)
                if layer is None:
                    return Idle(), [Abort()]
                x1, y1 = ctx.snap(msg.x, msg.y)
                g = self.geom(state.x, state.y, x1, y1, msg.mods, ctx.settings)
                shape = Shape(ctx.new_id("shape"), layer, ctx.next_order(layer), g, style=self.style(ctx))
                return Sizing(state.x, state.y, shape), [GestureApply((T.ObjectCreated(shape),)), Select((shape.id,))]
            if isinstance(msg, PointerUp):
                return Idle(), [Abort()]
        if isinstance(state, Sizing):
            if isinstance(msg, (PointerMove, PointerUp)):
                x1, y1 = ctx.snap(msg.x, msg.y)
                g = self.geom(state.x, state.y, x1, y1, msg.mods, ctx.settings)
                upd = Update((T.ShapeParametersChanged(state.shape.id, state.shape.geom, g),))
                if isinstance(msg, PointerUp):
                    return Idle(), [upd, Commit()]
                return state, [upd]
        return state, []


class RectangleTool(_ShapeTool):
    NAME = "rectangle"
    LABEL = "Rectangle"
    SHORTCUT = "M"

    def geom(self, x0, y0, x1, y1, mods, settings):
        x, y, w, h = drag_box(x0, y0, x1, y1, mods)
        r = settings.corner_radius
        return RectGeom(x, y, w, h, r, r, r, r)


class EllipseTool(_ShapeTool):
    NAME = "ellipse"
    LABEL = "Ellipse"
    SHORTCUT = "L"

    def geom(self, x0, y0, x1, y1, mods, settings):
        x, y, w, h = drag_box(x0, y0, x1, y1, mods)
        return EllipseGeom(x + w / 2, y + h / 2, w / 2, h / 2)


class PolygonTool(_ShapeTool):
    NAME = "polygon"
    LABEL = "Polygon"
    SHORTCUT = None

    def geom(self, x0, y0, x1, y1, mods, settings):
        x, y, w, h = drag_box(x0, y0, x1, y1, mods | {"shift"})
        return PolygonGeom(x + w / 2, y + h / 2, w / 2, max(3, settings.polygon_sides))


class StarTool(_ShapeTool):
    NAME = "star"
    LABEL = "Star"
    SHORTCUT = None

    def geom(self, x0, y0, x1, y1, mods, settings):
        x, y, w, h = drag_box(x0, y0, x1, y1, mods | {"shift"})
        r = w / 2
        return StarGeom(x + w / 2, y + h / 2, r, r * settings.star_inner_ratio, max(3, settings.star_points))


class LineTool(_ShapeTool):
    NAME = "line"
    LABEL = "Line"
    SHORTCUT = "\\"

    def style(self, ctx):
        s = ctx.settings
        return replace(DEFAULT_LINE_STYLE, stroke=s.stroke) if s.stroke is not None else DEFAULT_LINE_STYLE

    def geom(self, x0, y0, x1, y1, mods, settings):
        dx, dy = x1 - x0, y1 - y0
        if "shift" in mods:  # constrain to multiples of 45°
            ang = round(math.atan2(dy, dx) / (math.pi / 4)) * (math.pi / 4)
            ln = math.hypot(dx, dy)
            dx, dy = ln * math.cos(ang), ln * math.sin(ang)
            dx, dy = (0.0 if abs(dx) < 1e-9 else dx), (0.0 if abs(dy) < 1e-9 else dy)
        if "alt" in mods:
            return LineGeom(x0 - dx, y0 - dy, x0 + dx, y0 + dy)
        return LineGeom(x0, y0, x0 + dx, y0 + dy)
