"""Random valid event sequences, heavy in geometric runs interleaved with structural edits."""

from __future__ import annotations

import random

from wiretuner_gl.events import types as T
from wiretuner_gl.events.reducer import reduce_all
from wiretuner_gl.model.document import Document
from wiretuner_gl.model.ids import key_between, keys_between
from wiretuner_gl.model.nodes import (Anchor, Artboard, EllipseGeom, Group, Layer, LineGeom, Path, PolygonGeom,
                                      RectGeom, Shape, StarGeom, Subpath)
from wiretuner_gl.model.shapes import shape_to_path
from wiretuner_gl.model.values import Color, GradientStop, LinearGradient, RadialGradient, Stroke, Style


def num(r: random.Random) -> float:
    c = r.random()
    if c < 0.05:
        return -0.0
    if c < 0.1:
        return float(r.randint(-3, 3))
    if c < 0.13:
        return r.choice([1e-300, 1e300, 5e-324, 123456789.123456789])
    return r.uniform(-2000, 2000)


def geom(r: random.Random):
    k = r.randrange(5)
    if k == 0:
        return RectGeom(num(r), num(r), abs(num(r)), abs(num(r)), *[abs(num(r)) for _ in range(r.choice([0, 4]))])
    if k == 1:
        return EllipseGeom(num(r), num(r), abs(num(r)), abs(num(r)))
    if k == 2:
        return PolygonGeom(num(r), num(r), abs(num(r)), r.randint(3, 40), num(r))
    if k == 3:
        return StarGeom(num(r), num(r), abs(num(r)), abs(num(r)), r.randint(3, 40), num(r))
    return LineGeom(num(r), num(r), num(r), num(r))


def color(r):
    return Color(r.random(), r.random(), r.random(), r.choice([1.0, r.random()]))


def style(r: random.Random) -> Style:
    c = r.random()
    if c < 0.15:
        fill = None
    elif c < 0.3:
        fill = LinearGradient(num(r), num(r), num(r), num(r), (GradientStop(0.0, color(r)), GradientStop(1.0, color(r))),
                              r.choice(["pad", "reflect", "repeat"]))
    elif c < 0.4:
        fill = RadialGradient(num(r), num(r), abs(num(r)), num(r), num(r), (GradientStop(0.5, color(r)),),
                              units="objectBoundingBox", fr=0.25)
    else:
        fill = color(r)
    stroke = None if r.random() < 0.5 else Stroke(color(r), abs(num(r)), r.choice(["miter", "round", "bevel"]), 4.0,
                                                  r.choice(["butt", "round", "square"]), (1.0, 2.5) if r.random() < 0.3 else ())
    return Style(fill, stroke, r.random())


def transform(r):
    if r.random() < 0.1:  # ints in float fields: the reducer keeps them, the canonical form writes floats
        return (1, 0, 0, 1, r.randint(-5, 5), 0)
    return tuple(num(r) for _ in range(6))


def anchors(r: random.Random, n: int) -> tuple:
    return tuple(Anchor(k, num(r), num(r), num(r), num(r), num(r), num(r), r.choice(["corner", "smooth", "symmetric"]))
                 for k in keys_between(None, None, n))


