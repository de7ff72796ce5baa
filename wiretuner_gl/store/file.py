"""EventStore: the append-only event log inside one .wiretuner SQLite file.

WAL mode with synchronous=FULL: `append` returns only after the transaction is committed and the
WAL is fsynced, so an acknowledged event survives a crash or power loss. Readers (another
process, the CLI) can open the file while it is being written.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
import zlib
from pathlib import Path
from typing import Iterable, Iterator, Sequence

import sqlite_utils

from .. import GENERATOR
from ..errors import DocumentCorrupt, DocumentJsonError, FormatTooNew, NotADocument, DocumentReadOnly
from ..events.geocols import columns as geo_columns
from ..events.record import Record, decode_event, event_payload
from ..events.types import Event
from ..io.guard import FileGuard
from . import schema

SQLITE_MAGIC = b"SQLite format 3\x00"
DOCUMENT_MAX_BYTES = 64 * 1024**3  # a ceiling, not a budget: a 1M-event log is a few hundred MB


def _crc(kind: str, v: int, payload: str) -> int:
    return zlib.crc32(f"{kind}|{v}|{payload}".encode("utf-8"))


class EventStore:
    def __init__(self, path: Path, conn: sqlite3.Connection, read_only: bool):
        self.path = path
        self.name = str(path)
        self.conn = conn
        self.db = sqlite_utils.Database(conn)
        self.read_only = read_only
        self._lock = threading.RLock()
        self._counters: dict[str, int] = {}

    # ------------------------------------------------------------------ opening
    @classmethod
    def create(cls, path: str | os.PathLike, *, overwrite: bool = False, synchronous: str = "FULL") -> "EventStore":
        path = Path(path)
        if path.exists():
            if not overwrite:
                raise FileExistsError(f"{path}: already exists")
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        conn = _connect(path, read_only=False, synchronous=synchronous)
        conn.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
        store = cls(path, conn, read_only=False)
        schema.migrate(store.db, 0)
        with store.db.atomic():
            store.db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('generator', ?)", [GENERATOR])
            store.db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('created', ?)", [repr(time.time())])
        return store

    @classmethod
    def open(cls, path: str | os.PathLike, *, read_only: bool = False, synchronous: str = "FULL") -> "EventStore":
        path = FileGuard(max_bytes=DOCUMENT_MAX_BYTES).check(path)
        _check_header(path)
        try:
            conn = _connect(path, read_only=read_only, synchronous=synchronous)
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        except sqlite3.DatabaseError as exc:
            raise _corrupt(path, exc) from None
        if app_id != schema.APPLICATION_ID or not {"meta", "events"} <= tables:
            conn.close()
            raise NotADocument(f"{path}: a SQLite database, but not a WireTuner document")
        if version > schema.SCHEMA_VERSION:
            conn.close()
            raise FormatTooNew(
                f"{path}: format version {version} is newer than this build reads ({schema.SCHEMA_VERSION}); "
                "update WireTuner GL"
            )
        store = cls(path, conn, read_only=read_only)
        if version < schema.SCHEMA_VERSION and not read_only:
            schema.migrate(store.db, version)
        return store

    def close(self) -> None:
        with self._lock:
            self.conn.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # ------------------------------------------------------------------ metadata and settings
    def meta(self) -> dict[str, str]:
        return {r["key"]: r["value"] for r in self.db.query("SELECT key, value FROM meta")}

    @property
    def format_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def setting(self, key: str, default=None):
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else default

    def set_setting(self, key: str, value) -> None:
        self._writable()
        with self._lock, self.db.atomic():
            self.db.execute("INSERT OR REPLACE INTO settings(key, value) VALUES (?, ?)", [key, json.dumps(value)])

    # ------------------------------------------------------------------ writing
    def _writable(self) -> None:
        if self.read_only:
            raise DocumentReadOnly(f"{self.name}: opened read-only")

    def next_counter(self, actor: str) -> int:
        """Next per-actor event counter (for stable event ids `actor:counter`)."""
        with self._lock:
            n = self._counters.get(actor)
            if n is None:
                row = self.conn.execute(
                    "SELECT eid FROM events WHERE actor = ? ORDER BY seq DESC LIMIT 1", (actor,)
                ).fetchone()
                n = int(row[0].rsplit(":", 1)[1]) if row and row[0].rsplit(":", 1)[-1].isdigit() else 0
            return n + 1

    def append(
        self,
        events: Sequence[Event],
        *,
        actor: str,
        group: str,
        cause: str | None = None,
        eids: Sequence[str] | None = None,
        ts: float | None = None,
    ) -> list[Record]:
        """Append events as one transaction; returns their records once durable."""
        self._writable()
        if not events:
            return []
        ts = time.time() if ts is None else ts
        with self._lock:
            if eids is None:
                first = self.next_counter(actor)
                eids = [f"{actor}:{first + i}" for i in range(len(events))]
            rows = []
            for e, eid in zip(events, eids):
                payload = event_payload(e)
                gt, gv = geo_columns(e)  # numeric copy for replay kernels (schema v2)
                rows.append((eid, e.KIND, e.VERSION, actor, ts, group, cause, payload, _crc(e.KIND, e.VERSION, payload), gt, gv))
            try:
                self.conn.execute("BEGIN IMMEDIATE")
                try:
                    cur = self.conn.executemany(
                        "INSERT INTO events(eid, kind, v, actor, ts, grp, cause, payload, crc, gtarget, gval) "
                        "VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                        rows,
                    )
                    last = self.conn.execute("SELECT max(seq) FROM events").fetchone()[0]
                    self.conn.execute("COMMIT")
                except BaseException:
                    if self.conn.in_transaction:
                        self.conn.execute("ROLLBACK")
                    raise
            except sqlite3.IntegrityError as exc:
                raise ValueError(f"{self.name}: duplicate event id ({exc})") from None
            except sqlite3.DatabaseError as exc:
                raise _corrupt(self.path, exc) from None
            del cur
            n = len(rows)
            self._counters[actor] = int(eids[-1].rsplit(":", 1)[1]) if eids[-1].rsplit(":", 1)[-1].isdigit() else 0
            return [
                Record(last - n + 1 + i, eid, actor, ts, group, cause, e)
                for i, (e, eid) in enumerate(zip(events, eids))
            ]

    # ------------------------------------------------------------------ reading
    def last_seq(self) -> int:
        try:
            return self.conn.execute("SELECT coalesce(max(seq), 0) FROM events").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise _corrupt(self.path, exc) from None

    def count(self) -> int:
        try:
            return self.conn.execute("SELECT count(*) FROM events").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise _corrupt(self.path, exc) from None

    _COLUMNS = "seq, eid, kind, v, actor, ts, grp, cause, payload, crc"

    def records(self, start: int = 1, end: int | None = None) -> Iterator[Record]:
        """Records with start <= seq <= end, in order; a damaged row raises DocumentCorrupt naming its seq."""
        sql = f"SELECT {self._COLUMNS} FROM events WHERE seq >= ?"
        params: list = [start]
        if end is not None:
            sql += " AND seq <= ?"
            params.append(end)
        yield from self._decode_rows(sql + " ORDER BY seq", params)

    def group_records(self, group: str) -> list[Record]:
        return list(self._decode_rows(f"SELECT {self._COLUMNS} FROM events WHERE grp = ? ORDER BY seq", [group]))

    def actor_groups(self, actor: str) -> Iterator[tuple[int, str, str | None]]:
        """(seq, group, cause) of an actor's events, in order (for undo history)."""
        try:
            yield from self.conn.execute("SELECT seq, grp, cause FROM events WHERE actor = ? ORDER BY seq", (actor,))
        except sqlite3.DatabaseError as exc:
            raise _corrupt(self.path, exc) from None

    def raw_rows(self, sql: str, params: Iterable = ()) -> list[tuple]:
        try:
            return self.conn.execute(sql, tuple(params)).fetchall()
        except sqlite3.DatabaseError as exc:
            raise _corrupt(self.path, exc) from None

    def _decode_rows(self, sql: str, params: list) -> Iterator[Record]:
        try:
            cur = self.conn.execute(sql, params)
            while True:
                rows = cur.fetchmany(4096)
                if not rows:
                    break
                for seq, eid, kind, v, actor, ts, grp, cause, payload, crc in rows:
                    if type(payload) is not str or _crc(kind, v, payload) != crc:
                        raise DocumentCorrupt(f"{self.name}: event {seq} is damaged (checksum mismatch)", seq=seq)
                    try:
                        ev = decode_event(kind, v, payload)
                    except DocumentJsonError as exc:
                        raise DocumentCorrupt(f"{self.name}: event {seq} ({kind}) cannot be read: {exc}", seq=seq) from None
                    yield Record(seq, eid, actor, ts, grp, cause, ev)
        except sqlite3.DatabaseError as exc:
            raise _corrupt(self.path, exc) from None


