"""Receipts on an ESC/POS thermal printer, through python-escpos.

Chinese text is sent as GB18030 bytes after FS & (the printer's Chinese character mode):
python-escpos' own text path only knows single-byte code pages. The QR code is drawn by the
printer itself (GS ( k), which is sharper and far smaller on the wire than a raster image.

Connections are written as one string in the kiosk's configuration:

* ``usb:0x0416:0x5011`` (vendor id, product id; hex or decimal)
* ``serial:/dev/ttyUSB0`` or ``serial:/dev/ttyUSB0:19200`` (baud rate, default 9600)
* ``network:192.168.1.50`` or ``network:192.168.1.50:9100`` (raw TCP, default port 9100)
* ``file:/dev/usb/lp0`` (any path: a printer device node, or a file for testing)
"""

from __future__ import annotations

import contextlib
import importlib
from dataclasses import dataclass
from typing import Any

from kiosk.devices.base import (
    DeviceError,
    DeviceInfo,
    DeviceKind,
    DeviceThread,
    DeviceUnavailable,
    ReceiptData,
    ReceiptPrinter,
)
from kiosk.devices.receipts.layout import build_receipt, note_lines, receipt_lines

ESC = b"\x1b"
GS = b"\x1d"
FS = b"\x1c"
INIT = ESC + b"@"
CHINESE_MODE_ON = FS + b"&"
CHINESE_MODE_OFF = FS + b"."
ALIGN_LEFT = ESC + b"a\x00"
ALIGN_CENTRE = ESC + b"a\x01"
BOLD_ON = ESC + b"E\x01"
BOLD_OFF = ESC + b"E\x00"
#: GS ! with double height only: the width (and so the column count) stays the same
DOUBLE_HEIGHT = GS + b"!\x01"
NORMAL_SIZE = GS + b"!\x00"
TEXT_ENCODING = "gb18030"
DEFAULT_BAUD = 9600
DEFAULT_TCP_PORT = 9100
#: python-escpos' QR error-correction level M (index into L, M, Q, H)
QR_ECLEVEL_M = 1
#: module size in printer dots: 6 dots at 203 dpi is ~0.75 mm, easy for phone cameras
QR_MODULE_DOTS = 6


@dataclass(frozen=True)
class EscposConnection:
    """Where an ESC/POS printer is; see the module docstring for the string forms."""

    kind: str  # "usb" | "serial" | "network" | "file"
    target: str = ""
    vendor_id: int = 0
    product_id: int = 0
    baud: int = DEFAULT_BAUD
    port: int = DEFAULT_TCP_PORT

    @classmethod
    def parse(cls, spec: str) -> EscposConnection:
        kind, _, rest = spec.strip().partition(":")
        kind = kind.lower()
        if not rest:
            raise ValueError(f"printer connection {spec!r} has nothing after {kind!r}:")
        if kind == "usb":
            vendor, _, product = rest.partition(":")
            try:
                return cls("usb", vendor_id=int(vendor, 0), product_id=int(product, 0))
            except ValueError:
                raise ValueError(
                    f"printer connection {spec!r}: expected usb:VENDOR:PRODUCT, e.g. "
                    "usb:0x0416:0x5011"
                ) from None
        if kind == "serial":
            device, _, baud = rest.rpartition(":") if _has_number_suffix(rest) else (rest, "", "")
            return cls("serial", target=device, baud=int(baud) if baud else DEFAULT_BAUD)
        if kind in ("network", "tcp"):
            host, _, port = rest.rpartition(":") if _has_number_suffix(rest) else (rest, "", "")
            return cls("network", target=host, port=int(port) if port else DEFAULT_TCP_PORT)
        if kind == "file":
            return cls("file", target=rest)
        raise ValueError(f"printer connection {spec!r}: expected usb:, serial:, network: or file:")

    def describe(self) -> str:
        if self.kind == "usb":
            return f"USB {self.vendor_id:04x}:{self.product_id:04x}"
        if self.kind == "serial":
            return f"serial {self.target} at {self.baud} baud"
        if self.kind == "network":
            return f"network {self.target}:{self.port}"
        return f"file {self.target}"


def _has_number_suffix(text: str) -> bool:
    head, sep, tail = text.rpartition(":")
    return bool(sep and head and tail.isdigit())


def _escpos_modules() -> tuple[Any, Any]:
    """python-escpos' printer classes and exceptions, or DeviceUnavailable saying why."""
    try:
        printers = importlib.import_module("escpos.printer")
        exceptions = importlib.import_module("escpos.exceptions")
    except ImportError as exc:
        raise DeviceUnavailable(
            DeviceKind.PRINTER,
            f"ESC/POS printing is not available because python-escpos is not installed "
            f"({exc}); install the 'devices' extra",
        ) from exc
    return printers, exceptions


