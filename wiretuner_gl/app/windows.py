"""One OS window: its GLFW handle, its GL context (sharing objects with the main window), its own
imgui context (panels in the main window; tool overlays everywhere), and its canvas image.

Why one imgui context per window rather than imgui's multi-viewport: each window is a separate
canvas with its own view and input; contexts keep their input state apart, and a window with
nothing new to show skips its frame entirely.
"""

from __future__ import annotations

import ctypes

from imgui_bundle import imgui, implot  # imported before glfw: imgui_bundle sets the GLFW library path
import glfw

from ..render import create_context
from .canvas import Canvas

MAIN, ARTBOARD, NAVIGATOR = "main", "artboard", "navigator"


class Window:
    def __init__(self, wid: int, kind: str, title: str, size: tuple[int, int], *, share=None, artboard: str | None = None,
                 visible: bool = True):
        self.wid = wid
        self.kind = kind
        self.artboard = artboard
        glfw.window_hint(glfw.VISIBLE, glfw.TRUE if visible else glfw.FALSE)
        self.handle = glfw.create_window(int(size[0]), int(size[1]), title, None, share.handle if share else None)
        if not self.handle:
            raise RuntimeError(f"cannot create the window {title!r}")
        glfw.make_context_current(self.handle)
        glfw.swap_interval(0)  # frame pacing is the main loop's job; 20 windows must not wait 20 vsyncs
        self.gl = create_context(standalone=False)  # GLFW `share=` already put it in the main share group
        self.imgui = imgui.create_context()
        imgui.set_current_context(self.imgui)
        if kind == MAIN:
            self.implot = implot.create_context()
        io = imgui.get_io()
        io.config_flags |= imgui.ConfigFlags_.docking_enable
        io.set_ini_filename(None)  # layout is built by code, not read from the working directory
        io.display_size = imgui.ImVec2(*glfw.get_window_size(self.handle))
        imgui.style_colors_dark()
        imgui.backends.opengl3_init("#version 330")
        self.canvas = Canvas(share.gl if share is not None else self.gl, self.gl)
        self.redraw_frames = 3  # imgui needs a few frames to settle after input
        self.tool_owns_mouse = False  # a press that started on the canvas keeps the mouse until release
        self.cpu_ms = 0.0
        self.wall_ms = 0.0
        self.closed = False
        self.mouse = (0.0, 0.0)
        self.buttons = 0
        self._time = glfw.get_time()
        self.first_frame = True

    @property
    def address(self) -> int:
        return ctypes.cast(self.handle, ctypes.c_void_p).value

    def size(self) -> tuple[int, int]:
        return glfw.get_framebuffer_size(self.handle)

    def make_current(self) -> None:
        glfw.make_context_current(self.handle)
        imgui.set_current_context(self.imgui)
        if self.kind == MAIN:
            implot.set_current_context(self.implot)

    def new_frame(self) -> None:
        io = imgui.get_io()
        w, h = glfw.get_window_size(self.handle)
        io.display_size = imgui.ImVec2(w, h)
        now = glfw.get_time()
        io.delta_time = max(now - self._time, 1e-4) if not self.first_frame else 1 / 60
        self._time = now
        imgui.backends.opengl3_new_frame()
        imgui.new_frame()

    def destroy(self, main: "Window | None" = None) -> None:
        if self.closed:
            return
        if main is not None:  # the canvas texture lives in the main context
            main.make_current()
            self.canvas._release_main()
        else:
            self.make_current()
            self.canvas._release_main()
        self.make_current()
        self.canvas.release_window()
        imgui.backends.opengl3_shutdown()
        if self.kind == MAIN:
            implot.destroy_context(self.implot)
        imgui.destroy_context(self.imgui)
        glfw.destroy_window(self.handle)
        self.closed = True
