"""Pattern fills, since the model has no pattern paint: the tiles that cover the object are
built as groups of ordinary objects, each clipped (through _svg_clip) to its tile and to the
object's outline. The picture is exact; a pattern becomes many objects, which the report says.
"""

from __future__ import annotations

import math

import skia

from ..model.nodes import Group, LineGeom, Shape
from ..model.values import IDENTITY, Style, compose, invert, scale, translate
from . import _svg_style as S
from ._pdf_draw import object_path
from ._svg_bounds import Bounds
from ._svg_clip import intersect, transformed
from ._svg_effects import _with
from ._svg_values import Viewport, aspect_transform, fraction_or_length, length, parse_transform, view_box
from ._svg_xml import href, local

MAX_TILES = 2500


class PatternMixin:
    def _want_pattern(self, ref: str, fallback: str) -> bool:
        target, src = self._lookup(ref if "#" in ref else "#" + ref, self._cur_source)
        if target is None or id(target) in self._patterns_open or len(self._patterns_open) >= 4:
            return False  # missing, or a pattern drawn inside itself: reported as unsupported
        self._pending_pattern = (target, src, fallback)
        return True

    def _pattern_chain(self, el, src):
        chain, seen = [el], {id(el)}
        while True:
            ref = href(chain[-1])
            nxt, _ = self._lookup(ref, src) if ref and ref.startswith("#") else (None, src)
            if nxt is None or local(nxt.tag) != "pattern" or id(nxt) in seen:
                return chain
            seen.add(id(nxt))
            chain.append(nxt)

    def paint_pattern(self, nid, pat, src, fallback, vp, el_id) -> str | None:
        """Replace leaf nid's fill by the pattern's tiles; returns the id now standing for the leaf."""
        node = self.nodes[nid]
        chain = self._pattern_chain(pat, src)

        def attr(name):
            return next((g.get(name) for g in chain if g.get(name) is not None), None)

        content = next((g for g in chain if any(isinstance(c.tag, str) for c in g)), chain[0])
        outline = object_path(node)
        box = outline.computeTightBounds()
        bw, bh = box.width(), box.height()
        if attr("patternUnits") == "userSpaceOnUse":
            x, y = length(attr("x"), vp, "x", 0.0), length(attr("y"), vp, "y", 0.0)
            w, h = length(attr("width"), vp, "x", 0.0), length(attr("height"), vp, "y", 0.0)
        else:
            x = box.left() + fraction_or_length(attr("x"), 0.0) * bw
            y = box.top() + fraction_or_length(attr("y"), 0.0) * bh
            w, h = fraction_or_length(attr("width"), 0.0) * bw, fraction_or_length(attr("height"), 0.0) * bh
        if not (w > 0 and h > 0) or isinstance(node, Shape) and isinstance(node.geom, LineGeom):
            return None  # SVG: a zero-size tile paints nothing
        ptf = parse_transform(attr("patternTransform")) or IDENTITY
        try:
            inv = invert(ptf)
        except ValueError:
            return None
        pb = Bounds(box.left(), box.top(), box.right(), box.bottom()).transformed(inv)
        i0, i1 = math.floor((pb.x0 - x) / w), math.ceil((pb.x1 - x) / w)
        j0, j1 = math.floor((pb.y0 - y) / h), math.ceil((pb.y1 - y) / h)
        if (i1 - i0) * (j1 - j0) > MAX_TILES:
            self.unsupported("pattern", el_id, f"#{el_id or '?'}: pattern {pat.get('id')} needs over {MAX_TILES} tiles; " + ("fallback colour used" if fallback else "painted as none"))
            return None
        vb = view_box(attr("viewBox"))
        if vb is not None:
            inner = aspect_transform(vb, 0.0, 0.0, w, h, attr("preserveAspectRatio"))
            cvp = Viewport(vb[2], vb[3])
        elif attr("patternContentUnits") == "objectBoundingBox":
            inner, cvp = scale(bw, bh), vp
        else:
            inner, cvp = IDENTITY, vp
        # the object becomes a group: the tiles, then (if any) its stroke on top
        gid = self.idf.new("group")
        group = Group(gid, node.parent, node.order, node.name, node.transform, node.style.opacity, node.visible, node.locked)
        del self.nodes[nid]
        self.children[node.parent].remove(nid)
        self._add(group)
        pst = S.compute({}, src.cascade.declared(content), cvp)
        tile = skia.Path()
        tile.addRect(skia.Rect.MakeWH(w, h))
        for j in range(j0, j1):
            for i in range(i0, i1):
                ttf = compose(ptf, translate(x + i * w, y + j * h))
                region = intersect(outline, transformed(tile, ttf))
                if region.isEmpty():
                    continue
                full = compose(ttf, inner)
                tg = self._group(gid, "", full, {})
                self._patterns_open.add(id(pat))
                try:
                    self.walk_children(content, pst, tg, cvp, 2, src, (id(pat),))
                finally:
                    self._patterns_open.discard(id(pat))
                self._apply_clip(tg, transformed(region, invert(full)))
        if node.style.stroke is not None:
            stroke_only = _with(node, id=self.idf.new(node.TAG), parent=gid, order=self._order(gid), style=Style(None, node.style.stroke, 1.0), transform=IDENTITY)
            self._add(stroke_only)
        self.approximated("pattern", el_id, f"#{el_id or '?'}: pattern {pat.get('id')} painted as {(i1 - i0) * (j1 - j0)} clipped tile(s) of ordinary objects (patterns are not in the model yet)")
        return gid
