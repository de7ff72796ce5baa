"""Running a gateway: in the foreground (`wiretuner serve`) or on a background thread (tests, benchmarks)."""

from __future__ import annotations

import asyncio
import threading

from aiohttp import web

from .app import ACCESS_LOG_FORMAT, GATEWAY_KEY, create_app, install_log_filter
from .auth import TokenAuthority
from .config import ServerConfig
from .loops import new_event_loop


def serve_forever(config: ServerConfig, authority: TokenAuthority, *, print_fn=print) -> None:
    install_log_filter()
    loop = new_event_loop(config.loop)
    asyncio.set_event_loop(loop)
    app = create_app(config, authority)
    web.run_app(app, loop=loop, host=config.host, port=config.port, access_log_format=ACCESS_LOG_FORMAT,
                print=lambda msg: print_fn(f"wiretuner gateway listening on http://{config.host}:{config.port}"),
                shutdown_timeout=5)


class GatewayThread:
    """A gateway on its own event loop in a daemon thread; `port` is known once `start()` returns."""

    def __init__(self, config: ServerConfig, authority: TokenAuthority, *, gateway_id: str | None = None):
        self.config = config
        self.authority = authority
        self.gateway_id = gateway_id
        self.loop = new_event_loop(config.loop)
        self.port: int | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self.thread = threading.Thread(target=self._main, name="wt-gateway", daemon=True)

    @property
    def gateway(self):
        return self.app[GATEWAY_KEY]

    def start(self) -> "GatewayThread":
        self.thread.start()
        self._ready.wait(30)
        if self._error is not None:
            raise self._error
        return self

    def _main(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self.loop.run_until_complete(self._start())
        except BaseException as exc:
            self._error = exc
            self._ready.set()
            return
        self._ready.set()
        self.loop.run_forever()
        self.loop.run_until_complete(self.runner.cleanup())
        self.loop.close()

    async def _start(self) -> None:
        install_log_filter()
        self.app = create_app(self.config, self.authority, gateway_id=self.gateway_id)
        self.runner = web.AppRunner(self.app, access_log=None, shutdown_timeout=2)
        await self.runner.setup()
        site = web.TCPSite(self.runner, self.config.host, self.config.port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]

    def call(self, coro, timeout: float = 30):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def stop(self) -> None:
        if self.thread.is_alive():
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(30)

    @property
    def url(self) -> str:
        return f"ws://{self.config.host}:{self.port}"