def receipt_bytes(receipt: ReceiptData, columns: int) -> tuple[bytes, str, bytes]:
    """The text before the QR code, the QR payload, and the text after it, as the bytes
    this printer sends (GB18030 in Chinese mode)."""
    content = build_receipt(receipt)
    lines = receipt_lines(content, columns)
    title_count = len(content.title)
    head = bytearray(INIT + CHINESE_MODE_ON)
    head += ALIGN_CENTRE + BOLD_ON + DOUBLE_HEIGHT
    for line in lines[:title_count]:
        head += _encode(line.strip()) + b"\n"
    head += NORMAL_SIZE + BOLD_OFF + ALIGN_LEFT
    for line in lines[title_count:]:
        head += _encode(line) + b"\n"
    head += ALIGN_CENTRE
    tail = bytearray(_encode(content.qr_caption) + b"\n" + ALIGN_LEFT)
    for line in note_lines(content, columns):
        tail += _encode(line) + b"\n"
    tail += CHINESE_MODE_OFF
    return bytes(head), content.qr_payload, bytes(tail)


def _encode(text: str) -> bytes:
    # GB18030 covers all of Unicode, so nothing is lost; "replace" only guards against
    # lone surrogates from bad input
    return text.encode(TEXT_ENCODING, errors="replace")


class EscposReceiptPrinter(ReceiptPrinter):
    """One receipt printer; every job opens the connection, prints and closes it again, so
    a printer switched off and on between visits just works."""

    def __init__(
        self, connection: EscposConnection | str, *, columns: int = 48, name: str = ""
    ) -> None:
        self.connection = (
            EscposConnection.parse(connection) if isinstance(connection, str) else connection
        )
        if columns < 24:
            raise ValueError("an ESC/POS receipt needs at least 24 columns")
        self.columns = columns
        self.info = DeviceInfo(
            DeviceKind.PRINTER,
            name or self.connection.describe(),
            "escpos",
            f"{self.connection.describe()}, {columns} columns",
        )
        self._thread = DeviceThread("receipt-printer")

    async def print_receipt(self, receipt: ReceiptData) -> None:
        await self._thread.run(self._print, receipt)

    async def check(self) -> str:
        """Open the connection and send ESC @ (initialise: prints nothing)."""
        await self._thread.run(self._send_init)
        return f"{self.connection.describe()} accepts data"

    async def close(self) -> None:
        self._thread.close()

    def _print(self, receipt: ReceiptData) -> None:
        head, qr_payload, tail = receipt_bytes(receipt, self.columns)
        with self._open() as printer:
            printer.raw(head)
            printer.qr(qr_payload, ec=QR_ECLEVEL_M, size=QR_MODULE_DOTS, native=True)
            printer.raw(tail)
            printer.cut()

    def _send_init(self) -> None:
        with self._open() as printer:
            printer.raw(INIT)

    def _open(self) -> _OpenPrinter:
        printers, exceptions = _escpos_modules()
        connection = self.connection
        if connection.kind == "usb":
            printer = printers.Usb(connection.vendor_id, connection.product_id)
        elif connection.kind == "serial":
            printer = printers.Serial(devfile=connection.target, baudrate=connection.baud)
        elif connection.kind == "network":
            printer = printers.Network(connection.target, port=connection.port)
        else:
            printer = printers.File(connection.target)
        return _OpenPrinter(printer, exceptions, connection.describe())


class _OpenPrinter:
    """A python-escpos printer opened for one job; its many exception types become
    DeviceUnavailable (cannot connect) or DeviceError (failed while printing)."""

    def __init__(self, printer: Any, exceptions: Any, where: str) -> None:
        self._printer = printer
        self._exceptions = exceptions
        self._where = where

    def __enter__(self) -> _OpenPrinter:
        try:
            self._printer.open()
        except Exception as exc:
            reason = _first_line(exc)
            raise DeviceUnavailable(
                DeviceKind.PRINTER,
                f"receipt printer ({self._where}) cannot be opened: {reason}",
            ) from exc
        if not self._printer.device:
            # some python-escpos connections log instead of raising when the device is absent
            raise DeviceUnavailable(
                DeviceKind.PRINTER, f"receipt printer ({self._where}) cannot be opened"
            )
        return self

    def __exit__(self, *exc_info: object) -> None:
        # the job has already succeeded or failed; a failing close changes neither
        with contextlib.suppress(Exception):
            self._printer.close()

    def raw(self, data: bytes) -> None:
        self._call(self._printer._raw, data)

    def qr(self, payload: str, **options: Any) -> None:
        self._call(self._printer.qr, payload, **options)

    def cut(self) -> None:
        self._call(self._printer.cut)

    def _call(self, function: Any, *args: Any, **kwargs: Any) -> None:
        try:
            function(*args, **kwargs)
        except (OSError, self._exceptions.Error) as exc:
            raise DeviceError(
                DeviceKind.PRINTER,
                f"receipt printer ({self._where}) stopped while printing: {_first_line(exc)}"
                " — check paper, cover and cable",
            ) from exc


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return " ".join(text.split())
