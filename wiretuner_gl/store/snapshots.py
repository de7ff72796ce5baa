"""Snapshots: stored document states at a seq, each with its state hash (trusted only if it verifies).

A snapshot row holds seq, time, format, codec, logical size, the state hash (SHA-256 of the
canonical JSON, computed when written) and a manifest (`data`) listing one content-addressed
chunk per node; `digest` is the SHA-256 of the manifest. Chunks live in `snapshot_chunks`, keyed
by a 128-bit SHA-256 prefix of their bytes, and are shared by every snapshot that holds the node.

Checks, cheapest first:
- load (`newest_valid`): the manifest digest and every chunk's content hash must match; the
  payload is then bit-identical to what the writer hashed, and it decodes deterministically.
- `check_snapshot` (inspect's `hash_ok`): additionally re-derives the state hash from the
  decoded nodes' canonical JSON and compares it with the stored one.
- `wiretuner verify`: replays the log and compares every snapshot with the replayed state.
A snapshot failing a check is skipped (load falls back to an older one) and reported.
"""

from __future__ import annotations

import gc
import hashlib
import json
import sqlite3
import struct
import time
from operator import itemgetter

import numpy as np

from ..model.document import Document
from .file import EventStore
from .node_encoder import NodeEncoder
from .snapshot_codec import (SnapshotInvalid, chunk_hash, decode_nodes, document_from_nodes,
                             fragment, hash_fragments)

FORMAT = 2  # snapshot payload format (schema v2 introduced snapshots)
CODEC = "chunks1"  # no compressor: chunk hashes and float64 coordinates barely compress, and zlib costs ms
DEFAULT_EVERY_EVENTS = 500
DEFAULT_EVERY_SECONDS = 600.0
_MAGIC = b"WTM1"
_MHDR = struct.Struct("<4sIII")
_ROW_ID, _ROW_HASH, _ROW_DATA = itemgetter(0), itemgetter(1), itemgetter(2)  # of snapshot_chunks rows


# --------------------------------------------------------------------------- writing


