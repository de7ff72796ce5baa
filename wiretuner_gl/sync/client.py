"""The network side of a collaboration client: aiohttp on its own event loop in a side thread.

The main (editor) thread never blocks on the network: it calls `submit`/`presence` (which only
schedule work on the side loop) and drains `inbox`, a thread-safe queue of
  ("records", [Record, ...])  server records, gap-free and in seq order
  ("reject", eids, group, reason)
  ("presence", msg) / ("presence_left", client)
  ("status", "connected" | "disconnected", detail)
  ("fatal", code, reason)      the gateway refused us for good (auth, role, protocol)
The side thread keeps the un-acknowledged submits and resends them, in order, after every
reconnect (stable event ids make that idempotent), resumes from the last seq it delivered, fetches
any gap in seq (Redis pub/sub may drop messages), and backs off exponentially with jitter.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import queue
import random
import threading
import time
from collections import OrderedDict
from concurrent.futures import Future
from typing import Awaitable, Callable  # noqa: F401 (Awaitable: in the TokenProvider string annotation)

import aiohttp

from ..events.record import Record
from . import protocol as P
from .backoff import Backoff

log = logging.getLogger("wiretuner.sync")
TokenProvider = Callable[[], "str | Awaitable[str]"]


class Chaos:
    """Test hook: seeded loss, delay and reordering of incoming event messages."""

    def __init__(self, seed: int, *, drop: float = 0.05, delay: float = 0.3, max_delay: float = 0.03):
        self.rng = random.Random(seed)
        self.drop, self.delay, self.max_delay = drop, delay, max_delay

    def decide(self, msg: dict) -> float | None:
        """None: drop; 0: deliver now; > 0: deliver after that many seconds."""
        if msg.get("type") != "events" or msg.get("fetch"):
            return 0.0
        x = self.rng.random()
        if x < self.drop:
            return None
        if x < self.drop + self.delay:
            return self.rng.uniform(0.001, self.max_delay)
        return 0.0


class SyncClient:
    def __init__(self, urls: list[str] | str, document: str, client_id: str, tokens: TokenProvider, *,
                 since: int = 0, ping_interval: float = 10.0, backoff: Backoff | None = None,
                 chaos: Chaos | None = None, connect_timeout: float = 5.0):
        self.urls = [urls] if isinstance(urls, str) else list(urls)
        self.document, self.client_id, self.tokens = document, client_id, tokens
        self.ping_interval = ping_interval
        self.backoff = backoff or Backoff()
        self.chaos = chaos
        self.connect_timeout = connect_timeout
        self.inbox: queue.Queue = queue.Queue()
        self.delivered = since  # highest seq handed to the inbox (gap-free)
        self.head = since  # highest seq the gateway told us exists
        self.connected = False
        self.role: str | None = None
        self.fatal: tuple[int, str] | None = None
        self.reconnects = 0
        self._url_index = 0
        self._buffer: dict[int, dict] = {}  # seq -> record json, waiting for the gap before it
        self._unacked: OrderedDict[str, dict] = OrderedDict()  # first eid -> submit message
        self._own: dict[str, tuple[dict, dict]] = {}  # eid -> (submit message, event json)
        self._fetch_sent = 0.0
        self._offline_until = 0.0
        self._sync_waiters: list[list] = []  # [future, ping number whose pong it needs]
        self._ping_n = 0
        self._expires: float | None = None
        self._lifetime = 900.0
        self._pong_n = 0
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._out: asyncio.Queue | None = None
        self._stopping = False
        self._main_task: asyncio.Task | None = None
        self._wake = asyncio.Event()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self._thread_main, name=f"wt-sync-{client_id}", daemon=True)

    # ------------------------------------------------------------------ main-thread API
    def start(self) -> "SyncClient":
        self.thread.start()
        return self

    def submit(self, msg: dict) -> None:
        self.loop.call_soon_threadsafe(self._submit, msg)

    def presence(self, state: dict) -> None:
        self.loop.call_soon_threadsafe(self._send, {"type": "presence", **state})

    def go_offline(self, seconds: float) -> None:
        """Drop the connection and stay away for `seconds` (tests, and a user's 'work offline')."""
        self.loop.call_soon_threadsafe(self._go_offline, seconds)

    def request_sync(self) -> Future:
        """A future that resolves once everything submitted is acknowledged and every seq up to the
        gateway's head (asked now) has been delivered to the inbox."""
        fut: Future = Future()
        self.loop.call_soon_threadsafe(self._add_sync_waiter, fut)
        return fut

    def stop(self) -> None:
        if self.thread.is_alive():
            self.loop.call_soon_threadsafe(self._stop)
            self.thread.join(10)

    # ------------------------------------------------------------------ side thread
    def _thread_main(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self.loop.run_until_complete(self._main())
        finally:
            self.loop.close()

    def _stop(self) -> None:
        self._stopping = True
        if self._main_task is not None:
            self._main_task.cancel()

    async def _main(self) -> None:
        self._main_task = asyncio.current_task()
        try:
            async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=None, connect=self.connect_timeout)) as http:
                self._http = http
                while not self._stopping and self.fatal is None:
                    wait = self._offline_until - time.monotonic()
                    if wait > 0:
                        await asyncio.sleep(wait)
                    ok = await self._session()
                    if self._stopping or self.fatal is not None:
                        break
                    self._url_index += 1  # try the next gateway
                    if ok:
                        self.backoff.reset()
                    delay = self.backoff.next()
                    self._wake.clear()
                    try:
                        await asyncio.wait_for(self._wake.wait(), delay)
                    except asyncio.TimeoutError:
                        pass
        except asyncio.CancelledError:
            pass
        finally:
            for f, _ in self._sync_waiters:
                if not f.done():
                    f.set_exception(ConnectionError("sync client stopped"))

    async def _session(self) -> bool:
        """One connection's life; True if it got as far as a welcome."""
        url = self.urls[self._url_index % len(self.urls)].rstrip("/") + f"/v1/documents/{self.document}/ws"
        welcomed = False
        try:
            token = self.tokens()
            if inspect.isawaitable(token):
                token = await token
            async with self._http.ws_connect(url, heartbeat=15.0, max_msg_size=64 << 20, autoclose=True) as ws:
                self._ws = ws
                await ws.send_str(P.dumps({"type": "hello", "token": token, "client": self.client_id, "since": self.delivered}))
                first = await asyncio.wait_for(ws.receive(), self.connect_timeout)
                if first.type != aiohttp.WSMsgType.TEXT:
                    return self._closed(ws)
                welcome = P.loads(first.data)
                if welcome.get("type") != "welcome":
                    return self._closed(ws)
                welcomed = True
                self.role = welcome.get("role")
                if welcome.get("head", 0) < self.delivered:
                    # the gateway's log is shorter than what we already applied: it was reset or
                    # restored from an old backup; merging would silently fork the document
                    self.fatal = (P.CLOSE_PROTOCOL, f"gateway log ends at {welcome.get('head')} but this client "
                                                    f"has applied up to {self.delivered}")
                    self.inbox.put(("fatal", *self.fatal))
                    await ws.close()
                    return True
                if self.role == "viewer":  # the gateway would close on our first submit: refuse them here
                    for msg in list(self._unacked.values()):
                        self._refuse(msg, "role viewer cannot edit this document")
                self.head = max(self.head, welcome.get("head", 0))
                self.connected = True
                self.inbox.put(("status", "connected", url))
                self._out = asyncio.Queue()
                for msg in self._unacked.values():  # resend in order; the gateway dedups by event id
                    self._out.put_nowait(msg)
                writer = asyncio.create_task(self._writer(ws))
                self._lifetime = max(1.0, (welcome.get("expires") or time.time()) - time.time())
                pinger = asyncio.create_task(self._pinger(welcome.get("expires")))
                try:
                    self._check_gap()
                    self._sync_ping()
                    async for m in ws:
                        if m.type != aiohttp.WSMsgType.TEXT:
                            break
                        msg = P.loads(m.data)
                        d = 0.0 if self.chaos is None else self.chaos.decide(msg)
                        if d is None:
                            continue
                        if d > 0:
                            self.loop.call_later(d, self._handle, msg)
                        else:
                            self._handle(msg)
                finally:
                    writer.cancel()
                    pinger.cancel()
                return self._closed(ws)
        except (aiohttp.ClientError, OSError, asyncio.TimeoutError, P.ProtocolError) as exc:
            log.debug("connection to %s failed: %s", url, type(exc).__name__)
            return welcomed
        finally:
            self._ws = None
            self._out = None
            if self.connected:
                self.connected = False
                self.reconnects += 1
                self.inbox.put(("status", "disconnected", url))

    def _closed(self, ws) -> bool:
        code = ws.close_code
        if code in P.FATAL_CLOSE_CODES:
            self.fatal = (code, P.CLOSE_REASONS.get(code, "refused"))
            self.inbox.put(("fatal", code, self.fatal[1]))
            for f, _ in self._sync_waiters:
                if not f.done():
                    f.set_exception(ConnectionRefusedError(f"gateway closed with {code}"))
        return True

    async def _writer(self, ws) -> None:
        out = self._out
        while True:
            msg = await out.get()
            if self._out is not out:
                return
            await ws.send_str(P.dumps(msg))

    async def _pinger(self, expires) -> None:
        """Keep-alive pings (they also reveal a lost tail: pong.head) and token refresh before expiry."""
        self._expires = expires
        last_ping = time.monotonic()
        while True:
            await asyncio.sleep(min(self.ping_interval, 0.5))
            now = time.monotonic()
            if now - last_ping >= self.ping_interval:
                last_ping = now
                self._send({"type": "ping", "t": 0})
            if self._expires and time.time() >= self._expires - max(1.0, self._lifetime * 0.2):
                token = self.tokens()
                if inspect.isawaitable(token):
                    token = await token
                self._send({"type": "refresh", "token": token})
                self._expires = None  # until the gateway confirms (refreshed) with the new expiry

    def _send(self, msg: dict) -> None:
        if self._out is not None:
            self._out.put_nowait(msg)

    def _refuse(self, msg: dict, reason: str) -> None:
        eids = [e["eid"] for e in msg["events"]]
        self._unacked.pop(eids[0], None)
        for e in eids:
            self._own.pop(e, None)
        self.inbox.put(("reject", eids, msg["group"], reason))

    def _submit(self, msg: dict) -> None:
        if self.role == "viewer":
            self._refuse(msg, "role viewer cannot edit this document")
            return
        self._unacked[msg["events"][0]["eid"]] = msg
        for e in msg["events"]:
            self._own[e["eid"]] = (msg, e)
        self._send(msg)

    def _go_offline(self, seconds: float) -> None:
        self._offline_until = time.monotonic() + seconds
        self._out = None  # nothing more goes out on this connection; unacked submits wait for the next one
        if self._ws is not None:
            asyncio.ensure_future(self._ws.close(code=P.CLOSE_NORMAL, message=b"offline"))

    def _add_sync_waiter(self, fut: Future) -> None:
        self._sync_waiters.append([fut, None])
        self._sync_ping()
        self._wake.set()

    def _sync_ping(self) -> None:
        """Ask the gateway for its head; waiters resolve only on the answer to this very ping."""
        if self._out is None or not self._sync_waiters:
            return
        self._ping_n += 1
        for w in self._sync_waiters:
            w[1] = self._ping_n
        self._send({"type": "ping", "t": self._ping_n})

    # ------------------------------------------------------------------ incoming
    def _handle(self, msg: dict) -> None:
        t = msg.get("type")
        if t == "events":
            for r in msg.get("records", ()):
                if r["seq"] > self.delivered:
                    self._buffer[r["seq"]] = r
                    self.head = max(self.head, r["seq"])
            self._deliver()
        elif t == "ack":
            first = msg["eids"][0] if msg.get("eids") else None
            sub = self._unacked.pop(first, None)
            if sub is not None:
                for e, seq in zip(sub["events"], msg["seqs"]):
                    if seq > self.delivered:
                        self._buffer[seq] = {"seq": seq, "eid": e["eid"], "actor": self.client_id, "ts": time.time(),
                                             "group": sub["group"], "cause": sub["cause"], "kind": e["kind"],
                                             "v": e["v"], "data": e["data"]}
                    self.head = max(self.head, seq)
                self._deliver()
        elif t == "reject":
            first = msg["eids"][0] if msg.get("eids") else None
            if self._unacked.pop(first, None) is not None:
                for e in msg["eids"]:
                    self._own.pop(e, None)
                self.inbox.put(("reject", msg["eids"], msg.get("group"), msg.get("reason", "")))
        elif t == "pong":
            self.head = max(self.head, int(msg.get("head", 0)))
            if isinstance(msg.get("t"), int):
                self._pong_n = max(self._pong_n, msg["t"])
            self._check_gap()
        elif t == "refreshed":
            self._lifetime = max(1.0, float(msg.get("expires", 0)) - time.time())
            self._expires = msg.get("expires")
        elif t == "presence":
            self.inbox.put(("presence", msg))
        elif t == "presence_left":
            self.inbox.put(("presence_left", msg.get("client")))
        self._check_sync()

    def _deliver(self) -> None:
        out: list[Record] = []
        while self.delivered + 1 in self._buffer:
            r = self._buffer.pop(self.delivered + 1)
            self.delivered += 1
            if r["eid"] in self._own:  # ours (the ack may have been lost): no resend needed any more
                sub, _ = self._own.pop(r["eid"])
                self._unacked.pop(sub["events"][0]["eid"], None)
            out.append(P.record_from_json(r))
        if out:
            self.inbox.put(("records", out))
        self._check_gap()

    def _check_gap(self) -> None:
        want_to = min(self._buffer) - 1 if self._buffer else self.head
        if want_to > self.delivered and time.monotonic() - self._fetch_sent > 0.25:
            self._fetch_sent = time.monotonic()
            self._send({"type": "fetch", "from": self.delivered + 1, "to": want_to})
        elif want_to <= self.delivered:
            self._fetch_sent = 0.0

    def _check_sync(self) -> None:
        if not self._sync_waiters or not self.connected:
            return
        if not self._unacked and self.delivered >= self.head and not self._buffer:
            keep = []
            for w in self._sync_waiters:
                if w[1] is not None and self._pong_n >= w[1]:
                    if not w[0].done():
                        w[0].set_result(self.delivered)
                else:
                    keep.append(w)
            self._sync_waiters = keep
