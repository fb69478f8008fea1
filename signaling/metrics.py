"""Prometheus metrics of one server process, in a registry of its own (one per app, so tests
can run several servers in one process)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from signaling.routing import RoutingEngine

_LATENCY_BUCKETS = (0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0)
_WAIT_BUCKETS = (1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.connections = Gauge(
            "vwindow_connections", "Open WebSocket connections", ["kind"], registry=r
        )
        self.messages_in = Counter(
            "vwindow_messages_received_total", "Frames received, by type", ["type"], registry=r
        )
        self.messages_out = Counter("vwindow_messages_sent_total", "Frames sent", registry=r)
        self.errors = Counter(
            "vwindow_errors_total", "Error frames sent, by code", ["code"], registry=r
        )
        self.auth_failures = Counter(
            "vwindow_auth_failures_total", "Refused credentials", registry=r
        )
        self.handle_seconds = Histogram(
            "vwindow_message_handle_seconds",
            "Time to handle one client frame",
            buckets=_LATENCY_BUCKETS,
            registry=r,
        )
        self.route_seconds = Histogram(
            "vwindow_queue_to_first_ring_seconds",
            "From joining the queue to the first ring",
            buckets=_WAIT_BUCKETS,
            registry=r,
        )
        self.wait_seconds = Histogram(
            "vwindow_wait_seconds",
            "From joining the queue to a clerk answering",
            buckets=_WAIT_BUCKETS,
            registry=r,
        )
        self.calls_ended = Counter(
            "vwindow_calls_ended_total", "Calls ended, by reason", ["reason"], registry=r
        )
        self.requests_left = Counter(
            "vwindow_requests_left_total",
            "Requests that left the queue without a call",
            ["reason"],
            registry=r,
        )
        self.sdp_relayed = Counter("vwindow_sdp_relayed_total", "SDP frames relayed", registry=r)

    def watch_engine(self, engine: Callable[[], RoutingEngine | None]) -> None:
        self.registry.register(_EngineCollector(engine))

    def render(self) -> bytes:
        return generate_latest(self.registry)


class _EngineCollector(Collector):
    """Queue lengths and clerk states, read from the engine at scrape time."""

    def __init__(self, engine: Callable[[], RoutingEngine | None]) -> None:
        self._engine = engine

    def collect(self) -> Iterator[GaugeMetricFamily]:
        engine = self._engine()
        queue = GaugeMetricFamily(
            "vwindow_queue_length", "Requests waiting or held", labels=["center", "skill"]
        )
        clerks = GaugeMetricFamily("vwindow_clerks", "Clerks by state", labels=["state"])
        if engine is not None:
            for (center, skill), length in engine.queue_lengths().items():
                queue.add_metric([center, skill], length)
            for state, count in engine.clerk_state_counts().items():
                clerks.add_metric([str(state)], count)
        yield queue
        yield clerks
