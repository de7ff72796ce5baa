"""Tools panel: one button per registered tool (plugins' tools included), snapping, tool options."""

from __future__ import annotations

from imgui_bundle import imgui


def draw(app) -> None:
    ed = app.editor
    if imgui.begin("Tools"):
        for name in ed.registry.names():
            tool = ed.registry.get(name)
            imgui.push_id(name)
            active = name == ed.tool_name
            if active:
                imgui.push_style_color(imgui.Col_.button, imgui.ImVec4(0.26, 0.59, 0.98, 1.0))
            label = f"{tool.LABEL or name}" + (f" ({tool.SHORTCUT})" if tool.SHORTCUT else "")
            if imgui.button(label, imgui.ImVec2(-1, 0)) and ed.preview is None:
                ed.activate(name)
            if active:
                imgui.pop_style_color()
            imgui.pop_id()
        imgui.separator()
        s = ed.snapper.settings
        _, s.grid = imgui.checkbox("Snap to grid", s.grid)
        _, s.anchors = imgui.checkbox("Snap to anchors", s.anchors)
        imgui.set_next_item_width(-1)
        _, s.grid_size = imgui.drag_float("##grid", s.grid_size, 0.5, 1.0, 500.0, "grid %.0f")
        imgui.separator()
        t = ed.settings
        imgui.set_next_item_width(-1)
        _, t.corner_radius = imgui.drag_float("##radius", t.corner_radius, 0.5, 0.0, 1000.0, "radius %.1f")
        imgui.set_next_item_width(-1)
        _, t.polygon_sides = imgui.drag_int("##sides", t.polygon_sides, 0.2, 3, 64, "sides %d")
        imgui.set_next_item_width(-1)
        _, t.star_points = imgui.drag_int("##points", t.star_points, 0.2, 3, 64, "points %d")
        imgui.set_next_item_width(-1)
        _, t.star_inner_ratio = imgui.drag_float("##inner", t.star_inner_ratio, 0.01, 0.05, 1.0, "inner %.2f")
    imgui.end()
