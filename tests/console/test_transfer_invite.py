"""Transfer to another business line, and a third party invited into the call, between two
real console windows (the kiosk is a protocol-level peer: these are the consoles' parts)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QDialog

from center.console.window import ConsoleWindow, TargetDialog
from shared import protocol as p
from tests.conftest import Seed
from tests.console.conftest import Console, RecordsServer, until


async def in_call(
    server: RecordsServer, seeded: Seed, consoles: Callable[..., Any], peers: Callable[..., Any]
) -> tuple[Console, Console, Any]:
    """Alice in a call with kiosk 1 (医保), Carol (民政) available."""
    alice: Console = await consoles("alice")
    carol: Console = await consoles("carol")
    for console in (alice, carol):
        console.window.state_switch.available.click()
    await until(
        lambda: all(c.client.clerk.state == p.ClerkState.AVAILABLE for c in (alice, carol)),
        what="both available",
    )
    kiosk = await peers(server.ws_url, seeded.kiosk_credentials[0])
    await kiosk.send(p.JoinQueue(item_code="YB-003", identified=True))
    await until(alice.window.ring_panel.isVisible, what="the ring")
    alice.window.ring_panel.accept_button.click()
    await until(lambda: alice.client.case is not None and alice.client.case.case_number)
    await until(lambda: alice.window.transfer_button.isEnabled(), what="call controls")
    return alice, carol, kiosk


async def choose(window: ConsoleWindow, kind: str, value: str, note: str) -> TargetDialog:
    # the dialog opens once the clerks' current states are in
    await until(
        lambda: window.target_dialog is not None and window.target_dialog.isVisible(),
        what="the dialog",
    )
    dialog = window.target_dialog
    assert isinstance(dialog, TargetDialog)
    index = next(
        i for i in range(dialog.target.count()) if dialog.target.itemData(i) == (kind, value)
    )
    dialog.target.setCurrentIndex(index)
    dialog.note.setText(note)
    dialog.done(QDialog.DialogCode.Accepted)
    window.target_dialog = None
    return dialog


async def test_transfer_to_another_business_line_rings_its_clerk_with_the_note(
    server: RecordsServer, seeded: Seed, consoles: Callable[..., Any], peers: Callable[..., Any]
) -> None:
    alice, carol, kiosk = await in_call(server, seeded, consoles, peers)
    number = alice.client.case.case_number if alice.client.case else None
    alice.window.transfer_button.click()
    await choose(alice.window, "skill", "minzheng", "要办民政的事")
    await until(carol.window.ring_panel.isVisible, what="carol's ring")
    panel = carol.window.ring_panel
    assert panel.title.text().startswith("转接来电")
    assert panel.note.text() == "来自 Alice：要办民政的事"
    await until(lambda: alice.client.agent.session is None, what="alice's call to end")
    assert any("已转接" in text for text in alice.window.notices)
    assert (await kiosk.expect(p.CallEnded)).reason == p.EndReason.TRANSFERRED
    assert number is not None
    timeline = (await alice.client.records.get_case(number))["timeline"]
    assert any(e["kind"] == "transfer" and "minzheng" in e["detail"] for e in timeline)


async def test_an_invited_expert_joins_with_video_and_leaves_while_the_call_goes_on(
    server: RecordsServer, seeded: Seed, consoles: Callable[..., Any], peers: Callable[..., Any]
) -> None:
    alice, carol, kiosk = await in_call(server, seeded, consoles, peers)
    await until(lambda: alice.client.clerks, what="the clerk directory")
    carol_id = carol.client.staff.staff_id
    alice.window.invite_button.click()
    dialog = await choose(alice.window, "clerk", carol_id, "请协助")
    # the list says how each colleague is, in words, as it is now
    assert any(
        dialog.target.itemText(i).endswith("（空闲）") for i in range(dialog.target.count())
    )
    await until(carol.window.ring_panel.isVisible, what="carol's invitation")
    assert carol.window.ring_panel.title.text().startswith("邀请加入通话")
    await until(lambda: "正在邀请" in alice.window.invite_label.text(), what="ringing status")
    carol.window.ring_panel.accept_button.click()
    await until(lambda: len(carol.client.guest_legs) == 2, what="carol's two legs")
    await until(lambda: len(alice.client.guest_legs) == 1, what="alice's leg with carol")
    # the consoles see each other beside the resident
    await until(lambda: alice.window.video.guest is not None, what="carol's video at alice")
    await until(lambda: carol.window.video.guest is not None, what="alice's video at carol")
    assert carol.window.leave_button.isVisible()
    assert "已加入" in alice.window.invite_label.text()
    carol.window.leave_button.click()
    await until(lambda: not alice.client.guest_legs and not carol.client.guest_legs, what="left")
    assert alice.client.agent.session is not None  # the resident's call goes on
    await until(lambda: alice.window.video.guest is None, what="carol's picture gone")
    assert not carol.window.leave_button.isVisible()
    await kiosk.expect(p.CallEnded)  # the kiosk's leg with carol


async def test_the_clerk_asks_the_expert_to_leave_and_the_call_goes_on(
    server: RecordsServer, seeded: Seed, consoles: Callable[..., Any], peers: Callable[..., Any]
) -> None:
    alice, carol, kiosk = await in_call(server, seeded, consoles, peers)
    await until(lambda: alice.client.clerks, what="the clerk directory")
    assert not alice.window.remove_guest_button.isVisible()
    alice.window.invite_button.click()
    await choose(alice.window, "clerk", carol.client.staff.staff_id, "请协助")
    await until(carol.window.ring_panel.isVisible, what="carol's invitation")
    carol.window.ring_panel.accept_button.click()
    await until(lambda: len(alice.client.guest_legs) == 1, what="alice's leg with carol")
    await until(alice.window.remove_guest_button.isVisible, what="the remove button")
    assert not carol.window.remove_guest_button.isVisible()  # the expert leaves instead
    alice.window.remove_guest_button.click()
    await until(lambda: not carol.client.guest_legs, what="carol's legs to end")
    await until(lambda: "已移出" in alice.window.invite_label.text(), what="removed status")
    assert not alice.window.remove_guest_button.isVisible()
    assert alice.client.agent.session is not None  # the resident's call goes on
    await kiosk.expect(p.CallEnded)  # the kiosk's leg with carol
