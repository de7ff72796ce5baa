"""Collaboration gateway (aiohttp): ordering, storage (SQLite / PostgreSQL), Redis fan-out, auth."""

from .auth import Identity, TokenAuthority
from .config import ServerConfig

__all__ = ["Identity", "ServerConfig", "TokenAuthority"]
