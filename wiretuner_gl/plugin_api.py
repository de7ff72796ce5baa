"""The plugin API, version 1: what a plugin may import and call. Everything else is private.

A plugin is a module (a file in `plugins/`, the user plugin folder, or a package named by the
`wiretuner_gl.plugins` entry-point group) with:

    PLUGIN_ID = "spiral"            # unique, [a-z0-9_.-]
    NAME = "Spiral tool"           # shown in the plugins panel and `wiretuner plugins`
    API_VERSION = 1                 # the version of this API it was written for
    def register(api: PluginAPI): ...

`register` uses `api` to add tools, panels, importers, exporters, commands and settings; each
call returns the function that undoes it, and the host undoes them all when the plugin is
disabled. Plugins change documents only through the editing API the built-in tools use: a tool
returns intents (`Apply`, `Begin`/`Update`/`Commit`), a command or panel calls `ctx.apply(events)`.
Each plugin action is one undo step, and its op group id ends with `@plugin:<PLUGIN_ID>`
(`wiretuner history --json` shows it), so everything a plugin did can be traced back to it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from .events import types as events  # noqa: F401  (plugins build events from these types)
from .model import nodes, values  # noqa: F401
from .model.document import Document
from .model.ids import key_between, keys_between  # noqa: F401  (anchor keys and child order)
from .tools.api import (Abort, Activate, Apply, Begin, Commit, Deactivate, GestureApply, KeyDown,  # noqa: F401
                        KeyUp, Overlay, PointerDown, PointerMove, PointerUp, Select, SetView, Tool,
                        ToolContext, Update)

API_VERSION = 1
SUPPORTED_API_VERSIONS = frozenset({1})
ENTRY_POINT_GROUP = "wiretuner_gl.plugins"


def group_tag(plugin_id: str) -> str:
    """Suffix of the op group ids of everything a plugin does."""
    return f"@plugin:{plugin_id}"


def plugin_of_group(group: str) -> str | None:
    """The plugin id an op group is attributed to, or None for the user's own edits."""
    _, sep, pid = group.rpartition("@plugin:")
    return pid if sep else None


# --------------------------------------------------------------------------- settings
@dataclass
class Setting:
    """A value a plugin declares; the plugins panel shows an editor for it. Stored in the
    editor's tool settings (`ctx.settings.extra["<plugin id>.<key>"]`)."""

    plugin: str
    key: str
    default: Any
    label: str = ""
    min: float | None = None
    max: float | None = None
    choices: tuple = ()

    @property
    def qualified(self) -> str:
        return f"{self.plugin}.{self.key}"

    def get(self, ctx) -> Any:
        """The current value in a ToolContext / PluginContext (the default until the user changes it)."""
        value = ctx.settings.extra.get(self.qualified, self.default)
        if self.min is not None and value < self.min:
            return type(self.default)(self.min)
        if self.max is not None and value > self.max:
            return type(self.default)(self.max)
        return value

    def set(self, ctx, value: Any) -> None:
        ctx.settings.extra[self.qualified] = type(self.default)(value)


# --------------------------------------------------------------------------- what commands and panels get
class PluginContext:
    """The editor as a command or panel of one plugin sees it: read the document and the
    selection; change the document only with `apply` (one undo step, attributed)."""

    def __init__(self, editor, plugin_id: str):
        self._editor = editor
        self.plugin_id = plugin_id

    @property
    def doc(self) -> Document:
        return self._editor.doc

    @property
    def selection(self) -> tuple[str, ...]:
        return self._editor.selection

    @property
    def settings(self):
        return self._editor.settings

    def new_id(self, kind: str) -> str:
        return self._editor.new_id(kind)

    def next_order(self, parent: str) -> str:
        return self._editor.next_order(parent)

    def active_layer(self) -> str | None:
        return self._editor.active_layer()

    def apply(self, events: Sequence) -> None:
        """Apply events as one operation (one undo step) attributed to this plugin; a refused
        edit is reported in the editor's status line, not raised."""
        ed = self._editor
        ed.apply(list(events), group=f"{ed.session.new_group()}{group_tag(self.plugin_id)}")

    def select(self, ids: Sequence[str]) -> None:
        self._editor.execute([Select(tuple(ids))])

    def report(self, text: str) -> None:
        self._editor.report(f"{self.plugin_id}: {text}")


