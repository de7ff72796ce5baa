"""SVG import: one artboard (the root viewBox) and one layer holding the drawing as groups,
editable shapes (rect, circle, ellipse, line) and paths; styles and gradients kept; everything
that could not be kept is named in the ImportReport.

Safety: defusedxml (no external entities, no entity expansion beyond short plain text), nothing
fetched over the network, local hrefs only through the FileGuard (inside the source's folder),
and ceilings on file size, element count, nesting depth, path-data length and object count.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import immutables

from ..errors import FileAccessDenied, ImportFailed
from ..model.document import Document
from ..model.ids import IdFactory, key_between
from ..model.nodes import Artboard, Layer
from ..model.values import IDENTITY, compose
from . import _svg_style as S
from ._svg_build import Builder, Source
from ._svg_values import Viewport, aspect_transform, length, view_box
from ._svg_xml import DEFAULT_LIMITS, Limits, href, local, parse_svg_bytes
from .guard import FileGuard
from .registry import ImportReport, ImportResult


def import_svg(
    path: str | Path,
    guard: FileGuard | None = None,
    *,
    limits: Limits = DEFAULT_LIMITS,
    ids: IdFactory | None = None,
) -> ImportResult:
    """Import an SVG file. Raises ImportFailed (or FileAccessDenied) with the file and the problem."""
    path = Path(path)
    guard = guard or FileGuard(root=path.resolve().parent, max_bytes=limits.max_bytes)
    try:
        real = guard.check(path.resolve())
    except FileNotFoundError as exc:
        raise ImportFailed(str(exc)) from None
    size = real.stat().st_size
    if size > limits.max_bytes:
        raise FileAccessDenied(f"{path}: {size} bytes is over the {limits.max_bytes}-byte import limit")
    data = guard.read_bytes(real)
    return import_svg_bytes(data, real, guard, limits=limits, ids=ids)


def import_svg_bytes(
    data: bytes, path: Path, guard: FileGuard, *, limits: Limits = DEFAULT_LIMITS, ids: IdFactory | None = None
) -> ImportResult:
    source = str(path)
    root = parse_svg_bytes(data, source, limits)
    report = ImportReport(source)
    ids = ids or IdFactory("svg" + hashlib.sha256(data).hexdigest()[:8])
    try:
        return _build(root, Path(path), guard, limits, ids, report)
    except RecursionError:
        raise ImportFailed(f"{source}: nested too deeply to import") from None


def _expansion_estimate(root, ids: dict, cap: int) -> int:
    """An upper estimate of the objects the walk will create, <use> references expanded (cycles
    cut), so a <use> bomb is refused before any work rather than after building half a million
    objects. Stops counting once past cap."""
    memo: dict[int, int] = {}
    active: set[int] = set()

    def size(el, depth: int) -> int:
        k = id(el)
        if k in memo:
            return memo[k]
        if k in active or depth > 200:
            return 0
        active.add(k)
        n = 1
        if local(el.tag) == "use":
            ref = href(el)
            target = ids.get(ref[1:]) if ref and ref.startswith("#") else None
            if target is not None:
                n += size(target, depth + 1)
        else:
            for c in el:
                if isinstance(c.tag, str):
                    n += size(c, depth + 1)
                    if n > cap:
                        break
        active.discard(k)
        memo[k] = n
        return n

    return size(root, 0)


def _build(root, path: Path, guard, limits, ids, report) -> ImportResult:
    src = Source(root, path, report.warn)
    if _expansion_estimate(root, src.ids, limits.max_objects) > limits.max_objects:
        raise ImportFailed(f"{path}: more than {limits.max_objects} objects after <use> expansion (the import limit)")
    b = Builder(src, guard, limits, ids, report)
    vb = view_box(root.get("viewBox"))
    base_vp = Viewport(100.0, 100.0)
    w = _abs_length(root.get("width"), base_vp, "x")
    h = _abs_length(root.get("height"), base_vp, "y")
    wrap = IDENTITY
    if vb is not None:
        ab = vb
        if w is not None or h is not None:
            # one given: the other follows the viewBox's aspect ratio
            w = w if w is not None else h * vb[2] / vb[3]
            h = h if h is not None else w * vb[3] / vb[2]
            m = aspect_transform(vb, 0.0, 0.0, w, h, root.get("preserveAspectRatio"))
            fits = abs(m[0] - m[3]) <= 1e-9 * abs(m[0]) and abs(m[4] + vb[0] * m[0]) <= 1e-6 * w and abs(m[5] + vb[1] * m[3]) <= 1e-6 * h
            if not fits:
                # the viewport does not show exactly the viewBox: the artboard is the viewport
                ab = (0.0, 0.0, w, h)
                wrap = m
        vp = Viewport(vb[2], vb[3])
    else:
        w = w if w is not None else 100.0
        h = h if h is not None else 100.0
        if w <= 0 or h <= 0:
            raise ImportFailed(f"{path}: the <svg> width and height must be positive")
        ab = (0.0, 0.0, w, h)
        vp = Viewport(w, h)
    artboard_id = ids.new("artboard")
    artboard = Artboard(artboard_id, path.stem, *map(float, ab), key_between(None, None))
    st = S.compute({}, src.cascade.declared(root), vp)
    root_tf = b._transform(root, st, root.get("id") or "") or IDENTITY
    plain_root = wrap == IDENTITY and root_tf == IDENTITY and st.get("opacity") in (None, "1")
    plain_root = plain_root and all(st.get(k, "none").strip() == "none" for k in ("clip-path", "mask", "filter"))
    inkscape = _inkscape_layers(root) if plain_root else None
    layers = {}
    if inkscape:
        # an Inkscape drawing: each top-level layer group becomes a document layer
        key = None
        for g in inkscape:
            key = key_between(key, None)
            lid = ids.new("layer")
            gst = S.compute(st, src.cascade.declared(g), vp)
            name = (g.get(f"{{{INKSCAPE_NS}}}label") or g.get("id") or "Layer")[:200]
            layers[lid] = Layer(lid, artboard_id, name, key, visible=S.get(gst, "display").strip() != "none")
            gst = {**gst, "display": "inline"}  # the layer carries the visibility
            b.walk_children(g, gst, lid, vp, 2, src, ()) if _plain_group(g, gst) else b.walk(g, st, lid, vp, 1, src, ())
        first = next(iter(layers))
        for c in root:  # defs, styles, scripts...: reported where they need to be
            if c not in inkscape:
                b.walk(c, st, first, vp, 1, src, ())
    else:
        layer_id = ids.new("layer")
        title = next((c for c in root if isinstance(c.tag, str) and local(c.tag) == "title"), None)
        layer_name = (title.text or "").strip()[:200] if title is not None else ""
        layers[layer_id] = Layer(layer_id, artboard_id, layer_name or "Layer 1", key_between(None, None))
        parent = layer_id
        if not plain_root:
            parent = b._group(layer_id, root.get("id") or "", compose(wrap, root_tf), st)
        b.walk_children(root, st, parent, vp, 1, src, ())
        if parent != layer_id:
            b._effects(root, st, parent, src, vp)
    b.finish_report()
    objects = immutables.Map(b.nodes)
    doc = Document(immutables.Map({artboard_id: artboard}), immutables.Map(layers), objects)
    return ImportResult(doc, report)


INKSCAPE_NS = "http://www.inkscape.org/namespaces/inkscape"
_SILENT = frozenset("defs style title desc metadata script namedview".split())


def _inkscape_layers(root) -> list | None:
    """The top-level layer groups when every drawn top-level element is one, else None."""
    out = []
    for c in root:
        if not isinstance(c.tag, str):
            continue
        if local(c.tag) == "g" and c.get(f"{{{INKSCAPE_NS}}}groupmode") == "layer":
            out.append(c)
        elif local(c.tag) not in _SILENT:
            return None
    return out or None


def _plain_group(g, st) -> bool:
    """A layer group that adds nothing but grouping (its children can sit in the layer directly)."""
    return (
        (g.get("transform") or "").strip() == ""
        and st.get("opacity") in (None, "1")
        and all(st.get(k, "none").strip() == "none" for k in ("clip-path", "mask", "filter"))
    )


def _abs_length(text, vp, axis):
    if text is None or text.strip().endswith("%") or text.strip() in ("", "auto"):
        return None
    v = length(text, vp, axis, None)
    return v if v is not None and v > 0 else None
