"""One client's WebSocket connection: hello/auth, submits, fetches, presence, limits, expiry."""

from __future__ import annotations

import asyncio
import logging
import re
import struct
import time
from typing import TYPE_CHECKING

from aiohttp import WSMsgType, web

from ..errors import DocumentJsonError
from ..sync import protocol as P
from .auth import LEEWAY, AuthError, Identity
from .limits import TokenBucket
from .storage import MAX_RANGE, StorageError, Submit, commit_grouped

if TYPE_CHECKING:
    from .app import Gateway, Hub

log = logging.getLogger("wiretuner.server")
CLIENT_ID = re.compile(r"[A-Za-z0-9._-]{1,64}\Z")
PRESENCE_KEYS = {"cursor", "selection", "name", "colour", "tool"}
MAX_PRESENCE = 4096


_FRAME_HEADER = (struct.Struct("!BB").pack, struct.Struct("!BBH").pack, struct.Struct("!BBQ").pack)


def text_frame(payload: bytes) -> bytes:
    """One final, unmasked, uncompressed WebSocket text frame (RFC 6455 section 5.2), as a server sends it.
    Written here because aiohttp builds the frame inside each `send_str` call and has no public way to
    encode a frame once and write the same bytes to many sockets."""
    n = len(payload)
    if n < 126:
        return _FRAME_HEADER[0](0x81, n) + payload
    if n < 65536:
        return _FRAME_HEADER[1](0x81, 126, n) + payload
    return _FRAME_HEADER[2](0x81, 127, n) + payload


class Records:
    """Committed records for one broadcast, serialized (and framed) once for every connection. A
    connection that falls behind sends what queued up as one `events` frame (fewer frames under load,
    same order)."""

    __slots__ = ("inner", "text", "_frame")

    def __init__(self, records: list[dict] | None = None, *, inner: str | None = None):
        self.inner = inner if inner is not None else P.dumps(records)[1:-1]
        self.text = '{"type":"events","records":[' + self.inner + "]}"
        self._frame: bytes | None = None

    @property
    def frame(self) -> bytes:
        if self._frame is None:
            self._frame = text_frame(self.text.encode("utf-8"))
        return self._frame


_STOP = object()
MAX_COALESCE = 256


