"""A PDF content-stream interpreter that emits model paths (PDF 1.7 §8: graphics state, paths,
colour, clipping, shadings, form XObjects). Operands come from pikepdf's content-stream parser.

Each painted path becomes one Path whose transform is page placement ∘ CTM, so stroke widths and
dashes stay in the user space they were written in. Clipping is not in the model yet: a clip
that provably removes nothing (an axis-aligned rectangle around the content) is dropped exactly;
any other is reported.
"""

from __future__ import annotations

import math

import pikepdf
import skia

from ..errors import ImportFailed
from ..model.nodes import Path
from ..model.values import IDENTITY, Color, Stroke, Style, compose, invert
from ._pdf_color import DEVICE, ColorSpace, Unsupported, resolve_space, shading_paint
from ._svg_bounds import Bounds, stroke_pad
from ._svg_clip import clip_leaf, intersect, raw_from_skia, skia_from_raw, transform_scale, transformed
from ._svg_path import raw_to_subpaths

TEXT_OPS = frozenset("Tc Tw Tz TL Tf Tr Ts Td TD Tm T* Tj TJ ' \"".split())
IGNORED = frozenset("ri i d0 d1 BX EX".split())
_JOIN = {0: "miter", 1: "round", 2: "bevel"}
_CAP = {0: "butt", 1: "round", 2: "square"}


def _f(v) -> float:
    try:
        x = float(v)
    except (TypeError, ValueError):
        raise ImportFailed("a path operand is not a number") from None
    if not math.isfinite(x):
        raise ImportFailed("a path operand is not finite")
    return x


class GState:
    __slots__ = ("ctm", "fill", "stroke", "fill_cs", "stroke_cs", "lw", "cap", "join", "miter", "dash", "phase", "ca", "CA", "clips")

    def __init__(self):
        self.ctm = IDENTITY
        self.fill = Color(0.0, 0.0, 0.0, 1.0)
        self.stroke = Color(0.0, 0.0, 0.0, 1.0)
        self.fill_cs = DEVICE["/DeviceGray"]
        self.stroke_cs = DEVICE["/DeviceGray"]
        self.lw, self.cap, self.join, self.miter = 1.0, "butt", "miter", 10.0
        self.dash, self.phase = (), 0.0
        self.ca = self.CA = 1.0
        self.clips: tuple = ()  # (raw subpaths, ctm) each

    def copy(self) -> "GState":
        g = GState.__new__(GState)
        for s in GState.__slots__:
            setattr(g, s, getattr(self, s))
        return g


