"""Document -> draw list: per-object meshes cached by object value, packed into vertices.

GL-free, so it is testable and measurable on its own. `SceneCompiler.compile(doc, scale)`
walks artboards, layers and the object tree back to front and returns entries:
(key, vertices) for geometry, ("push", opacity) / ("pop",) around content that must be
composited as a group (group opacity; an object's opacity when it has fill and stroke).
"""

from __future__ import annotations

import math

import numpy as np

from ..geometry.mesh import fill_triangles, stroke_triangles
from ..geometry.outline import flatten, path_arrays, transform_points, transform_scale
from ..geometry.bounds import path_bounds
from ..model.document import ROOT, Document
from ..model.nodes import Group, Path, Shape
from ..model.values import IDENTITY, Color, compose, invert
from .paints import PaintTable

TOLERANCE_PX = 0.2  # flattening tolerance in device pixels
# z is the item's paint-order depth, written when the item is placed in the vertex buffer
VERTEX = np.dtype([("pos", "<f4", 2), ("uv", "<f4", 2), ("color", "u1", 4), ("paint", "<f4"), ("z", "<f4")])
VERTEX_FORMAT = "2f 2f 4f1 1f 1f"
MAX_ITEMS = (1 << 23) - 2


def item_depth(k: int) -> float:
    """Clip-space z of the k-th item: distinct in a 24-bit depth buffer, increasing with k."""
    return 2.0 * ((k % MAX_ITEMS) + 1) / float(1 << 23) - 1.0
EMPTY_VERTS = np.zeros(0, dtype=VERTEX)
PUSH = "push"
POP = "pop"


class _Mesh:
    __slots__ = ("key", "fill", "stroke", "bbox")

    def __init__(self, key, fill, stroke, bbox):
        self.key = key
        self.fill = fill
        self.stroke = stroke
        self.bbox = bbox


def _premul(c: Color, alpha: float) -> tuple[int, int, int, int]:
    a = max(0.0, min(1.0, c.a * alpha))
    return tuple(int(round(max(0.0, min(1.0, v)) * a * 255)) for v in (c.r, c.g, c.b)) + (int(round(a * 255)),)


