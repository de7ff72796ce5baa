"""Frame-time capture of the running editor (`wiretuner perf capture`, and the F12 overlay's
Start/Stop capture button).

FrameCapture instruments one App by wrapping methods on the instances (nothing is patched while
no capture runs, and stop() restores them): frame, per-window canvas update and draw, scene
sync with its tessellation (the scene compiler), upload (vertex and paint buffers), imgui (panels), event
apply (tool intents, durable appends). The output folder gets trace.json (Chrome trace events),
frames.csv, summary.json and frames.png (wiretuner_gl.perf).

[SECTION] recorder   FrameCapture: instrument, record, write
[SECTION] scenarios  idle, pan, zoom, edit, replay, driven through the app's own input paths
[SECTION] runner     open the editor with N windows over a document and capture F frames
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Callable

from ..perf import machine
from ..perf.plot import plot_frames
from ..perf.summary import FrameRecord, summarize, write_csv
from ..perf.trace import Tracer

SCENARIOS = ("idle", "pan", "zoom", "edit", "replay")


# ================================================================== [SECTION] recorder
class FrameCapture:
    def __init__(self, app):
        self.app = app
        self.tracer = Tracer()
        self.frames: list[FrameRecord] = []
        self._restore: list[Callable[[], None]] = []
        self._windows: dict[int, float] = {}
        self.running = False

    def start(self) -> "FrameCapture":
        app, tr = self.app, self.tracer
        self.running = True
        self._restore = [
            self._wrap_frame(),
            self._wrap_window(app, "_update_canvas", "canvas"),
            self._wrap_window(app, "_draw_window", "window"),
            tr.wrap(app.renderer, "sync", "scene sync", "render"),
            tr.wrap(app.renderer.compiler, "compile", "tessellation", "render"),
            tr.wrap(app.renderer.compiler, "update", "tessellation", "render"),
            tr.wrap(app.renderer, "_update_in_place", "upload", "gpu"),
            tr.wrap(app.renderer, "_relayout", "upload", "gpu"),
            tr.wrap(app.renderer, "_upload_paints", "upload", "gpu"),
            tr.wrap(app.panels, "draw_main", "imgui", "ui"),
            tr.wrap(app.panels, "draw_navigator", "imgui", "ui"),
            tr.wrap(app.panels, "draw_artboard_window", "imgui", "ui"),
            tr.wrap(app.editor, "execute", "event apply", "events"),
            tr.wrap(app.session, "apply", "append (durable)", "events"),
        ]
        return self

    def stop(self) -> None:
        for restore in reversed(self._restore):
            restore()
        self._restore = []
        self.running = False

    def _wrap_frame(self) -> Callable[[], None]:
        app, tr = self.app, self.tracer
        original = app.frame
        try:
            import psutil

            proc = psutil.Process()
        except Exception:  # noqa: BLE001 - memory counter is optional
            proc = None

        def frame(*args, **kw):
            self._windows = {}
            t = tr.now_us()
            c0 = time.thread_time()
            try:
                return original(*args, **kw)
            finally:
                dur = tr.now_us() - t
                cpu = (time.thread_time() - c0) * 1000
                n = len(self.frames)
                tr.add_slice("frame", "frame", t, dur, {"frame": n, "cpu_ms": round(cpu, 3)})
                self.frames.append(FrameRecord(t / 1000, dur / 1000, cpu, dict(self._windows)))
                recent = self.frames[-30:]
                tr.counter("FPS", {"fps": 1000.0 * len(recent) / max(sum(f.frame_ms for f in recent), 1e-6)})
                if proc is not None and n % 10 == 0:
                    tr.counter("memory", {"rss_mb": proc.memory_info().rss / 2**20})

        app.frame = frame
        return lambda: app.__dict__.pop("frame", None)

    def _wrap_window(self, app, attr: str, label: str) -> Callable[[], None]:
        original = getattr(app, attr)
        tr = self.tracer

        def per_window(win, *args, **kw):
            # a window with nothing new to show returns at once: only real work becomes a slice
            # (canvas: update() reported a change; window: it drew a frame, counting down redraw_frames)
            t = tr.now_us()
            before = win.redraw_frames
            result = None
            try:
                result = original(win, *args, **kw)
                return result
            finally:
                dur = tr.now_us() - t
                if (result if label == "canvas" else win.redraw_frames != before):
                    tr.add_slice(f"{label} {win.wid} ({win.kind})", "render", t, dur, {"window": win.wid})
                    self._windows[win.wid] = self._windows.get(win.wid, 0.0) + dur / 1000

        setattr(app, attr, per_window)
        return lambda: app.__dict__.pop(attr, None)

    def write(self, out: Path, *, scenario: str = "interactive", document: str | None = None,
              command: list[str] | None = None) -> dict:
        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        gl_info = {k: str(v) for k, v in self.app.main.gl.info.items() if k in ("GL_RENDERER", "GL_VENDOR", "GL_VERSION")}
        meta = machine.describe(gl_info, command)
        meta.update({"scenario": scenario, "windows": len(self.app.windows), "document": document})
        trace = self.tracer.to_json(process="wiretuner", metadata=meta)
        (out / "trace.json").write_text(json.dumps(trace))
        write_csv(self.frames, out / "frames.csv")
        summary = summarize(self.frames)
        summary.update({"scenario": scenario, "windows": len(self.app.windows), "document": document, "machine": meta})
        (out / "summary.json").write_text(json.dumps(summary, indent=2, sort_keys=True) + "\n")
        plot_frames(self.frames, out / "frames.png",
                    f"{scenario}, {len(self.app.windows)} window(s), {len(self.frames)} frames - "
                    f"p50 {summary['frame_ms']['p50']} ms, p95 {summary['frame_ms']['p95']} ms")
        return summary


def default_capture_dir() -> Path:
    base = os.environ.get("WIRETUNER_CAPTURE_DIR")
    root = Path(base).expanduser() if base else Path.home() / ".local" / "share" / "wiretuner" / "captures"
    return root / time.strftime("%Y%m%d-%H%M%S")


def toggle(app) -> str:
    """Start a capture of the running app, or stop the running one and write it (F12 overlay)."""
    cap: FrameCapture | None = getattr(app, "capture", None)
    if cap is None or not cap.running:
        app.capture = FrameCapture(app).start()
        return "capturing frames…"
    cap.stop()
    app.capture = None
    if not cap.frames:
        return "capture stopped (no frames)"
    out = default_capture_dir()
    s = cap.write(out, document=str(app.session.store.path), command=["F12 overlay"])
    return f"capture: {s['frames']} frames, p95 {s['frame_ms']['p95']} ms -> {out}"


# ================================================================== [SECTION] scenarios
def _scenario_step(name: str, app, i: int, frames: int, state: dict) -> None:
    """Drive frame i of the scenario through the app's own input paths."""
    if name == "idle":
        return
    target = app.windows[max(app.windows)]  # the last window opened (the main window when alone)
    r = app.router
    if name == "pan":  # a middle-button drag, as GLFW callbacks would deliver it
        if i == 0:
            r.cursor(target, 300, 200)
            r.button(target, 2, True, frozenset())
        r.cursor(target, 300 + (i % 40) * 3, 200 + (i % 40) * 2)
        if i == frames - 1:
            r.button(target, 2, False, frozenset())
    elif name == "zoom":  # wheel at the cursor: 15 notches in, 15 out
        if i == 0:
            r.cursor(target, 320, 240)
        r.scroll(target, 0.0, 1.0 if (i // 15) % 2 == 0 else -1.0)
    elif name == "edit":  # drag the topmost object: a live gesture through the editor, one undo step
        from ..events.types import ObjectTransformed
        from ..model.values import compose, translate
        from ..tools.api import Begin, Commit, Update

        ed = app.editor
        if i == 0:
            objs = [o for o in ed.doc.objects.values() if o.parent in ed.doc.layers]
            if not objs:
                return
            state["obj"] = max(objs, key=lambda o: o.order)
            ed.execute([Begin()])
        obj = state.get("obj")
        if obj is None:
            return
        d = (i % 60) * 2.0
        ed.execute([Update((ObjectTransformed(obj.id, obj.transform, compose(translate(d, d * 0.5), obj.transform)),))])
        if i == frames - 1:
            ed.execute([Commit()])
    elif name == "replay":  # scrub the history timeline from the first event to the last
        last = app.session.seq
        app.scrub_to(max(1, round(last * (i + 1) / frames)) if i < frames - 1 else None)


# ================================================================== [SECTION] runner
def start_xvfb() -> subprocess.Popen | None:
    """An Xvfb server for a capture on a machine without a display (DISPLAY is set to it)."""
    exe = shutil.which("Xvfb")
    if exe is None:
        return None
    for n in range(90, 400):
        if not Path(f"/tmp/.X11-unix/X{n}").exists() and not Path(f"/tmp/.X{n}-lock").exists():
            break
    proc = subprocess.Popen([exe, f":{n}", "-screen", "0", "1920x1080x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while not Path(f"/tmp/.X11-unix/X{n}").exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            return None
        time.sleep(0.05)
    os.environ["DISPLAY"] = f":{n}"
    return proc


def _working_copy(src: Path | None, tmp: Path, objects: int) -> Path:
    """The document the capture edits: a copy of FILE (never FILE itself) or a generated scene."""
    from ..errors import WireTunerError

    dst = tmp / "capture.wiretuner"
    if src is None:
        from ..perf.scene import generate

        return generate(dst, objects)
    if not src.exists():
        raise FileNotFoundError(f"{src}: no such file")
    if src.suffix.lower() == ".wiretuner":
        s = sqlite3.connect(f"file:{src}?mode=ro", uri=True)
        d = sqlite3.connect(dst)
        try:
            s.backup(d)
        except sqlite3.DatabaseError as exc:
            raise WireTunerError(f"{src}: not a WireTuner document ({exc})") from None
        finally:
            s.close()
            d.close()
        return dst
    from ..events.build import creation_events
    from ..io.guard import FileGuard
    from ..io.registry import importer_for
    from ..store.session import DocumentSession

    result = importer_for(src)(src, FileGuard(root=src.resolve().parent))
    s = DocumentSession.create(dst, artboard=None)
    s.apply(creation_events(result.doc))
    if not s.doc.artboards:
        s.add_artboard("Artboard 1", 0, 0, 1000, 1000)
    s.close()
    return dst


def run_capture(file: Path | None, out: Path, *, windows: int = 1, frames: int = 300, scenario: str = "pan",
                size=(1280, 800), window_size=(640, 480), objects: int = 2000, settle_timeout: float = 600.0,
                command: list[str] | None = None) -> dict:
    """Open the editor with `windows` windows (the main window and artboard windows) over FILE or
    a generated scene, wait for the kernels, drive `scenario` for `frames` frames, write the capture."""
    if scenario not in SCENARIOS:
        raise ValueError(f"unknown scenario {scenario!r} (choose from {', '.join(SCENARIOS)})")
    if windows < 1 or frames < 1:
        raise ValueError("--windows and --frames must be at least 1")
    from imgui_bundle import imgui  # noqa: F401  (before glfw: imgui_bundle sets the GLFW library path)
    import glfw

    from ..errors import WireTunerError
    from ..store.session import DocumentSession
    from .app import App

    xvfb = start_xvfb() if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY") else None
    tmp = Path(tempfile.mkdtemp(prefix="wiretuner-capture-"))
    app = None
    try:
        doc_path = _working_copy(file, tmp, objects)
        if not glfw.init():
            raise WireTunerError("cannot initialise GLFW (no display, and Xvfb is not installed)")
        glfw.window_hint(glfw.CONTEXT_VERSION_MAJOR, 3)
        glfw.window_hint(glfw.CONTEXT_VERSION_MINOR, 3)
        glfw.window_hint(glfw.OPENGL_PROFILE, glfw.OPENGL_CORE_PROFILE)
        glfw.window_hint(glfw.OPENGL_FORWARD_COMPAT, glfw.TRUE)
        app = App(DocumentSession.open(doc_path), title=(file.name if file else "generated scene"), size=size)
        boards = app.editor.doc.children()
        for k in range(windows - 1):
            app.open_artboard_window(boards[k % len(boards)], size=window_size)
        deadline = time.monotonic() + settle_timeout
        while not app.kernels.is_set():  # numba kernels warm behind the first frames
            if time.monotonic() > deadline:
                raise WireTunerError(f"the geometry kernels were not ready after {settle_timeout:.0f} s")
            app.frame(wait=0.02)
        for _ in range(5):  # first canvas renders, imgui layout, thumbnails
            app.frame()
        cap = FrameCapture(app).start()
        state: dict = {}
        for i in range(frames):
            # input arrives inside the frame (as GLFW callbacks do during polling), so what it
            # causes nests in that frame's slice
            app.post(lambda i=i: _scenario_step(scenario, app, i, frames, state))
            app.frame()
        cap.stop()
        return cap.write(out, scenario=scenario, document=str(file) if file else f"generated ({objects} objects)",
                         command=command)
    finally:
        if app is not None:
            app.close()
            glfw.terminate()
        shutil.rmtree(tmp, ignore_errors=True)
        if xvfb is not None:
            xvfb.terminate()
            xvfb.wait(10)
            os.environ.pop("DISPLAY", None)

