"""`wiretuner perf capture` on real windows (Xvfb, Mesa llvmpipe): the files it writes and the
trace's structure. The command starts its own Xvfb when DISPLAY is not set."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from wiretuner_gl.perf.trace import validate

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpus"

pytestmark = pytest.mark.app


def _capture(out: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["HOME"] = str(out.parent)  # recovery/capture folders of this test only
    return subprocess.run([sys.executable, "-m", "wiretuner_gl.cli", "perf", "capture", *args, "-o", str(out)],
                          capture_output=True, text=True, env=env, cwd=REPO, timeout=600)


def _inside(child, parents) -> bool:
    return any(p["ts"] <= child["ts"] + 1e-3 and child["ts"] + child["dur"] <= p["ts"] + p["dur"] + 1e-3 for p in parents)


def test_edit_capture_with_three_windows_writes_a_valid_nested_trace_and_summary(tmp_path):
    out = tmp_path / "edit"
    res = _capture(out, "--windows", "3", "--frames", "12", "--scenario", "edit", "--objects", "300")
    assert res.returncode == 0, res.stderr[-2000:]
    trace = json.loads((out / "trace.json").read_text())
    assert validate(trace) == []
    xs = [e for e in trace["traceEvents"] if e["ph"] == "X"]
    frames = [e for e in xs if e["name"] == "frame"]
    assert len(frames) == 12
    names = {e["name"] for e in xs}
    assert {"tessellation", "upload", "imgui", "event apply", "append (durable)"} <= names
    assert {"window 0 (main)", "window 1 (artboard)", "window 2 (artboard)"} <= names
    for e in xs:  # every slice lies inside a frame
        assert e["name"] == "frame" or _inside(e, frames), e
    syncs = [e for e in xs if e["name"] == "scene sync"]
    assert syncs and all(_inside(e, syncs) for e in xs if e["name"] in ("tessellation", "upload"))
    applies = [e for e in xs if e["name"] == "event apply"]
    assert all(_inside(e, applies) for e in xs if e["name"] == "append (durable)")
    counters = {e["name"] for e in trace["traceEvents"] if e["ph"] == "C"}
    assert counters == {"FPS", "memory"}
    meta = trace["otherData"]
    assert "llvmpipe" in meta["gl_renderer"] and meta["command"][:3] == ["wiretuner", "perf", "capture"]
    assert meta["versions"]["moderngl"] and meta["scenario"] == "edit" and meta["windows"] == 3

    summary = json.loads((out / "summary.json").read_text())
    f = summary["frame_ms"]
    assert summary["frames"] == 12 and 0 < f["p50"] <= f["p95"] <= f["p99"] <= f["max"]
    assert 0 < summary["cpu_share"] <= 1.5 and summary["fps_1pct_low"] > 0
    rows = list(csv.DictReader(open(out / "frames.csv")))
    assert len(rows) == 12 and {"window_0_ms", "window_1_ms", "window_2_ms", "dropped"} <= set(rows[0])
    assert sum(int(r["dropped"]) for r in rows) == summary["frames_over_16_67ms"]
    assert Image.open(out / "frames.png").size == (1000, 420)
    assert "p95" in res.stdout and "frames over 16.67 ms" in res.stdout


def test_capture_of_a_corpus_svg_pans_without_touching_the_source_and_compares(tmp_path):
    src = CORPUS / "svg" / "tiger.svg"
    before = src.read_bytes()
    a, b = tmp_path / "a", tmp_path / "b"
    for out in (a, b):
        res = _capture(out, str(src), "--frames", "8", "--scenario", "pan")
        assert res.returncode == 0, res.stderr[-2000:]
    assert src.read_bytes() == before
    assert json.loads((a / "summary.json").read_text())["document"] == str(src)
    cmp = subprocess.run([sys.executable, "-m", "wiretuner_gl.cli", "perf", "compare", str(a), str(b), "--json"],
                         capture_output=True, text=True, cwd=REPO, timeout=60)
    assert cmp.returncode in (0, 1)
    data = json.loads(cmp.stdout)
    assert data["regressed"] == (cmp.returncode == 1) and data["rows"][1]["metric"] == "frame_ms.p95"


def test_capture_of_a_missing_file_fails_with_one_line(tmp_path):
    res = _capture(tmp_path / "x", str(tmp_path / "missing.wiretuner"), "--frames", "2")
    assert res.returncode == 2 and res.stderr.strip().count("\n") == 0 and "missing.wiretuner: no such file" in res.stderr


OVERLAY_SNIPPET = r"""
import sys
from pathlib import Path
from wiretuner_gl.app.capture import start_xvfb, toggle
xvfb = start_xvfb()
from imgui_bundle import imgui
import glfw
from wiretuner_gl.app.app import App
from wiretuner_gl.store.session import DocumentSession
glfw.init()
for k, v in ((glfw.CONTEXT_VERSION_MAJOR, 3), (glfw.CONTEXT_VERSION_MINOR, 3),
             (glfw.OPENGL_PROFILE, glfw.OPENGL_CORE_PROFILE), (glfw.OPENGL_FORWARD_COMPAT, True)):
    glfw.window_hint(k, v)
app = App(DocumentSession.create(Path(sys.argv[1])), title="t", size=(800, 600))
app.show_perf = True
app.frame()
print(toggle(app))
for _ in range(6):
    app.frame()
print(toggle(app))
assert "frame" not in app.__dict__ and "_draw_window" not in app.__dict__  # instrumentation removed
app.close()
glfw.terminate()
xvfb.terminate()
"""


def test_overlay_toggle_starts_and_stops_a_capture_into_the_capture_folder(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["WIRETUNER_CAPTURE_DIR"] = str(tmp_path / "captures")
    res = subprocess.run([sys.executable, "-c", OVERLAY_SNIPPET, str(tmp_path / "d.wiretuner")], capture_output=True,
                         text=True, env=env, cwd=REPO, timeout=300)
    assert res.returncode == 0, res.stderr[-3000:]
    lines = res.stdout.strip().splitlines()
    assert lines[0] == "capturing frames…" and lines[1].startswith("capture: 6 frames, p95 ")
    (out,) = (tmp_path / "captures").iterdir()
    assert {p.name for p in out.iterdir()} == {"trace.json", "frames.csv", "summary.json", "frames.png"}
    assert validate(json.loads((out / "trace.json").read_text())) == []
    assert json.loads((out / "summary.json").read_text())["frames"] == 6


def test_summary_lists_each_window_that_drew(tmp_path):
    out = tmp_path / "pan"
    res = _capture(out, "--windows", "2", "--frames", "6", "--scenario", "pan", "--objects", "100")
    assert res.returncode == 0, res.stderr[-2000:]
    s = json.loads((out / "summary.json").read_text())
    assert s["windows"] == 2
    # the pan is in the last window: it draws every frame; the main window only when its status changes
    assert s["per_window"]["1"]["frames_drawn"] == 6 and s["per_window"]["1"]["p50_ms"] > 0
