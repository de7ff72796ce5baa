"""LiveDocument: a DocumentSession shared through a gateway.

The session stays the editing API (tools call `apply`, `begin_gesture`, `undo`, `redo`); this
class listens to what it logs, sends it, and once per frame (`drain`) folds what the gateway sent
back into the session's document. The local .wiretuner file keeps receiving the local user's
edits, online or not, so nothing typed offline is lost; the side thread uploads them when it
reconnects. Undo stays per actor: remote events never enter the session's undo history, and an
undo whose target was changed away by someone else is skipped by the session as usual.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from ..errors import ReducerError
from ..events.record import Record
from ..events.reducer import reduce_all
from ..store.session import DocumentSession
from .client import Chaos, SyncClient, TokenProvider
from .replica import Batch, Dropped, Replica


@dataclass
class DrainResult:
    applied: int = 0  # remote or confirmed records folded in
    dropped: list[Dropped] = field(default_factory=list)  # local edits refused (e.g. object deleted concurrently)
    status: list[str] = field(default_factory=list)
    fatal: tuple[int, str] | None = None


class LiveDocument:
    def __init__(self, session: DocumentSession, urls: list[str] | str, document: str, tokens: TokenProvider, *,
                 ping_interval: float = 10.0, chaos: Chaos | None = None, backoff=None):
        self.session = session
        self.document = document
        self.replica = Replica()
        store = session.store
        known = store.setting("sync.document")
        if known is not None and known != document:
            raise ValueError(f"{store.name}: journal of shared document {known!r}, not {document!r}")
        if known is None and not store.read_only:
            store.set_setting("sync.document", document)
            if store.setting("local_actor") is None:
                store.set_setting("local_actor", session.actor)
        self._watermark = int(store.setting("sync.resolved", 0))  # own counters up to here are acked or rejected
        self._saved_watermark = self._watermark
        self._saved_at = time.monotonic()
        unsent = self._journal_batches()
        # The journal holds this user's edits, not the others': the document comes from the server's log.
        self.replica.restore(unsent)
        session.committed = session.doc = self.replica.view
        self.client = SyncClient(urls, document, session.actor, tokens, since=0,
                                 ping_interval=ping_interval, chaos=chaos, backoff=backoff)
        for b in unsent:
            self.client.submit(b.message())
        self.dropped: list[Dropped] = []
        self.acked: set[str] = set()  # ids of this user's events that are in the server's log
        self.peers: dict[str, dict] = {}
        self.connected = False
        self.role: str | None = None
        self._base_read_only = session.read_only
        session.listeners.append(self._on_local)

    @classmethod
    def open_journal(cls, path, urls, document: str, tokens: TokenProvider, *, actor: str | None = None,
                     **kw) -> "LiveDocument":
        """Reopen the local journal of a shared document (e.g. after quitting while offline): the
        document is rebuilt from the gateway, and edits it never acknowledged are uploaded again."""
        from ..model.document import Document
        from ..store.file import EventStore
        from ..store.loader import LoadResult

        store = EventStore.open(path)
        actor = actor or store.setting("local_actor")
        if actor is None:
            raise ValueError(f"{path}: no local actor recorded; not a shared-document journal")
        return cls(DocumentSession(store, LoadResult(Document(), 0), actor), urls, document, tokens, **kw)

    def _journal_batches(self) -> list[Batch]:
        """Own events after the watermark, regrouped exactly as they were appended (one append, one batch)."""
        out: list[Batch] = []
        last_key = None
        actor = self.session.actor
        for r in self.session.store.records():
            if r.actor != actor or _counter(r.eid) <= self._watermark:
                continue
            key = (r.group, r.ts, r.cause)
            if key != last_key:
                out.append(Batch(r.group, r.cause, [], []))
                last_key = key
            out[-1].eids.append(r.eid)
            out[-1].events.append(r.event)
        return out

    def _resolved(self, eids) -> None:
        for e in eids:
            n = _counter(e)
            if n > self._watermark:
                self._watermark = n

    def save_progress(self, force: bool = False) -> None:
        """Persist how far the server has answered for our edits (at most once a second)."""
        if self._watermark == self._saved_watermark or self.session.store.read_only:
            return
        if force or time.monotonic() - self._saved_at > 1.0:
            self.session.store.set_setting("sync.resolved", self._watermark)
            self._saved_watermark, self._saved_at = self._watermark, time.monotonic()

    def start(self) -> "LiveDocument":
        self.client.start()
        return self

    def close(self) -> None:
        self.client.stop()
        self.drain()
        try:
            self.save_progress(force=True)
        except Exception:  # the store may already be closed by its owner
            pass
        if self._on_local in self.session.listeners:
            self.session.listeners.remove(self._on_local)

    # ------------------------------------------------------------------ local edits
    def _on_local(self, records: list[Record]) -> None:
        if not records:
            return
        batch = Batch(records[0].group, records[0].cause, [r.eid for r in records], [r.event for r in records])
        self.replica.local(batch)
        self.client.submit(batch.message())

    def presence(self, **state) -> None:
        self.client.presence(state)

    # ------------------------------------------------------------------ incoming (main thread, once per frame)
    def drain(self, max_items: int = 10_000) -> DrainResult:
        res = DrainResult()
        changed = False
        for _ in range(max_items):
            try:
                item = self.client.inbox.get_nowait()
            except Exception:
                break
            kind = item[0]
            if kind == "records":
                n = self.replica.receive(item[1])
                own = [r.eid for r in item[1] if r.actor == self.session.actor]
                self.acked.update(own)
                self._resolved(own)
                res.applied += n
                changed |= n > 0
            elif kind == "reject":
                self._resolved(item[1])
                d = self.replica.reject(item[1], item[3])
                if d is not None:
                    self.session.history.drop(d.group)
                    res.dropped.append(d)
                    changed = True
            elif kind == "presence":
                self.peers[item[1]["client"]] = item[1]
            elif kind == "presence_left":
                self.peers.pop(item[1], None)
            elif kind == "status":
                self.connected = item[1] == "connected"
                res.status.append(item[1])
                if self.connected:
                    self.role = self.client.role
                    # a viewer's session is read-only: the editor greys out editing instead of losing work
                    self.session.read_only = self.role == "viewer" or self._base_read_only
            elif kind == "fatal":
                res.fatal = (item[1], item[2])
        if changed:
            self._adopt()
        self.dropped.extend(res.dropped)
        self.save_progress()
        return res

    def _adopt(self) -> None:
        s = self.session
        s.committed = self.replica.view
        g = s.gesture
        if g is None:
            s.doc = s.committed
            return
        g.base = s.committed  # a drag in progress continues over the new state
        try:
            s.doc = reduce_all(g.base, g.pending)
        except ReducerError:
            s.doc = g.base

    # ------------------------------------------------------------------ waiting (tools, tests, scripts)
    def sync(self, timeout: float = 10.0) -> None:
        """Block until every local edit is acknowledged and every remote one applied (quiescence)."""
        deadline = time.monotonic() + timeout
        while True:
            fut = self.client.request_sync()
            left = deadline - time.monotonic()
            fut.result(max(0.01, left))
            self.drain()
            if not self.replica.pending and self.replica.seq >= self.client.delivered:
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.document}: not in sync after {timeout} s")

    @property
    def state_hash(self) -> str:
        return self.replica.confirmed.state_hash()


def _counter(eid: str) -> int:
    n = eid.rpartition(":")[2]
    return int(n) if n.isdigit() else 0
