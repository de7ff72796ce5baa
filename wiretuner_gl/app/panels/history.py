"""History panel: the operations newest first (author, time, kind), a scrubber that shows the
document at any past seq read-only, and "restore this state" (appends events, one undo step)."""

from __future__ import annotations

from datetime import datetime

from imgui_bundle import imgui

from ...commands.history import operations


class HistoryPanel:
    LIMIT = 200

    def __init__(self, app):
        self.app = app
        self._ops = []
        self._ops_seq = -1
        self._scrub = None

    def ops(self):
        s = self.app.session
        if self._ops_seq != s.seq or (self._ops and self._ops_store is not s.store):
            self._ops = operations(s.store, self.LIMIT)
            self._ops_seq = s.seq
            self._ops_store = s.store
        return self._ops

    def draw(self) -> None:
        app = self.app
        if imgui.begin("History"):
            last = app.session.seq
            cur = app.preview_seq if app.preview_seq is not None else last
            imgui.set_next_item_width(-1)
            changed, v = imgui.slider_int("##seq", cur, 0, max(last, 1), "seq %d")
            if changed:
                app.scrub_to(v)
            if app.preview_seq is not None:
                if imgui.button("Restore this state"):
                    app.restore_preview()
                imgui.same_line()
                if imgui.button("Back to live"):
                    app.scrub_to(None)
            imgui.separator()
            for op in self.ops():
                when = datetime.fromtimestamp(op["time"]).strftime("%H:%M:%S")
                label = f"{op['last_seq']:>6}  {when}  {op['actor'][:8]}  {op['kind']}"
                imgui.push_id(op["group"])
                selected = app.preview_seq is not None and op["first_seq"] <= app.preview_seq <= op["last_seq"]
                if imgui.selectable(label, selected)[0]:
                    app.scrub_to(op["last_seq"])
                imgui.pop_id()
        imgui.end()