class SnapshotWriter:
    """Writes snapshots of one store, re-encoding only nodes changed since its previous snapshot.

    With `own_connection` (the background snapshotter) it writes through a second SQLite
    connection. New chunks go in one executemany per transaction of up to CHUNKS_PER_TX, the last
    batch together with the manifest (a snapshot after 500 edits: two short transactions): the
    editor's appends wait at most one of them for the file's write lock, and each transaction
    costs the snapshot a wait of its own behind the editor's appends (SQLite's busy handler sleeps
    1, 2, 5... ms; ~15 ms a snapshot with nine transactions of 64 chunks).
    """

    CHUNKS_PER_TX = 256

    def __init__(self, store: EventStore, *, own_connection: bool = False, yield_every: int = 0):
        self.store = store
        self.encoder = NodeEncoder(yield_every)
        self._ids: dict[bytes, int] = {}  # chunk hash -> row id in this store
        self._id_arr: np.ndarray | None = None  # row ids of the previous manifest, in its order
        self.conn = None
        if own_connection:
            sync = store.conn.execute("PRAGMA synchronous").fetchone()[0]
            self.conn = sqlite3.connect(str(store.path), isolation_level=None, check_same_thread=False)
            self.conn.execute("PRAGMA busy_timeout = 10000")
            # at most NORMAL: snapshots are derived from the log (see _snapshot_worker.py)
            self.conn.execute(f"PRAGMA synchronous = {min(int(sync), 1)}")
            self.conn.execute("PRAGMA wal_autocheckpoint = 0")  # checkpointed after each snapshot instead

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def checkpoint(self) -> None:
        """A passive WAL checkpoint on this writer's connection, run after a snapshot rather than
        inside its commit (never waits for readers or writers; a failure only means later)."""
        try:
            (self.conn or self.store.conn).execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        except sqlite3.Error:
            pass

    def _tx(self, fn):
        conn = self.conn or self.store.conn
        lock = None if self.conn is not None else self.store._lock
        if lock is not None:
            lock.acquire()
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                out = fn(conn)
                conn.execute("COMMIT")
                return out
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        finally:
            if lock is not None:
                lock.release()

    def write(self, doc: Document, seq: int, *, ts: float | None = None, undo: dict | None = None) -> dict:
        """Store a snapshot of doc (the state after event `seq`); returns its summary.

        `undo`: {"actor", "undo", "redo"}, that actor's undo/redo stacks at seq (see restore_history).
        """
        t0 = time.perf_counter()
        c0 = time.thread_time()
        _, (na, nl, no) = self.encoder.entries(doc, collect=False)
        frags, hashes, chunks, nbytes, dirty = self.encoder.columns()
        t_nodes = time.perf_counter()
        state_hash = hash_fragments(frags[:na], frags[na : na + nl], frags[na + nl :])
        t_enc = time.perf_counter()
        self.store._writable()
        prev, self._id_arr = self._id_arr, None  # (left unset if this write fails: the next one starts over)
        # row ids of the chunks, as in the previous manifest except where the encoder re-encoded
        if dirty is None or prev is None or len(prev) != len(hashes):
            dirty, ids = range(len(hashes)), np.zeros(len(hashes), np.int64)
        else:
            ids = prev.copy()
        known = self._ids
        missing = []
        for p in dirty:
            i = known.get(hashes[p])
            if i is None:
                missing.append(p)
            else:
                ids[p] = i
        new_bytes = 0
        new = list({hashes[p]: chunks[p] for p in missing}.items())  # one insert per distinct chunk
        got: dict[bytes, int] = {}

        def insert(conn, batch):
            # one executemany per batch; rows inserted inside this write transaction are exactly
            # those with ids above the previous maximum (INTEGER PRIMARY KEY allocates max + 1)
            nonlocal new_bytes
            top = conn.execute("SELECT coalesce(max(id), 0) FROM snapshot_chunks").fetchone()[0]
            conn.executemany("INSERT OR IGNORE INTO snapshot_chunks(hash, data) VALUES (?, ?)", batch)
            added = dict(conn.execute("SELECT hash, id FROM snapshot_chunks WHERE id > ?", (top,)).fetchall())
            for h, chunk in batch:
                i = added.get(h)
                if i is None:  # already stored (by an earlier writer whose ids we do not hold)
                    i = conn.execute("SELECT id FROM snapshot_chunks WHERE hash = ?", (h,)).fetchone()[0]
                else:
                    new_bytes += len(chunk)
                got[h] = i

        # (read here, not inside the transaction: the property may query the editor's connection,
        # whose lock the editor can be holding while it waits for ours: a deadlock until timeout)
        with_undo = self.store.format_version >= 3
        if with_undo:
            sql = ("INSERT OR REPLACE INTO snapshots(seq, ts, format, codec, size, state_hash, data, digest, undo) "
                   "VALUES (?,?,?,?,?,?,?,?,?)")
        else:
            sql = "INSERT OR REPLACE INTO snapshots(seq, ts, format, codec, size, state_hash, data, digest) VALUES (?,?,?,?,?,?,?,?)"
        summary: dict = {}

        def finish(conn, batch):
            # the last batch of chunks and the manifest in one transaction: one wait for the lock
            insert(conn, batch)
            for p in missing:
                ids[p] = got[hashes[p]]
            data = _MHDR.pack(_MAGIC, na, nl, no) + ids.astype("<i8").tobytes() + b"".join(hashes)
            summary["size"] = size = len(data) + nbytes
            row = (seq, time.time() if ts is None else ts, FORMAT, CODEC, size, state_hash, data, hashlib.sha256(data).hexdigest())
            if with_undo:
                row += (None if undo is None else json.dumps(undo),)
            conn.execute(sql, row)

        step = self.CHUNKS_PER_TX
        last = max(0, len(new) - step)
        for i in range(0, last, step):
            self._tx(lambda conn, b=new[i : i + step]: insert(conn, b))
            if self.conn is not None:
                time.sleep(0)
        self._tx(lambda conn: finish(conn, new[last:]))
        known.update(got)
        size = summary["size"]
        self._id_arr = ids
        if len(known) > 2 * len(hashes) + 4096:  # keep only the chunks still in use
            self._ids = dict(zip(hashes, ids.tolist()))
        t1 = time.perf_counter()
        return {"seq": seq, "state_hash": state_hash, "size": size, "new_bytes": new_bytes,
                "nodes_ms": (t_nodes - t0) * 1e3, "hash_ms": (t_enc - t_nodes) * 1e3, "changed": self.encoder.changed,
                "encode_ms": (t_enc - t0) * 1e3, "total_ms": (t1 - t0) * 1e3, "cpu_ms": (time.thread_time() - c0) * 1e3}


def write_snapshot(store: EventStore, doc: Document, seq: int) -> dict:
    return SnapshotWriter(store).write(doc, seq)


# --------------------------------------------------------------------------- reading


def _has_v2(store: EventStore) -> bool:
    return store.format_version >= 2


def snapshot_rows(store: EventStore) -> list[tuple]:
    """(seq, ts, format, codec, size, state_hash, digest) of every snapshot, oldest first."""
    if not _has_v2(store):
        return [r + (None,) for r in store.raw_rows("SELECT seq, ts, format, codec, size, state_hash FROM snapshots ORDER BY seq")]
    return store.raw_rows("SELECT seq, ts, format, codec, size, state_hash, digest FROM snapshots ORDER BY seq")


