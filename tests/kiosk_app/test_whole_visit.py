"""The whole visit on the real kiosk app: ``KioskApp`` (translations, ``KioskScreens``,
controller, device manager with the simulated card reader and scanner, receipts to PDF) on
Qt's offscreen platform, against the real server and a real clerk console with real aiortc
media. The resident touches the real buttons; the clerk is the headless console."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget

from kiosk import flow
from kiosk.config import DevicesConfig, KioskConfig, ScreensConfig
from kiosk.devices.cards.simulated import SimulatedCardReader
from kiosk.ui.app import AppOptions, KioskApp
from kiosk.ui.controller import strokes_from_signature_png
from kiosk.ui.texts import text
from kiosk.ui.widgets.video_pane import VideoPane
from shared.call.ice import IcePolicy
from tests.conftest import Seed
from tests.kiosk_app.helpers import (
    AskingConsole,
    console_options,
    eventually,
    full_server,
    run_qt,
    state,
)

pytestmark = pytest.mark.timeout(170)


def click(button: QAbstractButton) -> None:
    assert button.isVisible() and button.isEnabled(), button
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)


def draw(pad: QWidget, points: list[tuple[int, int]]) -> None:
    """A pen stroke: press, moves with the button held, release (real mouse events)."""
    QTest.mousePress(pad, Qt.MouseButton.LeftButton, pos=QPoint(*points[0]))
    for x, y in points[1:]:
        move = QMouseEvent(
            QEvent.Type.MouseMove,
            QPointF(x, y),
            pad.mapToGlobal(QPointF(x, y)),
            Qt.MouseButton.NoButton,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        )
        QApplication.sendEvent(pad, move)
    QTest.mouseRelease(pad, Qt.MouseButton.LeftButton, pos=QPoint(*points[-1]))


def kiosk_app(server: Any, seeded: Seed, tmp_path: Path, qapp: QApplication) -> KioskApp:
    credential = tmp_path / "kiosk.credential"
    credential.write_text(seeded.kiosk_credentials[0])
    config = KioskConfig(
        server=server.url,
        credential_file=credential,
        runtime_dir=tmp_path / "runtime",
        devices=DevicesConfig(
            card_reader="simulated",
            scanner="simulated",
            printer=f"pdf:{tmp_path / 'receipt-{case_number}.pdf'}",
        ),
        # no speech engine (the screens' own tests cover the voice)
        screens=ScreensConfig(
            upper=0, lower=0, fullscreen=False, admin_pin="2468", voice=False
        ),
    )
    return KioskApp(
        config,
        AppOptions(
            credential=seeded.kiosk_credentials[0], ice_policy=IcePolicy.loopback(), scan_delay_s=0
        ),
        app=qapp,
        controller_options={"tick_s": 0.2},
    )


def test_whole_visit_on_the_real_screens(
    qapp: QApplication, database_url: str, seeded: Seed, tmp_path: Path
) -> None:
    async def main() -> None:
        server = full_server(database_url, tmp_path / "data")
        await server.start()
        kiosk = kiosk_app(server, seeded, tmp_path, qapp)
        controller = kiosk.controller
        screens: Any = kiosk.view
        console = AskingConsole(console_options(server))
        clerk: asyncio.Future[dict[str, Any]] | None = None
        try:
            await kiosk.start()
            assert controller.signaling is not None
            await controller.signaling.wait_connected()
            screens.resize(1600, 900)
            pages = screens.lower.pages
            # welcome → choose the item → materials, all told at once → confirm
            click(pages[flow.Screen.WELCOME].start)
            assert state(controller) is flow.Screen.CHOOSE_ITEM
            # search by pinyin initials (长期护理保险申请 → cqhlbx), then tap the item
            choose = pages[flow.Screen.CHOOSE_ITEM]
            click(choose.by_search)
            for letter in "cqhlbx":
                choose.pad.type(letter)
            shown = [i.code for i in choose.grid.shown_items()]
            click(choose.grid.buttons[shown.index("YB-003")])
            assert state(controller) is flow.Screen.MATERIALS
            click(pages[flow.Screen.MATERIALS].confirm)
            assert state(controller) is flow.Screen.CARD
            # the card on the (simulated) reader: read on the reader's own thread
            reader = kiosk.devices.card_reader
            assert isinstance(reader, SimulatedCardReader)
            reader.insert()
            await eventually(lambda: state(controller) is flow.Screen.WAITING, "queued")
            waiting = pages[flow.Screen.WAITING]
            await eventually(
                lambda: waiting.position.text() == text("waiting.next"),
                lambda: f"live position on the waiting screen, not {waiting.position.text()!r}",
            )
            assert waiting.eta.text()
            # a clerk comes on duty: rung, accepts, real media both ways
            clerk = asyncio.ensure_future(console.run())
            await eventually(lambda: state(controller) is flow.Screen.IN_CALL, "call", 30)
            await eventually(lambda: "Alice" in screens.upper.clerk.text(), "clerk's name shown")
            panes = [w for w in QApplication.allWidgets() if isinstance(w, VideoPane)]
            await eventually(
                lambda: max(p.frames_painted for p in panes) >= 10, "the clerk's video painted"
            )
            # three pages asked for, then one again: four previews on the screen
            await eventually(lambda: len(controller._page_labels) >= 4, "pages", 60)
            strip = pages[flow.Screen.IN_CALL].strip
            await eventually(lambda: len(strip.thumbnails) >= 4, "page previews shown")
            # the form: check, sign on the pad with the finger, confirm
            await eventually(lambda: controller.session.form is not None, "form pushed")
            form_panel = pages[flow.Screen.IN_CALL].form_panel
            await eventually(form_panel.confirm.isVisible, "form shown")
            draw(form_panel.pad, [(40, 120), (120, 60), (200, 110), (300, 50)])
            assert not form_panel.pad.is_empty
            click(form_panel.confirm)
            await eventually(
                lambda: state(controller) is flow.Screen.RECEIPT,
                lambda: f"receipt (kiosk sent {controller.sent}; clerk saw {console.pages})",
                30,
            )
            signature = bytes(controller.vault.get("signature"))
            strokes = strokes_from_signature_png(signature)
            assert strokes is not None and len(strokes["strokes"][0]) >= 4
            receipt = controller.session.receipt
            assert receipt is not None
            click(pages[flow.Screen.RECEIPT].print)
            pdf = tmp_path / f"receipt-{receipt.case_number}.pdf"
            await eventually(pdf.exists, "receipt printed")
            summary = await clerk
            assert summary["pages"] == 4 and summary["case_number"] == receipt.case_number
            click(pages[flow.Screen.RECEIPT].done)
            assert state(controller) is flow.Screen.RATING
            rating = pages[flow.Screen.RATING]
            click(rating.faces[5])
            click(rating.submit)
            await eventually(lambda: ("records", "rating") in controller.sent, "rated")
            # wiped: nothing of the resident is left in the vault, on disk or on screen
            assert state(controller) is flow.Screen.GOODBYE
            assert controller.session.wipes[controller.session.session_no] == 1
            assert controller.vault.names() == []
            assert not list((tmp_path / "runtime").glob("session-*"))
            assert not strip.thumbnails and form_panel.pad.is_empty
            await eventually(
                lambda: state(controller) is flow.Screen.WELCOME, "back to welcome", 15
            )
        finally:
            if clerk is not None:
                clerk.cancel()
                await asyncio.gather(clerk, return_exceptions=True)
            await kiosk.close()
            await server.stop()

    run_qt(qapp, main, timeout=160)


def test_admin_exit_with_the_pin_ends_the_app(
    qapp: QApplication, database_url: str, seeded: Seed, tmp_path: Path
) -> None:
    status: list[int] = []

    async def main() -> None:
        server = full_server(database_url, tmp_path / "data")
        await server.start()
        kiosk = kiosk_app(server, seeded, tmp_path, qapp)
        try:
            run = asyncio.ensure_future(kiosk.run())
            await eventually(lambda: kiosk.controller.signaling is not None, "started")
            screens: Any = kiosk.view
            screens._check_pin("2468")
            status.append(await asyncio.wait_for(run, 10))
        finally:
            await server.stop()

    run_qt(qapp, main)
    assert status == [0]
