"""The background snapshotter: snapshots a session every N events or T seconds of editing,
written off the editor's main thread (by a worker process, or a thread where processes fail)."""

from __future__ import annotations

import sqlite3
import sys
import threading
import time

from ..model.document import Document
from .snapshots import DEFAULT_EVERY_EVENTS, DEFAULT_EVERY_SECONDS, SnapshotWriter


class Snapshotter:
    """Snapshots a session every N events or T seconds of editing, off the editor's main thread.

    The session's listener only hands over the seq (and the immutable committed Document, and
    the undo stacks). Mode "process" (the default; setting `snapshot_worker`) sends the seq to a
    worker process that keeps its own copy of the document (see _snapshot_worker.py), so the
    encoding never holds this process's GIL; mode "thread" encodes on a background thread here.
    Requests that arrive while a snapshot is being written collapse into the newest one.
    """

    def __init__(self, session, *, every_events: int | None = None, every_seconds: float | None = None,
                 mode: str | None = None):
        store = session.store
        self.session = session
        self.every_events = int(every_events or store.setting("snapshot_every_events", DEFAULT_EVERY_EVENTS))
        self.every_seconds = float(every_seconds or store.setting("snapshot_every_seconds", DEFAULT_EVERY_SECONDS))
        # a frozen (PyInstaller) build re-runs its entry point in a spawned child unless the entry
        # point calls multiprocessing.freeze_support(): there the thread is the safe default
        default = "thread" if getattr(sys, "frozen", False) else "process"
        self.mode = mode or store.setting("snapshot_worker", default)
        if self.mode not in ("process", "thread"):
            self.mode = "process"
        self.writer: SnapshotWriter | None = None
        rows = store.raw_rows("SELECT max(seq) FROM snapshots")
        self.last_seq = rows[0][0] or 0
        self.last_time = time.monotonic()
        self.written: list[dict] = []
        self.errors: list[str] = []
        self.handoff_ms: list[float] = []  # time the caller's thread spent in the listener
        self._pending: tuple[Document, int, dict | None] | None = None
        self._busy = False
        self._outstanding = 0  # requests sent to the worker process and not yet answered
        self._stop = False
        self._cv = threading.Condition()
        self._thread: threading.Thread | None = None
        self._proc = None
        self._pipe = None
        self._reader: threading.Thread | None = None
        self._last_request = None
        session.listeners.append(self.on_records)
        if self.mode == "process" and session.seq >= self.every_events:
            self.start()  # a long document: let the worker load and warm up while the user starts editing

    def start(self) -> None:
        """Start the worker process now rather than at the first snapshot (process mode)."""
        if self.mode == "process" and self._pipe is None:
            self._start_process()

    def on_records(self, records) -> None:
        t0 = time.perf_counter()
        seq = records[-1].seq
        now = time.monotonic()
        if seq - self.last_seq >= self.every_events or (seq > self.last_seq and now - self.last_time >= self.every_seconds):
            h = self.session.history
            self.request(self.session.committed, seq,
                         {"actor": h.actor, "undo": list(h.undo_stack), "redo": list(h.redo_stack)})
            self.last_seq, self.last_time = seq, now
        self.handoff_ms.append((time.perf_counter() - t0) * 1e3)

    def request(self, doc: Document, seq: int, undo: dict | None = None) -> None:
        self._last_request = (doc, seq, undo)
        if self.mode == "process" and (self._pipe is not None or self._start_process()):
            with self._cv:
                self._outstanding += 1
            try:
                self._pipe.send((seq, undo))
                return
            except (OSError, ValueError) as exc:  # the worker died: carry on in a thread
                self.errors.append(f"snapshot worker gone ({exc}); snapshots continue on a thread")
                with self._cv:
                    self._outstanding = 0
                    self._cv.notify_all()
                self.mode = "thread"
        with self._cv:
            self._pending = (doc, seq, undo)
            if self._thread is None:
                self.writer = SnapshotWriter(self.session.store, own_connection=True, yield_every=64)
                self._thread = threading.Thread(target=self._run, name="wiretuner-snapshotter", daemon=True)
                self._thread.start()
            self._cv.notify()

    # ------------------------------------------------------------------ process mode
    def _start_process(self) -> bool:
        import multiprocessing

        from ._snapshot_worker import worker_main

        try:
            ctx = multiprocessing.get_context("spawn")
            parent, child = ctx.Pipe()
            proc = ctx.Process(target=worker_main, args=(str(self.session.store.path), child),
                               name="wiretuner-snapshot-worker", daemon=True)
            proc.start()
            child.close()
        except (OSError, RuntimeError, ValueError) as exc:
            self.errors.append(f"snapshot worker did not start ({exc}); snapshots run on a thread")
            self.mode = "thread"
            return False
        self._proc, self._pipe = proc, parent
        self._reader = threading.Thread(target=self._read_replies, name="wiretuner-snapshot-replies", daemon=True)
        self._reader.start()
        return True

    def _read_replies(self) -> None:
        while True:
            try:
                msg = self._pipe.recv()
            except (EOFError, OSError):
                with self._cv:
                    lost = self._outstanding
                    self._outstanding = 0
                    self._cv.notify_all()
                    stopping = self._stop
                if not stopping:  # the worker died (or could not start): carry on in a thread
                    self.errors.append(f"snapshot worker exited (code {self._proc.exitcode}); snapshots continue on a thread")
                    self.mode = "thread"
                    if lost and self._last_request is not None:
                        self.request(*self._last_request)
                return
            if "error" in msg:
                self.errors.append(msg["error"])
            elif "skipped" not in msg:
                self.written.append(msg)
            with self._cv:
                self._outstanding = max(0, self._outstanding - 1)
                self._cv.notify_all()

    # ------------------------------------------------------------------ thread mode
    def _run(self) -> None:
        while True:
            with self._cv:
                while self._pending is None and not self._stop:
                    self._cv.wait()
                if self._pending is None:
                    return
                doc, seq, undo = self._pending
                self._pending = None
                self._busy = True
            try:
                self.written.append(self.writer.write(doc, seq, undo=undo))
                self.writer.checkpoint()
            except (sqlite3.Error, OSError, ValueError) as exc:
                self.errors.append(f"snapshot at {seq}: {exc}")
            except Exception as exc:  # a snapshot is an optimisation: never take the editor down
                self.errors.append(f"snapshot at {seq}: {type(exc).__name__}: {exc}")
            finally:
                with self._cv:
                    self._busy = False
                    self._cv.notify_all()

    @property
    def busy(self) -> bool:
        return self._busy or self._pending is not None or self._outstanding > 0

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until no snapshot is pending or being written (tests, benchmarks)."""
        end = None if timeout is None else time.monotonic() + timeout
        with self._cv:
            while self._pending is not None or self._busy or self._outstanding:
                left = None if end is None else end - time.monotonic()
                if left is not None and left <= 0:
                    return False
                self._cv.wait(left)
        return True

    def stop(self) -> None:
        """Finish a snapshot in progress (a pending one is dropped: closing should be quick), then end."""
        with self._cv:
            self._pending = None
            self._stop = True
            self._cv.notify_all()
        if self._pipe is not None:
            try:
                self._pipe.send(None)
            except (OSError, ValueError):
                pass
            self._proc.join(60)
            if self._proc.is_alive():
                self._proc.kill()
                self._proc.join()
            self._pipe.close()
        if self._reader is not None:
            self._reader.join()
        if self._thread is not None:
            self._thread.join()
        if self.writer is not None:
            self.writer.close()
