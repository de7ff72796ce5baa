"""Document -> draw list: per-object meshes cached by object value, packed into vertices.

GL-free, so it is testable and measurable on its own. `SceneCompiler.compile(doc, scale)`
walks artboards, layers and the object tree back to front and returns entries:
(key, vertices) for geometry, ("push", opacity) / ("pop",) around content that must be
composited as a group (group opacity; an object's opacity when it has fill and stroke).
"""

from __future__ import annotations

import math

import numpy as np

from ..geometry.bounds import path_bounds
from ..geometry.flatten import flatten_many
from ..geometry.mesh import stroke_triangles
from ..geometry.outline import Rings, path_arrays, transform_points, transform_scale
from ..geometry.tessellate import tessellate_many
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
    __slots__ = ("key", "fill", "stroke", "arrays", "_bounds")

    def __init__(self, key, fill, stroke, arrays):
        self.key = key  # (tolerance, stroke width, hairline alpha)
        self.fill = fill
        self.stroke = stroke
        self.arrays = arrays
        self._bounds = None

    @property
    def bounds(self):
        """Geometry bounds in the object's units (objectBoundingBox gradients), computed on use."""
        if self._bounds is None:
            a = self.arrays
            self._bounds = tuple(path_bounds(a.anchors, a.sub_start, a.closed))
        return self._bounds


def _premul(c: Color, alpha: float) -> tuple[int, int, int, int]:
    a = max(0.0, min(1.0, c.a * alpha))
    return tuple(int(round(max(0.0, min(1.0, v)) * a * 255)) for v in (c.r, c.g, c.b)) + (int(round(a * 255)),)


