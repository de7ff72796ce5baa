"""Which asyncio event loop the gateway runs on: uvloop when importable (less per-frame overhead in
the fan-out: its transports write from C), else the standard library loop."""

from __future__ import annotations

import asyncio

from ..errors import WireTunerError

LOOP_KINDS = ("auto", "uvloop", "asyncio")


def new_event_loop(kind: str = "auto") -> asyncio.AbstractEventLoop:
    """`auto`: uvloop if it imports, else asyncio; `uvloop`: uvloop or a clear error; `asyncio`: the standard loop."""
    if kind not in LOOP_KINDS:
        raise WireTunerError(f"event loop {kind!r}: choose one of {', '.join(LOOP_KINDS)}")
    if kind != "asyncio":
        try:
            import uvloop
        except ImportError:
            if kind == "uvloop":
                raise WireTunerError("event loop uvloop: uvloop is not installed (pip install uvloop)") from None
        else:
            return uvloop.new_event_loop()
    return asyncio.new_event_loop()


def loop_name(loop: asyncio.AbstractEventLoop) -> str:
    return "uvloop" if type(loop).__module__.startswith("uvloop") else "asyncio"
