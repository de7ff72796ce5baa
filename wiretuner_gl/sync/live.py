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
        self.replica = Replica(session.committed, 0) if session.store.count() == 0 else Replica()
        if session.store.count():
            # The journal holds this user's edits but not the others': start from the server's log.
            session.committed = session.doc = self.replica.view
        self.client = SyncClient(urls, document, session.actor, tokens, since=self.replica.seq,
                                 ping_interval=ping_interval, chaos=chaos, backoff=backoff)
        self.dropped: list[Dropped] = []
        self.acked: set[str] = set()  # ids of this user's events that are in the server's log
        self.peers: dict[str, dict] = {}
        self.connected = False
        session.listeners.append(self._on_local)

    def start(self) -> "LiveDocument":
        self.client.start()
        return self

    def close(self) -> None:
        self.client.stop()
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
                self.acked.update(r.eid for r in item[1] if r.actor == self.session.actor)
                res.applied += n
                changed |= n > 0
            elif kind == "reject":
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
            elif kind == "fatal":
                res.fatal = (item[1], item[2])
        if changed:
            self._adopt()
        self.dropped.extend(res.dropped)
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
