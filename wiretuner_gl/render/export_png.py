"""PNG export through the GPU renderer (`wiretuner export FILE -o OUT.png`)."""

from __future__ import annotations

import math
from pathlib import Path

from PIL import Image

from ..model.document import Document
from .offscreen import render_document, view_box_of


def save_png(rgba, out: Path) -> None:
    Image.fromarray(rgba, "RGBA").save(str(out), format="PNG")


def export_png(doc: Document, out: Path, *, artboard: str | None = None) -> None:
    """The document (or one artboard) at 1 pixel per unit, transparent where nothing is drawn."""
    vb = view_box_of(doc, artboard)
    w = max(1, math.ceil(vb[2] - 1e-9))
    h = max(1, math.ceil(vb[3] - 1e-9))
    save_png(render_document(doc, w, h, artboard=artboard, view_box=vb), Path(out))
