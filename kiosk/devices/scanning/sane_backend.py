"""Flatbed and feeder scanners through SANE (python-sane, libsane).

python-sane is imported only when a scanner is opened; without it the scanner reports
"not available because ...". SANE is initialised once per process (``sane_init`` reads
``SANE_CONFIG_DIR`` then and loads the backends named in its ``dll.conf``), and every call
into it runs on the scanner's DeviceThread: SANE backends are not thread-safe.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

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
from kiosk.devices.scanning.normalise import NormaliseOptions, normalise_image

KIND = DeviceKind.SCANNER

#: sane_strstatus() texts (what python-sane's errors carry) → what a clerk can act on
_PLAIN_REASONS = {
    "Document feeder jammed": "the document feeder is jammed: open it and take the paper out",
    "Document feeder out of documents": "there are no documents in the feeder",
    "Device busy": "the scanner is busy (another program may be using it)",
    "Scanner cover is open": "the scanner's cover is open",
    "Error during device I/O": "the scanner stopped responding (unplugged or switched off?)",
    "Access to resource has been denied": "no permission to use the scanner",
    "Out of memory": "the scanner ran out of memory: try a lower resolution",
    "Operation was canceled": "the scan was cancelled",
    "Invalid argument": "the scanner rejected the request",
}

_init_lock = threading.Lock()
_sane_module: ModuleType | None = None


def load_sane() -> ModuleType:
    """python-sane, initialised once; DeviceUnavailable when it or libsane is missing."""
    global _sane_module
    with _init_lock:
        if _sane_module is None:
            try:
                module = importlib.import_module("sane")
                module.init()
            except ImportError as error:
                raise DeviceUnavailable(
                    KIND, f"SANE scanning is not available because python-sane is missing ({error})"
                ) from error
            except Exception as error:
                raise DeviceUnavailable(
                    KIND, f"SANE scanning is not available because libsane failed: {error}"
                ) from error
            _sane_module = module
        return _sane_module


@dataclass(frozen=True)
class SaneConfig:
    #: a SANE device name ("test:0", "epsonds:libusb:001:004"); "" takes the first one found
    device_name: str = ""
    #: the most pages one feeder scan takes (a feeder with a stuck sensor never runs dry)
    max_feeder_pages: int = 50
    #: a blocked read never returns; the caller stops waiting after this
    scan_timeout_s: float = 120.0
    normalise: NormaliseOptions = field(default_factory=NormaliseOptions)
    #: backend-specific options by python-sane name ("-" becomes "_"), set after the
    #: standard ones: e.g. {"page_height": 297} for a feeder, {"brightness": 10}
    extra_options: Mapping[str, str | int | float | bool] = field(default_factory=dict)


def plain_reason(error: BaseException) -> str:
    text = str(error)
    return _PLAIN_REASONS.get(text, f"the scanner reported: {text}")


class SaneScanner(Scanner):
    def __init__(self, config: SaneConfig) -> None:
        self.config = config
        self.info = DeviceInfo(KIND, config.device_name or "first SANE scanner", "sane")
        self._thread = DeviceThread("sane-scanner")
        self._device: Any = None

    async def open(self) -> None:
        """Open the device now (``scan`` opens it too): to report problems at start-up."""
        await self._run(self._open_blocking)

    async def scan(self, options: ScanOptions) -> list[ScannedPage]:
        pages: list[ScannedPage] = await self._run(self._scan_blocking, options)
        return pages

    async def close(self) -> None:
        try:
            await asyncio.wait_for(self._thread.run(self._close_blocking), 5)
        finally:
            self._thread.close()

    async def _run(self, function: Any, *args: Any) -> Any:
        try:
            return await asyncio.wait_for(
                self._thread.run(function, *args), self.config.scan_timeout_s
            )
        except TimeoutError as error:
            raise DeviceError(
                KIND, f"the scanner did not answer within {self.config.scan_timeout_s:.0f} s"
            ) from error

    def _open_blocking(self) -> Any:
        if self._device is not None:
            return self._device
        sane = load_sane()
        name = self.config.device_name
        if not name:
            devices = sane.get_devices()
            if not devices:
                raise DeviceUnavailable(KIND, "no SANE scanner is connected")
            name = devices[0][0]
        try:
            self._device = sane.open(name)
        except Exception as error:
            if str(error) == "Device busy":
                # it is there, just taken (another scan, another program): try again later
                raise DeviceError(KIND, plain_reason(error)) from error
            try:
                known = ", ".join(device[0] for device in sane.get_devices()) or "none"
            except Exception:
                known = "unknown"
            raise DeviceUnavailable(
                KIND,
                f"scanner {name!r} is not available because it cannot be opened "
                f"({plain_reason(error)}); scanners found: {known}",
            ) from error
        self.info = DeviceInfo(KIND, name, "sane", self._describe())
        return self._device

    def _describe(self) -> str:
        try:
            sources = self._device["source"].constraint if "source" in self._device.opt else []
        except Exception:
            sources = []
        return "sources: " + ", ".join(sources) if sources else "flatbed"

    def _close_blocking(self) -> None:
        device, self._device = self._device, None
        if device is not None:
            # closing an unplugged scanner may fail; it is gone either way
            with contextlib.suppress(Exception):
                device.close()

    def _scan_blocking(self, options: ScanOptions) -> list[ScannedPage]:
        if options.source not in ("flatbed", "feeder"):
            raise DeviceError(KIND, f"a SANE scanner cannot scan from {options.source!r}")
        device = self._open_blocking()
        try:
            self._apply_options(device, options)
            feeder = options.source == "feeder"
            images = self._scan_feeder(device) if feeder else [device.scan()]
            dpi = self._current_resolution(device, options.resolution_dpi)
        except DeviceError:
            raise
        except Exception as error:
            # after a failure the handle may be stale (unplugged): reopen on the next scan
            self._close_blocking()
            raise DeviceError(KIND, plain_reason(error)) from error
        return [
            normalise_image(
                image,
                label=_page_label(options.label, index, len(images)),
                source=f"sane:{options.source}",
                dpi=dpi,
                options=self._normalise_options(options),
            )
            for index, image in enumerate(images)
        ]

    def _normalise_options(self, options: ScanOptions) -> NormaliseOptions:
        return self.config.normalise.for_scan(options.color)

    def _scan_feeder(self, device: Any) -> list[Any]:
        images: list[Any] = []
        pages = device.multi_scan()
        try:
            for image in pages:
                images.append(image)
                if len(images) >= self.config.max_feeder_pages:
                    break
        except Exception as error:
            done = f" after {len(images)} page(s)" if images else ""
            raise DeviceError(KIND, plain_reason(error) + done) from error
        finally:
            device.cancel()
        if not images:
            raise DeviceError(KIND, _PLAIN_REASONS["Document feeder out of documents"])
        return images

    def _apply_options(self, device: Any, options: ScanOptions) -> None:
        # source first: changing it makes many backends reload the other options' ranges
        source = self._pick(device, "source", _source_words(options.source))
        if options.source == "feeder" and source is None:
            raise DeviceError(KIND, "this scanner has no document feeder: use the flatbed")
        if source is not None:
            self._set(device, "source", source)
        mode = self._pick(
            device, "mode", ("color", "colour") if options.color else ("gray", "grey")
        )
        if mode is not None:
            self._set(device, "mode", mode)
        if "depth" in device.opt and 8 in (device["depth"].constraint or ()):
            # python-sane turns 16-bit data into garbage PIL images; 8 bits suit a JPEG anyway
            self._set(device, "depth", 8)
        if "resolution" in device.opt:
            self._set(device, "resolution", self._nearest_resolution(device, options))
        for name, value in self.config.extra_options.items():
            self._set(device, name, value)

    def _pick(self, device: Any, option: str, words: tuple[str, ...]) -> str | None:
        """The first value of a list option that contains one of ``words`` (backends name
        the same thing differently: "Color", "24bit Color", "ADF Front", "Automatic Document
        Feeder")."""
        if option not in device.opt:
            return None
        values = [str(v) for v in (device[option].constraint or ()) if isinstance(v, str)]
        for word in words:
            for value in values:
                if word in value.lower() and "duplex" not in value.lower():
                    return value
        return None

    def _nearest_resolution(self, device: Any, options: ScanOptions) -> int | float:
        wanted = options.resolution_dpi
        constraint = device["resolution"].constraint
        if isinstance(constraint, tuple):  # (min, max, step)
            low, high = constraint[0], constraint[1]
            clamped: int | float = type(low)(min(max(wanted, low), high))
            return clamped
        if isinstance(constraint, list) and constraint:
            nearest: int | float = min(constraint, key=lambda value: abs(value - wanted))
            return nearest
        return wanted

    def _current_resolution(self, device: Any, fallback: int) -> int:
        try:
            return round(float(device.resolution))
        except Exception:
            return fallback

    def _set(self, device: Any, option: str, value: Any) -> None:
        try:
            setattr(device, option, value)
        except Exception as error:
            raise DeviceError(
                KIND, f"the scanner refused {option} = {value!r} ({plain_reason(error)})"
            ) from error


def _source_words(source: str) -> tuple[str, ...]:
    if source == "feeder":
        return ("automatic document feeder", "adf", "feeder")
    return ("flatbed", "normal", "platen")


def _page_label(label: str, index: int, count: int) -> str:
    return label if count == 1 else f"{label} ({index + 1}/{count})".strip()
