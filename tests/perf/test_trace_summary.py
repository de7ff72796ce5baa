"""Capture output without a window: trace events, frame statistics, the CSV, the plot, compare."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from wiretuner_gl.perf.plot import plot_frames
from wiretuner_gl.perf.summary import FrameRecord, compare, summarize, write_csv
from wiretuner_gl.perf.trace import Tracer, validate

REPO = Path(__file__).resolve().parents[2]


class FakeClock:
    """A clock the test advances by hand, so slice times are exact."""

    def __init__(self):
        self.t = 0.0

    def __call__(self):
        return self.t


def test_nested_slices_and_counters_make_a_valid_chrome_trace():
    clock = FakeClock()
    tr = Tracer(clock)
    with tr.slice("frame", "frame"):
        clock.t += 0.001
        with tr.slice("window 0 (main)", "render"):
            with tr.slice("tessellation", "render"):
                clock.t += 0.002
            clock.t += 0.001
        tr.counter("FPS", {"fps": 60})
    data = json.loads(json.dumps(tr.to_json(metadata={"gl_renderer": "x"})))
    assert validate(data) == []
    xs = [e for e in data["traceEvents"] if e["ph"] == "X"]
    assert [e["name"] for e in xs] == ["frame", "window 0 (main)", "tessellation"]  # parents first
    assert [(e["ts"], e["dur"]) for e in xs] == [(0.0, 4000.0), (1000.0, 3000.0), (1000.0, 2000.0)]
    assert data["displayTimeUnit"] == "ms" and data["otherData"] == {"gl_renderer": "x"}
    meta = [e for e in data["traceEvents"] if e["ph"] == "M"]
    assert {e["name"] for e in meta} == {"process_name", "thread_name"}


def test_validate_finds_slices_that_overlap_without_nesting_and_bad_fields():
    bad = {"traceEvents": [
        {"name": "a", "ph": "X", "ts": 0, "dur": 10, "pid": 1, "tid": 1},
        {"name": "b", "ph": "X", "ts": 5, "dur": 10, "pid": 1, "tid": 1},
        {"name": "c", "ph": "X", "ts": -1, "dur": 1, "pid": 1, "tid": 1},
        {"name": "fps", "ph": "C", "ts": 1, "pid": 1, "args": {"fps": "fast"}},
        {"name": "d", "ph": "Q", "ts": 1, "pid": 1, "tid": 1},
    ]}
    problems = validate(bad)
    assert any("b" in p and "overlaps a" in p for p in problems)
    assert any("ts -1" in p for p in problems)
    assert any("numeric args" in p for p in problems)
    assert any("unknown phase 'Q'" in p for p in problems)


def test_wrap_traces_an_instance_method_and_restores_it():
    class Renderer:
        def sync(self, x):
            return x * 2

    r = Renderer()
    tr = Tracer()
    restore = tr.wrap(r, "sync", "tessellation", "render")
    assert r.sync(3) == 6 and [e["name"] for e in tr.events] == ["tessellation"]
    restore()
    assert "sync" not in r.__dict__ and r.sync(4) == 8 and len(tr.events) == 1


def _frames(ms):
    return [FrameRecord(float(i), float(m), float(m) / 4, {0: float(m) / 2}) for i, m in enumerate(ms)]


def test_summary_percentiles_one_percent_low_and_frames_over_budget():
    ms = [10.0] * 95 + [20.0] * 4 + [50.0]
    s = summarize(_frames(ms))
    assert s["frames"] == 100
    assert s["frame_ms"]["p50"] == 10.0 and s["frame_ms"]["max"] == 50.0
    assert s["frame_ms"]["p95"] == pytest.approx(float(np.percentile(ms, 95)), abs=1e-3)
    assert s["fps_1pct_low"] == 20.0  # the slowest 1% is the single 50 ms frame
    assert s["frames_over_16_67ms"] == 5
    assert s["cpu_share"] == 0.25
    assert s["per_window"]["0"]["frames_drawn"] == 100


def test_frames_csv_has_one_row_per_frame_with_window_columns_and_dropped_flag(tmp_path):
    frames = _frames([5.0, 30.0])
    frames[1].windows[3] = 7.5
    write_csv(frames, tmp_path / "f.csv")
    rows = list(csv.reader(open(tmp_path / "f.csv")))
    assert rows[0] == ["frame", "time_ms", "frame_ms", "cpu_ms", "window_0_ms", "window_3_ms", "dropped"]
    assert rows[1][-1] == "0" and rows[2][-1] == "1" and rows[2][5] == "7.500" and rows[1][5] == "0.000"


def test_plot_draws_the_16_67_ms_line_and_both_series(tmp_path):
    plot_frames(_frames([8.0, 12.0, 40.0, 9.0] * 10), tmp_path / "p.png", "t")
    img = np.asarray(Image.open(tmp_path / "p.png").convert("RGB"))
    assert img.shape == (420, 1000, 3)
    red = (img[..., 0] == 200) & (img[..., 1] == 30) & (img[..., 2] == 30)
    rows = np.nonzero(red.sum(axis=1) > 300)[0]  # a dashed line across most of the plot
    assert rows.size >= 1
    blue = (img[..., 0] == 33) & (img[..., 1] == 113) & (img[..., 2] == 181)
    assert blue.sum() > 500


def test_compare_flags_a_p95_regression_beyond_the_threshold():
    a = summarize(_frames([10.0] * 100))
    b = summarize(_frames([10.0] * 90 + [14.0] * 10))
    res = compare(a, b, threshold=0.10)
    assert res["regressed"] and res["p95_b"] == 14.0
    assert not compare(a, b, threshold=0.50)["regressed"]
    assert not compare(b, a)["regressed"]  # faster is never a regression


def test_perf_compare_command_exits_1_on_regression_and_0_otherwise(tmp_path):
    for name, ms in (("a", [10.0] * 100), ("b", [10.0] * 90 + [14.0] * 10)):
        d = tmp_path / name
        d.mkdir()
        (d / "summary.json").write_text(json.dumps(summarize(_frames(ms))))
    cmd = [sys.executable, "-m", "wiretuner_gl.cli", "perf", "compare"]
    worse = subprocess.run(cmd + [str(tmp_path / "a"), str(tmp_path / "b")], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert worse.returncode == 1 and "REGRESSED" in worse.stdout and "frame_ms.p95" in worse.stdout
    better = subprocess.run(cmd + [str(tmp_path / "b"), str(tmp_path / "a")], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert better.returncode == 0 and "ok" in better.stdout
    loose = subprocess.run(cmd + [str(tmp_path / "a"), str(tmp_path / "b"), "--threshold", "50"], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert loose.returncode == 0
    missing = subprocess.run(cmd + [str(tmp_path / "a"), str(tmp_path / "nope")], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert missing.returncode == 2 and "nope: no such capture summary" in missing.stderr
