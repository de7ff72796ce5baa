"""Batched replay: geometric events through numba kernels, everything else through the reducer.

The replayer keeps *slots*: one row of a float64 column array per geometric target (an anchor,
an object's transform, a shape's geometry, an artboard's rect), filled from the node the first
time a batch touches it. A run of geometric events is one kernel call (an ordered scatter into
the slots). Nodes are rebuilt from their dirty slots only when something needs them: a
structural event that targets the node (then the node's slots are dropped, as its shape may
change), or the end of the replay. So a drag of 10K samples costs one node rebuild, not 10K.

Same result as the reducer event by event (hash-equal; property-tested with and without
NUMBA_DISABLE_JIT=1), and the same ReducerError at the same seq for an event that cannot apply.
"""

from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

from ..errors import ReducerError
from ..model.document import MutableDocument
from ..model.nodes import Anchor, Artboard, Group, Path, Shape, Subpath
from . import geocols as G
from .reducer import apply, replace  # replace: the reducer's fast one for slotted nodes

_A, _T, _G, _R = 1, 2, 3, 4  # slot groups
_GROUP_OF_PREFIX = {"A": _A, "T": _T, "G": _G, "R": _R}
_OFFSETS = np.zeros(6, np.int64)
_WIDTHS = np.zeros(6, np.int64)
_GROUPS = np.zeros(6, np.int64)
for _k, (_off, _w) in G.LAYOUT.items():
    _OFFSETS[_k], _WIDTHS[_k] = _off, _w
_GROUPS[G.ANCHOR_MOVED] = _GROUPS[G.HANDLES_MOVED] = _A
_GROUPS[G.TRANSFORMED], _GROUPS[G.GEOM_CHANGED], _GROUPS[G.ARTBOARD_RESIZED] = _T, _G, _R
_KIND_NAME = {G.ANCHOR_MOVED: "AnchorMoved", G.HANDLES_MOVED: "HandlesMoved", G.TRANSFORMED: "ObjectTransformed",
              G.GEOM_CHANGED: "ShapeParametersChanged", G.ARTBOARD_RESIZED: "ArtboardResized"}


class ReplayFailed(Exception):
    """An event cannot apply: carries its seq and the reducer's message."""

    def __init__(self, seq: int, kind: str, message: str):
        super().__init__(message)
        self.seq, self.kind = int(seq), kind


def _kernels():
    from . import _replay_numba  # imported (and its cached code loaded) only when a batch runs

    return _replay_numba


