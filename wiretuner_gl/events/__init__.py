"""Typed, versioned events; the pure reducer; migrations; operation grouping."""

from .record import Record, decode_event, event_data, event_payload
from .reducer import apply, reduce, reduce_all
from .types import EVENT_TYPES, GEOMETRIC_KINDS, Event
from .types import *  # noqa: F401,F403  (every event class)

__all__ = ["Record", "decode_event", "event_data", "event_payload", "apply", "reduce", "reduce_all",
           "EVENT_TYPES", "GEOMETRIC_KINDS", "Event"] + list(EVENT_TYPES)
