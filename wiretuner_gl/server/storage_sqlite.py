"""SQLite storage (the default: nothing to install). One file, WAL, synchronous=FULL.

sqlite3 blocks, so every call runs on one dedicated worker thread; writes are serialized there
and by BEGIN IMMEDIATE (which also makes several gateway processes on one file safe).
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Sequence

from ..events.types import Event
from ..sync.protocol import WireEvent
from .storage import MAX_RANGE, CommitResult, DocState, StorageError, Submit, check_batch, payload_of, row_json, wire_rows

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (doc TEXT PRIMARY KEY, head INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS events (
  doc TEXT NOT NULL, seq INTEGER NOT NULL, eid TEXT NOT NULL, actor TEXT NOT NULL, ts REAL NOT NULL,
  grp TEXT NOT NULL, cause TEXT, kind TEXT NOT NULL, v INTEGER NOT NULL, payload TEXT NOT NULL,
  PRIMARY KEY (doc, seq), UNIQUE (doc, eid)
) WITHOUT ROWID;
"""


class SqliteStorage:
    kind = "sqlite"

    def __init__(self, path: str, *, synchronous: str = "FULL"):
        self.path = Path(path)
        self.synchronous = synchronous
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="wt-sqlite")
        self._conn: sqlite3.Connection | None = None

    def describe(self) -> str:
        return f"sqlite {self.path}"

    async def _run(self, fn, *args):
        return await asyncio.get_running_loop().run_in_executor(self._pool, fn, *args)

    async def open(self) -> None:
        await self._run(self._open)

    def _open(self) -> None:
        try:
            conn = sqlite3.connect(str(self.path), isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA busy_timeout = 10000")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute(f"PRAGMA synchronous = {self.synchronous}")
            conn.executescript(SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise StorageError(f"{self.path}: cannot open the gateway database ({exc})") from None
        self._conn = conn

    async def close(self) -> None:
        if self._conn is not None:
            await self._run(self._conn.close)
            self._conn = None
        self._pool.shutdown(wait=True)

    async def ready(self) -> bool:
        try:
            await self._run(lambda: self._conn.execute("SELECT 1").fetchone())
            return True
        except Exception:
            return False

    async def head(self, doc: str) -> int:
        def q():
            row = self._conn.execute("SELECT head FROM documents WHERE doc = ?", (doc,)).fetchone()
            return row[0] if row else 0

        return await self._run(q)

    async def range(self, doc: str, start: int, end: int | None = None, limit: int = MAX_RANGE) -> list[dict]:
        def q():
            rows = self._conn.execute(
                "SELECT seq, eid, actor, ts, grp, cause, kind, v, payload FROM events WHERE doc = ? AND seq >= ? "
                "AND seq <= ? ORDER BY seq LIMIT ?", (doc, start, end if end is not None else 1 << 62, limit)).fetchall()
            return [row_json(*r) for r in rows]

        return await self._run(q)

    async def commit(self, doc: str, state: DocState, actor: str, group: str, cause: str | None,
                     wire: Sequence[WireEvent], events: Sequence[Event]) -> CommitResult:
        return (await self.commit_many(doc, state, [Submit(actor, group, cause, wire, events)]))[0]

    async def commit_many(self, doc: str, state: DocState, items: Sequence[Submit]) -> list[CommitResult]:
        """Commit several submits in one transaction (one fsync), each checked after the ones before it."""
        return await self._run(self._commit_many, doc, state, items)

    def _commit_many(self, doc: str, state: DocState, items: Sequence[Submit]) -> list[CommitResult]:
        c = self._conn
        c.execute("BEGIN IMMEDIATE")
        try:
            row = c.execute("SELECT head FROM documents WHERE doc = ?", (doc,)).fetchone()
            head = row[0] if row else 0
            if head > state.seq:
                state.catch_up(c.execute("SELECT seq, kind, v, payload FROM events WHERE doc = ? AND seq > ? ORDER BY seq",
                                         (doc, state.seq)).fetchall())
            cur, seq, ts, out = state.doc, head, time.time(), []
            for it in items:
                eids = it.eids
                marks = ",".join("?" * len(eids))
                found = dict(c.execute(f"SELECT eid, seq FROM events WHERE doc = ? AND eid IN ({marks})", (doc, *eids)))
                if found:  # a resend (ids are stable): answer with the seqs it got the first time
                    out.append(CommitResult([found[e] for e in eids], duplicate=True) if len(found) == len(eids)
                               else CommitResult([], reject="batch partially committed under other ids"))
                    continue
                checked = check_batch(cur, it.events)
                if isinstance(checked, str):
                    out.append(CommitResult([], reject=checked))
                    continue
                c.executemany("INSERT INTO events(doc, seq, eid, actor, ts, grp, cause, kind, v, payload) VALUES (?,?,?,?,?,?,?,?,?,?)",
                              [(doc, seq + 1 + i, e.eid, it.actor, ts, it.group, it.cause, e.kind, e.v, payload_of(e))
                               for i, e in enumerate(it.wire)])
                out.append(CommitResult(list(range(seq + 1, seq + 1 + len(it.wire))),
                                        rows=wire_rows(seq + 1, it.actor, ts, it.group, it.cause, it.wire)))
                cur, seq = checked, seq + len(it.wire)
            if seq == head:
                c.execute("ROLLBACK")
                return out
            c.execute("INSERT INTO documents(doc, head) VALUES (?, ?) ON CONFLICT(doc) DO UPDATE SET head = excluded.head",
                      (doc, seq))
            c.execute("COMMIT")
        except BaseException as exc:
            if c.in_transaction:
                c.execute("ROLLBACK")
            if isinstance(exc, sqlite3.DatabaseError):
                raise StorageError(f"{self.path}: {exc}") from None
            raise
        state.doc, state.seq = cur, seq
        return out
