"""好差评: five faces from 非常满意 to 非常不满意, optional reasons, one submit button."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QVBoxLayout, QWidget

from kiosk import flow
from kiosk.ui.screens.base import Emit, ScreenPage
from kiosk.ui.theme import Theme
from kiosk.ui.widgets.faces import FaceButton
from kiosk.ui.widgets.text import TextButton, TextLabel

REASONS = (
    "rating.reason.friendly",
    "rating.reason.clear",
    "rating.reason.fast",
    "rating.reason.slow",
    "rating.reason.unclear",
    "rating.reason.video",
)


class RatingScreen(ScreenPage):
    flow_screen = flow.Screen.RATING

    def __init__(self, emit: Emit, parent: QWidget | None = None) -> None:
        super().__init__(emit, parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(64, 24, 64, 16)
        layout.setSpacing(20)
        self.title = TextLabel("rating.title", "title", align=Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.title)
        faces = QHBoxLayout()
        faces.setSpacing(20)
        self.face_group = QButtonGroup(self)
        self.faces: dict[int, FaceButton] = {}
        for level in (5, 4, 3, 2, 1):
            face = FaceButton(level)
            self.face_group.addButton(face, level)
            faces.addWidget(face)
            self.faces[level] = face
        self.face_group.idClicked.connect(lambda _: self._update())
        layout.addLayout(faces, 1)
        self.reasons_caption = TextLabel("rating.reasons", "small")
        layout.addWidget(self.reasons_caption)
        chips = QHBoxLayout()
        chips.setSpacing(12)
        self.reasons: dict[str, TextButton] = {}
        for key in REASONS:
            chip = TextButton(key, "chip")
            chip.setCheckable(True)
            chip.describe("a11y.reason")
            chips.addWidget(chip)
            self.reasons[key] = chip
        layout.addLayout(chips)
        self.submit = TextButton("rating.submit", "primary")
        self.submit.setProperty("scale", "wide")
        self.submit.describe("a11y.submit_rating")
        self.submit.clicked.connect(lambda _=False: self._submit())
        self.footer_actions = [self.submit]
        self._update()

    def level(self) -> int | None:
        chosen = self.face_group.checkedId()
        return chosen if chosen in self.faces else None

    def _update(self) -> None:
        self.submit.setEnabled(self.level() is not None)

    def _submit(self) -> None:
        level = self.level()
        if level is None:
            return
        chosen = tuple(key for key, chip in self.reasons.items() if chip.isChecked())
        self.report(flow.RatingGiven(level, chosen))

    def apply_theme(self, theme: Theme) -> None:
        for face in self.faces.values():
            face.set_label_px(theme.button_px)

    def wipe(self) -> None:
        self.face_group.setExclusive(False)
        for face in self.faces.values():
            face.setChecked(False)
        self.face_group.setExclusive(True)
        for chip in self.reasons.values():
            chip.setChecked(False)
        self._update()
