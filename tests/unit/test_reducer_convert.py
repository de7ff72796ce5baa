"""Converting a shape that a concurrent edit moved or orphaned: replaying a log in one pass and
event by event must agree (the gateway checks batches event by event; replay does one pass)."""

from __future__ import annotations

import pytest

from wiretuner_gl.errors import ReducerError
from wiretuner_gl.events import types as T
from wiretuner_gl.events.reducer import reduce, reduce_all
from wiretuner_gl.model.document import Document
from wiretuner_gl.model.nodes import Artboard, Layer, RectGeom, Shape
from wiretuner_gl.model.shapes import shape_to_path


def _setup():
    ab = Artboard("artboard:t.1", "A", 0.0, 0.0, 100.0, 100.0, "a0")
    l1, l2 = Layer("layer:t.2", ab.id, "L1", "a0"), Layer("layer:t.3", ab.id, "L2", "a1")
    s = Shape("shape:t.4", l1.id, "a0", RectGeom(0.0, 0.0, 5.0, 5.0))
    return [T.ArtboardCreated(ab), T.LayerCreated(l1), T.LayerCreated(l2), T.ObjectCreated(s)], s, l1, l2


def test_a_conversion_after_a_concurrent_reparent_keeps_child_counts_in_step():
    setup, s, l1, l2 = _setup()
    p = shape_to_path(s, "path:u.9")  # converted where its author saw it: in L1
    log = setup + [
        T.ObjectReparented(s.id, (l1.id, "a0"), (l2.id, "a0")),  # another user's move, ordered first
        T.ShapeConvertedToPath(s, p),  # puts the path in L1, where the event says
        T.LayerDeleted(l2),  # L2 is empty again
    ]
    one_pass = reduce_all(Document(), log)
    step = Document()
    for e in log:
        step = reduce(step, e)
    assert one_pass.state_hash() == step.state_hash()
    assert one_pass.children(l1.id) == (p.id,)
    with pytest.raises(ReducerError, match="still has children"):  # and L1 counts its new child
        reduce_all(Document(), log + [T.LayerDeleted(l1)])


def test_a_conversion_into_a_deleted_container_is_refused():
    setup, s, l1, l2 = _setup()
    p = shape_to_path(s, "path:u.9")
    moved = T.ObjectReparented(s.id, (l1.id, "a0"), (l2.id, "a0"))
    doc = reduce_all(Document(), setup + [moved, T.LayerDeleted(l1)])
    with pytest.raises(ReducerError, match="not an existing layer or group"):
        reduce(doc, T.ShapeConvertedToPath(s, p))
