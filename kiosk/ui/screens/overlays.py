"""What lies over the pages: the notice toast, the 办不成事 reason choice, and the
administrator's PIN pad."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QVBoxLayout, QWidget

from kiosk import flow
from kiosk.ui.screens.base import Emit
from kiosk.ui.widgets.pin_pad import PinPad
from kiosk.ui.widgets.text import TextButton, TextLabel, set_role

TOAST_MS = 7000


class Toast(QFrame):
    """A notice over the bottom of the screen for a few seconds; a tap hides it."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        set_role(self, "toast")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(40, 24, 40, 24)
        self.label = TextLabel("", "body", align=Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.label)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.hide)
        self.hide()

    @property
    def key(self) -> str:
        return self.label.key

    def show_key(self, key: str) -> None:
        self.label.show_key(key)
        self.place()
        self.show()
        self.raise_()
        self.timer.start(TOAST_MS)

    def place(self) -> None:
        parent = self.parentWidget()
        if parent is None:
            return
        width = min(parent.width() - 80, 1500)
        self.setFixedWidth(width)
        self.adjustSize()
        self.move((parent.width() - width) // 2, parent.height() - self.height() - 150)

    def mousePressEvent(self, event: object) -> None:
        self.hide()

    def clear(self) -> None:
        self.timer.stop()
        self.label.show_raw("")
        self.hide()


class Scrim(QFrame):
    """Dims the page under a panel; covers its parent."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        set_role(self, "scrim")
        self.hide()

    def open(self) -> None:
        parent = self.parentWidget()
        if parent is not None:
            self.setGeometry(parent.rect())
        self.show()
        self.raise_()


class CannotBeDonePanel(Scrim):
    """办不成事: why? One button per reason (``flow.CANNOT_BE_DONE_REASONS``)."""

    def __init__(self, parent: QWidget, emit: Emit) -> None:
        super().__init__(parent)
        self.report = emit
        outer = QVBoxLayout(self)
        outer.setContentsMargins(160, 40, 160, 40)
        outer.addStretch(1)
        panel = QFrame()
        set_role(panel, "panel")
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(48, 32, 48, 32)
        layout.setSpacing(20)
        self.title = TextLabel("cannot_be_done.title", "title")
        layout.addWidget(self.title)
        grid = QGridLayout()
        grid.setSpacing(16)
        self.reasons: dict[str, TextButton] = {}
        for index, key in enumerate(flow.CANNOT_BE_DONE_REASONS):
            button = TextButton(key, "chip")
            button.setMinimumHeight(100)
            button.describe("a11y.cannot_reason")
            button.clicked.connect(lambda _=False, k=key: self._chosen(k))
            grid.addWidget(button, index // 2, index % 2)
            self.reasons[key] = button
        layout.addLayout(grid)
        self.cancel = TextButton("common.cancel", "quiet")
        self.cancel.describe("a11y.cancel")
        self.cancel.clicked.connect(self.hide)
        layout.addWidget(self.cancel, 0, Qt.AlignmentFlag.AlignRight)
        outer.addWidget(panel)
        outer.addStretch(1)

    def _chosen(self, key: str) -> None:
        self.hide()
        self.report(flow.CannotBeDone(key))


class AdminPanel(Scrim):
    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 40, 0, 40)
        panel = QFrame()
        set_role(panel, "panel")
        panel.setFixedWidth(620)
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(32, 24, 32, 24)
        self.pad = PinPad()
        layout.addWidget(self.pad)
        self.wrong = TextLabel("admin.wrong", "strong", align=Qt.AlignmentFlag.AlignCenter)
        self.wrong.setVisible(False)
        layout.addWidget(self.wrong)
        outer.addWidget(panel, 0, Qt.AlignmentFlag.AlignCenter)
        self.pad.cancelled.connect(self.close_pad)

    def open(self) -> None:
        self.pad.reset()
        self.wrong.setVisible(False)
        super().open()

    def close_pad(self) -> None:
        self.pad.reset()
        self.hide()
