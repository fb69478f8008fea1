"""A touch PIN pad for the administrator (no keyboard on a kiosk)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QVBoxLayout, QWidget

from kiosk.ui.widgets.text import TextButton, TextLabel


class PinPad(QWidget):
    #: the digits entered, when "确定" is pressed
    entered = Signal(str)
    cancelled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._digits = ""
        layout = QVBoxLayout(self)
        layout.setSpacing(16)
        self.title = TextLabel("admin.title", "title", align=Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.title)
        self.dots = TextLabel("", "huge", align=Qt.AlignmentFlag.AlignCenter)
        self.dots.setMinimumHeight(100)
        layout.addWidget(self.dots)
        grid = QGridLayout()
        grid.setSpacing(12)
        self.buttons: dict[str, TextButton] = {}
        for index, digit in enumerate("123456789"):
            button = TextButton("", "key")
            button.show_raw(digit)
            button.describe("a11y.pin_digit")
            button.clicked.connect(lambda _=False, d=digit: self.press(d))
            grid.addWidget(button, index // 3, index % 3)
            self.buttons[digit] = button
        delete = TextButton("admin.delete", "quiet")
        delete.clicked.connect(self.delete)
        zero = TextButton("", "key")
        zero.show_raw("0")
        zero.describe("a11y.pin_digit")
        delete.describe("a11y.pin_delete")
        zero.clicked.connect(lambda _=False: self.press("0"))
        ok = TextButton("common.ok", "primary")
        ok.describe("a11y.pin_ok")
        ok.clicked.connect(lambda _=False: self.entered.emit(self._digits))
        grid.addWidget(delete, 3, 0)
        grid.addWidget(zero, 3, 1)
        grid.addWidget(ok, 3, 2)
        self.buttons.update({"0": zero, "delete": delete, "ok": ok})
        for button in self.buttons.values():
            button.setMinimumSize(150, 100)
        layout.addLayout(grid)
        cancel = TextButton("common.cancel", "quiet")
        cancel.describe("a11y.cancel")
        cancel.clicked.connect(self.cancelled.emit)
        self.buttons["cancel"] = cancel
        layout.addWidget(cancel)

    def press(self, digit: str) -> None:
        if len(self._digits) < 12:
            self._digits += digit
            self.dots.show_raw("●" * len(self._digits))

    def delete(self) -> None:
        self._digits = self._digits[:-1]
        self.dots.show_raw("●" * len(self._digits))

    def reset(self) -> None:
        self._digits = ""
        self.dots.show_raw("")