class SceneCompiler:
    def __init__(self):
        self.meshes: dict[str, tuple[object, _Mesh]] = {}
        self.packed: dict[tuple, tuple[tuple, np.ndarray]] = {}
        self.paints = PaintTable()
        self.tessellated = 0  # objects (re)tessellated by the last compile
        self.where: dict[str, tuple] = {}  # oid -> (parent's world transform, first entry, count)
        self._pending: list = []  # solid-colour items waiting for _flush

    # ------------------------------------------------------------------ meshes
    @staticmethod
    def mesh_key(obj, m, scale: float) -> tuple[float, float, float]:
        """(flattening tolerance, stroke width, hairline alpha) in the object's own units."""
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
        return (tol, width, alpha)

    def cached(self, obj, key) -> _Mesh | None:
        hit = self.meshes.get(obj.id)
        if hit is not None and hit[0] is obj and hit[1].key == key:
            return hit[1]
        return None

    def build(self, todo: list) -> None:
        """Meshes for [(obj, key)], flattened and fill-tessellated in one kernel call each."""
        if not todo:
            return
        self.tessellated += len(todo)
        arrays = [path_arrays(o) for o, _ in todo]
        anchors = np.concatenate([a.anchors for a in arrays]) if arrays else np.zeros((0, 6))
        subs = [0]
        starts = [np.zeros(1, dtype=np.int64)]
        base = 0
        for a in arrays:
            starts.append(a.sub_start[1:] + base)
            base += a.anchors.shape[0]
            subs.append(subs[-1] + a.closed.shape[0])
        sub_start = np.concatenate(starts)
        closed = np.concatenate([a.closed for a in arrays])
        tols = np.array([k[0] for _, k in todo], dtype=np.float64)
        pts, rs, rc, co, path_ring = flatten_many(anchors, sub_start, closed, np.array(subs, dtype=np.int64), tols)
        filled = [i for i, (o, _) in enumerate(todo) if o.style.fill is not None]
        fills: dict[int, np.ndarray] = {}
        if filled:
            lo = path_ring[filled]
            hi = path_ring[np.array(filled) + 1]
            rules = np.array([1 if getattr(todo[i][0], "fill_rule", "nonzero") == "evenodd" else 0 for i in filled], dtype=np.int64)
            tris, path_tri = tessellate_many(pts, rs, lo, hi, rules)
            for j, i in enumerate(filled):
                fills[i] = tris[path_tri[j] : path_tri[j + 1]]
        for i, (obj, key) in enumerate(todo):
            stroke = None
            if key[1] > 0:
                r0, r1 = path_ring[i], path_ring[i + 1]
                p0, p1 = rs[r0], rs[r1]
                rings = Rings(pts[p0:p1], rs[r0 : r1 + 1] - p0, rc[r0:r1], co[p0:p1])
                # overlapping stroke triangles are fine: the depth test lets each item touch a sample once
                stroke = stroke_triangles(rings, obj.style.stroke, key[1], key[0], union=False)
            self.meshes[obj.id] = (obj, _Mesh(key, fills.get(i), stroke, arrays[i]))

    def mesh(self, obj, m, scale: float) -> _Mesh:
        key = self.mesh_key(obj, m, scale)
        hit = self.cached(obj, key)
        if hit is None:
            self.build([(obj, key)])
            hit = self.meshes[obj.id][1]
        return hit

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
            x0, y0, x1, y1 = bbox.bounds if isinstance(bbox, _Mesh) else bbox
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
        if isinstance(paint, Color) and tris is not None and tris.shape[0] and alpha > 0:
            # solid colours are packed together by _flush: one numpy pass for many items
            self._pending.append((len(out), key, tris, m, _premul(paint, alpha), sig))
            out.append((key, None))
            return
        v = self.pack(tris, m, paint, alpha, bbox)
        self.packed[key] = (sig, v, tris)
        out.append((key, v))

    def _flush(self, out) -> None:
        """Pack the pending solid-colour items of `out` in one vectorised pass."""
        pend = self._pending
        if not pend:
            return
        self._pending = []
        counts = np.fromiter((p[2].shape[0] for p in pend), dtype=np.int64, count=len(pend))
        tris = np.concatenate([p[2] for p in pend])
        mats = np.repeat(np.array([p[3] for p in pend], dtype=np.float64), counts, axis=0)
        v = np.zeros(tris.shape[0], dtype=VERTEX)
        pos = np.empty((tris.shape[0], 2))
        pos[:, 0] = mats[:, 0] * tris[:, 0] + mats[:, 2] * tris[:, 1] + mats[:, 4]
        pos[:, 1] = mats[:, 1] * tris[:, 0] + mats[:, 3] * tris[:, 1] + mats[:, 5]
        v["pos"] = pos
        v["color"] = np.repeat(np.array([p[4] for p in pend], dtype=np.uint8), counts, axis=0)
        ends = np.cumsum(counts)
        start = 0
        for p, end in zip(pend, ends):
            vv = v[start:end]
            start = end
            self.packed[p[1]] = (p[5], vv, p[2])
            out[p[0]] = (p[1], vv)

    # ------------------------------------------------------------------ walking the tree
    def compile(self, doc: Document, scale: float, artboard: str | None = None):
        """Entries back to front, and {artboard id: (first, end)} ranges into them."""
        self.tessellated = 0
        self.where = {}
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
            prog: list = []
            for layer_id in doc.children(ab_id):
                layer = doc.layers.get(layer_id)
                if layer is None or not layer.visible:
                    continue
                for child in doc.children(layer_id):
                    self._visit(doc, child, IDENTITY, prog)
            self._emit(prog, scale, out)
            ranges[ab_id] = (first, len(out))
        self._flush(out)
        self.live = {e[0] for e in out if isinstance(e[0], tuple)}
        return out, ranges

    def _visit(self, doc, oid, ctm, prog):
        """Flatten the tree into prog: (PUSH, opacity), (POP,), (oid, obj, world transform, parent's)."""
        obj = doc.objects.get(oid)
        if obj is None or not obj.visible:
            return
        m = compose(ctm, obj.transform)
        if isinstance(obj, Group):
            if obj.opacity <= 0:
                return
            layer = obj.opacity < 1.0
            if layer:
                prog.append((PUSH, float(obj.opacity)))
            for c in doc.children(oid):
                self._visit(doc, c, m, prog)
            if layer:
                prog.append((POP,))
            return
        if not isinstance(obj, (Path, Shape)):
            return
        st = obj.style
        if st.opacity <= 0 or (st.fill is None and (st.stroke is None or st.stroke.width <= 0)):
            return
        prog.append((oid, obj, m, ctm))

    def _emit(self, prog, scale, out):
        todo = []
        for step in prog:
            if len(step) == 4:
                oid, obj, m, _ = step
                key = self.mesh_key(obj, m, scale)
                if self.cached(obj, key) is None:
                    todo.append((obj, key))
        self.build(todo)
        for step in prog:
            if len(step) != 4:
                out.append(step)
                continue
            oid, obj, m, parent = step
            first = len(out)
            self._object_entries(oid, obj, m, self.meshes[oid][1], out)
            self.where[oid] = (parent, first, len(out) - first)

    def _object_entries(self, oid, obj, m, mesh, out) -> None:
        st = obj.style
        op = float(st.opacity)
        hair = mesh.key[2]
        layer = op < 1.0 and st.fill is not None and mesh.stroke is not None
        fold = 1.0 if layer else op
        if layer:
            out.append((PUSH, op))
        if st.fill is not None:
            self._item(out, (oid, "fill"), mesh.fill, m, st.fill, fold, mesh)
        if mesh.stroke is not None:
            self._item(out, (oid, "stroke"), mesh.stroke, m, st.stroke.paint, fold * hair, mesh)
        if layer:
            out.append((POP,))

    def update(self, prev: Document | None, doc: Document, scale: float, entries: list):
        """Entries for `doc` made from the last ones by redoing only the paths and shapes whose
        value changed since `prev`, with the indices of the entries replaced; None when that is not
        possible (structure, groups, layers or artboards changed, or many objects did) and a full
        compile is needed."""
        if prev is None or doc._children is None or doc._children is not prev._children:
            return None
        if doc.artboards != prev.artboards or doc.layers != prev.layers:
            return None
        old_objects = prev.objects
        changed = []
        for k, v in doc.objects.items():
            if old_objects.get(k) is not v:
                changed.append((k, v))
                if len(changed) > 256:
                    return None
        self.tessellated = 0
        out = list(entries)
        touched: list[int] = []
        for oid, obj in changed:
            if not isinstance(obj, (Path, Shape)):
                return None
            rec = self.where.get(oid)
            st = obj.style
            drawn = obj.visible and st.opacity > 0 and (st.fill is not None or (st.stroke is not None and st.stroke.width > 0))
            if rec is None:
                if drawn:
                    return None  # newly visible: its place in the order is not known here
                continue
            parent, first, count = rec
            if not drawn:
                return None
            m = compose(parent, obj.transform)  # groups did not change, so the parent's is current
            new: list = []
            self._object_entries(oid, obj, m, self.mesh(obj, m, scale), new)
            self._flush(new)
            if len(new) != count or any(a[0] != b[0] for a, b in zip(new, out[first : first + count])):
                return None
            out[first : first + count] = new
            touched.extend(range(first, first + count))
        return out, touched

    def prune(self, doc: Document) -> None:
        """Forget meshes of objects no longer in the document."""
        for oid in [k for k in self.meshes if k not in doc.objects]:
            del self.meshes[oid]
        for key in [k for k in self.packed if k not in self.live]:
            del self.packed[key]
