"""The snapshot worker: a separate process that keeps its own copy of the document and writes snapshots.

The editor's process only sends "snapshot at seq N" (and its undo stacks) down a pipe. The
worker catches its document up by replaying the log from its last seq to N (the events are
durable before the editor announces them), encodes only the nodes that changed since its last
snapshot and writes through its own SQLite connection. Encoding and hashing a large document
therefore never competes with the editor's main thread for the GIL.

Requests that queue up while a snapshot is being written collapse into the newest one. The
worker exits when the pipe closes (the editor closed the document, or died).
"""

from __future__ import annotations

import gc
import traceback


def worker_main(path: str, conn) -> None:
    from .file import EventStore
    from .loader import replay
    from .snapshots import SnapshotWriter, newest_valid

    # This process holds one document and caches of immutable, acyclic values; cyclic-GC passes
    # over them (triggered by every burst of allocation) would cost more than the snapshots.
    gc.disable()
    # Snapshots are derived from the log, which the editor's connection commits with
    # synchronous=FULL. Their commits need not wait for fsync: in WAL mode NORMAL keeps the file
    # consistent, and a power cut can only lose recent snapshots (frames reach the disk in order,
    # and the editor's next FULL commit syncs them too); load then starts from an older one.
    store = EventStore.open(path, synchronous="NORMAL")
    # No automatic checkpoint inside a snapshot's commit (it would copy the WAL into the database,
    # with an fsync, while the snapshot is timed): the worker checkpoints after answering instead,
    # passively, which also keeps the WAL short for the editor's appends.
    store.conn.execute("PRAGMA wal_autocheckpoint = 0")
    try:
        writer = SnapshotWriter(store)
        # catch up with the log and encode everything once now, so the first snapshot asked for
        # re-encodes only what changed since (a new process starts with empty caches)
        seq, doc, _ = newest_valid(store)
        res = replay(store, doc, seq + 1)
        doc, seq = res.doc, res.seq
        writer.encoder.entries(doc)
        loaded = True
        while True:
            try:
                msg = conn.recv()
                while msg is not None and conn.poll():  # collapse a backlog into the newest request
                    skipped = msg
                    msg = conn.recv()
                    conn.send({"skipped": skipped[0]})
            except (EOFError, OSError):
                return
            if msg is None:
                return
            target, undo = msg
            try:
                if not loaded:
                    seq, doc, _ = newest_valid(store, target)
                    loaded = True
                if target < seq:  # (a request older than our state: start again from a snapshot)
                    seq, doc, _ = newest_valid(store, target)
                if target > seq:
                    res = replay(store, doc, seq + 1, target)
                    doc, seq = res.doc, res.seq
                if seq != target:
                    raise RuntimeError(f"log ends at {seq}, not {target}")
                conn.send(writer.write(doc, seq, undo=undo))
                writer.checkpoint()
            except Exception as exc:  # reported to the editor; the worker keeps serving
                gc.collect()  # (tracebacks are cyclic)
                conn.send({"error": f"snapshot at {target}: {type(exc).__name__}: {exc}",
                           "trace": traceback.format_exc(limit=3)})
    finally:
        store.close()
