"""Generate a realistic .wiretuner document of N events, for the history benchmarks.

    python perf/gen_doc.py --events 100000 [--seed 1] [--snapshot-every 500] -o perf/out/doc100k.wiretuner

An editing session is simulated operation by operation: shapes and paths created (paths with
4-200 anchors, some drawn anchor by anchor with the pen), moves, anchor, handle and shape-parameter
drags sampled every 50 ms (one group per drag, as the editor logs them), restyles, renames,
reorders, deletes, shape-to-path conversions, undo and redo (compensating events). Events are
written through EventStore.append, one transaction per operation, with synchronous=OFF (the
generator is not an editor), and a snapshot is written every --snapshot-every events, as the
editor's background snapshotter would. Deterministic for a seed.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from wiretuner_gl.errors import ReducerError  # noqa: E402
from wiretuner_gl.events import types as T  # noqa: E402
from wiretuner_gl.events.reducer import reduce_all  # noqa: E402
from wiretuner_gl.model.document import Document  # noqa: E402
from wiretuner_gl.model.ids import IdFactory, key_between, keys_between  # noqa: E402
from wiretuner_gl.model.nodes import (Anchor, Artboard, EllipseGeom, Layer, LineGeom, Path as PathNode,  # noqa: E402
                                      PolygonGeom, RectGeom, Shape, StarGeom, Subpath)
from wiretuner_gl.model.shapes import shape_to_path  # noqa: E402
from wiretuner_gl.model.values import Color, Stroke, Style  # noqa: E402
from wiretuner_gl.store.file import EventStore  # noqa: E402
from wiretuner_gl.store.snapshots import SnapshotWriter  # noqa: E402
from wiretuner_gl.store.undo import UndoHistory  # noqa: E402

ACTOR = "gen0001"
PALETTE = [Color.hex(h) for h in ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
                                  "#7f7f7f", "#bcbd22", "#17becf", "#222222", "#ffffff")]


class Generator:
    def __init__(self, store: EventStore, seed: int, snapshot_every: int):
        self.store = store
        self.rng = random.Random(seed)
        self.ids = IdFactory(ACTOR)
        self.doc = Document()
        self.seq = 0
        self.ts = 1_700_000_000.0
        self.groups = 0
        self.done: list[tuple[str, list]] = []  # undo stack: (group, events)
        self.undone: list[tuple[str, list]] = []  # redo stack: (undo group, inverse events)
        self.layers: list[str] = []
        self.created: list[str] = []
        self.writer = SnapshotWriter(store) if snapshot_every else None
        self.snapshot_every = snapshot_every
        self.last_snap = 0
        self.snapshot_ms: list[float] = []
        self.history = UndoHistory(ACTOR)  # as the editor's session keeps it; stored with snapshots

    def _logged(self, recs) -> None:
        self.history.feed(ACTOR, recs[0].group, recs[0].cause)
        if self.writer and self.seq - self.last_snap >= self.snapshot_every:
            t0 = time.perf_counter()
            h = self.history
            self.writer.write(self.doc, self.seq, ts=self.ts,
                              undo={"actor": ACTOR, "undo": list(h.undo_stack), "redo": list(h.redo_stack)})
            self.snapshot_ms.append((time.perf_counter() - t0) * 1e3)
            self.last_snap = self.seq

    # ------------------------------------------------------------------ logging
    def emit(self, events: list, cause: str | None = None, dt: float = 0.05) -> str | None:
        if not events:
            return None
        try:
            new = reduce_all(self.doc, events)
        except ReducerError:
            return None
        self.groups += 1
        group = f"{ACTOR}.g{self.groups}"
        self.ts += dt
        recs = self.store.append(events, actor=ACTOR, group=group, cause=cause, ts=self.ts)
        self.doc = new
        self.seq = recs[-1].seq
        if cause is None:
            self.done.append((group, events))
            self.undone.clear()
        self._logged(recs)
        return group

    def drag(self, make_sample, samples: int) -> None:
        """A drag: every 50 ms sample is one append under the drag's single group (one undo step)."""
        self.groups += 1
        group = f"{ACTOR}.g{self.groups}"
        logged = []
        for i in range(samples):
            events = make_sample(i)
            try:
                new = reduce_all(self.doc, events)
            except ReducerError:
                break
            self.ts += 0.05
            recs = self.store.append(events, actor=ACTOR, group=group, ts=self.ts)
            self.doc, self.seq = new, recs[-1].seq
            logged.extend(events)
            self._logged(recs)
        if logged:
            self.done.append((group, logged))
            self.undone.clear()

    # ------------------------------------------------------------------ helpers
    def f(self, lo: float, hi: float) -> float:
        return self.rng.uniform(lo, hi)

    def style(self) -> Style:
        r = self.rng
        stroke = Stroke(r.choice(PALETTE), round(r.uniform(0.5, 6), 2)) if r.random() < 0.5 else None
        return Style(r.choice(PALETTE) if r.random() < 0.9 else None, stroke, 1.0 if r.random() < 0.8 else round(r.random(), 2))

    def pick(self, kind=None):
        # recent objects are edited more: pick mostly among the newest created
        ids, objs = self.created, self.doc.objects
        for _ in range(30):
            if not ids:
                return None
            i = max(0, len(ids) - 1 - int(abs(self.rng.gauss(0, max(3.0, len(ids) / 6)))))
            o = objs.get(ids[i])
            if o is None:
                if self.rng.random() < 0.5:
                    ids.pop(i)  # deleted (an undo may bring it back; then it is simply picked less)
                continue
            if kind is None or isinstance(o, kind):
                return ids[i]
        return None

    # ------------------------------------------------------------------ operations
    def setup(self) -> None:
        x = 0.0
        for a in range(self.rng.randint(1, 3)):
            w, h = self.rng.choice([(1920.0, 1080.0), (1440.0, 900.0), (375.0, 812.0), (800.0, 600.0)])
            ab = Artboard(self.ids.new("artboard"), f"Artboard {a + 1}", x, 0.0, w, h, key_between(None, None) if a == 0 else
                          key_between(self.doc.artboards[self.doc.children()[-1]].order, None))
            x += w + 100
            evs = [T.ArtboardCreated(ab)]
            for i, k in enumerate(keys_between(None, None, self.rng.randint(1, 3))):
                lid = self.ids.new("layer")
                evs.append(T.LayerCreated(Layer(lid, ab.id, f"Layer {i + 1}", k)))
                self.layers.append(lid)
            self.emit(evs)

    def _order(self, parent: str) -> str:
        kids = self.doc.children(parent)
        return key_between(self.doc.get(kids[-1]).order if kids else None, None)

    def create_shape(self) -> None:
        r = self.rng
        layer = r.choice(self.layers)
        cx, cy = self.f(0, 1800), self.f(0, 1000)
        kind = r.randrange(5)
        if kind == 0:
            g = RectGeom(cx, cy, self.f(10, 400), self.f(10, 300), *([round(self.f(0, 20), 1)] * 4 if r.random() < 0.3 else []))
        elif kind == 1:
            g = EllipseGeom(cx, cy, self.f(5, 200), self.f(5, 200))
        elif kind == 2:
            g = PolygonGeom(cx, cy, self.f(10, 200), r.randint(3, 12))
        elif kind == 3:
            g = StarGeom(cx, cy, self.f(20, 200), self.f(5, 20), r.randint(4, 12))
        else:
            g = LineGeom(cx, cy, cx + self.f(-300, 300), cy + self.f(-300, 300))
        sid = self.ids.new("shape")
        self.created.append(sid)
        self.emit([T.ObjectCreated(Shape(sid, layer, self._order(layer), g, style=self.style()))], dt=1.0)

    def _anchor_count(self) -> int:
        return min(200, 4 + int(self.rng.lognormvariate(2.3, 0.9)))

    def create_path(self) -> None:
        r = self.rng
        layer = r.choice(self.layers)
        n = self._anchor_count()
        keys = keys_between(None, None, n)
        cx, cy, rad = self.f(0, 1800), self.f(0, 1000), self.f(20, 300)
        anchors = []
        for i, k in enumerate(keys):
            t = 2 * math.pi * i / n
            smooth = r.random() < 0.6
            h = rad * 0.2 if smooth else 0.0
            anchors.append(Anchor(k, cx + rad * math.cos(t) + self.f(-9, 9), cy + rad * math.sin(t) + self.f(-9, 9),
                                  h * math.sin(t), -h * math.cos(t), -h * math.sin(t), h * math.cos(t),
                                  "smooth" if smooth else "corner"))
        pid = self.ids.new("path")
        self.created.append(pid)
        closed = r.random() < 0.7
        if r.random() < 0.5 or n > 60:  # pasted / imported / drawn in one go
            self.emit([T.ObjectCreated(PathNode(pid, layer, self._order(layer), (Subpath(tuple(anchors), closed),), style=self.style()))], dt=1.0)
            return
        # drawn with the pen: two anchors, then one click (and maybe a handle drag) per anchor
        g = self.emit([T.ObjectCreated(PathNode(pid, layer, self._order(layer), (Subpath(tuple(anchors[:2]), False),), style=self.style()))])
        if g is None:
            return
        for a in anchors[2:]:
            self.emit([T.AnchorAdded(pid, 0, a)], dt=0.6)
            if a.kind == "smooth" and r.random() < 0.5:
                base = (a.in_x, a.in_y, a.out_x, a.out_y)
                self.drag(lambda i, a=a, base=base: [T.HandlesMoved(pid, a.key, self._handles(pid, a.key),
                                                                   tuple(v * (1 + 0.05 * (i + 1)) for v in base))], r.randint(3, 12))
        if closed:
            self.emit([T.SubpathClosureChanged(pid, 0, False, True)])

    def _anchor(self, pid: str, key: str) -> Anchor:
        for sp in self.doc.objects[pid].subpaths:
            for a in sp.anchors:
                if a.key == key:
                    return a
        raise KeyError(key)

    def _handles(self, pid, key):
        a = self._anchor(pid, key)
        return (a.in_x, a.in_y, a.out_x, a.out_y)

    def move_drag(self) -> None:
        r = self.rng
        sel = {self.pick() for _ in range(r.choice([1, 1, 1, 2, 3, 5]))} - {None}
        if not sel:
            return
        dx, dy = self.f(-4, 4), self.f(-4, 4)
        starts = {i: self.doc.objects[i].transform for i in sel}

        def sample(i):
            out = []
            for oid in sel:
                a, b, c, d, e, f = starts[oid]
                out.append(T.ObjectTransformed(oid, self.doc.objects[oid].transform, (a, b, c, d, e + dx * (i + 1), f + dy * (i + 1))))
            return out

        self.drag(sample, r.randint(4, 60))

    def anchor_drag(self) -> None:
        pid = self.pick(PathNode)
        if pid is None:
            return
        p = self.doc.objects[pid]
        anchors = [a for sp in p.subpaths for a in sp.anchors]
        if not anchors:
            return
        a = self.rng.choice(anchors)
        dx, dy = self.f(-5, 5), self.f(-5, 5)
        if self.rng.random() < 0.75:
            self.drag(lambda i: [T.AnchorMoved(pid, a.key, (lambda b: (b.x, b.y))(self._anchor(pid, a.key)),
                                               (a.x + dx * (i + 1), a.y + dy * (i + 1)))], self.rng.randint(4, 40))
        else:
            self.drag(lambda i: [T.HandlesMoved(pid, a.key, self._handles(pid, a.key),
                                                (a.in_x - dx * i, a.in_y - dy * i, a.out_x + dx * i, a.out_y + dy * i))],
                      self.rng.randint(4, 30))

    def shape_drag(self) -> None:
        sid = self.pick(Shape)
        if sid is None:
            return
        g0 = self.doc.objects[sid].geom
        s = self.f(0.9, 1.1)

        def sample(i):
            k = s ** (i + 1)
            if isinstance(g0, RectGeom):
                g = RectGeom(g0.x, g0.y, g0.width * k, g0.height * k, g0.r_tl, g0.r_tr, g0.r_br, g0.r_bl)
            elif isinstance(g0, EllipseGeom):
                g = EllipseGeom(g0.cx, g0.cy, g0.rx * k, g0.ry * k)
            elif isinstance(g0, PolygonGeom):
                g = PolygonGeom(g0.cx, g0.cy, g0.radius * k, g0.sides, g0.rotation + i)
            elif isinstance(g0, StarGeom):
                g = StarGeom(g0.cx, g0.cy, g0.outer * k, g0.inner * k, g0.points, g0.rotation)
            else:
                g = LineGeom(g0.x1, g0.y1, g0.x2 * k, g0.y2 * k)
            return [T.ShapeParametersChanged(sid, self.doc.objects[sid].geom, g)]

        self.drag(sample, self.rng.randint(4, 30))

    def restyle(self) -> None:
        oid = self.pick()
        if oid is None or not hasattr(self.doc.objects[oid], "style"):
            return
        o = self.doc.objects[oid]
        self.emit([T.ObjectRestyled(oid, o.style, self.style())], dt=2.0)

    def small_edit(self) -> None:
        oid = self.pick()
        if oid is None:
            return
        o = self.doc.objects[oid]
        r = self.rng.random()
        if r < 0.4:
            self.emit([T.ObjectRenamed(oid, o.name, f"{o.TAG} {self.rng.randint(1, 999)}")], dt=3.0)
        elif r < 0.6:
            self.emit([T.ObjectVisibilityChanged(oid, o.visible, not o.visible)])
        elif r < 0.7:
            self.emit([T.ObjectLockChanged(oid, o.locked, not o.locked)])
        else:
            kids = self.doc.children(o.parent)
            if len(kids) > 1:
                first = self.doc.get(kids[0]).order
                self.emit([T.ObjectReordered(oid, o.order, key_between(None, first) if o.order != first else
                                              key_between(self.doc.get(kids[-1]).order, None))])

    def duplicate(self) -> None:
        """Paste / duplicate: copies of a few objects, offset, in one operation."""
        src = {self.pick() for _ in range(self.rng.randint(1, 12))} - {None}
        evs = []
        for oid in sorted(src):
            o = self.doc.objects[oid]
            if not isinstance(o, (Shape, PathNode)):
                continue
            nid = self.ids.new(o.TAG)
            self.created.append(nid)
            a, b, c, d, e, f = o.transform
            order = evs[-1].node.order if evs and evs[-1].node.parent == o.parent else self._order(o.parent)
            evs.append(T.ObjectCreated(replace(o, id=nid, order=key_between(order, None), transform=(a, b, c, d, e + 20.0, f + 20.0))))
        self.emit(evs, dt=1.0)

    def delete(self) -> None:
        oid = self.pick()
        if oid is None or self.doc.children(oid):
            return
        self.emit([T.ObjectDeleted(self.doc.objects[oid])], dt=1.0)

    def convert(self) -> None:
        sid = self.pick(Shape)
        if sid is None:
            return
        s = self.doc.objects[sid]
        pid = self.ids.new("path")
        self.created.append(pid)
        self.emit([T.ShapeConvertedToPath(s, shape_to_path(s, pid))])

    def artboard_resize(self) -> None:
        ab = self.doc.artboards[self.rng.choice(list(self.doc.artboards.keys()))]
        k = self.f(0.98, 1.02)
        self.drag(lambda i: [T.ArtboardResized(ab.id, tuple((lambda a: (a.x, a.y, a.width, a.height))(self.doc.artboards[ab.id])),
                                               (ab.x, ab.y, ab.width * k ** (i + 1), ab.height * k ** (i + 1)))], self.rng.randint(4, 20))

    def undo(self) -> None:
        if not self.done:
            return
        group, events = self.done.pop()
        inv = [e.inverse() for e in reversed(events)]
        g = self.emit(inv, cause=f"undo:{group}", dt=0.5)
        if g is not None:
            self.undone.append((g, inv))

    def redo(self) -> None:
        if not self.undone:
            return
        group, events = self.undone.pop()
        inv = [e.inverse() for e in reversed(events)]
        g = self.emit(inv, cause=f"redo:{group}", dt=0.5)
        if g is not None:
            self.done.append((g, inv))

    def step(self) -> None:
        ops = [(self.create_shape, 9), (self.create_path, 6), (self.move_drag, 27), (self.anchor_drag, 22),
               (self.shape_drag, 8), (self.restyle, 8), (self.small_edit, 6), (self.duplicate, 3), (self.delete, 4), (self.convert, 0.7),
               (self.artboard_resize, 0.3), (self.undo, 6), (self.redo, 2)]
        if len(self.doc.objects) < 5:
            ops = ops[:2]
        fn = self.rng.choices([o for o, _ in ops], [w for _, w in ops])[0]
        fn()