class Interpreter:
    def __init__(self, sink, report, max_ops: int):
        self.sink = sink  # (node_kwargs, layer_key) -> None ; sink.new_path(...)
        self.report = report
        self.max_ops = max_ops
        self.ops = 0
        self._parsed: dict = {}
        self._estimates: dict = {}

    def instructions(self, owner) -> list:
        """The parsed content stream, parsed once per stream (forms are often drawn many times)."""
        key = _key(owner)
        got = self._parsed.get(key) if key is not None else None
        if got is None:
            try:
                got = list(pikepdf.parse_content_stream(owner))
            except pikepdf.PdfError as exc:
                raise ImportFailed(f"unreadable content stream ({exc})") from None
            if key is not None:
                self._parsed[key] = got
        return got

    def estimate_ops(self, owner, resources, depth: int = 0, active=frozenset()) -> int:
        """Operators a run would execute, forms expanded (cycles cut, 12 deep as in run), so a
        file whose forms draw each other thousands of times is refused before any work."""
        if depth > 12:
            return 0
        key = _key(owner)
        if key in self._estimates:
            return self._estimates[key]
        total = 0
        for inst in self.instructions(owner):
            total += 1
            if total > self.max_ops:
                break
            if not isinstance(inst, pikepdf.ContentStreamInlineImage) and str(inst.operator) == "Do" and inst.operands:
                xo = (resources.get("/XObject") or {}).get(str(inst.operands[0])) if resources is not None else None
                if xo is not None and str(xo.get("/Subtype")) == "/Form" and _key(xo) not in active:
                    total += self.estimate_ops(xo, xo.get("/Resources", resources), depth + 1, active | {_key(xo)})
        if key is not None:
            self._estimates[key] = total
        return total

    # ------------------------------------------------------------------ reporting
    def count(self, what: str) -> None:
        self.report.counts[what] = self.report.counts.get(what, 0) + 1

    # ------------------------------------------------------------------ running
    def run(self, stream_owner, resources, page_tf, gs: GState, depth: int = 0, base_ctm=IDENTITY) -> None:
        if depth > 12:
            self.count("form nesting too deep")
            return
        instructions = self.instructions(stream_owner)
        stack: list[GState] = []
        path: list = []
        cur = None
        clip_rule = None
        in_text = 0
        oc_stack: list[str | None] = []
        for inst in instructions:
            self.ops += 1
            if self.ops > self.max_ops:
                raise ImportFailed(f"more than {self.max_ops} content-stream operators (the import limit)")
            if isinstance(inst, pikepdf.ContentStreamInlineImage):
                self.count("image")
                continue
            a, op = inst.operands, str(inst.operator)
            try:
                if op == "q":
                    stack.append(gs.copy())
                    if len(stack) > 256:
                        raise ImportFailed("graphics state nested more than 256 deep")
                elif op == "Q":
                    if stack:
                        gs = stack.pop()
                elif op == "cm":
                    gs.ctm = compose(gs.ctm, tuple(_f(v) for v in a[:6]))
                elif op == "m":
                    cur = [_f(a[0]), _f(a[1]), [], False]
                    path.append(cur)
                elif op == "l":
                    if cur is not None:
                        x, y = _f(a[0]), _f(a[1])
                        cur[2].append((x, y, x, y, x, y, True))
                elif op in ("c", "v", "y"):
                    if cur is not None:
                        px, py = _last(cur)
                        v = [_f(t) for t in a]
                        if op == "c":
                            seg = (v[0], v[1], v[2], v[3], v[4], v[5], False)
                        elif op == "v":
                            seg = (px, py, v[0], v[1], v[2], v[3], False)
                        else:
                            seg = (v[0], v[1], v[2], v[3], v[2], v[3], False)
                        cur[2].append(seg)
                elif op == "h":
                    if cur is not None:
                        cur[3] = True
                        cur = [cur[0], cur[1], [], False]
                        path.append(cur)
                elif op == "re":
                    x, y, w, h = (_f(t) for t in a[:4])
                    sub = [x, y, [(x + w, y, x + w, y, x + w, y, True), (x + w, y + h, x + w, y + h, x + w, y + h, True), (x, y + h, x, y + h, x, y + h, True)], True]
                    path.append(sub)
                    cur = [x, y, [], False]
                    path.append(cur)
                elif op in ("f", "F", "f*", "S", "s", "B", "B*", "b", "b*", "n"):
                    if op in ("s", "b", "b*") and cur is not None:
                        cur[3] = True
                    fill = op in ("f", "F", "f*", "B", "B*", "b", "b*")
                    stroke = op in ("S", "s", "B", "B*", "b", "b*")
                    rule = "evenodd" if op.endswith("*") else "nonzero"
                    if op != "n" and path:
                        self._paint(path, gs, fill, stroke, rule, page_tf, base_ctm, resources, oc_stack)
                    if clip_rule is not None and path:
                        gs.clips = gs.clips + ((_copy(path), gs.ctm, clip_rule),)
                    path, cur, clip_rule = [], None, None
                elif op in ("W", "W*"):
                    clip_rule = "evenodd" if op == "W*" else "nonzero"
                elif op in ("g", "G", "rg", "RG", "k", "K"):
                    space = DEVICE[{"g": "/DeviceGray", "rg": "/DeviceRGB", "k": "/DeviceCMYK"}[op.lower()]]
                    if op.lower() == "k":
                        self.count("CMYK colours (converted without the file's profile)")
                    self._set_color(gs, op.islower(), space, a, resources)
                elif op in ("cs", "CS"):
                    space = self._space(a[0], resources)
                    if op == "cs":
                        gs.fill_cs = space
                    else:
                        gs.stroke_cs = space
                    init = [0.0] * space.n if space.kind != "cmyk" else [0.0, 0.0, 0.0, 1.0]
                    if space.kind != "pattern":
                        self._set_color(gs, op == "cs", space, init, resources)
                elif op in ("sc", "scn", "SC", "SCN"):
                    fill = op.islower()
                    space = gs.fill_cs if fill else gs.stroke_cs
                    if space.kind == "pattern" or (a and isinstance(a[-1], pikepdf.Name)):
                        self._set_pattern(gs, fill, a[-1], resources, base_ctm)
                    else:
                        self._set_color(gs, fill, space, a, resources)
                elif op == "w":
                    gs.lw = abs(_f(a[0]))
                elif op == "J":
                    gs.cap = _CAP.get(int(a[0]), "butt")
                elif op == "j":
                    gs.join = _JOIN.get(int(a[0]), "miter")
                elif op == "M":
                    gs.miter = max(_f(a[0]), 1.0)
                elif op == "d":
                    vals = tuple(abs(_f(v)) for v in a[0])
                    gs.dash = vals * (2 if len(vals) % 2 else 1) if vals and sum(vals) > 0 else ()
                    gs.phase = _f(a[1])
                elif op == "gs":
                    self._ext_gstate(gs, a[0], resources)
                elif op == "sh":
                    self._shade(a[0], gs, page_tf, resources, oc_stack)
                elif op == "Do":
                    self._xobject(a[0], gs, resources, page_tf, depth, oc_stack)
                elif op == "BT":
                    in_text += 1
                    self.count("text")
                elif op == "ET":
                    in_text = max(0, in_text - 1)
                elif op in ("BDC", "BMC"):
                    oc_stack.append(self._layer_name(a, resources) if op == "BDC" else None)
                elif op == "EMC":
                    if oc_stack:
                        oc_stack.pop()
                elif op in ("MP", "DP") or op in TEXT_OPS or op in IGNORED:
                    pass
                else:
                    self.count(f"unknown operator {op}")
            except (Unsupported, KeyError, IndexError, TypeError, ValueError, pikepdf.PdfError) as exc:
                self.count(f"operator {op} skipped ({exc.__class__.__name__})")

    # ------------------------------------------------------------------ state
    def _space(self, name, resources) -> ColorSpace:
        try:
            return resolve_space(name, resources)
        except Unsupported as exc:
            self.count(str(exc) + " (drawn grey)")
            return ColorSpace("gray", 1)

    def _set_color(self, gs, fill, space, comps, resources) -> None:
        if space.kind == "cmyk" and not any("CMYK" in k for k in self.report.counts):
            self.count("CMYK colours (converted without the file's profile)")
        try:
            r, g, b = space.to_rgb([float(c) for c in comps if not isinstance(c, pikepdf.Name)])
        except (Unsupported, TypeError, ValueError) as exc:
            self.count(f"colour {exc} (drawn grey)")
            r = g = b = 0.5
        c = Color(r, g, b, 1.0)
        if fill:
            gs.fill_cs, gs.fill = space, c
        else:
            gs.stroke_cs, gs.stroke = space, c

    def _set_pattern(self, gs, fill, name, resources, base_ctm) -> None:
        pats = resources.get("/Pattern") if resources is not None else None
        pat = pats.get(str(name)) if pats is not None else None
        if pat is None:
            self.count("missing pattern (drawn grey)")
            paint = Color(0.5, 0.5, 0.5, 1.0)
        elif int(pat.get("/PatternType", 0)) == 2:
            m = tuple(float(v) for v in pat.get("/Matrix", [1, 0, 0, 1, 0, 0]))
            # pattern space -> the stream's default space; re-expressed at paint time in the path's space
            paint = ("shading", pat["/Shading"], compose(base_ctm, m))
        else:
            self.count("tiling pattern (drawn grey)")
            paint = Color(0.5, 0.5, 0.5, 1.0)
        if fill:
            gs.fill = paint
        else:
            gs.stroke = paint

    def _ext_gstate(self, gs, name, resources) -> None:
        eg = resources.get("/ExtGState", {}).get(str(name)) if resources is not None else None
        if eg is None:
            return
        for k, v in eg.items():
            if k == "/CA":
                gs.CA = min(max(float(v), 0.0), 1.0)
            elif k == "/ca":
                gs.ca = min(max(float(v), 0.0), 1.0)
            elif k == "/LW":
                gs.lw = abs(float(v))
            elif k == "/LC":
                gs.cap = _CAP.get(int(v), "butt")
            elif k == "/LJ":
                gs.join = _JOIN.get(int(v), "miter")
            elif k == "/ML":
                gs.miter = max(float(v), 1.0)
            elif k == "/SMask" and str(v) != "/None":
                self.count("soft mask (drawn unmasked)")
            elif k == "/BM" and str(v) not in ("/Normal", "/Compatible"):
                self.count(f"blend mode {v} (drawn normal)")

    def _layer_name(self, a, resources) -> str | None:
        if len(a) < 2 or str(a[0]) not in ("/OC", "/Layer"):
            return None
        props = a[1]
        if isinstance(props, pikepdf.Name):
            props = (resources.get("/Properties") or {}).get(str(props))
        if props is None:
            return None
        title = props.get("/Name") or props.get("/Title")
        return str(title) if title is not None else None

    # ------------------------------------------------------------------ painting
    def _resolve_paint(self, paint, alpha, ctm, resources):
        if isinstance(paint, Color):
            return Color(paint.r, paint.g, paint.b, alpha)
        _, shading, m = paint
        try:
            tf = compose(invert(ctm), m)
            grad, _extend = shading_paint(shading, resources, alpha, tf)
            return grad
        except (Unsupported, ValueError, KeyError, TypeError) as exc:
            self.count(f"shading skipped ({exc})")
            return Color(0.5, 0.5, 0.5, alpha)

    def _paint(self, path, gs, fill, stroke, rule, page_tf, base_ctm, resources, oc_stack) -> None:
        subs = raw_to_subpaths(_copy(path))
        if not subs:
            return
        fp = self._resolve_paint(gs.fill, gs.ca, gs.ctm, resources) if fill else None
        sp = None
        if stroke:
            lw = gs.lw
            if lw == 0:  # PDF: the thinnest line the device can draw; about a quarter point here
                sx = math.hypot(gs.ctm[0], gs.ctm[1]) or 1.0
                lw = 0.25 / sx
            sp = Stroke(self._resolve_paint(gs.stroke, gs.CA, gs.ctm, resources), lw, gs.join, gs.miter, gs.cap, gs.dash, gs.phase if gs.dash else 0.0)
        style = Style(fp, sp, 1.0)
        tf = compose(page_tf, gs.ctm)
        if self._clips_cut(gs, subs, sp):
            # clip paths are not in the model yet: intersect the outlines with them (exact picture)
            region = None
            for raw, cctm, crule in gs.clips:
                r = transformed(skia_from_raw(raw, crule == "evenodd"), compose(invert(gs.ctm), cctm))
                region = r if region is None else intersect(region, r)
            parent, order = self.sink.place(_layer(oc_stack))
            node = Path("path:tmp", parent, order, tuple(subs), "", rule, style, tf)
            for n in clip_leaf(node, region, self.sink.ids.new, 4.0 * transform_scale(tf)):
                self.sink.put(n)
            self.count("clip-path (applied to geometry)")
            return
        self.sink.add_path(subs, rule, style, tf, _layer(oc_stack))

    def _clips_cut(self, gs, subs, stroke) -> bool:
        """Whether any clip in force removes part of this path (False: dropping the clips is exact)."""
        if not gs.clips:
            return False
        pts = [(a.x + dx, a.y + dy) for s in subs for a in s.anchors for dx, dy in ((0, 0), (a.in_x, a.in_y), (a.out_x, a.out_y))]
        b = _bounds(pts, gs.ctm)
        if stroke is not None:
            # stroke reach in user space, scaled by the CTM's largest stretch
            a, b_, c, d = gs.ctm[:4]
            stretch = math.sqrt((a * a + b_ * b_ + c * c + d * d + math.sqrt(((a * a + b_ * b_ - c * c - d * d) ** 2) + 4 * (a * c + b_ * d) ** 2)) / 2)
            pad = stroke_pad(subs, stroke) * stretch
            b = Bounds(b.x0 - pad, b.y0 - pad, b.x1 + pad, b.y1 + pad)
        for raw, ctm, _rule in gs.clips:
            r = _rect_of(raw, ctm)
            if r is None or not r.contains(b, eps=1e-3):
                return True
        return False

    def _shade(self, name, gs, page_tf, resources, oc_stack) -> None:
        sh = (resources.get("/Shading") or {}).get(str(name)) if resources is not None else None
        if sh is None:
            self.count("missing shading")
            return
        if gs.clips:
            raw, cctm, rule = gs.clips[-1]
        else:
            self.count("shading without a clip (drawn over the page box)")
            return
        try:
            grad, extend = shading_paint(sh, resources, gs.ca, compose(invert(cctm), gs.ctm))
            if not all(extend):
                self.count("shading without Extend (drawn extended)")
        except (Unsupported, ValueError, KeyError, TypeError) as exc:
            self.count(f"shading skipped ({exc})")
            return
        if len(gs.clips) > 1:  # the shading fills the intersection of every clip in force
            region = skia_from_raw(raw, rule == "evenodd")
            for raw2, cctm2, rule2 in gs.clips[:-1]:
                region = intersect(region, transformed(skia_from_raw(raw2, rule2 == "evenodd"), compose(invert(cctm), cctm2)))
            raw, rule = raw_from_skia(region), "evenodd" if region.getFillType() == skia.PathFillType.kEvenOdd else "nonzero"
        subs = raw_to_subpaths(_copy(raw))
        if subs:
            self.sink.add_path(subs, rule, Style(grad, None, 1.0), compose(page_tf, cctm), _layer(oc_stack))

    def _xobject(self, name, gs, resources, page_tf, depth, oc_stack) -> None:
        xo = (resources.get("/XObject") or {}).get(str(name)) if resources is not None else None
        if xo is None:
            self.count("missing XObject")
            return
        sub = str(xo.get("/Subtype"))
        if sub == "/Image":
            self.count("image")
            return
        if sub != "/Form":
            self.count(f"XObject {sub}")
            return
        inner = gs.copy()
        inner.ctm = compose(gs.ctm, tuple(float(v) for v in xo.get("/Matrix", [1, 0, 0, 1, 0, 0])))
        bbox = [float(v) for v in xo.get("/BBox", [])]
        if len(bbox) == 4:  # a form clips to its /BBox
            x0, y0, x1, y1 = min(bbox[0], bbox[2]), min(bbox[1], bbox[3]), max(bbox[0], bbox[2]), max(bbox[1], bbox[3])
            rect = [[x0, y0, [(x1, y0, x1, y0, x1, y0, True), (x1, y1, x1, y1, x1, y1, True), (x0, y1, x0, y1, x0, y1, True)], True]]
            inner.clips = inner.clips + ((rect, inner.ctm, "nonzero"),)
        group = "/Group" in xo and xo.Group.get("/S") == "/Transparency" and gs.ca < 1
        if group:
            # a transparency group drawn at constant alpha: a model Group with that opacity,
            # its content composited at full alpha inside it (as PDF composites the group)
            self.sink.open_group(_layer(oc_stack), gs.ca)
            inner.ca = inner.CA = 1.0
        try:
            self.run(xo, xo.get("/Resources", resources), page_tf, inner, depth + 1, base_ctm=inner.ctm)
        finally:
            if group:
                self.sink.close_group()


