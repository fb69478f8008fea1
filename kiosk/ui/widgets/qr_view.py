"""A QR code drawn from a text (the case's tracking URL) with the qrcode library."""

from __future__ import annotations

import qrcode
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QLabel, QWidget

from kiosk.ui.texts import text
from kiosk.ui.widgets.text import set_accessible


def qr_image(payload: str, box_px: int = 8, border: int = 4) -> QImage:
    """Black on white, ``border`` quiet modules around (scanners need them)."""
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=1, border=border
    )
    code.add_data(payload)
    code.make(fit=True)
    matrix: list[list[bool]] = code.get_matrix()
    size = len(matrix)
    image = QImage(size, size, QImage.Format.Format_RGB32)
    image.fill(0xFFFFFFFF)
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                image.setPixel(x, y, 0xFF000000)
    # whole-pixel modules, no smoothing: sharp edges for the phone camera
    return image.scaled(size * box_px, size * box_px, Qt.AspectRatioMode.IgnoreAspectRatio,
                        Qt.TransformationMode.FastTransformation)


class QrView(QLabel):
    def __init__(self, side_px: int = 320, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._payload = ""
        self._side = side_px
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setFixedSize(side_px, side_px)
        self.setStyleSheet("background: #ffffff;")
        self._describe()

    def _describe(self) -> None:
        set_accessible(self, text("a11y.qr"), text("a11y.qr_hint"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._describe()
        super().changeEvent(event)

    @property
    def payload(self) -> str:
        return self._payload

    def set_payload(self, payload: str) -> None:
        if payload == self._payload:
            return
        self._payload = payload
        if not payload:
            self.clear()
            return
        modules = qr_image(payload, box_px=1).width()
        box = max(1, self._side // modules)
        self.setPixmap(QPixmap.fromImage(qr_image(payload, box_px=box)))
