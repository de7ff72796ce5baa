"""PDF colour spaces, functions and shadings -> model colours and gradients.

CMYK is converted with the naive complement formula (r = (1 - c)(1 - k)): the file's own output
profile is not applied, so saturated CMYK colours can be a little off from Illustrator's screen
preview; the import report says so once per file that uses CMYK.
"""

from __future__ import annotations

import math

import pikepdf

from ..model.values import Color, GradientStop, LinearGradient, RadialGradient


class Unsupported(Exception):
    pass


def _num(v, default=0.0) -> float:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return default
    return f if math.isfinite(f) else default


def _clamp(v: float) -> float:
    return 0.0 if v < 0 else 1.0 if v > 1 else v


def cmyk_to_rgb(c, m, y, k) -> tuple[float, float, float]:
    return ((1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k))


class ColorSpace:
    """A resolved colour space: `n` components and `to_rgb(components)`."""

    def __init__(self, kind: str, n: int, base: "ColorSpace | None" = None, extra=None):
        self.kind, self.n, self.base, self.extra = kind, n, base, extra

    def to_rgb(self, comps: list[float]) -> tuple[float, float, float]:
        k = self.kind
        c = [(_num(v)) for v in comps[: self.n]] + [0.0] * max(0, self.n - len(comps))
        if k == "gray":
            g = _clamp(c[0])
            return (g, g, g)
        if k == "rgb":
            return tuple(_clamp(v) for v in c[:3])  # type: ignore[return-value]
        if k == "cmyk":
            return cmyk_to_rgb(*(_clamp(v) for v in c[:4]))
        if k == "lab":
            return _lab_to_rgb(*c[:3])
        if k == "indexed":
            table, hival = self.extra
            i = int(min(max(round(c[0]), 0), hival))
            n = self.base.n
            return self.base.to_rgb([b / 255.0 for b in table[i * n : i * n + n]])
        if k == "separation":
            out = eval_function(self.extra, c)
            return self.base.to_rgb(out)
        raise Unsupported(f"colour space {k}")


def _lab_to_rgb(L, a, b):
    fy = (L + 16) / 116
    fx, fz = fy + a / 500, fy - b / 200
    f = lambda t: t**3 if t**3 > 0.008856 else (t - 16 / 116) / 7.787  # noqa: E731
    X, Y, Z = 0.9505 * f(fx), f(fy), 1.089 * f(fz)
    r = 3.2406 * X - 1.5372 * Y - 0.4986 * Z
    g = -0.9689 * X + 1.8758 * Y + 0.0415 * Z
    bb = 0.0557 * X - 0.2040 * Y + 1.0570 * Z
    gam = lambda v: _clamp(12.92 * v if v <= 0.0031308 else 1.055 * v ** (1 / 2.4) - 0.055)  # noqa: E731
    return gam(r), gam(g), gam(bb)


DEVICE = {"/DeviceGray": ColorSpace("gray", 1), "/DeviceRGB": ColorSpace("rgb", 3), "/DeviceCMYK": ColorSpace("cmyk", 4),
          "/G": ColorSpace("gray", 1), "/RGB": ColorSpace("rgb", 3), "/CMYK": ColorSpace("cmyk", 4)}


def resolve_space(obj, resources, depth: int = 0) -> ColorSpace:
    if depth > 8:
        raise Unsupported("colour space nesting")
    if isinstance(obj, pikepdf.Name):
        name = str(obj)
        if name in DEVICE:
            return DEVICE[name]
        if name == "/Pattern":
            return ColorSpace("pattern", 0)
        cs = resources.get("/ColorSpace") if resources is not None else None
        if cs is not None and name in cs:
            return resolve_space(cs[name], resources, depth + 1)
        raise Unsupported(f"colour space {name}")
    if isinstance(obj, pikepdf.Array) and len(obj) >= 1:
        fam = str(obj[0])
        if fam == "/ICCBased":
            n = int(obj[1].get("/N", 3))
            return {1: DEVICE["/DeviceGray"], 3: DEVICE["/DeviceRGB"], 4: DEVICE["/DeviceCMYK"]}.get(n) or _raise(f"ICC N={n}")
        if fam == "/CalRGB":
            return DEVICE["/DeviceRGB"]
        if fam == "/CalGray":
            return DEVICE["/DeviceGray"]
        if fam == "/Lab":
            return ColorSpace("lab", 3)
        if fam in ("/Indexed", "/I"):
            base = resolve_space(obj[1], resources, depth + 1)
            look = obj[3]
            table = bytes(look.read_bytes()) if isinstance(look, pikepdf.Stream) else bytes(look)
            return ColorSpace("indexed", 1, base, (table, int(obj[2])))
        if fam == "/Separation":
            return ColorSpace("separation", 1, resolve_space(obj[2], resources, depth + 1), obj[3])
        if fam == "/DeviceN":
            return ColorSpace("separation", len(obj[1]), resolve_space(obj[2], resources, depth + 1), obj[3])
        if fam == "/Pattern":
            return ColorSpace("pattern", 0)
        if fam in DEVICE:
            return DEVICE[fam]
    raise Unsupported(f"colour space {obj!r}"[:80])


