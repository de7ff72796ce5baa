"""Layers panel: artboards > layers > groups > objects. Show/hide, lock, rename (double-click),
select (shift adds), reorder by dragging a row onto another (it goes just above that row)."""

from __future__ import annotations

from imgui_bundle import imgui

from ...events import types as T
from ...model.nodes import Layer
from ...tools import ops

PAYLOAD = "WT_NODE"
CLIP_OVER = 64


class LayersPanel:
    def __init__(self, app):
        self.app = app
        self.renaming: str | None = None
        self.rename_text = ""
        self.dragging: str | None = None

    def draw(self) -> None:
        app = self.app
        ed = app.editor
        doc = ed.display_doc
        if imgui.begin("Layers"):
            for aid in doc.children():
                a = doc.artboards[aid]
                imgui.push_id(aid)
                if imgui.tree_node_ex(f"{a.name}###ab", imgui.TreeNodeFlags_.default_open):
                    for lid in reversed(doc.children(aid)):  # front-most first, as designers expect
                        self._row(doc, lid, 0)
                    imgui.tree_pop()
                imgui.pop_id()
        imgui.end()

    def _row(self, doc, nid: str, depth: int) -> None:
        ed = self.app.editor
        node = doc.get(nid)
        imgui.push_id(nid)
        kids = doc.children(nid)
        vis_ev = T.LayerVisibilityChanged if isinstance(node, Layer) else T.ObjectVisibilityChanged
        lock_ev = T.LayerLockChanged if isinstance(node, Layer) else T.ObjectLockChanged
        changed, v = imgui.checkbox("##vis", node.visible)
        if imgui.is_item_hovered():
            imgui.set_tooltip("visible")
        if changed and ed.preview is None:
            ed.apply([vis_ev(nid, node.visible, v)])
        imgui.same_line()
        changed, lk = imgui.checkbox("##lock", node.locked)
        if imgui.is_item_hovered():
            imgui.set_tooltip("locked")
        if changed and ed.preview is None:
            ed.apply([lock_ev(nid, node.locked, lk)])
        imgui.same_line()
        label = node.name or f"<{node.TAG}>"
        if self.renaming == nid:
            imgui.set_next_item_width(-1)
            if imgui.is_window_appearing() or not imgui.is_any_item_active():
                imgui.set_keyboard_focus_here()
            _, self.rename_text = imgui.input_text("##rename", self.rename_text)
            if imgui.is_item_deactivated():
                if self.rename_text != node.name and ed.preview is None:
                    ev = T.LayerRenamed if isinstance(node, Layer) else T.ObjectRenamed
                    ed.apply([ev(nid, node.name, self.rename_text)])
                self.renaming = None
        else:
            flags = imgui.TreeNodeFlags_.span_avail_width | imgui.TreeNodeFlags_.open_on_arrow
            if not kids:
                flags |= imgui.TreeNodeFlags_.leaf
            if isinstance(node, Layer):
                flags |= imgui.TreeNodeFlags_.default_open
                if ed.current_layer == nid:
                    flags |= imgui.TreeNodeFlags_.selected
            elif nid in ed.selection:
                flags |= imgui.TreeNodeFlags_.selected
            is_open = imgui.tree_node_ex(f"{label}###n", flags)
            if imgui.is_item_clicked() and not imgui.is_item_toggled_open():
                self._click(nid, node)
            if imgui.is_item_hovered() and imgui.is_mouse_double_clicked(0):
                self.renaming, self.rename_text = nid, node.name
            self._drag_drop(doc, nid, node)
            if is_open:
                rows = list(reversed(kids))
                if len(rows) > CLIP_OVER:  # a layer of thousands of objects: build only the visible rows
                    clipper = imgui.ListClipper()
                    clipper.begin(len(rows))
                    while clipper.step():
                        for i in range(clipper.display_start, clipper.display_end):
                            self._row(doc, rows[i], depth + 1)
                    clipper.end()
                else:
                    for c in rows:
                        self._row(doc, c, depth + 1)
                imgui.tree_pop()
        imgui.pop_id()

    def _click(self, nid, node) -> None:
        ed = self.app.editor
        if isinstance(node, Layer):
            ed.set_layer(nid)
            return
        if imgui.get_io().key_shift:
            ed.selection = tuple(i for i in ed.selection if i != nid) if nid in ed.selection else ed.selection + (nid,)
        else:
            ed.selection = (nid,)
        ed.anchor_selection = frozenset()

    def _drag_drop(self, doc, nid, node) -> None:
        if isinstance(node, Layer):
            pass
        elif imgui.begin_drag_drop_source():
            self.dragging = nid
            imgui.set_drag_drop_payload_py_id(PAYLOAD, 1)
            imgui.text(node.name or node.TAG)
            imgui.end_drag_drop_source()
        if imgui.begin_drag_drop_target():
            if imgui.accept_drag_drop_payload_py_id(PAYLOAD) is not None and self.dragging:
                self.move_above(self.dragging, nid)
                self.dragging = None
            imgui.end_drag_drop_target()

    def move_above(self, moving: str, target: str) -> None:
        ed = self.app.editor
        if ed.preview is None:
            ed.apply(ops.move_above(ed.doc, moving, target))
