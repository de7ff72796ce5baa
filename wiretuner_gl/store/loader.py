"""Loading a document from its log: the newest verified snapshot, then the tail of events.

Short tails (the usual case after a snapshot every 500 events) replay through the reducer, with
every row's checksum checked, and never touch numba. Long ranges (files without snapshots,
timeline jumps, benchmarks) replay in batches: geometric events read from their numeric
columns and applied by the kernels, the rest decoded and reduced in between.
"""

from __future__ import annotations

import gc
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass, field

from ..errors import DocumentCorrupt, DocumentJsonError, ReducerError
from ..events.record import decode_event
from ..events.reducer import apply
from ..model.document import Document
from .file import EventStore, _corrupt, _crc

FAST_MIN_EVENTS = 2000  # below this the reducer is as quick and the kernels need not load


@dataclass
class LoadResult:
    doc: Document
    seq: int  # the last event applied
    problems: list[str] = field(default_factory=list)
    snapshot_seq: int = 0  # the snapshot the load started from (0: none)
    skipped_snapshots: list[dict] = field(default_factory=list)  # {seq, problem}: failed their checks

    @property
    def damaged(self) -> bool:
        return bool(self.problems)


@contextmanager
def _no_cyclic_gc():
    """Replay allocates millions of short-lived, acyclic objects (events, nodes, tuples): each
    allocation burst would otherwise trigger cyclic-GC passes over the whole (large) document,
    which measured here as a third to a half of replay time. Reference counting still frees
    everything; the collector resumes afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def replay(store: EventStore, doc: Document, start: int, end: int | None = None, *, recover: bool = False,
           fast: bool | None = None) -> LoadResult:
    """Apply events start..end to doc. With recover, stop at the first damaged event instead of raising.

    `fast`: None picks batched kernel replay for long ranges; True/False force it on/off.
    """
    with _no_cyclic_gc():
        return _replay(store, doc, start, end, recover, fast)


def _replay(store, doc, start, end, recover, fast) -> LoadResult:
    if fast is None:
        last = store.last_seq() if end is None else end
        fast = last - start + 1 >= FAST_MIN_EVENTS and store.format_version >= 2
    if fast:
        return _replay_fast(store, doc, start, end, recover)
    m = doc.mutate()
    seq = start - 1
    problems: list[str] = []
    try:
        for rec in store.records(start, end):
            try:
                apply(m, rec.event)
            except ReducerError as exc:
                raise DocumentCorrupt(f"{store.name}: event {rec.seq} ({rec.kind}) does not apply: {exc}", seq=rec.seq) from None
            seq = rec.seq
    except DocumentCorrupt as exc:
        if not recover:
            raise
        problems.append(str(exc))
    return LoadResult(m.finish(), seq, problems)


_FAST_SQL = "SELECT seq, gtarget, gval FROM events WHERE seq >= ? AND seq <= ? ORDER BY seq"
_STRUCTURAL_SQL = ("SELECT seq, kind, v, payload, crc FROM events WHERE gtarget IS NULL AND seq >= ? AND seq <= ? "
                   "ORDER BY seq")
_BATCH = 65536


def _replay_fast(store: EventStore, doc: Document, start: int, end: int | None, recover: bool) -> LoadResult:
    from ..events.replay_columnar import ColumnarReplayer, ReplayFailed, replay_rows

    name = store.name

    structural: dict[int, tuple] = {}

    def decode(row):
        seq, kind, v, payload, crc = structural.pop(row[0])
        if type(payload) is not str or _crc(kind, v, payload) != crc:
            raise DocumentCorrupt(f"{name}: event {seq} is damaged (checksum mismatch)", seq=seq)
        try:
            return decode_event(kind, v, payload)
        except DocumentJsonError as exc:
            raise DocumentCorrupt(f"{name}: event {seq} ({kind}) cannot be read: {exc}", seq=seq) from None

    m = doc.mutate()
    r = ColumnarReplayer(m)
    seq = start - 1
    problems: list[str] = []
    try:
        try:
            cur = store.conn.execute(_FAST_SQL, (start, 2**62 if end is None else end))
            while True:
                rows = cur.fetchmany(_BATCH)
                if not rows:
                    break
                structural.clear()
                for srow in store.conn.execute(_STRUCTURAL_SQL, (rows[0][0], rows[-1][0])):
                    structural[srow[0]] = srow
                last = replay_rows(r, rows, decode)
                seq = last
        except sqlite3.DatabaseError as exc:
            raise _corrupt(store.path, exc) from None
        except ReplayFailed as exc:
            seq = exc.seq - 1
            raise DocumentCorrupt(f"{name}: event {exc.seq} ({exc.kind}) does not apply: {exc}", seq=exc.seq) from None
    except DocumentCorrupt as exc:
        if exc.seq is not None:
            seq = exc.seq - 1
        if not recover:
            raise
        problems.append(str(exc))
    r.finish()
    return LoadResult(m.finish(), seq, problems)


def load(store: EventStore, *, upto: int | None = None, recover: bool = False) -> LoadResult:
    """The document at seq `upto` (default: the end of the log): newest valid snapshot + tail."""
    from .snapshots import newest_valid

    snap_seq, doc, skipped = newest_valid(store, upto)
    res = replay(store, doc, snap_seq + 1, upto, recover=recover)
    res.snapshot_seq = snap_seq
    res.skipped_snapshots = skipped
    return res
