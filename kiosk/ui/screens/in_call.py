"""In the call: the lower screen shows what the clerk needs right now: a page to put on the
document stand, or a form to check and sign (with 重签 and 请更正), and the pages the clerk
has received. Hanging up is always there."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk import flow
from kiosk.ui.screens.base import Emit, ScreenPage
from kiosk.ui.texts import TEXTS
from kiosk.ui.view_api import CorrectionRequested, FormView, SignatureSubmitted
from kiosk.ui.widgets.signature_pad import SignaturePad
from kiosk.ui.widgets.text import TextButton, TextLabel, set_role
from kiosk.ui.widgets.thumbnail import PageThumbnail

CORRECTION_REASONS = (
    "form.correct.name",
    "form.correct.id",
    "form.correct.address",
    "form.correct.phone",
    "form.correct.other",
)
#: pages shown at most (newest first); older ones stay with the clerk
MAX_PREVIEWS = 8

TALK, PAGE, FORM = 0, 1, 2


class PageStrip(QWidget):
    """The captured pages, newest first."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.caption = TextLabel("", "small")
        layout.addWidget(self.caption)
        self.scroller = QScrollArea()
        self.scroller.setWidgetResizable(True)
        self.scroller.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroller.setFixedHeight(330)
        inner = QWidget()
        self.row = QHBoxLayout(inner)
        self.row.setContentsMargins(0, 0, 0, 0)
        self.row.setSpacing(12)
        self.row.addStretch(1)
        self.scroller.setWidget(inner)
        layout.addWidget(self.scroller)
        self.thumbnails: list[PageThumbnail] = []
        self.setVisible(False)

    def add(self, page_id: str, image: QImage, label: str) -> None:
        for old in self.thumbnails:
            if old.page_id == page_id:
                # the same page captured again: the new picture replaces it
                self.thumbnails.remove(old)
                old.deleteLater()
                break
        thumbnail = PageThumbnail(page_id, image, label)
        self.row.insertWidget(0, thumbnail)
        self.thumbnails.insert(0, thumbnail)
        while len(self.thumbnails) > MAX_PREVIEWS:
            self.thumbnails.pop().deleteLater()
        self._update()

    def clear(self) -> None:
        for thumbnail in self.thumbnails:
            thumbnail.deleteLater()
        self.thumbnails = []
        self._update()

    def _update(self) -> None:
        self.caption.show_key("in_call.pages", count=len(self.thumbnails))
        self.setVisible(bool(self.thumbnails))


