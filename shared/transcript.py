"""A readable, time-stamped transcript for headless runs (one line per event)."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from shared.identity import mask_id_numbers


class Transcript:
    def __init__(self, who: str, stream: TextIO | None = None, started: float | None = None):
        self.who = who
        self.stream = stream or sys.stdout
        self.started = started if started is not None else time.perf_counter()

    def say(self, what: str) -> None:
        elapsed = time.perf_counter() - self.started
        # transcripts are shown and kept like logs: no ID number in full
        line = f"[{elapsed:7.3f}s] {self.who:<7} {mask_id_numbers(what)}"
        print(line, file=self.stream, flush=True)
