"""One interface per kind of kiosk device, and the thread each device's I/O runs on.

Backends (PC/SC, vendor SDKs, SANE, document cameras, ESC/POS, Qt printing, simulators)
implement these; the kiosk's session flow and UI only see the interfaces. Hardware libraries
are imported only inside ``kiosk.devices`` backends, guarded: a missing library makes the
backend report "not available because ...", never an ImportError at start-up.

Every call into a device runs on that device's own single worker thread (drivers are rarely
thread-safe, and a blocking read must never freeze the UI or the call).
"""

from __future__ import annotations

import abc
import asyncio
import concurrent.futures
import datetime as dt
import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")


class DeviceKind(enum.StrEnum):
    CARD_READER = "card_reader"
    SCANNER = "scanner"
    CAMERA = "camera"
    MICROPHONE = "microphone"
    PRINTER = "printer"


class DeviceError(Exception):
    """A device failed; ``reason`` is plain language a clerk or IT person can act on."""

    def __init__(self, kind: DeviceKind, reason: str) -> None:
        super().__init__(f"{kind}: {reason}")
        self.kind = kind
        self.reason = reason


class DeviceUnavailable(DeviceError):
    """The device (or its library) is not there: unplugged, not configured, not installed."""


@dataclass(frozen=True)
class DeviceInfo:
    kind: DeviceKind
    name: str
    backend: str
    detail: str = ""


class DeviceThread:
    """The one thread a device's blocking calls run on, in order."""

    def __init__(self, name: str) -> None:
        self._executor = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix=name)

    async def run(self, function: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, function, *args)

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


# --- Cards ---------------------------------------------------------------------------------


class CardType(enum.StrEnum):
    RESIDENT_ID = "resident_id"
    #: 港澳台居民居住证 (layout marked 'J')
    RESIDENCE_PERMIT_HMT = "residence_permit_hmt"
    #: 外国人永久居留身份证 (layout marked 'I')
    PERMANENT_RESIDENCE = "permanent_residence"
    SOCIAL_SECURITY = "social"


@dataclass(frozen=True)
class CardReading:
    """What a reader got from a card. ``problems`` lists every inconsistency found (bad
    check digit, birth date not matching the number, expired...): ``valid`` is False then,
    and nothing is guessed."""

    card_type: CardType
    name: str
    id_number: str
    sex: str | None = None
    nation: str | None = None
    birth_date: dt.date | None = None
    address: str | None = None
    authority: str | None = None
    valid_from: dt.date | None = None
    #: None with ``no_expiry`` True means "长期"
    valid_to: dt.date | None = None
    no_expiry: bool = False
    card_number: str | None = None
    english_name: str | None = None
    nationality: str | None = None
    photo_wlt: bytes | None = field(default=None, repr=False)
    photo_png: bytes | None = field(default=None, repr=False)
    problems: tuple[str, ...] = ()

    @property
    def valid(self) -> bool:
        return not self.problems


CardListener = Callable[[str, bool], None]


class CardReader(abc.ABC):
    """A card reader. ``on_change(reader_name, present)`` fires on insert and removal (and
    on a reader being unplugged: present False); ``read()`` reads the card now present."""

    info: DeviceInfo

    @abc.abstractmethod
    async def read(self) -> CardReading: ...

    @abc.abstractmethod
    def watch(self, on_change: CardListener) -> None: ...

    @abc.abstractmethod
    async def close(self) -> None: ...


# --- Scanning ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScanOptions:
    resolution_dpi: int = 300
    color: bool = True
    #: "flatbed", "feeder" (all pages in the feeder), or "camera"
    source: str = "flatbed"
    label: str = ""


@dataclass(frozen=True)
class ScannedPage:
    data: bytes = field(repr=False)
    mime: str
    width: int
    height: int
    label: str
    dpi: int = 0
    source: str = ""


class Scanner(abc.ABC):
    info: DeviceInfo

    @abc.abstractmethod
    async def scan(self, options: ScanOptions) -> list[ScannedPage]: ...

    @abc.abstractmethod
    async def close(self) -> None: ...


# --- Receipts ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReceiptData:
    case_number: str
    item_name: str
    site_name: str
    outcome: str
    issued_at: dt.datetime
    tracking_url: str
    missing_materials: tuple[str, ...] = ()
    note: str = ""


class ReceiptPrinter(abc.ABC):
    info: DeviceInfo

    @abc.abstractmethod
    async def print_receipt(self, receipt: ReceiptData) -> None: ...

    @abc.abstractmethod
    async def close(self) -> None: ...
