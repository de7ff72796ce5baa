"""[effects] of the SVG walk: clip paths, masks, filters and blend modes.

The model has no clip paths or masks yet. A clip that removes nothing is dropped (exact); any
other clip, a nested <svg>'s viewport, and a mask made of opaque black and white shapes are
applied to the outlines themselves (exact picture, less editable: see _svg_clip). Text in a clip,
grey or gradient masks, filters and blend modes are reported and the content drawn without them.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element

import skia

from ..model.nodes import Group
from ..model.shapes import geom_outline
from ..model.values import IDENTITY, Color, compose, invert, translate
from . import _svg_style as S
from ._pdf_draw import matrix, object_path
from ._svg_bounds import Bounds, node_bounds
from ._svg_clip import clip_leaf, intersect, skia_from_raw, transform_scale, transformed
from ._svg_path import parse_path_data, raw_to_subpaths
from ._svg_values import Viewport, length, number, parse_transform
from ._svg_xml import SVG_NS, href, local, ns

LEAVES = frozenset("rect circle ellipse line polyline polygon path".split())


def _with(node, **kw):
    import dataclasses

    return node.__class__(**{**{f.name: getattr(node, f.name) for f in dataclasses.fields(node)}, **kw})


class EffectsMixin:
    """Methods of the Builder that apply or report an element's clip-path, mask, filter and blend."""

    def bounds_of_children(self, gid: str, tight: bool = True) -> Bounds | None:
        b = None
        for c in self.children.get(gid, ()):
            cb = node_bounds(self.nodes[c], self, tight)
            if cb is not None:
                b = cb if b is None else b.union(cb)
        return b

    def _effects(self, el, st, nid, src, vp) -> None:
        el_id = el.get("id") or ""
        name = f"<{local(el.tag)}> #{el_id}" if el_id else f"<{local(el.tag)}>"
        clip = st.get("clip-path", "none").strip()
        if clip and clip != "none":
            self._clip(clip, el, nid, src, name, el_id, vp)
        mask = st.get("mask", "none").strip()
        if mask and mask != "none":
            self._mask(mask, el, nid, src, name, el_id, vp)
        flt = st.get("filter", "none").strip()
        if flt and flt != "none":
            self.unsupported("filter", el_id, f"{name}: filter {flt} not applied; drawn without it")
        blend = st.get("mix-blend-mode", "normal").strip()
        if blend and blend != "normal":
            self.unsupported("mix-blend-mode", el_id, f"{name}: mix-blend-mode {blend} drawn as normal")

    def _clip(self, value, el, nid, src, name, el_id, vp) -> None:
        ref, _ = S.url_ref(value)
        target, csrc = self._lookup(ref, src) if ref else (None, src)
        if target is None or local(target.tag) != "clipPath":
            self.warn(f"{name}: clip-path {value} does not name a <clipPath>; ignored")
            return
        node = self.nodes[nid]
        # content bounds in the element's user space (inside its own transform)
        b = self.bounds_of_children(nid) if isinstance(node, Group) else node_bounds(_with(node, transform=IDENTITY), self)
        rect = _clip_rect(target, csrc, vp, b)
        if b is not None and rect is not None and rect.contains(b):
            return  # the clip removes nothing: exact without it
        if b is not None and rect is not None and not rect.intersects(b):
            self.warn(f"{name}: clip-path #{target.get('id')} hides it entirely; imported hidden")
            self.nodes[nid] = _with(node, visible=False)
            return
        region = self._clip_region(target, csrc, vp, nid, 0)
        if region is None:
            self.unsupported(
                "clip-path", el_id,
                f"{name}: clip-path #{target.get('id')} holds text or other content that cannot clip yet; drawn unclipped",
            )
            return
        self._apply_clip(nid, region)
        self.approximated(
            "clip-path", el_id,
            f"{name}: clip-path #{target.get('id')} applied to the outlines (clipping is not in the model yet: clipped shapes became paths, clipped strokes filled outlines)",
        )

    def _mask(self, value, el, nid, src, name, el_id, vp) -> None:
        """A mask made of flat shapes of one grey level (black ones cutting holes) is a clip region
        plus an opacity (exact); any other mask is reported and the content drawn unmasked."""
        ref, _ = S.url_ref(value)
        target, msrc = self._lookup(ref, src) if ref else (None, src)
        got = self._mask_region(target, msrc, vp, nid) if target is not None and local(target.tag) == "mask" else None
        if got is None:
            self.unsupported("mask", el_id, f"{name}: mask {value} not applied (only flat one-level masks are turned into clipping); drawn unmasked")
            return
        region, level = got
        if level < 1.0:
            node = self.nodes[nid]
            if isinstance(node, Group):
                self.nodes[nid] = _with(node, opacity=node.opacity * level)
            else:
                self.nodes[nid] = _with(node, style=_with(node.style, opacity=node.style.opacity * level))
        self._apply_clip(nid, region)
        self.approximated("mask", el_id, f"{name}: flat mask #{target.get('id')} applied as clipping" + (f" and opacity {level:.3g}" if level < 1 else "") + " (masked shapes became paths)")

    def _mask_region(self, mask_el, msrc, vp, nid):
        mst = S.compute({}, msrc.cascade.declared(mask_el), vp)
        box = self._geometry_bounds(nid)
        region = skia.Path()
        levels = set()
        for child in mask_el:
            if not isinstance(child.tag, str) or ns(child.tag) not in (SVG_NS, ""):
                continue
            tag = local(child.tag)
            if tag not in LEAVES:
                return None
            st = S.compute(mst, msrc.cascade.declared(child), vp)
            if S.get(st, "display").strip() == "none":
                continue
            style = self.resolver.style(st, vp, child.get("id") or "")
            fill = style.fill
            if style.stroke is not None or style.opacity < 1 or (fill is not None and not isinstance(fill, Color)):
                return None
            if fill is None or fill.a == 0:
                continue
            # luminance x alpha: the mask value (sRGB coefficients, as resvg and browsers use)
            lum = (0.2125 * fill.r + 0.7154 * fill.g + 0.0721 * fill.b) * fill.a
            if lum > 0.002:
                levels.add(round(lum, 3))
                if len(levels) > 1:
                    return None  # two grey levels: not one clip and one opacity
            got = self._geometry(tag, child, st, vp, msrc)
            if got is None:
                continue
            geom, raw = got
            if geom is not None:
                pts, closed = geom_outline(geom)
                raw = [[pts[0][0], pts[0][1], [(a[0] + a[4], a[1] + a[5], b[0] + b[2], b[1] + b[3], b[0], b[1], False) for a, b in zip(pts, pts[1:] + (pts[:1] if closed else []))], closed]]
            p = transformed(skia_from_raw(raw or [], S.get(st, "fill-rule").strip() == "evenodd"), parse_transform(child.get("transform")) or IDENTITY)
            if mask_el.get("maskContentUnits") == "objectBoundingBox":
                if box is None:
                    return skia.Path(), 1.0
                p = transformed(p, (box.width(), 0.0, 0.0, box.height(), box.left(), box.top()))
            region = skia.Op(region, p, skia.PathOp.kUnion_PathOp if lum > 0.002 else skia.PathOp.kDifference_PathOp)
        # the mask's own rectangle (default: the bounding box grown by 10% on each side)
        if mask_el.get("maskUnits") == "userSpaceOnUse":
            mx, my = length(mask_el.get("x") or "-10%", vp, "x", 0.0), length(mask_el.get("y") or "-10%", vp, "y", 0.0)
            mw, mh = length(mask_el.get("width") or "120%", vp, "x", 0.0), length(mask_el.get("height") or "120%", vp, "y", 0.0)
        else:
            if box is None:
                return skia.Path(), 1.0
            fx, fy = number(mask_el.get("x"), -0.1), number(mask_el.get("y"), -0.1)
            fw, fh = number(mask_el.get("width"), 1.2), number(mask_el.get("height"), 1.2)
            mx, my = box.left() + fx * box.width(), box.top() + fy * box.height()
            mw, mh = fw * box.width(), fh * box.height()
        rect = skia.Path()
        rect.addRect(skia.Rect.MakeXYWH(mx, my, mw, mh))
        return intersect(region, rect), (min(levels.pop(), 1.0) if levels else 1.0)

    def _clip_region(self, clip_el, csrc, vp, nid, depth):
        """The clip region as a skia path in the referencing element's user space, or None."""
        if depth > 8:
            return None
        cst = S.compute({}, csrc.cascade.declared(clip_el), vp)
        region = skia.Path()
        for child in clip_el:
            if not isinstance(child.tag, str) or ns(child.tag) not in (SVG_NS, ""):
                continue
            tag = local(child.tag)
            el, tf = child, parse_transform(child.get("transform")) or IDENTITY
            if tag == "use":
                ref = href(child)
                target, _ = self._lookup(ref, csrc) if ref else (None, csrc)
                if target is None:
                    continue
                tf = compose(tf, translate(length(child.get("x"), vp, "x", 0.0), length(child.get("y"), vp, "y", 0.0)))
                el, tag = target, local(target.tag)
                tf = compose(tf, parse_transform(el.get("transform")) or IDENTITY)
            if tag in ("text", "image"):
                return None
            if tag not in LEAVES:
                continue
            st = S.compute(cst, csrc.cascade.declared(el), vp)
            if S.get(st, "display").strip() == "none" or S.get(st, "visibility").strip() in ("hidden", "collapse"):
                continue
            got = self._geometry(tag, el, st, vp, csrc)
            if got is None:
                continue
            geom, raw = got
            if geom is not None:
                pts, closed = geom_outline(geom)
                raw = [[pts[0][0], pts[0][1], [(a[0] + a[4], a[1] + a[5], b[0] + b[2], b[1] + b[3], b[0], b[1], False) for a, b in zip(pts, pts[1:] + (pts[:1] if closed else []))], closed]]
            p = skia_from_raw(raw or [], S.get(st, "clip-rule").strip() == "evenodd")
            region = skia.Op(region, transformed(p, tf), skia.PathOp.kUnion_PathOp)
        ctf = parse_transform(clip_el.get("transform")) or IDENTITY
        if clip_el.get("clipPathUnits") == "objectBoundingBox":
            box = self._geometry_bounds(nid)
            if box is None:
                return skia.Path()
            ctf = compose((box.width(), 0.0, 0.0, box.height(), box.left(), box.top()), ctf)
        region = transformed(region, ctf)
        inner = cst.get("clip-path", "none").strip()
        if inner and inner != "none":
            ref, _ = S.url_ref(inner)
            t2, src2 = self._lookup(ref, csrc) if ref else (None, csrc)
            if t2 is not None and local(t2.tag) == "clipPath":
                r2 = self._clip_region(t2, src2, vp, nid, depth + 1)
                if r2 is None:
                    return None
                region = intersect(region, r2)
        return region

    def _geometry_bounds(self, nid):
        """The fill geometry's box of a node in its own user space (clipPathUnits=objectBoundingBox)."""
        node = self.nodes[nid]
        if not isinstance(node, Group):
            return object_path(node).computeTightBounds()
        acc = None
        for c in self.children.get(nid, ()):
            cb = self._geometry_bounds(c)
            if cb is None:
                continue
            r = matrix(self.nodes[c].transform).mapRect(cb)
            acc = r if acc is None else skia.Rect.MakeLTRB(min(acc.left(), r.left()), min(acc.top(), r.top()), max(acc.right(), r.right()), max(acc.bottom(), r.bottom()))
        return acc

    def _apply_clip(self, nid, region) -> None:
        node = self.nodes[nid]
        if isinstance(node, Group):
            for c in list(self.children.get(nid, ())):
                try:
                    inv = invert(self.nodes[c].transform)
                except ValueError:
                    continue
                self._apply_clip(c, transformed(region, inv))
            return
        scale = 1.0
        p = nid
        while p in self.nodes:
            scale *= transform_scale(self.nodes[p].transform)
            p = self.nodes[p].parent
        repl = clip_leaf(node, region, self.idf.new, 4.0 * scale)
        del self.nodes[nid]
        self.children[node.parent].remove(nid)
        for r in repl:
            self.nodes[r.id] = r
            self.children.setdefault(r.parent, []).append(r.id)


