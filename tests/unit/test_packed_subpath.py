"""PackedSubpath: a snapshot's subpath whose Anchor objects are built on first use, equal to the plain value."""

from __future__ import annotations

import dataclasses
import random

import numpy as np
import pytest

from wiretuner_gl.geometry.outline import path_arrays
from wiretuner_gl.model.ids import keys_between
from wiretuner_gl.model.nodes import Anchor, Path, Subpath
from wiretuner_gl.model.packed import LETTER_OF_KIND, PackedSubpath


def _pair(seed: int, counts=(3, 1, 5)):
    rng = random.Random(seed)
    plain, keys, kinds, flat = [], [], "", []
    for n in counts:
        anchors = tuple(Anchor(k, rng.uniform(-9, 9), rng.uniform(-9, 9), rng.uniform(-1, 1), 0.0, -0.0, rng.uniform(-1, 1),
                               rng.choice(["corner", "smooth", "symmetric"])) for k in keys_between(None, None, n))
        plain.append(Subpath(anchors, n % 2 == 1))
        keys += [a.key for a in anchors]
        kinds += "".join(LETTER_OF_KIND[a.kind] for a in anchors)
        flat += [v for a in anchors for v in (a.x, a.y, a.in_x, a.in_y, a.out_x, a.out_y)]
    packed = PackedSubpath.bulk([sp.closed for sp in plain], list(counts), keys, kinds, np.array(flat))
    return plain, packed


def test_a_packed_subpath_equals_and_hashes_like_the_plain_one_both_ways():
    plain, packed = _pair(1)
    for p, q in zip(plain, packed):
        assert q.materialized() is None
        assert p == q and q == p and not (p != q)
        assert hash(p) == hash(q)
    assert plain[0] != packed[1]
    assert Path("path:a.1", "layer:a.2", "a0", tuple(plain)) == Path("path:a.1", "layer:a.2", "a0", tuple(packed))


def test_anchors_are_built_once_on_first_access():
    plain, packed = _pair(2)
    q = packed[2]
    assert q.materialized() is None
    first = q.anchors
    assert first == plain[2].anchors and q.anchors is first and q.materialized() is first


def test_a_packed_subpath_is_frozen_and_replace_gives_an_ordinary_value():
    plain, packed = _pair(3)
    with pytest.raises(dataclasses.FrozenInstanceError):
        packed[0].anchors = ()
    with pytest.raises(dataclasses.FrozenInstanceError):
        packed[0].closed = False
    r = dataclasses.replace(packed[0], closed=not packed[0].closed)
    assert r.anchors == plain[0].anchors and r.closed != plain[0].closed
    assert r.packed_floats() is None  # built through __init__: its anchors are the truth


def test_geometry_reads_the_packed_floats_without_building_anchors():
    plain, packed = _pair(4)
    a = path_arrays(Path("path:a.1", "layer:a.2", "a0", tuple(plain)))
    b = path_arrays(Path("path:a.1", "layer:a.2", "a0", tuple(packed)))
    assert all(sp.materialized() is None for sp in packed)
    np.testing.assert_array_equal(a.anchors, b.anchors)
    np.testing.assert_array_equal(a.sub_start, b.sub_start)
    np.testing.assert_array_equal(a.closed, b.closed)


def test_the_timeline_meter_counts_packed_columns_without_building_anchors():
    from wiretuner_gl.store.timeline import MemoryMeter

    plain, packed = _pair(5, counts=(50, 70))
    size = MemoryMeter()._deep(packed[1], set())  # its own share: 70 anchors, not the shared 120
    assert packed[1].materialized() is None
    assert 70 * 48 <= size <= 70 * 200
    packed[1].anchors
    assert MemoryMeter()._deep(packed[1], set()) > size + 70 * 64  # then the Anchor objects count too
