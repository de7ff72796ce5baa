"""Per-frame records -> frames.csv and summary.json; comparing two summaries."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

FRAME_BUDGET_MS = 1000.0 / 60.0  # 16.67 ms


@dataclass
class FrameRecord:
    t_ms: float  # start of the frame since the capture started
    frame_ms: float  # wall time
    cpu_ms: float  # main-thread CPU time
    windows: dict[int, float] = field(default_factory=dict)  # window id -> wall ms drawing it

    @property
    def dropped(self) -> bool:
        return self.frame_ms > FRAME_BUDGET_MS


def write_csv(frames: list[FrameRecord], path: Path) -> None:
    wids = sorted({w for f in frames for w in f.windows})
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["frame", "time_ms", "frame_ms", "cpu_ms"] + [f"window_{i}_ms" for i in wids] + ["dropped"])
        for n, f in enumerate(frames):
            w.writerow([n, f"{f.t_ms:.3f}", f"{f.frame_ms:.3f}", f"{f.cpu_ms:.3f}"]
                       + [f"{f.windows.get(i, 0.0):.3f}" for i in wids] + [int(f.dropped)])


def _r(x: float) -> float:
    return round(float(x), 3)


def summarize(frames: list[FrameRecord]) -> dict:
    wall = np.asarray([f.frame_ms for f in frames], dtype=float)
    cpu = np.asarray([f.cpu_ms for f in frames], dtype=float)
    if wall.size == 0:
        raise ValueError("no frames captured")
    p50, p95, p99 = np.percentile(wall, [50, 95, 99])
    c50, c95, c99 = np.percentile(cpu, [50, 95, 99])
    worst = np.sort(wall)[::-1][: max(1, int(np.ceil(wall.size * 0.01)))]
    per_window = {}
    for wid in sorted({w for f in frames for w in f.windows}):
        drawn = np.asarray([f.windows[wid] for f in frames if wid in f.windows], dtype=float)
        per_window[str(wid)] = {"frames_drawn": int(drawn.size), "p50_ms": _r(np.percentile(drawn, 50)),
                                "p95_ms": _r(np.percentile(drawn, 95)), "max_ms": _r(drawn.max())}
    total = float(wall.sum())
    return {
        "frames": int(wall.size),
        "duration_s": _r(total / 1000.0),
        "frame_ms": {"p50": _r(p50), "p95": _r(p95), "p99": _r(p99), "max": _r(wall.max()), "mean": _r(wall.mean())},
        "cpu_ms": {"p50": _r(c50), "p95": _r(c95), "p99": _r(c99), "max": _r(cpu.max()), "mean": _r(cpu.mean())},
        "fps_mean": _r(1000.0 * wall.size / max(total, 1e-9)),
        "fps_1pct_low": _r(1000.0 / max(float(worst.mean()), 1e-9)),  # FPS over the slowest 1% of frames
        "frames_over_16_67ms": int((wall > FRAME_BUDGET_MS).sum()),
        "cpu_share": _r(float(cpu.sum()) / max(total, 1e-9)),  # main-thread CPU / wall, whole capture
        "per_window": per_window,
    }


def load_summary(path: str | Path) -> dict:
    """summary.json of a capture (its folder or the file itself)."""
    p = Path(path)
    if p.is_dir():
        p = p / "summary.json"
    try:
        data = json.loads(p.read_text())
    except FileNotFoundError:
        raise FileNotFoundError(f"{p}: no such capture summary") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"{p}: not JSON ({exc})") from None
    if not isinstance(data, dict) or "frame_ms" not in data:
        raise ValueError(f"{p}: not a capture summary (no frame_ms)")
    return data


METRICS = [("frame_ms", "p50"), ("frame_ms", "p95"), ("frame_ms", "p99"), ("frame_ms", "max"),
           ("cpu_ms", "p50"), ("cpu_ms", "p95"), ("fps_1pct_low", None), ("frames_over_16_67ms", None)]


def compare(a: dict, b: dict, *, threshold: float = 0.10, min_ms: float = 0.5) -> dict:
    """Rows of (metric, A, B, change) and whether B's p95 frame time regressed: more than
    `threshold` (fraction) and more than `min_ms` above A's."""
    rows = []
    for key, sub in METRICS:
        va = a[key][sub] if sub else a[key]
        vb = b[key][sub] if sub else b[key]
        change = (vb - va) / va if va else (0.0 if vb == va else float("inf"))
        rows.append({"metric": f"{key}.{sub}" if sub else key, "a": va, "b": vb,
                     "change": round(change, 4) if change != float("inf") else None})
    pa, pb = a["frame_ms"]["p95"], b["frame_ms"]["p95"]
    regressed = pb > pa * (1 + threshold) and pb - pa > min_ms
    return {"rows": rows, "regressed": regressed, "threshold": threshold, "min_ms": min_ms,
            "p95_a": pa, "p95_b": pb}
