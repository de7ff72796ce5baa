"""Gradient tables for the scene shader: one row per gradient (parameters + a 256-entry ramp)."""

from __future__ import annotations

import numpy as np

from ..model.values import LinearGradient, RadialGradient

RAMP = 256
SPREAD = {"pad": 0, "reflect": 1, "repeat": 2}


def ramp(grad) -> np.ndarray:
    """(256, 4) uint8 straight-alpha colours; stops clamped and made monotonic as SVG says."""
    stops = grad.stops
    if not stops:
        return np.zeros((RAMP, 4), dtype=np.uint8)
    offs = []
    last = 0.0
    for s in stops:
        last = max(last, min(1.0, max(0.0, float(s.offset))))
        offs.append(last)
    cols = np.array([(s.color.r, s.color.g, s.color.b, s.color.a) for s in stops], dtype=np.float64)
    t = (np.arange(RAMP) + 0.0) / (RAMP - 1)
    out = np.empty((RAMP, 4))
    xp = np.array(offs)
    # stops at equal offsets make a hard edge: nudge so interpolation keeps both colours
    xp = xp + np.arange(len(xp)) * 1e-9
    for ch in range(4):
        out[:, ch] = np.interp(t, xp, cols[:, ch])
    return np.clip(np.round(out * 255.0), 0, 255).astype(np.uint8)


def params(grad) -> np.ndarray:
    """(3, 4) float32: (type, spread), geometry, focal circle — all in gradient space."""
    p = np.zeros((3, 4), dtype=np.float32)
    p[0, 1] = SPREAD.get(grad.spread, 0)
    if isinstance(grad, LinearGradient):
        p[0, 0] = 0
        p[1] = (grad.x1, grad.y1, grad.x2, grad.y2)
    else:
        r = max(0.0, float(grad.r))
        fr = max(0.0, min(float(grad.fr), r))
        fx, fy = float(grad.fx), float(grad.fy)
        dx, dy = fx - grad.cx, fy - grad.cy
        d = (dx * dx + dy * dy) ** 0.5
        lim = r - fr
        if d > lim * 0.999 and d > 0:
            # SVG 1.1: a focal point outside the end circle is moved onto it
            k = lim * 0.999 / d
            fx, fy = grad.cx + dx * k, grad.cy + dy * k
        p[0, 0] = 1
        p[1] = (grad.cx, grad.cy, r, 0)
        p[2] = (fx, fy, fr, 0)
    return p


def is_opaque(paint) -> bool:
    if isinstance(paint, (LinearGradient, RadialGradient)):
        return all(s.color.a >= 1.0 for s in paint.stops)
    return paint.a >= 1.0


class PaintTable:
    """Rows handed out per distinct gradient value; grows, and compacts when half is unused."""

    def __init__(self):
        self.rows: dict = {}
        self.version = 0  # changes when rows are added (textures need an upload)
        self.epoch = 0  # changes when rows are renumbered (packed vertices are stale)

    def row(self, grad) -> int:
        r = self.rows.get(grad)
        if r is None:
            r = self.rows[grad] = len(self.rows)
            self.version += 1
        return r

    def reset(self) -> None:
        self.rows = {}
        self.version += 1
        self.epoch += 1

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        n = max(1, len(self.rows))
        par = np.zeros((n, 3, 4), dtype=np.float32)
        rmp = np.zeros((n, RAMP, 4), dtype=np.uint8)
        for g, r in self.rows.items():
            par[r] = params(g)
            rmp[r] = ramp(g)
        return par, rmp
