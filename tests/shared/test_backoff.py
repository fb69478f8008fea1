"""Reconnect backoff: grows, is capped, jitters, and starts over after a good connection."""

from __future__ import annotations

import random

from shared.signaling_client import Backoff


def test_backoff_grows_is_capped_and_resets() -> None:
    random.seed(7)
    backoff = Backoff(initial_s=0.5, factor=2.0, max_s=15.0)
    delays = [backoff.next_delay() for _ in range(12)]
    assert all(0.25 <= d <= 15.0 for d in delays)
    ceilings = [min(15.0, 0.5 * 2**n) for n in range(12)]
    assert all(d <= c for d, c in zip(delays, ceilings, strict=True))
    assert max(delays[6:]) > 4  # it does back off
    assert len({round(d, 6) for d in delays}) == len(delays)  # jittered, not in lock step
    backoff.reset()
    assert backoff.next_delay() <= 0.5