class SceneCompiler:
    def __init__(self):
        self.meshes: dict[str, tuple[object, _Mesh]] = {}
        self.packed: dict[tuple, tuple[tuple, np.ndarray]] = {}
        self.paints = PaintTable()
        self.tessellated = 0  # objects (re)tessellated by the last compile

    # ------------------------------------------------------------------ meshes
    def mesh(self, obj, m, scale: float) -> _Mesh:
        s = transform_scale(m) * scale
        tol = TOLERANCE_PX / max(s, 1e-12)
        st = obj.style.stroke
        width = 0.0
        alpha = 1.0
        if st is not None and st.width > 0:
            width = float(st.width)
            dev = width * math.sqrt(abs(m[0] * m[3] - m[1] * m[2])) * scale
            if 0 < dev < 1.0:
                # hairline: keep one device pixel wide and let coverage fade with the width
                width = width / dev
                alpha = dev
        key = (tol, width)
        hit = self.meshes.get(obj.id)
        if hit is not None and hit[0] is obj and hit[1].key == key:
            return hit[1]
        self.tessellated += 1
        arrays = path_arrays(obj)
        rings = flatten(arrays, tol)
        fill = fill_triangles(rings, getattr(obj, "fill_rule", "nonzero")) if obj.style.fill is not None else None
        # overlapping stroke triangles are fine: the depth test lets each item touch a sample once
        stroke = stroke_triangles(rings, st, width, tol, union=False) if width > 0 else None
        b = path_bounds(arrays.anchors, arrays.sub_start, arrays.closed)
        mesh = _Mesh(key, fill, stroke, (b, alpha))
        self.meshes[obj.id] = (obj, mesh)
        return mesh

    # ------------------------------------------------------------------ packing
    def pack(self, tris, m, paint, alpha: float, bbox) -> np.ndarray:
        if tris is None or tris.shape[0] == 0 or alpha <= 0:
            return EMPTY_VERTS
        v = np.zeros(tris.shape[0], dtype=VERTEX)
        v["pos"] = transform_points(m, tris)
        if isinstance(paint, Color):
            v["color"] = _premul(paint, alpha)
            return v
        g = paint.transform
        if paint.units == "objectBoundingBox":
            x0, y0, x1, y1 = bbox
            if not (x1 > x0 and y1 > y0):
                return EMPTY_VERTS  # SVG: no bounding box, no paint
            g = compose((x1 - x0, 0.0, 0.0, y1 - y0, x0, y0), g)
        try:
            inv = invert(g)
        except ValueError:
            return EMPTY_VERTS
        v["uv"] = transform_points(inv, tris)
        a = int(round(max(0.0, min(1.0, alpha)) * 255))
        v["color"] = (a, a, a, a)
        v["paint"] = self.paints.row(paint) + 1
        return v

    def _item(self, out, key, tris, m, paint, alpha, bbox):
        sig = (id(tris), m, paint, alpha, self.paints.epoch if not isinstance(paint, Color) else -1)
        hit = self.packed.get(key)
        if hit is not None and hit[0] == sig and hit[2] is tris:
            out.append((key, hit[1]))
            return
        v = self.pack(tris, m, paint, alpha, bbox)
        self.packed[key] = (sig, v, tris)
        out.append((key, v))

    # ------------------------------------------------------------------ walking the tree
    def compile(self, doc: Document, scale: float, artboard: str | None = None):
        """Entries back to front, and {artboard id: (first, end)} ranges into them."""
        self.tessellated = 0
        out: list = []
        ranges: dict[str, tuple[int, int]] = {}
        for ab_id in doc.children(ROOT):
            ab = doc.artboards.get(ab_id)
            if ab is None or (artboard is not None and ab_id != artboard):
                continue
            first = len(out)
            if ab.background is not None:
                x0, y0, x1, y1 = ab.x, ab.y, ab.x + ab.width, ab.y + ab.height
                rect = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y0], [x1, y1], [x0, y1]], dtype=np.float64)
                self._item(out, ("bg", ab_id), rect, IDENTITY, ab.background, 1.0, None)
            for layer_id in doc.children(ab_id):
                layer = doc.layers.get(layer_id)
                if layer is None or not layer.visible:
                    continue
                for child in doc.children(layer_id):
                    self._visit(doc, child, IDENTITY, scale, out)
            ranges[ab_id] = (first, len(out))
        self.live = {e[0] for e in out if isinstance(e[0], tuple)}
        return out, ranges

    def _visit(self, doc, oid, ctm, scale, out):
        obj = doc.objects.get(oid)
        if obj is None or not obj.visible:
            return
        m = compose(ctm, obj.transform)
        if isinstance(obj, Group):
            if obj.opacity <= 0:
                return
            layer = obj.opacity < 1.0
            if layer:
                out.append((PUSH, float(obj.opacity)))
            for c in doc.children(oid):
                self._visit(doc, c, m, scale, out)
            if layer:
                out.append((POP,))
            return
        if not isinstance(obj, (Path, Shape)):
            return
        st = obj.style
        op = float(st.opacity)
        if op <= 0 or (st.fill is None and (st.stroke is None or st.stroke.width <= 0)):
            return
        mesh = self.mesh(obj, m, scale)
        bounds, hair = mesh.bbox
        layer = op < 1.0 and st.fill is not None and mesh.stroke is not None
        fold = 1.0 if layer else op
        if layer:
            out.append((PUSH, op))
        if st.fill is not None:
            self._item(out, (oid, "fill"), mesh.fill, m, st.fill, fold, bounds)
        if mesh.stroke is not None:
            self._item(out, (oid, "stroke"), mesh.stroke, m, st.stroke.paint, fold * hair, bounds)
        if layer:
            out.append((POP,))

    def prune(self, doc: Document) -> None:
        """Forget meshes of objects no longer in the document."""
        for oid in [k for k in self.meshes if k not in doc.objects]:
            del self.meshes[oid]
        for key in [k for k in self.packed if k not in self.live]:
            del self.packed[key]
