"""The whole visit through the real windows of ``vwindow demo``, with input events only.

Each test starts the README's demo on its own Xvfb desktop and plays it through AT-SPI (the
accessible names a screen reader reads) and xdotool; screenshots of every step are kept in
``tests/acceptance/artifacts/<test>/`` (or under ``$VWINDOW_ACCEPTANCE_ARTIFACTS``), with
``durations.json`` (seconds since the test's start at each step).
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from tests.acceptance.harness import (
    CALL_S,
    STEP_S,
    VWINDOW,
    App,
    Demo,
    Desktop,
    Driver,
    Shots,
    wait_for,
)
from tests.acceptance.visit import (
    ITEM_DEPARTMENT,
    SECOND_CLERK,
    SECOND_CLERK_NAME,
    Visit,
    decode_receipt,
    vault_leftovers,
)

pytestmark = [pytest.mark.acceptance, pytest.mark.timeout(1200)]


def _runtime_dir(desktop: Desktop) -> Path:
    return Path(desktop.env["XDG_RUNTIME_DIR"])


def _in_call(visit: Visit) -> None:
    """Resident in the queue with the card read, clerk logged in, available, accepted."""
    visit.start_at_kiosk()
    visit.pick_item_by_department()
    visit.read_materials()
    visit.confirm_materials()
    visit.put_card_on()
    visit.see_queue_position()
    visit.log_in()
    visit.go_available()
    visit.accept()
    visit.in_call()


def test_whole_visit(
    kiosk: App, console: App, demo: Demo, desktop: Desktop, shots: Shots, tmp_path: Path
) -> None:
    """Steps that the rest of the visit does not depend on are checked without stopping
    it (``visit.check``); every problem is listed at the end."""
    visit = Visit(kiosk, console, demo, shots)
    visit.start_at_kiosk()
    visit.pick_item_by_department()
    visit.back_to_items()
    visit.pick_item_by_search()
    first, second, *_ = visit.read_materials()
    visit.confirm_materials()
    visit.put_card_on()
    position = visit.see_queue_position()
    assert re.match(r"前面还有 \d+ 位|下一位就是您", position)

    visit.log_in()
    visit.go_available()
    visit.accept()
    visit.in_call()
    moved = visit.check("video both ways", visit.video_both_ways)

    visit.ask_for(first)
    visit.ask_for(second)
    visit.reject_page(second)
    visit.ask_for(second)
    visit.check("reread the card", visit.reread_card)

    visit.push_form()
    visit.confirm_and_sign()
    visit.see_signed()
    case_number = visit.close_as_accepted()

    visit.receipt()

    def receipt_qr() -> None:
        pdf = visit.print_receipt()
        codes = decode_receipt(pdf, tmp_path)
        assert any(f"/track/{case_number}" in code for code in codes), codes
        assert all(code.startswith(demo.url) for code in codes if "/track/" in code), codes

    visit.check("receipt with QR printed to PDF", receipt_qr)
    visit.rate()
    visit.back_at_welcome()
    visit.check(
        "the kiosk's vault is empty",
        lambda: _assert_empty(vault_leftovers(_runtime_dir(desktop))),
    )
    visit.check("the case in history with its pages", lambda: visit.history_shows_case(3))
    visit.durations["visit_s"] = round(time.monotonic() - visit.started, 1)
    report = visit.save_durations({"video_changed": moved, "problems": visit.problems})
    print(f"visit took {visit.durations['visit_s']} s; steps in {report}")
    assert not visit.problems, "\n".join(visit.problems)


def _assert_empty(leftovers: list[Path]) -> None:
    assert leftovers == [], f"the kiosk's vault keeps {leftovers}"


def test_resident_hangs_up_mid_call(
    kiosk: App, console: App, demo: Demo, desktop: Desktop, shots: Shots
) -> None:
    visit = Visit(kiosk, console, demo, shots)
    _in_call(visit)
    visit.hang_up_at_kiosk()
    # the clerk sees the call end; the resident is let go and their data wiped
    console.wait(CALL_S, name_re="通话已结束")
    visit.step("console-call-ended")
    kiosk.wait_gone(CALL_S, name="挂断", role="push button")
    visit.step("kiosk-after-hang-up")
    visit.take_card_away()
    # the resident leaves without rating (the rating's own timeout would end it too)
    visit.skip_rating()
    visit.back_at_welcome(timeout=CALL_S)
    assert vault_leftovers(_runtime_dir(desktop)) == []
    visit.save_durations()


def test_walk_away_returns_to_welcome(
    kiosk: App, console: App, demo: Demo, desktop: Desktop, shots: Shots
) -> None:
    """The resident queues with the card read, takes the card and leaves: after the
    demo's walk-away time (60 s with no touch) the kiosk leaves the queue and wipes."""
    visit = Visit(kiosk, console, demo, shots)
    visit.start_at_kiosk()
    visit.pick_item_by_department()
    visit.confirm_materials()
    visit.put_card_on()
    visit.see_queue_position()
    visit.take_card_away()
    left = time.monotonic()
    visit.step("kiosk-card-taken")
    visit.back_at_welcome(timeout=60 + CALL_S)
    visit.durations["walk_away_s"] = round(time.monotonic() - left, 1)
    assert vault_leftovers(_runtime_dir(desktop)) == []
    # nobody is left in the queue for a clerk to be rung for
    visit.log_in()
    visit.go_available()
    # the queue's summary counts nobody for the item's line, and its table is empty
    console.wait(name_re=f"{ITEM_DEPARTMENT} 0 人", role="label")
    assert console.table(role="table")["rows"] == []
    assert console.find(name_re="^接听", role="push button") is None
    visit.save_durations()


def test_clerk_transfers(
    kiosk: App, console: App, demo: Demo, desktop: Desktop, driver: Driver, shots: Shots
) -> None:
    """The clerk hands the resident on to a second clerk (``clerk2`` in a console of its
    own); the resident waits again and the second clerk accepts."""
    # placed as the demo places its own console: over the first clerk's, not over the kiosk
    second = desktop.spawn(
        [str(VWINDOW), "console", "--server", demo.url, "--username", SECOND_CLERK[0]],
        "console2.log",
        env={**desktop.env, "VWINDOW_DEMO_PLACE": "right"},
    )
    visit = Visit(kiosk, console, demo, shots)
    _in_call(visit)

    other = wait_for(
        "the second console on the accessibility bus",
        lambda: next(
            (a for a in driver.call("apps") if a["pid"] == second.pid),
            None,
        ),
        STEP_S * 2,
    )
    console2 = App(driver, str(other["name"]), second.pid)
    visit2 = Visit(kiosk, console2, demo, shots)
    visit2.log_in(SECOND_CLERK)
    visit2.go_available()

    visit.transfer_to(f"^工作人员：{re.escape(SECOND_CLERK_NAME)}")
    visit.step("transferred")
    # the ring card's title: "转接来电：<item>"
    console2.wait(CALL_S, name_re="^转接来电", role="label")
    visit2.step("console2-ringing")
    console2.press(CALL_S, name_re="^接听", role="push button")
    visit2.in_call()
    visit.save_durations()


def test_ctrl_c_ends_the_demo_within_5_s(
    kiosk: App, console: App, demo: Demo, shots: Shots
) -> None:
    shots.take("before-ctrl-c")
    assert demo.processes(), "the demo runs no process to end"
    took = demo.interrupt()
    assert took is not None, f"still running 15 s after Ctrl+C: {demo.processes()}"
    assert took <= 5.0, f"Ctrl+C ended the demo after {took:.1f} s"
