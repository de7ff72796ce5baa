"""Snapping to the grid and to anchors (each can be toggled). Anchor candidates are gathered once
per committed document state, so a drag does not rescan the document on every move."""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..geometry import query as Q
from ..model.document import Document
from ..model.nodes import Path, Shape
from ..model.values import apply
from . import _geom as G


@dataclass
class SnapSettings:
    grid: bool = False
    anchors: bool = False
    grid_size: float = 10.0
    radius_px: float = 6.0


class Snapper:
    def __init__(self, settings: SnapSettings | None = None):
        self.settings = settings or SnapSettings()
        self._doc: Document | None = None
        self._points: list[tuple[str, float, float]] = []

    def _candidates(self, doc: Document):
        if doc is not self._doc:
            pts = []
            for oid in G.paint_order(doc):
                node = doc.objects[oid]
                if not G.editable(doc, oid):
                    continue
                m = G.world_transform(doc, oid)
                if isinstance(node, (Path, Shape)):
                    for anchors, _ in G.outline(node):
                        for a in anchors:
                            x, y = apply(m, a[0], a[1])
                            pts.append((oid, x, y))
            self._doc, self._points = doc, pts
        return self._points

    def snap(self, doc: Document, x: float, y: float, zoom: float, exclude=()) -> tuple[float, float]:
        s = self.settings
        r = s.radius_px / zoom
        if s.anchors:
            best, bd = None, r
            ex = set(exclude)
            for oid, px, py in self._candidates(doc):
                if oid in ex:
                    continue
                d = math.hypot(px - x, py - y)
                if d <= bd:
                    best, bd = (px, py), d
            if best is not None:
                return best
        if s.grid and s.grid_size > 0:
            return Q.snap_to_grid(x, y, s.grid_size)
        return (x, y)
