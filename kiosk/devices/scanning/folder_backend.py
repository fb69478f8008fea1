"""Scanners that write files (network scanners' "scan to folder", vendor tools): watch a
folder, take each new page once it is completely written, then move it aside or delete it.

"Completely written" is two checks, because scanners write in bursts with pauses: the size
and modification time have not changed for ``stable_for_s``, and the file decodes (a JPEG or
PNG cut short does not; a PDF must end with its %%EOF marker). Files already in the folder
when a scan starts are left alone: they belong to someone before, not to this resident.
"""

from __future__ import annotations

import asyncio
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from kiosk.devices.base import (
    DeviceError,
    DeviceInfo,
    DeviceKind,
    DeviceThread,
    DeviceUnavailable,
    ScannedPage,
    Scanner,
    ScanOptions,
)
from kiosk.devices.scanning.normalise import NormaliseOptions, normalise_bytes

KIND = DeviceKind.SCANNER
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png"})
PDF_SUFFIX = ".pdf"


@dataclass(frozen=True)
class FolderConfig:
    folder: Path
    after_reading: Literal["move", "delete"] = "move"
    done_subfolder: str = "done"
    poll_interval_s: float = 0.25
    #: size and mtime unchanged this long before a file counts as written
    stable_for_s: float = 1.0
    #: how long a scan waits for the first page
    timeout_s: float = 60.0
    #: a feeder scan ends when no new page has appeared for this long
    batch_quiet_s: float = 3.0
    normalise: NormaliseOptions = field(default_factory=NormaliseOptions)


@dataclass
class _Seen:
    size: int
    mtime_ns: int
    since: float


class FolderScanner(Scanner):
    def __init__(self, config: FolderConfig) -> None:
        self.config = config
        self.info = DeviceInfo(KIND, str(config.folder), "folder")
        self._thread = DeviceThread("folder-scanner")

    async def scan(self, options: ScanOptions) -> list[ScannedPage]:
        config = self.config
        existing = await self._thread.run(self._snapshot)
        seen: dict[Path, _Seen] = {}
        pages: list[ScannedPage] = []
        loop = asyncio.get_running_loop()
        deadline = loop.time() + config.timeout_s
        last_page_at: float | None = None
        while True:
            taken = await self._thread.run(self._take_ready, existing, seen, options, len(pages))
            pages.extend(taken)
            now = loop.time()
            if taken:
                last_page_at = now
                if options.source != "feeder":
                    return pages
            pending = bool(seen)
            if last_page_at is not None and not pending:
                if now - last_page_at >= config.batch_quiet_s:
                    return pages
            elif last_page_at is None and now >= deadline:
                raise DeviceError(
                    KIND,
                    f"no scanned page arrived in {config.folder} within {config.timeout_s:g} s",
                )
            await asyncio.sleep(config.poll_interval_s)

    async def close(self) -> None:
        self._thread.close()

    def _snapshot(self) -> set[Path]:
        if not self.config.folder.is_dir():
            raise DeviceUnavailable(
                KIND, f"the scan folder is not available because {self.config.folder} is missing"
            )
        return set(self._candidates())

    def _candidates(self) -> list[Path]:
        found = []
        with os.scandir(self.config.folder) as entries:
            for entry in entries:
                path = Path(entry.path)
                # hidden and temporary names are how many tools write a file before renaming it
                if entry.name.startswith((".", "~")) or not entry.is_file():
                    continue
                if path.suffix.lower() in IMAGE_SUFFIXES | {PDF_SUFFIX}:
                    found.append(path)
        return sorted(found, key=lambda p: (p.stat().st_mtime_ns, p.name))

    def _take_ready(
        self, existing: set[Path], seen: dict[Path, _Seen], options: ScanOptions, taken: int
    ) -> list[ScannedPage]:
        now = time.monotonic()
        pages: list[ScannedPage] = []
        for path in self._candidates():
            if path in existing:
                continue
            try:
                stat = path.stat()
            except FileNotFoundError:
                seen.pop(path, None)
                continue
            previous = seen.get(path)
            if previous is None or (previous.size, previous.mtime_ns) != (
                stat.st_size,
                stat.st_mtime_ns,
            ):
                seen[path] = _Seen(stat.st_size, stat.st_mtime_ns, now)
                continue
            if stat.st_size == 0 or now - previous.since < self.config.stable_for_s:
                continue
            data = path.read_bytes()
            label = (
                options.label
                if not taken + len(pages)
                else f"{options.label} ({taken + len(pages) + 1})"
            )
            page = self._page(data, path, label, options)
            if page is None:
                # stable but not decodable: still being written slowly; look again later
                seen[path] = _Seen(stat.st_size, stat.st_mtime_ns, now)
                continue
            pages.append(page)
            seen.pop(path)
            self._dispose(path)
        return pages

    def _page(
        self, data: bytes, path: Path, label: str, options: ScanOptions
    ) -> ScannedPage | None:
        if path.suffix.lower() == PDF_SUFFIX:
            if b"%%EOF" not in data[-1024:]:
                return None
            # no PDF renderer on the kiosk: the clerk's viewer shows PDFs as they are
            return ScannedPage(data, "application/pdf", 0, 0, label, 0, "folder")
        try:
            return normalise_bytes(
                data,
                label=label,
                source="folder",
                options=self.config.normalise.for_scan(options.color),
            )
        except ValueError:
            return None

    def _dispose(self, path: Path) -> None:
        if self.config.after_reading == "delete":
            path.unlink(missing_ok=True)
            return
        done = self.config.folder / self.config.done_subfolder
        done.mkdir(exist_ok=True)
        path.replace(done / path.name)
