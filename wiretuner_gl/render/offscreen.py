"""Offscreen rendering of a document to an RGBA array (CLI render, PNG export, tests, thumbnails)."""

from __future__ import annotations


import moderngl
import numpy as np

from ..geometry.query import view_box_of
from ..model.document import Document
from ..model.values import Color
from .context import bound_framebuffer, default_context
from .scene import SceneRenderer

SUPERSAMPLE = 2  # with 4x MSAA: 16 samples per pixel for exports


def fit_view(view_box, width: int, height: int) -> tuple[np.ndarray, float]:
    """World -> clip (3x3) fitting view_box into width x height as SVG's xMidYMid meet, y down.

    Returns (view, pixels per unit)."""
    vx, vy, vw, vh = (float(v) for v in view_box)
    s = min(width / vw, height / vh) if vw > 0 and vh > 0 else 1.0
    ox = (width - vw * s) / 2.0 - vx * s
    oy = (height - vh * s) / 2.0 - vy * s
    # pixel (px, py), y down -> clip: x = 2 px / W - 1, y = 1 - 2 py / H
    view = np.array(
        [[2 * s / width, 0.0, 2 * ox / width - 1.0], [0.0, -2 * s / height, 1.0 - 2 * oy / height], [0.0, 0.0, 1.0]]
    )
    return view, s


def render_document(
    doc: Document,
    width: int,
    height: int,
    background: Color | None = None,
    artboard: str | None = None,
    view_box=None,
    *,
    ctx: moderngl.Context | None = None,
    renderer: SceneRenderer | None = None,
    supersample: int = SUPERSAMPLE,
) -> np.ndarray:
    """The document (or one artboard) as a (height, width, 4) uint8 RGBA array, straight alpha.

    The view box (default: `view_box_of`) is fitted as an SVG viewer would; the background is
    transparent unless a colour is given.
    """
    if width <= 0 or height <= 0:
        raise ValueError(f"image size must be positive, got {width}x{height}")
    if renderer is None:
        renderer = SceneRenderer(ctx or default_context())
    ctx = renderer.ctx
    vb = view_box if view_box is not None else view_box_of(doc, artboard)
    view, s = fit_view(vb, width, height)
    renderer.fixed_scale = s
    renderer.sync(doc, s)
    previous = bound_framebuffer(ctx)
    tex = ctx.texture((width, height), 4)
    fbo = ctx.framebuffer(color_attachments=[tex])
    try:
        if background is not None:
            a = background.a
            fbo.clear(background.r * a, background.g * a, background.b * a, a)
        else:
            fbo.clear(0.0, 0.0, 0.0, 0.0)
        renderer.draw(view, (0, 0, width, height), framebuffer=fbo, artboard=artboard, supersample=supersample)
        data = np.frombuffer(fbo.read(components=4, alignment=1), dtype=np.uint8).reshape(height, width, 4)
    finally:
        previous.use()  # never leave a released framebuffer bound
        fbo.release()
        tex.release()
    return unpremultiply(np.flipud(data))


def unpremultiply(rgba: np.ndarray) -> np.ndarray:
    """Premultiplied RGBA8 to straight alpha (only partly transparent pixels need work)."""
    out = np.array(rgba, dtype=np.uint8, copy=True)
    a = out[..., 3]
    part = (a > 0) & (a < 255)
    if part.any():
        px = out[part].astype(np.uint32)
        al = px[:, 3:4]
        px[:, :3] = np.minimum(255, (px[:, :3] * 255 + al // 2) // al)
        out[part] = px.astype(np.uint8)
    out[a == 0, :3] = 0
    return out