class Connection:
    def __init__(self, gw: "Gateway", ws: web.WebSocketResponse, doc: str, transport: asyncio.Transport | None = None):
        self.gw, self.ws, self.doc = gw, ws, doc
        # Direct writes (Connection.send) go straight to the socket's transport, bypassing aiohttp's
        # writer, which is only sound for uncompressed frames: the gateway never negotiates deflate.
        self.transport = transport if not ws.compress else None
        self._sending = False  # the send loop is writing (or waiting for the socket to drain)
        cfg = gw.config
        self.bucket = TokenBucket(cfg.rate, cfg.burst)
        self.queue: asyncio.Queue = asyncio.Queue()
        self.identity: Identity | None = None
        self.client: str | None = None
        self.hub: "Hub | None" = None
        self.closed_with: int | None = None
        self._expiry: asyncio.Task | None = None
        self._presence_last = 0.0
        self._presence_pending: dict | None = None
        self._presence_timer: asyncio.TimerHandle | None = None

    # ------------------------------------------------------------------ lifecycle
    async def run(self) -> None:
        sender = asyncio.create_task(self._send_loop())
        cfg = self.gw.config
        try:
            while not self.ws.closed:
                timeout = cfg.hello_timeout if self.identity is None else cfg.idle_timeout
                try:
                    msg = await self.ws.receive(timeout)  # (asyncio.wait_for would start a task per message)
                except asyncio.TimeoutError:
                    await self.close(P.CLOSE_TIMEOUT, "no hello in time" if self.identity is None else "idle timeout")
                    break
                if msg.type == WSMsgType.TEXT:
                    self.gw.metrics.messages_in += 1
                    if len(msg.data) > cfg.max_message:  # read whole, so the close handshake completes cleanly
                        await self.close(P.CLOSE_TOO_BIG, f"message over {cfg.max_message} bytes")
                        break
                    if not self.bucket.take():
                        await self.close(P.CLOSE_RATE_LIMITED, "rate limit exceeded")
                        break
                    await self.dispatch(P.loads(msg.data))
                elif msg.type == WSMsgType.BINARY:
                    raise P.ProtocolError(P.CLOSE_BAD_MESSAGE, "binary frames are not part of the protocol")
                elif msg.type == WSMsgType.ERROR:
                    code = self.ws.close_code or P.CLOSE_TOO_BIG
                    self.gw.metrics.closes[code] += 1
                    self.closed_with = code
                    break
                else:  # CLOSE / CLOSING / CLOSED
                    break
        except P.ProtocolError as exc:
            await self.close(exc.code, str(exc))
        except StorageError as exc:
            log.error("storage failure on %s: %s", self.doc, exc)
            await self.close(P.CLOSE_INTERNAL, "storage unavailable; retry")
        except (ConnectionResetError, asyncio.CancelledError):
            pass
        finally:
            if self._expiry is not None:
                self._expiry.cancel()
            if self._presence_timer is not None:
                self._presence_timer.cancel()
            self.queue.put_nowait(_STOP)
            await asyncio.gather(sender, return_exceptions=True)
            if self.hub is not None:
                self.gw.leave(self.hub, self)

    async def close(self, code: int, reason: str) -> None:
        if self.closed_with is None:
            self.closed_with = code
            self.gw.metrics.closes[code] += 1
        if not self.ws.closed:
            await self.ws.close(code=code, message=reason.encode("utf-8")[:120])

    async def _send_loop(self) -> None:
        """The slow path: what could not be written at once (the socket was backed up, or earlier
        frames are still queued) goes out from here, in order, through aiohttp's writer, which waits
        for the socket to drain."""
        held = None
        q = self.queue
        while True:
            m = held if held is not None else await q.get()
            held = None
            if m is _STOP or self.ws.closed:
                return
            if isinstance(m, Records):
                parts = [m]
                while not q.empty() and len(parts) < MAX_COALESCE:
                    nxt = q.get_nowait()
                    if not isinstance(nxt, Records):
                        held = nxt
                        break
                    parts.append(nxt)
                text = m.text if len(parts) == 1 else \
                    '{"type":"events","records":[' + ",".join(p.inner for p in parts) + "]}"
            else:
                text = m
            self._sending = True
            try:
                await self.ws.send_str(text)
            except (ConnectionResetError, RuntimeError):
                return
            finally:
                self._sending = False

    def send(self, msg) -> None:
        """Send a message (dict, pre-serialized str, or Records) to this connection, in order.

        The fast path writes the frame to the socket right here (for a broadcast, the same prebuilt
        frame bytes for every connection): no task switch per connection and frame. It applies only
        while nothing is queued or being written and the transport holds no unsent data, so order and
        backpressure are kept; otherwise the message queues for the send loop, and a connection whose
        queue reaches `send_queue` frames is closed with 1013."""
        if not isinstance(msg, (str, Records)):
            msg = P.dumps(msg)
        t = self.transport
        if (t is not None and not self._sending and self.queue.empty() and not self.ws.closed
                and not t.is_closing() and not t.get_write_buffer_size()):
            try:
                t.write(msg.frame if isinstance(msg, Records) else text_frame(msg.encode("utf-8")))
                return
            except (RuntimeError, ConnectionError):  # the transport is gone: the receive loop will notice
                return
        if self.queue.qsize() >= self.gw.config.send_queue:
            asyncio.ensure_future(self.close(P.CLOSE_TRY_AGAIN, "client reads too slowly; resume later"))
            return
        self.queue.put_nowait(msg)

    # ------------------------------------------------------------------ messages
    async def dispatch(self, m: dict) -> None:
        t = m["type"]
        if t not in P.CLIENT_TYPES:
            raise P.ProtocolError(P.CLOSE_UNKNOWN_TYPE, f"unknown message type {t[:40]!r}")
        if self.identity is None and t != "hello":
            raise P.ProtocolError(P.CLOSE_PROTOCOL, f"{t!r} before hello")
        await getattr(self, f"_on_{t}")(m)

    async def _on_hello(self, m: dict) -> None:
        if self.identity is not None:
            raise P.ProtocolError(P.CLOSE_PROTOCOL, "hello sent twice")
        client, since = m.get("client"), m.get("since", 0)
        if not isinstance(client, str) or not CLIENT_ID.match(client):
            raise P.ProtocolError(P.CLOSE_BAD_MESSAGE, "hello.client must match [A-Za-z0-9._-]{1,64}")
        if type(since) is not int or since < 0:
            raise P.ProtocolError(P.CLOSE_BAD_MESSAGE, "hello.since must be a non-negative integer")
        ident = self._verify(m.get("token"))
        self.identity, self.client = ident, client
        self._schedule_expiry()
        # welcome goes first; then join (live records queue behind it); then the backlog up to a head
        # read after joining, so every seq reaches the client at least once (repeats are ignored)
        cfg = self.gw.config
        self.send({"type": "welcome", "protocol": P.PROTOCOL_VERSION, "document": self.doc, "client": client,
                   "user": ident.user, "role": ident.role, "head": await self.gw.storage.head(self.doc),
                   "expires": ident.expires,
                   "limits": {"max_message": cfg.max_message, "max_batch": cfg.max_batch, "rate": cfg.rate,
                              "burst": cfg.burst, "idle_timeout": cfg.idle_timeout}})
        self.hub = self.gw.join(self.doc, self)
        head = await self.gw.storage.head(self.doc)
        start = since + 1
        while start <= head:
            rows = await self.gw.storage.range(self.doc, start, head)
            if not rows:
                break
            self.send({"type": "events", "records": rows, "backlog": True})
            start = rows[-1]["seq"] + 1
        for peer in self.hub.presence_snapshot(self):
            self.send(peer)

    def _verify(self, token) -> Identity:
        try:
            ident = self.gw.authority.verify(token)
        except AuthError as exc:
            raise P.ProtocolError(P.CLOSE_UNAUTHENTICATED, str(exc)) from None
        if ident.document != self.doc:
            raise P.ProtocolError(P.CLOSE_WRONG_DOCUMENT, "token is for another document")
        return ident

    def _schedule_expiry(self) -> None:
        if self._expiry is not None:
            self._expiry.cancel()

        async def expire(at: float):  # the same clock-skew leeway as verification
            await asyncio.sleep(max(0.0, at + LEEWAY - time.time()))
            await self.close(P.CLOSE_UNAUTHENTICATED, "token expired")

        self._expiry = asyncio.create_task(expire(self.identity.expires))

    async def _on_refresh(self, m: dict) -> None:
        ident = self._verify(m.get("token"))
        if ident.user != self.identity.user:
            raise P.ProtocolError(P.CLOSE_UNAUTHENTICATED, "refresh token names another user")
        self.identity = ident
        self._schedule_expiry()
        self.send({"type": "refreshed", "expires": ident.expires, "role": ident.role})

    async def _on_submit(self, m: dict) -> None:
        t0 = time.perf_counter()
        if not self.identity.can_edit:
            raise P.ProtocolError(P.CLOSE_FORBIDDEN, f"role {self.identity.role} cannot edit")
        group, cause, wire = P.parse_submit(m, self.client, self.gw.config.max_batch)
        try:
            events = [w.decode() for w in wire]
        except DocumentJsonError as exc:
            raise P.ProtocolError(P.CLOSE_BAD_MESSAGE, f"undecodable event: {exc}"[:120]) from None
        hub = self.hub
        res = await commit_grouped(self.gw.storage, self.doc, hub.state, Submit(self.client, group, cause, wire, events))
        eids = [w.eid for w in wire]
        if res.reject is not None:
            self.gw.metrics.batches_rejected += 1
            self.send({"type": "reject", "eids": eids, "group": group, "reason": res.reject})
            return
        self.send({"type": "ack", "eids": eids, "seqs": res.seqs, "duplicate": res.duplicate})
        self.gw.metrics.ack_latency.observe(time.perf_counter() - t0)
        if not res.duplicate:
            self.gw.metrics.committed(len(wire))
            await self.gw.broadcast(hub, {"type": "events", "records": res.rows}, exclude=self)

    async def _on_fetch(self, m: dict) -> None:
        start, end = m.get("from"), m.get("to")
        if type(start) is not int or start < 1 or (end is not None and (type(end) is not int or end < start)):
            raise P.ProtocolError(P.CLOSE_BAD_MESSAGE, "fetch needs from >= 1 and optional to >= from")
        rows = await self.gw.storage.range(self.doc, start, end, MAX_RANGE)
        self.send({"type": "events", "records": rows, "fetch": True})

    async def _on_ping(self, m: dict) -> None:
        self.send({"type": "pong", "head": await self.gw.storage.head(self.doc), "t": m.get("t")})

    async def _on_presence(self, m: dict) -> None:
        state = {k: v for k, v in m.items() if k in PRESENCE_KEYS}
        if len(P.dumps(state)) > MAX_PRESENCE:
            raise P.ProtocolError(P.CLOSE_BAD_MESSAGE, f"presence over {MAX_PRESENCE} bytes")
        out = {"type": "presence", "client": self.client, "user": self.identity.user, **state}
        self.hub.presence[self.client] = out
        now = time.monotonic()
        wait = self._presence_last + self.gw.config.presence_interval - now
        if wait <= 0 and self._presence_timer is None:
            self._presence_last = now
            await self.gw.relay_presence(self.hub, out, exclude=self)
            return
        # too fast: keep only the latest state and send it when the interval is over (thinning)
        self._presence_pending = out
        if self._presence_timer is None:
            self._presence_timer = asyncio.get_running_loop().call_later(max(wait, 0.0), self._flush_presence)

    def _flush_presence(self) -> None:
        self._presence_timer = None
        out, self._presence_pending = self._presence_pending, None
        if out is not None and self.hub is not None and not self.ws.closed:
            self._presence_last = time.monotonic()
            asyncio.ensure_future(self.gw.relay_presence(self.hub, out, exclude=self))
