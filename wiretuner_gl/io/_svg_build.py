"""The SVG tree walk: elements -> groups, shapes and paths under one artboard and layer.

Sections: [sources] one parsed file (the main one or a `<use>`d local file); [walk] structure
(g, svg, use, symbol, switch, a); [leaves] rect, circle, ellipse, line, polyline, polygon, path.
[effects] (clip paths, masks, filters) live in _svg_effects.
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path as FsPath
from xml.etree.ElementTree import Element

import skia

from ..errors import ImportFailed, WireTunerError
from ..model.ids import IdFactory, key_between
from ..model.nodes import EllipseGeom, Group, LineGeom, Path, RectGeom, Shape
from ..model.values import IDENTITY, compose, translate
from . import _svg_style as S
from ._svg_bounds import Bounds
from ._svg_css import Cascade
from ._svg_effects import LEAVES, EffectsMixin
from ._svg_marker import MarkerMixin
from ._svg_paint import PaintServers
from ._svg_pattern import PatternMixin
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


class Builder(EffectsMixin, PatternMixin, MarkerMixin):
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
        self.resolver.pattern_hook = self._want_pattern
        self._pending_pattern = None
        self._patterns_open: set[int] = set()

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
        self._pending_pattern = None
        style = self.resolver.style(st, vp, el_id, filled=tag != "line")
        pattern, self._pending_pattern = self._pending_pattern, None
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
        if pattern is not None:
            nid = self.paint_pattern(nid, *pattern, vp, el_id) or nid
        for child in el:  # leaves hold no drawing, but may hold animation or scripts
            if isinstance(child.tag, str) and local(child.tag) in UNSUPPORTED:
                self.unsupported(UNSUPPORTED[local(child.tag)], child.get("id") or "")
        refs = self.markers_of(st) if tag in ("path", "line", "polyline", "polygon") else {}
        if refs:
            # the path and its markers in one group, which carries the transform and the effects
            node = self.nodes[nid]
            gid = self.idf.new("group")
            opacity = node.style.opacity if hasattr(node, "style") else 1.0
            self._add(Group(gid, node.parent, node.order, el_id, tf, opacity, node.visible))
            self.children[node.parent].remove(nid)
            inner = node.__class__(**{**{f.name: getattr(node, f.name) for f in dataclasses.fields(node)}, "parent": gid, "order": self._order(gid), "transform": IDENTITY, "name": ""})
            if hasattr(inner, "style"):
                inner = dataclasses.replace(inner, style=dataclasses.replace(inner.style, opacity=1.0))
            self.nodes[nid] = inner
            self.children.setdefault(gid, []).append(nid)
            if raw is None and geom is not None:  # a <line>
                raw = [[geom.x1, geom.y1, [(geom.x1, geom.y1, geom.x2, geom.y2, geom.x2, geom.y2, True)], False]]
            sw = length(S.get(st, "stroke-width"), vp, "o", 1.0, st.get("_fs"))
            sw = sw if sw is not None else 1.0
            self.draw_markers(refs, raw or [], sw, gid, src, vp, el_id, ())
            nid = gid
        self._effects(el, st, nid, src, vp)
        if S.get(st, "paint-order").split()[:1] in (["stroke"], ["markers"]):
            self.warn(f"#{el_id or tag}: paint-order {st['paint-order']!r} drawn as fill then stroke")


def _floats(geom):
    return [getattr(geom, f.name) for f in dataclasses.fields(geom)]


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
