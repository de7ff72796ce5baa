"""Tool overlays (selection boxes, handles, anchors, marquees) drawn in screen space with the
window's imgui background draw list: cheap to redraw every frame, never touch the canvas image."""

from __future__ import annotations

from imgui_bundle import imgui

from ..tools.api import Overlay
from ..tools.view import View

HANDLE = 4.0


def _col(c) -> int:
    return imgui.get_color_u32(imgui.ImVec4(*c))


def draw_overlays(dl, items: list[Overlay], view: View) -> None:
    for it in items:
        col = _col(it.color)
        pts = [imgui.ImVec2(*view.to_screen(x, y)) for x, y in it.points]
        if it.kind in ("polyline", "polygon") and len(pts) > 1:
            dl.add_polyline(pts, col, 1.0, imgui.ImDrawFlags_.closed if it.kind == "polygon" else 0)
        elif it.kind == "rect" and len(pts) == 2:
            a, b = pts
            lo = imgui.ImVec2(min(a.x, b.x), min(a.y, b.y))
            hi = imgui.ImVec2(max(a.x, b.x), max(a.y, b.y))
            dl.add_rect_filled(lo, hi, _col((*it.color[:3], 0.12)))
            dl.add_rect(lo, hi, col)
        elif it.kind == "handle":
            p = pts[0]
            lo, hi = imgui.ImVec2(p.x - HANDLE, p.y - HANDLE), imgui.ImVec2(p.x + HANDLE, p.y + HANDLE)
            dl.add_rect_filled(lo, hi, col if it.filled else _col((1, 1, 1, 1)))
            dl.add_rect(lo, hi, col)
        elif it.kind == "dot":
            dl.add_circle_filled(pts[0], 3.5, col)


def draw_artboard_labels(dl, doc, view: View) -> None:
    col = _col((0.8, 0.8, 0.8, 1.0))
    for aid in doc.children():
        a = doc.artboards[aid]
        x, y = view.to_screen(a.x, a.y)
        dl.add_text(imgui.ImVec2(x, y - 16), col, a.name)
