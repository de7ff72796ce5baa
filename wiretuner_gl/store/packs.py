"""Snapshot packs (schema v4): the newest snapshot of a large document stored as one row.

When the editor closes a large document, its newest snapshot's chunks are written end to end
with their offsets and one digest, tied to the manifest they copy, so the next open reads one
row and hashes once instead of fetching and hashing thousands of chunk rows. A pack is only an
optimisation: one that fails a check is ignored (the chunks are read) and `inspect` says so.
"""

from __future__ import annotations

import hashlib
import time

import numpy as np

from .file import EventStore
from .snapshots import _chunks, _manifest


PACK_MIN_CHUNKS = 2000  # smaller snapshots load quickly enough from their chunks
USE_PACKS = True  # (the benchmark turns this off to measure opening without a pack)


def packed_chunks(store: EventStore, seq: int, n: int) -> list | None:
    """The snapshot's chunks from its pack, if it has one that passes its checks (else None:
    read the chunks). A pack copies chunks that were verified when it was written; its digest
    covers offsets and data, and it must name the manifest it copies."""
    if store.format_version < 4:
        return None
    rows = store.raw_rows("SELECT p.offsets, p.data, p.digest FROM snapshot_packs p JOIN snapshots s ON s.seq = p.seq "
                          "WHERE p.seq = ? AND p.manifest_digest = s.digest", (seq,))
    if not rows:
        return None
    offsets, data, digest = rows[0]
    if type(offsets) is not bytes or type(data) is not bytes or len(offsets) != 8 * (n + 1):
        return None
    h = hashlib.sha256(offsets)
    h.update(data)
    if h.hexdigest() != digest:
        return None
    off = np.frombuffer(offsets, "<i8")
    if off[0] != 0 or off[-1] != len(data) or (np.diff(off) < 8).any():
        return None
    view = memoryview(data)
    o = off.tolist()
    return list(map(view.__getitem__, map(slice, o[:-1], o[1:])))


def write_pack(store: EventStore, seq: int | None = None) -> dict | None:
    """Pack the snapshot at seq (default: the newest) unless it is small or packed already; other
    packs are dropped (only the newest snapshot's pack is worth its bytes). Returns a summary, or
    None when nothing was written."""
    if store.format_version < 4:
        return None
    if seq is None:
        row = store.raw_rows("SELECT max(seq) FROM snapshots")
        seq = row[0][0] if row else None
        if seq is None:
            return None
    if store.raw_rows("SELECT 1 FROM snapshot_packs p JOIN snapshots s ON s.seq = p.seq "
                      "WHERE p.seq = ? AND p.manifest_digest = s.digest", (seq,)):
        return None
    t = time.perf_counter()
    _, ids, hashes, _ = _manifest(store, seq)
    if len(ids) < PACK_MIN_CHUNKS:
        return None
    chunks = _chunks(store, ids, hashes)  # verified here, so the pack copies good chunks
    offsets = np.zeros(len(chunks) + 1, "<i8")
    np.cumsum(np.fromiter(map(len, chunks), np.int64, len(chunks)), out=offsets[1:])
    offsets_b, data = offsets.tobytes(), b"".join(chunks)
    h = hashlib.sha256(offsets_b)
    h.update(data)
    manifest_digest = store.raw_rows("SELECT digest FROM snapshots WHERE seq = ?", (seq,))[0][0]
    store._writable()
    with store._lock:
        conn = store.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute("DELETE FROM snapshot_packs")
            conn.execute("INSERT INTO snapshot_packs(seq, manifest_digest, offsets, data, digest) VALUES (?,?,?,?,?)",
                         (seq, manifest_digest, offsets_b, data, h.hexdigest()))
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
    return {"seq": seq, "bytes": len(data), "chunks": len(chunks), "ms": (time.perf_counter() - t) * 1e3}
