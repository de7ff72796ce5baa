"""Editor benchmarks under real GLFW windows; one JSON object printed last.

    python perf/bench_editor.py            # full run (a few minutes on 2 cores)
    python perf/bench_editor.py --quick    # reduced run, about a minute

Starts its own Xvfb when DISPLAY is not set. Scenes: ../shared/corpus/svg/tiger.svg imported with
the SVG importer, and the seeded synthetic 10K-path document of perf/bench_render.py. For 1, 5 and
20 windows (the main window plus artboard windows of 640x480, all showing the scene) it runs the
editor's real frame loop in-process (App.frame: poll, inbox, per-window canvas and imgui) and
reports, per scenario:
- idle: nothing changes; frame time p50/p95/p99 (each window skips its frame: no canvas render,
  no imgui frame, no swap).
- pan: a middle-button drag in one artboard window through the same InputRouter path GLFW
  callbacks use; frame time p50/p95/p99 and ms per window-frame drawn.
Each figure has a wall (total) and a CPU (main-thread CPU time) value, and window-frames also
"outside GL calls" (wall minus the time spent inside GL calls: canvas render, blit, imgui draw,
swap). On this machine llvmpipe rasterises in software (partly on the calling thread, e.g. the
MSAA resolve), so wall and even main-thread CPU include GL work a GPU would do; the time
outside GL calls is the editor's own Python cost per window-frame. Also: tool activation time (Editor.activate over every
tool, 2000 switches) and time from process start to the first frame, and to the first frame
that shows the document (the kernels warm behind the first frame), with a cold numba cache
(fresh NUMBA_CACHE_DIR) and a warm one.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(HERE))

import numpy as np  # noqa: E402

CORPUS = REPO.parent / "shared" / "corpus" / "svg"


def start_xvfb():
    if os.environ.get("DISPLAY"):
        return None
    for n in range(120, 400):
        if not Path(f"/tmp/.X11-unix/X{n}").exists() and not Path(f"/tmp/.X{n}-lock").exists():
            break
    proc = subprocess.Popen(["Xvfb", f":{n}", "-screen", "0", "1920x1080x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while not Path(f"/tmp/.X11-unix/X{n}").exists():
        if time.monotonic() > deadline or proc.poll() is not None:
            raise SystemExit("bench_editor: could not start Xvfb")
        time.sleep(0.05)
    os.environ["DISPLAY"] = f":{n}"
    return proc


def pct(values) -> dict:
    a = np.asarray(values, dtype=float)
    if a.size == 0:
        return {"p50": None, "p95": None, "p99": None}
    p50, p95, p99 = np.percentile(a, [50, 95, 99])
    return {"p50": round(float(p50), 3), "p95": round(float(p95), 3), "p99": round(float(p99), 3)}


def write_doc(doc, path: Path) -> Path:
    from wiretuner_gl.events.build import creation_events
    from wiretuner_gl.store.session import DocumentSession

    s = DocumentSession.create(path, artboard=None)
    s.apply(creation_events(doc))
    if not s.doc.artboards:
        s.add_artboard("Artboard 1", 0, 0, 1000, 1000)
    s.close()
    return path


def scenes(tmp: Path) -> dict[str, Path]:
    import bench_render

    from wiretuner_gl.io.svg_import import import_svg

    tiger = import_svg(CORPUS / "tiger.svg").doc
    return {"tiger": write_doc(tiger, tmp / "tiger.wiretuner"), "10k": write_doc(bench_render.synthetic(10_000), tmp / "10k.wiretuner")}


def run_scenario(path: Path, windows: int, frames: int) -> dict:
    from wiretuner_gl.app.app import App
    from wiretuner_gl.store.session import DocumentSession

    session = DocumentSession.open(path)
    app = App(session, title=path.name, size=(1280, 800))
    aid = session.doc.children()[0]
    for _ in range(windows - 1):
        app.open_artboard_window(aid)
    for _ in range(10):  # settle: first canvas renders, imgui layout, first thumbnails
        app.frame()
    out = {}
    # ---- idle
    app.stats.reset()
    for _ in range(frames):
        app.frame()
    out["idle_frame_ms"] = pct(app.stats.frame_ms)
    out["idle_frame_cpu_ms"] = pct(app.stats.cpu_ms)
    out["idle_window_frames_drawn"] = len(app.stats.window_frames)
    # ---- pan one window (the last artboard window, or the main window when alone)
    target = app.windows[max(app.windows)]
    r = app.router
    r.cursor(target, 300, 200)
    app.frame()
    r.button(target, 2, True, frozenset())
    app.frame()  # the switch to the hand tool redraws every window once (status text): not panning
    app.stats.reset()
    for i in range(frames):
        r.cursor(target, 300 + (i % 40) * 3, 200 + (i % 40) * 2)
        app.frame()
    r.button(target, 2, False, frozenset())
    out["pan_frame_ms"] = pct(app.stats.frame_ms)
    out["pan_frame_cpu_ms"] = pct(app.stats.cpu_ms)
    wf = list(app.stats.window_frames)
    out["pan_window_frame_ms"] = pct([w for _, _, w, _ in wf])
    out["pan_window_frame_cpu_ms"] = pct([c for _, c, _, _ in wf])
    out["pan_window_frame_python_ms"] = pct([max(w - g, 0.0) for _, _, w, g in wf])
    out["pan_window_frames_per_frame"] = round(len(wf) / max(frames, 1), 2)
    app.close()
    return out


def tool_activation(tmp: Path, n: int = 2000) -> dict:
    from wiretuner_gl.tools.testing import TestEditor

    ed = TestEditor.new(tmp / "act.wiretuner")
    names = ed.registry.names()
    times = []
    for i in range(n):
        ed.activate(names[i % len(names)])
        times.append(ed.last_activation_ms)
    ed.close()
    return {"tool_activation_ms": pct(times)}


FIRST_FRAME = r"""
import sys, time
t0 = float(sys.argv[2])
from imgui_bundle import imgui
import glfw
from wiretuner_gl.app.app import App
from wiretuner_gl.store.session import DocumentSession
glfw.init()
for k, v in ((glfw.CONTEXT_VERSION_MAJOR, 3), (glfw.CONTEXT_VERSION_MINOR, 3), (glfw.OPENGL_PROFILE, glfw.OPENGL_CORE_PROFILE), (glfw.OPENGL_FORWARD_COMPAT, True)):
    glfw.window_hint(k, v)
