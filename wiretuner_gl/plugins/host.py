"""PluginHost: loads plugins, registers what they contribute, guards their handlers.

A plugin that fails to import, declares an unsupported API version, raises while registering,
or raises in a handler at run time (tool transition/overlay, panel, command) is disabled: its
registrations are undone and it is listed with its error. A handler whose time in one frame
exceeds the budget is reported (not disabled). Built-in tools go through the same `register`.
"""

from __future__ import annotations

import re
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from ..errors import WireTunerError
from ..plugin_api import (SUPPORTED_API_VERSIONS, Abort, Command, PluginAPI, PluginContext, Tool, group_tag)
from ..tools.api import ToolRegistry
from . import discovery

DEFAULT_BUDGET_MS = 4.0  # per plugin handler per frame (a quarter of a 60 FPS frame)
ID_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
TRUSTED = "builtin"  # the built-in tools: not wrapped, their edits are the user's own


@dataclass
class Overrun:
    handler: str
    ms: float
    frame: int


@dataclass
class PluginRecord:
    id: str
    name: str
    source: str
    version: str = ""
    api_version: Any = None
    state: str = "enabled"  # "enabled" | "broken" | "incompatible" | "duplicate"
    error: str | None = None
    api: PluginAPI | None = None
    overruns: list[Overrun] = field(default_factory=list)

    @property
    def enabled(self) -> bool:
        return self.state == "enabled"

    def to_data(self) -> dict:
        c = self.api.contributes if self.api is not None else None
        worst = max(self.overruns, key=lambda o: o.ms) if self.overruns else None
        return {
            "id": self.id, "name": self.name, "version": self.version, "api_version": self.api_version,
            "source": self.source, "state": self.state, "error": self.error,
            "tools": list(c.tools) if c else [], "panels": [p.title for p in c.panels] if c else [],
            "commands": [x.name for x in c.commands] if c else [],
            "importers": list(c.importers) if c else [], "exporters": list(c.exporters) if c else [],
            "settings": [s.key for s in c.settings] if c else [],
            "budget_overruns": len(self.overruns),
            "worst_overrun": {"handler": worst.handler, "ms": round(worst.ms, 3), "frame": worst.frame} if worst else None,
        }


