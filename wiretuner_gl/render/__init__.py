"""The only ModernGL code: contexts, programs, GPU caches, offscreen rendering.

Public API (the editor draws windows with the same renderer):
- `create_context(standalone=True | False)`: the one place contexts are made.
- `SceneRenderer(ctx)`: `.sync(doc)`, `.draw(view, viewport, framebuffer=None, artboard=None)`.
- `render_document(doc, width, height, background=None, artboard=None, view_box=None)` -> RGBA.
- `fit_view(view_box, w, h)`, `view_box_of(doc, artboard)`.
"""

from .context import RenderUnavailable, create_context, default_context
from .offscreen import fit_view, render_document, view_box_of
from .scene import SceneRenderer

__all__ = ["RenderUnavailable", "SceneRenderer", "create_context", "default_context", "fit_view", "render_document", "view_box_of"]
