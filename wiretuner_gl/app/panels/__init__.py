"""The imgui panels: layout and dialogs here; one module per panel beside this file."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

from imgui_bundle import imgui

from . import artboards, history, layers, navigator, perf_overlay, plugins_panel, properties, tools_panel

if TYPE_CHECKING:
    from ..app import App

PANELS = ("Tools", "Layers", "Properties", "Artboards", "History")


@dataclass
class Dialog:
    kind: str  # "open" | "save_as" | "export" | "recover" | "message"
    title: str
    text: str = ""
    path: str = ""
    on_ok: Callable[[str], None] | None = None
    on_cancel: Callable[[], None] | None = None
    extra: dict = field(default_factory=dict)


class Panels:
    def __init__(self, app: "App"):
        self.app = app
        self.layout_built = False
        self.buffers: dict[str, object] = {}  # edit buffers of widgets that commit on release
        self.layers = layers.LayersPanel(app)
        self.history = history.HistoryPanel(app)

    # ------------------------------------------------------------------ main window
    def draw_main(self) -> None:
        app = self.app
        vp = imgui.get_main_viewport()
        dock = imgui.dock_space_over_viewport(0, vp, imgui.DockNodeFlags_.passthru_central_node)
        if not self.layout_built:
            self._build_layout(dock, vp)
            self.layout_built = True
        self._canvas_area(dock)
        self._menu()
        tools_panel.draw(app)
        self.layers.draw()
        properties.draw(app, self.buffers)
        artboards.draw(app, self.buffers)
        self.history.draw()
        plugins_panel.draw(app)
        if app.show_perf:
            perf_overlay.draw(app)
        self._status()
        self._dialog()

    def _build_layout(self, dock, vp) -> None:
        from imgui_bundle.imgui import internal

        internal.dock_builder_remove_node(dock)
        internal.dock_builder_add_node(dock, imgui.DockNodeFlags_.passthru_central_node | internal.DockNodeFlagsPrivate_.dock_space)
        internal.dock_builder_set_node_size(dock, vp.size)
        left = internal.dock_builder_split_node_py(dock, imgui.Dir.left, 0.09)
        right = internal.dock_builder_split_node_py(left[2], imgui.Dir.right, 0.24)
        r_top = internal.dock_builder_split_node_py(right[0], imgui.Dir.up, 0.45)
        r_bottom = internal.dock_builder_split_node_py(r_top[2], imgui.Dir.up, 0.5)
        internal.dock_builder_dock_window("Tools", left[0])
        internal.dock_builder_dock_window("Layers", r_top[0])
        internal.dock_builder_dock_window("Artboards", r_top[0])
        internal.dock_builder_dock_window("Properties", r_bottom[0])
        internal.dock_builder_dock_window("History", r_bottom[2])
        internal.dock_builder_dock_window("Plugins", r_bottom[2])
        internal.dock_builder_finish(dock)

    def _canvas_area(self, dock) -> None:
        """Where the canvas shows between the docked panels (for 'fit artboard')."""
        from imgui_bundle.imgui import internal

        node = internal.dock_builder_get_central_node(dock)
        if node is not None:
            area = (node.pos.x, node.pos.y, node.size.x, node.size.y)
            ed = self.app.editor
            if area[2] > 50 and area[3] > 50 and ed.canvas_areas.get(0) != area:
                ed.canvas_areas[0] = area
                self.app.on_canvas_area()

    def _menu(self) -> None:
        app = self.app
        if imgui.begin_main_menu_bar():
            if imgui.begin_menu("File"):
                if imgui.menu_item("Open…", "Ctrl+O", False)[0]:
                    self.open_dialog("open")
                if imgui.menu_item("Save As…", "Ctrl+S", False)[0]:
                    self.open_dialog("save_as")
                if imgui.menu_item("Export…", "Ctrl+E", False)[0]:
                    self.open_dialog("export")
                imgui.separator()
                if imgui.menu_item("Quit", "", False)[0]:
                    app.quit = True
                imgui.end_menu()
            if imgui.begin_menu("Edit"):
                ed = app.editor
                if imgui.menu_item("Undo", "Ctrl+Z", False, ed.session.history.can_undo)[0]:
                    ed.undo()
                if imgui.menu_item("Redo", "Ctrl+Shift+Z", False, ed.session.history.can_redo)[0]:
                    ed.redo()
                imgui.end_menu()
            if imgui.begin_menu("Window"):
                if imgui.menu_item("Navigator", "", False)[0]:
                    app.open_navigator()
                if imgui.menu_item("Performance overlay", "F12", app.show_perf)[0]:
                    app.show_perf = not app.show_perf
                imgui.end_menu()
            imgui.end_main_menu_bar()

    def _status(self) -> None:
        app = self.app
        ed = app.editor
        vp = imgui.get_main_viewport()
        dl = imgui.get_foreground_draw_list()
        text = f"{ed.tool.LABEL}  |  {ed.view.zoom * 100:.0f}%  |  seq {app.session.seq}"
        if app.preview_seq is not None:
            text += f"  |  HISTORY at seq {app.preview_seq} (read-only)"
        if app.untitled:
            text += "  |  untitled (kept in the recovery folder until saved)"
        if not app.kernels.is_set():
            text += "  |  preparing the geometry kernels (first start compiles them)..."
        if app.status:
            text += f"  |  {app.status}"
        dl.add_text(imgui.ImVec2(vp.pos.x + 8, vp.pos.y + vp.size.y - 20), imgui.get_color_u32(imgui.ImVec4(0.9, 0.9, 0.9, 1)), text)

    # ------------------------------------------------------------------ other windows
    def draw_navigator(self, win) -> None:
        navigator.draw(self.app, win)

    def draw_artboard_window(self, win) -> None:
        ed = self.app.editor
        a = ed.display_doc.artboards.get(win.artboard)
        view = ed.views.get(win.wid)
        dl = imgui.get_foreground_draw_list()
        name = a.name if a is not None else "(deleted artboard)"
        dl.add_text(imgui.ImVec2(8, 6), imgui.get_color_u32(imgui.ImVec4(0.9, 0.9, 0.9, 1)),
                    f"{name}  {view.zoom * 100:.0f}%  {ed.tool.LABEL}")

    # ------------------------------------------------------------------ dialogs
    def open_dialog(self, kind: str) -> None:
        app = self.app
        if kind == "open":
            app.dialog = Dialog("open", "Open", "Open a .wiretuner document (or import .svg/.ai/.json):", on_ok=app.open_document)
        elif kind == "save_as":
            app.dialog = Dialog("save_as", "Save As", "Save a copy of the whole log as:", on_ok=app.save_as)
        elif kind == "export":
            app.dialog = Dialog("export", "Export", "Export to (.svg, .pdf, .png, .json by extension):", on_ok=app.export)

    def offer(self, dialog: Dialog) -> None:
        self.app.dialog = dialog

    def dialog_key(self, name: str) -> bool:
        d = self.app.dialog
        if d is None:
            return False
        if name == "Enter":
            self._close_dialog(ok=True)
            return True
        if name == "Escape":
            self._close_dialog(ok=False)
            return True
        return False

    def _close_dialog(self, ok: bool) -> None:
        app = self.app
        d = app.dialog
        app.dialog = None
        if d is None:
            return
        try:
            if ok and d.on_ok is not None:
                d.on_ok(d.path)
            elif not ok and d.on_cancel is not None:
                d.on_cancel()
        except Exception as exc:  # a dialog action failing must not take the editor down
            app.report(f"{d.title}: {exc}")

    def _dialog(self) -> None:
        d = self.app.dialog
        if d is None:
            return
        name = f"{d.title}###wt_dialog"
        if not imgui.is_popup_open(name):
            imgui.open_popup(name)
        vp = imgui.get_main_viewport()
        imgui.set_next_window_pos(imgui.ImVec2(vp.pos.x + vp.size.x / 2, vp.pos.y + vp.size.y / 3), imgui.Cond_.always, imgui.ImVec2(0.5, 0.5))
        if imgui.begin_popup_modal(name, None, imgui.WindowFlags_.always_auto_resize)[0]:
            imgui.text(d.text)
            if d.kind in ("open", "save_as", "export"):
                if imgui.is_window_appearing():
                    imgui.set_keyboard_focus_here()
                imgui.set_next_item_width(420)
                _, d.path = imgui.input_text("##path", d.path)
            ok_label = {"recover": "Reopen (Enter)"}.get(d.kind, "OK (Enter)")
            cancel_label = {"recover": "Discard (Esc)"}.get(d.kind, "Cancel (Esc)")
            if imgui.button(ok_label):
                imgui.close_current_popup()
                self._close_dialog(ok=True)
            imgui.same_line()
            if imgui.button(cancel_label):
                imgui.close_current_popup()
                self._close_dialog(ok=False)
            imgui.end_popup()
