"""Exponential backoff with jitter between reconnect attempts."""

from __future__ import annotations

import random


class Backoff:
    def __init__(self, base: float = 0.1, cap: float = 10.0, rng: random.Random | None = None):
        self.base, self.cap = base, cap
        self.rng = rng or random.Random()
        self.attempt = 0

    def next(self) -> float:
        """The next delay: base * 2^attempt capped, scaled by a random factor in [0.5, 1) ("equal jitter")."""
        d = min(self.cap, self.base * (2 ** self.attempt))
        self.attempt = min(self.attempt + 1, 30)
        return d * (0.5 + 0.5 * self.rng.random())

    def reset(self) -> None:
        self.attempt = 0
