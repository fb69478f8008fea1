"""The receipt: case number, outcome, what is still missing, a QR code to follow the case on
a phone, and printing."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QVBoxLayout, QWidget

from kiosk import flow
from kiosk.ui.screens.base import Emit, ScreenPage
from kiosk.ui.widgets.qr_view import QrView
from kiosk.ui.widgets.text import TextButton, TextLabel, set_role


class ReceiptScreen(ScreenPage):
    flow_screen = flow.Screen.RECEIPT

    def __init__(self, emit: Emit, parent: QWidget | None = None) -> None:
        super().__init__(emit, parent)
        self._missing: tuple[str, ...] | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(64, 24, 64, 16)
        layout.setSpacing(16)
        body = QHBoxLayout()
        body.setSpacing(48)
        left = QVBoxLayout()
        left.setSpacing(12)
        self.title = TextLabel("receipt.title", "title")
        left.addWidget(self.title)
        self.case_caption = TextLabel("receipt.case_number", "small")
        left.addWidget(self.case_caption)
        self.case_number = TextLabel("", "huge")
        self.case_number.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        left.addWidget(self.case_number)
        self.outcome = TextLabel("", "title")
        left.addWidget(self.outcome)
        self.missing = QFrame()
        set_role(self.missing, "notice")
        missing_layout = QVBoxLayout(self.missing)
        missing_layout.setContentsMargins(24, 16, 24, 16)
        self.missing_title = TextLabel("receipt.missing", "strong")
        missing_layout.addWidget(self.missing_title)
        self.missing_list = TextLabel("", "body")
        missing_layout.addWidget(self.missing_list)
        self.missing.setVisible(False)
        left.addWidget(self.missing)
        left.addStretch(1)
        body.addLayout(left, 3)
        right = QVBoxLayout()
        right.setSpacing(12)
        self.qr = QrView(340)
        right.addWidget(self.qr, 0, Qt.AlignmentFlag.AlignHCenter)
        self.scan = TextLabel("receipt.scan", "body", align=Qt.AlignmentFlag.AlignCenter)
        right.addWidget(self.scan)
        right.addStretch(1)
        body.addLayout(right, 2)
        layout.addLayout(body, 1)
        self.print = TextButton("receipt.print", "")
        self.print.setProperty("scale", "wide")
        self.print.describe("a11y.print")
        self.print.clicked.connect(lambda _=False: self.report(flow.PrintRequested()))
        self.done = TextButton("receipt.done", "primary")
        self.done.setProperty("scale", "wide")
        self.done.describe("a11y.receipt_done")
        self.done.clicked.connect(lambda _=False: self.report(flow.ReceiptDone()))
        self.footer_actions = [self.print, self.done]

    def show_session(self, session: flow.Session, now: float) -> None:
        receipt = session.receipt
        if receipt is None:
            return
        self.case_number.show_raw(receipt.case_number)
        self.outcome.show_key(f"outcome.{receipt.outcome}" if receipt.outcome
                              else "outcome.unknown")
        self.qr.set_payload(receipt.tracking_url)
        missing = receipt.missing if receipt.outcome == "needs_more" or receipt.missing else ()
        if missing != self._missing:
            self._missing = missing
            self.missing_list.show_raw("\n".join(f"• {m}" for m in missing))
            self.missing.setVisible(bool(missing))
        self.print.setEnabled("printer" not in session.broken)

    def wipe(self) -> None:
        self._missing = None
        self.case_number.show_raw("")
        self.missing_list.show_raw("")
        self.missing.setVisible(False)
        self.qr.set_payload("")
