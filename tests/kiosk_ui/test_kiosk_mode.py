"""Kiosk mode: the resident cannot leave; the administrator can, with the gesture and PIN."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from kiosk import flow
from kiosk.ui.view_api import AdminExitRequested
from kiosk.ui.window import ADMIN_TAPS, ADMIN_WINDOW_S

from .conftest import PIN, Kiosk


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def tap_corner(k: Kiosk, times: int, clock: Clock, every_s: float = 0.3) -> None:
    for _ in range(times):
        k.tap(k.view.lower.corner)
        clock.now += every_s


def enter(k: Kiosk, pin: str) -> None:
    pad = k.view.lower.admin.pad
    for digit in pin:
        k.click(pad.buttons[digit])
    k.click(pad.buttons["ok"])


def test_closing_and_keys_do_not_end_the_kiosk(kiosk: Kiosk) -> None:
    window = kiosk.view.windows[0]
    assert window.close() is False
    assert window.isVisible()
    for key, modifiers in ((Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier),
                           (Qt.Key.Key_F4, Qt.KeyboardModifier.AltModifier)):
        for kind in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
            event = QKeyEvent(kind, key, modifiers)
            QApplication.sendEvent(window, event)
            assert event.isAccepted()
    assert window.isVisible()


def test_the_admin_gesture_then_the_right_pin_exits(kiosk: Kiosk) -> None:
    clock = Clock()
    kiosk.view.lower.corner.clock = clock
    admin = kiosk.view.lower.admin
    tap_corner(kiosk, ADMIN_TAPS - 1, clock)
    assert not admin.isVisible()
    tap_corner(kiosk, 1, clock)
    assert admin.isVisible()
    # the corner taps are not the resident's: no visit started
    assert kiosk.session.state is flow.Screen.WELCOME
    enter(kiosk, "1111")
    assert AdminExitRequested() not in kiosk.intents
    assert admin.wrong.isVisible() and admin.pad.dots.text() == ""
    assert kiosk.view.windows[0].close() is False
    enter(kiosk, PIN)
    assert kiosk.intents[-1] == AdminExitRequested()
    assert not admin.isVisible()
    assert kiosk.view.windows[0].exit_allowed


def test_slow_taps_do_not_open_the_pin(kiosk: Kiosk) -> None:
    clock = Clock()
    kiosk.view.lower.corner.clock = clock
    tap_corner(kiosk, ADMIN_TAPS * 2, clock, every_s=ADMIN_WINDOW_S / (ADMIN_TAPS - 1) + 0.05)
    assert not kiosk.view.lower.admin.isVisible()


def test_cancel_closes_the_pin_pad(kiosk: Kiosk) -> None:
    clock = Clock()
    kiosk.view.lower.corner.clock = clock
    tap_corner(kiosk, ADMIN_TAPS, clock)
    pad = kiosk.view.lower.admin.pad
    kiosk.click(pad.buttons["1"])
    kiosk.click(pad.buttons["cancel"])
    assert not kiosk.view.lower.admin.isVisible()
    assert AdminExitRequested() not in kiosk.intents


def test_without_a_pin_the_kiosk_cannot_be_left(kiosk: Kiosk) -> None:
    kiosk.view._admin_pin = ""
    clock = Clock()
    kiosk.view.lower.corner.clock = clock
    tap_corner(kiosk, ADMIN_TAPS, clock)
    enter(kiosk, "")
    assert AdminExitRequested() not in kiosk.intents


def test_one_screen_holds_both_panes(kiosk: Kiosk) -> None:
    if kiosk.view.two_screens:
        assert len(kiosk.view.windows) == 2
    else:
        assert len(kiosk.view.windows) == 1
        window = kiosk.view.windows[0]
        assert kiosk.view.upper.window() is window and kiosk.view.lower.window() is window
