"""A scanner that needs no hardware, for the demo and tests: every scan returns freshly
rendered document-like pages (kiosk.devices.sample_pages), normalised like a real scan."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from kiosk.devices.base import (
    DeviceError,
    DeviceInfo,
    DeviceKind,
    DeviceThread,
    ScannedPage,
    Scanner,
    ScanOptions,
)
from kiosk.devices.sample_pages import render_page
from kiosk.devices.scanning.normalise import NormaliseOptions, normalise_bytes

#: render_page draws A4 at this resolution at most: more only makes the demo slow
MAX_RENDER_DPI = 200


@dataclass(frozen=True)
class SimulatedConfig:
    pages_in_feeder: int = 3
    normalise: NormaliseOptions = field(default_factory=NormaliseOptions)


class SimulatedScanner(Scanner):
    def __init__(self, config: SimulatedConfig | None = None) -> None:
        self.config = config or SimulatedConfig()
        self.info = DeviceInfo(DeviceKind.SCANNER, "simulated scanner", "simulated")
        self._thread = DeviceThread("simulated-scanner")
        # every scan is a new "take", so two scans of the same label differ like real ones
        self._takes = itertools.count(1)

    async def scan(self, options: ScanOptions) -> list[ScannedPage]:
        return await self._thread.run(self._scan_blocking, options)

    async def close(self) -> None:
        self._thread.close()

    def _scan_blocking(self, options: ScanOptions) -> list[ScannedPage]:
        if options.source not in ("flatbed", "feeder", "camera"):
            raise DeviceError(DeviceKind.SCANNER, f"unknown source {options.source!r}")
        count = self.config.pages_in_feeder if options.source == "feeder" else 1
        dpi = max(50, min(options.resolution_dpi, MAX_RENDER_DPI))
        normalise = self.config.normalise.for_scan(options.color)
        pages = []
        for index in range(count):
            label = options.label if count == 1 else f"{options.label} ({index + 1}/{count})"
            rendered = render_page(label, next(self._takes), dpi=dpi)
            pages.append(
                normalise_bytes(
                    rendered.data, label=label, source="simulated", dpi=dpi, options=normalise
                )
            )
        return pages
