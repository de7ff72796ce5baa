"""Fan-out of committed events and presence between gateway processes.

Without Redis a gateway only serves its own connections. With Redis every gateway publishes
what it commits on `wt:ev:{doc}` (presence on `wt:pr:{doc}`) and relays what the others publish.
Pub/sub is only the fast path: it may drop messages (Redis restarts, slow subscribers), which
clients detect as a gap in seq and fill with a `fetch` (docs/protocol.md).
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
from typing import Awaitable, Callable

log = logging.getLogger("wiretuner.server.fanout")

Deliver = Callable[[str, str, dict], Awaitable[None] | None]  # (kind "ev"/"pr", doc, message)


class LocalFanout:
    async def start(self, deliver: Deliver) -> None:
        pass

    async def publish(self, kind: str, doc: str, msg: dict, text: str | None = None) -> None:
        pass

    async def close(self) -> None:
        pass

    async def ready(self) -> bool:
        return True


class RedisFanout:
    def __init__(self, url: str, gateway_id: str, metrics):
        self.url = url
        self.gateway_id = gateway_id
        self.metrics = metrics
        self._task: asyncio.Task | None = None
        self._pub = None
        self._connected = asyncio.Event()

    def describe(self) -> str:
        return "redis " + self.url.split("@")[-1]

    async def start(self, deliver: Deliver) -> None:
        import redis.asyncio as aioredis

        self._redis = aioredis
        self._pub = aioredis.from_url(self.url, socket_connect_timeout=2, socket_timeout=5)
        self._deliver = deliver
        self._task = asyncio.create_task(self._listen(), name="wt-redis-listen")
        try:
            await asyncio.wait_for(self._connected.wait(), 10)
        except asyncio.TimeoutError:
            log.warning("redis not reachable yet at %s; relaying locally until it is", self.describe())

    async def _listen(self) -> None:
        delay = 0.05
        while True:
            sub = None
            try:
                sub = self._redis.from_url(self.url, socket_connect_timeout=2)
                ps = sub.pubsub(ignore_subscribe_messages=True)
                await ps.psubscribe("wt:ev:*", "wt:pr:*")
                self._connected.set()
                delay = 0.05
                async for m in ps.listen():
                    if m.get("type") != "pmessage":
                        continue
                    try:
                        env = json.loads(m["data"])
                    except ValueError:
                        continue
                    if env.get("g") == self.gateway_id:
                        continue
                    chan = m["channel"].decode() if isinstance(m["channel"], bytes) else m["channel"]
                    _, kind, doc = chan.split(":", 2)
                    r = self._deliver(kind, doc, env["m"])
                    if asyncio.iscoroutine(r):
                        await r
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # connection lost: reconnect with backoff and jitter
                self._connected.clear()
                self.metrics.redis_errors += 1
                log.warning("redis subscription lost (%s); reconnecting", type(exc).__name__)
            finally:
                if sub is not None:
                    try:
                        await sub.aclose()
                    except Exception:
                        pass
            await asyncio.sleep(delay * (0.5 + random.random()))
            delay = min(delay * 2, 2.0)

    async def publish(self, kind: str, doc: str, msg: dict, text: str | None = None) -> None:
        """`text`, when given, is `msg` already serialized as JSON (a broadcast's records are, once)."""
        body = text if text is not None else json.dumps(msg, separators=(",", ":"), ensure_ascii=False)
        try:
            await self._pub.publish(f"wt:{kind}:{doc}", '{"g":' + json.dumps(self.gateway_id) + ',"m":' + body + "}")
        except Exception as exc:  # the event is committed already; clients catch up through fetch
            self.metrics.redis_errors += 1
            log.warning("redis publish failed (%s); clients will fetch the gap", type(exc).__name__)

    async def ready(self) -> bool:
        return self._connected.is_set()

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except (asyncio.CancelledError, Exception):
                pass
        if self._pub is not None:
            await self._pub.aclose()
