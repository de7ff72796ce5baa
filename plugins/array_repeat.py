"""Array repeat (example plugin): copies of the selection in a grid.

Tool (shortcut K): select objects, then drag; the drag is the offset of the last copy, the
copies fill the columns × rows grid between (a preview shows where each copy lands). Release
creates them (one undo step); Esc cancels.
Command "array.repeat": the same with a fixed step (settings gap x / gap y), from the
plugins panel. Settings: columns, rows, gap x, gap y.

Copies keep each object's own transform inside its parent and add the offset in document space
(through the parent's transform), so objects inside rotated groups repeat along the page axes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from wiretuner_gl import plugin_api as W
from wiretuner_gl.plugin_api import events as T
from wiretuner_gl.plugin_api import nodes as N
from wiretuner_gl.plugin_api import values as V

PLUGIN_ID = "array"
NAME = "Array repeat"
VERSION = "1.0"
API_VERSION = 1

COLS: W.Setting
ROWS: W.Setting
GAP_X: W.Setting
GAP_Y: W.Setting


def _parent_world(doc, node) -> V.Transform:
    t = V.IDENTITY
    p = doc.objects.get(node.parent)
    while p is not None:
        t = V.compose(p.transform, t)
        p = doc.objects.get(p.parent)
    return t


def _roots(doc, ids) -> list[str]:
    """Selected objects without a selected ancestor (a group brings its children along)."""
    sel = set(ids)
    out = []
    for i in ids:
        node = doc.objects.get(i)
        if node is None:
            continue
        p, inside = node.parent, False
        while p in doc.objects:
            if p in sel:
                inside = True
                break
            p = doc.objects[p].parent
        if not inside:
            out.append(i)
    return out


def _copy_tree(doc, oid, parent, order, new_id, transform, out: list) -> str:
    node = doc.objects[oid]
    nid = new_id(node.TAG)
    out.append(T.ObjectCreated(replace(node, id=nid, parent=parent, order=order, transform=transform)))
    for child in doc.children(oid):
        c = doc.objects[child]
        _copy_tree(doc, child, nid, c.order, new_id, c.transform, out)
    return nid


def grid_offsets(cols: int, rows: int, dx: float, dy: float) -> list[tuple[float, float]]:
    """Offsets of every copy (the original's cell (0, 0) excluded), row by row."""
    return [(c * dx, r * dy) for r in range(rows) for c in range(cols) if (c, r) != (0, 0)]


def repeat_events(doc, ids, offsets, new_id) -> tuple[list, list[str]]:
    """ObjectCreated events for a copy of every root of `ids` at each offset; (events, new root ids)."""
    events, created = [], []
    roots = _roots(doc, ids)
    by_parent: dict[str, list[str]] = {}
    for r in roots:
        by_parent.setdefault(doc.objects[r].parent, []).append(r)
    for parent, members in by_parent.items():
        kids = doc.children(parent)
        last = doc.get(kids[-1]).order if kids else None
        keys = W.keys_between(last, None, len(members) * len(offsets)) if offsets else []
        k = 0
        for dx, dy in offsets:
            for oid in members:
                node = doc.objects[oid]
                p = _parent_world(doc, node)
                local = V.compose(V.invert(p), V.compose(V.translate(dx, dy), p))
                created.append(_copy_tree(doc, oid, parent, keys[k], new_id, V.compose(local, node.transform), events))
                k += 1
    return events, created


@dataclass(frozen=True)
class Dragging:
    x0: float
    y0: float
    x: float
    y: float


class ArrayTool(W.Tool):
    NAME = "array"
    LABEL = "Array repeat"
    SHORTCUT = "K"
    CURSOR = "crosshair"

    def initial(self):
        return None

    def busy(self, state):
        return state is not None

    def _steps(self, state, ctx):
        cols, rows = COLS.get(ctx), ROWS.get(ctx)
        dx, dy = state.x - state.x0, state.y - state.y0
        return cols, rows, (dx / (cols - 1) if cols > 1 else 0.0), (dy / (rows - 1) if rows > 1 else 0.0)

    def transition(self, state, msg, ctx):
        if isinstance(msg, W.Deactivate) or (isinstance(msg, W.KeyDown) and msg.key == "Escape"):
            return None, []
        if isinstance(msg, W.PointerDown):
            if not ctx.selection:
                return None, []
            return Dragging(msg.x, msg.y, msg.x, msg.y), []
        if isinstance(state, Dragging) and isinstance(msg, (W.PointerMove, W.PointerUp)):
            x, y = ctx.snap(msg.x, msg.y)
            state = Dragging(state.x0, state.y0, x, y)
            if isinstance(msg, W.PointerMove):
                return state, []
            cols, rows, sx, sy = self._steps(state, ctx)
            if sx == 0 and sy == 0:
                return None, []
            events, created = repeat_events(ctx.doc, ctx.selection, grid_offsets(cols, rows, sx, sy), ctx.new_id)
            if not events:
                return None, []
            return None, [W.Apply(tuple(events)), W.Select(tuple(ctx.selection) + tuple(created))]
        return state, []

    def overlay(self, state, ctx):
        if not isinstance(state, Dragging):
            return []
        cols, rows, sx, sy = self._steps(state, ctx)
        dots = tuple((state.x0 + dx, state.y0 + dy) for dx, dy in [(0.0, 0.0)] + grid_offsets(cols, rows, sx, sy))
        return [W.Overlay("dot", (p,)) for p in dots] + [W.Overlay("polyline", ((state.x0, state.y0), (state.x, state.y)))]


def repeat_command(ctx: W.PluginContext) -> None:
    if not ctx.selection:
        ctx.report("select something to repeat")
        return
    offsets = grid_offsets(COLS.get(ctx), ROWS.get(ctx), GAP_X.get(ctx), GAP_Y.get(ctx))
    events, created = repeat_events(ctx.doc, ctx.selection, offsets, ctx.new_id)
    ctx.apply(events)
    ctx.select(tuple(ctx.selection) + tuple(created))


def register(api: W.PluginAPI) -> None:
    global COLS, ROWS, GAP_X, GAP_Y
    COLS = api.setting("columns", 3, label="columns", min=1, max=100)
    ROWS = api.setting("rows", 2, label="rows", min=1, max=100)
    GAP_X = api.setting("gap_x", 120.0, label="step x (command)")
    GAP_Y = api.setting("gap_y", 120.0, label="step y (command)")
    api.tool(ArrayTool)
    api.command("repeat", repeat_command, label="Repeat selection in a grid")
