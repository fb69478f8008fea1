"""Finds and opens the kiosk's configured devices, keeps their status, follows card insert and
removal, and retries devices that were missing (a reader or scanner plugged in later comes
back by itself). The session flow and the UI ask it for devices and listen to its events."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.config import DevicesConfig
from kiosk.devices.base import (
    CardReader,
    DeviceError,
    DeviceKind,
    DeviceUnavailable,
    ReceiptPrinter,
    Scanner,
)

log = logging.getLogger(__name__)


def open_card_reader(
    spec: str, profiles: dict[str, Any] | None = None, profile_name: str = ""
) -> CardReader:
    """``simulated`` | ``pcsc`` | ``pcsc:READER NAME`` | ``termb:/path/to/library``."""
    kind, _, rest = spec.partition(":")
    if kind == "simulated":
        from kiosk.devices.cards.simulated import SimulatedCardReader

        return SimulatedCardReader()
    if kind == "pcsc":
        from kiosk.devices.cards.pcsc import PcscCardReader
        from kiosk.devices.cards.profiles import DEFAULT_PROFILE, load_profiles

        profile = DEFAULT_PROFILE
        if profile_name:
            loaded = load_profiles(profiles or {})
            if profile_name not in loaded:
                raise DeviceUnavailable(
                    DeviceKind.CARD_READER, f"no reader profile named {profile_name!r}"
                )
            profile = loaded[profile_name]
        return PcscCardReader(rest or None, profile=profile)
    if kind == "termb":
        from kiosk.devices.cards.termb import TermbCardReader, TermbConfig

        return TermbCardReader(TermbConfig(library=rest))
    raise DeviceUnavailable(DeviceKind.CARD_READER, f"unknown card reader setting {spec!r}")


def open_scanner(spec: str) -> Scanner:
    """``simulated`` | ``sane`` | ``sane:DEVICE`` | ``camera:INDEX|PATH`` | ``folder:PATH``."""
    kind, _, rest = spec.partition(":")
    if kind == "simulated":
        from kiosk.devices.scanning import SimulatedScanner

        return SimulatedScanner()
    if kind == "sane":
        from kiosk.devices.scanning import SaneConfig, SaneScanner

        return SaneScanner(SaneConfig(device_name=rest))
    if kind == "camera":
        from kiosk.devices.scanning import CameraConfig, DocumentCamera

        device: int | str = int(rest) if rest.isdigit() else (rest or 0)
        return DocumentCamera(CameraConfig(device=device))
    if kind == "folder":
        from kiosk.devices.scanning import FolderConfig, FolderScanner

        return FolderScanner(FolderConfig(folder=Path(rest)))
    raise DeviceUnavailable(DeviceKind.SCANNER, f"unknown scanner setting {spec!r}")


def open_printer(spec: str, columns: int = 48) -> ReceiptPrinter:
    from kiosk.devices.receipts import open_receipt_printer

    return open_receipt_printer(spec, columns=columns)


@dataclass(frozen=True)
class DeviceStatus:
    kind: DeviceKind
    setting: str
    ok: bool
    reason: str


CardEvent = Callable[[bool], None]


class DeviceManager:
    def __init__(
        self,
        config: DevicesConfig,
        reader_profiles: dict[str, Any] | None = None,
        retry_s: float = 5.0,
    ) -> None:
        self.config = config
        self.reader_profiles = reader_profiles or {}
        self.retry_s = retry_s
        self.card_reader: CardReader | None = None
        self.scanner: Scanner | None = None
        self.printer: ReceiptPrinter | None = None
        self.status: dict[DeviceKind, DeviceStatus] = {}
        self.card_present = False
        self._card_listeners: list[CardEvent] = []
        self._retry: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self._open_missing()
        self._retry = asyncio.get_running_loop().create_task(self._retry_forever())

    def on_card(self, listener: CardEvent) -> None:
        self._card_listeners.append(listener)

    async def close(self) -> None:
        if self._retry is not None:
            self._retry.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._retry
        for device in (self.card_reader, self.scanner, self.printer):
            if device is not None:
                with contextlib.suppress(Exception):
                    await device.close()

    async def _open_missing(self) -> None:
        config = self.config
        if self.card_reader is None and config.card_reader:
            self.card_reader = self._try(
                DeviceKind.CARD_READER,
                config.card_reader,
                lambda: open_card_reader(
                    config.card_reader, self.reader_profiles, config.reader_profile
                ),
            )
            if self.card_reader is not None:
                try:
                    self.card_reader.watch(self._card_changed)
                except DeviceError as exc:
                    # e.g. no PC/SC service yet: the reader counts as missing, tried again
                    reader, self.card_reader = self.card_reader, None
                    self._set_status(DeviceKind.CARD_READER, config.card_reader, False, exc.reason)
                    with contextlib.suppress(Exception):
                        await reader.close()
        if self.scanner is None and config.scanner:
            self.scanner = self._try(
                DeviceKind.SCANNER, config.scanner, lambda: open_scanner(config.scanner)
            )
        if self.printer is None and config.printer:
            self.printer = self._try(
                DeviceKind.PRINTER,
                config.printer,
                lambda: open_printer(config.printer, config.printer_columns),
            )

    def _try(self, kind: DeviceKind, setting: str, opener: Callable[[], Any]) -> Any:
        try:
            device = opener()
        except DeviceError as exc:
            self._set_status(kind, setting, False, exc.reason)
            return None
        self._set_status(kind, setting, True, "ready")
        return device

    def _set_status(self, kind: DeviceKind, setting: str, ok: bool, reason: str) -> None:
        previous = self.status.get(kind)
        self.status[kind] = DeviceStatus(kind, setting, ok, reason)
        if previous is None or previous.ok != ok:
            level = logging.INFO if ok else logging.WARNING
            log.log(level, "%s (%s): %s", kind, setting, reason)

    def _card_changed(self, reader: str, present: bool) -> None:
        self.card_present = present
        for listener in list(self._card_listeners):
            try:
                listener(present)
            except Exception:
                log.exception("card listener failed")

    async def _retry_forever(self) -> None:
        while True:
            await asyncio.sleep(self.retry_s)
            await self._open_missing()


@dataclass(frozen=True)
class FoundDevice:
    kind: DeviceKind
    setting: str
    name: str


def discover(
    kinds: frozenset[DeviceKind] = frozenset(DeviceKind),
) -> tuple[list[FoundDevice], list[str]]:
    """Every device of ``kinds`` this kiosk can see, as the setting that would select it,
    and a note for each kind that could not be searched (library missing, service down).
    Scanners are searched only when asked: SANE probes every backend (seconds) and can be
    initialised once per process."""
    found: list[FoundDevice] = []
    notes: list[str] = []
    if DeviceKind.CARD_READER in kinds:
        found += _card_readers(notes)
    if DeviceKind.SCANNER in kinds:
        found += _scanners(notes)
    if kinds & {DeviceKind.CAMERA, DeviceKind.MICROPHONE}:
        from shared.call.media import list_devices

        for device in list_devices():
            kind = DeviceKind.CAMERA if device.kind == "video" else DeviceKind.MICROPHONE
            if kind in kinds:
                found.append(FoundDevice(kind, device.address, device.name))
    return found, notes


def _card_readers(notes: list[str]) -> list[FoundDevice]:
    found: list[FoundDevice] = []
    try:
        from kiosk.devices.cards.pcsc import list_pcsc_readers

        for name in list_pcsc_readers():
            found.append(FoundDevice(DeviceKind.CARD_READER, f"pcsc:{name}", name))
    except DeviceError as exc:
        notes.append(f"card readers: {exc.reason}")
    return found


def _scanners(notes: list[str]) -> list[FoundDevice]:
    found: list[FoundDevice] = []
    try:
        from kiosk.devices.scanning.sane_backend import load_sane

        for name, vendor, model, kind in load_sane().get_devices():
            found.append(
                FoundDevice(DeviceKind.SCANNER, f"sane:{name}", f"{vendor} {model} ({kind})")
            )
    except DeviceError as exc:
        notes.append(f"scanners: {exc.reason}")
    return found
