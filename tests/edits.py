"""Random but valid edits through the public editing API, for property and fault tests."""

from __future__ import annotations

import random

from wiretuner_gl.events import types as T
from wiretuner_gl.model import (
    Anchor, Color, EllipseGeom, Group, Layer, LinearGradient, GradientStop, Path, PolygonGeom,
    RectGeom, Shape, StarGeom, Stroke, Style, Subpath, key_between, keys_between, shape_to_path,
)
from wiretuner_gl.store import DocumentSession


def _rand_style(r: random.Random) -> Style:
    fill = r.choice([None, Color(r.random(), r.random(), r.random(), 1.0),
                     LinearGradient(0, 0, 100, 0, (GradientStop(0.0, Color(1, 0, 0, 1)), GradientStop(1.0, Color(0, 0, 1, 0.5))))])
    stroke = r.choice([None, Stroke(Color(0, 0, 0, 1), width=r.uniform(0.5, 8), join=r.choice(["miter", "round", "bevel"]))])
    return Style(fill, stroke, round(r.uniform(0.2, 1.0), 3))


def _containers(doc):
    return [n.id for n in doc.layers.values()] + [o.id for o in doc.objects.values() if isinstance(o, Group)]


def _objects(doc, cls=None):
    return sorted(o.id for o in doc.objects.values() if cls is None or isinstance(o, cls))


def random_edit(s: DocumentSession, r: random.Random) -> str:
    """Perform one random valid operation on the session; returns its name."""
    doc = s.doc
    ops = ["create_shape", "create_path", "create_group", "transform", "restyle", "move_anchor", "gesture",
           "add_anchor", "delete", "reparent", "reorder", "convert", "undo", "redo", "layer", "artboard", "abort_gesture"]
    op = r.choice(ops)
    conts = _containers(doc)
    if not conts:
        op = "artboard"
    if op == "artboard":
        s.add_artboard(f"AB{r.randrange(100)}", r.uniform(0, 500), r.uniform(0, 500), 800, 600)
    elif op == "layer":
        ab = r.choice(sorted(doc.artboards.keys()))
        s.apply([T.LayerCreated(Layer(s.ids.new("layer"), ab, "L", s.next_order(ab)))])
    elif op == "create_shape":
        parent = r.choice(conts)
        geom = r.choice([RectGeom(r.uniform(0, 300), r.uniform(0, 300), 50, 40, r_tl=r.choice([0.0, 5.0])),
                         EllipseGeom(100, 100, r.uniform(5, 50), 20), PolygonGeom(50, 50, 30, r.randrange(3, 9)),
                         StarGeom(60, 60, 40, 15, r.randrange(3, 8))])
        s.apply([T.ObjectCreated(Shape(s.ids.new("shape"), parent, s.next_order(parent), geom, style=_rand_style(r)))])
    elif op == "create_path":
        parent = r.choice(conts)
        n = r.randrange(2, 8)
        anchors = tuple(Anchor(k, r.uniform(0, 400), r.uniform(0, 400), r.uniform(-9, 9), r.uniform(-9, 9), 0.0, 0.0)
                        for k in keys_between(None, None, n))
        s.apply([T.ObjectCreated(Path(s.ids.new("path"), parent, s.next_order(parent), (Subpath(anchors, r.random() < 0.5),),
                                      style=_rand_style(r), fill_rule=r.choice(["nonzero", "evenodd"])))])
    elif op == "create_group":
        parent = r.choice(conts)
        s.apply([T.ObjectCreated(Group(s.ids.new("group"), parent, s.next_order(parent), opacity=r.uniform(0.3, 1)))])
    elif op in ("transform", "gesture", "abort_gesture") and _objects(doc):
        oid = r.choice(_objects(doc))
        o = doc.objects[oid]
        if op == "transform":
            s.apply([T.ObjectTransformed(oid, o.transform, (1.0, 0.0, 0.0, 1.0, r.uniform(-50, 50), r.uniform(-50, 50)))])
        else:
            t = [0.0]
            g = s.begin_gesture(clock=lambda: t[0])
            for i in range(r.randrange(1, 6)):
                t[0] += r.choice([0.01, 0.03, 0.06])
                g.update([T.ObjectTransformed(oid, o.transform, (1.0, 0.0, 0.0, 1.0, float(i * 3), float(-i)))])
            g.abort() if op == "abort_gesture" else g.commit()
    elif op == "restyle" and _objects(doc, (Path, Shape)):
        oid = r.choice(_objects(doc, (Path, Shape)))
        s.apply([T.ObjectRestyled(oid, doc.objects[oid].style, _rand_style(r))])
    elif op in ("move_anchor", "add_anchor") and _objects(doc, Path):
        p = doc.objects[r.choice(_objects(doc, Path))]
        sp = p.subpaths[0]
        if op == "move_anchor" and sp.anchors:
            a = r.choice(sp.anchors)
            s.apply([T.AnchorMoved(p.id, a.key, (a.x, a.y), (r.uniform(0, 400), r.uniform(0, 400)))])
        elif sp.anchors:
            i = r.randrange(len(sp.anchors))
            nxt = sp.anchors[i + 1].key if i + 1 < len(sp.anchors) else None
            a = Anchor(key_between(sp.anchors[i].key, nxt), r.uniform(0, 400), r.uniform(0, 400), kind="smooth")
            s.apply([T.AnchorAdded(p.id, 0, a)])
    elif op == "delete" and _objects(doc):
        oid = r.choice(_objects(doc))
        ids = [oid] + doc.descendants(oid)
        s.apply([T.ObjectDeleted(doc.objects[i]) for i in reversed(ids)])
    elif op == "reparent" and _objects(doc):
        oid = r.choice(_objects(doc))
        o = doc.objects[oid]
        targets = [c for c in conts if c != oid and c not in doc.descendants(oid)]
        if targets:
            dest = r.choice(targets)
            s.apply([T.ObjectReparented(oid, (o.parent, o.order), (dest, s.next_order(dest)))])
    elif op == "reorder" and _objects(doc):
        oid = r.choice(_objects(doc))
        o = doc.objects[oid]
        s.apply([T.ObjectReordered(oid, o.order, key_between(None, min(doc.get(c).order for c in doc.children(o.parent))))])
    elif op == "convert" and _objects(doc, Shape):
        sh = doc.objects[r.choice(_objects(doc, Shape))]
        s.apply([T.ShapeConvertedToPath(sh, shape_to_path(sh, s.ids.new("path")))])
    elif op == "undo":
        s.undo()
    elif op == "redo":
        s.redo()
    return op