class PluginHost:
    def __init__(self, registry: ToolRegistry | None = None, *, budget_ms: float = DEFAULT_BUDGET_MS):
        self.registry = registry if registry is not None else ToolRegistry()
        self.budget_ms = budget_ms
        self.plugins: dict[str, PluginRecord] = {}
        self.editor = None
        self.frame = 0
        self._spent: dict[tuple[str, str], float] = {}  # (plugin, handler) -> ms this frame
        self._flagged: dict[tuple[str, str], Overrun] = {}
        self.listeners: list[Callable[[PluginRecord], None]] = []  # told when a plugin is disabled

    # ------------------------------------------------------------------ loading
    @classmethod
    def start(cls, registry: ToolRegistry | None = None, **find) -> "PluginHost":
        """A host with every plugin found (built-in, entry points, app folder, user folders) loaded."""
        host = cls(registry)
        host.load_all(discovery.all_candidates(**find))
        return host

    def load_all(self, candidates: list[discovery.Candidate]) -> None:
        for c in candidates:
            self.load(c)

    def load(self, cand: discovery.Candidate) -> PluginRecord:
        try:
            module = cand.load()
        except BaseException as exc:  # noqa: BLE001 - SyntaxError, SystemExit... all become a broken entry
            if isinstance(exc, KeyboardInterrupt):
                raise
            return self._add(PluginRecord(cand.hint, cand.hint, cand.source, state="broken",
                                          error=f"import failed: {_describe(exc)}"))
        return self.load_module(module, cand.source, hint=cand.hint)

    def load_module(self, module, source: str, *, hint: str = "") -> PluginRecord:
        pid = getattr(module, "PLUGIN_ID", None) or hint or getattr(module, "__name__", "?")
        rec = PluginRecord(str(pid), str(getattr(module, "NAME", pid)), source,
                           version=str(getattr(module, "VERSION", "")), api_version=getattr(module, "API_VERSION", None))
        if not isinstance(pid, str) or not ID_RE.match(pid):
            rec.state, rec.error = "broken", f"PLUGIN_ID {pid!r} is not a valid id (lower-case letters, digits, _ . -)"
            return self._add(rec)
        if pid in self.plugins:
            rec.state, rec.error = "duplicate", f"a plugin with id {pid!r} is already loaded from {self.plugins[pid].source}"
            return self._add(rec, key=f"{pid}#{len(self.plugins)}")
        if rec.api_version is None:
            rec.state, rec.error = "incompatible", "declares no API_VERSION"
            return self._add(rec)
        if rec.api_version not in SUPPORTED_API_VERSIONS:
            rec.state = "incompatible"
            rec.error = (f"written for plugin API {rec.api_version!r}; this build supports "
                         f"{', '.join(map(str, sorted(SUPPORTED_API_VERSIONS)))}")
            return self._add(rec)
        register = getattr(module, "register", None)
        if not callable(register):
            rec.state, rec.error = "broken", "has no register(api) function"
            return self._add(rec)
        self._add(rec)
        rec.api = PluginAPI(pid, self)
        try:
            register(rec.api)
        except Exception as exc:  # noqa: BLE001
            self.disable(pid, f"register() raised {_describe(exc)}")
        return rec

    def _add(self, rec: PluginRecord, key: str | None = None) -> PluginRecord:
        self.plugins[key or rec.id] = rec
        return rec

    def attach(self, editor) -> None:
        """The editor whose document commands and panels act on."""
        self.editor = editor

    # ------------------------------------------------------------------ what plugins register
    def register_tool(self, pid: str, factory: Callable[[], Tool]) -> tuple[str, Callable[[], None]]:
        if pid == TRUSTED:
            holder: list[Tool] = []

            def make():
                holder.append(factory())
                return holder[-1]

            undo = self.registry.register(make)
            return holder[-1].NAME, undo
        made: list[GuardedTool] = []

        def wrapped():
            made.append(GuardedTool(factory(), self, pid))
            return made[-1]

        undo = self.registry.register(wrapped)
        return made[-1].NAME, undo

    def guard(self, pid: str, what: str, fn: Callable, *, reraise: bool = False) -> Callable:
        """Wrap a plugin handler: skipped once the plugin is disabled, disables it if it raises,
        and counts its time against the per-frame budget. With `reraise` (importers, exporters:
        their caller needs a result) the failure reaches the caller as a WireTunerError."""

        def guarded(*args, **kw):
            rec = self.plugins.get(pid)
            if rec is None or not rec.enabled:
                if reraise:
                    raise WireTunerError(f"plugin {pid} is disabled: {rec.error if rec else 'not loaded'}")
                return None
            t0 = time.perf_counter()
            try:
                return fn(*args, **kw)
            except WireTunerError:
                raise  # a refusal with a message for the user (bad input file...), not a plugin bug
            except Exception as exc:  # noqa: BLE001
                self.disable(pid, f"{what} raised {_describe(exc)}")
                if reraise:
                    raise WireTunerError(f"plugin {pid}: {what} failed: {_describe(exc)}") from None
                return None
            finally:
                self.account(pid, what, (time.perf_counter() - t0) * 1000)

        guarded.__wrapped__ = fn
        return guarded

    # ------------------------------------------------------------------ running
    def context(self, pid: str) -> PluginContext:
        if self.editor is None:
            raise RuntimeError("PluginHost.attach(editor) first")
        return PluginContext(self.editor, pid)

    def run_command(self, command: Command) -> None:
        """Run a plugin command: everything it applies is one undo step attributed to the plugin."""
        ctx = _OneStepContext(self.editor, command.plugin)
        command.run(ctx)

    def command(self, name: str) -> Command:
        for rec in self.plugins.values():
            if rec.enabled and rec.api is not None:
                for c in rec.api.contributes.commands:
                    if c.name == name or f"{c.plugin}.{c.name}" == name:
                        return c
        raise KeyError(f"no plugin command {name!r}")

    def panels(self) -> list:
        return [p for r in self.plugins.values() if r.enabled and r.api for p in r.api.contributes.panels]

    def commands(self) -> list[Command]:
        return [c for r in self.plugins.values() if r.enabled and r.api for c in r.api.contributes.commands]

    def settings(self) -> list:
        return [s for r in self.plugins.values() if r.enabled and r.api for s in r.api.contributes.settings]

    def account(self, pid: str, handler: str, ms: float) -> None:
        key = (pid, handler)
        spent = self._spent[key] = self._spent.get(key, 0.0) + ms
        if spent > self.budget_ms:
            o = self._flagged.get(key)
            if o is None:
                rec = self.plugins.get(pid)
                o = self._flagged[key] = Overrun(handler, spent, self.frame)
                if rec is not None:
                    rec.overruns.append(o)
                    del rec.overruns[:-100]
                    if self.editor is not None:
                        self.editor.report(f"plugin {pid}: {handler} took {spent:.1f} ms in one frame "
                                           f"(budget {self.budget_ms:g} ms)")
            o.ms = spent

    def end_frame(self) -> None:
        """Call once per frame: handler time is budgeted per frame."""
        self.frame += 1
        self._spent.clear()
        self._flagged.clear()

    def disable(self, pid: str, error: str) -> None:
        rec = self.plugins.get(pid)
        if rec is None or not rec.enabled:
            return
        rec.state, rec.error = "broken", error
        if rec.api is not None:
            rec.api.unregister_all()
        if self.editor is not None:
            self.editor.report(f"plugin {pid} disabled: {error}")
        for fn in list(self.listeners):
            fn(rec)

    # ------------------------------------------------------------------ reporting
    def to_data(self) -> dict:
        recs = list(self.plugins.values())
        return {"plugins": [r.to_data() for r in recs],
                "tools": self.registry.names(),
                "failed": [{"id": r.id, "source": r.source, "state": r.state, "error": r.error}
                           for r in recs if not r.enabled]}


