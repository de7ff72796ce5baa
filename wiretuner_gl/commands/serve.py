from __future__ import annotations

import logging
import os

from ..errors import WireTunerError

NAME = "serve"
HELP = "run the collaboration gateway (SQLite by default; PostgreSQL + Redis to scale out)"


def add_arguments(p) -> None:
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8765, help="port (default 8765; 0 picks a free one)")
    p.add_argument("--database", default=None,
                   help="SQLite file (default wiretuner-server.sqlite) or postgresql://user@host:port/db")
    p.add_argument("--redis", default=None, help="redis://host:port/0 to fan out between several gateway processes")
    p.add_argument("--secret-file", default=None,
                   help="file holding the token signing secret (default: $WIRETUNER_JWT_SECRET)")
    p.add_argument("--allow-origin", action="append", default=[], metavar="ORIGIN",
                   help="browser Origin allowed to connect (repeatable); clients sending no Origin are allowed")
    p.add_argument("--max-message", type=int, default=1 << 20, help="largest frame in bytes (default 1 MiB)")
    p.add_argument("--rate", type=float, default=200.0, help="messages per second per connection (default 200)")
    p.add_argument("--idle-timeout", type=float, default=60.0, help="seconds without a message before closing")
    p.add_argument("--loop", choices=("auto", "uvloop", "asyncio"), default="auto",
                   help="event loop: uvloop when installed (auto, the default), or the standard asyncio loop")
    p.add_argument("--log-level", default="INFO")


def run(args) -> int:
    from ..server.auth import TokenAuthority, load_secret
    from ..server.config import ServerConfig
    from ..server.runner import serve_forever

    if not 0 <= args.port <= 65535:
        raise WireTunerError(f"--port: {args.port} is not a port number")
    try:
        secret = load_secret(os.environ.get("WIRETUNER_JWT_SECRET"), args.secret_file)
        authority = TokenAuthority(secret)
    except (OSError, ValueError) as exc:
        raise WireTunerError(f"token secret: {exc}") from None
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    cfg = ServerConfig(host=args.host, port=args.port, database=args.database, redis=args.redis,
                       origins=frozenset(args.allow_origin), max_message=args.max_message, rate=args.rate,
                       burst=args.rate * 2, idle_timeout=args.idle_timeout, loop=args.loop)
    serve_forever(cfg, authority)
    return 0
