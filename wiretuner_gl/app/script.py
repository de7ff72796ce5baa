"""Scripted input (`wiretuner --script S.jsonl`): one JSON object per line, fed through the same
InputRouter methods the GLFW callbacks call, one step per frame. See the README for the format."""

from __future__ import annotations

import json
from collections import deque
from pathlib import Path

import glfw

from ..errors import WireTunerError
from .keys import MODIFIER_KEYS, key_code, key_name

BUTTONS = {"left": 0, "right": 1, "middle": 2, 0: 0, 1: 1, 2: 2}


class ScriptError(WireTunerError):
    """A line of an input script is not valid."""


def load_script(path) -> list[dict]:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ScriptError(f"{path}: {exc.strerror or exc}") from None
    steps = []
    for n, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ScriptError(f"{path}:{n}: not JSON ({exc.msg})") from None
        if not isinstance(obj, dict):
            raise ScriptError(f"{path}:{n}: each line must be a JSON object")
        _check(obj, f"{path}:{n}")
        obj["_where"] = f"{path}:{n}"
        steps.append(obj)
    return steps


_KINDS = ("key", "mouse", "wheel", "wait_frames", "window", "type", "drop", "open_window", "navigator",
          "close_window", "scrub", "restore", "screenshot", "tool")


def _check(obj: dict, where: str) -> None:
    kinds = [k for k in _KINDS if k in obj]
    if not kinds:
        raise ScriptError(f"{where}: unknown step {sorted(obj)} (one of: {', '.join(_KINDS)})")
    k = kinds[0]
    try:
        if k == "key":
            key_code(obj["key"])
            if obj.get("action", "press") not in ("press", "down", "up"):
                raise ValueError("action must be press, down or up")
        elif k == "mouse":
            if obj["mouse"] not in ("down", "move", "up", "click", "drag"):
                raise ValueError("mouse must be down, move, up, click or drag")
            for f in ("x", "y"):
                if not isinstance(obj.get(f), (int, float)) or isinstance(obj.get(f), bool):
                    raise ValueError(f"mouse needs numbers x and y (window pixels), got {f}={obj.get(f)!r}")
            if obj["mouse"] == "drag":
                to = obj.get("to")
                if not (isinstance(to, list) and len(to) == 2 and all(isinstance(c, (int, float)) for c in to)):
                    raise ValueError(f"drag needs \"to\": [x, y], got {to!r}")
            if obj.get("button", "left") not in BUTTONS:
                raise ValueError("button must be left, right or middle")
        elif k in ("wait_frames", "window", "close_window"):
            if not isinstance(obj[k], int) or isinstance(obj[k], bool) or obj[k] < 0:
                raise ValueError(f"{k} must be a whole number >= 0, got {obj[k]!r}")
        for m in obj.get("mods", []):
            if m not in ("shift", "ctrl", "alt", "super"):
                raise ValueError(f"unknown modifier {m!r}")
    except KeyError as exc:
        raise ScriptError(f"{where}: missing {exc}") from None
    except (TypeError, ValueError, IndexError) as exc:
        raise ScriptError(f"{where}: {exc}") from None


