"""Computed style: inheritance, `inherit`/`initial`, and turning properties into model Style values."""

from __future__ import annotations

import re

from ..model.values import Color, Stroke, Style
from ._svg_values import Viewport, length, number, parse_color

INHERITED = frozenset(
    """fill fill-opacity fill-rule stroke stroke-width stroke-linecap stroke-linejoin stroke-miterlimit
    stroke-dasharray stroke-dashoffset stroke-opacity visibility color clip-rule font-size font-family
    font-weight font-style marker marker-start marker-mid marker-end paint-order shape-rendering""".split()
)
INITIAL = {
    "fill": "black",
    "fill-opacity": "1",
    "fill-rule": "nonzero",
    "stroke": "none",
    "stroke-width": "1",
    "stroke-linecap": "butt",
    "stroke-linejoin": "miter",
    "stroke-miterlimit": "4",
    "stroke-dasharray": "none",
    "stroke-dashoffset": "0",
    "stroke-opacity": "1",
    "visibility": "visible",
    "color": "black",
    "display": "inline",
    "opacity": "1",
    "clip-rule": "nonzero",
}
_URL = re.compile(r"\s*url\(\s*(['\"]?)\s*([^'\")]*?)\s*\1\s*\)\s*(.*)$", re.S)
FONT_SIZE_DEFAULT = 16.0
_FONT_KEYWORDS = {"xx-small": 9.0, "x-small": 10.0, "small": 13.0, "medium": 16.0, "large": 18.0, "x-large": 24.0, "xx-large": 32.0}


def compute(parent: dict, declared: dict, vp: Viewport) -> dict:
    """This element's computed properties (strings), plus '_fs': its font size in px."""
    out = {k: v for k, v in parent.items() if k in INHERITED or k == "_fs"}
    for k, v in declared.items():
        low = v.strip().lower()
        if low == "inherit":
            if k in parent:
                out[k] = parent[k]
            else:
                out.pop(k, None)
        elif low in ("initial", "unset") or (low == "revert"):
            if low == "unset" and k in INHERITED and k in parent:
                out[k] = parent[k]
            else:
                out.pop(k, None)
        else:
            out[k] = v
    pfs = parent.get("_fs", FONT_SIZE_DEFAULT)
    fs = declared.get("font-size")
    if fs is not None:
        f = fs.strip().lower()
        if f in _FONT_KEYWORDS:
            out["_fs"] = _FONT_KEYWORDS[f]
        elif f.endswith("%"):
            out["_fs"] = pfs * number(f, 1.0)
        else:
            v = length(f, vp, "o", None, font_size=pfs)
            out["_fs"] = v if v is not None and v > 0 else pfs
    return out


def get(st: dict, name: str) -> str:
    return st.get(name, INITIAL.get(name, ""))


def url_ref(value: str) -> tuple[str | None, str]:
    """('id' or 'file#id', fallback text) for `url(#id) fallback`, or (None, value)."""
    m = _URL.match(value)
    if not m:
        return None, value
    return m.group(2), m.group(3).strip()


def clamp01(v: float) -> float:
    return 0.0 if v < 0 else 1.0 if v > 1 else v