def generate(out: str | Path, events: int, seed: int = 1, snapshot_every: int = 500, quiet: bool = True) -> dict:
    t0 = time.perf_counter()
    store = EventStore.create(out, overwrite=True, synchronous="OFF")
    try:
        store.set_setting("local_actor", ACTOR)
        g = Generator(store, seed, snapshot_every)
        g.setup()
        while g.seq < events:
            g.step()
            if not quiet and g.groups % 2000 == 0:
                print(f"  {g.seq} events", file=sys.stderr)
        # trim the overshoot of the last operation so the log holds exactly N events
        if g.seq > events:
            store.conn.execute("DELETE FROM events WHERE seq > ?", (events,))
            store.conn.execute("DELETE FROM snapshots WHERE seq > ?", (events,))
        counts = None
        from wiretuner_gl.store.loader import load

        counts = load(store).doc.counts()
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        store.close()
    return {"file": str(out), "events": events, "seed": seed, "objects": counts,
            "snapshots": len(g.snapshot_ms), "seconds": round(time.perf_counter() - t0, 2)}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--events", type=int, required=True)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--snapshot-every", type=int, default=500, help="events between snapshots (0: none)")
    p.add_argument("-o", "--output", required=True)
    a = p.parse_args(argv)
    if a.events < 1:
        p.error("--events must be at least 1")
    info = generate(a.output, a.events, a.seed, a.snapshot_every, quiet=False)
    print(json.dumps(info))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