app = App(DocumentSession.open(sys.argv[1]), title="t", size=(1280, 800))
app.frame()
first = time.time() - t0
while not app.kernels.is_set():
    app.frame(wait=0.01)
app.frame()
app.frame()
print(first, time.time() - t0)
app.close()
"""


def first_frame(path: Path, cache_dir: Path) -> tuple[float, float]:
    env = dict(os.environ, NUMBA_CACHE_DIR=str(cache_dir))
    t0 = time.time()
    out = subprocess.run([sys.executable, "-c", FIRST_FRAME, str(path), repr(t0)], env=env, cwd=REPO,
                         capture_output=True, text=True, timeout=600)
    if out.returncode != 0:
        raise SystemExit(f"first-frame run failed:\n{out.stderr[-2000:]}")
    first, doc = out.stdout.strip().splitlines()[-1].split()
    return round(float(first), 3), round(float(doc), 3)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    xvfb = start_xvfb()
    tmp = Path(tempfile.mkdtemp(prefix="bench_editor_"))
    try:
        import glfw
        from imgui_bundle import imgui  # noqa: F401

        paths = scenes(tmp)
        frames = 30 if args.quick else 100
        counts = (1, 5, 20) if not args.quick else (1, 20)
        glfw.init()
        glfw.window_hint(glfw.CONTEXT_VERSION_MAJOR, 3)
        glfw.window_hint(glfw.CONTEXT_VERSION_MINOR, 3)
        glfw.window_hint(glfw.OPENGL_PROFILE, glfw.OPENGL_CORE_PROFILE)
        glfw.window_hint(glfw.OPENGL_FORWARD_COMPAT, glfw.TRUE)
        results = {}
        for scene, path in paths.items():
            for n in counts:
                t = time.perf_counter()
                results[f"{scene}_{n}w"] = r = run_scenario(path, n, frames)
                print(f"{scene:5s} {n:2d} windows: idle p50 {r['idle_frame_ms']['p50']} ms (cpu {r['idle_frame_cpu_ms']['p50']}), "
                      f"pan p50/p95/p99 {r['pan_frame_ms']['p50']}/{r['pan_frame_ms']['p95']}/{r['pan_frame_ms']['p99']} ms "
                      f"(cpu {r['pan_frame_cpu_ms']['p50']}/{r['pan_frame_cpu_ms']['p95']}/{r['pan_frame_cpu_ms']['p99']}), "
                      f"per window-frame {r['pan_window_frame_ms']['p50']} ms (cpu {r['pan_window_frame_cpu_ms']['p50']}, "
                      f"outside GL calls {r['pan_window_frame_python_ms']['p50']})"
                      f"  [{time.perf_counter() - t:.0f} s]", flush=True)
        glfw.terminate()
        results.update(tool_activation(tmp))
        print(f"tool activation: {results['tool_activation_ms']}", flush=True)
        cache = tmp / "numba_cache"
        results["first_frame_cold_s"], results["first_document_frame_cold_s"] = first_frame(paths["tiger"], cache)
        results["first_frame_warm_s"], results["first_document_frame_warm_s"] = first_frame(paths["tiger"], cache)
        print(f"start to first frame (tiger): cold numba cache {results['first_frame_cold_s']} s "
              f"(document drawn at {results['first_document_frame_cold_s']} s), warm {results['first_frame_warm_s']} s "
              f"(document at {results['first_document_frame_warm_s']} s)")
        import moderngl

        results["machine"] = {"platform": platform.platform(), "python": platform.python_version(), "cpus": os.cpu_count(),
                              "renderer": "llvmpipe (Mesa, software GL under Xvfb)", "moderngl": moderngl.__version__,
                              "frames_per_scenario": frames}
        print(json.dumps(results))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if xvfb is not None:
            xvfb.terminate()


if __name__ == "__main__":
    main()
