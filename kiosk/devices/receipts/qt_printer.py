"""Receipts through Qt: to a system printer (QPrinter, i.e. CUPS on Linux, the spooler on
Windows) or to a PDF file (QPdfWriter).

Qt is imported only when a printer is made, so the kiosk starts (and reports "not available
because ...") on a machine without PySide6. Painting happens on the printer's DeviceThread:
Qt supports QPainter on QPrinter and QPdfWriter outside the GUI thread, and a slow spooler
must not freeze the screen. The QGuiApplication Qt needs for fonts is made on the thread
that creates the printer (the main thread in the kiosk) when the app has none yet.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import qrcode

from kiosk.devices.base import (
    DeviceError,
    DeviceInfo,
    DeviceKind,
    DeviceThread,
    DeviceUnavailable,
    ReceiptData,
    ReceiptPrinter,
)
from kiosk.devices.receipts.layout import ReceiptContent, build_receipt

if TYPE_CHECKING:
    from PySide6.QtGui import QFont, QPagedPaintDevice, QPainter

CJK_FONT_FAMILY = "Noto Sans CJK SC"
#: families tried after the preferred one, in order (Windows and macOS kiosks have these)
CJK_FALLBACK_FAMILIES = ("Source Han Sans SC", "Microsoft YaHei", "PingFang SC", "SimHei")
PAPER_WIDTH_MM = 80.0
MARGIN_MM = 4.0
QR_SIDE_MM = 36.0
PDF_DPI = 300
TITLE_POINTS = 11.0
BODY_POINTS = 9.0
MM_PER_INCH = 25.4


@dataclass(frozen=True)
class QtTarget:
    """A system printer by name ("" for the system default) or a PDF file path; the path
    may contain ``{case_number}`` so that each receipt gets its own file."""

    printer_name: str = ""
    pdf_path: Path | None = None

    def describe(self) -> str:
        if self.pdf_path is not None:
            return f"PDF {self.pdf_path}"
        return f"printer {self.printer_name!r}" if self.printer_name else "default printer"


def _qt() -> Any:
    """PySide6's modules, or DeviceUnavailable saying why not."""
    try:
        from PySide6 import QtCore, QtGui, QtPrintSupport
    except ImportError as exc:
        raise DeviceUnavailable(
            DeviceKind.PRINTER,
            f"Qt printing is not available because PySide6 (with QtPrintSupport) is not "
            f"installed ({exc}); install the 'ui' extra",
        ) from exc
    return QtCore, QtGui, QtPrintSupport


def ensure_gui_application() -> None:
    """Qt needs an application object for fonts and printing; the kiosk UI has one, tools
    and tests may not. A QApplication (not just a QGuiApplication) is made, so that widget
    code running later in the same process finds the kind of instance it needs."""
    _, qt_gui, _ = _qt()
    if qt_gui.QGuiApplication.instance() is not None:
        return
    try:
        from PySide6.QtWidgets import QApplication
    except ImportError:
        application: Any = qt_gui.QGuiApplication([])
    else:
        application = QApplication([])
    # kept on the class so it lives as long as the process, like an app's own instance
    QtReceiptPrinter._application = application


