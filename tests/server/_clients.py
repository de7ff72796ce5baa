"""Scripted collaboration clients: real DocumentSessions shared through LiveDocument."""

from __future__ import annotations

import json
import random

from wiretuner_gl.events.record import decode_event
from wiretuner_gl.events.reducer import reduce_all
from wiretuner_gl.model.document import Document
from wiretuner_gl.store.file import EventStore
from wiretuner_gl.store.loader import LoadResult
from wiretuner_gl.store.session import DocumentSession
from wiretuner_gl.sync.backoff import Backoff
from wiretuner_gl.sync.client import Chaos
from wiretuner_gl.sync.live import LiveDocument


def live_client(tmp, name: str, urls, document: str, authority, *, role="editor", chaos_seed=None,
                ping_interval=0.3) -> LiveDocument:
    # The journal's durability is the store's business (tested there); here it would only cost fsyncs.
    store = EventStore.create(tmp / f"{document}-{name}.wiretuner", synchronous="OFF")
    session = DocumentSession(store, LoadResult(Document(), 0), name)
    chaos = Chaos(chaos_seed) if chaos_seed is not None else None
    return LiveDocument(session, urls, document, lambda: authority.mint(f"user-{name}", document, role),
                        ping_interval=ping_interval, chaos=chaos,
                        backoff=Backoff(0.02, 0.3, random.Random(chaos_seed))).start()


def server_state(http_base: str, document: str, authority) -> Document:
    """The server's state: its whole log fetched over the protocol and replayed."""
    import asyncio

    import aiohttp

    async def fetch():
        rows = []
        async with aiohttp.ClientSession() as s:
            async with s.ws_connect(f"{http_base}/v1/documents/{document}/ws") as ws:
                await ws.send_json({"type": "hello", "token": authority.mint("auditor", document, "viewer"),
                                    "client": "auditor", "since": 10 ** 15})
                welcome = json.loads((await ws.receive()).data)
                head = welcome["head"]
                while (rows[-1]["seq"] if rows else 0) < head:
                    await ws.send_json({"type": "fetch", "from": (rows[-1]["seq"] if rows else 0) + 1, "to": head})
                    while True:
                        m = json.loads((await ws.receive()).data)
                        if m["type"] == "events" and m.get("fetch"):
                            rows += m["records"]
                            break
        return rows

    rows = asyncio.run(fetch())
    assert [r["seq"] for r in rows] == list(range(1, len(rows) + 1)), "server log has holes"
    return reduce_all(Document(), [decode_event(r["kind"], r["v"], r["data"]) for r in rows])
