"""History panel: the operations newest first (author, time, kind), a scrubber that shows the
document at any past seq read-only, and "restore this state" (appends events, one undo step)."""

from __future__ import annotations

import time
from datetime import datetime

from imgui_bundle import imgui

from ...commands.history import operations


class HistoryPanel:
    LIMIT = 200

    def __init__(self, app):
        self.app = app
        self._ops = []
        self._ops_seq = -1
        self._ops_time = 0.0

    def ops(self):
        """The op list, re-read from the log when it grew, at most twice a second (a drag appends
        a sample every 50 ms; re-reading on each would cost every frame of the drag)."""
        s = self.app.session
        now = time.monotonic()
        stale = self._ops_seq != s.seq or getattr(self, "_ops_store", None) is not s.store
        if stale and (now - self._ops_time >= 0.5 or getattr(self, "_ops_store", None) is not s.store):
            self._ops = operations(s.store, self.LIMIT)
            self._ops_seq = s.seq
            self._ops_store = s.store
            self._ops_time = now
        elif stale:
            self.app.main.redraw_frames = max(self.app.main.redraw_frames, 1)  # come back for it
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
