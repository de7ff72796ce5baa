"""App: the main loop over every window, the inbox queue, document-level commands.

[SECTION] windows   open/close main, artboard and navigator windows (one GL share group)
[SECTION] frame     poll input, drain the inbox, redraw only windows whose content changed
[SECTION] commands  shortcuts, import by drop, open, save as, export, history preview/restore
"""

from __future__ import annotations

import os
import queue
import sqlite3
import threading
import time
from pathlib import Path
from typing import Callable

from imgui_bundle import imgui
import glfw

from ..errors import WireTunerError
from ..store.session import DocumentSession
from ..tools.editor import Editor
from ..tools.view import View
from ..render import SceneRenderer
from . import overlay, warmup
from .input import InputRouter
from .perf import FrameStats
from .windows import ARTBOARD, MAIN, NAVIGATOR, Window

THUMB_INTERVAL = 10.0  # seconds between refreshes of one thumbnail while the document keeps changing
THUMB_SIZE = (160, 120)


class App:
    def __init__(self, session: DocumentSession, *, title: str, size=(1280, 800), visible: bool = True,
                 recovery=None, untitled: bool = False):
        self.session = session
        from ..plugins import PluginHost

        self.plugins = PluginHost.start()  # the built-in tools and every plugin found, through one path
        self.editor = Editor(session, self.plugins.registry, size=size)
        self.plugins.attach(self.editor)
        self.title = title
        self.visible = visible
        self.recovery = recovery
        self.untitled = untitled
        self.windows: dict[int, Window] = {}
        self._next_wid = 1
        self.inbox: "queue.SimpleQueue[Callable[[], None]]" = queue.SimpleQueue()
        self.stats = FrameStats()
        self.show_perf = False
        self.quit = False
        self.frame_no = 0
        self.router = InputRouter(self)
        self.main = self._add_window(Window(0, MAIN, title, size, visible=visible))
        self.renderer = SceneRenderer(self.main.gl)  # one renderer, its buffers shared by every window
        self.kernels = warmup.start(lambda: self.post(self._kernels_ready))
        self.editor.views[0] = View(*size)
        self.editor.window = 0
        self.editor.fit_artboard()
        self._fitted_in_area = False  # refit once the docked panels have a size
        self.thumbs: dict[str, tuple[int, float, object]] = {}  # artboard -> (doc id, time, texture)
        self.thumb_interval = THUMB_INTERVAL
        self.thumb_version = 0
        self.preview_seq: int | None = None
        self.dialog = None  # the open modal (panels.Dialog) if any
        self.pending_screenshots: list[tuple[int, str]] = []
        self.status = ""
        from .panels import Panels

        self.panels = Panels(self)

    # ================================================================== [SECTION] windows
    def _add_window(self, win: Window) -> Window:
        self.windows[win.wid] = win
        self.router.install(win)
        return win

    def open_artboard_window(self, artboard: str, size=(640, 480)) -> int:
        """A window showing one artboard (fitted); returns its window id."""
        doc = self.editor.doc
        a = doc.artboards.get(artboard)
        if a is None:
            raise WireTunerError(f"no artboard {artboard}")
        wid = self._next_wid
        self._next_wid += 1
        win = self._add_window(Window(wid, ARTBOARD, f"{a.name} — {self.title}", size, share=self.main,
                                      artboard=artboard, visible=self.visible))
        self.editor.views[wid] = View(*size).fit(a.x, a.y, a.width, a.height)
        self.main.make_current()
        return wid

    def open_navigator(self, size=(400, 520)) -> int:
        for w in self.windows.values():
            if w.kind == NAVIGATOR:
                return w.wid
        wid = self._next_wid
        self._next_wid += 1
        self._add_window(Window(wid, NAVIGATOR, f"Navigator — {self.title}", size, share=self.main, visible=self.visible))
        self.main.make_current()
        return wid

    def request_close(self, win: Window) -> None:
        if win.kind == MAIN:
            self.quit = True
        else:
            self.post(lambda: self.close_window(win.wid))

    def close_window(self, wid: int) -> None:
        win = self.windows.pop(wid, None)
        if win is None or win.kind == MAIN:
            return
        win.destroy(self.main)
        self.editor.close_view(wid)
        if win.kind == NAVIGATOR:
            for _, _, tex in self.thumbs.values():
                tex.release()
            self.thumbs.clear()

    def _kernels_ready(self) -> None:
        for w in self.windows.values():
            w.redraw_frames = max(w.redraw_frames, 2)

    def on_canvas_area(self) -> None:
        """The panels' layout settled: fit the opening view into the visible canvas, once."""
        if not self._fitted_in_area:
            self._fitted_in_area = True
            w = self.editor.window
            self.editor.window = 0
            self.editor.fit_artboard()
            self.editor.window = w
            self.main.redraw_frames = max(self.main.redraw_frames, 2)

    def modal_open(self, win: Window) -> bool:
        return win.kind == MAIN and self.dialog is not None

    def post(self, fn: Callable[[], None]) -> None:
        """Run fn on the main thread at the start of the next frame (thread-safe)."""
        self.inbox.put(fn)
        glfw.post_empty_event()  # wake a loop that is waiting for input

    # ================================================================== [SECTION] frame
    def frame(self, *, wait: float = 0.0) -> None:
        t0, c0 = time.perf_counter(), time.thread_time()
        if wait > 0:
            glfw.wait_events_timeout(wait)
        else:
            glfw.poll_events()
        while True:
            try:
                fn = self.inbox.get_nowait()
            except queue.Empty:
                break
            try:
                fn()
            except WireTunerError as exc:
                self.report(str(exc))
        doc = self.editor.display_doc
        self.main.make_current()
        if self.kernels.is_set():
            self.renderer.sync(doc)
        t_r = time.perf_counter()
        rendered = [w for w in list(self.windows.values()) if not w.closed and self._update_canvas(w, doc)]
        if self.kernels.is_set() and any(w.kind == NAVIGATOR for w in self.windows.values()):
            rendered += [None] if self.refresh_one_thumbnail(doc) else []
        if rendered:
            self.main.gl.finish()  # other contexts read these textures next
            self.stats.last_render_ms = (time.perf_counter() - t_r) * 1000
        for win in list(self.windows.values()):
            if not win.closed:
                self._draw_window(win, doc)
        self.main.make_current()
        self.frame_no += 1
        self.plugins.end_frame()  # plugin handlers are budgeted per frame
        self.stats.add_frame((time.perf_counter() - t0) * 1000, (time.thread_time() - c0) * 1000)

    def _update_canvas(self, win: Window, doc) -> bool:
        view = self.editor.views.get(win.wid)
        if view is None:
            return False
        wsize = tuple(glfw.get_window_size(win.handle))
        if (view.width, view.height) != wsize and wsize[0] > 0:
            view = self.editor.views[win.wid] = view.resized(*wsize)
        size = win.size()
        if size[0] <= 0 or size[1] <= 0:
            return False
        t0, c0 = time.perf_counter(), time.thread_time()
        changed = win.canvas.update(doc, view, size, self.renderer if self.kernels.is_set() else None)
        win.canvas_cpu_ms = (time.thread_time() - c0) * 1000 if changed else 0.0
        win.canvas_wall_ms = (time.perf_counter() - t0) * 1000 if changed else 0.0
        return changed

    def _needs_draw(self, win: Window, doc, view) -> tuple:
        ed = self.editor
        return (id(doc), view, win.size(), ed.selection, ed.anchor_selection, ed.tool_name, id(ed.tool_state),
                self.preview_seq, len(ed.messages), self.status, self.thumb_version if win.kind == NAVIGATOR else 0)

    def _draw_window(self, win: Window, doc) -> None:
        ed = self.editor
        view = ed.views.get(win.wid)
        size = win.size()
        if size[0] <= 0 or size[1] <= 0:
            return
        sig = self._needs_draw(win, doc, view)
        forced = any(w == win.wid for w, _ in self.pending_screenshots)
        live = win.kind == MAIN and (self.show_perf or self.dialog is not None)
        if sig == getattr(win, "last_sig", None) and win.redraw_frames <= 0 and not forced and not live:
            return  # nothing new to show: no canvas render, no imgui frame, no swap
        t0, c0 = time.perf_counter(), time.thread_time()
        win.make_current()
        win.new_frame()
        dl = imgui.get_background_draw_list()
        if view is not None:
            overlay.draw_artboard_labels(dl, doc, view)
            active, ed.window = ed.window, win.wid  # overlays sized for this window's zoom
            try:
                items = ed.overlays()
            finally:
                ed.window = active
            overlay.draw_overlays(dl, items, view)
        if win.kind == MAIN:
            self.panels.draw_main()
        elif win.kind == NAVIGATOR:
            self.panels.draw_navigator(win)
        else:
            self.panels.draw_artboard_window(win)
        imgui.render()
        t_gl = time.perf_counter()
        win.gl.screen.use()
        win.gl.viewport = (0, 0) + size
        if view is not None:
            win.canvas.present()
        else:
            win.gl.screen.clear(0.12, 0.12, 0.13, 1.0)
        imgui.backends.opengl3_render_draw_data(imgui.get_draw_data())
        for wid, path in [s for s in self.pending_screenshots if s[0] == win.wid]:
            self._save_screenshot(win, path)
            self.pending_screenshots.remove((wid, path))
        glfw.swap_buffers(win.handle)
        gl_ms = (time.perf_counter() - t_gl) * 1000 + getattr(win, "canvas_wall_ms", 0.0)
        win.first_frame = False
        win.last_sig = sig
        win.redraw_frames -= 1
        win.cpu_ms = (time.thread_time() - c0) * 1000 + getattr(win, "canvas_cpu_ms", 0.0)
        win.wall_ms = (time.perf_counter() - t0) * 1000 + getattr(win, "canvas_wall_ms", 0.0)
        win.canvas_cpu_ms = win.canvas_wall_ms = 0.0
        self.stats.add_window(win.wid, win.cpu_ms, win.wall_ms, gl_ms)

    def _save_screenshot(self, win: Window, path: str) -> None:
        from PIL import Image

        w, h = win.size()
        data = win.gl.screen.read(viewport=(0, 0, w, h), components=3)
        Image.frombytes("RGB", (w, h), data).transpose(Image.Transpose.FLIP_TOP_BOTTOM).save(path)

    def screenshot(self, path: str, wid: int = 0) -> None:
        """Write the window's next drawn frame to a PNG (draws it now)."""
        self.pending_screenshots.append((wid, str(path)))
        self.frame()

    # ------------------------------------------------------------------ navigator thumbnails
    def _thumbs_stale(self, doc) -> bool:
        now = time.monotonic()
        for aid in doc.children():
            t = self.thumbs.get(aid)
            if t is None or (t[0] != id(doc) and now - t[1] >= self.thumb_interval):
                return True
        return False

    def refresh_one_thumbnail(self, doc) -> bool:
        """(Main context.) Render at most one stale thumbnail per frame, so the navigator never
        stalls a frame; a thumbnail refreshes on change, at most every `thumb_interval` seconds."""
        now = time.monotonic()
        for aid in doc.children():
            t = self.thumbs.get(aid)
            if t is None or (t[0] != id(doc) and now - t[1] >= self.thumb_interval):
                tex = t[2] if t is not None else None
                self.thumbs[aid] = (id(doc), now, self._render_thumb(doc, aid, tex))
                self.thumb_version += 1
                return True
        return False

    def _render_thumb(self, doc, aid, tex):
        gl = self.main.gl
        a = doc.artboards[aid]
        if tex is None:
            tex = gl.texture(THUMB_SIZE, 4)
        fbo = gl.framebuffer(color_attachments=[tex])
        fbo.use()
        fbo.clear(1.0, 1.0, 1.0, 1.0)
        v = View(*THUMB_SIZE).fit(a.x, a.y, a.width, a.height, margin=2)
        from .canvas import view_matrix

        self.renderer.draw(view_matrix(v), (0, 0) + THUMB_SIZE, framebuffer=fbo, artboard=aid)
        fbo.release()
        return tex

    # ================================================================== [SECTION] commands
    def report(self, text: str) -> None:
        self.status = text
        self.editor.report(text)

    def shortcut(self, win: Window, name: str, mods: frozenset) -> bool:
        """App-level keys, before the tools: F12 overlay, Ctrl+O open, Ctrl+S save as, Ctrl+E export."""
        if self.dialog is not None and win.kind == MAIN:
            return self.panels.dialog_key(name)
        if name == "F12" and not mods:
            self.show_perf = not self.show_perf
            return True
        if "ctrl" in mods and name in ("O", "S", "E") and not ({"alt"} & mods):
            kind = {"O": "open", "S": "save_as", "E": "export"}[name]
            self.panels.open_dialog(kind)
            return True
        return False

    def import_files(self, paths, win: Window | None = None) -> None:
        """Import each dropped .svg/.ai/.json into the active layer as one group: one undo step each."""
        from .importing import import_into

        for p in paths:
            try:
                gid = import_into(self.editor, Path(p))
            except (WireTunerError, OSError, ValueError) as exc:
                self.report(f"{p}: {exc}")
                continue
            if gid:
                self.editor.selection = (gid,)
                self.report(f"imported {Path(p).name}")

    def save_as(self, path) -> None:
        """Copy the whole log to `path` and continue editing there (the copy is the document)."""
        path = Path(path).expanduser()
        if path.suffix != ".wiretuner":
            path = path.with_suffix(".wiretuner")
        if self.editor.gesture is not None:
            self.editor.gesture.commit()
            self.editor.gesture = None
        if path.exists():
            raise WireTunerError(f"{path}: already exists; choose another name")
        dst = sqlite3.connect(path)
        try:
            self.session.store.conn.backup(dst)
        finally:
            dst.close()
        old_path, was_untitled = Path(self.session.store.path), self.untitled
        self._switch(DocumentSession.open(path), path)
        if was_untitled and self.recovery is not None:
            self.recovery.discard(old_path)
        self.untitled = False
        self.report(f"saved as {path}")

    def open_document(self, path) -> None:
        from .main import open_or_import

        session = open_or_import(Path(path))
        self._switch(session, Path(session.store.path))
        self.untitled = False

    def _switch(self, session: DocumentSession, path: Path) -> None:
        old = self.session
        self.session = session
        ed = self.editor
        ed.session = session
        ed.selection, ed.anchor_selection, ed.preview = (), frozenset(), None
        ed.tool_state = ed.tool.initial()
        self.preview_seq = None
        self.title = path.name
        glfw.set_window_title(self.main.handle, f"{path.name} — WireTuner GL")
        if old is not session:
            old.close()
        ed.window = 0
        ed.fit_artboard()

    def export(self, path, artboard: str | None = None) -> None:
        from ..io.registry import exporter_for

        out = Path(path).expanduser()
        exporter_for(out)(self.editor.doc, out, artboard=artboard)
        self.report(f"exported {out}")

    # ------------------------------------------------------------------ history
    def scrub_to(self, seq: int | None) -> None:
        """Show the document at seq read-only (None: back to live). Replayed off the main thread."""
        if seq is None or seq >= self.session.seq:
            self.preview_seq = None
            self.editor.preview = None
            return
        self.preview_seq = seq
        path = self.session.store.path

        def work():
            from ..store.file import EventStore
            from ..store.timeline import state_at

            try:
                with EventStore.open(path, read_only=True) as store:
                    doc = state_at(store, seq)
            except WireTunerError as exc:
                msg = str(exc)
                self.post(lambda: self.report(msg))
                return

            def adopt():
                if self.preview_seq == seq:
                    self.editor.preview = doc

            self.post(adopt)

        threading.Thread(target=work, name="history-scrub", daemon=True).start()

    def restore_preview(self) -> None:
        """Append events that bring the live document back to the previewed state (one undo step)."""
        past = self.editor.preview
        if past is None:
            return
        from ..tools.restore import events_to_restore

        events = events_to_restore(self.editor.committed, past)
        self.scrub_to(None)
        if events:
            self.editor.apply(events)
            self.report(f"restored the state at seq {self.preview_seq or ''}".strip())

    # ------------------------------------------------------------------ shutdown
    def close(self) -> None:
        ed = self.editor
        if ed.gesture is not None:
            ed.gesture.commit()
            ed.gesture = None
        for wid in [w for w in self.windows if w != 0]:
            self.close_window(wid)
        self.main.make_current()
        self.renderer.release()
        self.main.destroy()
        self.session.close()
