"""The document at any seq (the timeline): nearest checkpoint + replay, with a memory-capped LRU.

Checkpoints are decoded Documents: snapshots read from the file, and the states that seeks
produced. A seek starts from the newest checkpoint (cached, or a stored snapshot) at or before
the target and replays the rest; every result is cached, so scrubbing forward replays only the
events between two frames.

The cache's size is measured, not guessed: `MemoryMeter` walks each cached document and counts
`sys.getsizeof` of every object it owns (nodes, anchors, tuples, strings, floats, map nodes
approximated per entry) once, however many cached documents share it (persistent maps share
unchanged nodes between nearby states). Entries are evicted least recently used first until the
total is under the cap.
"""

from __future__ import annotations

import bisect
import sys
import threading
from collections import OrderedDict

from ..errors import WireTunerError
from ..model.document import Document
from ..model.packed import PackedSubpath
from .file import EventStore
from .loader import replay
from .snapshots import SnapshotInvalid, load_snapshot

DEFAULT_CAP_BYTES = 100 * 1024 * 1024
FAST_TAIL = 64
_MAP_ENTRY: int | None = None  # bytes per immutables.Map entry (its share of HAMT nodes), measured once


def _measure_map_entry() -> int:
    import tracemalloc

    import immutables

    if tracemalloc.is_tracing():  # someone else is tracing: do not disturb them; a measured typical value
        return 56
    tracemalloc.start()
    a = tracemalloc.get_traced_memory()[0]
    m = immutables.Map({i: None for i in range(20000)})
    b = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del m
    return max(16, (b - a) // 20000)


_ATOMS = (int, float, bool, type(None))


class MemoryMeter:
    """Bytes owned by a set of documents, each object counted once (reference-counted by id)."""

    def __init__(self):
        self._refs: dict[int, list] = {}  # id(node) -> [node, size, count]
        self.total = 0

    def _deep(self, obj, seen: set) -> int:
        size = 0
        stack = [obj]
        while stack:
            o = stack.pop()
            i = id(o)
            if i in seen:
                continue
            seen.add(i)
            t = type(o)
            if o is None or t is bool or (t is int and -5 <= o <= 256):
                continue  # singletons and small ints are shared by the interpreter
            size += sys.getsizeof(o)
            if t is tuple or t is list:
                stack.extend(o)
            elif t is str or t in _ATOMS:
                pass
            elif t is PackedSubpath:  # its share of the shared columns; anchors only once built
                size += o.packed_nbytes()
                stack.append(o.closed)
                built = o.materialized()
                if built is not None:
                    stack.append(built)
            elif hasattr(o, "__slots__"):
                for name in _slot_names(t):
                    stack.append(getattr(o, name))
        return size

    def _nodes(self, doc: Document):
        yield from doc.artboards.values()
        yield from doc.layers.values()
        yield from doc.objects.values()

    def add(self, doc: Document) -> int:
        """Account for doc; returns the bytes it added (0 for what is already counted)."""
        added = _MAP_ENTRY * len(doc)
        for node in self._nodes(doc):
            r = self._refs.get(id(node))
            if r is None or r[0] is not node:
                s = self._deep(node, set())
                self._refs[id(node)] = [node, s, 1]
                added += s
            else:
                r[2] += 1
        self.total += added
        return added

    def remove(self, doc: Document) -> None:
        self.total -= _MAP_ENTRY * len(doc)
        for node in self._nodes(doc):
            r = self._refs.get(id(node))
            if r is not None and r[0] is node:
                r[2] -= 1
                if r[2] == 0:
                    self.total -= r[1]
                    del self._refs[id(node)]


_slots_cache: dict[type, tuple[str, ...]] = {}


def _slot_names(t: type) -> tuple[str, ...]:
    names = _slots_cache.get(t)
    if names is None:
        names = tuple(n for k in t.__mro__ for n in getattr(k, "__slots__", ()) if not n.startswith("__"))
        _slots_cache[t] = names
    return names


class Timeline:
    """`state_at(seq)` over one store, with an LRU of checkpoints capped at `cap_bytes` (measured)."""

    def __init__(self, store: EventStore, cap_bytes: int = DEFAULT_CAP_BYTES):
        global _MAP_ENTRY
        if _MAP_ENTRY is None:
            _MAP_ENTRY = _measure_map_entry()
        self.store = store
        self.cap_bytes = cap_bytes
        self.meter = MemoryMeter()
        self._cache: OrderedDict[int, Document] = OrderedDict()
        self._seqs: list[int] = []  # sorted keys of _cache
        self._snaps: list[int] | None = None
        self._last = -1
        self._bad_snaps: set[int] = set()
        self._lock = threading.Lock()
        self._nodes: dict[bytes, object] = {}  # chunk hash -> decoded node, shared by nearby snapshots
        self.stats = {"hits": 0, "snapshot_loads": 0, "replayed_events": 0, "evictions": 0}

    @property
    def cache_bytes(self) -> int:
        return self.meter.total

    def refresh(self) -> None:
        """Forget the list of stored snapshots (call after new ones are written)."""
        self._snaps = None

    def _snapshot_seqs(self) -> list[int]:
        if self._snaps is None:
            self._snaps = [r[0] for r in self.store.raw_rows("SELECT seq FROM snapshots ORDER BY seq")]
        return self._snaps

    def state_at(self, seq: int) -> Document:
        last = self.store.last_seq()
        if last != self._last:  # the log grew (a live document): newer snapshots may exist
            self._last = last
            self._snaps = None
        if not 0 <= seq <= last:
            raise WireTunerError(f"{self.store.name}: seq {seq} is outside the log (0..{last})")
        with self._lock:
            doc = self._cache.get(seq)
            if doc is not None:
                self._cache.move_to_end(seq)
                self.stats["hits"] += 1
                return doc
            base_seq, base = self._base(seq)
            if base_seq < seq:
                # kernels pay off beyond a few dozen events (and are warm after the first seek)
                doc = replay(self.store, base, base_seq + 1, seq, fast=seq - base_seq >= FAST_TAIL).doc
                self.stats["replayed_events"] += seq - base_seq
            else:
                doc = base
            self._put(seq, doc)
            return doc

    def _base(self, seq: int) -> tuple[int, Document]:
        i = bisect.bisect_right(self._seqs, seq)
        cached = self._seqs[i - 1] if i else -1
        snaps = self._snapshot_seqs()
        j = bisect.bisect_right(snaps, seq)
        while j:
            s = snaps[j - 1]
            # a cached state closer than the snapshot, or within a few hundred events of it, is cheaper
            if s <= cached or s in self._bad_snaps:
                break
            if cached >= 0 and s - cached < 64:
                break
            if len(self._nodes) > 4 * (len(self._cache[cached]) if cached >= 0 else 0) + 100_000:
                self._nodes.clear()  # bound the node table; it refills from the next snapshots
            try:
                doc = load_snapshot(self.store, s, self._nodes)
            except SnapshotInvalid:
                self._bad_snaps.add(s)
                j -= 1
                continue
            self.stats["snapshot_loads"] += 1
            self._put(s, doc)
            return s, doc
        if cached >= 0:
            doc = self._cache[cached]
            self._cache.move_to_end(cached)
            return cached, doc
        return 0, Document()

    def _put(self, seq: int, doc: Document) -> None:
        if seq in self._cache:
            return
        self._cache[seq] = doc
        bisect.insort(self._seqs, seq)
        self.meter.add(doc)
        while self.meter.total > self.cap_bytes and len(self._cache) > 1:
            old, d = self._cache.popitem(last=False)
            self._seqs.remove(old)
            self.meter.remove(d)
            self.stats["evictions"] += 1


_shared: OrderedDict[tuple, Timeline] = OrderedDict()
_shared_lock = threading.Lock()
SHARED_DOCUMENTS = 2  # timelines kept for the most recently scrubbed documents


def shared_timeline(store: EventStore) -> Timeline:
    """A Timeline for the document in `store`'s file that outlives the caller's store, so repeated
    seeks (a history slider, `state_at` calls from worker threads) share one checkpoint cache.

    It reads through its own read-only connection; keyed by path and the file's creation stamp,
    so a file overwritten by a new document gets a fresh timeline.
    """
    key = (str(store.path.resolve()), store.meta().get("created"))
    with _shared_lock:
        tl = _shared.get(key)
        if tl is None:
            tl = Timeline(EventStore.open(store.path, read_only=True))
            _shared[key] = tl
            while len(_shared) > SHARED_DOCUMENTS:
                _, old = _shared.popitem(last=False)
                old.store.close()
        _shared.move_to_end(key)
    return tl


def state_at(store: EventStore, seq: int, *, timeline: Timeline | None = None) -> Document:
    """The document as it was right after event `seq` (0: empty)."""
    tl = timeline if timeline is not None else shared_timeline(store)
    return tl.state_at(seq)
