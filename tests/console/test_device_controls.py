"""The clerk's device controls in the real console window (offscreen), against a real server
with the records service and the real kiosk app (its screens, controller, simulated card
reader and scanner, receipts to PDF) over WebRTC on loopback: each control is found by its
accessible name and clicked; the kiosk does it for real; the case's timeline records it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from center.console import model
from kiosk import flow
from kiosk.config import DevicesConfig, KioskConfig, ScreensConfig
from kiosk.devices.base import CardType
from kiosk.devices.cards.simulated import SimulatedCardReader
from kiosk.ui.app import AppOptions, KioskApp
from shared import protocol as p
from shared.call.ice import IcePolicy
from tests.conftest import Seed
from tests.console.conftest import Console, RecordsServer, until

pytestmark = pytest.mark.timeout(240)

ITEM = "YB-003"


def by_name(root: QWidget, name: str) -> QWidget:
    """The one widget under ``root`` whose accessible name is ``name``."""
    found = [w for w in root.findChildren(QWidget) if w.accessibleName() == name]
    assert len(found) == 1, f"{len(found)} widgets named {name!r}"
    return found[0]


def click(qtbot: QtBot, root: QWidget, name: str) -> None:
    widget = by_name(root, name)
    assert widget.isVisible() and widget.isEnabled(), name
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)  # type: ignore[no-untyped-call]


def card_type(case: model.CaseWork) -> str:
    """The card the console has now (read through a call: the card is replaced)."""
    return case.card.card_type if case.card is not None else ""


def kiosk_app(server: RecordsServer, seeded: Seed, tmp_path: Path) -> KioskApp:
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
        screens=ScreensConfig(upper=0, lower=0, fullscreen=False, admin_pin="", voice=False),
    )
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    return KioskApp(
        config,
        AppOptions(
            credential=seeded.kiosk_credentials[0],
            ice_policy=IcePolicy.loopback(),
            # time to see the prompt on the kiosk's screen before the page is taken
            scan_delay_s=1.5,
        ),
        app=app,
        controller_options={
            "tick_s": 0.2,
            # no card in time for the second reread: told within a short wait
            "card_again_s": 3.0,
            # the card comes off the reader during the call: no walk-away meanwhile
            "flow": flow.FlowConfig(walkaway_s=3600),
        },
    )


async def test_the_clerk_asks_for_a_material_rereads_the_card_and_has_the_receipt_printed(
    server: RecordsServer,
    seeded: Seed,
    consoles: Callable[..., Any],
    tmp_path: Path,
    qtbot: QtBot,
) -> None:
    console: Console = await consoles("alice")
    window, client = console.window, console.client
    click(qtbot, window, "空闲接听")
    await until(lambda: client.clerk.state == p.ClerkState.AVAILABLE, what="available")

    kiosk = kiosk_app(server, seeded, tmp_path)
    controller = kiosk.controller
    await kiosk.start()
    try:
        # the resident: the item, materials confirmed, the ID card on the reader, waiting
        item = next(i for i in controller.catalog if i.code == ITEM)
        controller.feed(flow.Touched())
        controller.feed(flow.ItemChosen(item))
        controller.feed(flow.MaterialsConfirmed())
        reader = kiosk.devices.card_reader
        assert isinstance(reader, SimulatedCardReader)
        reader.insert()
        await until(lambda: controller.session.state is flow.Screen.WAITING, what="queued")

        await until(window.ring_panel.isVisible, what="the ring")
        click(qtbot, window, "接听")
        await until(lambda: controller.session.state is flow.Screen.IN_CALL, what="in call")
        await until(
            lambda: client.case is not None and client.case.case_number is not None,
            what="the case",
        )
        case = client.case
        assert case is not None and case.case_number is not None
        number = case.case_number
        valid_to = window.card_panel.values["valid_to"]
        await until(lambda: valid_to.text() == "长期", what="the card read at the start")
        assert card_type(case) == "resident_id"
        # the resident takes the card back, as the kiosk tells them
        reader.remove()

        # 请拍摄/扫描 on a missing material: the kiosk asks for it by name, the page
        # arrives labelled with it and ticks it
        names = [entry.name for entry in case.checklist.entries]
        assert "身份证" in names
        assert all(by_name(window, "请拍摄/扫描：" + name).isVisible() for name in names)
        click(qtbot, window, "请拍摄/扫描：身份证")
        in_call = kiosk.view.lower.pages[flow.Screen.IN_CALL]  # type: ignore[attr-defined]
        await until(lambda: controller.session.page_request == "身份证", what="the prompt")
        await until(
            lambda: in_call.page_note.isVisible() and in_call.page_note.text() == "身份证",
            what="the material's name on the kiosk's screen",
        )
        await until(lambda: len(window.viewer.images) == 1, what="the page")
        page = case.material_pages()[0]
        assert page.label == "身份证"
        index = names.index("身份证")
        await until(lambda: window.checklist.boxes[index].isChecked(), what="ticked")
        assert not by_name(window, "请拍摄/扫描：身份证").isVisible()
        assert window.viewer.thumbs.item(0).text().startswith("1. 身份证")
        assert case.requested == {}

        # 重新读卡: the kiosk asks for the card and reads what is put on its reader now
        click(qtbot, window, "重新读卡")
        await until(lambda: window.card_panel.reading.text() != "", what="waiting for the card")
        reader.insert(CardType.SOCIAL_SECURITY)
        await until(lambda: valid_to.text() == "2099-12-31", what="the fresh card")
        assert card_type(case) == "social"
        assert window.card_panel.reading.text() == ""

        # and when no card comes, the kiosk says so and the console shows a plain notice
        reader.remove()
        click(qtbot, window, "重新读卡")
        await until(
            lambda: any("没有放上身份证" in notice for notice in window.notices),
            what="the notice that no card came",
        )
        assert window.card_panel.reading.text() == ""

        # 打印回执 goes with the receipt: the kiosk prints it as it arrives
        window.case_tabs.setCurrentIndex(2)
        window.outcome.choose(model.Outcome.NEEDS_MORE)
        printing = by_name(window, "打印回执")
        assert printing.isVisible() and printing.isEnabled()
        assert window.outcome.print_receipt.isChecked()
        click(qtbot, window, "办结并发送回执")
        pdf = tmp_path / f"receipt-{number}.pdf"
        await until(pdf.exists, what="the receipt printed", timeout=40)
        await until(lambda: case.closed is not None, what="closed")

        # each action is on the case's timeline
        recorded = await client.records.get_case(number)
        events = [(e["kind"], e.get("detail", "")) for e in recorded["timeline"]]
        assert ("page_requested", "身份证") in events
        assert [kind for kind, _ in events].count("card_reread") == 2
        assert ("print_requested", "needs_more") in events
    finally:
        await kiosk.close()