class EditGen:
    """Builds events against its own copy of the document, so every event applies."""

    def __init__(self, seed: int):
        self.r = random.Random(seed)
        self.doc = Document()
        self.n = 0
        self.events: list = []
        ab = Artboard("artboard:t.1", "Board ✓", 0.0, 0.0, 800.0, 600.0, "a0", color(self.r) if self.r.random() < 0.5 else None)
        self.emit([T.ArtboardCreated(ab), T.LayerCreated(Layer("layer:t.2", ab.id, "L", "a0"))])

    def new_id(self, kind):
        self.n += 1
        return f"{kind}:t.{self.n + 10}"

    def emit(self, evs):
        self.doc = reduce_all(self.doc, evs)
        self.events.extend(evs)

    def order(self, parent):
        kids = self.doc.children(parent)
        return key_between(self.doc.get(kids[-1]).order if kids else None, None)

    def parents(self):
        return ["layer:t.2"] + [k for k, o in self.doc.objects.items() if isinstance(o, Group)]

    def objs(self, cls=None):
        return sorted(k for k, o in self.doc.objects.items() if cls is None or isinstance(o, cls))

    def step(self):
        r = self.r
        ops = [self.create_shape, self.create_path, self.create_group, self.transform_run, self.anchor_run,
               self.geom_run, self.artboard_run, self.restyle, self.anchor_structure, self.delete, self.convert,
               self.reparent, self.mixed_same_object]
        r.choice(ops)()

    def create_shape(self):
        p = self.r.choice(self.parents())
        self.emit([T.ObjectCreated(Shape(self.new_id("shape"), p, self.order(p), geom(self.r), "s", style(self.r), transform(self.r)))])

    def create_path(self):
        r = self.r
        p = r.choice(self.parents())
        subs = tuple(Subpath(anchors(r, r.randint(1, 7)), r.random() < 0.5) for _ in range(r.randint(1, 2)))
        self.emit([T.ObjectCreated(Path(self.new_id("path"), p, self.order(p), subs, "p", r.choice(["nonzero", "evenodd"]), style(r)))])

    def create_group(self):
        self.emit([T.ObjectCreated(Group(self.new_id("group"), "layer:t.2", self.order("layer:t.2"), "g", transform(self.r), 0.5))])

    def transform_run(self):
        ids = self.objs()
        if ids:
            for _ in range(self.r.randint(1, 12)):
                i = self.r.choice(ids)
                self.emit([T.ObjectTransformed(i, self.doc.objects[i].transform, transform(self.r))])

    def _anchor_keys(self, pid):
        return [a.key for sp in self.doc.objects[pid].subpaths for a in sp.anchors]

    def _anchor(self, pid, key):
        return next(a for sp in self.doc.objects[pid].subpaths for a in sp.anchors if a.key == key)

    def anchor_run(self):
        paths = [p for p in self.objs(Path) if self._anchor_keys(p)]
        if not paths:
            return
        for _ in range(self.r.randint(1, 15)):
            pid = self.r.choice(paths)
            key = self.r.choice(self._anchor_keys(pid))
            a = self._anchor(pid, key)
            if self.r.random() < 0.6:
                self.emit([T.AnchorMoved(pid, key, (a.x, a.y), (num(self.r), num(self.r)))])
            else:
                self.emit([T.HandlesMoved(pid, key, (a.in_x, a.in_y, a.out_x, a.out_y), tuple(num(self.r) for _ in range(4)))])

    def geom_run(self):
        shapes = self.objs(Shape)
        for _ in range(self.r.randint(1, 8) if shapes else 0):
            s = self.r.choice(shapes)
            self.emit([T.ShapeParametersChanged(s, self.doc.objects[s].geom, geom(self.r))])

    def artboard_run(self):
        for _ in range(self.r.randint(1, 4)):
            a = self.doc.artboards["artboard:t.1"]
            self.emit([T.ArtboardResized(a.id, (a.x, a.y, a.width, a.height), (num(self.r), num(self.r), abs(num(self.r)), abs(num(self.r))))])

    def restyle(self):
        ids = [i for i in self.objs() if not isinstance(self.doc.objects[i], Group)]
        if ids:
            i = self.r.choice(ids)
            self.emit([T.ObjectRestyled(i, self.doc.objects[i].style, style(self.r))])

    def anchor_structure(self):
        r = self.r
        paths = self.objs(Path)
        if not paths:
            return
        pid = r.choice(paths)
        p = self.doc.objects[pid]
        c = r.random()
        if c < 0.3 and p.subpaths:
            si = r.randrange(len(p.subpaths))
            sp = p.subpaths[si]
            key = key_between(sp.anchors[-1].key if sp.anchors else None, None)
            self.emit([T.AnchorAdded(pid, si, Anchor(key, num(r), num(r)))])
        elif c < 0.5 and self._anchor_keys(pid):
            key = r.choice(self._anchor_keys(pid))
            si = next(i for i, sp in enumerate(p.subpaths) if any(a.key == key for a in sp.anchors))
            self.emit([T.AnchorDeleted(pid, si, self._anchor(pid, key))])
        elif c < 0.65 and self._anchor_keys(pid):
            key = r.choice(self._anchor_keys(pid))
            a = self._anchor(pid, key)
            self.emit([T.AnchorTypeChanged(pid, key, a.kind, r.choice(["corner", "smooth", "symmetric"]))])
        elif c < 0.8:
            self.emit([T.SubpathAdded(pid, 0, Subpath(anchors(r, r.randint(1, 4)), True))])
        elif p.subpaths:
            i = r.randrange(len(p.subpaths))
            if r.random() < 0.5:
                self.emit([T.SubpathRemoved(pid, i, p.subpaths[i])])
            else:
                self.emit([T.SubpathClosureChanged(pid, i, p.subpaths[i].closed, not p.subpaths[i].closed)])

    def delete(self):
        leaves = [i for i in self.objs() if not self.doc.children(i)]
        if leaves:
            self.emit([T.ObjectDeleted(self.doc.objects[self.r.choice(leaves)])])

    def convert(self):
        shapes = self.objs(Shape)
        if shapes:
            s = self.doc.objects[self.r.choice(shapes)]
            self.emit([T.ShapeConvertedToPath(s, shape_to_path(s, self.new_id("path")))])

    def reparent(self):
        groups = self.objs(Group)
        ids = [i for i in self.objs() if not isinstance(self.doc.objects[i], Group)]
        if groups and ids:
            i, g = self.r.choice(ids), self.r.choice(groups)
            o = self.doc.objects[i]
            self.emit([T.ObjectReparented(i, (o.parent, o.order), (g, self.order(g)))])

    def mixed_same_object(self):
        """Geometry, then a structural edit of the same object, then geometry again (slot write-back)."""
        self.anchor_run()
        self.anchor_structure()
        self.anchor_run()
        self.transform_run()
        self.restyle()
        self.transform_run()


def random_events(seed: int, steps: int) -> list:
    g = EditGen(seed)
    for _ in range(steps):
        g.step()
    return g.events