def _manifest(store: EventStore, seq: int) -> tuple[tuple[int, int, int], list[int], list[bytes], str]:
    if not _has_v2(store):
        raise SnapshotInvalid("written before format 2; not readable")
    row = store.raw_rows("SELECT format, codec, digest, state_hash, data FROM snapshots WHERE seq = ?", (seq,))
    if not row:
        raise SnapshotInvalid("no such snapshot")
    fmt, codec, digest, state_hash, data = row[0]
    if fmt != FORMAT or codec != CODEC:
        raise SnapshotInvalid(f"unknown format {fmt} / codec {codec!r}")
    if type(data) is not bytes or hashlib.sha256(data).hexdigest() != digest:
        raise SnapshotInvalid("manifest digest mismatch")
    try:
        raw = data
        magic, na, nl, no = _MHDR.unpack_from(raw, 0)
    except struct.error as exc:
        raise SnapshotInvalid(f"manifest unreadable ({exc})") from None
    n = na + nl + no
    if magic != _MAGIC or len(raw) != _MHDR.size + 24 * n:
        raise SnapshotInvalid("manifest malformed")
    ids = np.frombuffer(raw, "<i8", n, _MHDR.size).tolist()
    off = _MHDR.size + 8 * n
    hashes = [raw[off + 16 * i : off + 16 * i + 16] for i in range(n)]
    return (na, nl, no), ids, hashes, state_hash


def _chunks(store: EventStore, ids: list[int], hashes: list[bytes]) -> list[bytes]:
    """The chunks `ids`, each checked against its content hash. (Per-chunk work goes through
    map/zip: a snapshot of a large document has ~10K chunks.)"""
    rows = store.raw_rows("SELECT id, hash, data FROM snapshot_chunks WHERE id IN (SELECT value FROM json_each(?))",
                          (json.dumps(ids),))
    by_id = dict(zip(map(_ROW_ID, rows), rows))
    ordered = list(map(by_id.get, ids))
    if None in ordered:
        raise SnapshotInvalid(f"chunk {ids[ordered.index(None)]} is missing")
    datas = list(map(_ROW_DATA, ordered))
    if set(map(type, datas)) - {bytes} or list(map(_ROW_HASH, ordered)) != hashes or list(map(chunk_hash, datas)) != hashes:
        for cid, (_, h, d), want in zip(ids, ordered, hashes):
            if h != want or type(d) is not bytes or chunk_hash(d) != want:
                raise SnapshotInvalid(f"chunk {cid} fails its hash")
    return datas


def load_snapshot(store: EventStore, seq: int, nodes: dict[bytes, object] | None = None) -> Document:
    """The document stored at seq, after the integrity checks; raises SnapshotInvalid.

    `nodes` (chunk hash -> node) lets nearby snapshots share decoded nodes: only chunks not in it
    are read and decoded, and it is updated with them.
    """
    # building a few hundred thousand objects: no cyclic-GC passes over them meanwhile (see decode_nodes)
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _load_snapshot(store, seq, nodes)
    finally:
        if enabled:
            gc.enable()


def _load_snapshot(store: EventStore, seq: int, nodes: dict[bytes, object] | None) -> Document:
    counts, ids, hashes, _ = _manifest(store, seq)
    if nodes is None:
        from . import packs

        chunks = packs.packed_chunks(store, seq, len(ids)) if packs.USE_PACKS else None
        if chunks is None:
            chunks = _chunks(store, ids, hashes)
        return document_from_nodes(decode_nodes(chunks), counts)
    missing = [i for i, h in enumerate(hashes) if h not in nodes]
    if missing:
        fresh = decode_nodes(_chunks(store, [ids[i] for i in missing], [hashes[i] for i in missing]))
        for i, node in zip(missing, fresh):
            nodes[hashes[i]] = node
    return document_from_nodes([nodes[h] for h in hashes], counts)


def newest_valid(store: EventStore, upto: int | None = None) -> tuple[int, Document, list[dict]]:
    """(seq, document) of the newest snapshot at or before `upto` that verifies, else (0, empty);
    and the snapshots skipped on the way, each {seq, problem}."""
    skipped = []
    sql = "SELECT seq FROM snapshots" + (" WHERE seq <= ?" if upto is not None else "") + " ORDER BY seq DESC"
    last = store.last_seq()
    for (seq,) in store.raw_rows(sql, () if upto is None else (upto,)):
        if seq > last:
            skipped.append({"seq": seq, "problem": f"beyond the end of the log ({last})"})
            continue
        try:
            return seq, load_snapshot(store, seq), skipped
        except SnapshotInvalid as exc:
            skipped.append({"seq": seq, "problem": str(exc)})
    return 0, Document(), skipped


