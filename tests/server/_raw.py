"""A bare protocol client for hostile-input tests: send frames, report how the gateway closed."""

from __future__ import annotations

import asyncio
import json

import aiohttp


async def _exchange(url: str, frames: list, headers=None, wait: float = 5.0):
    got = []
    async with aiohttp.ClientSession() as s:
        async with s.ws_connect(url, headers=headers or {}, max_msg_size=0) as ws:
            for f in frames:
                if isinstance(f, bytes):
                    await ws.send_bytes(f)
                elif isinstance(f, str):
                    await ws.send_str(f)
                else:
                    await ws.send_str(json.dumps(f))
            try:
                while True:
                    m = await asyncio.wait_for(ws.receive(), wait)
                    if m.type == aiohttp.WSMsgType.TEXT:
                        got.append(json.loads(m.data))
                    else:
                        break
            except asyncio.TimeoutError:
                return None, got
            return ws.close_code, got


def exchange(url: str, frames: list, headers=None, wait: float = 5.0):
    """(close code or None if still open after `wait`, messages received)."""
    return asyncio.run(_exchange(url, frames, headers, wait))


def hello(token, client="raw", since=0) -> dict:
    return {"type": "hello", "token": token, "client": client, "since": since}
