"""Style values: colours, gradients, strokes, transforms. Frozen, hashable, canonical-serialisable."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar, Literal, Union

Transform = tuple[float, float, float, float, float, float]  # SVG order: a b c d e f
IDENTITY: Transform = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)

Spread = Literal["pad", "reflect", "repeat"]
Units = Literal["userSpaceOnUse", "objectBoundingBox"]
Join = Literal["miter", "round", "bevel"]
Cap = Literal["butt", "round", "square"]
FillRule = Literal["nonzero", "evenodd"]


@dataclass(frozen=True, slots=True)
class Color:
    TAG: ClassVar[str] = "color"
    r: float
    g: float
    b: float
    a: float = 1.0

    @classmethod
    def hex(cls, text: str, alpha: float = 1.0) -> "Color":
        text = text.lstrip("#")
        if len(text) == 3:
            text = "".join(c * 2 for c in text)
        r, g, b = (int(text[i : i + 2], 16) / 255.0 for i in (0, 2, 4))
        return cls(r, g, b, alpha)


@dataclass(frozen=True, slots=True)
class GradientStop:
    offset: float
    color: Color


@dataclass(frozen=True, slots=True)
class LinearGradient:
    TAG: ClassVar[str] = "linear"
    x1: float
    y1: float
    x2: float
    y2: float
    stops: tuple[GradientStop, ...]
    spread: Spread = "pad"
    units: Units = "userSpaceOnUse"
    transform: Transform = IDENTITY


@dataclass(frozen=True, slots=True)
class RadialGradient:
    TAG: ClassVar[str] = "radial"
    cx: float
    cy: float
    r: float
    fx: float
    fy: float
    stops: tuple[GradientStop, ...]
    spread: Spread = "pad"
    units: Units = "userSpaceOnUse"
    transform: Transform = IDENTITY
    fr: float = 0.0


Paint = Union[Color, LinearGradient, RadialGradient]


@dataclass(frozen=True, slots=True)
class Stroke:
    paint: Paint
    width: float = 1.0
    join: Join = "miter"
    miter_limit: float = 4.0
    cap: Cap = "butt"
    dash: tuple[float, ...] = ()
    dash_offset: float = 0.0


BLACK = Color(0.0, 0.0, 0.0, 1.0)


@dataclass(frozen=True, slots=True)
class Style:
    fill: Paint | None = BLACK
    stroke: Stroke | None = None
    opacity: float = 1.0


DEFAULT_STYLE = Style()


def compose(m: Transform, n: Transform) -> Transform:
    """m ∘ n: apply n first, then m (SVG's `transform="m n"` order)."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (
        a * a2 + c * b2,
        b * a2 + d * b2,
        a * c2 + c * d2,
        b * c2 + d * d2,
        a * e2 + c * f2 + e,
        b * e2 + d * f2 + f,
    )


def translate(tx: float, ty: float) -> Transform:
    return (1.0, 0.0, 0.0, 1.0, float(tx), float(ty))


def scale(sx: float, sy: float | None = None) -> Transform:
    return (float(sx), 0.0, 0.0, float(sx if sy is None else sy), 0.0, 0.0)


def rotate(degrees: float, cx: float = 0.0, cy: float = 0.0) -> Transform:
    t = math.radians(degrees)
    c, s = math.cos(t), math.sin(t)
    r = (c, s, -s, c, 0.0, 0.0)
    if cx or cy:
        return compose(translate(cx, cy), compose(r, translate(-cx, -cy)))
    return r


def invert(m: Transform) -> Transform:
    a, b, c, d, e, f = m
    det = a * d - b * c
    if det == 0:
        raise ValueError("transform is not invertible")
    ia, ib, ic, id_ = d / det, -b / det, -c / det, a / det
    return (ia, ib, ic, id_, -(ia * e + ic * f), -(ib * e + id_ * f))


def apply(m: Transform, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = m
    return (a * x + c * y + e, b * x + d * y + f)
