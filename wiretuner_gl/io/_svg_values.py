"""SVG attribute values: lengths with units, transform lists, colours, numbers lists.

Colours go through tinycss2's CSS Color 4 parser (named, #rgb[a], #rrggbb[aa], rgb/rgba/hsl/hsla/hwb).
Transform lists and number lists are a small grammar of numbers and keywords, scanned here.
"""

from __future__ import annotations

import functools
import math
import re

import tinycss2.color4 as color4

from ..model.values import IDENTITY, Color, Transform, compose, rotate, scale, translate

NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_LENGTH = re.compile(r"\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(px|pt|pc|mm|cm|in|em|ex|rem|%|q)?\s*$", re.I)
UNIT_PX = {
    None: 1.0,
    "px": 1.0,
    "pt": 96.0 / 72.0,
    "pc": 16.0,
    "mm": 96.0 / 25.4,
    "cm": 96.0 / 2.54,
    "in": 96.0,
    "q": 96.0 / 101.6,
}


class Viewport:
    __slots__ = ("w", "h", "font_size")

    def __init__(self, w: float, h: float, font_size: float = 16.0):
        self.w, self.h, self.font_size = w, h, font_size

    def diag(self) -> float:
        return math.sqrt((self.w * self.w + self.h * self.h) / 2.0)


def length(text: str | None, vp: Viewport, axis: str = "x", default: float | None = 0.0, font_size: float | None = None):
    """A length in user units (px). axis: 'x', 'y' or 'o' (other: the normalised diagonal for %)."""
    if text is None:
        return default
    m = _LENGTH.match(text)
    if not m:
        return default
    v = float(m.group(1))
    unit = (m.group(2) or "").lower() or None
    if not math.isfinite(v):
        return default
    if unit == "%":
        ref = vp.w if axis == "x" else vp.h if axis == "y" else vp.diag()
        return v * ref / 100.0
    if unit in ("em", "rem"):
        return v * (font_size or vp.font_size)
    if unit == "ex":
        return v * (font_size or vp.font_size) / 2.0
    return v * UNIT_PX[unit]


def fraction_or_length(text: str | None, default: float) -> float:
    """A gradient coordinate in objectBoundingBox units: '50%' -> 0.5, '0.5' -> 0.5."""
    if text is None:
        return default
    t = text.strip()
    try:
        if t.endswith("%"):
            v = float(t[:-1]) / 100.0
        else:
            m = _LENGTH.match(t)
            v = float(m.group(1)) if m else default
    except ValueError:
        return default
    return v if math.isfinite(v) else default


def number(text: str | None, default: float) -> float:
    if text is None:
        return default
    t = text.strip()
    pct = t.endswith("%")
    try:
        v = float(t[:-1]) / 100.0 if pct else float(t)
    except ValueError:
        return default
    return v if math.isfinite(v) else default


def numbers(text: str | None) -> list[float]:
    if not text:
        return []
    return [float(x) for x in NUMBER.findall(text)]


_TRANSFORM = re.compile(r"\s*(matrix|translate|scale|rotate|skewX|skewY)\s*\(([^)]*)\)\s*,?", re.I)


def parse_transform(text: str | None) -> Transform | None:
    """The transform list as one matrix; None when the attribute is invalid (SVG: then it is ignored)."""
    if not text or not text.strip():
        return IDENTITY
    m = IDENTITY
    pos = 0
    text = text.strip()
    while pos < len(text):
        t = _TRANSFORM.match(text, pos)
        if not t:
            return None
        pos = t.end()
        name = t.group(1).lower()
        args = numbers(t.group(2))
        if any(not math.isfinite(a) for a in args):
            return None
        n = len(args)
        if name == "matrix" and n == 6:
            step = tuple(args)
        elif name == "translate" and n in (1, 2):
            step = translate(args[0], args[1] if n == 2 else 0.0)
        elif name == "scale" and n in (1, 2):
            step = scale(args[0], args[1] if n == 2 else args[0])
        elif name == "rotate" and n in (1, 3):
            step = rotate(args[0], *(args[1:3] if n == 3 else (0.0, 0.0)))
        elif name == "skewx" and n == 1:
            step = (1.0, 0.0, math.tan(math.radians(args[0])), 1.0, 0.0, 0.0)
        elif name == "skewy" and n == 1:
            step = (1.0, math.tan(math.radians(args[0])), 0.0, 1.0, 0.0, 0.0)
        else:
            return None
        m = compose(m, step)
    return m


def parse_color(text: str, current: Color | None = None) -> Color | None:
    """A CSS colour; `currentColor` resolves to `current`; None if not a colour."""
    t = text.strip()
    if t.lower() == "currentcolor":
        return current
    return _parse_color(t)


@functools.lru_cache(maxsize=4096)
def _parse_color(t: str) -> Color | None:
    try:
        c = color4.parse_color(t)
    except Exception:  # tinycss2 raises assorted errors on malformed functions
        return None
    if c is None or isinstance(c, str):
        return None
    try:
        r, g, b, a = tuple(c.to("srgb"))
    except (NotImplementedError, ValueError, TypeError):
        return None
    vals = [min(max(float(v), 0.0), 1.0) if math.isfinite(v) else 0.0 for v in (r, g, b, a)]
    return Color(*vals)


def view_box(text: str | None) -> tuple[float, float, float, float] | None:
    vals = numbers(text) if text else []
    if len(vals) != 4 or vals[2] <= 0 or vals[3] <= 0 or not all(math.isfinite(v) for v in vals):
        return None
    return tuple(vals)  # type: ignore[return-value]


def aspect_transform(vb, x, y, w, h, par: str | None) -> Transform:
    """The viewBox -> viewport transform of preserveAspectRatio (SVG 1.1 §7.8)."""
    vx, vy, vw, vh = vb
    parts = (par or "xMidYMid meet").split()
    if parts and parts[0] == "defer":
        parts = parts[1:]
    align = parts[0] if parts else "xMidYMid"
    slice_ = len(parts) > 1 and parts[1] == "slice"
    sx, sy = w / vw, h / vh
    if align == "none":
        return compose(translate(x, y), compose(scale(sx, sy), translate(-vx, -vy)))
    s = max(sx, sy) if slice_ else min(sx, sy)
    tx, ty = x - vx * s, y - vy * s
    if "xMid" in align:
        tx += (w - vw * s) / 2
    elif "xMax" in align:
        tx += w - vw * s
    if "YMid" in align:
        ty += (h - vh * s) / 2
    elif "YMax" in align:
        ty += h - vh * s
    return (s, 0.0, 0.0, s, tx, ty)
