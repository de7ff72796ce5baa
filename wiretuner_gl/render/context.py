"""The one place that creates GL contexts (as moderngl's own `_create_context` is one place)."""

from __future__ import annotations

import moderngl

from ..errors import WireTunerError

REQUIRE = 330


class RenderUnavailable(WireTunerError):
    """No OpenGL 3.3 context could be created (no EGL / driver)."""


def create_context(standalone: bool = True, *, share: bool = False) -> moderngl.Context:
    """A ModernGL context.

    standalone=True: an offscreen EGL context (works headless, on Mesa llvmpipe without a GPU).
    standalone=False: wrap the GL context current on this thread (a GLFW window the editor made
    current); with share=True that window's context shares objects with the others created with
    GLFW `share=`, so one SceneRenderer's buffers and textures serve every window.
    """
    try:
        if standalone:
            return moderngl.create_context(standalone=True, backend="egl", require=REQUIRE)
        return moderngl.create_context(require=REQUIRE, share=share)
    except Exception as exc:  # moderngl raises plain Exception for missing drivers
        what = "an offscreen EGL" if standalone else "the current window's"
        raise RenderUnavailable(f"cannot create {what} OpenGL {REQUIRE // 100}.{REQUIRE % 100 // 10} context: {exc}") from None


_default: moderngl.Context | None = None


def default_context() -> moderngl.Context:
    """A process-wide offscreen context for command-line rendering and exports (made once)."""
    global _default
    if _default is None:
        _default = create_context(standalone=True)
    return _default


def bound_framebuffer(ctx: moderngl.Context) -> moderngl.Framebuffer:
    """The framebuffer bound now, or the default one when none (or a released one) is bound."""
    fb = ctx.fbo
    if fb is None or type(getattr(fb, "mglo", None)).__name__ == "InvalidObject":
        fb = ctx.detect_framebuffer(0)
    return fb
