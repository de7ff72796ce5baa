"""SVG path data -> subpaths of cubic segments -> model anchors.

Written here rather than taken from a library: the grammar is small (SVG 1.1 §8.3.9), the
model wants cubics with handle offsets (not a library's own segment classes), and error
recovery must follow the spec: render up to the first error, then report it.
Quadratics are raised to cubics exactly; elliptical arcs become one cubic per <= 90° sweep.
"""

from __future__ import annotations

import functools
import math
import re

from ..model.ids import keys_between
from ..model.nodes import Anchor, Subpath

_NUM = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_WS = " \t\r\n\f,"
_ARGS = {"M": 2, "L": 2, "H": 1, "V": 1, "C": 6, "S": 4, "Q": 4, "T": 2, "A": 7, "Z": 0}

# a raw subpath: [start_x, start_y, segments [(c1x, c1y, c2x, c2y, x, y, is_line)], closed]
Raw = list


@functools.lru_cache(maxsize=4096)
def anchor_keys(n: int) -> tuple[str, ...]:
    """Order keys for n anchors: the same for every subpath of n anchors, so computed once."""
    return tuple(keys_between(None, None, n))


class PathDataError(ValueError):
    pass


_TOKEN = re.compile(r"[MmZzLlHhVvCcSsQqTt]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_VALID = re.compile(r"[\s,]*(?:(?:[MmZzLlHhVvCcSsQqTt]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)[\s,]*)*")


def _scan_fast(d: str):
    """Path data without arcs, already known to be only commands and numbers: one regex pass."""
    tokens = _TOKEN.findall(d)
    i, n = 0, len(tokens)
    cmd = None
    while i < n:
        t = tokens[i]
        if t[0].isalpha():
            cmd = t
            i += 1
            if t in "Zz":
                yield t, ()
                continue
        elif cmd is None or cmd in "Zz":
            raise PathDataError(f"expected a command before {t!r}")
        if cmd not in ("M", "m") and cmd is not None and i <= 1:
            raise PathDataError("path data must start with a moveto")
        k = _ARGS[cmd.upper()]
        if i + k > n:
            raise PathDataError(f"too few numbers for {cmd!r}")
        try:
            args = [float(t) for t in tokens[i : i + k]]
        except ValueError:  # a command letter where a number belongs
            raise PathDataError(f"too few numbers for {cmd!r}") from None
        i += k
        yield cmd, args
        if cmd == "M":
            cmd = "L"
        elif cmd == "m":
            cmd = "l"


def _scan(d: str):
    """Yield (command, args) with implicit repeats expanded; raise PathDataError at the first error."""
    if "a" not in d.lower() and _VALID.fullmatch(d):
        yield from _scan_fast(d)
        return
    i, n = 0, len(d)
    cmd = None
    first = True
    while True:
        while i < n and d[i] in _WS:
            i += 1
        if i >= n:
            return
        c = d[i]
        if c.isalpha():
            if c.upper() not in _ARGS:
                raise PathDataError(f"unknown command {c!r} at character {i}")
            cmd = c
            i += 1
            if c in "Zz":
                yield c, ()
                continue
        elif cmd is None or cmd in "Zz":
            raise PathDataError(f"expected a command at character {i}")
        elif first:
            pass
        if first and cmd not in ("M", "m"):
            raise PathDataError("path data must start with a moveto")
        first = False
        k = _ARGS[cmd.upper()]
        args = []
        for j in range(k):
            while i < n and d[i] in _WS:
                i += 1
            if cmd in "Aa" and j in (3, 4):
                if i < n and d[i] in "01":
                    args.append(float(d[i]))
                    i += 1
                    continue
                raise PathDataError(f"expected an arc flag (0 or 1) at character {i}")
            m = _NUM.match(d, i)
            if not m:
                raise PathDataError(f"expected a number at character {i}")
            v = float(m.group())
            if not math.isfinite(v):
                raise PathDataError(f"number out of range at character {i}")
            args.append(v)
            i = m.end()
        yield cmd, args
        # implicit repeat: a moveto's extra pairs are linetos
        if cmd == "M":
            cmd = "L"
        elif cmd == "m":
            cmd = "l"


def _arc(x1, y1, rx, ry, phi, large, sweep, x2, y2):
    """Endpoint-parameterised arc -> cubic segments (SVG implementation notes F.6)."""
    if (x1, y1) == (x2, y2):
        return []
    rx, ry = abs(rx), abs(ry)
    if rx == 0 or ry == 0:
        return [(x1, y1, x2, y2, x2, y2, True)]
    cp, sp = math.cos(math.radians(phi)), math.sin(math.radians(phi))
    dx, dy = (x1 - x2) / 2, (y1 - y2) / 2
    x1p, y1p = cp * dx + sp * dy, -sp * dx + cp * dy
    lam = (x1p / rx) ** 2 + (y1p / ry) ** 2
    if lam > 1:
        s = math.sqrt(lam)
        rx, ry = rx * s, ry * s
    num = rx * rx * ry * ry - rx * rx * y1p * y1p - ry * ry * x1p * x1p
    den = rx * rx * y1p * y1p + ry * ry * x1p * x1p
    coef = math.sqrt(max(num / den, 0.0)) if den else 0.0
    if large == sweep:
        coef = -coef
    cxp, cyp = coef * rx * y1p / ry, -coef * ry * x1p / rx
    cx = cp * cxp - sp * cyp + (x1 + x2) / 2
    cy = sp * cxp + cp * cyp + (y1 + y2) / 2

    def ang(ux, uy, vx, vy):
        a = math.atan2(ux * vy - uy * vx, ux * vx + uy * vy)
        return a

    t1 = ang(1, 0, (x1p - cxp) / rx, (y1p - cyp) / ry)
    dt = ang((x1p - cxp) / rx, (y1p - cyp) / ry, (-x1p - cxp) / rx, (-y1p - cyp) / ry)
    if not sweep and dt > 0:
        dt -= 2 * math.pi
    elif sweep and dt < 0:
        dt += 2 * math.pi
    nseg = max(1, int(math.ceil(abs(dt) / (math.pi / 2) - 1e-9)))
    step = dt / nseg
    k = 4.0 / 3.0 * math.tan(step / 4)
    out = []
    px, py = x1, y1
    for s in range(nseg):
        a0, a1 = t1 + s * step, t1 + (s + 1) * step
        c0, s0, c1, s1 = math.cos(a0), math.sin(a0), math.cos(a1), math.sin(a1)
        # unit-circle control points, then scale, rotate, translate
        pts = ((c0 - k * s0, s0 + k * c0), (c1 + k * s1, s1 - k * c1), (c1, s1))
        mapped = [(cx + cp * rx * u - sp * ry * v, cy + sp * rx * u + cp * ry * v) for u, v in pts]
        if s == nseg - 1:
            mapped[2] = (x2, y2)
        out.append((*mapped[0], *mapped[1], *mapped[2], False))
        px, py = mapped[2]
    return out


def parse_path_data(d: str) -> tuple[list[Raw], str | None]:
    """(raw subpaths, error message or None). Data up to an error is kept, as the spec says."""
    subs: list[Raw] = []
    cur: Raw | None = None
    x = y = sx = sy = 0.0
    last_c2 = None  # reflected for S/s
    last_q = None  # reflected for T/t
    error = None
    try:
        for cmd, a in _scan(d):
            up = cmd.upper()
            rel = cmd != up
            ox, oy = (x, y) if rel else (0.0, 0.0)
            if up == "M":
                x, y = a[0] + ox, a[1] + oy
                sx, sy = x, y
                cur = [x, y, [], False]
                subs.append(cur)
                last_c2 = last_q = None
                continue
            if up == "Z":
                if cur is not None:
                    cur[3] = True
                x, y = sx, sy
                cur = None
                last_c2 = last_q = None
                continue
            if cur is None:  # drawing after Z starts a new subpath at the closed one's start
                cur = [x, y, [], False]
                subs.append(cur)
            segs = cur[2]
            if up == "L":
                nx, ny = a[0] + ox, a[1] + oy
                segs.append((x, y, nx, ny, nx, ny, True))
                x, y = nx, ny
                last_c2 = last_q = None
            elif up == "H":
                nx = a[0] + ox
                segs.append((x, y, nx, y, nx, y, True))
                x = nx
                last_c2 = last_q = None
            elif up == "V":
                ny = a[0] + oy
                segs.append((x, y, x, ny, x, ny, True))
                y = ny
                last_c2 = last_q = None
            elif up == "C":
                c1x, c1y, c2x, c2y, nx, ny = a[0] + ox, a[1] + oy, a[2] + ox, a[3] + oy, a[4] + ox, a[5] + oy
                segs.append((c1x, c1y, c2x, c2y, nx, ny, False))
                last_c2, last_q = (c2x, c2y), None
                x, y = nx, ny
            elif up == "S":
                c1x, c1y = (2 * x - last_c2[0], 2 * y - last_c2[1]) if last_c2 else (x, y)
                c2x, c2y, nx, ny = a[0] + ox, a[1] + oy, a[2] + ox, a[3] + oy
                segs.append((c1x, c1y, c2x, c2y, nx, ny, False))
                last_c2, last_q = (c2x, c2y), None
                x, y = nx, ny
            elif up in ("Q", "T"):
                if up == "Q":
                    qx, qy, nx, ny = a[0] + ox, a[1] + oy, a[2] + ox, a[3] + oy
                else:
                    qx, qy = (2 * x - last_q[0], 2 * y - last_q[1]) if last_q else (x, y)
                    nx, ny = a[0] + ox, a[1] + oy
                # degree elevation: exact
                segs.append((x + 2 / 3 * (qx - x), y + 2 / 3 * (qy - y), nx + 2 / 3 * (qx - nx), ny + 2 / 3 * (qy - ny), nx, ny, False))
                last_q, last_c2 = (qx, qy), None
                x, y = nx, ny
            elif up == "A":
                nx, ny = a[5] + ox, a[6] + oy
                segs.extend(_arc(x, y, a[0], a[1], a[2], a[3] != 0, a[4] != 0, nx, ny))
                x, y = nx, ny
                last_c2 = last_q = None
    except PathDataError as exc:
        error = str(exc)
    return subs, error


def points_to_raw(text: str, closed: bool) -> tuple[list[Raw], str | None]:
    vals = [float(v) for v in _NUM.findall(text or "")]
    error = None
    if len(vals) % 2:
        vals = vals[:-1]
        error = "odd number of coordinates (the last one is ignored)"
    if any(not math.isfinite(v) for v in vals):
        return [], "number out of range"
    if len(vals) < 4:
        return [], error
    pts = list(zip(vals[0::2], vals[1::2]))
    segs = [(px, py, nx, ny, nx, ny, True) for (px, py), (nx, ny) in zip(pts, pts[1:])]
    return [[pts[0][0], pts[0][1], segs, closed]], error


def _kind(ix, iy, ox, oy) -> str:
    if (ix == 0 and iy == 0) or (ox == 0 and oy == 0):
        return "corner"
    cross = ix * oy - iy * ox
    dot = ix * ox + iy * oy
    li, lo = math.hypot(ix, iy), math.hypot(ox, oy)
    if dot < 0 and abs(cross) <= 1e-6 * li * lo:
        return "symmetric" if abs(li - lo) <= 1e-6 * max(li, lo) else "smooth"
    return "corner"


def raw_to_subpaths(raw: list[Raw], eps: float = 1e-9) -> list[Subpath]:
    """Model subpaths; a lone moveto is dropped (it draws nothing)."""
    out = []
    for sx, sy, segs, closed in raw:
        if not segs:
            continue
        # per anchor: [x, y, in_dx, in_dy, out_dx, out_dy]
        pts = [[sx, sy, 0.0, 0.0, 0.0, 0.0]]
        for c1x, c1y, c2x, c2y, x, y, line in segs:
            prev = pts[-1]
            if not line:
                prev[4], prev[5] = c1x - prev[0], c1y - prev[1]
                pts.append([x, y, c2x - x, c2y - y, 0.0, 0.0])
            else:
                pts.append([x, y, 0.0, 0.0, 0.0, 0.0])
        if closed and len(pts) > 2:
            last, first = pts[-1], pts[0]
            if abs(last[0] - first[0]) <= eps and abs(last[1] - first[1]) <= eps:
                first[2], first[3] = last[2], last[3]
                pts.pop()
        keys = anchor_keys(len(pts))
        anchors = tuple(
            Anchor(k, x, y, ix, iy, ox, oy, _kind(ix, iy, ox, oy)) for k, (x, y, ix, iy, ox, oy) in zip(keys, pts)
        )
        out.append(Subpath(anchors, bool(closed)))
    return out
