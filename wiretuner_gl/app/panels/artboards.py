"""Artboards panel: add, rename, move/resize (commit on release), open in its own window."""

from __future__ import annotations

from imgui_bundle import imgui

from ...events import types as T
from ...model.ids import key_between
from ...model.nodes import Artboard, Layer
from .properties import _edit


def add_artboard(app, width=800.0, height=600.0) -> str:
    """A new artboard right of the others, with one layer, as one operation."""
    ed = app.editor
    doc = ed.doc
    kids = doc.children()
    right = max((doc.artboards[a].x + doc.artboards[a].width for a in kids), default=-100.0)
    top = doc.artboards[kids[-1]].y if kids else 0.0
    order = key_between(doc.artboards[kids[-1]].order if kids else None, None)
    ab = Artboard(ed.new_id("artboard"), f"Artboard {len(kids) + 1}", right + 100.0, top, float(width), float(height), order)
    layer = Layer(ed.new_id("layer"), ab.id, "Layer 1", key_between(None, None))
    ed.apply([T.ArtboardCreated(ab), T.LayerCreated(layer)])
    return ab.id


def draw(app, buffers) -> None:
    ed = app.editor
    if imgui.begin("Artboards"):
        doc = ed.display_doc
        editable = ed.preview is None
        if imgui.button("Add artboard") and editable:
            add_artboard(app)
        imgui.same_line()
        if imgui.button("Navigator"):
            app.open_navigator()
        for aid in doc.children():
            a = doc.artboards[aid]
            imgui.push_id(aid)
            imgui.separator()
            v = _edit(buffers, f"{aid}.name", a.name, lambda x: imgui.input_text("name", x))
            if v is not None and v != a.name and editable:
                ed.apply([T.ArtboardRenamed(aid, a.name, v)])
            rect = [a.x, a.y, a.width, a.height]
            v = _edit(buffers, f"{aid}.rect", rect, lambda x: imgui.drag_float4("x y w h", x, 1.0))
            if v is not None and editable and v[2] > 0 and v[3] > 0 and list(v) != rect:
                ed.apply([T.ArtboardResized(aid, tuple(rect), tuple(float(c) for c in v))])
            if imgui.button("Open in window"):
                app.post(lambda aid=aid: app.open_artboard_window(aid))
            imgui.same_line()
            if imgui.button("Fit here"):
                ed.window = 0
                ed.fit_artboard(aid)
            imgui.pop_id()
    imgui.end()
