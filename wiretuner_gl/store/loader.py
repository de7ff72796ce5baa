"""Loading a document from its log: the newest verified snapshot, then the tail of events.

Short tails (the usual case after a snapshot every 500 events) replay through the reducer, with
every row's checksum checked, and never touch numba. Long ranges (files without snapshots,
timeline jumps, benchmarks) replay in batches: geometric events read from their numeric
columns and applied by the kernels, the rest decoded and reduced in between.
"""

from __future__ import annotations

import gc
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from typing import Iterator

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


# Batched replay reads a window of seqs at a time. The geometric rows of a window come back as one
# aggregate row built by SQLite's own C loop, not as one Python tuple per event (that per-row
# Python work bounded replay at ~0.6M events/s): the seqs as text, the gval blobs end to end, the
# targets joined by \x1e, the row count and how many rows hold a well-formed gval (a BLOB of 80
# bytes). A window whose counts disagree (a damaged gval, a target holding \x1e) is re-read row
# by row, which names the damaged row exactly as before.
#  - Order: nothing relies on the order group_concat sees rows in (arbitrary per SQLite's docs
#    before 3.44, and `ORDER BY` inside the call needs 3.44; Debian 12 ships 3.40). The seqs come
#    from the same aggregate step as the blobs and targets, so all three share one order; if the
#    seqs are not increasing, the window is sorted by seq in numpy. Gaps in seq need no care.
#  - Bytes: group_concat reads a BLOB as text in the database encoding without converting it, and
#    CAST(text AS BLOB) gives those bytes back (SQLite "Type Conversions"): in a UTF-8 database
#    (checked once; we never write another) the blob is the gvals verbatim.
#  - Damage: `length(gval) = 80` holds for an 80-byte BLOB and for TEXT of 80 characters before
#    any NUL; every other gval (NULL, a number, another length) fails the count and the window
#    takes the row path. Such TEXT has at least 80 bytes, so with the total exactly 80 per row
#    each row is 80 bytes, and its first byte is not NUL: its kind code is then not an exact
#    integer (a real code 1..5 has zero low-order bytes, stored first), which the kernel refuses
#    at that row's seq.
#    So every damaged gval still stops replay at its own seq; typeof() per row is not needed.
_GEO_SQL = ("SELECT group_concat(seq), CAST(group_concat(gval, '') AS BLOB), group_concat(gtarget, '\x1e'), count(*), "
            "sum(length(gval) = 80) FROM events WHERE seq BETWEEN ? AND ? AND gtarget IS NOT NULL")
_ROWS_SQL = "SELECT seq, gtarget, gval FROM events WHERE seq BETWEEN ? AND ? AND gtarget IS NOT NULL ORDER BY seq"
_STRUCTURAL_SQL = ("SELECT seq, kind, v, payload, crc FROM events WHERE gtarget IS NULL AND seq BETWEEN ? AND ? "
                   "ORDER BY seq")
_BATCH = 16384  # seqs per window: small enough that reading the next overlaps applying this one


def _aggregate(conn: sqlite3.Connection, lo: int, hi: int) -> tuple:
    return conn.execute(_GEO_SQL, (lo, hi)).fetchone()


def read_geometric(conn: sqlite3.Connection, lo: int, hi: int, agg: tuple | None = None):
    """(seqs int64 array, targets list, vals n x 10 float64) of the geometric rows lo <= seq <= hi, in
    seq order, from the window's aggregate row `agg` (or row by row when it is None or fails its
    checks). Rows up to the first one with damaged numeric columns; that row's seq comes as the
    fourth value (else None)."""
    import numpy as np

    from ..events.geocols import WIDTH

    row_bytes = 8 * WIDTH
    if agg is not None:
        seqs_txt, blob, joined, n, ok = agg
        if not n:
            return np.zeros(0, np.int64), [], np.zeros((0, WIDTH)), None
        if ok == n and len(blob) == row_bytes * n:
            seqs = np.fromstring(seqs_txt, np.int64, sep=",")
            targets = joined.split("\x1e")
            if len(seqs) == n and len(targets) == n:
                vals = np.frombuffer(blob, "<f8").reshape(n, WIDTH)
                if n > 1 and not bool((seqs[1:] > seqs[:-1]).all()):
                    order = np.argsort(seqs, kind="stable")
                    seqs, vals, targets = seqs[order], vals[order], [targets[i] for i in order.tolist()]
                return seqs, targets, vals, None
    # row by row: exact per-row checks (a damaged gval, a target holding \x1e)
    seqs, targets, gvs = [], [], []
    bad = None
    for seq, t, g in conn.execute(_ROWS_SQL, (lo, hi)):
        if type(g) is not bytes or len(g) != row_bytes:
            bad = seq
            break
        seqs.append(seq), targets.append(t), gvs.append(g)
    vals = np.frombuffer(b"".join(gvs), "<f8").reshape(-1, WIDTH)
    return np.asarray(seqs, np.int64), targets, vals, bad


