"""Frame statistics for the F12 overlay and the benchmark: frame wall time and main-thread CPU
time per frame and per window-frame (CPU is what Python and the driver's submission cost here;
wall also includes llvmpipe rasterising in software)."""

from __future__ import annotations

from collections import deque

import numpy as np

KEEP = 600


class FrameStats:
    def __init__(self):
        self.frame_ms: deque[float] = deque(maxlen=KEEP)
        self.cpu_ms: deque[float] = deque(maxlen=KEEP)
        self.window_cpu_ms: dict[int, float] = {}
        self.window_wall_ms: dict[int, float] = {}
        # (wid, cpu, wall, gl): gl is the wall time inside GL calls (canvas render, blit, imgui draw, swap)
        self.window_frames: deque[tuple[int, float, float, float]] = deque(maxlen=KEEP * 20)
        self.last_render_ms = 0.0
        self.frames = 0

    def add_frame(self, wall_ms: float, cpu_ms: float) -> None:
        self.frame_ms.append(wall_ms)
        self.cpu_ms.append(cpu_ms)
        self.frames += 1

    def add_window(self, wid: int, cpu_ms: float, wall_ms: float, gl_ms: float = 0.0) -> None:
        self.window_cpu_ms[wid] = cpu_ms
        self.window_wall_ms[wid] = wall_ms
        self.window_frames.append((wid, cpu_ms, wall_ms, gl_ms))

    def fps(self) -> float:
        if not self.frame_ms:
            return 0.0
        recent = list(self.frame_ms)[-60:]
        return 1000.0 / max(np.mean(recent), 1e-6)

    def reset(self) -> None:
        self.frame_ms.clear()
        self.cpu_ms.clear()
        self.window_frames.clear()

    @staticmethod
    def percentiles(values) -> dict[str, float]:
        a = np.asarray(list(values), dtype=float)
        if a.size == 0:
            return {"p50": 0.0, "p95": 0.0, "p99": 0.0, "n": 0}
        p50, p95, p99 = np.percentile(a, [50, 95, 99])
        return {"p50": round(float(p50), 3), "p95": round(float(p95), 3), "p99": round(float(p99), 3), "n": int(a.size)}
