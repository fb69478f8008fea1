"""Put the card on the reader: an animated card moving onto the reader, the skip button when
the item permits it, and a plain message with the way forward when the reader fails."""

from __future__ import annotations

from PySide6.QtCore import QEasingCurve, QEvent, QRectF, QSize, Qt, QVariantAnimation
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QFrame, QHBoxLayout, QVBoxLayout, QWidget

from kiosk import flow
from kiosk.ui.screens.base import Emit, ScreenPage
from kiosk.ui.texts import text
from kiosk.ui.widgets.text import TextButton, TextLabel, set_accessible, set_role


class CardAnimation(QWidget):
    """A card sliding down onto the reader, again and again (only while shown)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumSize(QSize(420, 420))
        self._progress = 0.0
        self.animation = QVariantAnimation(self)
        self.animation.setStartValue(0.0)
        self.animation.setEndValue(1.0)
        self.animation.setDuration(2200)
        self.animation.setLoopCount(-1)
        self.animation.setEasingCurve(QEasingCurve.Type.InOutCubic)
        self.animation.valueChanged.connect(self._moved)
        self._describe()

    def _describe(self) -> None:
        set_accessible(self, text("a11y.card_animation"), text("card.hint"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._describe()
        super().changeEvent(event)

    def _moved(self, value: object) -> None:
        self._progress = float(value) if isinstance(value, float | int) else 0.0
        self.update()

    def set_progress(self, value: float) -> None:
        self._progress = value
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        w, h = self.width(), self.height()
        reader = QRectF(w * 0.12, h * 0.62, w * 0.76, h * 0.26)
        painter.setPen(QPen(QColor("#0b3f8c"), 4))
        painter.setBrush(QColor("#dce8f7"))
        painter.drawRoundedRect(reader, 24, 24)
        pad = reader.adjusted(reader.width() * 0.2, reader.height() * 0.22,
                              -reader.width() * 0.2, -reader.height() * 0.22)
        painter.setBrush(QColor("#1d5fb8"))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawRoundedRect(pad, 10, 10)
        # the card: from above down onto the reader, then it rests there a moment
        travel = min(1.0, self._progress / 0.7)
        card_w, card_h = w * 0.5, w * 0.32
        top = h * 0.04 + travel * (reader.top() - card_h * 0.55 - h * 0.04)
        card = QRectF((w - card_w) / 2, top, card_w, card_h)
        painter.setPen(QPen(QColor("#8a6d1d"), 3))
        painter.setBrush(QColor("#f6e7b8"))
        painter.drawRoundedRect(card, 14, 14)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#c7a34a"))
        painter.drawRoundedRect(QRectF(card.left() + card_w * 0.08, card.top() + card_h * 0.25,
                                       card_w * 0.22, card_h * 0.5), 8, 8)
        painter.setBrush(QColor("#a88b3f"))
        for line in range(3):
            painter.drawRect(QRectF(card.left() + card_w * 0.4,
                                    card.top() + card_h * (0.28 + line * 0.17),
                                    card_w * (0.45 - line * 0.08), card_h * 0.07))
        if self._progress > 0.7:
            # "read" waves over the reader
            painter.setPen(QPen(QColor("#1e7d3a"), 5))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            for ring in range(3):
                r = 20 + ring * 22
                painter.drawArc(QRectF(w * 0.86 - r, h * 0.25 - r, 2 * r, 2 * r),
                                -45 * 16, 90 * 16)


class CardScreen(ScreenPage):
    flow_screen = flow.Screen.CARD

    def __init__(self, emit: Emit, parent: QWidget | None = None) -> None:
        super().__init__(emit, parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(64, 32, 64, 32)
        layout.setSpacing(48)
        self.animation = CardAnimation()
        layout.addWidget(self.animation, 1)
        right = QVBoxLayout()
        right.setSpacing(24)
        right.addStretch(1)
        self.title = TextLabel("card.title", "title")
        right.addWidget(self.title)
        self.hint = TextLabel("card.hint", "body")
        right.addWidget(self.hint)
        self.problem = QFrame()
        set_role(self.problem, "notice")
        problem_layout = QVBoxLayout(self.problem)
        problem_layout.setContentsMargins(28, 20, 28, 20)
        self.problem_text = TextLabel("card.reader_unavailable.clerk_will_verify", "strong")
        problem_layout.addWidget(self.problem_text)
        self.problem.setVisible(False)
        right.addWidget(self.problem)
        self.go_on = TextButton("card.continue", "primary")
        self.go_on.setMinimumHeight(120)
        self.go_on.describe("a11y.card_continue")
        self.go_on.clicked.connect(lambda _=False: self.report(flow.SkipCard()))
        self.go_on.setVisible(False)
        right.addWidget(self.go_on)
        right.addStretch(1)
        self.skip = TextButton("card.skip", "")
        self.skip.describe("a11y.card_skip")
        self.skip.clicked.connect(lambda _=False: self.report(flow.SkipCard()))
        right.addWidget(self.skip)
        layout.addLayout(right, 1)

    def show_session(self, session: flow.Session, now: float) -> None:
        reader_down = not session.card_reader_ok or "card_reader" in session.broken
        self.problem.setVisible(reader_down)
        self.go_on.setVisible(reader_down)
        self.animation.setVisible(not reader_down)
        self.title.setVisible(not reader_down)
        self.hint.setVisible(not reader_down)
        self.skip.setVisible(session.skip_allowed and not reader_down)
        if reader_down:
            self.animation.animation.stop()
        elif self.isVisible():
            self.entered()

    def entered(self) -> None:
        if self.animation.isVisibleTo(self) and (
            self.animation.animation.state() != QVariantAnimation.State.Running
        ):
            self.animation.animation.start()

    def left(self) -> None:
        self.animation.animation.stop()
