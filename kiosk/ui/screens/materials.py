"""一次性告知: every material the item needs, all at once, then one confirm button."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QScrollArea, QVBoxLayout, QWidget

from kiosk import flow
from kiosk.ui.screens.base import Emit, ScreenPage
from kiosk.ui.texts import Later
from kiosk.ui.widgets.text import TextButton, TextLabel, set_role


class MaterialsScreen(ScreenPage):
    flow_screen = flow.Screen.MATERIALS

    def __init__(self, emit: Emit, parent: QWidget | None = None) -> None:
        super().__init__(emit, parent)
        self._shown: tuple[str, tuple[str, ...]] | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(64, 24, 64, 24)
        layout.setSpacing(16)
        self.heading = TextLabel("materials.title", "small")
        layout.addWidget(self.heading)
        self.item_name = TextLabel("", "title")
        layout.addWidget(self.item_name)
        self.all_at_once = TextLabel("materials.all_at_once", "body")
        layout.addWidget(self.all_at_once)
        panel = QFrame()
        set_role(panel, "panel")
        panel_layout = QVBoxLayout(panel)
        panel_layout.setContentsMargins(8, 8, 8, 8)
        self.scroller = QScrollArea()
        self.scroller.setWidgetResizable(True)
        self.scroller.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list_widget = QWidget()
        self.list_layout = QVBoxLayout(self.list_widget)
        self.list_layout.setContentsMargins(24, 16, 24, 16)
        self.list_layout.setSpacing(18)
        self.scroller.setWidget(self.list_widget)
        panel_layout.addWidget(self.scroller)
        layout.addWidget(panel, 1)
        self.time_limit = TextLabel("", "body")
        layout.addWidget(self.time_limit)
        self.confirm = TextButton("materials.confirm", "primary")
        self.confirm.setProperty("scale", "large")
        self.confirm.describe("a11y.materials_confirm")
        self.confirm.clicked.connect(lambda _=False: self.report(flow.MaterialsConfirmed()))
        self.footer_actions = [self.confirm]
        self.rows: list[TextLabel] = []

    def show_session(self, session: flow.Session, now: float) -> None:
        item = session.item
        if item is None:
            return
        shown = (item.code, item.materials)
        if shown == self._shown:
            return
        self._shown = shown
        self.item_name.show_raw(item.name)
        for row in self.rows:
            row.deleteLater()
        self.rows = []
        while self.list_layout.count():
            self.list_layout.takeAt(0)
        if item.materials:
            for number, material in enumerate(item.materials, start=1):
                row = TextLabel("", "strong")
                row.show_raw(f"{number}. {material}")
                self.list_layout.addWidget(row)
                self.rows.append(row)
        else:
            row = TextLabel("materials.none_listed", "strong")
            self.list_layout.addWidget(row)
            self.rows.append(row)
        self.list_layout.addStretch(1)
        self._show_time_limit(item.time_limit_days)

    def _show_time_limit(self, days: int | None) -> None:
        if days is None:
            self.time_limit.show_raw("")
            self.time_limit.setVisible(False)
            return
        self.time_limit.setVisible(True)
        limit = Later("choose.settled_on_spot") if days == 0 else Later("choose.days", days=days)
        self.time_limit.show_key("materials.time_limit", limit=limit)

    def wipe(self) -> None:
        self._shown = None
        self.item_name.show_raw("")
        for row in self.rows:
            row.deleteLater()
        self.rows = []

