"""A pad the resident signs on with a finger: the ink as a PNG and the pen's path as
strokes of (x, y, t_ms), for the clerk's record."""

from __future__ import annotations

import time

from PySide6.QtCore import QBuffer, QByteArray, QEvent, QIODevice, QPointF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPaintEvent, QPen, QResizeEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from kiosk.ui.texts import text
from kiosk.ui.widgets.text import set_accessible

Stroke = tuple[tuple[float, float, int], ...]


class SignaturePad(QWidget):
    #: the first stroke after an empty pad
    started = Signal()
    cleared = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumSize(QSize(480, 200))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self._ink = QImage(self.size(), QImage.Format.Format_ARGB32)
        self._ink.fill(QColor("#ffffff"))
        self._strokes: list[list[tuple[float, float, int]]] = []
        self._t0: float | None = None
        self._pen = QPen(QColor("#000000"), 5.0, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                         Qt.PenJoinStyle.RoundJoin)
        self._border = QColor("#1d5fb8")
        self._describe()

    def _describe(self) -> None:
        set_accessible(self, text("a11y.signature_pad"), text("a11y.signature_pad_hint"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._describe()
        super().changeEvent(event)

    @property
    def is_empty(self) -> bool:
        return not self._strokes

    def strokes(self) -> tuple[Stroke, ...]:
        return tuple(tuple(points) for points in self._strokes)

    def clear(self) -> None:
        had_ink = bool(self._strokes)
        self._strokes = []
        self._t0 = None
        self._ink.fill(QColor("#ffffff"))
        self.update()
        if had_ink:
            self.cleared.emit()

    def png(self) -> bytes:
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        ink = self._ink.convertToFormat(QImage.Format.Format_RGB32)
        # the stub asks for bytes, PySide6 itself for a str
        ink.save(buffer, "PNG")  # type: ignore[call-overload]
        buffer.close()
        return bytes(data.data())

    def image_size(self) -> QSize:
        return self._ink.size()

    # drawing ------------------------------------------------------------------------------

    def _stamp(self) -> int:
        now = time.monotonic()
        if self._t0 is None:
            self._t0 = now
        return round((now - self._t0) * 1000)

    def add_point(self, point: QPointF, *, new_stroke: bool) -> None:
        x = max(0.0, min(float(self.width() - 1), point.x()))
        y = max(0.0, min(float(self.height() - 1), point.y()))
        was_empty = not self._strokes
        entry = (round(x, 1), round(y, 1), self._stamp())
        if new_stroke or not self._strokes:
            self._strokes.append([entry])
            painter = QPainter(self._ink)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(self._pen)
            painter.drawPoint(QPointF(x, y))
            painter.end()
        else:
            last = self._strokes[-1][-1]
            self._strokes[-1].append(entry)
            painter = QPainter(self._ink)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(self._pen)
            painter.drawLine(QPointF(last[0], last[1]), QPointF(x, y))
            painter.end()
        self.update()
        if was_empty:
            self.started.emit()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.add_point(event.position(), new_stroke=True)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton:
            self.add_point(event.position(), new_stroke=False)

    def resizeEvent(self, event: QResizeEvent) -> None:
        if self._ink.size() != self.size():
            grown = QImage(self.size(), QImage.Format.Format_ARGB32)
            grown.fill(QColor("#ffffff"))
            painter = QPainter(grown)
            painter.drawImage(0, 0, self._ink)
            painter.end()
            self._ink = grown
        super().resizeEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.drawImage(0, 0, self._ink)
        pen = QPen(self._border, 3, Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.drawRect(self.rect().adjusted(1, 1, -2, -2))
        # the line to sign on
        painter.setPen(QPen(QColor("#9fb3cc"), 2))
        base = round(self.height() * 0.75)
        painter.drawLine(32, base, self.width() - 32, base)