# --------------------------------------------------------------------------- registrations
@dataclass
class Panel:
    plugin: str
    title: str
    draw: Callable[[PluginContext], None]  # called inside an open imgui window each frame


@dataclass
class Command:
    plugin: str
    name: str
    label: str
    run: Callable[[PluginContext], None]


@dataclass
class Contributions:
    tools: list[str] = field(default_factory=list)
    panels: list[Panel] = field(default_factory=list)
    commands: list[Command] = field(default_factory=list)
    importers: list[str] = field(default_factory=list)
    exporters: list[str] = field(default_factory=list)
    settings: list[Setting] = field(default_factory=list)


class PluginAPI:
    """Handed to a plugin's `register(api)`. Every method returns the function that undoes it."""

    version = API_VERSION

    def __init__(self, plugin_id: str, host):
        self.plugin_id = plugin_id
        self._host = host
        self.contributes = Contributions()
        self._undo: list[Callable[[], None]] = []

    def _keep(self, undo: Callable[[], None], remove: Callable[[], None] | None = None) -> Callable[[], None]:
        def undo_all() -> None:
            undo()
            if remove is not None:
                remove()

        self._undo.append(undo_all)
        return undo_all

    def tool(self, factory: Callable[[], Tool]) -> Callable[[], None]:
        """Register a tool (a `Tool` subclass or factory); it appears in the Tools panel."""
        name, undo = self._host.register_tool(self.plugin_id, factory)
        self.contributes.tools.append(name)
        return self._keep(undo, lambda: name in self.contributes.tools and self.contributes.tools.remove(name))

    def panel(self, title: str, draw: Callable[[PluginContext], None]) -> Callable[[], None]:
        """Register a panel: `draw(ctx)` is called each frame inside an imgui window titled `title`."""
        p = Panel(self.plugin_id, title, self._host.guard(self.plugin_id, f"panel {title}", draw))
        self.contributes.panels.append(p)
        return self._keep(lambda: p in self.contributes.panels and self.contributes.panels.remove(p))

    def command(self, name: str, run: Callable[[PluginContext], None], *, label: str = "") -> Callable[[], None]:
        """Register an editor command (a button in the plugins panel; `run(ctx)` is one undo step)."""
        c = Command(self.plugin_id, name, label or name, self._host.guard(self.plugin_id, f"command {name}", run))
        self.contributes.commands.append(c)
        return self._keep(lambda: c in self.contributes.commands and self.contributes.commands.remove(c))

    def importer(self, ext: str, fn: Callable) -> Callable[[], None]:
        """Register an importer for files ending in `ext` (see wiretuner_gl.io.registry)."""
        from .io.registry import register_importer

        self.contributes.importers.append(ext)
        return self._keep(register_importer(ext, self._host.guard(self.plugin_id, f"importer {ext}", fn, reraise=True)))

    def exporter(self, ext: str, fn: Callable) -> Callable[[], None]:
        """Register an exporter for files ending in `ext` (see wiretuner_gl.io.registry)."""
        from .io.registry import register_exporter

        self.contributes.exporters.append(ext)
        return self._keep(register_exporter(ext, self._host.guard(self.plugin_id, f"exporter {ext}", fn, reraise=True)))

    def setting(self, key: str, default: Any, *, label: str = "", min: float | None = None,
                max: float | None = None, choices: Sequence = ()) -> Setting:
        """Declare a setting; read it in a tool with `setting.get(ctx)`."""
        s = Setting(self.plugin_id, key, default, label or key, min, max, tuple(choices))
        self.contributes.settings.append(s)
        return s

    def unregister_all(self) -> None:
        while self._undo:
            try:
                self._undo.pop()()
            except Exception:  # noqa: BLE001 - undoing a broken plugin must not fail the host
                pass
