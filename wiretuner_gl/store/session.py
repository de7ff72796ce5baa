"""DocumentSession: the editing API every tool, panel, importer and plugin goes through.

`apply(events)` checks the events against the document, appends them durably, and only then
makes them the current state. Gestures are live while they last and one undo step when they end.
Undo/redo act on this session's actor only and append compensating events.
"""

from __future__ import annotations

import gc
import itertools
import os
import sqlite3
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Callable, Sequence

from ..errors import DocumentReadOnly, ReducerError, WireTunerError
from ..events.grouping import DEFAULT_SAMPLE_INTERVAL, Sampler, rebase
from ..events.record import Record
from ..events.reducer import reduce_all
from ..events.types import ArtboardCreated, Event, LayerCreated
from ..model.document import Document
from ..model.ids import IdFactory, key_between, new_actor_id
from ..model.nodes import Artboard, Layer
from .file import EventStore
from .loader import LoadResult, load
from .packs import write_pack
from .snapshots import restore_history
from .undo import DEFAULT_DEPTH, UndoHistory


@dataclass
class UndoResult:
    group: str | None  # the group that was undone/redone, None if nothing was
    records: list[Record] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (group, reason)


def _pack_newest(store: EventStore) -> dict | None:
    """On close, pack the newest snapshot of a large document so the next open reads one row
    (packs.write_pack). Only an optimisation: every event is already durable, so a failure
    here (a full disk, say) is reported in the result and never stops the close."""
    try:
        return write_pack(store)
    except (WireTunerError, sqlite3.Error, OSError) as exc:
        return {"error": f"{type(exc).__name__}: {exc}"}


FREEZE_MIN_NODES = 2000


@contextmanager
def _long_lived_allocation():
    """Opening a large document allocates its whole node graph at once (the 1M-event benchmark
    file: ~10K nodes and ~86K GC-tracked objects), all immutable, acyclic and living as long as
    the document. Left to the cyclic collector, the first collection after the load traverses
    all of it (10-150 ms measured here, depending on how much is built; paid by whatever
    allocates next: the rest of the open or the first frame), and again each time it is promoted
    to an older generation. So the load runs with the collector paused, and if the document is
    large, gc.freeze() moves what exists into the permanent generation, which collections never
    traverse. Reference counting still frees the nodes when the document closes. The cost: cyclic
    garbage that happens to exist at that moment is not collected later either (a small, one-off
    amount at an open)."""
    enabled = gc.isenabled()
    gc.disable()
    box: list = []
    try:
        yield box
    finally:
        if enabled:
            if box and len(box[0]) >= FREEZE_MIN_NODES:
                gc.freeze()
            gc.enable()


