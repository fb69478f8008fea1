"""The five 好差评 faces, drawn (no emoji font needed): a big touch target per level."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from kiosk.ui.texts import text
from kiosk.ui.widgets.text import KioskButton, set_accessible

#: level → face colour (green for pleased … red for displeased)
FACE_COLORS = {5: "#1e7d3a", 4: "#4a9a2f", 3: "#b07d00", 2: "#c9561b", 1: "#b3261e"}


class FaceButton(KioskButton):
    def __init__(self, level: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.level = level
        self.setCheckable(True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setProperty("kind", "chip")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(QSize(150, 200))
        self._label_px = 30
        self._describe()

    def _describe(self) -> None:
        # the word is painted: a screen reader gets it as the button's name
        set_accessible(self, text(f"rating.level.{self.level}"), text("a11y.face"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._describe()
        super().changeEvent(event)

    def set_label_px(self, px: int) -> None:
        self._label_px = px
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        color = QColor(FACE_COLORS[self.level])
        frame = QRectF(self.rect()).adjusted(3, 3, -3, -3)
        painter.setPen(QPen(color if self.isChecked() else QColor("#c3d3e6"),
                            6 if self.isChecked() else 2))
        painter.setBrush(QColor("#eef5ee") if self.isChecked() else QColor("#ffffff"))
        painter.drawRoundedRect(frame, 24, 24)
        label_h = self._label_px * 2.2
        side = min(frame.width() - 24, frame.height() - label_h - 24)
        face = QRectF(frame.center().x() - side / 2, frame.top() + 12, side, side)
        painter.setPen(QPen(color, max(4.0, side / 18)))
        painter.setBrush(QColor(color.red(), color.green(), color.blue(), 40))
        painter.drawEllipse(face)
        eye = side / 14
        for dx in (-0.18, 0.18):
            painter.setBrush(color)
            painter.drawEllipse(QPointF(face.center().x() + dx * side,
                                        face.top() + side * 0.38), eye, eye)
        # the mouth: a smile for 5, flat for 3, a frown for 1
        curve = (self.level - 3) * 0.09 * side
        mouth_y = face.top() + side * 0.66 - curve / 2
        path = QPainterPath(QPointF(face.center().x() - side * 0.22, mouth_y))
        path.quadTo(QPointF(face.center().x(), mouth_y + curve * 2),
                    QPointF(face.center().x() + side * 0.22, mouth_y))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(path)
        font = painter.font()
        font.setPixelSize(self._label_px)
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QColor("#1a2433"))
        painter.drawText(QRectF(frame.left(), face.bottom() + 4, frame.width(), label_h),
                         Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                         text(f"rating.level.{self.level}"))
