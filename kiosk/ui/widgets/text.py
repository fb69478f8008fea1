"""Labels and buttons that show a text key (``kiosk.ui.texts``) and re-read it when the
language changes, setting Qt's text only when it really changed (render runs every second)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QWidget

from kiosk.ui.texts import text


def set_role(widget: QWidget, role: str) -> None:
    widget.setProperty("role", role)


def set_accessible(widget: QWidget, name: str, description: str | None = None) -> None:
    """What a screen reader says of ``widget``; set only when it changed (each change is
    announced to the accessibility bus)."""
    if widget.accessibleName() != name:
        widget.setAccessibleName(name)
    if description is not None and widget.accessibleDescription() != description:
        widget.setAccessibleDescription(description)


class KeyedText:
    """What a label and a button share: the key (or raw text) they show, and their text in
    the current language. Each widget puts ``wanted_text()`` where it shows text."""

    _key: str
    _values: dict[str, object]
    _raw: str | None

    def _keep(self, key: str) -> None:
        self._key, self._values, self._raw = key, {}, None

    @property
    def key(self) -> str:
        return self._key

    def show_key(self, key: str, **values: object) -> None:
        if key == self._key and values == self._values and self._raw is None:
            return
        self._key, self._values, self._raw = key, values, None
        self._refresh()

    def show_raw(self, value: str) -> None:
        if self._raw == value:
            return
        self._raw = value
        self._refresh()

    def wanted_text(self) -> str:
        if self._raw is not None:
            return self._raw
        return text(self._key, **self._values) if self._key else ""

    def _refresh(self) -> None:
        raise NotImplementedError


class TextLabel(KeyedText, QLabel):
    """A label for ``key`` with ``{name}`` values; ``raw`` shows a text as it is (names,
    case numbers, catalog item names)."""

    def __init__(
        self,
        key: str = "",
        role: str = "body",
        *,
        wrap: bool = True,
        align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        set_role(self, role)
        self.setWordWrap(wrap)
        self.setAlignment(align)
        self._keep(key)
        self._refresh()

    def _refresh(self) -> None:
        value = self.wanted_text()
        if value != self.text():
            self.setText(value)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._refresh()
        super().changeEvent(event)


class KioskButton(QPushButton):
    """A push button whose accessible Toggle action acts as a tap. Qt's Toggle (what a
    screen reader offers on a checkable button) flips the state without a click, so
    nothing that listens to ``clicked`` (or a button group's ``idClicked``) would hear
    of it: such a flip is undone and the button clicked instead."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._clicking = False
        self._by_code = False
        self.toggled.connect(self._toggled)
        self.clicked.connect(self._clicked)

    def setChecked(self, on: bool) -> None:
        self._by_code = True
        try:
            super().setChecked(on)
        finally:
            self._by_code = False

    def nextCheckState(self) -> None:
        # a click (finger, Press action, click()) flips the state through here
        self._clicking = True
        super().nextCheckState()

    def _clicked(self) -> None:
        self._clicking = False

    def _toggled(self, checked: bool) -> None:
        if self._clicking or self._by_code:
            return
        group = self.group()
        if group is not None and group.exclusive() and not checked:
            # unchecked by its group because another button was checked
            return
        self.setChecked(not checked)
        QTimer.singleShot(0, self.click)


class TextButton(KeyedText, KioskButton):
    """A button for ``key``. ``kind``: "primary" (the one main action of a screen),
    "danger", "chip" (toggle), "quiet", "key", "header" or "" (secondary). With
    ``wrap`` the text wraps over several lines (long item names)."""

    def __init__(
        self,
        key: str = "",
        kind: str = "",
        *,
        wrap: bool = False,
        parent: QWidget | None = None,
        **values: object,
    ) -> None:
        super().__init__(parent)
        self.setProperty("kind", kind)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self._keep(key)
        self._values = dict(values)
        self._label: QLabel | None = None
        self._description: tuple[str, dict[str, object]] = ("", {})
        if wrap:
            self._label = QLabel(self)
            set_role(self._label, "onprimary" if kind in ("primary", "danger") else "button")
            self._label.setWordWrap(True)
            self._label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self._label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            layout = QHBoxLayout(self)
            layout.setContentsMargins(20, 10, 20, 10)
            layout.addWidget(self._label)
            self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._refresh()

    def shown_text(self) -> str:
        return self._label.text() if self._label is not None else self.text()

    def describe(self, key: str, **values: object) -> None:
        """The accessible description: what pressing the button does (``key`` of
        ``kiosk.ui.texts``); the accessible name is the shown text."""
        self._description = (key, values)
        self._refresh()

    def _refresh(self) -> None:
        value = self.wanted_text()
        if self._label is not None:
            if value != self._label.text():
                self._label.setText(value)
        elif value != self.text():
            self.setText(value)
        # a wrapped text sits in a child label: the button itself must carry the name
        key, values = self._description
        set_accessible(self, value, text(key, **values) if key else None)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._refresh()
        super().changeEvent(event)
