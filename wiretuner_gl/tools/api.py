"""The Tool API: messages in, (next state, intents) out. Tools never write the document.

A tool is a small state machine (Graphite's `transition(self, message) -> next state`; tldraw's
`select.idle` / `select.dragging`). The editor owns each tool's state value, sends it messages
(pointer and key input in document and screen space) and carries out the intents the tool
returns: apply events as one operation, or run a gesture (begin / update / commit / abort)
through wiretuner_gl.store.session. Plugins implement the same protocol and register through
the same ToolRegistry as the built-ins.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, ClassVar, Protocol, Sequence

from ..events.types import Event
from ..model.document import Document
from .view import View

Mods = frozenset  # of "shift", "ctrl", "alt", "super"
NO_MODS: frozenset = frozenset()


# --------------------------------------------------------------------------- messages (imperative input)
@dataclass(frozen=True, slots=True)
class PointerDown:
    x: float  # document space
    y: float
    sx: float  # screen (window pixels)
    sy: float
    button: int = 0
    mods: frozenset = NO_MODS


@dataclass(frozen=True, slots=True)
class PointerMove:
    x: float
    y: float
    sx: float
    sy: float
    mods: frozenset = NO_MODS
    dragging: bool = False


@dataclass(frozen=True, slots=True)
class PointerUp:
    x: float
    y: float
    sx: float
    sy: float
    button: int = 0
    mods: frozenset = NO_MODS


@dataclass(frozen=True, slots=True)
class KeyDown:
    key: str  # "A".."Z", "0".."9", "Escape", "Enter", "Delete", "Backspace", "Left", "Right", "Up", "Down", "Space", "Tab", "F1".."F12", "=", "-"
    mods: frozenset = NO_MODS


@dataclass(frozen=True, slots=True)
class KeyUp:
    key: str
    mods: frozenset = NO_MODS


@dataclass(frozen=True, slots=True)
class Deactivate:
    """Sent when the user switches away from the tool: finish what is open."""


Message = PointerDown | PointerMove | PointerUp | KeyDown | KeyUp | Deactivate


# --------------------------------------------------------------------------- intents (what the editor carries out)
@dataclass(frozen=True, slots=True)
class Apply:
    """Events applied as one operation (one undo step); `group` names the op group (a plugin's id)."""

    events: tuple[Event, ...]
    group: str | None = None


@dataclass(frozen=True, slots=True)
class Begin:
    """Start a gesture: live edits, one undo step when it ends."""


@dataclass(frozen=True, slots=True)
class GestureApply:
    """Structural events inside the open gesture (e.g. create the shape being dragged)."""

    events: tuple[Event, ...]


@dataclass(frozen=True, slots=True)
class Update:
    """Field changes relative to the state at the start of the gesture (after its GestureApply)."""

    events: tuple[Event, ...]


@dataclass(frozen=True, slots=True)
class Commit:
    pass


@dataclass(frozen=True, slots=True)
class Abort:
    """Restore the state before the gesture."""


@dataclass(frozen=True, slots=True)
class Select:
    ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SelectAnchors:
    """Anchor selection of the direct-selection tool: (path id, anchor key) pairs."""

    anchors: frozenset


@dataclass(frozen=True, slots=True)
class SetView:
    view: View


@dataclass(frozen=True, slots=True)
class Activate:
    tool: str


Intent = Apply | Begin | GestureApply | Update | Commit | Abort | Select | SelectAnchors | SetView | Activate


# --------------------------------------------------------------------------- overlay primitives (document space)
@dataclass(frozen=True, slots=True)
class Overlay:
    kind: str  # "polyline", "polygon", "rect", "handle", "dot"
    points: tuple[tuple[float, float], ...]
    color: tuple[float, float, float, float] = (0.1, 0.5, 1.0, 1.0)
    filled: bool = False


# --------------------------------------------------------------------------- what a tool may read
class ToolContext(Protocol):
    doc: Document  # live state (includes an open gesture)
    committed: Document
    selection: tuple[str, ...]
    anchor_selection: frozenset
    view: View
    settings: "ToolSettings"

    def new_id(self, kind: str) -> str: ...
    def active_layer(self, x: float | None = None, y: float | None = None) -> str | None: ...
    def next_order(self, parent: str) -> str: ...
    def snap(self, x: float, y: float, exclude: Sequence[str] = ()) -> tuple[float, float]: ...
    def tolerance(self) -> float: ...


@dataclass
class ToolSettings:
    corner_radius: float = 0.0
    polygon_sides: int = 6
    star_points: int = 5
    star_inner_ratio: float = 0.5
    fill: Any = None  # a Paint; None means the default style's fill
    stroke: Any = None
    extra: dict = field(default_factory=dict)


class Tool:
    """Base class of every tool. Subclasses set NAME, LABEL, SHORTCUT and implement transition."""

    NAME: ClassVar[str]
    LABEL: ClassVar[str] = ""
    SHORTCUT: ClassVar[str | None] = None
    CURSOR: ClassVar[str] = "arrow"

    def initial(self) -> Any:
        return None

    def transition(self, state: Any, msg: Message, ctx: ToolContext) -> tuple[Any, list[Intent]]:
        return state, []

    def overlay(self, state: Any, ctx: ToolContext) -> list[Overlay]:
        return []

    def busy(self, state: Any) -> bool:
        """True while the tool holds a gesture or an unfinished construction (keys go to it first)."""
        return False


@dataclass(frozen=True)
class Idle:
    """The resting state of a StateTool: no gesture, nothing under construction."""


class StateTool(Tool):
    """A tool whose states are values: it rests in Idle and is busy in any other state."""

    def initial(self) -> Any:
        return Idle()

    def busy(self, state: Any) -> bool:
        return not isinstance(state, Idle)


ToolFactory = Callable[[], Tool]


class ToolRegistry:
    """Tools by name; `register(factory)` returns the function that unregisters it (as npe2 does)."""

    def __init__(self):
        self._tools: dict[str, Tool] = {}
        self._order: list[str] = []
        self.listeners: list[Callable[[], None]] = []

    def register(self, factory: ToolFactory) -> Callable[[], None]:
        tool = factory()
        name = getattr(tool, "NAME", None)
        if not isinstance(name, str) or not name:
            raise ValueError(f"{factory!r}: a tool needs a NAME")
        if name in self._tools:
            raise ValueError(f"a tool named {name!r} is already registered")
        self._tools[name] = tool
        self._order.append(name)
        self._changed()

        def unregister() -> None:
            if self._tools.get(name) is tool:
                del self._tools[name]
                self._order.remove(name)
                self._changed()

        return unregister

    def _changed(self) -> None:
        for fn in list(self.listeners):
            fn()

    def get(self, name: str) -> Tool:
        try:
            return self._tools[name]
        except KeyError:
            raise KeyError(f"no tool named {name!r} (known: {', '.join(self._order)})") from None

    def names(self) -> list[str]:
        return list(self._order)

    def __contains__(self, name: str) -> bool:
        return name in self._tools

    def by_shortcut(self, key: str) -> str | None:
        for n in self._order:
            if (self._tools[n].SHORTCUT or "").upper() == key.upper():
                return n
        return None
