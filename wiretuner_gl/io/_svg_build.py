"""The SVG tree walk: elements -> groups, shapes and paths under one artboard and layer.

Sections: [sources] one parsed file (the main one or a `<use>`d local file); [walk] structure
(g, svg, use, symbol, switch, a); [leaves] rect, circle, ellipse, line, polyline, polygon, path;
[effects] clip paths, masks, filters, markers: approximated or reported.
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path as FsPath
from xml.etree.ElementTree import Element

from ..errors import ImportFailed, WireTunerError
from ..model.ids import IdFactory, key_between
from ..model.nodes import EllipseGeom, Group, LineGeom, Path, RectGeom, Shape
from ..model.shapes import geom_outline
from ..model.values import IDENTITY, Color, compose, invert, translate
from . import _svg_style as S
import skia

from ._pdf_draw import matrix, object_path
from ._svg_bounds import Bounds, node_bounds
from ._svg_clip import clip_leaf, intersect, skia_from_raw, transform_scale, transformed
from ._svg_css import Cascade
from ._svg_paint import PaintServers
from ._svg_path import _arc, parse_path_data, points_to_raw, raw_to_subpaths
from ._svg_values import Viewport, aspect_transform, length, number, parse_transform, view_box
from ._svg_xml import SVG_NS, Limits, href, local, ns, parse_svg_bytes

NON_RENDERED = frozenset(
    "defs symbol clipPath mask marker pattern linearGradient radialGradient style title desc metadata "
    "filter font font-face glyph missing-glyph hkern vkern color-profile view cursor stop".split()
)
UNSUPPORTED = {
    "text": "text",
    "image": "image",
    "foreignObject": "foreignObject",
    "video": "video",
    "audio": "audio",
    "iframe": "iframe",
    "canvas": "canvas",
    "script": "script",
    "animate": "animation",
    "animateTransform": "animation",
    "animateMotion": "animation",
    "animateColor": "animation",
    "set": "animation",
    "discard": "animation",
    "mesh": "mesh",
    "meshgradient": "mesh",
    "hatch": "hatch",
}
LEAVES = frozenset("rect circle ellipse line polyline polygon path".split())


# ------------------------------------------------------------------------------------ [sources]
class Source:
    """One parsed SVG file: its tree, ids, cascade and paint servers."""

    def __init__(self, root: Element, path: FsPath, warn):
        self.root = root
        self.path = path
        self.ids: dict[str, Element] = {}
        for el in root.iter():
            i = el.get("id")
            if i is not None and i not in self.ids:
                self.ids[i] = el
        self.cascade = Cascade(root, warn)
        self.paints = PaintServers(self.ids, self.cascade, warn)


class Builder:
    def __init__(self, source: Source, guard, limits: Limits, ids: IdFactory, report):
        self.main = source
        self.guard = guard
        self.limits = limits
        self.idf = ids
        self.report = report
        self.nodes: dict[str, object] = {}
        self.children: dict[str, list[str]] = {}
        self._last_key: dict[str, str | None] = {}
        self._anchors = 0
        self._sources: dict[FsPath, Source] = {source.path: source}
        self._unsupported_ids: dict[str, list[str]] = {}
        self._approximated_ids: dict[str, list[str]] = {}
        self._cur_source = source
        self.resolver = S.StyleResolver(self._paint_ref, self.warn, self.unsupported)

    # -------------------------------------------------------------- reporting
    def warn(self, msg: str) -> None:
        if msg not in self.report.warnings:
            self.report.warn(msg)

    def unsupported(self, kind: str, el_id: str | None, detail: str | None = None) -> None:
        """Count what was dropped or not applied; the first few get their own line, all get a summary."""
        self.report.counts[kind] = self.report.counts.get(kind, 0) + 1
        ids = self._unsupported_ids.setdefault(kind, [])
        ids.append(el_id or "")
        if detail and len(ids) <= 3:
            self.warn(detail)

    def approximated(self, kind: str, el_id: str | None, detail: str) -> None:
        """Count what was kept by an exact but less editable substitute (e.g. clipping applied to outlines)."""
        key = f"{kind} (applied to geometry)"
        self.report.counts[key] = self.report.counts.get(key, 0) + 1
        ids = self._approximated_ids.setdefault(key, [])
        ids.append(el_id or "")
        if len(ids) <= 3:
            self.warn(detail)

    def finish_report(self) -> None:
        for kind, ids in sorted(self._approximated_ids.items()):
            named = [i for i in ids if i]
            shown = ", ".join("#" + i for i in named[:12]) + (" …" if len(named) > 12 else "")
            self.report.warn(f"{kind}: {len(ids)} element(s)" + (f" (ids: {shown})" if named else ""))
        for kind, ids in sorted(self._unsupported_ids.items()):
            named = [i for i in ids if i]
            shown = ", ".join("#" + i for i in named[:12]) + (" …" if len(named) > 12 else "")
            self.report.warn(
                f"{kind}: {len(ids)} element(s) not imported or not applied"
                + (f" (ids: {shown})" if named else " (no ids)")
            )

    # -------------------------------------------------------------- nodes
    def _add(self, node) -> str:
        if len(self.nodes) >= self.limits.max_objects:
            raise ImportFailed(
                f"{self.main.path}: more than {self.limits.max_objects} objects after <use> expansion (the import limit)"
            )
        self.nodes[node.id] = node
        self.children.setdefault(node.parent, []).append(node.id)
        return node.id

    def _order(self, parent: str) -> str:
        k = key_between(self._last_key.get(parent), None)
        self._last_key[parent] = k
        return k

    # -------------------------------------------------------------- references
    def _lookup(self, ref: str, src: Source) -> tuple[Element | None, Source]:
        """An element by '#id' (or 'id') in src, or 'file.svg#id' in a file beside the source."""
        file_part, _, frag = ref.partition("#")
        if not file_part:
            return src.ids.get(frag), src
        if ":" in file_part.split("/")[0] and not file_part.startswith("file:"):
            self.warn(f"reference {ref!r} is not a local file; nothing is fetched over the network")
            return None, src
        if file_part.startswith("file:"):
            self.warn(f"reference {ref!r}: file: URLs are not followed; use a relative path")
            return None, src
        try:
            real = self.guard.check(file_part, base=src.path.parent)
        except (WireTunerError, OSError) as exc:
            self.warn(f"reference {ref!r} refused: {exc}")
            return None, src
        other = self._sources.get(real)
        if other is None:
            if len(self._sources) >= 16:
                self.warn(f"reference {ref!r}: too many referenced files (16 at most)")
                return None, src
            data = self.guard.read_bytes(real)
            other = Source(parse_svg_bytes(data, str(real), self.limits), real, self.warn)
            self._sources[real] = other
        return other.ids.get(frag) if frag else other.root, other

    def _paint_ref(self, ref: str):
        el, src = self._lookup(ref if "#" in ref else "#" + ref, self._cur_source)
        return (el, src.paints) if el is not None else (None, None)

    # ------------------------------------------------------------------------------------ [walk]
    def walk_children(self, el: Element, st: dict, parent: str, vp: Viewport, depth: int, src: Source, uses: tuple) -> None:
        for child in el:
            self.walk(child, st, parent, vp, depth + 1, src, uses)

    def walk(self, el: Element, pst: dict, parent: str, vp: Viewport, depth: int, src: Source, uses: tuple) -> None:
        if not isinstance(el.tag, str):
            return  # comments, processing instructions
        if depth > self.limits.max_depth:
            raise ImportFailed(f"{self.main.path}: elements nested more than {self.limits.max_depth} deep (the import limit)")
        if ns(el.tag) not in (SVG_NS, ""):
            self.report.counts["foreign-namespace elements"] = self.report.counts.get("foreign-namespace elements", 0) + 1
            return
        tag = local(el.tag)
        el_id = el.get("id") or ""
        if tag in NON_RENDERED:
            return
        if tag in UNSUPPORTED:
            self.unsupported(UNSUPPORTED[tag], el_id)
            return
        self._cur_source = src
        st = S.compute(pst, src.cascade.declared(el), vp)
        if tag in ("tspan", "textPath"):
            self.unsupported("text", el_id)
            return
        if tag in ("g", "a", "switch", "svg", "use"):
            self._container(tag, el, st, parent, vp, depth, src, uses)
        elif tag in LEAVES:
            self._leaf(tag, el, st, parent, vp, src)
        else:
            self.unsupported(f"<{tag}>", el_id)

    def _transform(self, el: Element, st: dict, el_id: str):
        text = el.get("transform")
        if text is None and "transform" in st:
            text = st["transform"].replace("deg", "").replace("px", "")
        tf = parse_transform(text)
        if tf is None:
            self.warn(f"#{el_id or '<' + local(el.tag) + '>'}: invalid transform {text!r} ignored")
            tf = IDENTITY
        if not all(math.isfinite(v) for v in tf):
            return None
        return tf

    def _group(self, parent: str, name: str, tf, st: dict) -> str:
        gid = self.idf.new("group")
        visible = S.get(st, "display").strip() != "none"
        opacity = S.clamp01(number(st.get("opacity", "1"), 1.0))
        self._add(Group(gid, parent, self._order(parent), name, tf, opacity, visible))
        return gid

    def _container(self, tag, el, st, parent, vp, depth, src, uses) -> None:
        el_id = el.get("id") or ""
        tf = self._transform(el, st, el_id)
        if tf is None or abs(tf[0] * tf[3] - tf[1] * tf[2]) < 1e-300:
            self.warn(f"#{el_id or tag}: degenerate transform; not drawn by SVG viewers, not imported")
            return
        if tag == "use":
            self._use(el, st, parent, vp, depth, src, uses, tf)
            return
        if tag == "svg":
            gid = self._nested_svg(el, st, parent, vp, depth, src, uses, tf, None, None)
            return
        gid = self._group(parent, el_id, tf, st)
        if tag == "switch":
            chosen = self._switch_choice(el)
            if chosen is not None:
                self.walk(chosen, st, gid, vp, depth + 1, src, uses)
        else:
            self.walk_children(el, st, gid, vp, depth, src, uses)
        self._effects(el, st, gid, src, vp)

    def _switch_choice(self, el: Element) -> Element | None:
        for child in el:
            if not isinstance(child.tag, str) or ns(child.tag) not in (SVG_NS, ""):
                continue
            if child.get("requiredExtensions") is not None:
                continue
            langs = child.get("systemLanguage")
            if langs is not None and not any(l.strip().lower().split("-")[0] == "en" for l in langs.split(",")):
                continue
            return child
        return None

    def _nested_svg(self, el, st, parent, vp, depth, src, uses, tf, w_override, h_override) -> str:
        """A nested <svg> (or an instantiated <symbol>): a group with the viewport transform."""
        el_id = el.get("id") or ""
        x = length(el.get("x"), vp, "x", 0.0)
        y = length(el.get("y"), vp, "y", 0.0)
        w = w_override if w_override is not None else length(el.get("width") or "100%", vp, "x", 0.0)
        h = h_override if h_override is not None else length(el.get("height") or "100%", vp, "y", 0.0)
        if w <= 0 or h <= 0:
            return ""
        vb = view_box(el.get("viewBox"))
        inner = compose(tf, translate(x, y))
        if vb is not None:
            inner = compose(inner, aspect_transform(vb, 0.0, 0.0, w, h, el.get("preserveAspectRatio")))
            child_vp = Viewport(vb[2], vb[3], st.get("_fs", 16.0))
        else:
            child_vp = Viewport(w, h, st.get("_fs", 16.0))
        gid = self._group(parent, el_id, inner, st)
        self.walk_children(el, st, gid, child_vp, depth, src, uses)
        overflow = S.get(st, "overflow").strip()
        if overflow not in ("visible", "auto"):
            # the viewport clips: exact when everything lies inside it
            b = self.bounds_of_children(gid, tight=False)  # the control hull first: cheap, and usually inside
            if vb is not None:
                # the viewport rectangle in viewBox units (the aspect transform is axis-aligned)
                m = aspect_transform(vb, 0.0, 0.0, w, h, el.get("preserveAspectRatio"))
                clip = Bounds(-m[4] / m[0], -m[5] / m[3], (w - m[4]) / m[0], (h - m[5]) / m[3])
            else:
                clip = Bounds(0.0, 0.0, w, h)
            if b is not None and not clip.contains(b):
                b = self.bounds_of_children(gid)
            if b is not None and not clip.contains(b):
                rect = skia.Path()
                rect.addRect(skia.Rect.MakeLTRB(clip.x0, clip.y0, clip.x1, clip.y1))
                self._apply_clip(gid, rect)
                self.approximated(
                    "clip-path", el_id,
                    f"<{local(el.tag)}> #{el_id or '?'}: its viewport clips content; applied to the outlines (clipped shapes became paths)",
                )
        return gid

    def _use(self, el, st, parent, vp, depth, src, uses, tf) -> None:
        el_id = el.get("id") or ""
        ref = href(el)
        if not ref:
            return
        target, tsrc = self._lookup(ref, src)
        if target is None:
            self.warn(f"<use> #{el_id or '?'}: {ref!r} not found")
            return
        if id(target) in uses or len(uses) > 32:
            self.warn(f"<use> #{el_id or '?'}: {ref!r} refers to itself (cycle) or nests too deep; skipped")
            return
        uses = uses + (id(target),)
        x = length(el.get("x"), vp, "x", 0.0)
        y = length(el.get("y"), vp, "y", 0.0)
        ttag = local(target.tag)
        if ttag in ("symbol", "svg"):
            w = length(el.get("width"), vp, "x", None)
            h = length(el.get("height"), vp, "y", None)
            outer = self._group(parent, el_id, compose(tf, translate(x, y)), st)
            if ttag == "symbol":
                self._symbol(target, st, outer, vp, depth, tsrc, uses, w, h)
            else:
                tst = S.compute(st, tsrc.cascade.declared(target), vp)
                ttf = self._transform(target, tst, target.get("id") or "") or IDENTITY
                self._nested_svg(target, tst, outer, vp, depth + 1, tsrc, uses, ttf, w, h)
            self._effects(el, st, outer, src, vp)
            return
        gid = self._group(parent, el_id, compose(tf, translate(x, y)), st)
        self.walk(target, st, gid, vp, depth + 1, tsrc, uses)
        self._cur_source = src
        self._effects(el, st, gid, src, vp)

    def _symbol(self, sym, ust, parent, vp, depth, src, uses, w, h) -> None:
        st = S.compute(ust, src.cascade.declared(sym), vp)
        w = w if w is not None else length(sym.get("width") or "100%", vp, "x", 0.0)
        h = h if h is not None else length(sym.get("height") or "100%", vp, "y", 0.0)
        vb = view_box(sym.get("viewBox"))
        tf = translate(length(sym.get("x"), vp, "x", 0.0), length(sym.get("y"), vp, "y", 0.0))
        child_vp = vp
        if vb is not None and w > 0 and h > 0:
            tf = compose(tf, aspect_transform(vb, 0.0, 0.0, w, h, sym.get("preserveAspectRatio")))
            child_vp = Viewport(vb[2], vb[3], st.get("_fs", 16.0))
        gid = self._group(parent, sym.get("id") or "", tf, st)
        self.walk_children(sym, st, gid, child_vp, depth + 1, src, uses)

    # ------------------------------------------------------------------------------------ [leaves]
    def _geometry(self, tag, el, st, vp, src):
        """(geom, None) for an editable shape, (None, raw subpaths) for path-like elements, None if empty."""
        el_id = el.get("id") or ""
        fs = st.get("_fs")
        geom = None
        raw = None
        if tag == "rect":
            x, y = length(el.get("x"), vp, "x", 0.0, fs), length(el.get("y"), vp, "y", 0.0, fs)
            w, h = length(el.get("width"), vp, "x", 0.0, fs), length(el.get("height"), vp, "y", 0.0, fs)
            if w <= 0 or h <= 0:
                return None
            rx = length(el.get("rx"), vp, "x", None, fs)
            ry = length(el.get("ry"), vp, "y", None, fs)
            rx = rx if rx is not None and rx >= 0 else None
            ry = ry if ry is not None and ry >= 0 else None
            if rx is None:
                rx = ry if ry is not None else 0.0
            if ry is None:
                ry = rx
            rx, ry = min(rx, w / 2), min(ry, h / 2)
            if abs(rx - ry) <= 1e-9 * max(rx, ry, 1.0):
                geom = RectGeom(x, y, w, h, rx, rx, rx, rx)
            else:
                raw = _rounded_rect(x, y, w, h, rx, ry)
        elif tag == "circle":
            r = length(el.get("r"), vp, "o", 0.0, fs)
            if r <= 0:
                return None
            geom = EllipseGeom(length(el.get("cx"), vp, "x", 0.0, fs), length(el.get("cy"), vp, "y", 0.0, fs), r, r)
        elif tag == "ellipse":
            rx = length(el.get("rx"), vp, "x", None, fs)
            ry = length(el.get("ry"), vp, "y", None, fs)
            rx = ry if rx is None else rx
            ry = rx if ry is None else ry
            if rx is None or rx <= 0 or ry <= 0:
                return None
            geom = EllipseGeom(length(el.get("cx"), vp, "x", 0.0, fs), length(el.get("cy"), vp, "y", 0.0, fs), rx, ry)
        elif tag == "line":
            geom = LineGeom(*(length(el.get(a), vp, ax, 0.0, fs) for a, ax in (("x1", "x"), ("y1", "y"), ("x2", "x"), ("y2", "y"))))
        else:
            attr = "d" if tag == "path" else "points"
            text = el.get(attr) or ""
            if len(text) > self.limits.max_path_data:
                raise ImportFailed(
                    f"{src.path}: <{tag}> #{el_id or '?'}: {attr} is {len(text)} characters, over the {self.limits.max_path_data}-character import limit"
                )
            raw, err = parse_path_data(text) if tag == "path" else points_to_raw(text, tag == "polygon")
            if err:
                self.warn(f"<{tag}> #{el_id or '?'}: {err}; drawn up to the error, as SVG viewers do")
        return geom, raw

    def _leaf(self, tag, el, st, parent, vp, src) -> None:
        el_id = el.get("id") or ""
        tf = self._transform(el, st, el_id)
        if tf is None or abs(tf[0] * tf[3] - tf[1] * tf[2]) < 1e-300:
            self.warn(f"#{el_id or tag}: degenerate transform; not drawn by SVG viewers, not imported")
            return
        got = self._geometry(tag, el, st, vp, src)
        if got is None:
            return
        geom, raw = got
        if geom is not None and not all(math.isfinite(v) for v in _floats(geom)):
            geom = None
            raw = []
        style = self.resolver.style(st, vp, el_id, filled=tag != "line")
        visible = S.get(st, "visibility").strip() not in ("hidden", "collapse") and S.get(st, "display").strip() != "none"
        if geom is not None:
            node = Shape(self.idf.new("shape"), parent, self._order(parent), geom, el_id, style, tf, visible)
        else:
            subs = raw_to_subpaths(raw or [])
            if not subs:
                return
            n = sum(len(s.anchors) for s in subs)
            # one sum: inf and nan propagate (a sum overflowing past 1e308 counts as out of range too)
            if not math.isfinite(sum(a.x + a.y + a.in_x + a.in_y + a.out_x + a.out_y for s in subs for a in s.anchors)):
                self.warn(f"<{tag}> #{el_id or '?'}: coordinates out of range; not imported")
                return
            self._anchors += n
            if self._anchors > self.limits.max_anchors:
                raise ImportFailed(f"{self.main.path}: more than {self.limits.max_anchors} path points (the import limit)")
            rule = "evenodd" if S.get(st, "fill-rule").strip() == "evenodd" else "nonzero"
            node = Path(self.idf.new("path"), parent, self._order(parent), tuple(subs), el_id, rule, style, tf, visible)
        nid = self._add(node)
        for child in el:  # leaves hold no drawing, but may hold animation or scripts
            if isinstance(child.tag, str) and local(child.tag) in UNSUPPORTED:
                self.unsupported(UNSUPPORTED[local(child.tag)], child.get("id") or "")
        if tag in ("path", "line", "polyline", "polygon"):
            for m in ("marker-start", "marker-mid", "marker-end", "marker"):
                v = st.get(m, "none").strip()
                if v and v != "none":
                    self.unsupported("marker", el_id)
                    break
        self._effects(el, st, nid, src, vp)
        if S.get(st, "paint-order").split()[:1] in (["stroke"], ["markers"]):
            self.warn(f"#{el_id or tag}: paint-order {st['paint-order']!r} drawn as fill then stroke")

    # ------------------------------------------------------------------------------------ [effects]
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
        """A mask whose content is opaque white and black shapes is a clip region (exact);
        any other mask is reported and the content drawn unmasked."""
        ref, _ = S.url_ref(value)
        target, msrc = self._lookup(ref, src) if ref else (None, src)
        region = self._mask_region(target, msrc, vp, nid) if target is not None and local(target.tag) == "mask" else None
        if region is None:
            self.unsupported("mask", el_id, f"{name}: mask {value} not applied (only black-and-white masks are turned into clipping); drawn unmasked")
            return
        self._apply_clip(nid, region)
        self.approximated("mask", el_id, f"{name}: black-and-white mask #{target.get('id')} applied to the outlines (masked shapes became paths)")

    def _mask_region(self, mask_el, msrc, vp, nid):
        mst = S.compute({}, msrc.cascade.declared(mask_el), vp)
        box = self._geometry_bounds(nid)
        region = skia.Path()
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
            lum = 0.2125 * fill.r + 0.7154 * fill.g + 0.0721 * fill.b
            if fill.a < 1 or 0.002 < lum < 0.998:
                return None
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
                    return skia.Path()
                p = transformed(p, (box.width(), 0.0, 0.0, box.height(), box.left(), box.top()))
            region = skia.Op(region, p, skia.PathOp.kUnion_PathOp if lum >= 0.5 else skia.PathOp.kDifference_PathOp)
        # the mask's own rectangle (default: the bounding box grown by 10% on each side)
        if mask_el.get("maskUnits") == "userSpaceOnUse":
            mx, my = length(mask_el.get("x") or "-10%", vp, "x", 0.0), length(mask_el.get("y") or "-10%", vp, "y", 0.0)
            mw, mh = length(mask_el.get("width") or "120%", vp, "x", 0.0), length(mask_el.get("height") or "120%", vp, "y", 0.0)
        else:
            if box is None:
                return skia.Path()
            fx, fy = number(mask_el.get("x"), -0.1), number(mask_el.get("y"), -0.1)
            fw, fh = number(mask_el.get("width"), 1.2), number(mask_el.get("height"), 1.2)
            mx, my = box.left() + fx * box.width(), box.top() + fy * box.height()
            mw, mh = fw * box.width(), fh * box.height()
        rect = skia.Path()
        rect.addRect(skia.Rect.MakeXYWH(mx, my, mw, mh))
        return intersect(region, rect)

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


def _floats(geom):
    return [getattr(geom, f.name) for f in dataclasses.fields(geom)]


def _fields(node) -> dict:
    return {f.name: getattr(node, f.name) for f in dataclasses.fields(node)}


def _with(node, **kw):
    return node.__class__(**{**_fields(node), **kw})


def _rounded_rect(x, y, w, h, rx, ry):
    """A rect with elliptical corners as one closed raw subpath (SVG's rect path equivalent)."""
    segs = []
    p = (x + rx, y)
    pts = [
        ((x + w - rx, y), None),
        ((x + w, y + ry), (rx, ry)),
        ((x + w, y + h - ry), None),
        ((x + w - rx, y + h), (rx, ry)),
        ((x + rx, y + h), None),
        ((x, y + h - ry), (rx, ry)),
        ((x, y + ry), None),
        ((x + rx, y), (rx, ry)),
    ]
    for (nx, ny), arc in pts:
        if arc is None:
            if (nx, ny) != p:
                segs.append((p[0], p[1], nx, ny, nx, ny, True))
        else:
            segs.extend(_arc(p[0], p[1], arc[0], arc[1], 0.0, False, True, nx, ny))
        p = (nx, ny)
    return [[x + rx, y, segs, True]]


def _clip_rect(clip: Element, src: Source, vp: Viewport, content: Bounds | None) -> Bounds | None:
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
