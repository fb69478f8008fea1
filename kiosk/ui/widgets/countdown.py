"""A ring that empties as the time to go back runs out, with the seconds in its middle."""

from __future__ import annotations

import math

from PySide6.QtCore import QEvent, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QWidget

from kiosk.ui.texts import text
from kiosk.ui.theme import FONT_FAMILY
from kiosk.ui.widgets.text import set_accessible


class CountdownRing(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._seconds = 0
        self._fraction = 1.0
        self._color = QColor("#ffffff")
        self._track = QColor(255, 255, 255, 70)
        self.setFixedSize(96, 96)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self._describe()

    @property
    def seconds(self) -> int:
        return self._seconds

    def set_colors(self, ring: str, track: QColor) -> None:
        self._color = QColor(ring)
        self._track = track
        self.update()

    def set_diameter(self, px: int) -> None:
        if self.width() != px:
            self.setFixedSize(px, px)

    def set_time(self, seconds_left: float, total: float) -> None:
        seconds = math.ceil(seconds_left)
        fraction = 0.0 if total <= 0 else max(0.0, min(1.0, seconds_left / total))
        # repaint only when what is drawn changes (whole seconds, 1/100 of the ring)
        if seconds == self._seconds and abs(fraction - self._fraction) < 0.01:
            return
        if seconds != self._seconds:
            self._seconds = seconds
            self._describe()
        self._fraction = fraction
        self.update()

    def _describe(self) -> None:
        # the seconds are painted: a screen reader reads them from the name
        set_accessible(self, text("a11y.countdown", seconds=self._seconds),
                       text("a11y.countdown_hint"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._describe()
        super().changeEvent(event)

    def sizeHint(self) -> QSize:
        return self.size()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pen_width = max(6.0, self.width() / 12)
        rect = QRectF(self.rect()).adjusted(pen_width, pen_width, -pen_width, -pen_width)
        painter.setPen(QPen(self._track, pen_width))
        painter.drawEllipse(rect)
        pen = QPen(self._color, pen_width)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        painter.drawArc(rect, 90 * 16, round(360 * 16 * self._fraction))
        font = QFont(FONT_FAMILY)
        font.setPixelSize(round(self.width() * 0.36))
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(self._color)
        painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, str(self._seconds))
