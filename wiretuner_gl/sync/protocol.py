"""The collaboration wire protocol, shared by the gateway and the client (see docs/protocol.md).

Every frame is one JSON object with a "type". Events travel as their JSON payload plus kind and
schema version (events.record.event_data / decode_event), each with a stable id `client:counter`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from ..events.record import Record, decode_event, event_data
from ..events.types import Event

PROTOCOL_VERSION = 1

# Close codes (RFC 6455 leaves 4000-4999 to applications).
CLOSE_NORMAL = 1000
CLOSE_GOING_AWAY = 1001  # gateway shutting down: reconnect elsewhere
CLOSE_TOO_BIG = 1009  # a frame over the maximum message size
CLOSE_INTERNAL = 1011
CLOSE_TRY_AGAIN = 1013  # the client reads too slowly; reconnect and resume
CLOSE_BAD_MESSAGE = 4400  # not JSON, not an object, or fields of the wrong shape
CLOSE_UNAUTHENTICATED = 4401  # missing, malformed, wrongly signed, expired or wrong-audience token
CLOSE_FORBIDDEN = 4403  # the token's role does not allow this (a viewer submitting edits)
CLOSE_WRONG_DOCUMENT = 4404  # the token is for another document
CLOSE_UNKNOWN_TYPE = 4405  # a message type this gateway does not know
CLOSE_TIMEOUT = 4408  # no hello in time, or idle too long
CLOSE_PROTOCOL = 4409  # a valid message at the wrong time (edit before hello, foreign event ids)
CLOSE_RATE_LIMITED = 4429  # more messages per second than allowed

CLOSE_REASONS = {
    CLOSE_BAD_MESSAGE: "bad message",
    CLOSE_UNAUTHENTICATED: "unauthenticated",
    CLOSE_FORBIDDEN: "forbidden",
    CLOSE_WRONG_DOCUMENT: "token is for another document",
    CLOSE_UNKNOWN_TYPE: "unknown message type",
    CLOSE_TIMEOUT: "timeout",
    CLOSE_PROTOCOL: "protocol violation",
    CLOSE_RATE_LIMITED: "rate limit exceeded",
}

# Codes after which reconnecting with the same credentials cannot help.
FATAL_CLOSE_CODES = frozenset({CLOSE_UNAUTHENTICATED, CLOSE_FORBIDDEN, CLOSE_WRONG_DOCUMENT, CLOSE_BAD_MESSAGE,
                               CLOSE_UNKNOWN_TYPE, CLOSE_PROTOCOL, CLOSE_TOO_BIG})

CLIENT_TYPES = frozenset({"hello", "submit", "fetch", "presence", "refresh", "ping"})
SERVER_TYPES = frozenset({"welcome", "events", "ack", "reject", "presence", "presence_left", "pong", "refreshed", "error"})


class ProtocolError(Exception):
    def __init__(self, code: int, message: str):
        super().__init__(message)
        self.code = code


def dumps(msg: dict) -> str:
    return json.dumps(msg, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def loads(text: str) -> dict:
    try:
        msg = json.loads(text)
    except (ValueError, RecursionError):
        raise ProtocolError(CLOSE_BAD_MESSAGE, "frame is not JSON") from None
    if not isinstance(msg, dict) or not isinstance(msg.get("type"), str):
        raise ProtocolError(CLOSE_BAD_MESSAGE, 'frame is not a JSON object with a string "type"')
    return msg


@dataclass(frozen=True, slots=True)
class WireEvent:
    """One event as submitted: stable id, kind, schema version and JSON data."""

    eid: str
    kind: str
    v: int
    data: dict

    def to_json(self) -> dict:
        return {"eid": self.eid, "kind": self.kind, "v": self.v, "data": self.data}

    def decode(self) -> Event:
        return decode_event(self.kind, self.v, self.data, where=f"event {self.eid}")

    @classmethod
    def of(cls, eid: str, e: Event) -> "WireEvent":
        return cls(eid, e.KIND, e.VERSION, event_data(e))


def parse_eid(eid) -> tuple[str, int]:
    if not isinstance(eid, str):
        raise ProtocolError(CLOSE_BAD_MESSAGE, "event id must be a string")
    client, sep, n = eid.rpartition(":")
    if not sep or not client or not n.isdigit() or len(eid) > 200:
        raise ProtocolError(CLOSE_BAD_MESSAGE, f"event id {eid[:60]!r} is not client:counter")
    return client, int(n)


def parse_submit(msg: dict, client: str, max_events: int) -> tuple[str, str | None, list[WireEvent]]:
    """Validate a submit message's shape; returns (group, cause, events). Events must be this client's."""
    group, cause, events = msg.get("group"), msg.get("cause"), msg.get("events")
    if not isinstance(group, str) or not group or len(group) > 200:
        raise ProtocolError(CLOSE_BAD_MESSAGE, "submit.group must be a non-empty string")
    if cause is not None and (not isinstance(cause, str) or len(cause) > 300):
        raise ProtocolError(CLOSE_BAD_MESSAGE, "submit.cause must be a string or null")
    if not isinstance(events, list) or not events or len(events) > max_events:
        raise ProtocolError(CLOSE_BAD_MESSAGE, f"submit.events must be a list of 1..{max_events} events")
    out = []
    for i, e in enumerate(events):
        if not isinstance(e, dict) or not isinstance(e.get("kind"), str) or type(e.get("v")) is not int \
                or not isinstance(e.get("data"), dict):
            raise ProtocolError(CLOSE_BAD_MESSAGE, f"submit.events[{i}] needs eid, kind, v (int) and data (object)")
        who, _ = parse_eid(e.get("eid"))
        if who != client:
            raise ProtocolError(CLOSE_PROTOCOL, f"submit.events[{i}]: event id belongs to another client")
        out.append(WireEvent(e["eid"], e["kind"], e["v"], e["data"]))
    return group, cause, out


def record_json(r: Record) -> dict:
    return {"seq": r.seq, "eid": r.eid, "actor": r.actor, "ts": r.ts, "group": r.group, "cause": r.cause,
            "kind": r.event.KIND, "v": r.event.VERSION, "data": event_data(r.event)}


def record_from_json(d: dict) -> Record:
    ev = decode_event(d["kind"], d["v"], d["data"], where=f"event {d.get('seq')}")
    return Record(int(d["seq"]), d["eid"], d["actor"], float(d["ts"]), d["group"], d.get("cause"), ev)