def _clip_rect(clip: Element, src, vp: Viewport, content: Bounds | None) -> Bounds | None:
    """The clip region when it is one axis-aligned rectangle (the common case), else None."""
    kids = [c for c in clip if isinstance(c.tag, str) and local(c.tag) in LEAVES | {"use"}]
    if len(kids) != 1:
        return None
    k = kids[0]
    tf = parse_transform(clip.get("transform"))
    ktf = parse_transform(k.get("transform"))
    if tf is None or ktf is None:
        return None
    m = compose(tf, ktf)
    if m[1] != 0 or m[2] != 0:
        return None
    tag = local(k.tag)
    if tag == "rect":
        x, y = length(k.get("x"), vp, "x", 0.0), length(k.get("y"), vp, "y", 0.0)
        w, h = length(k.get("width"), vp, "x", 0.0), length(k.get("height"), vp, "y", 0.0)
        if (k.get("rx") or k.get("ry")) or w <= 0 or h <= 0:
            return None
        pts = [(x, y), (x + w, y + h)]
    elif tag == "path":
        raw, err = parse_path_data(k.get("d") or "")
        if err or len(raw) != 1:
            return None
        subs = raw_to_subpaths(raw)
        if len(subs) != 1:
            return None
        a = subs[0].anchors
        if len(a) != 4 or any((p.in_x, p.in_y, p.out_x, p.out_y) != (0, 0, 0, 0) for p in a):
            return None
        xs, ys = sorted({p.x for p in a}), sorted({p.y for p in a})
        if len(xs) != 2 or len(ys) != 2:
            return None
        pts = [(xs[0], ys[0]), (xs[1], ys[1])]
    else:
        return None
    if clip.get("clipPathUnits") == "objectBoundingBox":
        if content is None:
            return None
        pts = [(content.x0 + px * (content.x1 - content.x0), content.y0 + py * (content.y1 - content.y0)) for px, py in pts]
    (x0, y0), (x1, y1) = [(m[0] * px + m[4], m[3] * py + m[5]) for px, py in pts]
    return Bounds(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