class ColumnarReplayer:
    def __init__(self, m: MutableDocument, capacity: int = 1024):
        self.m = m
        self.cols = np.zeros((capacity, 9))
        # the kernel sets dirty flags through a numpy view of a bytearray, which Python then reads
        # per slot at list speed (a node has a few slots: numpy indexing would cost more per call)
        self._dirty = bytearray(capacity)
        self.dirty = np.frombuffer(self._dirty, np.bool_)
        self.slot_group = np.zeros(capacity, np.int64)
        self.groups: list[int] = []  # slot_group as a list, for the same reason
        self.n = 0
        self.slot_of: dict[str, int] = {}
        self.info: list = []  # per slot: (target, owner id, anchor key or None, (si, ai) or None)
        self.owned: dict[str, list[int]] = {}
        self.anchor_index: dict[str, dict[str, tuple[int, int]]] = {}  # path id -> anchor key -> (si, ai)
        self._k = None

    # ------------------------------------------------------------------ slots
    def _grow(self) -> None:
        cap = self.cols.shape[0] * 2
        self.cols = np.concatenate([self.cols, np.zeros_like(self.cols)])
        self.dirty = None  # release the view before the buffer is replaced
        self._dirty = self._dirty + bytearray(cap // 2)
        self.dirty = np.frombuffer(self._dirty, np.bool_)
        self.slot_group = np.concatenate([self.slot_group, np.zeros(cap // 2, np.int64)])

    def _anchor_where(self, oid: str, node: Path) -> dict[str, tuple[int, int]]:
        """key -> (subpath, anchor) index of a path, the first match as the reducer finds it; kept while
        the path has slots (a drag touches many anchors of one path: one walk instead of one each)."""
        idx = self.anchor_index.get(oid)
        if idx is None:
            idx = {}
            for si, sp in enumerate(node.subpaths):
                for ai, a in enumerate(sp.anchors):
                    idx.setdefault(a.key, (si, ai))
            self.anchor_index[oid] = idx
        return idx

    def _resolve(self, target: str, kind_code: int) -> int:
        """A new slot for target, filled from the current node; ReducerError as the reducer would raise."""
        parts = target.split(G.SEP) if type(target) is str else ()
        if len(parts) != (3 if parts and parts[0] == "A" else 2) or parts[0] not in _GROUP_OF_PREFIX:
            raise ReducerError(f"malformed geometric target {target!r}")
        prefix, oid = parts[0], parts[1]
        node = self.m.get(oid)
        kind = _KIND_NAME.get(kind_code, "event")
        where = None
        if prefix == "A":
            if not isinstance(node, Path):
                raise ReducerError(f"path {oid} does not exist")
            key = parts[2]
            where = self._anchor_where(oid, node).get(key)
            if where is None:
                raise ReducerError(f"{oid} has no anchor {key}")
            a = node.subpaths[where[0]].anchors[where[1]]
            row = (a.x, a.y, a.in_x, a.in_y, a.out_x, a.out_y)
        else:
            if node is None:
                raise ReducerError(f"node {oid} does not exist")
            key = None
            if prefix == "T" and isinstance(node, (Group, Path, Shape)):
                row = node.transform
            elif prefix == "G" and isinstance(node, Shape):
                row = G.geom_values(node.geom)
            elif prefix == "R" and isinstance(node, Artboard):
                row = (node.x, node.y, node.width, node.height)
            else:
                raise ReducerError(f"{kind} does not apply to {type(node).__name__} {oid}")
        s = self.n
        if s == self.cols.shape[0]:
            self._grow()
        self.n += 1
        self.cols[s, : len(row)] = row
        self.slot_group[s] = g = _GROUP_OF_PREFIX[prefix]
        self.groups.append(g)
        self.slot_of[target] = s
        self.info.append((target, oid, key, where))
        self.owned.setdefault(oid, []).append(s)
        return s

    # ------------------------------------------------------------------ batches
    def geometric(self, seqs: Sequence[int], targets: Sequence[str], vals: np.ndarray) -> None:
        """Apply a run of geometric events (vals: n x 10 float64 gval rows) in order.

        Per event this is C-level work only (map over dict lookups, the kernel; where a target is
        new, dict.fromkeys too): Python code runs per *new target*, not per event.
        """
        slot_of = self.slot_of
        try:  # usually every target already has its slot
            slots = np.fromiter(map(slot_of.__getitem__, targets), np.int64, len(targets))
        except KeyError:
            slots = self._new_slots(seqs, targets, vals)
        self._apply_prefix(slots, vals, seqs)

    def _new_slots(self, seqs, targets, vals) -> np.ndarray:
        slot_of = self.slot_of
        for t in dict.fromkeys(targets):  # distinct targets in order of first use
            if t in slot_of:
                continue
            try:
                self._resolve(t, 0)
            except ReducerError:
                # Geometric events change no structure, so whether a target resolves is fixed for the
                # whole run: the first event of the first target that fails is the reducer's failure.
                i = targets.index(t)
                self._apply_prefix(np.fromiter(map(slot_of.__getitem__, targets[:i]), np.int64, i), vals[:i], seqs)
                try:
                    self._resolve(t, int(vals[i, 0]))  # again, for the reducer's message with the kind
                except ReducerError as exc:
                    raise ReplayFailed(seqs[i], _KIND_NAME.get(int(vals[i, 0]), "?"), str(exc)) from None
                raise AssertionError("a target resolved on the second try")  # pragma: no cover
        return np.fromiter(map(slot_of.__getitem__, targets), np.int64, len(targets))

    def _apply_prefix(self, slots, vals, seqs) -> None:
        if not len(slots):
            return
        k = self._k or _kernels()
        self._k = k
        bad = k.scatter_batch(slots, vals, self.cols, self.dirty,
                              _OFFSETS, _WIDTHS, _GROUPS, self.slot_group)
        if bad >= 0:
            raise ReplayFailed(seqs[bad], "?", f"geometric columns of event {seqs[bad]} do not match its target")

    def structural(self, seq: int, event) -> None:
        """Apply a non-geometric event through the reducer, first settling the nodes it targets."""
        for oid in event.targets():
            self.anchor_index.pop(oid, None)
            slots = self.owned.pop(oid, None)
            if slots:
                self._write_back(oid, slots)
                for s in slots:
                    del self.slot_of[self.info[s][0]]
        try:
            apply(self.m, event)
        except ReducerError as exc:
            raise ReplayFailed(seq, event.KIND, str(exc)) from None

    # ------------------------------------------------------------------ nodes from slots
    def _write_back(self, oid: str, slots: list[int]) -> None:
        flags = self._dirty
        dirty = [s for s in slots if flags[s]]
        if not dirty:
            return
        for s in dirty:
            flags[s] = 0
        node = self.m.get(oid)
        changes = {}
        anchors: dict[int, list] = {}
        info, groups, cols = self.info, self.groups, self.cols
        for s in dirty:
            row = cols[s].tolist()
            g = groups[s]
            if g == _A:
                si, ai = info[s][3]
                lst = anchors.get(si)
                if lst is None:
                    lst = anchors[si] = list(node.subpaths[si].anchors)
                a = lst[ai]
                lst[ai] = Anchor(a.key, row[0], row[1], row[2], row[3], row[4], row[5], a.kind)
            elif g == _T:
                changes["transform"] = tuple(row[:6])
            elif g == _G:
                changes["geom"] = G.geom_from_values(row)
            else:
                changes.update(x=row[0], y=row[1], width=row[2], height=row[3])
        if anchors:
            subs = list(node.subpaths)
            for si, lst in anchors.items():
                subs[si] = Subpath(tuple(lst), subs[si].closed)
            changes["subpaths"] = tuple(subs)
        self.m.table(oid)[oid] = replace(node, **changes)

    def finish(self) -> None:
        """Rebuild every node with pending slot values (the transient is then current)."""
        for oid, slots in self.owned.items():
            self._write_back(oid, slots)


def replay_events(m: MutableDocument, events: Sequence, first_seq: int = 1) -> None:
    """Replay in-memory events into m with the kernels (tests, imports); raises ReplayFailed."""
    r = ColumnarReplayer(m)
    run_seqs, run_t, run_v = [], [], []

    def flush():
        if run_t:
            vals = np.frombuffer(b"".join(run_v), "<f8").reshape(-1, G.WIDTH)
            r.geometric(run_seqs, run_t, vals)
            run_seqs.clear(), run_t.clear(), run_v.clear()

    for i, e in enumerate(events):
        seq = first_seq + i
        t, v = G.columns(e)
        if t is not None:
            run_seqs.append(seq), run_t.append(t), run_v.append(v)
        else:
            flush()
            r.structural(seq, e)
    flush()
    r.finish()


def replay_columns(r: ColumnarReplayer, seqs: np.ndarray, targets: list, vals: np.ndarray,
                   structural: Sequence[tuple], decode: Callable[[tuple], object]) -> None:
    """Apply one window of the log in seq order: the geometric rows as columns (seqs ascending) and
    the other rows (`structural`, ascending by their first item, the seq), each applied at its place
    between geometric runs; `decode(row)` gives a structural row's event."""
    cuts = np.searchsorted(seqs, [row[0] for row in structural]).tolist() if structural else []
    a = 0
    for row, b in zip(structural, cuts):
        if b > a:
            r.geometric(seqs[a:b], targets[a:b], vals[a:b])
            a = b
        r.structural(row[0], decode(row))
    if len(seqs) > a:
        r.geometric(seqs[a:], targets[a:], vals[a:])
