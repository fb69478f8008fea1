"""The kiosk's two screens (:class:`KioskScreens`, the ``KioskView`` of
``kiosk.ui.view_api``): the upper screen with the clerk's video, the lower touch screen with
the guided flow. Qt only renders ``kiosk.flow.Session``; every touch goes back as an event.

Kiosk mode: full screen, no frame, nothing closes the windows (close requests, Alt+F4 and
Escape are swallowed) except the administrator's gesture (five taps in the top-left corner
of the touch screen within three seconds) followed by the PIN on a touch pad."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtGui import (
    QCloseEvent,
    QColor,
    QGuiApplication,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QBoxLayout,
    QFrame,
    QHBoxLayout,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk import flow
from kiosk.ui.screens.base import ScreenPage
from kiosk.ui.screens.card import CardScreen
from kiosk.ui.screens.choose_item import ChooseItemScreen
from kiosk.ui.screens.goodbye import GoodbyeScreen
from kiosk.ui.screens.in_call import InCallScreen
from kiosk.ui.screens.materials import MaterialsScreen
from kiosk.ui.screens.overlays import AdminPanel, CannotBeDonePanel, Toast
from kiosk.ui.screens.rating import RatingScreen
from kiosk.ui.screens.receipt import ReceiptScreen
from kiosk.ui.screens.waiting import WaitingScreen, eta_key
from kiosk.ui.screens.welcome import NO_TOUCH, WelcomeScreen
from kiosk.ui.texts import Later, text
from kiosk.ui.theme import Theme, style_sheet, theme_for
from kiosk.ui.view_api import (
    AdminExitRequested,
    CallStatusView,
    ElderlyModeChosen,
    FormView,
    LanguageChosen,
)
from kiosk.ui.voice import Voice
from kiosk.ui.widgets.countdown import CountdownRing
from kiosk.ui.widgets.text import TextButton, TextLabel, set_role
from kiosk.ui.widgets.video_pane import VideoPane
from shared.catalog import CatalogItem
from shared.ui.i18n import DEFAULT_LANGUAGE, Translations, normalise_language
from shared.ui.placement import demo_area

log = logging.getLogger(__name__)

I18N_FOLDER = Path(__file__).resolve().parent / "i18n"
ADMIN_TAPS = 5
ADMIN_WINDOW_S = 3.0
ADMIN_CORNER_PX = 140
#: from this many seconds left, the countdown turns yellow and asks for a touch
HURRY_S = 15.0

STEPS: dict[flow.Screen, int] = {
    flow.Screen.CHOOSE_ITEM: 1,
    flow.Screen.MATERIALS: 2,
    flow.Screen.CARD: 3,
    flow.Screen.WAITING: 4,
    flow.Screen.IN_CALL: 5,
    flow.Screen.RECEIPT: 6,
    flow.Screen.RATING: 6,
}
STEP_NAMES = {flow.Screen.RATING: "step.receipt"}
#: the footer's back button: its text per state (None: no back button in that state)
BACK_KEYS: dict[flow.Screen, str] = {
    flow.Screen.MATERIALS: "materials.back",
    flow.Screen.CARD: "card.back",
    flow.Screen.WAITING: "waiting.leave",
    flow.Screen.RATING: "rating.skip",
}
#: what the footer's back button does, per state, for a screen reader
BACK_DESCRIPTIONS: dict[flow.Screen, str] = {
    flow.Screen.MATERIALS: "a11y.back_step",
    flow.Screen.CARD: "a11y.back_step",
    flow.Screen.WAITING: "a11y.leave_queue",
    flow.Screen.RATING: "a11y.skip_rating",
}
#: the key that puts the demo ID card on the simulated reader or takes it off
DEMO_CARD_KEY = Qt.Key.Key_F9
#: the demo card control looks like no part of a real kiosk
DEMO_CARD_STYLE = (
    "QPushButton { background: #ffd166; color: #1a2433; border: 4px dashed #1a2433;"
    " border-radius: 16px; padding: 0px 28px; font-weight: bold; }"
)
#: where 办不成事 is always reachable
CANNOT_BE_DONE_STATES = frozenset({flow.Screen.IN_CALL, flow.Screen.RECEIPT, flow.Screen.RATING})

Handler = Callable[[object], None]


# --- windows ------------------------------------------------------------------------------


class KioskWindow(QWidget):
    """A top-level window the resident cannot close or leave."""

    def __init__(self, name: str, *, kiosk_mode: bool) -> None:
        super().__init__()
        self.setObjectName(name)
        self.exit_allowed = False
        self.kiosk_mode = kiosk_mode
        if kiosk_mode:
            self.setWindowFlags(
                Qt.WindowType.Window
                | Qt.WindowType.FramelessWindowHint
                | Qt.WindowType.WindowStaysOnTopHint
            )
        self.setCursor(Qt.CursorShape.BlankCursor if kiosk_mode else Qt.CursorShape.ArrowCursor)
        #: outside kiosk mode (demo, development), closing the window asks the app to end
        self.on_close_request: Callable[[], None] | None = None
        #: the window's new size, for a layout that follows its shape
        self.on_resize: Callable[[int, int], None] | None = None
        #: keys that do something (the demo's card key); every other key is swallowed
        self.key_actions: dict[int, Callable[[], None]] = {}

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.exit_allowed:
            event.accept()
            return
        # Alt+F4, the window manager's close, a stray close() call: the kiosk stays
        event.ignore()
        if not self.kiosk_mode and self.on_close_request is not None:
            self.on_close_request()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.on_resize is not None:
            self.on_resize(event.size().width(), event.size().height())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        event.accept()
        action = self.key_actions.get(event.key())
        if action is not None and not event.isAutoRepeat():
            action()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride:
            # no shortcut of any widget may act on a kiosk (Escape, Alt+F4...)
            event.accept()
            return True
        return super().event(event)


def _demo_geometry() -> tuple[int, int, int, int] | None:
    """Where ``vwindow demo`` puts a windowed kiosk (beside the console; ignored in kiosk
    mode): ``VWINDOW_KIOSK_GEOMETRY=x,y,width,height``, or the demo's half of the screen."""
    raw = os.environ.get("VWINDOW_KIOSK_GEOMETRY", "")
    try:
        x, y, width, height = (int(part) for part in raw.split(","))
    except ValueError:
        area = demo_area()
        return None if area is None else (area.x(), area.y(), area.width(), area.height())
    return x, y, width, height


