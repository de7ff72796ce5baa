"""A window's canvas image: pasteboard, artboards and the document, rendered by
wiretuner_gl.render into a texture that is re-rendered only when what it shows changed
(document, view, size), then blitted under the imgui layer each time the window is drawn.

Every canvas is rendered in the main window's GL context (one SceneRenderer, whose VAOs and
framebuffers belong to that context); the texture is a shared object, so the window's own
context blits it through a framebuffer of its own.
"""

from __future__ import annotations

import moderngl

from ..model.document import Document
from ..tools.view import View

PASTEBOARD = (0.16, 0.16, 0.17, 1.0)
ARTBOARD_BG = (1.0, 1.0, 1.0, 1.0)


def view_matrix(view: View) -> tuple[tuple[float, float, float], tuple[float, float, float]]:
    """The renderer's world -> clip 2x3 matrix for a window view (y down on screen)."""
    w, h = max(view.width, 1), max(view.height, 1)
    return ((2 * view.zoom / w, 0.0, 2 * view.pan_x / w - 1.0), (0.0, -2 * view.zoom / h, 1.0 - 2 * view.pan_y / h))


class Canvas:
    def __init__(self, main_gl: moderngl.Context, win_gl: moderngl.Context):
        self.main_gl = main_gl
        self.win_gl = win_gl
        self.size = (0, 0)
        self.tex = None
        self.fbo = None  # main context: render target
        self.win_fbo = None  # window context: blit source
        self.key = None
        self.renders = 0

    def _ensure(self, size) -> None:
        if size != self.size or self.fbo is None:
            self._release_main()
            self.tex = self.main_gl.texture(size, 4)
            self.fbo = self.main_gl.framebuffer(color_attachments=[self.tex])
            self.size = size
            self.key = None

    def update(self, doc: Document, view: View, size, renderer) -> bool:
        """(Main context current.) Re-render if the document, view or size changed; True if it did."""
        key = (id(doc), view, size, renderer is not None)
        if key == self.key:
            return False
        self._ensure(size)
        fbo = self.fbo
        fbo.use()
        self.main_gl.viewport = (0, 0) + size
        fbo.clear(*PASTEBOARD)
        h = size[1]
        for aid in doc.children():
            a = doc.artboards[aid]
            x0, y0 = view.to_screen(a.x, a.y)
            x1, y1 = view.to_screen(a.x + a.width, a.y + a.height)
            vx, vy = int(round(x0)), int(round(h - y1))
            vw, vh = int(round(x1 - x0)), int(round(y1 - y0))
            if vw > 0 and vh > 0:
                bg = a.background
                fbo.clear(*((bg.r, bg.g, bg.b, 1.0) if bg is not None else ARTBOARD_BG), viewport=(vx, vy, vw, vh))
        if doc.objects and renderer is not None:  # None while the kernels warm up (see warmup.py)
            renderer.sync(doc)
            renderer.draw(view_matrix(view), (0, 0) + size, framebuffer=fbo)
        self.key = key
        self.renders += 1
        return True

    def present(self) -> None:
        """(Window context current.) Copy the canvas to the window's back buffer."""
        if self.tex is None:
            return
        if self.win_fbo is None or self.win_fbo_tex is not self.tex:
            if self.win_fbo is not None:
                self.win_fbo.release()
            self.win_fbo = self.win_gl.framebuffer(color_attachments=[self.tex])
            self.win_fbo_tex = self.tex
        self.win_gl.copy_framebuffer(self.win_gl.screen, self.win_fbo)

    def _release_main(self) -> None:
        for o in (self.fbo, self.tex):
            if o is not None:
                o.release()
        self.fbo = self.tex = None
        self.key = None

    def release_window(self) -> None:
        if self.win_fbo is not None:
            self.win_fbo.release()
            self.win_fbo = None

    def release(self) -> None:
        self.release_window()
        self._release_main()
