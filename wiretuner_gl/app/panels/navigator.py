"""The navigator window: every artboard as a thumbnail (refreshed by App.refresh_one_thumbnail,
at most one per frame); clicking one opens that artboard in its own window."""

from __future__ import annotations

from imgui_bundle import imgui


def draw(app, win) -> None:
    doc = app.editor.display_doc
    vp = imgui.get_main_viewport()
    imgui.set_next_window_pos(vp.pos)
    imgui.set_next_window_size(vp.size)
    flags = imgui.WindowFlags_.no_decoration | imgui.WindowFlags_.no_move | imgui.WindowFlags_.no_saved_settings
    if imgui.begin("Navigator", None, flags):
        avail = imgui.get_content_region_avail().x
        x = 0.0
        for aid in doc.children():
            a = doc.artboards[aid]
            imgui.push_id(aid)
            t = app.thumbs.get(aid)
            imgui.begin_group()
            if t is not None and t[2] is not None:
                clicked = imgui.image_button("thumb", imgui.ImTextureRef(t[2].glo), imgui.ImVec2(160, 120), imgui.ImVec2(0, 1), imgui.ImVec2(1, 0))
            else:
                clicked = imgui.button(a.name, imgui.ImVec2(160, 120))
            imgui.text(a.name)
            imgui.end_group()
            if clicked:
                app.post(lambda aid=aid: app.open_artboard_window(aid))
            x += 172
            if x + 172 < avail:
                imgui.same_line()
            else:
                x = 0.0
            imgui.pop_id()
    imgui.end()
