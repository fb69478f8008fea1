"""Thank you and goodbye: take the card and papers; the resident's data is gone."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget

from kiosk import flow
from kiosk.ui.screens.base import Emit, ScreenPage
from kiosk.ui.widgets.text import TextLabel


class GoodbyeScreen(ScreenPage):
    flow_screen = flow.Screen.GOODBYE

    def __init__(self, emit: Emit, parent: QWidget | None = None) -> None:
        super().__init__(emit, parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(64, 40, 64, 40)
        layout.setSpacing(24)
        center = Qt.AlignmentFlag.AlignCenter
        layout.addStretch(1)
        self.title = TextLabel("goodbye.title", "huge", align=center)
        layout.addWidget(self.title)
        self.reason = TextLabel("", "title", align=center)
        layout.addWidget(self.reason)
        self.hint = TextLabel("goodbye.hint", "title", align=center)
        layout.addWidget(self.hint)
        self.wiped = TextLabel("goodbye.wiped", "body", align=center)
        layout.addWidget(self.wiped)
        layout.addStretch(1)

    def show_session(self, session: flow.Session, now: float) -> None:
        why = session.end_reason or ""
        if why.startswith(("timeout", "still_there", "walked_away")):
            self.reason.show_key("goodbye.ended_timeout")
        elif why.startswith("queue_"):
            self.reason.show_key(f"queue.ended.{why.removeprefix('queue_')}")
        else:
            self.reason.show_raw("")
        self.reason.setVisible(bool(self.reason.text()))
        self.hint.show_key("goodbye.take_card" if session.card_present else "goodbye.hint")
