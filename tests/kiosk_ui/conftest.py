"""Fixtures for the kiosk screens: ``KioskScreens`` offscreen over a ``kiosk.flow.Session``
driven by hand (the way the controller drives it), with the sample catalog."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from kiosk import flow
from kiosk.ui.screenshots import DemoDriver, demo_catalog
from kiosk.ui.voice import Voice
from kiosk.ui.window import KioskScreens
from shared.catalog import CatalogItem
from shared.ui.i18n import compile_translations

PIN = "2468"


@dataclass
class Kiosk:
    view: KioskScreens
    session: flow.Session
    driver: DemoDriver
    qtbot: QtBot
    catalog: list[CatalogItem]

    @property
    def events(self) -> list[object]:
        return self.driver.events

    @property
    def intents(self) -> list[object]:
        return self.driver.intents

    def page(self, screen: flow.Screen) -> object:
        return self.view.lower.page(screen)

    def click(self, widget: QWidget) -> None:
        assert widget.isVisible(), f"{widget!r} is not visible"
        assert widget.isEnabled(), f"{widget!r} is disabled"
        self.qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=widget.rect().center())

    def tap(self, widget: QWidget, at: QPoint | None = None) -> None:
        self.qtbot.mousePress(widget, Qt.MouseButton.LeftButton,
                              pos=at if at is not None else widget.rect().center())
        self.qtbot.mouseRelease(widget, Qt.MouseButton.LeftButton,
                                pos=at if at is not None else widget.rect().center())

    def item(self, code: str) -> CatalogItem:
        return next(i for i in self.catalog if i.code == code)

    def send(self, event: flow.Event) -> list[flow.Command]:
        return self.driver.send(event)

    def advance(self, seconds: float) -> None:
        self.driver.advance(seconds)


class RecordingDriver(DemoDriver):
    """The demo driver, keeping every event the screens reported."""

    def __init__(self, view: KioskScreens, session: flow.Session) -> None:
        self.events: list[object] = []
        super().__init__(view, session)

    def on_event(self, event: object) -> None:
        self.events.append(event)
        super().on_event(event)


@pytest.fixture(scope="session")
def compiled_translations() -> None:
    compile_translations()


@pytest.fixture
def kiosk(qapp: QApplication, qtbot: QtBot, compiled_translations: None) -> Iterator[Kiosk]:
    catalog = demo_catalog()
    view = KioskScreens(upper_screen=0, lower_screen=1, admin_pin=PIN, kiosk_mode=False,
                        voice=Voice(engine="mock"), catalog=catalog)
    # each pane at a real screen's size, however many screens offscreen gives us
    view.lower.setFixedSize(1920, 1080)
    view.upper.setFixedSize(1280, 1080)
    session = flow.Session(flow.FlowConfig(identity_required=frozenset({"GA-001"})))
    driver = RecordingDriver(view, session)
    for window in view.windows:
        window.show()
    view.render(session, driver.now)
    qtbot.waitExposed(view.windows[0])
    yield Kiosk(view, session, driver, qtbot, catalog)
    # the translator is the application's: the next test starts in Chinese
    view.set_language("zh_CN")
    view.close()
    for window in view.windows:
        window.deleteLater()
    view.deleteLater()
    logging.getLogger("kiosk.ui").setLevel(logging.NOTSET)


# --- walking the session to a state (the resident's touches where there are some) ---------


def to_choose(k: Kiosk) -> None:
    k.click(k.view.lower.page(flow.Screen.WELCOME).start)  # type: ignore[attr-defined]
    assert k.session.state is flow.Screen.CHOOSE_ITEM


def to_materials(k: Kiosk, code: str = "CL-002") -> None:
    to_choose(k)
    k.send(flow.ItemChosen(k.item(code)))
    assert k.session.state is flow.Screen.MATERIALS


def to_card(k: Kiosk, code: str = "CL-002") -> None:
    to_materials(k, code)
    k.click(k.view.lower.page(flow.Screen.MATERIALS).confirm)  # type: ignore[attr-defined]
    assert k.session.state is flow.Screen.CARD


def to_waiting(k: Kiosk, position: int = 3, eta_s: int | None = 540) -> None:
    import datetime as dt

    to_card(k)
    k.send(flow.CardRead(flow.CardSummary(birth_date=dt.date(1980, 1, 1)), dt.date(2026, 11, 22)))
    k.send(flow.QueueUpdated(position=position, eta_s=eta_s))
    assert k.session.state is flow.Screen.WAITING


def to_call(k: Kiosk) -> None:
    to_waiting(k)
    k.send(flow.CallStarted("call-1", "张敏", "3"))
    assert k.session.state is flow.Screen.IN_CALL
