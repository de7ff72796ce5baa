"""The generated scene `wiretuner perf capture` uses when no FILE is given: a deterministic mix
of rectangles, ellipses, stars and curved paths on one artboard (events through a real session)."""

from __future__ import annotations

import math
import random
from pathlib import Path

from ..events.types import ObjectCreated
from ..model.ids import keys_between
from ..model.nodes import Anchor, EllipseGeom, Path as PathNode, RectGeom, Shape, StarGeom, Subpath
from ..model.values import Color, Stroke, Style
from ..store.session import DocumentSession


def generate(path: Path, objects: int = 2000, seed: int = 1, size: float = 1000.0) -> Path:
    rng = random.Random(seed)
    s = DocumentSession.create(path, artboard=(size, size), name="Capture scene")
    layer = s.doc.children(s.doc.children()[0])[0]
    keys = keys_between(None, None, objects)
    events = []
    for i in range(objects):
        x, y, r = rng.uniform(0, size), rng.uniform(0, size), rng.uniform(4, 18)
        style = Style(fill=Color(rng.random(), rng.random(), rng.random(), 1.0),
                      stroke=Stroke(Color(0, 0, 0, 1), rng.uniform(0.5, 2.0)) if i % 4 == 0 else None)
        k = i % 4
        if k == 0:
            geom = RectGeom(x, y, r * 1.4, r, 2, 2, 2, 2)
        elif k == 1:
            geom = EllipseGeom(x, y, r, r * 0.6)
        elif k == 2:
            geom = StarGeom(x, y, r, r * 0.45, 5)
        else:
            n = rng.randint(3, 6)
            ak = keys_between(None, None, n)
            anchors = []
            for j in range(n):
                a = 2 * math.pi * j / n
                hx, hy = rng.uniform(-r, r) * 0.5, rng.uniform(-r, r) * 0.5
                anchors.append(Anchor(ak[j], x + r * math.cos(a), y + r * math.sin(a), -hx, -hy, hx, hy, "smooth"))
            events.append(ObjectCreated(PathNode(f"path:gen.{i}", layer, keys[i], (Subpath(tuple(anchors), True),), style=style)))
            continue
        events.append(ObjectCreated(Shape(f"shape:gen.{i}", layer, keys[i], geom, style=style)))
    for start in range(0, len(events), 500):  # a few operations, as an import would
        s.apply(events[start:start + 500])
    s.close()
    return path
