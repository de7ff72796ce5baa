"""The aiohttp gateway: routes, per-document hubs, broadcast and fan-out.

Routes: WebSocket /v1/documents/{document_id}/ws (docs/protocol.md), GET /healthz, GET /readyz,
GET /metrics (Prometheus text), POST /v1/auth/refresh (refresh token -> access token).
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import time

from aiohttp import web

from ..sync import protocol as P
from .auth import AuthError, TokenAuthority
from .config import ServerConfig
from .connection import Connection, Records
from .fanout import LocalFanout, RedisFanout
from .loops import loop_name
from .metrics import Metrics
from .storage import DocState, open_storage

log = logging.getLogger("wiretuner.server")
GATEWAY_KEY: web.AppKey["Gateway"] = web.AppKey("gateway", object)
DOCUMENT_ID = re.compile(r"[A-Za-z0-9._-]{1,128}\Z")


class Hub:
    """The connections of one document on this gateway, and the gateway's copy of its state."""

    def __init__(self, doc: str, state: DocState):
        self.doc = doc
        self.state = state
        self.conns: set[Connection] = set()
        self.presence: dict[str, dict] = {}  # client -> last presence (ephemeral, never stored)
        self.remote_presence: dict[str, dict] = {}

    def presence_snapshot(self, exclude: Connection) -> list[dict]:
        own = [p for c, p in self.presence.items() if c != exclude.client]
        return own + list(self.remote_presence.values())


class Gateway:
    def __init__(self, config: ServerConfig, authority: TokenAuthority, *, gateway_id: str | None = None):
        self.config = config
        self.authority = authority
        self.metrics = Metrics()
        self.gateway_id = gateway_id or os.urandom(6).hex()
        self.storage = open_storage(config.database, loop=config.loop)
        if hasattr(self.storage, "synchronous"):
            self.storage.synchronous = config.sqlite_synchronous
        self.fanout = RedisFanout(config.redis, self.gateway_id, self.metrics) if config.redis else LocalFanout()
        self.hubs: dict[str, Hub] = {}
        self.states: dict[str, DocState] = {}  # kept while the gateway runs, so a rejoin needs no replay
        self.conns: set[Connection] = set()

    # ------------------------------------------------------------------ hubs
    def join(self, doc: str, conn: Connection) -> Hub:
        hub = self.hubs.get(doc)
        if hub is None:
            state = self.states.setdefault(doc, DocState())
            hub = self.hubs[doc] = Hub(doc, state)
        hub.conns.add(conn)
        return hub

    def leave(self, hub: Hub, conn: Connection) -> None:
        hub.conns.discard(conn)
        if conn.client is not None and hub.presence.pop(conn.client, None) is not None:
            msg = {"type": "presence_left", "client": conn.client}
            self._relay_local(hub, P.dumps(msg), None)
            asyncio.ensure_future(self.fanout.publish("pr", hub.doc, msg))
        if not hub.conns:
            self.hubs.pop(hub.doc, None)

    def _relay_local(self, hub: Hub, item, exclude: Connection | None) -> None:
        for c in tuple(hub.conns):
            if c is not exclude and c.identity is not None:
                c.send(item)

    async def broadcast(self, hub: Hub, msg: dict, exclude: Connection | None) -> None:
        recs = Records(msg["records"])  # serialized and framed once for every local connection and Redis
        self._relay_local(hub, recs, exclude)
        await self.fanout.publish("ev", hub.doc, msg, text=recs.text)

    async def relay_presence(self, hub: Hub, msg: dict, exclude: Connection | None) -> None:
        self._relay_local(hub, P.dumps(msg), exclude)
        await self.fanout.publish("pr", hub.doc, msg)

    def deliver_remote(self, kind: str, doc: str, msg: dict) -> None:
        if kind == "ev":
            state, observe = self.states.get(doc), getattr(self.storage, "observe", None)
            if state is not None and observe is not None and msg.get("records"):
                observe(state, msg["records"])  # keeps this gateway's copy current: its next commit skips a catch-up
        hub = self.hubs.get(doc)
        if hub is None:
            return
        if kind == "ev":
            recs = msg.get("records") or []
            if recs:
                self.metrics.fanout_lag.observe(max(0.0, time.time() - recs[0]["ts"]))
        elif msg.get("type") == "presence_left":
            hub.remote_presence.pop(msg.get("client"), None)
        else:
            hub.remote_presence[msg.get("client")] = msg
        self._relay_local(hub, Records(msg.get("records") or []) if kind == "ev" else P.dumps(msg), None)

    # ------------------------------------------------------------------ HTTP handlers
    async def websocket(self, request: web.Request) -> web.StreamResponse:
        doc = request.match_info["document_id"]
        if not DOCUMENT_ID.match(doc):
            raise web.HTTPBadRequest(text="document id must match [A-Za-z0-9._-]{1,128}\n")
        origin = request.headers.get("Origin")
        if origin is not None and origin not in self.config.origins:
            self.metrics.closes[403] += 1
            raise web.HTTPForbidden(text="origin not allowed\n")
        # aiohttp's own ceiling is a hard stop (it may reset the socket); up to it the connection
        # checks the size itself and closes with 1009 after reading the whole frame.
        ws = web.WebSocketResponse(heartbeat=self.config.heartbeat, max_msg_size=4 * self.config.max_message,
                                   compress=False)  # per-frame deflate costs more CPU than loopback/LAN bandwidth saves
        await ws.prepare(request)
        conn = Connection(self, ws, doc, request.transport)
        self.conns.add(conn)
        self.metrics.connections += 1
        self.metrics.connections_total += 1
        try:
            await conn.run()
        finally:
            self.conns.discard(conn)
            self.metrics.connections -= 1
        return ws

    async def healthz(self, request: web.Request) -> web.Response:
        return web.json_response({"ok": True, "gateway": self.gateway_id, "loop": loop_name(asyncio.get_running_loop())})

    async def readyz(self, request: web.Request) -> web.Response:
        db, fan = await self.storage.ready(), await self.fanout.ready()
        return web.json_response({"ready": db and fan, "database": db, "fanout": fan}, status=200 if db and fan else 503)

    async def metrics_page(self, request: web.Request) -> web.Response:
        return web.Response(text=self.metrics.render(getattr(self.storage, "catch_ups", 0)), content_type="text/plain", charset="utf-8",
                            headers={"X-Prometheus-Format": "0.0.4"})

    async def refresh(self, request: web.Request) -> web.Response:
        auth = request.headers.get("Authorization", "")
        if not auth.startswith("Bearer "):
            return web.json_response({"error": "send the refresh token as 'Authorization: Bearer …'"}, status=401)
        try:
            token = self.authority.refresh(auth[7:].strip())
        except AuthError as exc:
            return web.json_response({"error": str(exc)}, status=401)
        return web.json_response({"token": token, "expires_in": 15 * 60})

    # ------------------------------------------------------------------ startup / shutdown
    async def on_startup(self, app: web.Application) -> None:
        await self.storage.open()
        await self.fanout.start(self.deliver_remote)
        log.info("gateway %s (%s loop) on %s, %s", self.gateway_id, loop_name(asyncio.get_running_loop()), self.storage.describe(),
                 self.fanout.describe() if self.config.redis else "no fan-out (single process)")

    async def on_shutdown(self, app: web.Application) -> None:
        for c in tuple(self.conns):
            await c.close(P.CLOSE_GOING_AWAY, "gateway shutting down")

    async def on_cleanup(self, app: web.Application) -> None:
        await self.fanout.close()
        await self.storage.close()