class DocumentSession:
    def __init__(self, store: EventStore, loaded: LoadResult, actor: str, *, undo_depth: int = DEFAULT_DEPTH):
        self.store = store
        self.doc: Document = loaded.doc  # live state (includes an unfinished gesture)
        self.committed: Document = loaded.doc  # state of the log
        self.seq = loaded.seq
        self.problems = list(loaded.problems)
        self.read_only = store.read_only or loaded.damaged
        self.pack_report: dict | None = None  # what close() did about a snapshot pack
        self.actor = actor
        salt = os.urandom(3).hex()
        self.ids = IdFactory(actor, salt=salt)
        self.history = UndoHistory(actor, depth=undo_depth)
        if not restore_history(self.history, store, actor, loaded.snapshot_seq):  # stacks stored with the snapshot
            self.history.feed_all((actor, g, c) for _, g, c in store.actor_groups(actor))
        self._groups = itertools.count(1)
        self._group_prefix = f"{actor}.{salt}"
        self.listeners: list[Callable[[list[Record]], None]] = []
        self.gesture: Gesture | None = None
        self.skipped_snapshots = list(loaded.skipped_snapshots)
        self.snapshotter = None
        if not self.read_only:  # snapshots every N events / T minutes, written off this thread
            from .snapshotter import Snapshotter

            self.snapshotter = Snapshotter(self)

    # ------------------------------------------------------------------ opening
    @classmethod
    def open(cls, path, *, actor: str | None = None, recover: bool = False, read_only: bool = False) -> "DocumentSession":
        with _long_lived_allocation() as opened:
            store = EventStore.open(path, read_only=read_only)
            loaded = load(store, recover=recover)
            opened.append(loaded.doc)
            if actor is None:
                actor = store.setting("local_actor") if read_only or loaded.damaged else _local_actor(store)
            return cls(store, loaded, actor or "reader")

    @classmethod
    def create(cls, path, *, artboard: tuple[float, float] | None = (1920.0, 1080.0), name: str = "Artboard 1",
               actor: str | None = None, overwrite: bool = False) -> "DocumentSession":
        store = EventStore.create(path, overwrite=overwrite)
        actor = actor or _local_actor(store)
        s = cls(store, LoadResult(Document(), 0), actor)
        if artboard is not None:
            s.add_artboard(name, 0.0, 0.0, *artboard, cause="init")
        return s

    def close(self) -> None:
        if self.gesture is not None:
            self.gesture.commit()
        if self.snapshotter is not None:
            self.snapshotter.stop()
        if not self.read_only:
            self.pack_report = _pack_newest(self.store)
        self.store.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # ------------------------------------------------------------------ editing
    def new_group(self) -> str:
        return f"{self._group_prefix}.{next(self._groups)}"

    def apply(self, events: Sequence[Event], *, group: str | None = None, cause: str | None = None) -> list[Record]:
        """Check, append durably, then adopt. Raises ReducerError (nothing written) if any event cannot apply."""
        if self.read_only:
            raise DocumentReadOnly(f"{self.store.name}: opened read-only; save a copy to edit")
        if not events:
            return []
        new = reduce_all(self.committed, events)
        records = self.store.append(list(events), actor=self.actor, group=group or self.new_group(), cause=cause)
        self.committed = new
        self.seq = records[-1].seq
        if self.gesture is None:
            self.doc = new
        self.history.feed(self.actor, records[0].group, records[0].cause)  # one group per apply
        for fn in self.listeners:
            fn(records)
        return records

    def begin_gesture(self, *, interval: float | None = None, clock: Callable[[], float] = time.monotonic) -> "Gesture":
        if self.gesture is not None:
            raise RuntimeError("a gesture is already in progress")
        if interval is None:
            interval = self.store.setting("drag_sample_interval", DEFAULT_SAMPLE_INTERVAL)
        self.gesture = Gesture(self, interval, clock)
        return self.gesture

    # ------------------------------------------------------------------ undo / redo
    def undo(self) -> UndoResult:
        return self._invert_top(self.history.undo_stack, "undo")

    def redo(self) -> UndoResult:
        return self._invert_top(self.history.redo_stack, "redo")

    def _invert_top(self, stack, how: str) -> UndoResult:
        if self.gesture is not None:
            self.gesture.commit()
        result = UndoResult(None)
        while stack:
            g = stack[-1]
            recs = self.store.group_records(g)
            inverse = [r.event.inverse() for r in reversed(recs)]
            try:
                reduce_all(self.committed, inverse)
            except ReducerError as exc:
                self.history.drop(g)
                result.skipped.append((g, str(exc)))
                continue
            result.records = self.apply(inverse, cause=f"{how}:{g}")
            result.group = g
            break
        return result

    # ------------------------------------------------------------------ conveniences used by tools and importers
    def add_artboard(self, name: str, x: float, y: float, width: float, height: float, *, group: str | None = None,
                     cause: str | None = None) -> tuple[str, str]:
        """A new artboard with one layer; returns (artboard id, layer id)."""
        last = self.doc.children()[-1:] or (None,)
        order = key_between(self.doc.artboards[last[0]].order if last[0] else None, None)
        ab = Artboard(self.ids.new("artboard"), name, float(x), float(y), float(width), float(height), order)
        layer = Layer(self.ids.new("layer"), ab.id, "Layer 1", key_between(None, None))
        self.apply([ArtboardCreated(ab), LayerCreated(layer)], group=group, cause=cause)
        return ab.id, layer.id

    def next_order(self, parent: str) -> str:
        """An order key that puts a new child on top of parent's children."""
        kids = self.doc.children(parent)
        last = self.doc.get(kids[-1]).order if kids else None
        return key_between(last, None)


class Gesture:
    """A live edit: `update` on every move, `commit` on release, `abort` on Esc. One undo step."""

    def __init__(self, session: DocumentSession, interval: float, clock: Callable[[], float]):
        self.session = session
        self.group = session.new_group()
        self.base = session.committed
        self.clock = clock
        self.sampler = Sampler(interval, clock())
        self.pending: list[Event] = []
        self.logged_any = False
        self.done = False

    def apply(self, events: Sequence[Event]) -> list[Record]:
        """Structural events inside the gesture (e.g. create the shape being dragged): logged now."""
        self._flush()
        recs = self.session.apply(events, group=self.group)
        self.logged_any = True
        self.base = self.session.committed
        self.session.doc = self.base
        return recs

    def update(self, events: Sequence[Event]) -> Document:
        """Field changes relative to the gesture's base; applies live, logs a sample when due."""
        self.pending = list(events)
        self.session.doc = reduce_all(self.base, self.pending)
        if self.sampler.due(self.clock()):
            self._flush()
        return self.session.doc

    def _flush(self) -> None:
        if not self.pending:
            return
        events = rebase(self.session.committed, self.pending)
        if events:
            self.session.apply(events, group=self.group)
            self.logged_any = True

    def commit(self) -> None:
        if self.done:
            return
        self._flush()
        self._end()

    def abort(self) -> None:
        """Restore the state before the gesture; anything already logged is compensated."""
        if self.done:
            return
        if self.logged_any:
            recs = self.session.store.group_records(self.group)
            self.session.apply([r.event.inverse() for r in reversed(recs)], cause=f"abort:{self.group}")
        self._end()

    def _end(self) -> None:
        self.done = True
        self.session.gesture = None
        self.session.doc = self.session.committed

    def __enter__(self):
        return self

    def __exit__(self, exc_type, *exc):
        if exc_type is None:
            self.commit()
        else:
            self.abort()
        return False


def _local_actor(store: EventStore) -> str:
    actor = store.setting("local_actor")
    if actor is None and not store.read_only:
        actor = new_actor_id()
        store.set_setting("local_actor", actor)
    return actor
