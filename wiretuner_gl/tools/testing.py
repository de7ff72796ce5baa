"""A windowless editor for tests (tldraw's TestEditor): chainable input in window pixels.

    ed = TestEditor.new(tmp_path / "t.wiretuner")
    ed.key("M").pointer_down(100, 80).pointer_move(300, 200).pointer_up()
    assert ed.shapes()[0].geom.width == 200

By default the view is the identity (window pixels = document units) so tests read naturally.
Plugins test their tools the same way: pass `registry=` or call `ed.registry.register(factory)`.
"""

from __future__ import annotations

from pathlib import Path as FsPath
from typing import Iterable

from ..model.nodes import Group, Path, Shape
from ..store.session import DocumentSession
from .api import ToolRegistry
from .editor import Editor


class TestEditor(Editor):
    __test__ = False  # not a pytest test class

    def __init__(self, session: DocumentSession, registry: ToolRegistry | None = None, *, size=(1280, 800), sample_interval: float = 0.0):
        super().__init__(session, registry, size=size)
        self._x, self._y = 0.0, 0.0
        self._mods: frozenset = frozenset()
        self.sample_interval = sample_interval

    @classmethod
    def new(cls, path, *, artboard=(800.0, 600.0), **kw) -> "TestEditor":
        return cls(DocumentSession.create(FsPath(path), artboard=artboard), **kw)

    @classmethod
    def open(cls, path, **kw) -> "TestEditor":
        return cls(DocumentSession.open(FsPath(path)), **kw)

    def close(self) -> None:
        self.session.close()

    # ------------------------------------------------------------------ chainable input
    def pointer_down(self, x: float | None = None, y: float | None = None, *, button: int = 0, mods: Iterable[str] = ()):
        self._at(x, y)
        super().pointer_down(self._x, self._y, button, mods or self._mods)
        return self

    def pointer_move(self, x: float, y: float, *, mods: Iterable[str] = ()):
        self._at(x, y)
        super().pointer_move(self._x, self._y, mods or self._mods)
        return self

    def pointer_up(self, x: float | None = None, y: float | None = None, *, button: int = 0, mods: Iterable[str] = ()):
        self._at(x, y)
        super().pointer_up(self._x, self._y, button, mods or self._mods)
        return self

    def drag(self, x0: float, y0: float, x1: float, y1: float, *, steps: int = 4, mods: Iterable[str] = ()):
        self.pointer_down(x0, y0, mods=mods)
        for i in range(1, steps + 1):
            self.pointer_move(x0 + (x1 - x0) * i / steps, y0 + (y1 - y0) * i / steps, mods=mods)
        return self.pointer_up(x1, y1, mods=mods)

    def click(self, x: float, y: float, *, mods: Iterable[str] = ()):
        return self.pointer_down(x, y, mods=mods).pointer_up(x, y, mods=mods)

    def key(self, key: str, *mods: str):
        self.key_down(key, mods)
        self.key_up(key, mods)
        return self

    def hold(self, *mods: str):
        """Keep modifiers down for the following pointer calls (hold() with none releases them)."""
        self._mods = frozenset(mods)
        return self

    def wheel_at(self, x: float, y: float, dy: float, *mods: str):
        self.wheel(0.0, dy, x, y, mods)
        return self

    def use(self, tool: str):
        self.activate(tool)
        return self

    def in_window(self, window: int, size=(1280, 800)):
        if window not in self.views:
            from .view import View

            self.views[window] = View(*size)
        self.window = window
        return self

    def _at(self, x, y):
        if x is not None:
            self._x, self._y = float(x), float(y)

    # ------------------------------------------------------------------ reading the document
    def objects(self, kind=None) -> list:
        objs = list(self.doc.objects.values())
        return [o for o in objs if kind is None or isinstance(o, kind)]

    def shapes(self) -> list[Shape]:
        return self.objects(Shape)

    def paths(self) -> list[Path]:
        return self.objects(Path)

    def groups(self) -> list[Group]:
        return self.objects(Group)

    def get(self, oid: str):
        return self.doc.get(oid)
