"""The .wiretuner file's SQLite schema and its numbered migrations.

`PRAGMA user_version` is the schema version, `PRAGMA application_id` marks the file as ours, and
the `meta` table repeats the format version and the generator for humans and other tools.
A migration runs inside one transaction; a file newer than this build is refused, never guessed at.
"""

from __future__ import annotations

import sqlite_utils

APPLICATION_ID = 0x57544E47  # "WTNG"
SCHEMA_VERSION = 4


def _v1(db: sqlite_utils.Database) -> None:
    db["meta"].create({"key": str, "value": str}, pk="key")
    db["events"].create(
        {
            "seq": int,
            "eid": str,
            "kind": str,
            "v": int,
            "actor": str,
            "ts": float,
            "grp": str,
            "cause": str,
            "payload": str,
            "crc": int,
        },
        pk="seq",
        not_null={"eid", "kind", "v", "actor", "ts", "grp", "payload", "crc"},
    )
    db["events"].create_index(["eid"], unique=True)
    db["events"].create_index(["grp"])
    db["events"].create_index(["actor", "seq"])
    db["snapshots"].create(
        {
            "seq": int,
            "ts": float,
            "format": int,
            "codec": str,
            "size": int,
            "state_hash": str,
            "data": bytes,
        },
        pk="seq",
    )
    db["import_reports"].create(
        {"id": int, "ts": float, "seq": int, "source": str, "report": str}, pk="id"
    )
    db["settings"].create({"key": str, "value": str}, pk="key")


def _v2(db: sqlite_utils.Database) -> None:
    """Fast history: numeric columns for geometric events, content-addressed snapshot chunks.

    `gtarget`/`gval` duplicate, for geometric events only, what replay kernels need (the target
    and the new values as packed float64), so a batch is read without JSON. Rows written before
    v2 keep NULL there and replay through JSON: the log is never rewritten.
    Snapshots become a manifest (the `data` blob) of chunks, one per node, shared between
    snapshots, so a snapshot writes only the nodes that changed; `digest` is the SHA-256 of the
    manifest blob.
    """
    db.execute("ALTER TABLE events ADD COLUMN gtarget TEXT")
    db.execute("ALTER TABLE events ADD COLUMN gval BLOB")
    db.execute("ALTER TABLE snapshots ADD COLUMN digest TEXT")
    db.execute(
        "CREATE TABLE snapshot_chunks (id INTEGER PRIMARY KEY, hash BLOB NOT NULL UNIQUE, data BLOB NOT NULL)"
    )


def _v3(db: sqlite_utils.Database) -> None:
    """The local actor's undo/redo stacks beside each snapshot (JSON), so opening a long log does
    not re-read every one of the actor's events to rebuild them: only those after the snapshot."""
    db.execute("ALTER TABLE snapshots ADD COLUMN undo TEXT")
    # batched replay reads geometric rows by seq range and finds the others through this index
    db.execute("CREATE INDEX IF NOT EXISTS events_structural ON events(seq) WHERE gtarget IS NULL")


def _v4(db: sqlite_utils.Database) -> None:
    """Snapshot packs: the chunks of one snapshot stored end to end (with their offsets), written
    when the editor closes a large document, so the next open reads one row and checks one digest
    instead of fetching and hashing thousands of chunks. `manifest_digest` ties a pack to the
    snapshot it copies; a pack that fails any check is ignored and the chunks are read instead."""
    db.execute(
        "CREATE TABLE snapshot_packs (seq INTEGER PRIMARY KEY, manifest_digest TEXT NOT NULL, "
        "offsets BLOB NOT NULL, data BLOB NOT NULL, digest TEXT NOT NULL)"
    )


# Numbered migrations: MIGRATIONS[n] brings a file from version n-1 to version n.
MIGRATIONS = {1: _v1, 2: _v2, 3: _v3, 4: _v4}
assert max(MIGRATIONS) == SCHEMA_VERSION


def migrate(db: sqlite_utils.Database, current: int) -> None:
    for n in range(current + 1, SCHEMA_VERSION + 1):
        with db.atomic():
            MIGRATIONS[n](db)
            db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('format_version', ?)", [str(n)])
            db.execute(f"PRAGMA user_version = {n}")