class StyleResolver:
    """Turns computed properties into a model Style; paint servers and problems go through ctx."""

    def __init__(self, paints_for, warn, unsupported):
        self._paints_for = paints_for  # (ref) -> (element, PaintServers) or (None, None)
        self.pattern_hook = None  # (ref, fallback) -> True when the caller will paint that pattern
        self._warn = warn
        self._unsupported = unsupported

    def paint(self, value: str, opacity: float, st: dict, vp: Viewport, el_id: str, what: str):
        value = value.strip()
        if value == "" or value.lower() == "none":
            return None
        ref, fallback = url_ref(value)
        if ref is not None:
            target, servers = self._paints_for(ref)
            if target is not None:
                from ._svg_xml import local

                tag = local(target.tag)
                if tag in ("linearGradient", "radialGradient"):
                    return servers.resolve(target, opacity, vp)
                if tag == "pattern" and what == "fill" and self.pattern_hook is not None and self.pattern_hook(ref, fallback):
                    return None  # the builder paints the pattern's tiles itself
                if tag == "pattern":
                    self._unsupported("pattern", el_id or ref.lstrip("#"), f"{what} uses pattern {ref}; " + ("fallback colour used" if fallback else "painted as none"))
                else:
                    self._warn(f"{what} of #{el_id or '?'}: {ref} is a <{tag}>, not a paint server")
            elif fallback == "":
                self._warn(f"{what} of #{el_id or '?'}: paint server {ref} not found; painted as none")
            return self.paint(fallback, opacity, st, vp, el_id, what) if fallback and fallback.lower() != "none" else None
        low = value.lower()
        if low in ("context-fill", "context-stroke"):
            self._warn(f"{what} of #{el_id or '?'}: {low} is not supported; painted as none")
            return None
        current = parse_color(get(st, "color")) or Color(0.0, 0.0, 0.0, 1.0)
        c = parse_color(value, current=current)
        if c is None:
            self._warn(f"{what} of #{el_id or '?'}: invalid paint {value!r}; " + ("black used" if what == "fill" else "none used"))
            return Color(0.0, 0.0, 0.0, opacity) if what == "fill" else None
        return Color(c.r, c.g, c.b, c.a * opacity)

    def style(self, st: dict, vp: Viewport, el_id: str, *, filled: bool = True) -> Style:
        fill = None
        if filled:
            fill = self.paint(get(st, "fill"), clamp01(number(get(st, "fill-opacity"), 1.0)), st, vp, el_id, "fill")
        stroke = None
        sw = length(get(st, "stroke-width"), vp, "o", 1.0, font_size=st.get("_fs"))
        if sw is None:
            sw = 1.0
        if sw > 0:
            paint = self.paint(get(st, "stroke"), clamp01(number(get(st, "stroke-opacity"), 1.0)), st, vp, el_id, "stroke")
            if paint is not None:
                stroke = self._stroke(st, paint, sw, vp, el_id)
        opacity = clamp01(number(st.get("opacity", "1"), 1.0))
        return Style(fill=fill, stroke=stroke, opacity=opacity)

    def _stroke(self, st, paint, width, vp, el_id) -> Stroke:
        join = get(st, "stroke-linejoin").strip()
        if join not in ("miter", "round", "bevel"):
            if join in ("miter-clip", "arcs"):
                self._warn(f"stroke of #{el_id or '?'}: stroke-linejoin {join} drawn as miter")
            join = "miter"
        cap = get(st, "stroke-linecap").strip()
        if cap not in ("butt", "round", "square"):
            cap = "butt"
        ml = number(get(st, "stroke-miterlimit"), 4.0)
        if ml < 1:
            ml = 4.0
        dash: tuple[float, ...] = ()
        da = get(st, "stroke-dasharray").strip()
        if da and da != "none":
            vals = [length(t, vp, "o", None, font_size=st.get("_fs")) for t in re.split(r"[\s,]+", da) if t]
            if vals and all(v is not None and v >= 0 for v in vals) and sum(vals) > 0:
                if len(vals) % 2:
                    vals = vals * 2
                dash = tuple(float(v) for v in vals)
        off = length(get(st, "stroke-dashoffset"), vp, "o", 0.0, font_size=st.get("_fs")) or 0.0
        if st.get("vector-effect", "").strip() == "non-scaling-stroke":
            self._warn(f"stroke of #{el_id or '?'}: vector-effect non-scaling-stroke is drawn as a normal stroke")
        return Stroke(paint=paint, width=float(width), join=join, miter_limit=float(ml), cap=cap, dash=dash, dash_offset=float(off) if dash else 0.0)