def create_app(config: ServerConfig, authority: TokenAuthority, *, gateway_id: str | None = None) -> web.Application:
    gw = Gateway(config, authority, gateway_id=gateway_id)
    app = web.Application(client_max_size=64 * 1024)
    app[GATEWAY_KEY] = gw
    app.router.add_get("/v1/documents/{document_id}/ws", gw.websocket)
    app.router.add_get("/healthz", gw.healthz)
    app.router.add_get("/readyz", gw.readyz)
    app.router.add_get("/metrics", gw.metrics_page)
    app.router.add_post("/v1/auth/refresh", gw.refresh)
    app.on_startup.append(gw.on_startup)
    app.on_shutdown.append(gw.on_shutdown)
    app.on_cleanup.append(gw.on_cleanup)
    return app


# Access log without headers or query strings: tokens never reach a log line.
ACCESS_LOG_FORMAT = '%a "%r" %s %b %Tf'


class _NoTokens(logging.Filter):
    """Belt and braces: drop any log record that looks like it carries a JWT."""

    _jwt = re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.")

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            text = record.getMessage()
        except Exception:
            return True
        if self._jwt.search(text):
            record.msg, record.args = self._jwt.sub("<token>.", text), ()
        return True


def install_log_filter() -> None:
    f = _NoTokens()
    for name in ("wiretuner", "aiohttp.access", "aiohttp.server", "aiohttp.web", "aiohttp.websocket"):
        lg = logging.getLogger(name)
        if not any(isinstance(x, _NoTokens) for x in lg.filters):
            lg.addFilter(f)