_IDENTITY_SQL = ("SELECT (SELECT value FROM meta WHERE key = 'created'), "
                 "(SELECT eid || ' ' || ts || ' ' || crc FROM events WHERE seq = ?)")


def _reader(store: EventStore, last: int) -> sqlite3.Connection | None:
    """A second, read-only connection to the store's file for the helper thread, or None (then the
    caller's connection reads everything): when the store's connection is inside a transaction
    (whose rows only it sees), or the path now leads to another file (replaced since it was opened:
    its creation stamp or the id, time or checksum of event `last` differ), or it cannot be opened."""
    if store.conn.in_transaction:
        return None
    reader = None
    try:
        reader = sqlite3.connect(store.path.resolve().as_uri() + "?mode=ro", uri=True, isolation_level=None,
                                 check_same_thread=False)
        if reader.execute(_IDENTITY_SQL, (last,)).fetchone() == store.conn.execute(_IDENTITY_SQL, (last,)).fetchone():
            return reader
    except (sqlite3.Error, ValueError, OSError):
        pass
    if reader is not None:
        reader.close()
    return None


def _windows(store: EventStore, start: int, last: int, whole: bool) -> Iterator[tuple]:
    """(lo, hi, structural rows, aggregate row) of the windows start..last in order.

    With more than one window, a helper thread reads the next window's geometric aggregate on its own
    read-only connection while the caller applies the current one (the sqlite3 module releases the
    GIL while SQLite works), so reading and applying overlap on two cores instead of adding up. The
    helper runs one statement per window (one step: a per-row fetch on a second thread would queue
    for the GIL behind the caller's Python at every row); the structural rows are fetched on the
    caller's thread and connection. Rows up to `last` are committed and never change, so the two
    connections read the same rows.
    """
    conn = store.conn
    bounds = [(lo, min(lo + _BATCH - 1, last)) for lo in range(start, last + 1, _BATCH)]
    reader = _reader(store, last) if whole and len(bounds) > 1 and sqlite3.threadsafety else None
    if reader is None:
        for lo, hi in bounds:
            yield lo, hi, conn.execute(_STRUCTURAL_SQL, (lo, hi)).fetchall(), _aggregate(conn, lo, hi) if whole else None
        return
    # on the way out (also on an error): the read in flight ends, then the connection closes
    with closing(reader), ThreadPoolExecutor(1, thread_name_prefix="replay-read") as pool:
        pending = pool.submit(_aggregate, reader, *bounds[0])
        for k, (lo, hi) in enumerate(bounds):
            srows = conn.execute(_STRUCTURAL_SQL, (lo, hi)).fetchall()
            agg = pending.result()
            if k + 1 < len(bounds):
                pending = pool.submit(_aggregate, reader, *bounds[k + 1])
            yield lo, hi, srows, agg


def _replay_fast(store: EventStore, doc: Document, start: int, end: int | None, recover: bool) -> LoadResult:
    from ..events.replay_columnar import ColumnarReplayer, ReplayFailed, replay_columns

    name = store.name

    def decode(row):
        seq, kind, v, payload, crc = row
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
    conn = store.conn
    try:
        try:
            last = store.last_seq() if end is None else min(end, store.last_seq())
            whole = conn.execute("PRAGMA encoding").fetchone()[0] == "UTF-8"
            with closing(_windows(store, start, last, whole)) as windows:  # closing: waits for a read in flight
                for lo, hi, srows, agg in windows:
                    seqs, targets, vals, bad = read_geometric(conn, lo, hi, agg)
                    if bad is not None:
                        srows = [row for row in srows if row[0] < bad]
                    replay_columns(r, seqs, targets, vals, srows, decode)
                    if bad is not None:
                        raise ReplayFailed(bad, "?", "its numeric columns are damaged")
                    seq = hi
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
