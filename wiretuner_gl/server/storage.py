"""Where the gateway keeps each document's ordered log: the common part of both backends.

A commit (1) answers a resent batch with its existing seqs (stable event ids make retries
idempotent), (2) catches the gateway's in-memory copy of the document up to the head (another
gateway may have written), (3) checks the batch against it with the reducer, and (4) inserts it at
head+1… in the same database transaction that moves the head (SQLite: under BEGIN IMMEDIATE;
PostgreSQL: one statement that only succeeds if the head has not moved, else catch up and retry).
Only after the commit returns does the gateway acknowledge and broadcast.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Sequence

from ..errors import ReducerError, WireTunerError
from ..events.reducer import apply, reduce_all
from ..events.record import decode_event
from ..events.types import Event
from ..model.document import Document
from ..sync.protocol import WireEvent

MAX_RANGE = 2000  # records per fetch/backlog message


class StorageError(WireTunerError):
    """The database is unreachable or refused an operation."""


@dataclass
class DocState:
    """A gateway's copy of one document at `seq`, used to check submitted batches."""

    doc: Document = field(default_factory=Document)
    seq: int = 0
    pending: list = field(default_factory=list)  # submits waiting for the next group commit (commit_grouped)
    committer: asyncio.Task | None = None  # the task committing them; at most one per document copy

    def catch_up(self, rows: Sequence[tuple]) -> None:
        """Apply committed rows (seq, kind, v, payload) that this copy has not seen yet (rows it has
        seen already, e.g. learnt from another gateway meanwhile, are skipped). All or nothing: on an
        error the copy stays as it was."""
        rows = [r for r in rows if r[0] > self.seq]
        if not rows:
            return
        m, seq = self.doc.mutate(), self.seq
        for row_seq, kind, v, payload in rows:
            if row_seq != seq + 1:
                raise StorageError(f"document log has a hole before seq {row_seq}")
            apply(m, decode_event(kind, v, payload, where=f"stored event {row_seq}"))
            seq = row_seq
        self.doc, self.seq = m.finish(), seq

    def observe(self, records: Sequence[dict]) -> None:
        """Best effort: apply records another gateway committed (as relayed through Redis) when they
        continue this copy exactly, so the next commit usually finds it current and skips a catch-up
        query. Anything else (a gap, a repeat, a record that does not decode) is left to the catch-up,
        which reads the database."""
        try:
            rows = [(r["seq"], r["kind"], r["v"], r["data"]) for r in records if r["seq"] > self.seq]
            if rows and rows[0][0] == self.seq + 1 and all(b[0] == a[0] + 1 for a, b in zip(rows, rows[1:])):
                self.catch_up(rows)
        except (WireTunerError, ReducerError, KeyError, TypeError, ValueError):
            pass


@dataclass
class CommitResult:
    seqs: list[int]  # empty when rejected
    duplicate: bool = False  # the batch had been committed before (a resend)
    reject: str | None = None  # why the batch cannot apply
    rows: list[dict] = field(default_factory=list)  # the committed records, as on the wire


def check_batch(state: DocState | Document, events: Sequence[Event]) -> Document | str:
    """The document after `events`, or why they do not apply."""
    try:
        return reduce_all(state.doc if isinstance(state, DocState) else state, events)
    except ReducerError as exc:
        return str(exc)


@dataclass(frozen=True, slots=True)
class Submit:
    """One submitted batch, as the storage commits it."""

    actor: str
    group: str
    cause: str | None
    wire: Sequence[WireEvent]
    events: Sequence[Event]

    @property
    def eids(self) -> list[str]:
        return [e.eid for e in self.wire]


MAX_GROUP = 64  # submits per group commit


async def commit_grouped(storage, doc: str, state: DocState, item: Submit) -> CommitResult:
    """Group commit: a submit that arrives while this document's previous commit is in flight waits
    for it and then goes, with every other submit that arrived meanwhile, into one transaction (one
    fsync on SQLite, one round trip on PostgreSQL). Alone, a submit is committed at once. Results
    come back in arrival order, which is seq order, so acks and broadcasts keep that order."""
    fut = asyncio.get_running_loop().create_future()
    state.pending.append((item, fut))
    if state.committer is None:
        state.committer = asyncio.ensure_future(_drain(storage, doc, state))
    return await fut


async def _drain(storage, doc: str, state: DocState) -> None:
    batch: list = []
    try:
        while state.pending:
            batch, state.pending = state.pending[:MAX_GROUP], state.pending[MAX_GROUP:]
            try:
                results = await storage.commit_many(doc, state, [item for item, _ in batch])
            except Exception as exc:  # every submit of the group fails the same way (e.g. StorageError)
                for _, f in batch:
                    if not f.done():
                        f.set_exception(exc)
                continue
            for (_, f), r in zip(batch, results):
                if not f.done():
                    f.set_result(r)
    except asyncio.CancelledError:
        for _, f in batch + state.pending:
            f.cancel()
        state.pending.clear()
        raise
    finally:
        state.committer = None


def wire_rows(first_seq: int, actor: str, ts: float, group: str, cause: str | None, events: Sequence[WireEvent]) -> list[dict]:
    return [{"seq": first_seq + i, "eid": e.eid, "actor": actor, "ts": ts, "group": group, "cause": cause,
             "kind": e.kind, "v": e.v, "data": e.data} for i, e in enumerate(events)]


def payload_of(e: WireEvent) -> str:
    return json.dumps(e.data, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def row_json(seq, eid, actor, ts, grp, cause, kind, v, payload) -> dict:
    return {"seq": seq, "eid": eid, "actor": actor, "ts": ts, "group": grp, "cause": cause, "kind": kind, "v": v,
            "data": json.loads(payload)}


def open_storage(url: str | None, *, loop: str = "auto"):
    """`postgresql://…` -> PostgreSQL (asyncpg, on its own `loop` kind of event loop); anything else is a
    SQLite file path or `sqlite:///path`."""
    url = url or "wiretuner-server.sqlite"
    if url.startswith(("postgresql://", "postgres://")):
        from .storage_pg import PostgresStorage

        return PostgresStorage(url, loop=loop)
    from .storage_sqlite import SqliteStorage

    path = url[len("sqlite:///"):] if url.startswith("sqlite:///") else url
    return SqliteStorage(path)
