"""Warm the numba kernels behind the first frame: the window and panels show at once while a
background thread compiles (or loads from the cache) every kernel the renderer and the tools
use, on a small document that exercises them; the canvas shows the document once that is done.
(Numba compiles a function once under its own lock, so the main thread must not call the
kernels before `ready` is set; it draws artboards without their content until then.)"""

from __future__ import annotations

import threading
from typing import Callable

from ..events.reducer import reduce_all
from ..events.types import ArtboardCreated, LayerCreated, ObjectCreated
from ..model.document import Document
from ..model.ids import keys_between
from ..model.nodes import Anchor, Artboard, EllipseGeom, Layer, Path, RectGeom, Shape, StarGeom, Subpath
from ..model.values import Color, GradientStop, LinearGradient, Stroke, Style


def sample_document() -> Document:
    k = keys_between(None, None, 4)
    grad = LinearGradient(0, 0, 10, 0, (GradientStop(0, Color(1, 0, 0)), GradientStop(1, Color(0, 0, 1))))
    dashed = Stroke(Color(0, 0, 0), 2.0, "round", 4.0, "round", (3.0, 1.0))
    curve = Path("path:w.1", "layer:w.1", k[3], (Subpath((Anchor("a0", 0, 0, 0, 0, 5, -5), Anchor("a1", 10, 0, -5, 5, 0, 0)), False),),
                 style=Style(fill=None, stroke=Stroke(Color(0, 0, 0), 1.0, "miter", 4.0, "square")))
    return reduce_all(Document(), [
        ArtboardCreated(Artboard("artboard:w.1", "w", 0, 0, 20, 20, "a0")),
        LayerCreated(Layer("layer:w.1", "artboard:w.1", "l", "a0")),
        ObjectCreated(Shape("shape:w.1", "layer:w.1", k[0], RectGeom(0, 0, 5, 5, 1, 1, 1, 1), style=Style(fill=grad, stroke=dashed))),
        ObjectCreated(Shape("shape:w.2", "layer:w.1", k[1], EllipseGeom(5, 5, 3, 2), style=Style(fill=Color(0, 1, 0), stroke=Stroke(Color(0, 0, 0), 1.0, "bevel")))),
        ObjectCreated(Shape("shape:w.3", "layer:w.1", k[2], StarGeom(10, 10, 4, 2, 5))),
        ObjectCreated(curve),
    ])


def start(on_ready: Callable[[], None]) -> threading.Event:
    ready = threading.Event()

    def work():
        try:
            from ..geometry import query
            from ..render.compile import SceneCompiler

            doc = sample_document()
            SceneCompiler().compile(doc, 1.0)
            query.hit_test(doc, 1.0, 1.0, 0.5)
            query.objects_in_rect(doc, 0, 0, 5, 5)
            query.nearest_point(doc, "path:w.1", 5.0, 1.0)
            query.snap_to_grid(1.2, 3.4, 10.0)
        finally:  # even if warming failed, the main thread may go on (it then compiles on use)
            ready.set()
            on_ready()

    threading.Thread(target=work, name="kernel-warmup", daemon=True).start()
    return ready
