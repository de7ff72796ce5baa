"""Input routing: every GLFW callback (and every scripted event, which calls the same methods)
goes to the window's imgui context first; what imgui does not capture goes to the app's
shortcuts, then to the editor (the active tool). A press that started on the canvas belongs to
the tool until release, even if the pointer passes over a panel."""

from __future__ import annotations

from typing import TYPE_CHECKING

from imgui_bundle import imgui
import glfw

from .keys import MODIFIER_KEYS, imgui_key, key_name, mods_from_bits

if TYPE_CHECKING:
    from .app import App
    from .windows import Window

_IMGUI_MODS = {"ctrl": "mod_ctrl", "shift": "mod_shift", "alt": "mod_alt", "super": "mod_super"}


class InputRouter:
    def __init__(self, app: "App"):
        self.app = app
        self.mods: frozenset = frozenset()  # modifier keys held (from key events)

    # ------------------------------------------------------------------ GLFW
    def install(self, win: "Window") -> None:
        h = win.handle
        glfw.set_cursor_pos_callback(h, lambda _h, x, y: self.cursor(win, x, y))
        glfw.set_mouse_button_callback(h, lambda _h, b, a, m: self.button(win, b, a == glfw.PRESS, mods_from_bits(m)))
        glfw.set_scroll_callback(h, lambda _h, dx, dy: self.scroll(win, dx, dy))
        glfw.set_key_callback(h, lambda _h, k, sc, a, m: self.key(win, k, a, mods_from_bits(m)))
        glfw.set_char_callback(h, lambda _h, c: self.char(win, c))
        glfw.set_drop_callback(h, lambda _h, paths: self.drop(win, list(paths)))
        glfw.set_window_close_callback(h, lambda _h: self.app.request_close(win))
        glfw.set_window_size_callback(h, lambda _h, w, hh: self.touch(win))
        glfw.set_window_focus_callback(h, lambda _h, f: self.touch(win))

    # ------------------------------------------------------------------ events
    def touch(self, win: "Window") -> None:
        win.redraw_frames = max(win.redraw_frames, 3)

    def _io(self, win: "Window"):
        imgui.set_current_context(win.imgui)
        return imgui.get_io()

    def _to_editor(self, win: "Window") -> bool:
        ed = self.app.editor
        if win.wid not in ed.views:
            return False
        ed.window = win.wid
        return True

    def cursor(self, win: "Window", x: float, y: float, mods: frozenset | None = None) -> None:
        self.touch(win)
        win.mouse = (x, y)
        io = self._io(win)
        io.add_mouse_pos_event(x, y)
        if (win.tool_owns_mouse or not io.want_capture_mouse) and self._to_editor(win):
            self.app.editor.pointer_move(x, y, self.mods if mods is None else mods)

    def button(self, win: "Window", button: int, down: bool, mods: frozenset) -> None:
        self.touch(win)
        io = self._io(win)
        io.add_mouse_button_event(button, down)
        x, y = win.mouse
        if down:
            if io.want_capture_mouse or self.app.modal_open(win):
                return
            if self._to_editor(win):
                win.tool_owns_mouse = True
                win.buttons |= 1 << button
                self.app.editor.pointer_down(x, y, _editor_button(button), mods)
        elif win.tool_owns_mouse:
            win.buttons &= ~(1 << button)
            if self._to_editor(win):
                self.app.editor.pointer_up(x, y, _editor_button(button), mods)
            if not win.buttons:
                win.tool_owns_mouse = False

    def scroll(self, win: "Window", dx: float, dy: float) -> None:
        self.touch(win)
        io = self._io(win)
        io.add_mouse_wheel_event(dx, dy)
        if not io.want_capture_mouse and self._to_editor(win):
            self.app.editor.wheel(dx, dy, *win.mouse, self.mods)

    def key(self, win: "Window", code: int, action: int, mods: frozenset) -> None:
        self.touch(win)
        io = self._io(win)
        down = action != glfw.RELEASE
        ik = imgui_key(code)
        if ik is not None:
            io.add_key_event(ik, down)
        name = key_name(code)
        if name in MODIFIER_KEYS:
            m = name.lower()
            self.mods = (self.mods | {m}) if down else (self.mods - {m})
            io.add_key_event(getattr(imgui.Key, _IMGUI_MODS[m]), down)
            return
        self.mods = frozenset(mods)
        if name is None:
            return
        if down and self.app.shortcut(win, name, mods):
            return
        if io.want_capture_keyboard or io.want_text_input:
            return
        if not self._to_editor(win) or self.app.modal_open(win):
            return
        if down:
            self.app.editor.key_down(name, mods)
        else:
            self.app.editor.key_up(name, mods)

    def char(self, win: "Window", c: int) -> None:
        io = self._io(win)
        if 0 < c < 0x10000:
            io.add_input_character(c)

    def drop(self, win: "Window", paths: list[str]) -> None:
        self.touch(win)
        self.app.post(lambda: self.app.import_files(paths, win))

    def set_mods(self, win: "Window", mods: frozenset) -> None:
        """Scripted modifier state: press/release modifier keys in imgui and the router."""
        io = self._io(win)
        for m in ("ctrl", "shift", "alt", "super"):
            want = m in mods
            if want != (m in self.mods):
                io.add_key_event(getattr(imgui.Key, _IMGUI_MODS[m]), want)
        self.mods = frozenset(mods)


def _editor_button(glfw_button: int) -> int:
    """GLFW: 0 left, 1 right, 2 middle -> editor: 0 left, 1 right, 2 middle (the same numbering)."""
    return glfw_button
