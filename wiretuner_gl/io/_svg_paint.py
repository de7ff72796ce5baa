"""Paint servers: linear and radial gradients with href inheritance, units, transform, spread, stops."""

from __future__ import annotations

from xml.etree.ElementTree import Element

from ..model.values import IDENTITY, Color, GradientStop, LinearGradient, RadialGradient
from ._svg_values import Viewport, fraction_or_length, length, number, parse_color, parse_transform
from ._svg_xml import href, local

GRADIENTS = ("linearGradient", "radialGradient")


class PaintServers:
    def __init__(self, ids: dict[str, Element], cascade, warn):
        self._ids = ids
        self._cascade = cascade
        self._warn = warn

    def _chain(self, el: Element) -> list[Element]:
        """The gradient and the gradients it inherits from through href, nearest first (no cycles)."""
        chain = [el]
        seen = {id(el)}
        while True:
            ref = href(chain[-1])
            if not ref or not ref.startswith("#"):
                return chain
            nxt = self._ids.get(ref[1:])
            if nxt is None or local(nxt.tag) not in GRADIENTS:
                return chain
            if id(nxt) in seen:
                self._warn(f"gradient #{el.get('id')}: href cycle broken")
                return chain
            seen.add(id(nxt))
            chain.append(nxt)

    def _stops(self, chain: list[Element], opacity: float) -> tuple[GradientStop, ...]:
        for g in chain:  # stops come from the first gradient in the chain that has any
            stops = [c for c in g if local(c.tag) == "stop"]
            if stops:
                break
        else:
            return ()
        out = []
        last = 0.0
        for s in stops:
            decl = self._cascade.declared(s)
            off = min(max(number(s.get("offset"), 0.0), 0.0), 1.0)
            off = max(off, last)
            last = off
            col = parse_color(decl.get("stop-color", "black"), current=parse_color(decl.get("color", "black")))
            if col is None:
                col = Color(0.0, 0.0, 0.0, 1.0)
            a = min(max(number(decl.get("stop-opacity"), 1.0), 0.0), 1.0)
            out.append(GradientStop(off, Color(col.r, col.g, col.b, col.a * a * opacity)))
        return tuple(out)

    def resolve(self, el: Element, opacity: float, vp: Viewport):
        """A Paint for a gradient element (a Color if it has one stop, None if it has none)."""
        chain = self._chain(el)

        geometry = {"linearGradient": ("x1", "y1", "x2", "y2"), "radialGradient": ("cx", "cy", "r", "fx", "fy", "fr")}
        own = local(el.tag)

        def attr(name):
            # geometry attributes inherit only between gradients of the same kind
            for g in chain:
                v = g.get(name)
                if v is not None and (name not in geometry[own] or local(g.tag) == own):
                    return v
            return None

        stops = self._stops(chain, opacity)
        if not stops:
            return None
        if len(stops) == 1:
            return stops[0].color
        units = "userSpaceOnUse" if attr("gradientUnits") == "userSpaceOnUse" else "objectBoundingBox"
        tf = parse_transform(attr("gradientTransform"))
        if tf is None:
            tf = IDENTITY
        spread = attr("spreadMethod")
        spread = spread if spread in ("pad", "reflect", "repeat") else "pad"

        def coord(name, default_frac, axis):
            v = attr(name)
            if units == "objectBoundingBox":
                return fraction_or_length(v, default_frac)
            if v is None:
                return default_frac * (vp.w if axis == "x" else vp.h if axis == "y" else vp.diag())
            return length(v, vp, axis, 0.0)

        if local(el.tag) == "linearGradient":
            return LinearGradient(
                coord("x1", 0.0, "x"), coord("y1", 0.0, "y"), coord("x2", 1.0, "x"), coord("y2", 0.0, "y"),
                stops, spread, units, tf,
            )
        cx, cy, r = coord("cx", 0.5, "x"), coord("cy", 0.5, "y"), coord("r", 0.5, "o")
        fx = coord("fx", 0.5, "x") if attr("fx") is not None else cx
        fy = coord("fy", 0.5, "y") if attr("fy") is not None else cy
        fr = coord("fr", 0.0, "o")
        if r <= 0:
            # spec: a zero radius paints the last stop's colour
            return stops[-1].color
        return RadialGradient(cx, cy, r, fx, fy, stops, spread, units, tf, max(fr, 0.0))
