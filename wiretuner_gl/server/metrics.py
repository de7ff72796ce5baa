"""Gateway metrics in the Prometheus text exposition format (version 0.0.4).

Hand-written because it is a few counters and two histograms; prometheus_client is not a
dependency and its global registry would leak between in-process gateways in tests.
"""

from __future__ import annotations

import bisect
import time
from collections import Counter, deque

BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)


class Histogram:
    def __init__(self):
        self.counts = [0] * (len(BUCKETS) + 1)
        self.sum = 0.0
        self.n = 0

    def observe(self, v: float) -> None:
        self.counts[bisect.bisect_left(BUCKETS, v)] += 1
        self.sum += v
        self.n += 1

    def lines(self, name: str) -> list[str]:
        out, acc = [], 0
        for le, c in zip(BUCKETS, self.counts):
            acc += c
            out.append(f'{name}_bucket{{le="{le}"}} {acc}')
        out.append(f'{name}_bucket{{le="+Inf"}} {self.n}')
        out.append(f"{name}_sum {self.sum:.6f}")
        out.append(f"{name}_count {self.n}")
        return out


class Metrics:
    def __init__(self):
        self.connections = 0
        self.connections_total = 0
        self.events_total = 0
        self.batches_rejected = 0
        self.messages_in = 0
        self.closes: Counter[int] = Counter()
        self.ack_latency = Histogram()
        self.fanout_lag = Histogram()
        self.redis_errors = 0
        self._recent: deque[tuple[float, int]] = deque()

    def committed(self, n: int) -> None:
        self.events_total += n
        now = time.monotonic()
        self._recent.append((now, n))
        while self._recent and self._recent[0][0] < now - 10:
            self._recent.popleft()

    def events_per_second(self) -> float:
        now = time.monotonic()
        while self._recent and self._recent[0][0] < now - 10:
            self._recent.popleft()
        return sum(n for _, n in self._recent) / 10.0

    def render(self, catch_ups: int = 0) -> str:
        lines = [
            "# HELP wiretuner_connections Open WebSocket connections.", "# TYPE wiretuner_connections gauge",
            f"wiretuner_connections {self.connections}",
            "# HELP wiretuner_connections_total WebSocket connections accepted.", "# TYPE wiretuner_connections_total counter",
            f"wiretuner_connections_total {self.connections_total}",
            "# HELP wiretuner_events_total Events committed by this gateway.", "# TYPE wiretuner_events_total counter",
            f"wiretuner_events_total {self.events_total}",
            "# HELP wiretuner_events_per_second Events committed per second over the last 10 s.",
            "# TYPE wiretuner_events_per_second gauge", f"wiretuner_events_per_second {self.events_per_second():.3f}",
            "# HELP wiretuner_batches_rejected_total Batches that did not apply (e.g. edits to deleted objects).",
            "# TYPE wiretuner_batches_rejected_total counter", f"wiretuner_batches_rejected_total {self.batches_rejected}",
            "# HELP wiretuner_messages_in_total Client messages received.", "# TYPE wiretuner_messages_in_total counter",
            f"wiretuner_messages_in_total {self.messages_in}",
            "# HELP wiretuner_redis_errors_total Redis publish/subscribe failures.", "# TYPE wiretuner_redis_errors_total counter",
            f"wiretuner_redis_errors_total {self.redis_errors}",
            "# HELP wiretuner_commit_catch_ups_total Commits that first had to catch up from the database "
            "(another gateway had moved the head).", "# TYPE wiretuner_commit_catch_ups_total counter",
            f"wiretuner_commit_catch_ups_total {catch_ups}",
            "# HELP wiretuner_closes_total Connections closed by the gateway, by close code.",
            "# TYPE wiretuner_closes_total counter",
        ]
        lines += [f'wiretuner_closes_total{{code="{c}"}} {n}' for c, n in sorted(self.closes.items())]
        lines += ["# HELP wiretuner_ack_latency_seconds Submit received to ack sent (commit included).",
                  "# TYPE wiretuner_ack_latency_seconds histogram"]
        lines += self.ack_latency.lines("wiretuner_ack_latency_seconds")
        lines += ["# HELP wiretuner_fanout_lag_seconds Commit to hand-off to local connections (via Redis when remote).",
                  "# TYPE wiretuner_fanout_lag_seconds histogram"]
        lines += self.fanout_lag.lines("wiretuner_fanout_lag_seconds")
        return "\n".join(lines) + "\n"
