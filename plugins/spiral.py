"""Spiral tool (example plugin): drag from the centre outwards; the drag's length is the outer
radius and its angle where the spiral ends. A preview follows the pointer; release creates one
Archimedean spiral path (one undo step). Esc cancels. Settings: turns, stroke width.

The spiral r = b·θ is sampled every 45° and each piece is a cubic Bézier whose handles follow
the curve's tangent (Hermite to Bézier: handle = tangent · Δθ / 3), smooth anchors throughout.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from wiretuner_gl import plugin_api as W
from wiretuner_gl.plugin_api import events as T
from wiretuner_gl.plugin_api import nodes as N
from wiretuner_gl.plugin_api import values as V

PLUGIN_ID = "spiral"
NAME = "Spiral tool"
VERSION = "1.0"
API_VERSION = 1

STEP = math.pi / 4  # one anchor every 45°
MIN_RADIUS = 2.0

TURNS: W.Setting
WIDTH: W.Setting


def spiral_anchors(cx: float, cy: float, radius: float, end_angle: float, turns: float) -> list[N.Anchor]:
    """Anchors of a spiral from (cx, cy) out to `radius` at `end_angle` (radians) after `turns` turns."""
    total = 2 * math.pi * turns
    b = radius / total
    n = max(2, math.ceil(total / STEP))
    d = total / n
    keys = W.keys_between(None, None, n + 1)
    out = []
    for i in range(n + 1):
        t = i * d  # angle travelled from the centre
        r = b * t
        a = end_angle - total + t
        ca, sa = math.cos(a), math.sin(a)
        tx, ty = b * ca - r * sa, b * sa + r * ca  # dP/dθ
        h = d / 3
        out.append(N.Anchor(keys[i], cx + r * ca, cy + r * sa, -tx * h if i else 0.0, -ty * h if i else 0.0,
                            tx * h if i < n else 0.0, ty * h if i < n else 0.0, "smooth"))
    return out


def preview(anchors: list[N.Anchor], per_segment: int = 8) -> tuple[tuple[float, float], ...]:
    pts = [(anchors[0].x, anchors[0].y)]
    for a, b in zip(anchors, anchors[1:]):
        p0, p1 = (a.x, a.y), (a.x + a.out_x, a.y + a.out_y)
        p2, p3 = (b.x + b.in_x, b.y + b.in_y), (b.x, b.y)
        for k in range(1, per_segment + 1):
            t = k / per_segment
            u = 1 - t
            pts.append(tuple(u**3 * p0[j] + 3 * u * u * t * p1[j] + 3 * u * t * t * p2[j] + t**3 * p3[j] for j in (0, 1)))
    return tuple(pts)


@dataclass(frozen=True)
class Dragging:
    cx: float
    cy: float
    x: float
    y: float


class SpiralTool(W.Tool):
    NAME = "spiral"
    LABEL = "Spiral"
    SHORTCUT = "O"
    CURSOR = "crosshair"

    def initial(self):
        return None

    def busy(self, state):
        return state is not None

    def transition(self, state, msg, ctx):
        if isinstance(msg, W.Deactivate) or (isinstance(msg, W.KeyDown) and msg.key == "Escape"):
            return None, []
        if isinstance(msg, W.PointerDown):
            cx, cy = ctx.snap(msg.x, msg.y)
            return Dragging(cx, cy, cx, cy), []
        if isinstance(state, Dragging) and isinstance(msg, W.PointerMove):
            return Dragging(state.cx, state.cy, msg.x, msg.y), []
        if isinstance(state, Dragging) and isinstance(msg, W.PointerUp):
            radius = math.hypot(msg.x - state.cx, msg.y - state.cy)
            layer = ctx.active_layer(state.cx, state.cy)
            if radius < MIN_RADIUS or layer is None:
                return None, []
            anchors = spiral_anchors(state.cx, state.cy, radius, math.atan2(msg.y - state.cy, msg.x - state.cx),
                                     TURNS.get(ctx))
            path = N.Path(ctx.new_id("path"), layer, ctx.next_order(layer), (N.Subpath(tuple(anchors), False),),
                          name="Spiral", style=V.Style(fill=None, stroke=V.Stroke(V.BLACK, WIDTH.get(ctx), cap="round")))
            return None, [W.Apply((T.ObjectCreated(path),)), W.Select((path.id,))]
        return state, []

    def overlay(self, state, ctx):
        if not isinstance(state, Dragging):
            return []
        radius = math.hypot(state.x - state.cx, state.y - state.cy)
        if radius < MIN_RADIUS:
            return [W.Overlay("dot", ((state.cx, state.cy),))]
        anchors = spiral_anchors(state.cx, state.cy, radius, math.atan2(state.y - state.cy, state.x - state.cx),
                                 TURNS.get(ctx))
        return [W.Overlay("polyline", preview(anchors)), W.Overlay("dot", ((state.cx, state.cy),))]


def register(api: W.PluginAPI) -> None:
    global TURNS, WIDTH
    TURNS = api.setting("turns", 3.0, label="turns", min=0.25, max=50.0)
    WIDTH = api.setting("width", 2.0, label="stroke width", min=0.1, max=100.0)
    api.tool(SpiralTool)