def _raise(msg):
    raise Unsupported(msg)


def eval_function(fn, inputs: list[float], depth: int = 0) -> list[float]:
    """PDF function types 0 (sampled, nearest sample), 2 (exponential) and 3 (stitching)."""
    if depth > 8:
        raise Unsupported("function nesting")
    if isinstance(fn, pikepdf.Array):  # an array of 1-output functions
        return [eval_function(f, inputs, depth + 1)[0] for f in fn]
    t = int(fn.get("/FunctionType", -1))
    dom = [_num(v) for v in fn.get("/Domain", [0, 1])]
    x = min(max(_num(inputs[0]) if inputs else 0.0, dom[0]), dom[1])
    if t == 2:
        c0 = [_num(v) for v in fn.get("/C0", [0.0])]
        c1 = [_num(v) for v in fn.get("/C1", [1.0])]
        n = _num(fn.get("/N", 1.0), 1.0)
        xn = x**n if x >= 0 or float(n).is_integer() else 0.0
        return [a + xn * (b - a) for a, b in zip(c0, c1)]
    if t == 3:
        fns = fn["/Functions"]
        bounds = [_num(v) for v in fn.get("/Bounds", [])]
        enc = [_num(v) for v in fn.get("/Encode", [])]
        edges = [dom[0]] + bounds + [dom[1]]
        i = 0
        while i < len(bounds) and x >= bounds[i]:
            i += 1
        lo, hi = edges[i], edges[i + 1]
        e0, e1 = (enc[2 * i], enc[2 * i + 1]) if len(enc) >= 2 * i + 2 else (0.0, 1.0)
        xe = e0 + (x - lo) * (e1 - e0) / (hi - lo) if hi != lo else e0
        return eval_function(fns[i], [xe], depth + 1)
    if t == 0 and isinstance(fn, pikepdf.Stream):
        size = [int(v) for v in fn["/Size"]]
        bps = int(fn["/BitsPerSample"])
        rng = [_num(v) for v in fn["/Range"]]
        nout = len(rng) // 2
        if len(size) != 1 or bps not in (8, 16):
            raise Unsupported("sampled function shape")
        data = fn.read_bytes()
        idx = int(round((x - dom[0]) / ((dom[1] - dom[0]) or 1) * (size[0] - 1)))
        step = bps // 8
        out = []
        for j in range(nout):
            off = (idx * nout + j) * step
            raw = int.from_bytes(data[off : off + step], "big") if off + step <= len(data) else 0
            out.append(rng[2 * j] + raw / (2**bps - 1) * (rng[2 * j + 1] - rng[2 * j]))
        return out
    raise Unsupported(f"function type {t}")


def _stops(fn, space: ColorSpace, domain, alpha: float) -> tuple[GradientStop, ...]:
    t0, t1 = domain
    ts = [0.0, 1.0]
    if not isinstance(fn, pikepdf.Array) and int(fn.get("/FunctionType", -1)) == 3:
        ts += [(_num(b) - t0) / ((t1 - t0) or 1) for b in fn.get("/Bounds", [])]
    if isinstance(fn, pikepdf.Array) or int(fn.get("/FunctionType", -1)) != 2 or _num(fn.get("/N", 1)) != 1:
        ts += [i / 16 for i in range(17)]
    ts = sorted(set(min(max(t, 0.0), 1.0) for t in ts))
    out = []
    for t in ts:
        r, g, b = space.to_rgb(eval_function(fn, [t0 + t * (t1 - t0)]))
        out.append(GradientStop(t, Color(r, g, b, alpha)))
    return tuple(out)


def shading_paint(sh, resources, alpha: float, transform):
    """An axial (type 2) or radial (type 3) shading as a gradient in the shading's space."""
    d = sh if isinstance(sh, pikepdf.Dictionary) else sh
    st = int(d.get("/ShadingType", 0))
    if st not in (2, 3):
        raise Unsupported(f"shading type {st}")
    space = resolve_space(d["/ColorSpace"], resources)
    coords = [_num(v) for v in d["/Coords"]]
    domain = [_num(v) for v in d.get("/Domain", [0, 1])]
    extend = [bool(v) for v in d.get("/Extend", [False, False])]
    stops = _stops(d["/Function"], space, domain, alpha)
    if st == 2:
        return LinearGradient(coords[0], coords[1], coords[2], coords[3], stops, "pad", "userSpaceOnUse", transform), extend
    x0, y0, r0, x1, y1, r1 = coords[:6]
    return RadialGradient(x1, y1, r1, x0, y0, stops, "pad", "userSpaceOnUse", transform, max(r0, 0.0)), extend