class FormPanel(QWidget):
    """The clerk's form: fields to check, a signature pad, confirm / 请更正."""

    def __init__(self, emit: Emit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.report = emit
        self.form: FormView | None = None
        self._form_id = ""
        self._needs_signature = True
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(32)
        left = QVBoxLayout()
        self.title = TextLabel("", "title")
        left.addWidget(self.title)
        self.check = TextLabel("form.check", "small")
        left.addWidget(self.check)
        panel = QFrame()
        set_role(panel, "panel")
        panel_layout = QVBoxLayout(panel)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        fields = QWidget()
        self.fields_layout = QGridLayout(fields)
        self.fields_layout.setContentsMargins(20, 12, 20, 12)
        self.fields_layout.setHorizontalSpacing(24)
        self.fields_layout.setVerticalSpacing(14)
        self.fields_layout.setColumnStretch(1, 1)
        scroll.setWidget(fields)
        panel_layout.addWidget(scroll)
        left.addWidget(panel, 1)
        layout.addLayout(left, 1)
        self.field_labels: list[TextLabel] = []

        right = QVBoxLayout()
        right.setSpacing(16)
        self.sign_here = TextLabel("form.sign_here", "strong")
        right.addWidget(self.sign_here)
        self.pad = SignaturePad()
        self.pad.started.connect(lambda: self.report(flow.SignatureDrawn()))
        self.pad.cleared.connect(lambda: self.report(flow.SignatureCleared()))
        right.addWidget(self.pad, 1)
        row = QHBoxLayout()
        self.clear = TextButton("form.clear", "")
        self.clear.describe("a11y.sign_clear")
        self.clear.clicked.connect(lambda _=False: self.pad.clear())
        row.addWidget(self.clear)
        self.correct = TextButton("form.correct", "")
        self.correct.describe("a11y.correct")
        self.correct.clicked.connect(lambda _=False: self.show_corrections(True))
        row.addWidget(self.correct)
        right.addLayout(row)
        self.confirm = TextButton("form.confirm_sign", "primary")
        self.confirm.setMinimumHeight(120)
        self.confirm.describe("a11y.confirm_form")
        self.confirm.clicked.connect(lambda _=False: self._confirm())
        right.addWidget(self.confirm)

        self.corrections = QFrame()
        set_role(self.corrections, "panel")
        corrections_layout = QVBoxLayout(self.corrections)
        corrections_layout.setContentsMargins(24, 16, 24, 16)
        corrections_layout.addWidget(TextLabel("form.correct_title", "strong"))
        self.correction_buttons: dict[str, TextButton] = {}
        for key in CORRECTION_REASONS:
            button = TextButton(key, "chip")
            button.describe("a11y.correction")
            button.clicked.connect(lambda _=False, k=key: self._correction(k))
            corrections_layout.addWidget(button)
            self.correction_buttons[key] = button
        back = TextButton("common.back", "quiet")
        back.describe("a11y.back_to_sign")
        back.clicked.connect(lambda _=False: self.show_corrections(False))
        corrections_layout.addWidget(back)
        self.correction_buttons["back"] = back
        self.corrections.setVisible(False)
        self.right = QWidget()
        self.right.setLayout(right)
        layout.addWidget(self.right, 1)
        layout.addWidget(self.corrections, 1)

    def show_form(self, form_id: str, title: str, needs_signature: bool,
                  view: FormView | None) -> None:
        fields = view.fields if view is not None and view.form_id == form_id else ()
        if (form_id, title, needs_signature, fields) == (
            self._form_id, self.title.text(), self._needs_signature,
            self.form.fields if self.form else (),
        ):
            return
        new_form = form_id != self._form_id
        self._form_id = form_id
        self._needs_signature = needs_signature
        self.form = view if fields else None
        self.title.show_raw(title)
        for label in self.field_labels:
            label.deleteLater()
        self.field_labels = []
        for row, (name, value) in enumerate(fields):
            name_label = TextLabel("", "small")
            name_label.show_raw(name)
            value_label = TextLabel("", "strong")
            value_label.show_raw(value)
            self.fields_layout.addWidget(name_label, row, 0, Qt.AlignmentFlag.AlignTop)
            self.fields_layout.addWidget(value_label, row, 1)
            self.field_labels += [name_label, value_label]
        self.sign_here.setVisible(needs_signature)
        self.pad.setVisible(needs_signature)
        self.clear.setVisible(needs_signature)
        self.confirm.show_key("form.confirm_sign" if needs_signature else "form.confirm")
        if new_form:
            self.pad.clear()
            self.show_corrections(False)

    def show_corrections(self, on: bool) -> None:
        self.corrections.setVisible(on)
        self.right.setVisible(not on)

    def _confirm(self) -> None:
        if not self._needs_signature:
            self.report(flow.FormAnswered(confirmed=True))
            return
        if self.pad.is_empty:
            # the flow says "sign first" (ShowMessage form.sign_first)
            self.report(flow.FormAnswered(confirmed=True))
            return
        size = self.pad.image_size()
        self.report(SignatureSubmitted(
            form_id=self._form_id,
            png=self.pad.png(),
            strokes=self.pad.strokes(),
            width=size.width(),
            height=size.height(),
        ))

    def _correction(self, key: str) -> None:
        # the clerk reads Chinese whatever the resident's language
        self.report(CorrectionRequested(self._form_id, TEXTS[key]))
        self.show_corrections(False)

    def wipe(self) -> None:
        self.pad.clear()
        self.form = None
        self._form_id = ""
        self.title.show_raw("")
        for label in self.field_labels:
            label.deleteLater()
        self.field_labels = []
        self.show_corrections(False)


class InCallScreen(ScreenPage):
    flow_screen = flow.Screen.IN_CALL

    def __init__(self, emit: Emit, parent: QWidget | None = None) -> None:
        super().__init__(emit, parent)
        self.form_view: FormView | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 20, 48, 16)
        layout.setSpacing(16)
        self.reconnecting = QFrame()
        set_role(self.reconnecting, "notice")
        notice_layout = QHBoxLayout(self.reconnecting)
        notice_layout.setContentsMargins(24, 12, 24, 12)
        notice_layout.addWidget(TextLabel("in_call.reconnecting", "strong"))
        self.reconnecting.setVisible(False)
        layout.addWidget(self.reconnecting)
        self.modes = QStackedWidget()
        talk = QWidget()
        talk_layout = QVBoxLayout(talk)
        talk_layout.addStretch(1)
        center = Qt.AlignmentFlag.AlignCenter
        self.talk_title = TextLabel("in_call.title", "title", align=center)
        talk_layout.addWidget(self.talk_title)
        self.talk_hint = TextLabel("in_call.hint", "body", align=center)
        talk_layout.addWidget(self.talk_hint)
        talk_layout.addStretch(1)
        self.modes.addWidget(talk)
        page = QFrame()
        set_role(page, "notice")
        page_layout = QVBoxLayout(page)
        page_layout.setContentsMargins(40, 24, 40, 24)
        page_layout.addStretch(1)
        self.page_title = TextLabel("in_call.place_page", "huge", align=center)
        page_layout.addWidget(self.page_title)
        self.page_note = TextLabel("", "title", align=center)
        page_layout.addWidget(self.page_note)
        self.page_hint = TextLabel("in_call.place_page_hint", "body", align=center)
        page_layout.addWidget(self.page_hint)
        page_layout.addStretch(1)
        self.modes.addWidget(page)
        self.form_panel = FormPanel(emit)
        self.modes.addWidget(self.form_panel)
        layout.addWidget(self.modes, 1)
        self.strip = PageStrip()
        layout.addWidget(self.strip)
        self.hang_up = TextButton("in_call.hang_up", "danger")
        self.hang_up.setProperty("scale", "wide")
        self.hang_up.describe("a11y.hang_up")
        self.hang_up.clicked.connect(lambda _=False: self.report(flow.HangUpPressed()))
        self.footer_actions = [self.hang_up]

    def show_session(self, session: flow.Session, now: float) -> None:
        self.reconnecting.setVisible(session.reconnecting)
        name = session.call.peer_name if session.call is not None else ""
        if name:
            self.talk_title.show_key("in_call.title_named", name=name)
        else:
            self.talk_title.show_key("in_call.title")
        form = session.form
        if form is not None:
            self.form_panel.show_form(form.form_id, form.title, form.needs_signature,
                                      self.form_view)
            mode = FORM
        elif session.page_request is not None:
            note = session.page_request
            if note == "call.page_requested":
                self.page_note.show_raw("")
            else:
                self.page_note.show_key(note)
            self.page_note.setVisible(bool(self.page_note.text()))
            mode = PAGE
        else:
            mode = TALK
        if self.modes.currentIndex() != mode:
            self.modes.setCurrentIndex(mode)
        # the form needs the room: the pages strip only outside it
        self.strip.setVisible(mode != FORM and bool(self.strip.thumbnails))

    def set_form(self, form: FormView | None) -> None:
        self.form_view = form
        if form is None:
            self.form_panel.wipe()

    def wipe(self) -> None:
        self.form_view = None
        self.form_panel.wipe()
        self.strip.clear()
        self.page_note.show_raw("")
