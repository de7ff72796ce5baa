"""Rounded star tool (example plugin): drag from the centre; the drag's length is the outer
radius and its angle points the first tip. Release creates a closed path whose tips and inner
corners are rounded (one undo step); Esc cancels. Settings: points, inner ratio, roundness.

Each corner is filleted: the vertex is replaced by two anchors a distance d along its two
edges, joined by a cubic whose handles point at the vertex (length d·0.5523, the quarter-circle
constant), so rounding is 0 (sharp star) to 1 (fillets meet mid-edge).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from wiretuner_gl import plugin_api as W
from wiretuner_gl.plugin_api import events as T
from wiretuner_gl.plugin_api import nodes as N
from wiretuner_gl.plugin_api import values as V

PLUGIN_ID = "rounded_star"
NAME = "Rounded star tool"
VERSION = "1.0"
API_VERSION = 1

KAPPA = 0.5523
MIN_RADIUS = 2.0

POINTS: W.Setting
INNER: W.Setting
ROUND: W.Setting


def star_vertices(cx, cy, outer, inner, points, angle) -> list[tuple[float, float]]:
    out = []
    for i in range(2 * points):
        r = outer if i % 2 == 0 else inner
        a = angle + i * math.pi / points
        out.append((cx + r * math.cos(a), cy + r * math.sin(a)))
    return out


def rounded_anchors(vertices: list[tuple[float, float]], roundness: float) -> list[N.Anchor]:
    """Anchors of the closed polygon `vertices` with every corner filleted by `roundness` (0..1)."""
    n = len(vertices)
    roundness = min(max(roundness, 0.0), 1.0)
    keys = W.keys_between(None, None, 2 * n if roundness > 0 else n)
    out: list[N.Anchor] = []
    for i, (vx, vy) in enumerate(vertices):
        if roundness <= 0:
            out.append(N.Anchor(keys[i], vx, vy))
            continue
        px, py = vertices[i - 1]
        nx, ny = vertices[(i + 1) % n]
        lp, ln = math.hypot(px - vx, py - vy), math.hypot(nx - vx, ny - vy)
        d = roundness * 0.5 * min(lp, ln)
        ux, uy = (px - vx) / lp, (py - vy) / lp
        wx, wy = (nx - vx) / ln, (ny - vy) / ln
        h = d * KAPPA
        a0 = (vx + ux * d, vy + uy * d)  # on the incoming edge
        a1 = (vx + wx * d, vy + wy * d)  # on the outgoing edge
        out.append(N.Anchor(keys[2 * i], a0[0], a0[1], 0.0, 0.0, -ux * h, -uy * h, "corner"))
        out.append(N.Anchor(keys[2 * i + 1], a1[0], a1[1], -wx * h, -wy * h, 0.0, 0.0, "corner"))
    return out


@dataclass(frozen=True)
class Dragging:
    cx: float
    cy: float
    x: float
    y: float


class RoundedStarTool(W.Tool):
    NAME = "rounded_star"
    LABEL = "Rounded star"
    SHORTCUT = "J"
    CURSOR = "crosshair"

    def initial(self):
        return None

    def busy(self, state):
        return state is not None

    def _vertices(self, state, ctx):
        outer = math.hypot(state.x - state.cx, state.y - state.cy)
        angle = math.atan2(state.y - state.cy, state.x - state.cx)
        return star_vertices(state.cx, state.cy, outer, outer * INNER.get(ctx), POINTS.get(ctx), angle), outer

    def transition(self, state, msg, ctx):
        if isinstance(msg, W.Deactivate) or (isinstance(msg, W.KeyDown) and msg.key == "Escape"):
            return None, []
        if isinstance(msg, W.PointerDown):
            cx, cy = ctx.snap(msg.x, msg.y)
            return Dragging(cx, cy, cx, cy), []
        if isinstance(state, Dragging) and isinstance(msg, (W.PointerMove, W.PointerUp)):
            state = Dragging(state.cx, state.cy, msg.x, msg.y)
            if isinstance(msg, W.PointerMove):
                return state, []
            verts, outer = self._vertices(state, ctx)
            layer = ctx.active_layer(state.cx, state.cy)
            if outer < MIN_RADIUS or layer is None:
                return None, []
            sub = N.Subpath(tuple(rounded_anchors(verts, ROUND.get(ctx))), True)
            s = ctx.settings
            style = V.Style(fill=s.fill if s.fill is not None else V.Color(1.0, 0.8, 0.2, 1.0),
                            stroke=s.stroke if s.stroke is not None else V.Stroke(V.BLACK, 1.0, join="round"))
            path = N.Path(ctx.new_id("path"), layer, ctx.next_order(layer), (sub,), name="Rounded star", style=style)
            return None, [W.Apply((T.ObjectCreated(path),)), W.Select((path.id,))]
        return state, []

    def overlay(self, state, ctx):
        if not isinstance(state, Dragging):
            return []
        verts, outer = self._vertices(state, ctx)
        if outer < MIN_RADIUS:
            return [W.Overlay("dot", ((state.cx, state.cy),))]
        return [W.Overlay("polygon", tuple(verts)), W.Overlay("dot", ((state.cx, state.cy),))]


def register(api: W.PluginAPI) -> None:
    global POINTS, INNER, ROUND
    POINTS = api.setting("points", 5, label="points", min=3, max=64)
    INNER = api.setting("inner", 0.45, label="inner ratio", min=0.05, max=1.0)
    ROUND = api.setting("roundness", 0.35, label="roundness", min=0.0, max=1.0)
    api.tool(RoundedStarTool)
