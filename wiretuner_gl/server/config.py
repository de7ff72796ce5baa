"""Gateway settings (the `wiretuner serve` flags map onto these)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ServerConfig:
    host: str = "127.0.0.1"
    port: int = 8765
    database: str | None = None  # SQLite path (default wiretuner-server.sqlite) or postgresql://…
    redis: str | None = None  # redis://… to fan out between several gateway processes
    origins: frozenset[str] = field(default_factory=frozenset)  # allowed browser Origins; no Origin header = not a browser
    max_message: int = 1 << 20  # bytes per frame; larger frames close with 1009
    max_batch: int = 1000  # events per submit
    rate: float = 200.0  # messages per second per connection (token bucket)...
    burst: float = 400.0  # ...and its depth
    heartbeat: float = 15.0  # WebSocket ping interval; a missed pong closes the connection
    idle_timeout: float = 60.0  # no message at all for this long closes with 4408
    hello_timeout: float = 5.0  # the first message (hello) must arrive this soon
    presence_interval: float = 0.05  # at most one presence relay per client per interval; extra ones are coalesced
    send_queue: int = 20000  # queued outgoing frames per connection before it is closed as too slow (1013)
    sqlite_synchronous: str = "FULL"
    loop: str = "auto"  # event loop: "auto" (uvloop when importable), "uvloop" or "asyncio" (server/loops.py)
