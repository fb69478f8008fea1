"""The demo's card reader control: with the simulated reader (``vwindow kiosk --demo``) the
touch screen offers 放上演示身份证 / 取走演示身份证 (and F9), which moves the demo ID card on the
reader; the card step then completes with a real read through the same decoding. With any
other reader there is no such control."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QAccessibleActionInterface
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from kiosk import flow
from kiosk.config import DevicesConfig, KioskConfig, ScreensConfig
from kiosk.devices.cards.simulated import DEMO_FIELDS, DEMO_ID_NUMBER, SimulatedCardReader
from kiosk.ui.app import AppOptions, KioskApp
from shared.call.ice import IcePolicy
from tests.conftest import Seed
from tests.kiosk_app.helpers import eventually, full_server, run_qt, state

pytestmark = pytest.mark.timeout(120)


def kiosk_app(url: str, seeded: Seed, tmp_path: Path, qapp: QApplication,
              card_reader: str) -> KioskApp:
    credential = tmp_path / "kiosk.credential"
    credential.write_text(seeded.kiosk_credentials[0])
    config = KioskConfig(
        server=url,
        credential_file=credential,
        runtime_dir=tmp_path / "runtime",
        devices=DevicesConfig(card_reader=card_reader, scanner="simulated", printer=""),
        screens=ScreensConfig(upper=0, lower=0, fullscreen=False, voice=False),
    )
    return KioskApp(
        config,
        AppOptions(credential=seeded.kiosk_credentials[0], ice_policy=IcePolicy.loopback()),
        app=qapp,
        controller_options={"tick_s": 0.2},
    )


def accessible_name(widget: Any) -> str:
    face = QAccessible.queryAccessibleInterface(widget)
    assert face is not None
    return str(face.text(QAccessible.Text.Name))


def test_the_demo_card_control_plays_the_card_step(
    qapp: QApplication, database_url: str, seeded: Seed, tmp_path: Path
) -> None:
    async def main() -> None:
        server = full_server(database_url, tmp_path / "data")
        await server.start()
        kiosk = kiosk_app(server.url, seeded, tmp_path, qapp, "simulated")
        controller = kiosk.controller
        screens: Any = kiosk.view
        try:
            await kiosk.start()
            screens.resize(1600, 900)
            reader = kiosk.devices.card_reader
            assert isinstance(reader, SimulatedCardReader)
            control = screens.lower.demo_card
            assert control.isVisible()
            assert accessible_name(control) == control.text() == "放上演示身份证"
            pages = screens.lower.pages
            QTest.mouseClick(pages[flow.Screen.WELCOME].start, Qt.MouseButton.LeftButton)
            choose = pages[flow.Screen.CHOOSE_ITEM]
            QTest.mouseClick(choose.grid.buttons[0], Qt.MouseButton.LeftButton)
            assert state(controller) is flow.Screen.MATERIALS
            QTest.mouseClick(pages[flow.Screen.MATERIALS].confirm, Qt.MouseButton.LeftButton)
            assert state(controller) is flow.Screen.CARD
            # a screen reader's Press, as the acceptance suite drives it
            face = QAccessible.queryAccessibleInterface(control)
            assert face is not None and face.actionInterface() is not None
            face.actionInterface().doAction(QAccessibleActionInterface.pressAction())
            await eventually(lambda: state(controller) is flow.Screen.WAITING, "card read")
            # read through the reader and its decoding: the demo person, kept in the vault
            assert controller.vault.text("card:id_number") == DEMO_ID_NUMBER
            assert controller.session.card is not None
            assert controller.session.card.birth_date is not None
            assert controller.session.card.birth_date.isoformat().replace("-", "") == (
                DEMO_FIELDS["birth"]
            )
            await eventually(lambda: control.text() == "取走演示身份证", "the control follows")
            assert accessible_name(control) == "取走演示身份证"
            # F9 on the kiosk's window does the same: the card comes off
            QTest.keyClick(screens.windows[0], Qt.Key.Key_F9)
            await eventually(lambda: control.text() == "放上演示身份证", "card taken off")
            assert not kiosk.devices.card_present
            QTest.keyClick(screens.windows[0], Qt.Key.Key_F9)
            await eventually(lambda: kiosk.devices.card_present, "card back on by F9")
        finally:
            await kiosk.close()
            await server.stop()

    run_qt(qapp, main)


def test_no_demo_card_control_with_another_reader(
    qapp: QApplication, database_url: str, seeded: Seed, tmp_path: Path
) -> None:
    async def main() -> None:
        server = full_server(database_url, tmp_path / "data")
        await server.start()
        # a vendor's reader whose library is not there: the kiosk runs, with no demo control
        kiosk = kiosk_app(server.url, seeded, tmp_path, qapp, "termb:/nowhere/libtermb.so")
        screens: Any = kiosk.view
        try:
            await kiosk.start()
            assert not isinstance(kiosk.devices.card_reader, SimulatedCardReader)
            assert not screens.lower.demo_card.isVisibleTo(screens.lower)
            assert all(not w.key_actions for w in screens.windows)
        finally:
            await kiosk.close()
            await server.stop()

    run_qt(qapp, main)
