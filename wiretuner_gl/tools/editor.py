"""Editor: the window-independent core of the app. It owns the active tool's state, the selection
and each window's view; it turns screen-space input into tool messages and carries out the
intents tools return through the DocumentSession. The app (GLFW/imgui) and the windowless test
editor (testing.py) drive it the same way.
"""

from __future__ import annotations

import time
from typing import Callable, Iterable

from ..errors import WireTunerError
from ..model.document import Document
from ..model.nodes import Artboard, Layer
from ..store.session import DocumentSession, Gesture
from . import api as A
from ._geom import editable
from .api import ToolRegistry, ToolSettings
from .snapping import SnapSettings, Snapper
from .view import View

ZOOM_STEP = 1.25
WHEEL_STEP = 1.1


def builtin_tools() -> list[Callable[[], A.Tool]]:
    from .direct import DirectSelectionTool
    from .navigate import HandTool, ZoomTool
    from .pen import PenTool
    from .selection import SelectionTool
    from .shapes import EllipseTool, LineTool, PolygonTool, RectangleTool, StarTool

    return [SelectionTool, DirectSelectionTool, PenTool, RectangleTool, EllipseTool, PolygonTool, StarTool,
            LineTool, HandTool, ZoomTool]


def default_registry() -> ToolRegistry:
    """A registry holding the built-in tools, registered the way plugins register theirs."""
    reg = ToolRegistry()
    for factory in builtin_tools():
        reg.register(factory)
    return reg


def _mods(mods: Iterable[str]) -> frozenset:
    return frozenset(m.lower() for m in mods)


