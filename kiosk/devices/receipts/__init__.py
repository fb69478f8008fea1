"""Receipt printers: ESC/POS thermal printers and Qt (system printers and PDF).

:func:`open_receipt_printer` turns the kiosk configuration's ``printer`` string into a
printer; Qt is imported only when a Qt printer is asked for.
"""

from __future__ import annotations

from pathlib import Path

from kiosk.devices.base import ReceiptPrinter
from kiosk.devices.receipts.escpos_printer import EscposConnection, EscposReceiptPrinter

ESCPOS_KINDS = ("usb", "serial", "network", "tcp", "file")


def open_receipt_printer(spec: str, *, columns: int = 48, name: str = "") -> ReceiptPrinter:
    """A printer from its configuration string:

    * ``escpos:usb:0x0416:0x5011``, ``escpos:serial:/dev/ttyUSB0:9600``,
      ``escpos:network:192.168.1.50:9100``, ``escpos:file:/dev/usb/lp0`` (the ``escpos:``
      prefix may be left out)
    * ``qt:`` (the system's default printer) or ``qt:PRINTER NAME``
    * ``pdf:/var/lib/vwindow/receipts/{case_number}.pdf``
    """
    spec = spec.strip()
    kind, _, rest = spec.partition(":")
    kind = kind.lower()
    if kind == "escpos":
        return EscposReceiptPrinter(EscposConnection.parse(rest), columns=columns, name=name)
    if kind in ESCPOS_KINDS:
        return EscposReceiptPrinter(EscposConnection.parse(spec), columns=columns, name=name)
    if kind in ("qt", "pdf"):
        # imported here: Qt is loaded only on kiosks that print through it
        from kiosk.devices.receipts.qt_printer import QtReceiptPrinter

        if kind == "pdf":
            if not rest:
                raise ValueError("printer 'pdf:' needs a file path, e.g. pdf:/tmp/receipt.pdf")
            return QtReceiptPrinter.to_pdf(Path(rest), name=name)
        return QtReceiptPrinter.to_system_printer(rest, name=name)
    raise ValueError(
        f"printer {spec!r}: expected escpos:usb:…, escpos:serial:…, escpos:network:…, "
        "escpos:file:…, qt:NAME or pdf:PATH"
    )


__all__ = ["EscposConnection", "EscposReceiptPrinter", "open_receipt_printer"]