#: Qt's QWIDGETSIZE_MAX, which PySide6 does not export
_NO_LIMIT = (1 << 24) - 1


def _follow_shape(panes: QBoxLayout, upper: QWidget, width: int, height: int) -> None:
    """One window holding both panes: side by side on a wide screen, the clerk's picture
    above the touch pane (as on the two-screen kiosk) in a tall window such as the demo's,
    where the touch pane keeps most of the height."""
    tall = height > width * 0.8
    direction = QBoxLayout.Direction.TopToBottom if tall else QBoxLayout.Direction.LeftToRight
    upper.setMaximumHeight(max(200, height * 28 // 100) if tall else _NO_LIMIT)
    upper.setMinimumHeight(0)
    if panes.direction() != direction:
        panes.setDirection(direction)


class AdminCorner(QWidget):
    """An invisible hot corner: ``ADMIN_TAPS`` taps within ``ADMIN_WINDOW_S`` open the PIN."""

    def __init__(self, parent: QWidget, on_gesture: Callable[[], None]) -> None:
        super().__init__(parent)
        self.setProperty(NO_TOUCH, True)
        self.setFixedSize(ADMIN_CORNER_PX, ADMIN_CORNER_PX)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self._taps: list[float] = []
        self._on_gesture = on_gesture
        self.clock: Callable[[], float] = time.monotonic

    def mousePressEvent(self, event: QMouseEvent) -> None:
        now = self.clock()
        self._taps = [t for t in self._taps if now - t <= ADMIN_WINDOW_S] + [now]
        if len(self._taps) >= ADMIN_TAPS:
            self._taps = []
            self._on_gesture()
        event.accept()


class TouchWatcher(QObject):
    """Reports every press on the kiosk's windows as ``flow.Touched`` (the flow's "someone is
    there"), except on widgets marked ``no_touch`` (settings, the admin corner)."""

    def __init__(self, windows: Callable[[], Sequence[QWidget]], report: Handler) -> None:
        super().__init__()
        self._windows = windows
        self._report = report
        self._last: tuple[int, float, float] | None = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.MouseButtonPress or not isinstance(watched, QWidget):
            return False
        if watched.window() not in self._windows():
            return False
        assert isinstance(event, QMouseEvent)
        point = event.globalPosition()
        # a press a child ignores travels on to its parents: one touch, one event
        stamp = (event.timestamp(), point.x(), point.y())
        if stamp == self._last:
            return False
        self._last = stamp
        widget: QWidget | None = watched
        while widget is not None:
            if widget.property(NO_TOUCH):
                return False
            widget = widget.parentWidget()
        self._report(flow.Touched())
        return False


# --- upper screen -------------------------------------------------------------------------


class UpperPane(QWidget):
    """The clerk on video (large), the resident's own small picture, who and which window,
    and one status line."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("upperRoot")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        header = QFrame()
        set_role(header, "header")
        header_layout = QHBoxLayout(header)
        header_layout.setContentsMargins(40, 12, 40, 12)
        self.title = TextLabel("upper.title", "title")
        header_layout.addWidget(self.title, 1)
        self.clerk = TextLabel("", "title", wrap=False)
        header_layout.addWidget(self.clerk)
        self.window_no = TextLabel("", "title", wrap=False)
        header_layout.addWidget(self.window_no)
        layout.addWidget(header)
        # before the call: a calm page about what happens; in the call: the clerk's video
        self.center = QStackedWidget()
        info = QWidget()
        info_layout = QVBoxLayout(info)
        info_layout.setContentsMargins(80, 40, 80, 40)
        info_layout.setSpacing(28)
        middle = Qt.AlignmentFlag.AlignCenter
        info_layout.addStretch(1)
        self.headline = TextLabel("welcome.title", "huge", align=middle)
        info_layout.addWidget(self.headline)
        self.detail = TextLabel("upper.idle", "title", align=middle)
        info_layout.addWidget(self.detail)
        self.info_hint = TextLabel("welcome.subtitle", "body", align=middle)
        info_layout.addWidget(self.info_hint)
        info_layout.addStretch(1)
        self.info = info
        self.center.addWidget(info)
        self.remote = VideoPane()
        self.remote.set_name_key("a11y.clerk_video")
        self.center.addWidget(self.remote)
        layout.addWidget(self.center, 1)
        self.local = VideoPane(background="#22354d", mirrored=True)
        self.local.set_name_key("a11y.own_video")
        self.remote.set_inset(self.local)
        self.local.setVisible(False)
        #: an invited third party (a department's expert), shown while in the call
        self.guest = VideoPane(background="#22354d")
        self.guest.set_name_key("a11y.guest_video")
        self.remote.set_top_inset(self.guest)
        self.guest.setVisible(False)
        self.guest_name: str | None = None
        footer = QFrame()
        set_role(footer, "header")
        footer_layout = QHBoxLayout(footer)
        footer_layout.setContentsMargins(40, 10, 40, 10)
        self.status = TextLabel("upper.idle", "title")
        footer_layout.addWidget(self.status, 1)
        self.quality = TextLabel("", "title", wrap=False)
        footer_layout.addWidget(self.quality)
        layout.addWidget(footer)
        self.call_status = CallStatusView()
        self._call_key: object = None

    def show_session(self, session: flow.Session, now: float) -> None:
        status = self.call_status
        call = session.call
        in_call = session.in_call and call is not None
        call_key = (id(call), call.call_id) if in_call and call is not None else None
        if call_key != self._call_key:
            # a new call (or none): no old picture stands in for the new clerk
            self._call_key = call_key
            self.remote.clear()
            self.local.clear()
        name = status.clerk_name or (call.peer_name if call else "")
        window_no = status.window_no or (call.window_no if call else None)
        if in_call and name:
            self.clerk.show_key("upper.clerk", name=name)
        else:
            self.clerk.show_raw("")
        if in_call and window_no:
            self.window_no.show_key("upper.window", number=window_no)
        else:
            self.window_no.show_raw("")
        self.title.setVisible(not (in_call and (name or window_no)))
        if in_call != self.local.isVisibleTo(self):
            self.local.setVisible(in_call)
        quality = ""
        shown = self.remote if in_call else self.info
        if self.center.currentWidget() is not shown:
            self.center.setCurrentWidget(shown)
        if in_call:
            if session.reconnecting or status.reconnecting:
                self.status.show_key("status.reconnecting")
            elif self.remote.image is None:
                self.status.show_key("status.connecting")
            else:
                self.status.show_key("status.in_call")
                quality = status.quality
            self.remote.set_placeholder(text("status.connecting"))
        elif session.state is flow.Screen.WAITING and session.queue_position is not None:
            key, values = eta_key(session.queue_eta_s)
            ahead = max(0, session.queue_position - 1)
            self.status.show_key("status.queue", count=ahead, eta=Later(key, **values))
            if ahead:
                self.headline.show_key("waiting.position", count=ahead)
            else:
                self.headline.show_key("waiting.next")
            self.detail.show_key(key, **values)
            self.info_hint.show_key("waiting.hint")
        elif session.state is flow.Screen.WAITING:
            self.status.show_key("waiting.connecting")
            self.headline.show_key("waiting.title")
            self.detail.show_key("waiting.connecting")
            self.info_hint.show_key("waiting.hint")
        else:
            self.status.show_key("upper.idle")
            self.headline.show_key("welcome.title")
            self.detail.show_key("upper.idle")
            self.info_hint.show_key("welcome.subtitle")
        self._show_quality(quality)

    def _show_quality(self, quality: str) -> None:
        colors = {"good": "#7ee08a", "fair": "#ffd166", "poor": "#ff8a80"}
        if quality in colors:
            self.quality.show_key(f"status.quality.{quality}")
            sheet = f"color: {colors[quality]};"
            if self.quality.styleSheet() != sheet:
                self.quality.setStyleSheet(sheet)
        else:
            self.quality.show_raw("")

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            # the placeholders are painted, not labels: redo them on the next render
            self.remote.set_placeholder("")
        super().changeEvent(event)

    def set_guest(self, name: str | None) -> None:
        self.guest_name = name
        self.guest.clear()
        self.guest.set_placeholder(text("upper.guest", name=name) if name else "")
        self.guest.setVisible(name is not None)

    def wipe(self) -> None:
        self.remote.clear()
        self.local.clear()
        self.set_guest(None)
        self.call_status = CallStatusView()
        self._call_key = None


# --- lower screen -------------------------------------------------------------------------


class LowerPane(QWidget):
    """The guided flow: header (step, countdown), the page of the state, footer (back,
    办不成事), and the overlays."""

    def __init__(self, emit: Handler, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kioskRoot")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.report = emit
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        header = QFrame()
        set_role(header, "header")
        header.setMinimumHeight(120)
        header_layout = QHBoxLayout(header)
        header_layout.setContentsMargins(48, 8, 40, 8)
        header_layout.setSpacing(20)
        self.step = TextLabel("upper.title", "title")
        header_layout.addWidget(self.step, 1)
        # only in the demo (a simulated card reader): put the demo ID card on, take it off
        self.demo_card = TextButton("demo.card.put", "demo")
        self.demo_card.describe("a11y.demo_card")
        self.demo_card.setStyleSheet(DEMO_CARD_STYLE)
        self.demo_card.setMinimumHeight(96)
        self.demo_card.setProperty(NO_TOUCH, True)
        self.demo_card.setVisible(False)
        header_layout.addWidget(self.demo_card)
        self.countdown_text = TextLabel("countdown.back_home", "body", wrap=False)
        self.ring = CountdownRing()
        self.ring.set_colors("#ffffff", QColor(255, 255, 255, 70))
        header_layout.addWidget(self.ring)
        header_layout.addWidget(self.countdown_text)
        layout.addWidget(header)
        self.stack = QStackedWidget()
        self.pages: dict[flow.Screen, ScreenPage] = {}
        page_classes: tuple[type[ScreenPage], ...] = (
            WelcomeScreen,
            ChooseItemScreen,
            MaterialsScreen,
            CardScreen,
            WaitingScreen,
            InCallScreen,
            ReceiptScreen,
            RatingScreen,
            GoodbyeScreen,
        )
        for page_class in page_classes:
            page = page_class(emit)
            self.pages[page.flow_screen] = page
            self.stack.addWidget(page)
        layout.addWidget(self.stack, 1)
        footer = QWidget()
        footer_layout = QHBoxLayout(footer)
        footer_layout.setContentsMargins(48, 8, 48, 20)
        self.back = TextButton("common.back", "quiet")
        self.back.describe("a11y.back_step")
        self.back.setMinimumWidth(260)
        self.back.clicked.connect(lambda _=False: self.report(flow.Back()))
        footer_layout.addWidget(self.back)
        footer_layout.addStretch(1)
        self.cannot_be_done = TextButton("cannot_be_done.button", "")
        self.cannot_be_done.describe("a11y.cannot_be_done")
        self.cannot_be_done.setMinimumWidth(260)
        footer_layout.addWidget(self.cannot_be_done)
        footer_layout.setSpacing(24)
        for each in self.pages.values():
            for action in each.footer_actions:
                action.setVisible(False)
                footer_layout.addWidget(action)
        self.footer = footer
        layout.addWidget(footer)
        self.toast = Toast(self)
        self.cannot_panel = CannotBeDonePanel(self, emit)
        self.cannot_be_done.clicked.connect(lambda _=False: self.cannot_panel.open())
        self.admin = AdminPanel(self)
        self.corner = AdminCorner(self, self.admin.open)
        self.corner.move(0, 0)
        self.corner.raise_()
        self._state: flow.Screen | None = None
        self._deadline: float | None = None
        self._total = 0.0
        self._hurry = False

    @property
    def state(self) -> flow.Screen | None:
        return self._state

    def page(self, screen: flow.Screen) -> ScreenPage:
        return self.pages[screen]

    def show_session(self, session: flow.Session, now: float) -> None:
        state = session.state
        if state is not self._state:
            previous = self.pages.get(self._state) if self._state else None
            if previous is not None:
                previous.left()
            self._state = state
            self.stack.setCurrentWidget(self.pages[state])
            if state not in CANNOT_BE_DONE_STATES:
                self.cannot_panel.hide()
            self.corner.raise_()
        page = self.pages[state]
        page.show_session(session, now)
        if self.stack.currentWidget() is page and page.isVisible():
            page.entered()
        number = STEPS.get(state)
        if number is None:
            self.step.show_key("upper.title")
        else:
            name = Later(STEP_NAMES.get(state, f"step.{state.value}"))
            self.step.show_key("step.progress", number=number, name=name)
        self._render_countdown(session, now)
        back = BACK_KEYS.get(state)
        self.back.setVisible(back is not None)
        if back is not None:
            self.back.show_key(back)
            self.back.describe(BACK_DESCRIPTIONS.get(state, "a11y.back_step"))
        self.cannot_be_done.setVisible(state in CANNOT_BE_DONE_STATES)
        for shown_page in self.pages.values():
            for action in shown_page.footer_actions:
                action.setVisible(shown_page is page)
        self.footer.setVisible(
            back is not None or state in CANNOT_BE_DONE_STATES or bool(page.footer_actions)
        )

    def _render_countdown(self, session: flow.Session, now: float) -> None:
        deadline = session.deadline
        left = session.seconds_left(now)
        if deadline is None or left is None:
            self._deadline = None
            self.ring.setVisible(False)
            self.countdown_text.setVisible(False)
            return
        if deadline != self._deadline:
            # a new or restarted timer: its full length is what is left now
            self._deadline = deadline
            self._total = max(left, 1.0)
        self.ring.set_time(left, self._total)
        # the last seconds: say plainly that a touch keeps the visit going
        hurry = left <= HURRY_S and session.state is not flow.Screen.GOODBYE
        if hurry != self._hurry:
            self._hurry = hurry
            self.ring.set_colors("#ffd166" if hurry else "#ffffff", QColor(255, 255, 255, 70))
            self.countdown_text.show_key("countdown.touch_to_stay" if hurry
                                         else "countdown.back_home")
            self.countdown_text.setStyleSheet("color: #ffd166;" if hurry else "")
        self.ring.setVisible(True)
        self.countdown_text.setVisible(True)

    def resizeEvent(self, event: object) -> None:
        for overlay in (self.cannot_panel, self.admin):
            if overlay.isVisible():
                overlay.setGeometry(self.rect())
        if self.toast.isVisible():
            self.toast.place()
        self.corner.move(0, 0)
        self.corner.raise_()

    def wipe(self) -> None:
        for page in self.pages.values():
            page.wipe()
        self.toast.clear()
        self.cannot_panel.hide()


# --- the view -----------------------------------------------------------------------------


class KioskScreens(QObject):
    """``kiosk.ui.view_api.KioskView`` on one or two screens.

    ``upper_screen`` / ``lower_screen``: indexes in ``QGuiApplication.screens()``; when they
    are equal or the machine has one screen, one window holds both panes side by side.
    ``admin_pin``: the PIN that ends kiosk mode (empty: the kiosk cannot be left).
    ``kiosk_mode``: frameless, full screen, no way out; off for development and tests."""

    def __init__(
        self,
        *,
        upper_screen: int = 0,
        lower_screen: int = 1,
        admin_pin: str = "",
        kiosk_mode: bool = True,
        voice: Voice | None = None,
        translations: Translations | None = None,
        catalog: Sequence[CatalogItem] | None = None,
    ) -> None:
        super().__init__()
        app = QApplication.instance()
        if not isinstance(app, QApplication):
            raise RuntimeError("KioskScreens needs a QApplication")
        self._app = app
        self._on_event: Handler | None = None
        self._admin_pin = admin_pin
        self._elderly = False
        self._language = DEFAULT_LANGUAGE
        self._translations = translations or Translations(app, {"kiosk": I18N_FOLDER})
        self.voice = voice if voice is not None else Voice(parent=self)
        self._session: flow.Session | None = None
        self._now = 0.0
        self._demo_card_put: Callable[[bool], None] | None = None
        self._demo_card_present = False
        self.upper = UpperPane()
        self.lower = LowerPane(self._emit)
        screens = QGuiApplication.screens()
        self.two_screens = (
            upper_screen != lower_screen and len(screens) > max(upper_screen, lower_screen)
        )
        self._screen_indexes = (upper_screen, lower_screen)
        self.windows: list[KioskWindow] = []
        if self.two_screens:
            for name, pane in (("upperWindow", self.upper), ("lowerWindow", self.lower)):
                window = KioskWindow(name, kiosk_mode=kiosk_mode)
                box = QVBoxLayout(window)
                box.setContentsMargins(0, 0, 0, 0)
                box.addWidget(pane)
                self.windows.append(window)
        else:
            window = KioskWindow("kioskWindow", kiosk_mode=kiosk_mode)
            side_by_side = QBoxLayout(QBoxLayout.Direction.LeftToRight, window)
            side_by_side.setContentsMargins(0, 0, 0, 0)
            side_by_side.setSpacing(0)
            side_by_side.addWidget(self.upper, 1)
            side_by_side.addWidget(self.lower, 3)
            window.on_resize = lambda width, height: _follow_shape(
                side_by_side, self.upper, width, height
            )
            self.windows.append(window)
        for window in self.windows:
            window.setWindowTitle(text("upper.title"))
            window.on_close_request = lambda: self._report(AdminExitRequested())
        self.lower.admin.pad.entered.connect(self._check_pin)
        self.lower.demo_card.clicked.connect(lambda _=False: self.toggle_demo_card())
        self._watcher = TouchWatcher(lambda: self.windows, self._emit)
        app.installEventFilter(self._watcher)
        self._apply_theme()
        if catalog is not None:
            self.set_catalog(list(catalog))

    # showing ----------------------------------------------------------------------------

    def show(self) -> None:
        """Put each window on its screen, full screen in kiosk mode; start the voice."""
        self.voice.prepare()
        screens = QGuiApplication.screens()
        indexes = self._screen_indexes if self.two_screens else (self._screen_indexes[1],)
        for window, index in zip(self.windows, indexes, strict=True):
            screen = screens[index] if 0 <= index < len(screens) else screens[0]
            window.setScreen(screen)
            window.setGeometry(screen.geometry())
            placed = _demo_geometry()
            if placed is not None and not window.kiosk_mode:
                window.setGeometry(*placed)
            if window.kiosk_mode:
                window.showFullScreen()
            else:
                window.show()

    def resize(self, width: int, height: int) -> None:
        for window in self.windows:
            window.resize(width, height)

    def close(self) -> None:
        """Close for good (after :class:`AdminExitRequested`, or at the app's end)."""
        self._app.removeEventFilter(self._watcher)
        self.voice.close()
        for window in self.windows:
            window.exit_allowed = True
            window.close()

    # KioskView --------------------------------------------------------------------------

    def set_event_handler(self, on_event: object) -> None:
        self._on_event = on_event if callable(on_event) else None

    def set_catalog(self, items: list[object]) -> None:
        catalog = [item for item in items if isinstance(item, CatalogItem)]
        if len(catalog) != len(items):
            log.warning("catalog: %d entries are not catalog items", len(items) - len(catalog))
        page = self.lower.page(flow.Screen.CHOOSE_ITEM)
        assert isinstance(page, ChooseItemScreen)
        page.set_catalog(catalog)

    def render(self, session: flow.Session, now: float) -> None:
        self._session, self._now = session, now
        self.lower.show_session(session, now)
        self.upper.show_session(session, now)

    def set_remote_frame(self, image: QImage) -> None:
        first = self.upper.remote.image is None
        self.upper.remote.set_frame(image)
        if first:
            self._rerender()

    def set_local_frame(self, image: QImage) -> None:
        self.upper.local.set_frame(image)

    def set_guest(self, name: str | None) -> None:
        self.upper.set_guest(name)

    def set_guest_frame(self, image: QImage) -> None:
        if self.upper.guest_name is not None:
            self.upper.guest.set_frame(image)

    def set_call_status(self, status: CallStatusView) -> None:
        if status != self.upper.call_status:
            self.upper.call_status = status
            self._rerender()

    def add_page_preview(self, page_id: str, image: QImage, label: str) -> None:
        self._in_call_page().strip.add(page_id, image, label)
        self._rerender()

    def clear_page_previews(self) -> None:
        self._in_call_page().strip.clear()
        self._rerender()

    def set_form(self, form: FormView | None) -> None:
        self._in_call_page().set_form(form)
        self._rerender()

    def show_message(self, key: str) -> None:
        self.lower.toast.show_key(key)

    def speak(self, text_key: str) -> None:
        self.voice.say(text(text_key))

    def set_elderly_mode(self, on: bool) -> None:
        if on == self._elderly:
            return
        self._elderly = on
        self._apply_theme()

    def set_language(self, language: str) -> None:
        language = normalise_language(language)
        if language == self._language:
            return
        self._language = language
        # installs the translator: Qt posts LanguageChange to every window, whose widgets
        # re-read their texts; delivered now, so the next render sees the new language
        self._translations.set_language(language)
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LanguageChange)
        self.voice.set_language(language)
        self._show_settings()
        self._rerender()

    def wipe(self) -> None:
        """Forget the session: pictures, pages, form, signature, receipt, search; and the
        resident's settings (large type, language) go back to the defaults."""
        self.upper.wipe()
        self.lower.wipe()
        self.voice.stop()
        if self._elderly:
            self.set_elderly_mode(False)
            self._report(ElderlyModeChosen(False))
        if self._language != DEFAULT_LANGUAGE:
            self.set_language(DEFAULT_LANGUAGE)
            self._report(LanguageChosen(DEFAULT_LANGUAGE))

    # extras beyond the contract ---------------------------------------------------------

    def offer_demo_card(self, put: Callable[[bool], None]) -> None:
        """The demo's simulated card reader: a control on the touch screen and the F9 key
        put the demo ID card on (``put(True)``) or take it off (``put(False)``); the
        reader's own report of the card (:meth:`show_demo_card`) sets what it offers."""
        self._demo_card_put = put
        for window in self.windows:
            window.key_actions[DEMO_CARD_KEY] = self.toggle_demo_card
        self.lower.demo_card.setVisible(True)
        self.show_demo_card(self._demo_card_present)

    def show_demo_card(self, present: bool) -> None:
        self._demo_card_present = present
        self.lower.demo_card.show_key("demo.card.take" if present else "demo.card.put")

    def toggle_demo_card(self) -> None:
        if self._demo_card_put is not None:
            self._demo_card_put(not self._demo_card_present)

    @property
    def elderly(self) -> bool:
        return self._elderly

    @property
    def language(self) -> str:
        return self._language

    @property
    def theme(self) -> Theme:
        return theme_for(self._elderly)

    # internals --------------------------------------------------------------------------

    def _in_call_page(self) -> InCallScreen:
        page = self.lower.page(flow.Screen.IN_CALL)
        assert isinstance(page, InCallScreen)
        return page

    def _rerender(self) -> None:
        if self._session is not None:
            self.render(self._session, self._now)

    def _emit(self, event: object) -> None:
        # the resident's settings apply at once; the controller hears of them too
        if isinstance(event, ElderlyModeChosen):
            self.set_elderly_mode(event.on)
        elif isinstance(event, LanguageChosen):
            self.set_language(event.language)
        self._report(event)

    def _report(self, event: object) -> None:
        if self._on_event is not None:
            self._on_event(event)

    def _apply_theme(self) -> None:
        theme = theme_for(self._elderly)
        sheet = style_sheet(theme)
        for window in self.windows:
            window.setStyleSheet(sheet)
        for page in self.lower.pages.values():
            page.apply_theme(theme)
        self.lower.ring.set_diameter(theme.touch_px)
        self._show_settings()

    def _show_settings(self) -> None:
        page = self.lower.page(flow.Screen.WELCOME)
        assert isinstance(page, WelcomeScreen)
        page.show_settings(elderly=self._elderly, language=self._language)

    def _check_pin(self, pin: str) -> None:
        if self._admin_pin and pin == self._admin_pin:
            log.info("kiosk mode left by the administrator")
            self.lower.admin.close_pad()
            for window in self.windows:
                window.exit_allowed = True
            self._report(AdminExitRequested())
        else:
            log.warning("admin exit: wrong PIN")
            self.lower.admin.pad.reset()
            self.lower.admin.wrong.setVisible(True)