class Editor:
    def __init__(self, session: DocumentSession, registry: ToolRegistry | None = None, *, size=(1280, 800)):
        self.session = session
        self.registry = registry or default_registry()
        self.views: dict[int, View] = {0: View(*size)}
        self.canvas_areas: dict[int, tuple] = {}  # per window: the part not covered by panels
        self.window = 0
        self.selection: tuple[str, ...] = ()
        self.anchor_selection: frozenset = frozenset()
        self.settings = ToolSettings()
        self.snapper = Snapper(SnapSettings())
        self.current_layer: str | None = None
        self.preview: Document | None = None  # a past state shown read-only (history scrub)
        self.messages: list[str] = []
        self.tool_name = "select"
        self.tool_state = self.registry.get("select").initial()
        self.gesture: Gesture | None = None
        self.sample_interval: float | None = None  # None: the document's drag_sample_interval setting
        self.last_activation_ms = 0.0
        self._held_tool: str | None = None  # tool to return to when Space / middle button is released
        self._down = False
        self._last_screen = (0.0, 0.0)
        self.registry.listeners.append(self._registry_changed)

    # ------------------------------------------------------------------ ToolContext
    @property
    def doc(self) -> Document:
        return self.session.doc

    @property
    def committed(self) -> Document:
        return self.session.committed

    @property
    def display_doc(self) -> Document:
        return self.preview if self.preview is not None else self.session.doc

    @property
    def view(self) -> View:
        return self.views[self.window]

    @view.setter
    def view(self, v: View) -> None:
        self.views[self.window] = v

    @property
    def tool(self) -> A.Tool:
        return self.registry.get(self.tool_name)

    def new_id(self, kind: str) -> str:
        return self.session.ids.new(kind)

    def next_order(self, parent: str) -> str:
        return self.session.next_order(parent)

    def tolerance(self) -> float:
        return 4.0 / self.view.zoom

    def snap(self, x: float, y: float, exclude=()) -> tuple[float, float]:
        return self.snapper.snap(self.session.committed, x, y, self.view.zoom, exclude)

    def active_layer(self, x: float | None = None, y: float | None = None) -> str | None:
        doc = self.doc
        cur = doc.layers.get(self.current_layer) if self.current_layer else None
        ab = self.artboard_at(x, y) if x is not None else None
        if cur is not None and editable(doc, cur.id) and (ab is None or cur.artboard == ab):
            return cur.id
        boards = [ab] if ab else list(doc.children())
        for b in boards:
            for lid in reversed(doc.children(b)):
                if editable(doc, lid):
                    return lid
        return None

    def artboard_at(self, x: float, y: float) -> str | None:
        for aid in reversed(self.doc.children()):
            a: Artboard = self.doc.artboards[aid]
            if a.x <= x <= a.x + a.width and a.y <= y <= a.y + a.height:
                return aid
        return None

    # ------------------------------------------------------------------ tools
    def activate(self, name: str) -> None:
        t0 = time.perf_counter()
        tool = self.registry.get(name)
        if name != self.tool_name:
            self._send(A.Deactivate())
            self.tool_name = name
            self.tool_state = tool.initial()
        self.last_activation_ms = (time.perf_counter() - t0) * 1000

    def _registry_changed(self) -> None:
        if self.tool_name not in self.registry:
            self.tool_name = "select"
            self.tool_state = self.registry.get("select").initial()

    def _send(self, msg) -> None:
        tool = self.tool
        try:
            state, intents = tool.transition(self.tool_state, msg, self)
        except WireTunerError as exc:
            self.report(str(exc))
            return
        self.tool_state = state
        self.execute(intents)

    def execute(self, intents: Iterable) -> None:
        for it in intents:
            try:
                self._execute(it)
            except WireTunerError as exc:  # a refused edit (read-only file, stale id): report, keep going
                self.report(str(exc))
                if self.gesture is not None:
                    self.gesture.abort()
                    self.gesture = None
                self.tool_state = self.tool.initial()
                break
        self._prune_selection()

    def _execute(self, it) -> None:
        if isinstance(it, A.Apply):
            if self.gesture is not None:  # a tool that forgot to end its gesture: close it first
                self.gesture.commit()
                self.gesture = None
            self.session.apply(list(it.events), group=it.group or self._group())
        elif isinstance(it, A.Begin):
            if self.gesture is not None:
                self.gesture.commit()
            self.gesture = self._tagged(self.session.begin_gesture(interval=self.sample_interval))
        elif isinstance(it, A.GestureApply):
            self._need_gesture().apply(list(it.events))
        elif isinstance(it, A.Update):
            self._need_gesture().update(list(it.events))
        elif isinstance(it, A.Commit):
            if self.gesture is not None:
                self.gesture.commit()
                self.gesture = None
        elif isinstance(it, A.Abort):
            if self.gesture is not None:
                self.gesture.abort()
                self.gesture = None
        elif isinstance(it, A.Select):
            self.selection = tuple(dict.fromkeys(it.ids))
        elif isinstance(it, A.SelectAnchors):
            self.anchor_selection = frozenset(it.anchors)
        elif isinstance(it, A.SetView):
            self.view = it.view
        elif isinstance(it, A.Activate):
            self.activate(it.tool)
        else:
            raise TypeError(f"unknown intent {it!r}")

    def _need_gesture(self) -> Gesture:
        if self.gesture is None:
            self.gesture = self._tagged(self.session.begin_gesture(interval=self.sample_interval))
        return self.gesture

    def _group(self) -> str | None:
        """Op group for the current tool's events: a plugin's tool carries its plugin id (GROUP_TAG)."""
        tag = getattr(self.tool, "GROUP_TAG", "")
        return f"{self.session.new_group()}{tag}" if tag else None

    def _tagged(self, gesture: Gesture) -> Gesture:
        group = self._group()
        if group is not None:  # nothing is logged yet: the whole gesture is attributed
            gesture.group = group
        return gesture

    def _prune_selection(self) -> None:
        objs = self.session.doc.objects
        if any(i not in objs for i in self.selection):
            self.selection = tuple(i for i in self.selection if i in objs)
        if any(p not in objs for p, _ in self.anchor_selection):
            self.anchor_selection = frozenset(a for a in self.anchor_selection if a[0] in objs)

    def report(self, text: str) -> None:
        self.messages.append(text)
        del self.messages[:-20]

    def overlays(self) -> list[A.Overlay]:
        if self.preview is not None:
            return []
        return self.tool.overlay(self.tool_state, self)

    # ------------------------------------------------------------------ input (screen space of the current window)
    def _msg_xy(self, sx, sy):
        x, y = self.view.to_doc(sx, sy)
        return x, y

    def pointer_down(self, sx: float, sy: float, button: int = 0, mods: Iterable[str] = ()) -> None:
        self._down = True
        self._last_screen = (sx, sy)
        if button == 2 or (button == 0 and self._held_tool is None and self.preview is not None and self.tool_name not in ("hand", "zoom")):
            self._hold("hand", button=2)
            button = 0
        elif button != 0:
            return
        x, y = self._msg_xy(sx, sy)
        self._send(A.PointerDown(x, y, sx, sy, button, _mods(mods)))

    def pointer_move(self, sx: float, sy: float, mods: Iterable[str] = ()) -> None:
        self._last_screen = (sx, sy)
        if self.preview is not None and self.tool_name not in ("hand", "zoom"):
            return
        x, y = self._msg_xy(sx, sy)
        self._send(A.PointerMove(x, y, sx, sy, _mods(mods), self._down))

    def pointer_up(self, sx: float, sy: float, button: int = 0, mods: Iterable[str] = ()) -> None:
        self._down = False
        self._last_screen = (sx, sy)
        x, y = self._msg_xy(sx, sy)
        if button == 2 or self._held_tool is not None and getattr(self, "_held_by", None) == 2:
            self._send(A.PointerUp(x, y, sx, sy, 0, _mods(mods)))
            self._release_hold()
            return
        if button != 0:
            return
        if self.preview is not None and self.tool_name not in ("hand", "zoom"):
            return
        self._send(A.PointerUp(x, y, sx, sy, button, _mods(mods)))

    def wheel(self, dx: float, dy: float, sx: float, sy: float, mods: Iterable[str] = ()) -> None:
        """Wheel zooms at the cursor; Shift+wheel scrolls sideways, Alt+wheel scrolls vertically."""
        m = _mods(mods)
        if "shift" in m:
            self.view = self.view.panned(dy * 40.0, 0.0)
        elif "alt" in m:
            self.view = self.view.panned(0.0, dy * 40.0)
        elif dy:
            self.view = self.view.zoomed_at(WHEEL_STEP ** dy, sx, sy)

    def key_down(self, key: str, mods: Iterable[str] = ()) -> None:
        m = _mods(mods)
        k = key if len(key) > 1 else key.upper()
        if "ctrl" in m or "super" in m:
            if k == "Z":
                self.redo() if "shift" in m else self.undo()
                return
            if k == "Y":
                self.redo()
                return
            if k in ("=", "+"):
                self.view = self.view.at_zoom(self.view.zoom * ZOOM_STEP)
                return
            if k == "-":
                self.view = self.view.at_zoom(self.view.zoom / ZOOM_STEP)
                return
            if k == "0":
                self.fit_artboard()
                return
            if k == "1":
                self.view = self.view.at_zoom(1.0)
                return
            if k == "'":
                if "shift" in m:
                    self.snapper.settings.anchors = not self.snapper.settings.anchors
                else:
                    self.snapper.settings.grid = not self.snapper.settings.grid
                return
        if self.preview is not None:
            return
        if k == "Space" and not m:
            if self._held_tool is None and not self._down:
                self._hold("hand", button=None)
            return
        if not m and len(k) == 1 and not self._down:  # no tool switch in the middle of a drag
            name = self.registry.by_shortcut(k)
            if name is not None:
                self.activate(name)
                return
        self._send(A.KeyDown(k, m))

    def key_up(self, key: str, mods: Iterable[str] = ()) -> None:
        k = key if len(key) > 1 else key.upper()
        if k == "Space" and self._held_tool is not None and getattr(self, "_held_by", None) is None:
            self._release_hold()
            return
        self._send(A.KeyUp(k, _mods(mods)))

    def _hold(self, name: str, button) -> None:
        """Switch to a tool while a key or button is held, keeping the current tool's state (a pen
        path under construction survives a Space-pan)."""
        self._held_tool = (self.tool_name, self.tool_state)
        self._held_by = button
        self.tool_name = name
        self.tool_state = self.registry.get(name).initial()

    def _release_hold(self) -> None:
        back = self._held_tool
        self._held_tool = None
        self._held_by = None
        self._send(A.Deactivate())
        if back is not None and back[0] in self.registry:
            self.tool_name, self.tool_state = back

    # ------------------------------------------------------------------ commands used by keys and panels
    def undo(self) -> None:
        self._finish_tool()
        self.session.undo()
        self._prune_selection()

    def redo(self) -> None:
        self._finish_tool()
        self.session.redo()
        self._prune_selection()

    def _finish_tool(self) -> None:
        if self.gesture is not None:
            self.gesture.abort()
            self.gesture = None
        self._send(A.Deactivate())
        self.tool_state = self.tool.initial()

    def apply(self, events, *, group: str | None = None) -> None:
        """Panels and plugins: apply events as one operation, reporting a refusal instead of raising."""
        self.execute([A.Apply(tuple(events), group)])

    def fit_artboard(self, artboard: str | None = None) -> None:
        doc = self.display_doc
        aid = artboard or (self.artboard_at(*self.view.to_doc(self.view.width / 2, self.view.height / 2))
                           or (doc.children()[0] if doc.children() else None))
        if aid is None or aid not in doc.artboards:
            return
        a = doc.artboards[aid]
        self.view = self.view.fit(a.x, a.y, a.width, a.height, area=self.canvas_areas.get(self.window))

    def resize(self, width: int, height: int) -> None:
        self.view = self.view.resized(width, height)

    def open_view(self, window: int, view: View) -> None:
        self.views[window] = view

    def close_view(self, window: int) -> None:
        self.views.pop(window, None)
        if self.window == window:
            self.window = 0

    def set_layer(self, layer_id: str | None) -> None:
        if layer_id is None or isinstance(self.doc.layers.get(layer_id), Layer):
            self.current_layer = layer_id
