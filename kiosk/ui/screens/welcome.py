"""Welcome: one big button to start; the large-type switch and the language switch.
The switches do not start a session (they are marked ``no_touch``)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QVBoxLayout, QWidget

from kiosk import flow
from kiosk.ui.screens.base import Emit, ScreenPage
from kiosk.ui.view_api import ElderlyModeChosen, LanguageChosen
from kiosk.ui.widgets.text import TextButton, TextLabel, set_role

NO_TOUCH = "no_touch"
STEPS = ("step.choose_item", "step.materials", "step.card", "step.in_call")


class WelcomeScreen(ScreenPage):
    flow_screen = flow.Screen.WELCOME

    def __init__(self, emit: Emit, parent: QWidget | None = None) -> None:
        super().__init__(emit, parent)
        self._elderly = False
        self._language = "zh_CN"
        layout = QVBoxLayout(self)
        layout.setContentsMargins(80, 40, 80, 40)
        layout.setSpacing(24)
        layout.addStretch(2)
        center = Qt.AlignmentFlag.AlignCenter
        self.title = TextLabel("welcome.title", "huge", align=center)
        layout.addWidget(self.title)
        self.subtitle = TextLabel("welcome.subtitle", "body", align=center)
        layout.addWidget(self.subtitle)
        layout.addStretch(1)
        # what the visit will be, before it starts: four plain steps
        steps = QHBoxLayout()
        steps.setSpacing(20)
        self.steps: list[TextLabel] = []
        for number, key in enumerate(STEPS, start=1):
            card = QFrame()
            set_role(card, "panel")
            card_layout = QHBoxLayout(card)
            card_layout.setContentsMargins(20, 12, 20, 12)
            digit = TextLabel("", "huge", wrap=False, align=center)
            digit.show_raw(str(number))
            card_layout.addWidget(digit)
            name = TextLabel(key, "strong")
            card_layout.addWidget(name, 1)
            self.steps.append(name)
            steps.addWidget(card)
        layout.addLayout(steps)
        layout.addStretch(1)
        self.start = TextButton("welcome.start", "primary")
        self.start.setProperty("scale", "large")
        self.start.describe("a11y.start")
        self.start.clicked.connect(self._started)
        layout.addWidget(self.start, 0, center)
        self.hint = TextLabel("welcome.hint", "small", align=center)
        layout.addWidget(self.hint)
        layout.addStretch(2)
        row = QHBoxLayout()
        row.setSpacing(24)
        self.elderly = TextButton("welcome.elderly", "chip")
        self.elderly.setCheckable(True)
        self.elderly.setMinimumWidth(360)
        self.elderly.setProperty(NO_TOUCH, True)
        self.elderly.describe("a11y.elderly")
        self.elderly.clicked.connect(self._toggle_elderly)
        row.addWidget(self.elderly)
        row.addStretch(1)
        self.languages: dict[str, TextButton] = {}
        for language in ("zh_CN", "en"):
            button = TextButton(f"language.{language}", "chip")
            button.setCheckable(True)
            button.setMinimumWidth(200)
            button.setProperty(NO_TOUCH, True)
            button.describe("a11y.language")
            button.clicked.connect(lambda _=False, lang=language: self._choose_language(lang))
            self.languages[language] = button
            row.addWidget(button)
        layout.addLayout(row)
        self.show_settings(elderly=False, language="zh_CN")

    def show_settings(self, *, elderly: bool, language: str) -> None:
        self._elderly, self._language = elderly, language
        self.elderly.setChecked(elderly)
        self.elderly.show_key("welcome.elderly_on" if elderly else "welcome.elderly")
        for lang, button in self.languages.items():
            button.setChecked(lang == language)

    def _started(self) -> None:
        # a finger's press was the flow's Touched already (the window's watcher) and the
        # page is gone; a screen reader's Press action clicks with no press at all
        if self.start.isVisible():
            self.report(flow.Touched())

    def _toggle_elderly(self) -> None:
        self.report(ElderlyModeChosen(not self._elderly))

    def _choose_language(self, language: str) -> None:
        # a checkable button unchecks itself on a second tap: keep it showing the truth
        self.show_settings(elderly=self._elderly, language=self._language)
        if language != self._language:
            self.report(LanguageChosen(language))
