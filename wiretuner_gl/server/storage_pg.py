"""PostgreSQL storage via asyncpg, for several gateway processes on one database.

Seqs are gap-free and strictly ordered across all gateways: a batch is inserted at head+1… in the
same statement that moves `documents.head` from the head the batch was checked against (see
`_INSERT`), so two gateways can never both take the same seqs.
"""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Sequence

import asyncpg

from ..events.types import Event
from ..sync.protocol import WireEvent
from .loops import new_event_loop
from .storage import MAX_RANGE, CommitResult, DocState, StorageError, Submit, check_batch, payload_of, row_json, wire_rows

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (doc TEXT PRIMARY KEY, head BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS events (
  doc TEXT NOT NULL, seq BIGINT NOT NULL, eid TEXT NOT NULL, actor TEXT NOT NULL, ts DOUBLE PRECISION NOT NULL,
  grp TEXT NOT NULL, cause TEXT, kind TEXT NOT NULL, v INTEGER NOT NULL, payload TEXT NOT NULL,
  PRIMARY KEY (doc, seq), UNIQUE (doc, eid)
);
"""


class PostgresStorage:
    """Runs asyncpg on its own event loop thread: a gateway busy fanning out thousands of frames
    would otherwise delay every database round trip of a commit behind that work (the SQLite
    backend gets the same isolation from its worker thread)."""

    kind = "postgresql"

    def __init__(self, url: str, *, min_size: int = 2, max_size: int = 10, loop: str = "auto"):
        self.url = url
        self.min_size, self.max_size = min_size, max_size
        self.pool: asyncpg.Pool | None = None
        self._known_docs: set[str] = set()
        self.catch_ups = 0  # commits that had to catch up from the database (the copy was behind)
        self._loop = new_event_loop(loop)
        self._thread = threading.Thread(target=self._loop.run_forever, name="wt-postgres", daemon=True)
        self._thread.start()

    async def _on_db_loop(self, coro):
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coro, self._loop))

    async def open(self) -> None:
        await self._on_db_loop(self._open())

    async def close(self) -> None:
        await self._on_db_loop(self._close())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    async def ready(self) -> bool:
        return await self._on_db_loop(self._ready())

    async def head(self, doc: str) -> int:
        return await self._on_db_loop(self._head(doc))

    async def range(self, doc: str, start: int, end: int | None = None, limit: int = MAX_RANGE) -> list[dict]:
        return await self._on_db_loop(self._range(doc, start, end, limit))

    async def commit(self, doc: str, state: DocState, actor: str, group: str, cause: str | None,
                     wire: Sequence[WireEvent], events: Sequence[Event]) -> CommitResult:
        return (await self.commit_many(doc, state, [Submit(actor, group, cause, wire, events)]))[0]

    async def commit_many(self, doc: str, state: DocState, items: Sequence[Submit]) -> list[CommitResult]:
        """Commit several submits in one statement, each checked after the ones before it."""
        return await self._on_db_loop(self._commit_many(doc, state, items))

    def describe(self) -> str:
        # never print credentials that may be part of the URL
        host = self.url.split("@")[-1]
        return f"postgresql {host}"

    async def _open(self) -> None:
        try:
            self.pool = await asyncpg.create_pool(self.url, min_size=self.min_size, max_size=self.max_size)
            async with self.pool.acquire() as con:
                await con.execute("SELECT pg_advisory_lock(727274)")  # two gateways starting at once
                try:
                    await con.execute(SCHEMA)
                finally:
                    await con.execute("SELECT pg_advisory_unlock(727274)")
        except (OSError, asyncpg.PostgresError) as exc:
            raise StorageError(f"{self.describe()}: cannot open the gateway database ({exc})") from None

    async def _close(self) -> None:
        if self.pool is not None:
            await self.pool.close()
            self.pool = None

    async def _ready(self) -> bool:
        try:
            async with self.pool.acquire(timeout=2) as con:
                await con.fetchval("SELECT 1")
            return True
        except Exception:
            return False

    async def _head(self, doc: str) -> int:
        v = await self.pool.fetchval("SELECT head FROM documents WHERE doc = $1", doc)
        return v or 0

    async def _range(self, doc: str, start: int, end: int | None, limit: int) -> list[dict]:
        rows = await self.pool.fetch(
            "SELECT seq, eid, actor, ts, grp, cause, kind, v, payload FROM events WHERE doc = $1 AND seq >= $2 "
            "AND seq <= $3 ORDER BY seq LIMIT $4", doc, start, end if end is not None else 1 << 62, limit)
        return [row_json(*r) for r in rows]

    async def _ensure_document(self, doc: str) -> None:
        if doc not in self._known_docs:
            await self.pool.execute("INSERT INTO documents(doc, head) VALUES ($1, 0) ON CONFLICT DO NOTHING", doc)
            self._known_docs.add(doc)

    async def _existing(self, doc: str, eids: list[str]) -> CommitResult | None:
        found = dict(await self.pool.fetch("SELECT eid, seq FROM events WHERE doc = $1 AND eid = ANY($2::text[])", doc, eids))
        if not found:
            return None
        if len(found) != len(eids):
            return CommitResult([], reject="batch partially committed under other ids")
        return CommitResult([found[e] for e in eids], duplicate=True)

    def observe(self, state: DocState, records: list[dict]) -> None:
        """Records another gateway committed (relayed by Redis): fold them into the copy on the
        database loop, where commits touch it (DocState.observe)."""
        self._loop.call_soon_threadsafe(state.observe, records)

    async def _commit_many(self, doc: str, state: DocState, items: Sequence[Submit]) -> list[CommitResult]:
        """Optimistic: check against the gateway's copy, then one statement that inserts at head+1…
        only if the head has not moved. No lock is held across round trips, so a busy gateway cannot
        stall the others. The first try trusts the copy (kept current by what other gateways relay,
        see `observe`), so an uncontended commit is one round trip; if the head moved, or a batch
        does not apply to the copy, catch up from the database and try again (a refusal is only ever
        decided against a caught-up copy)."""
        try:
            await self._ensure_document(doc)
            for attempt in range(1000):
                if attempt:
                    self.catch_ups += attempt == 1
                    rows = await self.pool.fetch("SELECT seq, kind, v, payload FROM events WHERE doc = $1 AND seq > $2 "
                                                 "ORDER BY seq", doc, state.seq)
                    state.catch_up([tuple(r) for r in rows])
                head = cur_seq = state.seq
                cur = state.doc
                out: list[CommitResult | None] = [None] * len(items)
                planned: list[tuple[int, Submit, int]] = []  # (index, submit, first seq)
                for k, it in enumerate(items):
                    checked = check_batch(cur, it.events)
                    if isinstance(checked, str):
                        if not attempt:
                            break  # the copy may be behind: catch up before refusing anything
                        out[k] = await self._existing(doc, it.eids) or CommitResult([], reject=checked)
                        continue
                    planned.append((k, it, cur_seq + 1))
                    cur, cur_seq = checked, cur_seq + len(it.wire)
                else:
                    if not planned:
                        return out
                    ts = time.time()
                    ev = [(it, e) for _, it, _ in planned for e in it.wire]
                    try:
                        got = await self.pool.fetch(
                            _INSERT, doc, head, cur_seq - head, ts, [e.eid for _, e in ev], [e.kind for _, e in ev],
                            [e.v for _, e in ev], [payload_of(e) for _, e in ev], [it.actor for it, _ in ev],
                            [it.group for it, _ in ev], [it.cause for it, _ in ev])
                    except asyncpg.UniqueViolationError:
                        if len(items) > 1:  # some submit is a resend: commit them one by one to say which
                            return [(await self._commit_many(doc, state, [it]))[0] for it in items]
                        dup = await self._existing(doc, items[0].eids)
                        if dup is not None:
                            return [dup]
                        continue  # a concurrent commit took these seqs: catch up and retry
                    if got:
                        state.doc, state.seq = cur, cur_seq
                        for k, it, first in planned:
                            out[k] = CommitResult(list(range(first, first + len(it.wire))),
                                                  rows=wire_rows(first, it.actor, ts, it.group, it.cause, it.wire))
                        return out
                # the head moved (another gateway committed), or the copy may be behind: catch up, retry
            raise StorageError(f"{self.describe()}: document {doc} too contended")
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            raise StorageError(f"{self.describe()}: commit failed ({type(exc).__name__}: {exc})") from None


# One round trip, one implicit transaction: bump the head only if it is still `$2`, and insert the
# events (of one or several submits) at $2+1… only if the bump happened (a concurrent bump makes
# the WHERE fail on re-check).
_INSERT = """
WITH bump AS (UPDATE documents SET head = $2 + $3 WHERE doc = $1 AND head = $2 RETURNING head)
INSERT INTO events(doc, seq, eid, actor, ts, grp, cause, kind, v, payload)
SELECT $1, $2 + t.i, t.eid, t.actor, $4, t.grp, t.cause, t.kind, t.v, t.payload
FROM unnest($5::text[], $6::text[], $7::int[], $8::text[], $9::text[], $10::text[], $11::text[])
     WITH ORDINALITY AS t(eid, kind, v, payload, actor, grp, cause, i)
WHERE EXISTS (SELECT 1 FROM bump)
RETURNING seq
"""