class QtReceiptPrinter(ReceiptPrinter):
    _application: Any = None

    def __init__(
        self,
        target: QtTarget,
        *,
        font_family: str = CJK_FONT_FAMILY,
        paper_width_mm: float = PAPER_WIDTH_MM,
        name: str = "",
    ) -> None:
        ensure_gui_application()
        self.target = target
        self.font_family = font_family
        self.paper_width_mm = paper_width_mm
        self.info = DeviceInfo(DeviceKind.PRINTER, name or target.describe(), "qt")
        self._thread = DeviceThread("qt-receipt-printer")

    @classmethod
    def to_pdf(cls, path: Path | str, **options: Any) -> QtReceiptPrinter:
        return cls(QtTarget(pdf_path=Path(path)), **options)

    @classmethod
    def to_system_printer(cls, printer_name: str = "", **options: Any) -> QtReceiptPrinter:
        return cls(QtTarget(printer_name=printer_name), **options)

    async def print_receipt(self, receipt: ReceiptData) -> None:
        await self._thread.run(self._print, receipt)

    async def check(self) -> str:
        return await self._thread.run(self._check)

    async def close(self) -> None:
        self._thread.close()

    def resolved_font_family(self) -> str:
        """The family Qt actually uses for the receipt font (a missing CJK font shows here
        as some other family, and on paper as empty boxes)."""
        _, qt_gui, _ = _qt()
        return str(qt_gui.QFontInfo(self._font(BODY_POINTS)).family())

    def _check(self) -> str:
        if self.target.pdf_path is not None:
            folder = self.target.pdf_path.parent
            if not folder.is_dir():
                raise DeviceUnavailable(DeviceKind.PRINTER, f"PDF folder {folder} does not exist")
            return f"PDF output to {self.target.pdf_path}"
        printer = self._system_printer()
        return f"printer {printer.printerName()!r} is available"

    def _font(self, points: float, bold: bool = False) -> QFont:
        _, qt_gui, _ = _qt()
        font = qt_gui.QFont()
        font.setFamilies([self.font_family, *CJK_FALLBACK_FAMILIES])
        font.setPointSizeF(points)
        font.setBold(bold)
        resolved: QFont = font
        return resolved

    def _system_printer(self) -> Any:
        _, _, qt_print = _qt()
        info = (
            qt_print.QPrinterInfo.printerInfo(self.target.printer_name)
            if self.target.printer_name
            else qt_print.QPrinterInfo.defaultPrinter()
        )
        if info.isNull():
            known = ", ".join(qt_print.QPrinterInfo.availablePrinterNames()) or "none"
            raise DeviceUnavailable(
                DeviceKind.PRINTER,
                f"{self.target.describe()} is not installed on this computer "
                f"(printers found: {known})",
            )
        return qt_print.QPrinter(info, qt_print.QPrinter.PrinterMode.HighResolution)

    def _print(self, receipt: ReceiptData) -> None:
        qt_core, qt_gui, _ = _qt()
        content = build_receipt(receipt)
        qr_image = _qr_image(content.qr_payload)
        pdf_path = self._pdf_path_for(receipt)
        if pdf_path is not None:
            # QPdfWriter cannot make a missing folder: a receipts folder not made yet (a new
            # demo data dir) would count as a broken printer
            try:
                pdf_path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DeviceError(
                    DeviceKind.PRINTER, f"cannot make {pdf_path.parent}: {exc.strerror}"
                ) from exc
            writer = qt_gui.QPdfWriter(str(pdf_path))
            writer.setResolution(PDF_DPI)
            writer.setTitle(f"受理回执 {receipt.case_number}")
            writer.setCreator("vwindow kiosk")
            height_mm = self._content_height_mm(content, writer, qr_image)
            writer.setPageMargins(qt_core.QMarginsF(0, 0, 0, 0))
            size = qt_gui.QPageSize(
                qt_core.QSizeF(self.paper_width_mm, height_mm),
                qt_gui.QPageSize.Unit.Millimeter,
                "receipt",
            )
            if not writer.setPageSize(size):
                raise DeviceError(DeviceKind.PRINTER, "PDF writer refused the receipt size")
            device: Any = writer
        else:
            device = self._system_printer()
            device.setDocName(f"受理回执 {receipt.case_number}")
        painter = qt_gui.QPainter()
        if not painter.begin(device):
            raise DeviceError(DeviceKind.PRINTER, f"{self.target.describe()} cannot be written to")
        try:
            self._paint(painter, device, content, qr_image)
        finally:
            ended = painter.end()
        if not ended:
            raise DeviceError(
                DeviceKind.PRINTER, f"{self.target.describe()}: the print job did not finish"
            )
        if pdf_path is not None and not pdf_path.exists():
            raise DeviceError(DeviceKind.PRINTER, f"PDF {pdf_path} was not written")

    def _pdf_path_for(self, receipt: ReceiptData) -> Path | None:
        if self.target.pdf_path is None:
            return None
        safe_number = "".join(c if c.isalnum() or c in "-_" else "_" for c in receipt.case_number)
        return Path(str(self.target.pdf_path).replace("{case_number}", safe_number))

    def _content_height_mm(self, content: ReceiptContent, device: Any, qr_image: Any) -> float:
        """How tall the receipt is, measured with the device's own font metrics, so a PDF
        page is exactly one receipt long."""
        dots_per_mm = float(device.resolution()) / MM_PER_INCH
        measured = _Layout(self, content, device, dots_per_mm, qr_image).run(None)
        return measured / dots_per_mm + 2 * MARGIN_MM

    def _paint(self, painter: QPainter, device: Any, content: ReceiptContent, qr: Any) -> None:
        dots_per_mm = device.logicalDpiY() / MM_PER_INCH
        _Layout(self, content, device, dots_per_mm, qr).run(painter)