class FragmentCache:
    """Canonical fragments by chunk hash, so checking many snapshots decodes each chunk once."""

    def __init__(self):
        self.frags: dict[bytes, bytes] = {}

    def state_hash(self, store: EventStore, seq: int) -> str:
        counts, ids, hashes, _ = _manifest(store, seq)
        missing = [i for i, h in enumerate(hashes) if h not in self.frags]
        if missing:
            chunks = _chunks(store, [ids[i] for i in missing], [hashes[i] for i in missing])
            for i, node in zip(missing, decode_nodes(chunks)):
                self.frags[hashes[i]] = fragment(node)
        na, nl, _ = counts
        fr = [self.frags[h] for h in hashes]
        return hash_fragments(fr[:na], fr[na : na + nl], fr[na + nl :])


def check_snapshot(store: EventStore, seq: int, cache: FragmentCache | None = None) -> tuple[bool, str | None]:
    """(hash ok, problem): integrity, decoding, and the state hash re-derived from the payload."""
    cache = cache or FragmentCache()
    try:
        stored = _manifest(store, seq)[3]
        got = cache.state_hash(store, seq)
    except SnapshotInvalid as exc:
        return False, str(exc)
    if got != stored:
        return False, f"state hash {got[:12]} != stored {str(stored)[:12]}"
    return True, None


FULL_CHECK_RECENT = 20


def snapshot_summaries(store: EventStore, *, check: bool = True, full: int | None = FULL_CHECK_RECENT) -> list[dict]:
    """seq, time, format, codec, size, stored hash and `hash_ok` of every snapshot.

    Every snapshot's payload integrity is checked (manifest digest, chunk hashes: damage shows as
    hash_ok False); the state hash is re-derived from the decoded nodes for the newest `full`
    snapshots (all when None), the ones a load would use. `checked` says which check ran;
    hash_ok is None where only the integrity check ran (and passed) or none did.
    """
    cache = FragmentCache()
    verified: set[tuple[int, bytes]] = set()
    last = store.last_seq()
    from .packs import packed_chunks

    rows = snapshot_rows(store)
    packs = {r[0] for r in store.raw_rows("SELECT seq FROM snapshot_packs")} if store.format_version >= 4 else set()
    out = []
    for i, (seq, ts, fmt, codec, size, h, _digest) in enumerate(rows):
        ok, problem, checked = None, None, None
        if check:
            if full is None or i >= len(rows) - full:
                ok, problem = check_snapshot(store, seq, cache)
                checked = "state hash"
            else:
                checked = "integrity"
                try:
                    _, ids, hashes, _ = _manifest(store, seq)
                    todo = [(c, hh) for c, hh in zip(ids, hashes) if (c, hh) not in verified]
                    _chunks(store, [c for c, _ in todo], [hh for _, hh in todo])
                    verified.update(todo)
                except SnapshotInvalid as exc:
                    ok, problem = False, str(exc)
            if ok is not False and seq > last:
                ok, problem = False, f"beyond the end of the log ({last})"
        pack = None
        if seq in packs:  # (an optimisation for opening: a bad pack is ignored, never trusted)
            pack = "present"
            if check:
                try:
                    n = len(_manifest(store, seq)[1])
                    pack = "ok" if packed_chunks(store, seq, n) is not None else "ignored: fails its checks"
                except SnapshotInvalid:
                    pack = "ignored: the snapshot fails its checks"
        out.append({"seq": seq, "time": ts, "format": fmt, "codec": codec, "size": size, "state_hash": h,
                    "hash_ok": ok, "checked": checked, "problem": problem, "pack": pack})
    return out


def restore_history(history, store: EventStore, actor: str, snap_seq: int) -> bool:
    """Rebuild an UndoHistory from the stacks stored with snapshot `snap_seq` and the actor's events
    after it. False (history untouched) where that snapshot holds no stacks for this actor.

    Groups seen before the snapshot can only recur after it while a gesture is still being logged,
    and such a group is on the stored undo stack, so the stacks stand in for the full feed.
    """
    if not snap_seq or store.format_version < 3:
        return False
    rows = store.raw_rows("SELECT undo FROM snapshots WHERE seq = ?", (snap_seq,))
    try:
        state = json.loads(rows[0][0]) if rows and rows[0][0] else None
    except ValueError:
        return False
    if not isinstance(state, dict) or state.get("actor") != actor:
        return False
    undo, redo = state.get("undo"), state.get("redo")
    if not (isinstance(undo, list) and isinstance(redo, list) and all(type(g) is str for g in undo + redo)):
        return False
    history.undo_stack.extend(undo)
    history.redo_stack.extend(redo)
    history._seen.update(undo, redo)
    history.feed_all((actor, g, c) for g, c in store.raw_rows(
        "SELECT grp, cause FROM events WHERE actor = ? AND seq > ? ORDER BY seq", (actor, snap_seq)))
    return True