class ScriptPlayer:
    def __init__(self, steps: list[dict]):
        self.todo = deque(steps)
        self.sub: deque = deque()  # actions of the current step, one per frame
        self.window = 0

    @property
    def done(self) -> bool:
        return not self.todo and not self.sub

    def step(self, app) -> None:
        """Carry out one action (call once per frame)."""
        if not self.sub:
            if not self.todo:
                return
            self.sub.extend(self._expand(self.todo.popleft(), app))
        if self.sub:
            action = self.sub.popleft()
            action(app)

    def _win(self, app, wid=None):
        wid = self.window if wid is None else wid
        win = app.windows.get(wid)
        if win is None:
            raise ScriptError(f"no window {wid} (open: {sorted(app.windows)})")
        return win

    def _expand(self, s: dict, app) -> list:
        mods = frozenset(s.get("mods", []))
        where = s["_where"]
        if "window" in s and len([k for k in _KINDS if k in s]) == 1:
            def sel(app, w=int(s["window"])):
                self._win(app, w)
                self.window = w
            return [sel]
        if "key" in s:
            code = key_code(s["key"])
            name = key_name(code)
            action = s.get("action", "press")
            acts = []
            if action in ("press", "down"):
                acts.append(lambda app: self._key(app, code, glfw.PRESS, mods))
            if action in ("press", "up"):
                acts.append(lambda app: self._key(app, code, glfw.RELEASE, mods))
            if name in MODIFIER_KEYS:
                return acts
            return acts
        if "mouse" in s:
            kind, x, y = s["mouse"], float(s["x"]), float(s["y"])
            b = BUTTONS[s.get("button", "left")]
            move = lambda app, x=x, y=y: self._move(app, x, y, mods)  # noqa: E731
            down = lambda app: self._button(app, b, True, mods)  # noqa: E731
            up = lambda app: self._button(app, b, False, mods)  # noqa: E731
            if kind == "move":
                return [move]
            if kind == "down":
                return [move, down]
            if kind == "up":
                return [move, up]
            if kind == "click":
                return [move, down, up]
            tx, ty = float(s["to"][0]), float(s["to"][1])
            n = max(1, int(s.get("steps", 8)))
            acts = [move, down]
            for i in range(1, n + 1):
                acts.append(lambda app, i=i: self._move(app, x + (tx - x) * i / n, y + (ty - y) * i / n, mods))
            return acts + [up]
        if "wheel" in s:
            x, y = float(s.get("x", 0)), float(s.get("y", 0))
            return [lambda app: self._move(app, x, y, mods),
                    lambda app: self._with_mods(app, mods, lambda: app.router.scroll(self._win(app), 0.0, float(s["wheel"])))]
        if "wait_frames" in s:
            return [lambda app: None] * max(1, int(s["wait_frames"]))
        if "type" in s:
            return [lambda app, c=c: app.router.char(self._win(app), ord(c)) for c in str(s["type"])]
        if "drop" in s:
            paths = s["drop"] if isinstance(s["drop"], list) else [s["drop"]]
            return [lambda app: app.router.drop(self._win(app), [str(p) for p in paths]), lambda app: None]
        if "open_window" in s:
            return [lambda app: app.open_artboard_window(_artboard(app, s["open_window"], where))]
        if "navigator" in s:
            return [lambda app: app.open_navigator()]
        if "close_window" in s:
            return [lambda app: app.close_window(int(s["close_window"]))]
        if "scrub" in s:
            return [lambda app: app.scrub_to(None if s["scrub"] is None else int(s["scrub"]))]
        if "restore" in s:
            return [lambda app: app.restore_preview()]
        if "screenshot" in s:
            return [lambda app: app.screenshot(s["screenshot"], self.window)]
        if "tool" in s:
            return [lambda app: app.editor.activate(s["tool"])]
        raise ScriptError(f"{where}: nothing to do")

    # ------------------------------------------------------------------ through the router
    def _with_mods(self, app, mods, fn) -> None:
        win = self._win(app)
        prev = app.router.mods
        app.router.set_mods(win, mods | prev if mods else prev)
        fn()

    def _move(self, app, x, y, mods) -> None:
        win = self._win(app)
        app.router.set_mods(win, mods)
        app.router.cursor(win, x, y)

    def _button(self, app, b, down, mods) -> None:
        win = self._win(app)
        app.router.set_mods(win, mods)
        app.router.button(win, b, down, mods)

    def _key(self, app, code, action, mods) -> None:
        win = self._win(app)
        name = key_name(code)
        if name in MODIFIER_KEYS:
            app.router.key(win, code, action, mods)
            return
        app.router.set_mods(win, mods)
        app.router.key(win, code, action, mods)
        if action == glfw.RELEASE:
            app.router.set_mods(win, frozenset())


def _artboard(app, ref, where) -> str:
    doc = app.editor.doc
    ids = list(doc.children())
    if isinstance(ref, int):
        if not 0 <= ref < len(ids):
            raise ScriptError(f"{where}: no artboard #{ref} (there are {len(ids)})")
        return ids[ref]
    for aid in ids:
        if ref in (aid, doc.artboards[aid].name):
            return aid
    raise ScriptError(f"{where}: no artboard named {ref!r}")
