"""A client's replica of a shared document, as pure logic (no network, no threads).

`confirmed` is the server's log applied in seq order; `pending` are local batches not yet
acknowledged, in the order they were made. The document the user sees is confirmed + pending
re-applied on top ("rebased") after every incoming record, so:
- concurrent edits to different properties both survive (field events set absolute values);
- to the same property, the later one in server order wins (every replica applies the same order);
- a pending batch that no longer applies (its object was deleted concurrently) is hidden until
  the server answers; the server then rejects it and it is dropped and reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Sequence

from ..errors import ReducerError
from ..events.reducer import reduce_all
from ..events.record import Record
from ..events.types import Event
from ..model.document import Document
from .protocol import WireEvent


@dataclass
class Batch:
    """Local events that were applied (and logged) together: one submit, atomic on the server."""

    group: str
    cause: str | None
    eids: list[str]
    events: list[Event]
    hidden: bool = False  # does not apply over the current confirmed state

    def message(self) -> dict:
        return {"type": "submit", "group": self.group, "cause": self.cause,
                "events": [WireEvent.of(eid, e).to_json() for eid, e in zip(self.eids, self.events)]}


@dataclass
class Dropped:
    group: str
    eids: list[str]
    reason: str


@dataclass
class Replica:
    confirmed: Document = field(default_factory=Document)
    seq: int = 0
    pending: list[Batch] = field(default_factory=list)
    view: Document | None = None

    def __post_init__(self):
        if self.view is None:
            self.view = self.confirmed
        self._by_eid: dict[str, Batch] = {e: b for b in self.pending for e in b.eids}

    def local(self, batch: Batch) -> None:
        """A local batch, already checked against `view` by the session."""
        self.pending.append(batch)
        for e in batch.eids:
            self._by_eid[e] = batch
        self.view = reduce_all(self.view, batch.events)

    def restore(self, batches: Iterable[Batch]) -> None:
        """Pending batches from a previous run (the offline journal); shown where they still apply."""
        for b in batches:
            self.pending.append(b)
            for e in b.eids:
                self._by_eid[e] = b
        self.rebase()

    def receive(self, records: Iterable[Record]) -> int:
        """Apply server records in seq order (older or repeated ones are ignored); returns how many applied."""
        applied = []
        for r in records:
            if r.seq <= self.seq:
                continue
            if r.seq != self.seq + 1:
                raise ValueError(f"record {r.seq} arrived before {self.seq + 1}; the client delivers in order")
            applied.append(r)
            self.seq = r.seq
        if not applied:
            return 0
        self.confirmed = reduce_all(self.confirmed, [r.event for r in applied])
        for r in applied:
            b = self._by_eid.get(r.eid)
            if b is not None:  # our own batch, now in server order
                self._forget(b)
        self.rebase()
        return len(applied)

    def reject(self, eids: Sequence[str], reason: str) -> Dropped | None:
        b = self._by_eid.get(eids[0]) if eids else None
        if b is None:
            return None
        self._forget(b)
        self.rebase()
        return Dropped(b.group, list(b.eids), reason)

    def _forget(self, b: Batch) -> None:
        if b in self.pending:
            self.pending.remove(b)
        for e in b.eids:
            self._by_eid.pop(e, None)

    def rebase(self) -> None:
        """view = confirmed + every pending batch that still applies, in local order."""
        view = self.confirmed
        for b in self.pending:
            try:
                view = reduce_all(view, b.events)
                b.hidden = False
            except ReducerError:
                b.hidden = True
        self.view = view