class _Layout:
    """Walks the receipt top to bottom, either measuring (no painter) or painting; one code
    path for both keeps the measured height and the painted page in agreement."""

    def __init__(
        self,
        printer: QtReceiptPrinter,
        content: ReceiptContent,
        device: QPagedPaintDevice,
        dots_per_mm: float,
        qr_image: Any,
    ) -> None:
        self.qt_core, self.qt_gui, _ = _qt()
        self.printer = printer
        self.content = content
        self.device = device
        self.mm = dots_per_mm
        self.qr_image = qr_image
        self.left = MARGIN_MM * dots_per_mm
        self.width = device.width() - 2 * self.left if device.width() > 0 else 0.0

    def run(self, painter: QPainter | None) -> float:
        if painter is None:
            # measuring before the page size is set: the width is the paper's
            self.width = (self.printer.paper_width_mm - 2 * MARGIN_MM) * self.mm
        y = MARGIN_MM * self.mm
        title_font = self.printer._font(TITLE_POINTS, bold=True)
        body_font = self.printer._font(BODY_POINTS)
        align_centre = self.qt_core.Qt.AlignmentFlag.AlignHCenter
        align_left = self.qt_core.Qt.AlignmentFlag.AlignLeft
        for title in self.content.title:
            y = self._text(painter, y, title, title_font, align_centre)
        y = self._rule(painter, y)
        for field in self.content.fields:
            text = f"{field.label}：{field.value}"
            y = self._text(painter, y, text, body_font, align_left)
        if self.content.missing_materials:
            y = self._text(painter, y, "需补充的材料：", body_font, align_left)
            for number, material in enumerate(self.content.missing_materials, 1):
                y = self._text(painter, y, f"{number}. {material}", body_font, align_left)
        y = self._rule(painter, y)
        y = self._qr(painter, y)
        y = self._text(painter, y, self.content.qr_caption, body_font, align_centre)
        y = self._text(painter, y, self.content.note, body_font, align_left)
        return y

    def _metrics_rect(self, text: str, font: QFont, flags: Any) -> Any:
        metrics = self.qt_gui.QFontMetricsF(font, self.device)
        bounds = self.qt_core.QRectF(0, 0, self.width, 1e6)
        return metrics.boundingRect(bounds, int(flags), text)

    def _text(
        self, painter: QPainter | None, y: float, text: str, font: QFont, align: Any
    ) -> float:
        flags = align | self.qt_core.Qt.TextFlag.TextWrapAnywhere
        height = float(self._metrics_rect(text, font, flags).height())
        y = self._page_break(painter, y, height)
        if painter is not None:
            painter.setFont(font)
            rect = self.qt_core.QRectF(self.left, y, self.width, height)
            painter.drawText(rect, int(flags), text)
        return y + height + 0.8 * self.mm

    def _rule(self, painter: QPainter | None, y: float) -> float:
        y += 1.0 * self.mm
        if painter is not None:
            pen = self.qt_gui.QPen(self.qt_core.Qt.GlobalColor.black)
            pen.setWidthF(0.25 * self.mm)
            painter.setPen(pen)
            painter.drawLine(
                self.qt_core.QPointF(self.left, y), self.qt_core.QPointF(self.left + self.width, y)
            )
        return y + 2.0 * self.mm

    def _qr(self, painter: QPainter | None, y: float) -> float:
        side = min(QR_SIDE_MM * self.mm, self.width)
        y = self._page_break(painter, y, side)
        if painter is not None:
            # no smoothing: scanners need crisp module edges
            painter.setRenderHint(self.qt_gui.QPainter.RenderHint.SmoothPixmapTransform, False)
            target = self.qt_core.QRectF(self.left + (self.width - side) / 2, y, side, side)
            painter.drawImage(target, self.qr_image)
        return y + side + 1.0 * self.mm

    def _page_break(self, painter: QPainter | None, y: float, height: float) -> float:
        """A system printer's page may be shorter than the receipt: continue on a new
        page rather than drawing off the edge."""
        if painter is None:
            return y
        bottom = self.device.height() - MARGIN_MM * self.mm
        if y + height > bottom and y > MARGIN_MM * self.mm * 2:
            self.device.newPage()
            return MARGIN_MM * self.mm
        return y


def _qr_image(payload: str) -> Any:
    """The tracking QR as a QImage, made with the qrcode package (error correction M, a
    four-module quiet zone as the standard asks)."""
    _, qt_gui, _ = _qt()
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=8, border=4)
    code.add_data(payload)
    code.make(fit=True)
    png = io.BytesIO()
    code.make_image().save(png, format="PNG")
    image = qt_gui.QImage()
    if not image.loadFromData(png.getvalue(), "PNG"):
        raise DeviceError(DeviceKind.PRINTER, "the tracking QR code could not be drawn")
    return image
