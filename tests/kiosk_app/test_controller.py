"""The kiosk controller on a real server, a real clerk console and real calls, with the
simulated devices; the screens are a recording stand-in here (the whole visit on the real
screens is test_whole_visit.py)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from PySide6.QtWidgets import QApplication

from kiosk import flow
from kiosk.devices.base import DeviceKind
from kiosk.devices.cards.simulated import SimulatedCardReader
from kiosk.ui import view_api as v
from kiosk.ui.controller import (
    KioskController,
    signature_png_with_strokes,
    strokes_from_signature_png,
)
from shared import protocol as p
from shared.records_client import RecordsClient
from tests.calls.test_third_party import Side
from tests.conftest import Peer, Seed, TestServer
from tests.kiosk_app.helpers import (
    STROKES,
    AskingConsole,
    RecordingView,
    console_options,
    controller_options,
    eventually,
    full_server,
    run_qt,
    signature_png,
    simulated_devices,
    state,
)

pytestmark = pytest.mark.timeout(150)


def item(controller: KioskController, code: str = "YB-003") -> Any:
    return next(i for i in controller.catalog if i.code == code)


async def start_kiosk(
    server: TestServer,
    seeded: Seed,
    tmp_path: Path,
    view: RecordingView,
    devices: Any = None,
    **flow_changes: Any,
) -> KioskController:
    devices = devices or simulated_devices(tmp_path)
    await devices.start()
    options = controller_options(server, seeded, tmp_path, **flow_changes)
    controller = KioskController(view, options, devices)
    await controller.start()
    assert controller.signaling is not None
    await controller.signaling.wait_connected()
    return controller


async def stop_kiosk(controller: KioskController) -> None:
    await controller.close()
    await controller.devices.close()


async def to_waiting(controller: KioskController, view: RecordingView) -> None:
    view.touch(flow.Touched())
    view.touch(flow.ItemChosen(item(controller)))
    view.touch(flow.MaterialsConfirmed())
    reader = controller.devices.card_reader
    assert isinstance(reader, SimulatedCardReader)
    reader.insert()
    # with a clerk already free, the call may start before a poll sees WAITING
    await eventually(
        lambda: flow.Screen.WAITING in view.states,
        lambda: f"queued (at {state(controller)}, told {view.messages}, sent {controller.sent})",
    )


async def follow_ups(server: TestServer) -> list[dict[str, Any]]:
    async with aiohttp.ClientSession() as http:
        records = RecordsClient(server.url, await server.login("sue"), http)
        return await records.follow_ups()


def test_whole_visit_through_the_controller(
    qapp: QApplication, database_url: str, seeded: Seed, tmp_path: Path
) -> None:
    view = RecordingView()

    async def main() -> None:
        server = full_server(database_url, tmp_path / "data")
        await server.start()
        controller = await start_kiosk(server, seeded, tmp_path, view)
        console = AskingConsole(console_options(server))
        clerk = asyncio.ensure_future(console.run())
        try:
            assert any(i.code == "YB-003" for i in view.catalog)
            await to_waiting(controller, view)
            assert controller.session.priority is p.Priority.PRIORITY  # born 1949
            await eventually(lambda: state(controller) is flow.Screen.IN_CALL, "call", 30)
            await eventually(lambda: view.remote_frames >= 10, "clerk's video on the screen")
            await eventually(lambda: view.local_frames >= 3, "own picture on the screen")
            assert view.last_remote is not None and view.last_remote.width() == 640
            status = view.statuses[-1]
            assert status.clerk_name == "Alice" and status.window_no == "1"
            # three pages asked for one by one, then one asked again: four previews
            await eventually(lambda: len(view.previews) >= 4, "pages scanned and previewed", 60)
            labels = sorted(label for _, label in view.previews.values())
            assert labels.count("户口簿") == 2 and "申请表" in labels
            assert all(not image.isNull() for image, _ in view.previews.values())
            assert view.messages.count("call.place_page") == 4
            await eventually(lambda: view.form is not None, "form pushed")
            assert view.form is not None
            assert ("申请人", "张示例") in view.form.fields
            view.touch(
                v.SignatureSubmitted(view.form.form_id, signature_png(), STROKES, 400, 160)
            )
            await eventually(lambda: state(controller) is flow.Screen.RECEIPT, "receipt")
            assert controller.session.receipt is not None
            case_number = controller.session.receipt.case_number
            view.touch(flow.PrintRequested())
            pdf = tmp_path / f"receipt-{case_number}.pdf"
            await eventually(pdf.exists, "receipt printed")
            summary = await clerk
            assert summary["pages"] == 4 and summary["case_number"] == case_number
            assert summary["card"] == "110***********002X"
            view.touch(flow.ReceiptDone())
            assert state(controller) is flow.Screen.RATING
            view.touch(flow.RatingGiven(4, ("rating.reason.friendly",)))
            await eventually(lambda: ("records", "rating") in controller.sent, "rating recorded")
            assert state(controller) is flow.Screen.GOODBYE
            assert view.wipes == 1 and controller.session.wipes[1] == 1
            assert not view.previews and view.form is None
            assert controller.vault.names() == []
            assert not list((tmp_path / "runtime").glob("session-*"))
            assert view.handler is not None
            view.handler(flow.Touched())
            assert state(controller) is flow.Screen.WELCOME
        finally:
            clerk.cancel()
            await asyncio.gather(clerk, return_exceptions=True)
            await stop_kiosk(controller)
            await server.stop()

    run_qt(qapp, main, timeout=140)
    assert view.states[:6] == [
        flow.Screen.WELCOME,
        flow.Screen.CHOOSE_ITEM,
        flow.Screen.MATERIALS,
        flow.Screen.CARD,
        flow.Screen.WAITING,
        flow.Screen.IN_CALL,
    ]


def test_walk_away_while_waiting_leaves_the_queue_and_wipes(
    qapp: QApplication, database_url: str, seeded: Seed, tmp_path: Path
) -> None:
    view = RecordingView()

    async def main() -> None:
        server = full_server(database_url, tmp_path / "data")
        await server.start()
        controller = await start_kiosk(server, seeded, tmp_path, view, walkaway_s=0.5)
        try:
            await to_waiting(controller, view)  # no clerk on duty: the resident waits
            await eventually(lambda: controller.session.queue_position == 1, "position shown")
            reader = controller.devices.card_reader
            assert isinstance(reader, SimulatedCardReader)
            reader.remove()
            await eventually(lambda: view.wipes == 1, "walk-away ended the session", 5)
            assert state(controller) is flow.Screen.WELCOME
            assert controller.session.end_reason == "walked_away"
            await eventually(lambda: ("signaling", "queue.leave") in controller.sent, "left")
            assert controller.vault.names() == []
        finally:
            await stop_kiosk(controller)
            await server.stop()

    run_qt(qapp, main)


def test_timeout_goes_home_with_a_wipe(
    qapp: QApplication, database_url: str, seeded: Seed, tmp_path: Path
) -> None:
    view = RecordingView()
    timeouts = dict(flow.DEFAULT_TIMEOUTS) | {flow.Screen.MATERIALS: 0.3}

    async def main() -> None:
        server = full_server(database_url, tmp_path / "data")
        await server.start()
        controller = await start_kiosk(server, seeded, tmp_path, view, timeouts=timeouts)
        try:
            view.touch(flow.Touched())
            view.touch(flow.ItemChosen(item(controller)))
            assert controller.session.seconds_left(controller.clock()) is not None
            await eventually(lambda: view.wipes == 1, "timed out", 5)
            assert controller.session.end_reason == "timeout_materials"
            assert state(controller) is flow.Screen.WELCOME
        finally:
            await stop_kiosk(controller)
            await server.stop()

    run_qt(qapp, main)


def test_missing_card_reader_lets_the_clerk_verify_identity(
    qapp: QApplication, database_url: str, seeded: Seed, tmp_path: Path
) -> None:
    view = RecordingView()

    async def main() -> None:
        server = full_server(database_url, tmp_path / "data")
        await server.start()
        devices = simulated_devices(tmp_path, card_reader="nosuchreader")
        controller = await start_kiosk(server, seeded, tmp_path, view, devices)
        try:
            assert not devices.status[DeviceKind.CARD_READER].ok
            view.touch(flow.Touched())
            view.touch(flow.ItemChosen(item(controller)))
            view.touch(flow.MaterialsConfirmed())
            assert "card.reader_unavailable.clerk_will_verify" in view.messages
            assert controller.session.skip_allowed
            view.touch(flow.SkipCard())
            assert state(controller) is flow.Screen.WAITING
            await eventually(lambda: controller.session.queue_position, "queued unidentified")
            view.touch(flow.Back())  # changed their mind: leaves the queue
            await eventually(lambda: ("signaling", "queue.leave") in controller.sent, "left")
        finally:
            await stop_kiosk(controller)
            await server.stop()

    run_qt(qapp, main)


def test_scanner_and_printer_failures_show_the_way_forward_and_cannot_be_done_is_recorded(
    qapp: QApplication, database_url: str, seeded: Seed, tmp_path: Path
) -> None:
    view = RecordingView()

    async def main() -> None:
        server = full_server(database_url, tmp_path / "data")
        await server.start()
        devices = simulated_devices(tmp_path, scanner=f"folder:{tmp_path / 'absent'}", printer="")
        controller = await start_kiosk(server, seeded, tmp_path, view, devices)
        console = AskingConsole(console_options(server, pages_expected=1, rescan=False))
        clerk = asyncio.ensure_future(console.run())
        try:
            await to_waiting(controller, view)
            await eventually(lambda: state(controller) is flow.Screen.IN_CALL, "call", 30)
            await eventually(
                lambda: "device.scanner.failed.clerk_will_help" in view.messages, "scan failed"
            )
            assert state(controller) is flow.Screen.IN_CALL  # the call goes on
            assert not view.previews
            view.touch(flow.CannotBeDone("cannot_be_done.device_failed"))
            assert "cannot_be_done.recorded" in view.messages
            await eventually(
                lambda: ("records", "cannot_be_done") in controller.sent, "办不成事 recorded"
            )
            reasons = [f["reason"] for f in await follow_ups(server)]
            assert "cannot_be_done.device_failed" in reasons
            # the clerk ends the call without the pages: rating, then home
            view.touch(flow.HangUpPressed())
            assert state(controller) is flow.Screen.RATING
            view.touch(flow.Back())
            assert view.wipes == 1
        finally:
            clerk.cancel()
            await asyncio.gather(clerk, return_exceptions=True)
            await stop_kiosk(controller)
            await server.stop()

    run_qt(qapp, main)


def test_cannot_be_done_without_a_call_is_recorded_for_the_kiosk(
    qapp: QApplication, database_url: str, seeded: Seed, tmp_path: Path
) -> None:
    view = RecordingView()

    async def main() -> None:
        server = full_server(database_url, tmp_path / "data")
        await server.start()
        controller = await start_kiosk(server, seeded, tmp_path, view)
        try:
            # a 办不成事 after the session's call is gone goes to the kiosk's record
            command = flow.SendCannotBeDone("cannot_be_done.too_slow", "YB-003", None)
            await controller._send_cannot_be_done(command, None)
            follow = [f for f in await follow_ups(server) if f["reason"] == command.reason]
            assert follow and follow[0]["item_code"] == "YB-003"
        finally:
            await stop_kiosk(controller)
            await server.stop()

    run_qt(qapp, main)


def test_view_intents(qapp: QApplication, database_url: str, seeded: Seed, tmp_path: Path) -> None:
    view = RecordingView()
    exits: list[bool] = []
    languages: list[str] = []

    async def main() -> None:
        server = full_server(database_url, tmp_path / "data")
        await server.start()
        devices = simulated_devices(tmp_path)
        await devices.start()
        controller = KioskController(
            view,
            controller_options(server, seeded, tmp_path),
            devices,
            on_exit=lambda: exits.append(True),
            on_language=languages.append,
        )
        await controller.start()
        try:
            view.touch(v.ElderlyModeChosen(True))
            view.touch(v.LanguageChosen("en"))
            view.touch(v.AdminExitRequested())
            assert view.elderly and view.language == "en" and languages == ["en"]
            assert exits == [True]
        finally:
            await stop_kiosk(controller)
            await server.stop()

    run_qt(qapp, main)


def test_signature_png_carries_its_strokes() -> None:
    app = QApplication.instance() or QApplication([])
    assert app is not None
    png = signature_png()
    signed = signature_png_with_strokes(png, STROKES, 400, 160)
    data = strokes_from_signature_png(signed)
    assert data is not None and data["width"] == 400
    assert data["strokes"][1][1] == [380.0, 130.0, 620]
    from PySide6.QtGui import QImage

    image = QImage.fromData(signed)
    assert (image.width(), image.height()) == (400, 160)  # still a valid PNG
    assert strokes_from_signature_png(png) is None
    with pytest.raises(ValueError):
        signature_png_with_strokes(b"not a png", STROKES, 1, 1)


def test_a_transferred_call_waits_again_for_the_same_item_without_a_wipe(
    qapp: QApplication, database_url: str, seeded: Seed, tmp_path: Path
) -> None:
    view = RecordingView()

    async def main() -> None:
        server = full_server(database_url, tmp_path / "data")
        await server.start()
        controller = await start_kiosk(server, seeded, tmp_path, view)
        clerks: list[Peer] = []
        try:
            alice = await Peer.connect(server.ws_url, await server.login("alice"))
            clerks.append(alice)
            await alice.send(p.SetClerkState(state="available"))
            await to_waiting(controller, view)
            ring = await alice.expect(p.Ring)
            await alice.send(p.AcceptCall(request_id=ring.request_id))
            await eventually(lambda: state(controller) is flow.Screen.IN_CALL, "first call")
            first = controller.session.call
            assert first is not None and first.peer_name == "Alice"
            await alice.send(p.TransferCall(call_id=first.call_id, skill="yibao", note="医保"))
            await eventually(lambda: state(controller) is flow.Screen.WAITING, "waiting again")
            assert "call.ended.transferred" in view.messages
            assert view.wipes == 0 and controller.session.item is not None
            assert controller.session.item.code == "YB-003"
            assert controller.vault.names()  # the card is still there for the next clerk
            bob = await Peer.connect(server.ws_url, await server.login("bob"))
            clerks.append(bob)
            await bob.send(p.SetClerkState(state="available"))
            ring = await bob.expect(p.Ring, timeout=10)
            await bob.send(p.AcceptCall(request_id=ring.request_id))
            await eventually(lambda: state(controller) is flow.Screen.IN_CALL, "second call")
            second = controller.session.call
            assert second is not None and second.peer_name == "Bob"
            assert view.wipes == 0
        finally:
            for clerk in clerks:
                await clerk.close()
            await stop_kiosk(controller)
            await server.stop()

    run_qt(qapp, main)


def test_an_invited_expert_appears_beside_the_clerk_and_leaves_again(
    qapp: QApplication, database_url: str, seeded: Seed, tmp_path: Path
) -> None:
    """Real media on every leg: the clerk and the expert are CallAgents of their own."""
    view = RecordingView()

    async def main() -> None:
        server = full_server(database_url, tmp_path / "data")
        await server.start()
        controller = await start_kiosk(server, seeded, tmp_path, view)
        alice = Side("alice", server, await server.login("alice"))
        carol = Side("carol", server, await server.login("carol"))
        try:
            await alice.start()
            carol_id = (await carol.start()).subject_id
            await alice.signaling.send(p.SetClerkState(state="available"))
            await to_waiting(controller, view)
            ring = await alice.expect(p.Ring)
            await alice.signaling.send(p.AcceptCall(request_id=ring.request_id))
            await eventually(lambda: state(controller) is flow.Screen.IN_CALL, "in call", 20)
            main_call = controller.session.call
            assert main_call is not None
            # available only now, so the resident's ring went to alice
            await carol.signaling.send(p.SetClerkState(state="available"))
            await carol.expect(p.ClerkStatus, lambda s: s.state == p.ClerkState.AVAILABLE)
            await alice.signaling.send(
                p.InviteToCall(call_id=main_call.call_id, clerk_id=carol_id, note="残联")
            )
            invite = await carol.expect(p.Ring, lambda r: r.kind == "invite")
            await carol.signaling.send(p.AcceptCall(request_id=invite.request_id))
            await eventually(lambda: view.guests == ["Carol"], "the expert's name", 20)
            await eventually(lambda: view.guest_frames >= 3, "the expert's picture", 30)
            assert state(controller) is flow.Screen.IN_CALL
            remote_before = view.remote_frames
            await carol.signaling.send(p.LeaveCall(call_id=main_call.call_id))
            await eventually(lambda: view.guests == ["Carol", None], "the expert gone", 20)
            # the clerk's call goes on, pictures and all
            await eventually(lambda: view.remote_frames > remote_before + 3, "clerk's video", 20)
            assert state(controller) is flow.Screen.IN_CALL and view.wipes == 0
        finally:
            for side in (alice, carol):
                await side.close()
            await stop_kiosk(controller)
            await server.stop()

    run_qt(qapp, main)


def test_a_lost_server_link_shows_reconnecting_and_the_wait_goes_on(
    qapp: QApplication, database_url: str, seeded: Seed, tmp_path: Path
) -> None:
    view = RecordingView()

    async def main() -> None:
        server = full_server(database_url, tmp_path / "data")
        await server.start()
        controller = await start_kiosk(server, seeded, tmp_path, view)
        try:
            await to_waiting(controller, view)
            await eventually(lambda: controller.session.queue_position == 1, "queued")
            await server.restart()
            await eventually(
                lambda: any(s.reconnecting for s in view.statuses), "reconnecting shown", 10
            )
            assert controller.signaling is not None
            await controller.signaling.wait_connected(30)
            await eventually(lambda: not view.statuses[-1].reconnecting, "back", 10)
            assert state(controller) is flow.Screen.WAITING and view.wipes == 0
            # the request goes on (resumed, or joined again with the same terms)
            joins = [m for m in controller.sent if m == ("signaling", "queue.join")]
            await eventually(lambda: controller._request_id is not None, "request known", 10)
            assert len(joins) in (1, 2)
        finally:
            await stop_kiosk(controller)
            await server.stop()

    run_qt(qapp, main)
