"""PostgreSQL storage via asyncpg, for several gateway processes on one database.

The document's row in `documents` is locked (SELECT … FOR UPDATE) for the length of a commit, so
seqs are gap-free and strictly ordered across all gateways.
"""

from __future__ import annotations

import time
from typing import Sequence

import asyncpg

from ..events.types import Event
from ..sync.protocol import WireEvent
from .storage import MAX_RANGE, CommitResult, DocState, StorageError, check_batch, payload_of, row_json, wire_rows

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (doc TEXT PRIMARY KEY, head BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS events (
  doc TEXT NOT NULL, seq BIGINT NOT NULL, eid TEXT NOT NULL, actor TEXT NOT NULL, ts DOUBLE PRECISION NOT NULL,
  grp TEXT NOT NULL, cause TEXT, kind TEXT NOT NULL, v INTEGER NOT NULL, payload TEXT NOT NULL,
  PRIMARY KEY (doc, seq), UNIQUE (doc, eid)
);
"""


class _Reject(Exception):
    pass


class PostgresStorage:
    kind = "postgresql"

    def __init__(self, url: str, *, min_size: int = 2, max_size: int = 10):
        self.url = url
        self.min_size, self.max_size = min_size, max_size
        self.pool: asyncpg.Pool | None = None

    def describe(self) -> str:
        # never print credentials that may be part of the URL
        host = self.url.split("@")[-1]
        return f"postgresql {host}"

    async def open(self) -> None:
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

    async def close(self) -> None:
        if self.pool is not None:
            await self.pool.close()
            self.pool = None

    async def ready(self) -> bool:
        try:
            async with self.pool.acquire(timeout=2) as con:
                await con.fetchval("SELECT 1")
            return True
        except Exception:
            return False

    async def head(self, doc: str) -> int:
        v = await self.pool.fetchval("SELECT head FROM documents WHERE doc = $1", doc)
        return v or 0

    async def range(self, doc: str, start: int, end: int | None = None, limit: int = MAX_RANGE) -> list[dict]:
        rows = await self.pool.fetch(
            "SELECT seq, eid, actor, ts, grp, cause, kind, v, payload FROM events WHERE doc = $1 AND seq >= $2 "
            "AND seq <= $3 ORDER BY seq LIMIT $4", doc, start, end if end is not None else 1 << 62, limit)
        return [row_json(*r) for r in rows]

    async def commit(self, doc: str, state: DocState, actor: str, group: str, cause: str | None,
                     wire: Sequence[WireEvent], events: Sequence[Event]) -> CommitResult:
        eids = [e.eid for e in wire]
        try:
            async with self.pool.acquire() as con:
                try:
                    async with con.transaction():
                        await con.execute("INSERT INTO documents(doc, head) VALUES ($1, 0) ON CONFLICT DO NOTHING", doc)
                        head = await con.fetchval("SELECT head FROM documents WHERE doc = $1 FOR UPDATE", doc)
                        found = dict(await con.fetch("SELECT eid, seq FROM events WHERE doc = $1 AND eid = ANY($2::text[])", doc, eids))
                        if found:
                            if len(found) != len(eids):
                                return CommitResult([], reject="batch partially committed under other ids")
                            return CommitResult([found[e] for e in eids], duplicate=True)
                        if head > state.seq:
                            rows = await con.fetch("SELECT seq, kind, v, payload FROM events WHERE doc = $1 AND seq > $2 ORDER BY seq",
                                                   doc, state.seq)
                            state.catch_up([tuple(r) for r in rows])
                        checked = check_batch(state, events)
                        if isinstance(checked, str):
                            raise _Reject(checked)
                        ts = time.time()
                        await con.executemany(
                            "INSERT INTO events(doc, seq, eid, actor, ts, grp, cause, kind, v, payload) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)",
                            [(doc, head + 1 + i, e.eid, actor, ts, group, cause, e.kind, e.v, payload_of(e)) for i, e in enumerate(wire)])
                        await con.execute("UPDATE documents SET head = $2 WHERE doc = $1", doc, head + len(wire))
                except _Reject as exc:
                    return CommitResult([], reject=str(exc))
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            raise StorageError(f"{self.describe()}: commit failed ({type(exc).__name__}: {exc})") from None
        state.doc, state.seq = checked, head + len(wire)
        return CommitResult(list(range(head + 1, head + 1 + len(wire))),
                            rows=wire_rows(head + 1, actor, ts, group, cause, wire))
