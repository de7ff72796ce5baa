"""Snapshots: stored document states at a seq, each with its state hash (trusted only if it verifies)."""

from __future__ import annotations

from .file import EventStore


def snapshot_summaries(store: EventStore) -> list[dict]:
    """seq, time, codec, size, stored hash of every snapshot (hash_ok None: not checked here)."""
    rows = store.raw_rows("SELECT seq, ts, codec, size, state_hash FROM snapshots ORDER BY seq")
    return [
        {"seq": seq, "time": ts, "codec": codec, "size": size, "state_hash": h, "hash_ok": None}
        for seq, ts, codec, size, h in rows
    ]
