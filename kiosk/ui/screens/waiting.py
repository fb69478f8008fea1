"""Waiting in the queue: how many are ahead and about how long, live; the "still there?"
question when nobody touched the screen for a while."""

from __future__ import annotations

import math

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QVBoxLayout, QWidget

from kiosk import flow
from kiosk.ui.screens.base import Emit, ScreenPage
from kiosk.ui.widgets.text import TextButton, TextLabel, set_role
from shared.protocol import Priority, RequestStatus


def eta_key(eta_s: int | None) -> tuple[str, dict[str, object]]:
    if eta_s is None:
        return "waiting.eta_unknown", {}
    if eta_s < 60:
        return "waiting.eta_soon", {}
    return "waiting.eta", {"minutes": math.ceil(eta_s / 60)}


class WaitingScreen(ScreenPage):
    flow_screen = flow.Screen.WAITING

    def __init__(self, emit: Emit, parent: QWidget | None = None) -> None:
        super().__init__(emit, parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(64, 24, 64, 24)
        layout.setSpacing(16)
        center = Qt.AlignmentFlag.AlignCenter
        self.title = TextLabel("waiting.title", "title", align=center)
        layout.addWidget(self.title)
        layout.addStretch(1)
        self.position = TextLabel("waiting.connecting", "huge", align=center)
        layout.addWidget(self.position)
        self.eta = TextLabel("", "title", align=center)
        layout.addWidget(self.eta)
        self.status = TextLabel("", "strong", align=center)
        layout.addWidget(self.status)
        self.priority = TextLabel("waiting.priority", "body", align=center)
        layout.addWidget(self.priority)
        layout.addStretch(1)
        self.hint = TextLabel("waiting.hint", "body", align=center)
        layout.addWidget(self.hint)
        self.still_there = QFrame(self)
        set_role(self.still_there, "notice")
        still_layout = QHBoxLayout(self.still_there)
        still_layout.setContentsMargins(40, 24, 40, 24)
        still_layout.setSpacing(32)
        self.still_text = TextLabel("waiting.still_there_title", "title")
        still_layout.addWidget(self.still_text, 1)
        self.still_button = TextButton("waiting.still_there_button", "primary")
        self.still_button.setMinimumSize(360, 120)
        self.still_button.describe("a11y.still_there")
        # a finger's press is the Touched the flow waits for (the window's watcher), and
        # the question is gone; a screen reader's Press action clicks with no press at all
        self.still_button.clicked.connect(
            lambda _=False: self.report(flow.Touched()) if self.still_there.isVisible() else None
        )
        still_layout.addWidget(self.still_button)
        self.still_there.setVisible(False)
        layout.addWidget(self.still_there)

    def show_session(self, session: flow.Session, now: float) -> None:
        status = session.queue_status
        position = session.queue_position
        if position is None:
            self.position.show_key("waiting.connecting")
            self.eta.show_raw("")
        elif position <= 1:
            self.position.show_key("waiting.next")
            key, values = eta_key(session.queue_eta_s)
            self.eta.show_key(key, **values)
        else:
            self.position.show_key("waiting.position", count=position - 1)
            key, values = eta_key(session.queue_eta_s)
            self.eta.show_key(key, **values)
        if status is RequestStatus.RINGING:
            self.status.show_key("waiting.ringing")
        elif status is RequestStatus.HELD:
            self.status.show_key("waiting.held")
        else:
            self.status.show_raw("")
        self.status.setVisible(bool(self.status.text()))
        self.priority.setVisible(session.priority is Priority.PRIORITY)
        asking = session.still_there_deadline is not None
        if asking != self.still_there.isVisibleTo(self):
            self.still_there.setVisible(asking)
            self.hint.setVisible(not asking)