class _OneStepContext(PluginContext):
    """Every apply during one command lands in the same op group: one undo step."""

    def __init__(self, editor, pid: str):
        super().__init__(editor, pid)
        self._group = f"{editor.session.new_group()}{group_tag(pid)}"

    def apply(self, events) -> None:
        self._editor.apply(list(events), group=self._group)


class GuardedTool(Tool):
    """A plugin's tool as the editor sees it: same name and shortcut; its op groups carry the
    plugin id; an exception disables the plugin (any open gesture is aborted) instead of
    reaching the main loop; time per frame is budgeted."""

    def __init__(self, inner: Tool, host: PluginHost, pid: str):
        self.inner = inner
        self.host = host
        self.plugin = pid
        self.NAME = inner.NAME
        self.LABEL = getattr(inner, "LABEL", "") or inner.NAME
        self.SHORTCUT = getattr(inner, "SHORTCUT", None)
        self.CURSOR = getattr(inner, "CURSOR", "arrow")
        self.GROUP_TAG = group_tag(pid)

    def __getattr__(self, name):  # anything else a panel may read (ICON, help text...)
        return getattr(self.inner, name)

    def _run(self, handler: str, fn, *args):
        rec = self.host.plugins.get(self.plugin)
        t0 = time.perf_counter()
        try:
            return True, fn(*args)
        except WireTunerError:
            raise  # a refused edit: the editor reports it, as for a built-in tool
        except Exception as exc:  # noqa: BLE001
            if rec is not None:
                self.host.disable(self.plugin, f"tool {self.NAME}: {handler} raised {_describe(exc)}")
            return False, None
        finally:
            self.host.account(self.plugin, f"tool {self.NAME}.{handler}", (time.perf_counter() - t0) * 1000)

    def initial(self):
        ok, state = self._run("initial", self.inner.initial)
        return state if ok else None

    def transition(self, state, msg, ctx):
        ok, result = self._run("transition", self.inner.transition, state, msg, ctx)
        if ok:
            return result
        # the plugin is unregistered now and the editor has switched to the selection tool
        reg = getattr(ctx, "registry", None)
        current = getattr(ctx, "tool_name", None)
        next_state = reg.get(current).initial() if reg is not None and current in reg else None
        return next_state, [Abort()]

    def overlay(self, state, ctx):
        ok, result = self._run("overlay", self.inner.overlay, state, ctx)
        return list(result) if ok and result else []

    def busy(self, state) -> bool:
        ok, result = self._run("busy", self.inner.busy, state)
        return bool(result) if ok else False


def _describe(exc: BaseException) -> str:
    """`ValueError: message (at file.py:12 in fn)` — the innermost frame of the plugin's code."""
    tb = traceback.extract_tb(exc.__traceback__)
    where = ""
    for fr in reversed(tb):
        if "wiretuner_gl/plugins/" not in fr.filename.replace("\\", "/"):
            where = f" (at {Path(fr.filename).name}:{fr.lineno} in {fr.name})"
            break
    if isinstance(exc, SyntaxError) and exc.filename:
        where = f" (at {Path(exc.filename).name}:{exc.lineno})"
    return f"{type(exc).__name__}: {exc}{where}"
