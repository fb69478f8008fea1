"""The whole clerk flow in the real console window (offscreen) against a real server with the
records service and a real headless kiosk peer over WebRTC on loopback."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QTableWidget
from sqlalchemy import select

from center.console import model
from kiosk.headless import DEMO_ID_NUMBER, HeadlessKiosk, KioskOptions
from shared import protocol as p
from shared.call.ice import IcePolicy
from shared.identity import mask_id_number
from signaling.store.models import AuditEvent
from tests.conftest import Seed
from tests.console.conftest import Console, RecordsServer, on_server, until

pytestmark = pytest.mark.timeout(150)


def kiosk_for(server: RecordsServer, seeded: Seed, tmp_path: Path, **options: Any) -> HeadlessKiosk:
    settings: dict[str, Any] = {
        "server_url": server.url,
        "credential": seeded.kiosk_credentials[0],
        "item_code": "YB-003",
        "pages": 3,
        "ice_policy": IcePolicy.loopback(),
        "runtime_root": tmp_path / "kiosk",
        "timeout_s": 120,
    }
    return HeadlessKiosk(KioskOptions(**{**settings, **options}))


async def go_available(console: Console) -> None:
    console.window.state_switch.available.click()
    await until(lambda: console.client.clerk.state == p.ClerkState.AVAILABLE, what="available")
    assert console.window.state_switch.available.isChecked()


async def answer_call(console: Console) -> model.CaseWork:
    window = console.window
    await until(window.ring_panel.isVisible, what="the ring")
    assert window.tone.playing
    assert "长期护理保险" in window.ring_panel.title.text()
    window.ring_panel.accept_button.click()
    await until(lambda: console.client.case is not None, what="the call")
    case = console.client.case
    assert case is not None
    assert not window.ring_panel.isVisible() and not window.tone.playing
    await until(lambda: case.case_number is not None, what="the case number")
    return case


def cell(table: QTableWidget, row: int, column: int) -> str:
    item = table.item(row, column)
    return item.text() if item is not None else ""


async def audits(server: RecordsServer, action: str, target: str) -> list[AuditEvent]:
    async def query() -> list[AuditEvent]:
        async with server.store.db.session() as session:
            rows = await session.scalars(
                select(AuditEvent).where(AuditEvent.action == action, AuditEvent.target == target)
            )
            return list(rows.all())

    return await on_server(server, query())


async def test_the_whole_clerk_flow_ends_with_a_recorded_case_and_a_receipt_at_the_kiosk(
    server: RecordsServer, seeded: Seed, consoles: Callable[..., Any], tmp_path: Path
) -> None:
    console: Console = await consoles("alice")
    window, client = console.window, console.client
    await go_available(console)
    kiosk = kiosk_for(server, seeded, tmp_path)
    visit = asyncio.ensure_future(kiosk.run())
    try:
        case = await answer_call(console)
        number = case.case_number
        assert number is not None and model.looks_like_case_number(number)

        # the resident on screen, large, and the clerk's own picture
        await until(lambda: window.video.frames_shown > 10, what="video frames")
        assert window.video.remote is not None and window.video.local is not None
        await until(lambda: client.quality.level in ("good", "fair"), what="quality")

        # the card, masked until revealed; the reveal is audited
        id_label = window.card_panel.values["id_number"]
        await until(lambda: id_label.text() == mask_id_number(DEMO_ID_NUMBER), what="card")
        assert window.card_panel.values["name"].text() == "演示居民"
        window.card_panel.reveal_button.click()
        await until(lambda: id_label.text() == DEMO_ID_NUMBER, what="reveal")
        assert [a.actor_id for a in await audits(server, "case.reveal", number)] == [
            client.staff.staff_id
        ]
        window.card_panel.reveal_button.click()
        assert id_label.text() == mask_id_number(DEMO_ID_NUMBER)

        # three pages arrive, are shown, and tick the materials checklist
        await until(lambda: len(window.viewer.images) == 3, what="three pages")
        assert case.checklist.done() == 3 and case.checklist.missing() == []
        assert len(window.checklist.boxes) == 3
        assert all(box.isChecked() for box in window.checklist.boxes)
        pages = case.material_pages()
        assert [p_.label for p_ in pages] == ["身份证正反面", "社保卡", "申请表"]

        # zoom and rotate the current page
        window.viewer.select(pages[0].page_id)
        fitted = window.viewer.shown_scale()
        window.viewer.zoom_in.click()
        assert window.viewer.shown_scale() > fitted
        window.viewer.full.click()
        assert window.viewer.shown_scale() == 1.0
        window.viewer.rotate.click()
        assert case.pages[pages[0].page_id].rotation == 90

        # the social-security card is blurred: ask for it again (chosen as a screen reader
        # chooses, by selecting it in the list without moving the current item)
        thumbs = window.viewer.thumbs
        wanted = next(
            thumbs.item(i)
            for i in range(thumbs.count())
            if thumbs.item(i).data(Qt.ItemDataRole.UserRole) == pages[1].page_id
        )
        thumbs.clearSelection()
        wanted.setSelected(True)
        assert window.viewer.current == pages[1].page_id
        window.viewer.rescan_button.click()
        await until(lambda: len(window.viewer.images) == 4, what="the rescanned page")
        assert case.pages[pages[1].page_id].status == model.PageStatus.RESCAN
        assert case.checklist.done() == 3

        # a page is rejected with a reason; it unticks its material, which the clerk ticks
        window.viewer.select(pages[0].page_id)
        window.viewer.reject_button.click()  # no reason: refused on the spot
        assert case.pages[pages[0].page_id].status == model.PageStatus.READY
        window.viewer.reason.setCurrentText("看不清")
        window.viewer.reject_button.click()
        await until(
            lambda: case.pages[pages[0].page_id].status == model.PageStatus.REJECTED,
            what="the rejection",
        )
        assert case.checklist.missing() == [case.checklist.entries[1].name] or (
            "身份证" in case.checklist.missing()
        )
        recorded = await client.records.get_case(number)
        review = {pg["page_id"]: pg["review"] for pg in recorded["pages"]}
        assert review[pages[0].page_id] == {**review[pages[0].page_id], "accepted": False}
        assert review[pages[0].page_id]["reason"] == "看不清"
        index = [e.name for e in case.checklist.entries].index("身份证")
        window.checklist.boxes[index].click()
        assert case.checklist.missing() == []
        for page in case.material_pages()[2:]:
            window.viewer.select(page.page_id)
            window.viewer.accept_button.click()
        await until(
            lambda: all(
                pg.status == model.PageStatus.ACCEPTED for pg in case.material_pages()[2:]
            ),
            what="accepted pages",
        )

        # accepted needs the resident's confirmation first
        window.outcome.close_button.click()
        assert "确认签字" in window.outcome.problem.text()

        # the form: filled from the card and the item, edited, pushed, confirmed and signed
        fields = window.form_panel.fields
        assert fields["name"].text() == "演示居民"
        assert fields["id_number"].text() == mask_id_number(DEMO_ID_NUMBER)
        fields["phone"].setText("13800000000")
        fields["phone"].textEdited.emit("13800000000")
        window.form_panel.push_button.click()
        await until(lambda: case.form_state == model.FormState.CONFIRMED, what="signature")
        await until(lambda: window.form_panel.signature.pixmap() is not None
                    and not window.form_panel.signature.pixmap().isNull(), what="signature image")
        recorded = await client.records.get_case(number)
        assert recorded["form"]["confirmed"] is True
        assert {"key": "phone", "label": "联系电话", "value": "13800000000"} in (
            recorded["form"]["fields"]
        )
        assert recorded["signature_page_id"] == case.signature_page_id

        # close as accepted: the records close the case, the kiosk gets the receipt
        window.outcome.choose(model.Outcome.ACCEPTED)
        window.outcome.close_button.click()
        summary = await asyncio.wait_for(visit, 30)
        assert summary["case_number"] == number
        assert kiosk.receipt is not None and kiosk.receipt.outcome == "accepted"
        await until(lambda: case.closed is not None, what="closed")
        assert number in window.outcome.result.text()
        recorded = await client.records.get_case(number)
        assert (recorded["status"], recorded["outcome"]) == ("closed", "accepted")
        page_count = len(recorded["pages"])
        # the resident's rating reaches the records whether or not it came before the hang-up
        # (the console shows it live only then: a loaded machine may take longer)
        deadline = asyncio.get_running_loop().time() + 30
        while not recorded.get("rating") and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.2)
            recorded = await client.records.get_case(number)
        assert recorded["rating"]["level"] == 5
        assert case.rating is None or case.rating.level == 5
        # the receipt's QR code opens the case's public status
        tracked = await client.records.track(kiosk.receipt.tracking_url)
        assert tracked["case_number"] == number

        # the call is over: wrap-up, then the next resident clears the screen
        await until(lambda: client.agent.session is None, what="hang-up")
        assert window.next_button.isEnabled()
        window.next_button.click()
        assert client.case is None and client.page_bytes == {}
        assert window.card_panel.values["name"].text() == "—"
        assert window.viewer.images == {}

        # and the case is found in the history
        window.tabs.setCurrentIndex(1)
        window.history.case_number.setText(number)
        window.history.go.click()
        await until(lambda: window.history.table.rowCount() == 1, what="history")
        assert cell(window.history.table, 0, 0) == number
        assert cell(window.history.table, 0, 5) == "受理"
        assert cell(window.history.table, 0, 6) == str(page_count) and page_count >= 4
    finally:
        if not visit.done():
            visit.cancel()


@pytest.mark.parametrize(
    "outcome", [model.Outcome.NEEDS_MORE, model.Outcome.CANNOT_BE_DONE, model.Outcome.REFERRED]
)
async def test_needs_more_cannot_be_done_and_referred_reach_the_kiosk_and_the_records(
    server: RecordsServer,
    seeded: Seed,
    consoles: Callable[..., Any],
    tmp_path: Path,
    outcome: model.Outcome,
) -> None:
    console: Console = await consoles("alice")
    window, client = console.window, console.client
    await go_available(console)
    kiosk = kiosk_for(server, seeded, tmp_path, pages=2)
    visit = asyncio.ensure_future(kiosk.run())
    try:
        case = await answer_call(console)
        number = case.case_number
        assert number is not None
        await until(lambda: len(window.viewer.images) == 2, what="two pages")
        missing_material = case.checklist.missing()
        assert len(missing_material) == 1
        window.case_tabs.setCurrentIndex(2)
        window.outcome.choose(outcome)
        if outcome == model.Outcome.NEEDS_MORE:
            # the material still missing is proposed; the clerk adds nothing else
            assert window.outcome.missing_box.isVisibleTo(window)
            assert window.outcome.choice().missing == tuple(missing_material)
        elif outcome == model.Outcome.REFERRED:
            window.outcome.close_button.click()
            assert "转介" in window.outcome.problem.text()
            window.outcome.referred_to.setCurrentText("区医保中心")
        else:
            window.outcome.close_button.click()
            assert "原因" in window.outcome.problem.text()
            window.outcome.reason.setText("需要本人到场核验")
        window.outcome.close_button.click()
        await asyncio.wait_for(visit, 30)
        receipt = kiosk.receipt
        assert receipt is not None and receipt.case_number == number
        assert receipt.outcome == str(outcome)
        recorded = await client.records.get_case(number)
        assert recorded["outcome"] == str(outcome)
        if outcome == model.Outcome.NEEDS_MORE:
            assert receipt.missing_materials == missing_material
            assert recorded["missing_materials"] == missing_material
        elif outcome == model.Outcome.REFERRED:
            assert "区医保中心" in receipt.note and recorded["referred_to"] == "区医保中心"
        else:
            assert "需要本人到场核验" in receipt.note
            follow_ups = await client.records.follow_ups("open")
            assert [f["reason"] for f in follow_ups] == ["需要本人到场核验"]
    finally:
        if not visit.done():
            visit.cancel()


async def join_queue(server: RecordsServer, seeded: Seed, peers: Callable[..., Any]) -> Any:
    kiosk = await peers(server.ws_url, seeded.kiosk_credentials[0])
    await kiosk.send(p.JoinQueue(item_code="YB-003", identified=True))
    return kiosk


async def test_declining_stops_the_ring_and_leaves_the_resident_waiting(
    server: RecordsServer, seeded: Seed, consoles: Callable[..., Any], peers: Callable[..., Any]
) -> None:
    console: Console = await consoles("alice")
    window = console.window
    await go_available(console)
    kiosk = await join_queue(server, seeded, peers)
    await until(window.ring_panel.isVisible, what="the ring")
    assert window.tone.playing
    # clerks have keyboards: Esc declines while it rings
    window.activateWindow()
    await until(window.isActiveWindow, what="the window to be active")
    QTest.keyClick(window, Qt.Key.Key_Escape)
    assert not window.ring_panel.isVisible() and not window.tone.playing
    await kiosk.quiet(p.CallStarted, 0.5)
    assert console.client.case is None


async def test_an_unanswered_ring_stops_and_the_clerk_is_set_away(
    server: RecordsServer, seeded: Seed, consoles: Callable[..., Any], peers: Callable[..., Any]
) -> None:
    console: Console = await consoles("alice")
    window = console.window
    await go_available(console)
    await join_queue(server, seeded, peers)
    await until(window.ring_panel.isVisible, what="the ring")
    assert "秒内未接听" in window.ring_panel.countdown.text()
    await until(lambda: not window.ring_panel.isVisible(), what="the ring timing out")
    assert not window.tone.playing
    assert any("无人接听" in text for text in window.notices)
    await until(lambda: console.client.clerk.state == p.ClerkState.AWAY, what="away")
    assert window.state_switch.away.isChecked()


async def test_a_resident_who_leaves_mid_call_can_still_be_recorded_as_cannot_be_done(
    server: RecordsServer, seeded: Seed, consoles: Callable[..., Any], peers: Callable[..., Any]
) -> None:
    console: Console = await consoles("alice")
    window, client = console.window, console.client
    await go_available(console)
    kiosk = await join_queue(server, seeded, peers)
    await until(window.ring_panel.isVisible, what="the ring")
    window.ring_panel.accept_button.click()
    call = (await kiosk.expect(p.CallStarted)).call
    await until(lambda: client.case is not None and client.case.case_number, what="the case")
    case = client.case
    assert case is not None and case.case_number is not None
    await kiosk.send(p.Hangup(call_id=call.call_id))
    await until(lambda: client.agent.session is None, what="the call to end")
    assert "通话已结束" in window.notices[-1]
    assert "通话已结束" in window.call_title.text()
    assert not window.hangup_button.isEnabled() and window.next_button.isEnabled()
    window.outcome.choose(model.Outcome.CANNOT_BE_DONE)
    window.outcome.reason.setText("居民中途离开")
    window.outcome.close_button.click()
    await until(lambda: case.closed is not None, what="closed")
    recorded = await client.records.get_case(case.case_number)
    assert (recorded["outcome"], recorded["reason"]) == ("cannot_be_done", "居民中途离开")


async def test_a_broken_connection_shows_reconnecting_over_the_picture(
    server: RecordsServer, seeded: Seed, consoles: Callable[..., Any], tmp_path: Path
) -> None:
    console: Console = await consoles("alice")
    window, client = console.window, console.client
    await go_available(console)
    kiosk = kiosk_for(server, seeded, tmp_path, pages=0)
    visit = asyncio.ensure_future(kiosk.run())
    try:
        await answer_call(console)
        await until(lambda: window.video.frames_shown > 10, what="video")
        await until(lambda: window.video.banner == "", what="no banner")
        assert "通话质量" in window.video.quality_text
        session = kiosk.agent.session
        assert session is not None and session._pc is not None
        # a peer connection that merely closes is replaced at once, the picture goes on
        frames = window.video.frames_shown
        await session._pc.close()
        await until(lambda: window.video.frames_shown > frames + 10, what="video again")
        # the kiosk goes away altogether (its network, a crash): the console says so
        visit.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await visit
        await until(lambda: window.video.banner == "网络不稳，正在重连…", what="reconnecting")
        assert "重连" in window.video.quality_text
        assert client.quality.level == "reconnecting"
    finally:
        visit.cancel()