def _connect(path: Path, *, read_only: bool, synchronous: str) -> sqlite3.Connection:
    if read_only:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None, check_same_thread=False)
    else:
        conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA busy_timeout = 5000")
    if not read_only:
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if mode.lower() != "wal":
            raise DocumentCorrupt(f"{path}: cannot switch to WAL mode (got {mode})")
    conn.execute(f"PRAGMA synchronous = {synchronous}")
    return conn


def _check_header(path: Path) -> None:
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file")
    if not path.is_file():
        raise NotADocument(f"{path}: not a regular file")
    size = path.stat().st_size
    with open(path, "rb") as f:
        head = f.read(100)
    if len(head) < 16 or head[:16] != SQLITE_MAGIC:
        if size == 0:
            raise NotADocument(f"{path}: empty file, not a WireTuner document")
        raise NotADocument(f"{path}: not a WireTuner document (not a SQLite database)")
    if len(head) < 100:
        raise DocumentCorrupt(f"{path}: truncated ({size} bytes, shorter than a SQLite header)")
    page_size = int.from_bytes(head[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(head[28:32], "big")
    wal = Path(f"{path}-wal")
    if pages and size < pages * page_size and not (wal.exists() and wal.stat().st_size):
        raise DocumentCorrupt(f"{path}: truncated ({size} bytes, the header expects {pages * page_size})")


def _corrupt(path: Path, exc: Exception) -> Exception:
    msg = str(exc)
    if "not a database" in msg:
        return NotADocument(f"{path}: not a WireTuner document ({msg})")
    if "readonly" in msg or "read-only" in msg:
        return DocumentReadOnly(f"{path}: {msg}")
    return DocumentCorrupt(f"{path}: damaged ({msg})")
