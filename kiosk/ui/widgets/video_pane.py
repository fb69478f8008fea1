"""Paints the latest video frame scaled to fit, aspect kept. Cheap on purpose: no smooth
scaling per frame (the frame arrives already near the shown size), one drawImage."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QWidget

from kiosk.ui.texts import text
from kiosk.ui.theme import FONT_FAMILY
from kiosk.ui.widgets.text import set_accessible


def fit_rect(image: QSize, area: QRect) -> QRect:
    """The largest rectangle of ``image``'s aspect centred in ``area``."""
    if image.width() <= 0 or image.height() <= 0:
        return QRect(area)
    scale = min(area.width() / image.width(), area.height() / image.height())
    width, height = round(image.width() * scale), round(image.height() * scale)
    return QRect(
        area.x() + (area.width() - width) // 2,
        area.y() + (area.height() - height) // 2,
        width,
        height,
    )


class VideoPane(QWidget):
    def __init__(
        self, background: str = "#0b1a2e", mirrored: bool = False, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._image: QImage | None = None
        self._background = QColor(background)
        self._mirrored = mirrored
        self._placeholder = ""
        self.frames_painted = 0
        self._inset: QWidget | None = None
        self._top_inset: QWidget | None = None
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        #: whose picture this is (a key of ``kiosk.ui.texts``), for a screen reader
        self._name_key = ""
        self._describe()

    def set_name_key(self, key: str) -> None:
        self._name_key = key
        self._describe()

    def _describe(self) -> None:
        # the placeholder is painted: while it shows, a screen reader reads it
        waiting = self._image is None and self._placeholder
        set_accessible(self, text(self._name_key) if self._name_key else "",
                       self._placeholder if waiting else text("a11y.video"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._describe()
        super().changeEvent(event)

    def set_inset(self, inset: QWidget) -> None:
        """A child kept in the bottom-right corner at a fifth of the width (the resident's
        own picture over the clerk's)."""
        inset.setParent(self)
        self._inset = inset
        self._place_inset()

    def set_top_inset(self, inset: QWidget) -> None:
        """A child kept in the top-right corner, the size of the other inset (a third
        party's picture)."""
        inset.setParent(self)
        self._top_inset = inset
        self._place_inset()

    def _place_inset(self) -> None:
        width = max(160, self.width() // 5)
        height = width * 3 // 4
        if self._inset is not None:
            self._inset.setGeometry(self.width() - width - 24, self.height() - height - 24,
                                    width, height)
            self._inset.raise_()
        if self._top_inset is not None:
            self._top_inset.setGeometry(self.width() - width - 24, 24, width, height)
            self._top_inset.raise_()

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._place_inset()
        super().resizeEvent(event)

    @property
    def image(self) -> QImage | None:
        return self._image

    def set_placeholder(self, value: str) -> None:
        if value != self._placeholder:
            self._placeholder = value
            self._describe()
            if self._image is None:
                self.update()

    def set_frame(self, image: QImage) -> None:
        first = self._image is None
        self._image = image
        if first:
            self._describe()
        self.update()

    def clear(self) -> None:
        if self._image is not None:
            self._image = None
            self._describe()
            self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        area = self.rect()
        image = self._image
        if image is None or image.isNull():
            painter.fillRect(area, self._background)
            if self._placeholder:
                font = QFont(FONT_FAMILY)
                font.setPixelSize(max(24, min(48, area.height() // 12)))
                painter.setFont(font)
                painter.setPen(QColor("#dfe8f3"))
                painter.drawText(
                    area.adjusted(24, 24, -24, -24),
                    Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                    self._placeholder,
                )
            return
        target = fit_rect(image.size(), area)
        if target != area:
            # only the bars around the picture: the picture covers the rest
            painter.fillRect(QRect(area.x(), area.y(), area.width(), target.y()), self._background)
            painter.fillRect(QRect(area.x(), target.bottom() + 1, area.width(), area.height()),
                             self._background)
            painter.fillRect(QRect(area.x(), target.y(), target.x(), target.height()),
                             self._background)
            painter.fillRect(QRect(target.right() + 1, target.y(), area.width(), target.height()),
                             self._background)
        if self._mirrored:
            painter.translate(target.x() * 2 + target.width(), 0)
            painter.scale(-1, 1)
        painter.drawImage(target, image)
        self.frames_painted += 1