def _key(obj):
    try:
        return obj.objgen if obj.is_indirect else id(obj)
    except (AttributeError, pikepdf.PdfError):
        return id(obj)


def _layer(oc_stack):
    for n in reversed(oc_stack):
        if n is not None:
            return n
    return None


def _last(cur):
    return (cur[2][-1][4], cur[2][-1][5]) if cur[2] else (cur[0], cur[1])


def _copy(path):
    return [[s[0], s[1], list(s[2]), s[3]] for s in path if s[2]]


def _bounds(pts, m) -> Bounds:
    a, b, c, d, e, f = m
    xs = [a * x + c * y + e for x, y in pts]
    ys = [b * x + d * y + f for x, y in pts]
    return Bounds(min(xs), min(ys), max(xs), max(ys))


def _rect_of(raw, ctm) -> Bounds | None:
    """The clip as a page-space rectangle when it is one axis-aligned rectangle."""
    subs = [s for s in raw if s[2]]
    if len(subs) != 1 or ctm[1] != 0 or ctm[2] != 0:
        return None
    s = subs[0]
    if any(not seg[6] for seg in s[2]):
        return None
    pts = [(s[0], s[1])] + [(seg[4], seg[5]) for seg in s[2]]
    if len(pts) > 1 and pts[-1] == pts[0]:
        pts.pop()
    xs, ys = sorted({p[0] for p in pts}), sorted({p[1] for p in pts})
    if len(pts) != 4 or len(xs) != 2 or len(ys) != 2:
        return None
    return _bounds(pts, ctm)


