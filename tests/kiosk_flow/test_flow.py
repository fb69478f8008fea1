"""The pure kiosk session state machine (kiosk/flow.py): no Qt, no network, no clock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

import pytest

from kiosk import flow as f
from shared.catalog import CatalogItem
from shared.protocol import EndReason, Priority, RequestStatus

TODAY = dt.date(2026, 11, 22)
DIBAO = CatalogItem(
    code="MZ-001",
    name="最低生活保障申请",
    department="民政",
    skill="minzheng",
    materials=("身份证", "户口簿", "收入证明"),
    remote_eligible=True,
)
HUKOU = CatalogItem(
    code="HZ-002", name="户口迁移", department="公安户政", skill="huzheng", remote_eligible=True
)
NOT_REMOTE = CatalogItem(code="X-9", name="护照办理", skill="huzheng", remote_eligible=False)
YOUNG = f.CardSummary(birth_date=dt.date(1980, 5, 1))
OLD = f.CardSummary(birth_date=dt.date(1956, 11, 22))  # 70 today


class Driver:
    """Feeds events with a fake clock and keeps every command emitted."""

    def __init__(self, config: f.FlowConfig | None = None) -> None:
        self.s = f.Session(config)
        self.now = 1000.0
        self.log: list[f.Command] = []

    def send(self, event: f.Event, advance: float = 1.0) -> list[f.Command]:
        self.now += advance
        out = self.s.handle(event, self.now)
        self.log.extend(out)
        return out

    def tick_to(self, t: float) -> list[f.Command]:
        self.now = t
        out = self.s.handle(f.Tick(), t)
        self.log.extend(out)
        return out

    def wipes(self) -> list[f.Wipe]:
        return [c for c in self.log if isinstance(c, f.Wipe)]

    # shortcuts to get to a state
    def to_choose(self) -> None:
        self.send(f.Touched())

    def to_materials(self, item: CatalogItem = DIBAO) -> None:
        self.to_choose()
        self.send(f.ItemChosen(item))

    def to_card(self, item: CatalogItem = DIBAO) -> None:
        self.to_materials(item)
        self.send(f.MaterialsConfirmed())

    def to_waiting(self, card: f.CardSummary = YOUNG) -> None:
        self.to_card()
        self.send(f.CardInserted())
        self.send(f.CardRead(card, TODAY))

    def to_call(self) -> None:
        self.to_waiting()
        self.send(f.CallStarted("c1", "王芳", "3"))

    def to_receipt(self) -> None:
        self.to_call()
        self.send(f.ReceiptReceived("2026-001", "https://x/t/1", "accepted"))

    def to_rating(self) -> None:
        self.to_receipt()
        self.send(f.ReceiptDone())


def current(d: Driver) -> f.Screen:
    """The state, read through a call (so that mypy does not keep an old narrowing)."""
    return d.s.state


def of(cmds: Sequence[f.Command], kind: type) -> list[f.Command]:
    return [c for c in cmds if isinstance(c, kind)]


def screens(cmds: Sequence[f.Command]) -> list[f.Screen]:
    return [c.screen for c in cmds if isinstance(c, f.ShowScreen)]


def assert_wiped_once_and_home(d: Driver) -> None:
    assert current(d) is f.Screen.WELCOME
    assert d.s.wipes[d.s.session_no] == 1
    assert [w.session_no for w in d.wipes()].count(d.s.session_no) == 1


# --- happy path -----------------------------------------------------------------------------


def test_happy_path_end_to_end() -> None:
    d = Driver()
    assert current(d) is f.Screen.WELCOME and d.s.deadline is None

    out = d.send(f.Touched())
    assert screens(out) == [f.Screen.CHOOSE_ITEM]
    assert of(out, f.StartCountdown) == [f.StartCountdown(60.0, d.now + 60.0)]
    assert d.s.deadline == d.now + 60.0

    d.send(f.ItemChosen(DIBAO))
    assert current(d) is f.Screen.MATERIALS and d.s.item == DIBAO
    assert d.s.deadline == d.now + 120.0

    out = d.send(f.MaterialsConfirmed())
    assert current(d) is f.Screen.CARD and f.ReadCard() in out
    d.send(f.CardInserted())
    out = d.send(f.CardRead(YOUNG, TODAY))
    assert of(out, f.JoinQueue) == [f.JoinQueue("MZ-001", Priority.NORMAL, True)]
    assert current(d) is f.Screen.WAITING and d.s.deadline is None

    d.send(f.QueueUpdated(2, 240))
    out = d.send(f.QueueUpdated(0, 0, RequestStatus.RINGING))
    assert f.Speak("waiting.clerk_coming") in out
    out = d.send(f.CallStarted("c1", "王芳", "3"))
    assert current(d) is f.Screen.IN_CALL and d.s.in_call

    d.send(f.PageRequested("户口簿首页", "p1"))
    d.send(f.PageCaptured("p1"))
    d.send(f.FormPushed("f1", "申请表"))
    d.send(f.SignatureDrawn())
    out = d.send(f.FormAnswered(True, "sig1"))
    assert of(out, f.SendFormAnswer) == [f.SendFormAnswer("f1", True, "sig1", "")]

    d.send(f.ReceiptReceived("2026-001", "https://x/t/1", "accepted"))
    assert current(d) is f.Screen.RECEIPT
    out = d.send(f.PrintRequested())
    assert of(out, f.PrintReceipt) == [f.PrintReceipt("2026-001", "https://x/t/1")]
    d.send(f.CallEnded(EndReason.HANGUP, "accepted"))
    assert current(d) is f.Screen.RECEIPT and not d.s.in_call

    d.send(f.ReceiptDone())
    assert current(d) is f.Screen.RATING and d.s.deadline == d.now + 30.0
    out = d.send(f.RatingGiven(5, ("fast",)))
    assert of(out, f.SendRating) == [f.SendRating(5, ("fast",))]
    assert of(out, f.Wipe) == [f.Wipe(1, "done")]
    # the wipe comes before the goodbye screen is shown; nothing to leave or hang up
    assert out.index(f.Wipe(1, "done")) < out.index(f.ShowScreen(f.Screen.GOODBYE))
    assert not of(out, f.LeaveQueue) and not of(out, f.HangUp)
    assert f.Speak("goodbye.take_card") in out  # the card is still on the reader
    assert current(d) is f.Screen.GOODBYE and d.s.pages == [] and d.s.card is None

    out = d.tick_to(d.now + 8.0)
    assert screens(out) == [f.Screen.WELCOME]
    assert_wiped_once_and_home(d)

    # commands, in order, that talk to the outside world
    outside = [
        type(c).__name__
        for c in d.log
        if isinstance(
            c,
            f.ReadCard
            | f.JoinQueue
            | f.LeaveQueue
            | f.HangUp
            | f.SendFormAnswer
            | f.PrintReceipt
            | f.SendRating
            | f.Wipe,
        )
    ]
    assert outside == [
        "ReadCard",
        "JoinQueue",
        "SendFormAnswer",
        "PrintReceipt",
        "SendRating",
        "Wipe",
    ]


def test_next_session_starts_clean() -> None:
    d = Driver()
    d.to_rating()
    d.send(f.RatingGiven(4))
    d.send(f.Touched())  # goodbye → welcome
    d.send(f.Touched())  # new session
    assert d.s.session_no == 2 and current(d) is f.Screen.CHOOSE_ITEM
    assert d.s.item is None and d.s.receipt is None and d.s.cannot_be_done == []


# --- timeouts -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("setup", "state", "seconds", "leaves", "hangs_up"),
    [
        (Driver.to_choose, f.Screen.CHOOSE_ITEM, 60.0, False, False),
        (Driver.to_materials, f.Screen.MATERIALS, 120.0, False, False),
        (Driver.to_card, f.Screen.CARD, 60.0, False, False),
        (Driver.to_receipt, f.Screen.RECEIPT, 60.0, False, True),
        (Driver.to_rating, f.Screen.RATING, 30.0, False, True),
    ],
)
def test_every_timeout_returns_to_welcome_with_a_wipe(
    setup: Callable[[Driver], None],
    state: f.Screen,
    seconds: float,
    leaves: bool,
    hangs_up: bool,
) -> None:
    d = Driver()
    setup(d)
    assert current(d) is state
    deadline = d.s.deadline
    assert deadline == d.now + seconds
    assert d.s.seconds_left(d.now + 10) == seconds - 10
    assert d.tick_to(deadline - 0.5) == []
    out = d.tick_to(deadline)
    assert of(out, f.Wipe) == [f.Wipe(1, f"timeout_{state.value}")]
    assert bool(of(out, f.LeaveQueue)) is leaves
    assert bool(of(out, f.HangUp)) is hangs_up
    assert_wiped_once_and_home(d)
    assert d.tick_to(d.now + 1000) == []  # nothing more happens at WELCOME


def test_touch_restarts_the_countdown() -> None:
    d = Driver()
    d.to_materials()
    first = d.s.deadline
    out = d.send(f.Touched(), advance=100)
    assert d.s.deadline == d.now + 120.0 and d.s.deadline != first
    assert of(out, f.StartCountdown) == [f.StartCountdown(120.0, d.now + 120.0)]


def test_timeouts_are_configurable() -> None:
    timeouts = dict(f.DEFAULT_TIMEOUTS)
    timeouts[f.Screen.CHOOSE_ITEM] = 5.0
    d = Driver(f.FlowConfig(timeouts=timeouts))
    d.to_choose()
    assert d.s.deadline == d.now + 5.0


def test_waiting_has_no_timeout_but_asks_if_still_there() -> None:
    d = Driver(f.FlowConfig(still_there_every_s=180, still_there_answer_s=45))
    d.to_waiting()
    joined = d.now
    assert d.s.deadline is None
    assert d.tick_to(joined + 179) == []
    out = d.tick_to(joined + 180)
    assert f.ShowMessage("waiting.still_there") in out
    assert d.s.deadline == joined + 225
    out = d.send(f.Touched())  # "yes, I am here"
    assert f.StopCountdown() in out and d.s.deadline is None
    assert current(d) is f.Screen.WAITING
    # asked again, nobody answers: leave the queue and wipe
    d.tick_to(d.now + 180)
    out = d.tick_to(d.now + 45)
    assert of(out, f.LeaveQueue) == [f.LeaveQueue()]
    assert of(out, f.Wipe) == [f.Wipe(1, "still_there_unanswered")]
    assert_wiped_once_and_home(d)


def test_goodbye_timeout_goes_home_without_a_second_wipe() -> None:
    d = Driver()
    d.to_rating()
    d.send(f.RatingGiven(3))
    out = d.tick_to(d.now + 8)
    assert not of(out, f.Wipe)
    assert_wiped_once_and_home(d)


# --- back -----------------------------------------------------------------------------------


def test_back_from_each_state() -> None:
    d = Driver()
    assert d.send(f.Back()) == []  # WELCOME: nothing to go back to

    d.to_materials()
    out = d.send(f.Back())
    assert current(d) is f.Screen.CHOOSE_ITEM and d.s.item is None and not of(out, f.Wipe)

    d.send(f.ItemChosen(DIBAO))
    d.send(f.MaterialsConfirmed())
    d.send(f.Back())
    assert current(d) is f.Screen.MATERIALS

    d.send(f.MaterialsConfirmed())
    d.send(f.CardRead(OLD, TODAY))
    assert current(d) is f.Screen.WAITING and d.s.priority is Priority.PRIORITY
    out = d.send(f.Back())  # leaves the queue, forgets the card
    assert of(out, f.LeaveQueue) == [f.LeaveQueue()]
    assert current(d) is f.Screen.MATERIALS and d.s.card is None
    assert Priority(d.s.priority) is Priority.NORMAL and not d.s.queued

    d.send(f.MaterialsConfirmed())
    d.send(f.CardRead(YOUNG, TODAY))
    d.send(f.CallStarted())
    assert d.send(f.Back()) == []  # in call: hang up is the way out, not Back
    assert current(d) is f.Screen.IN_CALL

    d.send(f.ReceiptReceived("n", "u", "ok"))
    d.send(f.Back())
    assert current(d) is f.Screen.RATING
    out = d.send(f.Back())  # skip the rating
    assert not of(out, f.SendRating)
    assert current(d) is f.Screen.GOODBYE
    d.send(f.Back())
    assert_wiped_once_and_home(d)

    d.to_choose()
    out = d.send(f.Back())
    assert of(out, f.Wipe) == [f.Wipe(2, "back")]
    assert_wiped_once_and_home(d)


def test_hang_up_by_the_resident() -> None:
    d = Driver()
    d.to_call()
    out = d.send(f.HangUpPressed())
    assert of(out, f.HangUp) == [f.HangUp("resident")]
    assert current(d) is f.Screen.RATING


# --- walk-away ------------------------------------------------------------------------------


def test_walk_away_while_waiting() -> None:
    d = Driver(f.FlowConfig(walkaway_s=60, still_there_every_s=1000))
    d.to_waiting()
    d.send(f.CardRemoved())
    removed = d.now
    assert d.s.deadline == removed + 60
    d.send(f.Touched(), advance=30)  # still here: the walk-away clock restarts
    assert d.tick_to(removed + 60) == []
    out = d.tick_to(removed + 90)
    assert of(out, f.LeaveQueue) == [f.LeaveQueue()]
    assert not of(out, f.HangUp)
    assert of(out, f.Wipe) == [f.Wipe(1, "walked_away")]
    assert out.index(f.LeaveQueue()) < out.index(f.Wipe(1, "walked_away"))
    assert_wiped_once_and_home(d)


def test_walk_away_during_a_call() -> None:
    d = Driver(f.FlowConfig(walkaway_s=60))
    d.to_call()
    d.send(f.CardRemoved())
    out = d.tick_to(d.now + 60)
    assert of(out, f.HangUp) == [f.HangUp("walked_away")]
    assert not of(out, f.LeaveQueue)
    assert out.index(f.HangUp("walked_away")) < out.index(f.Wipe(1, "walked_away"))
    assert_wiped_once_and_home(d)


def test_card_taken_back_is_not_a_walk_away() -> None:
    d = Driver(f.FlowConfig(walkaway_s=60, still_there_every_s=1000))
    d.to_waiting()
    d.send(f.CardRemoved())
    d.send(f.CardInserted())
    assert d.tick_to(d.now + 500) == []
    assert current(d) is f.Screen.WAITING


# --- card and devices -----------------------------------------------------------------------


def test_card_failure_continues_unidentified() -> None:
    d = Driver()
    d.to_card()
    out = d.send(f.CardFailed("no answer from reader"))
    assert f.ShowMessage("card.reader_failed.clerk_will_verify") in out
    assert of(out, f.JoinQueue) == [f.JoinQueue("MZ-001", Priority.NORMAL, False)]
    assert current(d) is f.Screen.WAITING and d.s.clerk_verifies


def test_card_failure_continues_even_when_identity_is_required() -> None:
    d = Driver(f.FlowConfig(identity_required=frozenset({"MZ-001"})))
    d.to_card()
    out = d.send(f.DeviceProblem("card_reader", "unplugged"))
    assert of(out, f.JoinQueue) == [f.JoinQueue("MZ-001", Priority.NORMAL, False)]


def test_reader_missing_before_the_card_step() -> None:
    d = Driver(f.FlowConfig(identity_required=frozenset({"MZ-001"})))
    d.send(f.DeviceProblem("card_reader", "not found"))
    d.to_card()
    assert f.ShowMessage("card.reader_unavailable.clerk_will_verify") in d.log
    assert f.ReadCard() not in d.log
    assert d.s.skip_allowed
    out = d.send(f.SkipCard())
    assert of(out, f.JoinQueue) == [f.JoinQueue("MZ-001", Priority.NORMAL, False)]


def test_invalid_card_goes_on_for_the_clerk_to_verify() -> None:
    d = Driver()
    d.to_card()
    bad = f.CardSummary(valid=False, birth_date=dt.date(1940, 1, 1), problems=("expired",))
    out = d.send(f.CardRead(bad, TODAY))
    assert of(out, f.JoinQueue) == [f.JoinQueue("MZ-001", Priority.NORMAL, False)]
    assert d.s.card is None


def test_skip_allowed_by_default() -> None:
    d = Driver()
    d.to_card()
    assert d.s.skip_allowed
    out = d.send(f.SkipCard())
    assert of(out, f.JoinQueue) == [f.JoinQueue("MZ-001", Priority.NORMAL, False)]
    assert f.ShowMessage("card.skipped.clerk_will_verify") in out


def test_skip_not_allowed_when_the_item_requires_identity() -> None:
    d = Driver(f.FlowConfig(identity_required=frozenset({"MZ-001"})))
    d.to_card()
    assert not d.s.skip_allowed
    out = d.send(f.SkipCard())
    assert f.ShowMessage("card.required_for_item") in out
    assert not of(out, f.JoinQueue) and current(d) is f.Screen.CARD
    out = d.send(f.CardRead(YOUNG, TODAY))
    assert of(out, f.JoinQueue) == [f.JoinQueue("MZ-001", Priority.NORMAL, True)]


def test_printer_failure_points_to_the_qr_code() -> None:
    d = Driver()
    d.to_receipt()
    d.send(f.PrintRequested())
    out = d.send(f.DeviceProblem("printer", "paper out"))
    assert f.ShowMessage("receipt.printer_unavailable.use_qr") in out
    out = d.send(f.PrintRequested())
    assert not of(out, f.PrintReceipt)
    assert f.ShowMessage("receipt.printer_unavailable.use_qr") in out


def test_camera_failure_in_call_keeps_the_call() -> None:
    d = Driver()
    d.to_call()
    out = d.send(f.DeviceProblem("scanner", "jammed"))
    assert f.ShowMessage("device.scanner.failed.clerk_will_help") in out
    assert current(d) is f.Screen.IN_CALL


def test_not_remote_item_cannot_be_chosen() -> None:
    d = Driver()
    d.to_choose()
    out = d.send(f.ItemChosen(NOT_REMOTE))
    assert f.ShowMessage("item.not_remote") in out and current(d) is f.Screen.CHOOSE_ITEM


def test_item_without_materials_says_so() -> None:
    d = Driver()
    d.to_choose()
    out = d.send(f.ItemChosen(HUKOU))
    assert f.ShowMessage("materials.unknown_ask_clerk") in out


# --- 办不成事 ----------------------------------------------------------------------------------


@pytest.mark.parametrize("setup", [Driver.to_call, Driver.to_receipt, Driver.to_rating])
def test_cannot_be_done_from_the_three_states(setup: Callable[[Driver], None]) -> None:
    d = Driver()
    setup(d)
    state = d.s.state
    out = d.send(f.CannotBeDone("cannot_be_done.sent_elsewhere"))
    [sent] = of(out, f.SendCannotBeDone)
    assert sent == f.SendCannotBeDone(
        "cannot_be_done.sent_elsewhere",
        "MZ-001",
        "2026-001" if state is not f.Screen.IN_CALL else None,
    )
    assert d.s.cannot_be_done == ["cannot_be_done.sent_elsewhere"]
    assert current(d) is state


def test_cannot_be_done_needs_a_reason_and_is_not_offered_before_the_call() -> None:
    d = Driver()
    d.to_call()
    out = d.send(f.CannotBeDone("  "))
    assert f.ShowMessage("cannot_be_done.pick_reason") in out and not d.s.cannot_be_done
    d2 = Driver()
    d2.to_waiting()
    assert not of(d2.send(f.CannotBeDone("x")), f.SendCannotBeDone)


# --- priority, queue, call ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("birth", "priority"),
    [
        (dt.date(1956, 11, 22), Priority.PRIORITY),  # 70 today
        (dt.date(1956, 11, 23), Priority.NORMAL),  # 70 tomorrow
        (dt.date(1930, 1, 1), Priority.PRIORITY),
        (None, Priority.NORMAL),
    ],
)
def test_elderly_priority(birth: dt.date | None, priority: Priority) -> None:
    d = Driver()
    d.to_card()
    out = d.send(f.CardRead(f.CardSummary(birth_date=birth), TODAY))
    assert of(out, f.JoinQueue) == [f.JoinQueue("MZ-001", priority, True)]


def test_card_summary_from_a_reading() -> None:
    from kiosk.devices.base import CardReading, CardType

    reading = CardReading(
        card_type=next(iter(CardType)),
        name="张三",
        id_number="110101195611220000",
        birth_date=dt.date(1956, 11, 22),
    )
    summary = f.CardSummary.from_reading(reading)
    assert summary.valid and summary.birth_date == dt.date(1956, 11, 22)
    assert "110101" not in repr(summary) and "张三" not in repr(summary)


def test_queue_updates_are_reflected() -> None:
    d = Driver()
    d.to_waiting()
    d.send(f.QueueUpdated(3, 600))
    assert (d.s.queue_position, d.s.queue_eta_s) == (3, 600)
    d.send(f.QueueUpdated(1, 120))
    assert (d.s.queue_position, d.s.queue_eta_s) == (1, 120)
    out = d.send(f.QueueUpdated(1, None, RequestStatus.HELD))
    assert f.ShowMessage("waiting.reconnecting_place_kept") in out
    assert d.s.queue_eta_s is None and d.s.queue_status is RequestStatus.HELD


def test_no_clerk_ends_the_wait_with_a_message() -> None:
    d = Driver()
    d.to_waiting()
    out = d.send(f.CallEnded(EndReason.NO_CLERK))
    assert f.ShowMessage("queue.ended.no_clerk") in out
    assert not of(out, f.LeaveQueue)  # the server already ended it
    assert current(d) is f.Screen.GOODBYE
    d.send(f.Touched())
    assert_wiped_once_and_home(d)


def test_page_request_in_call() -> None:
    d = Driver()
    d.to_call()
    out = d.send(f.PageRequested("户口簿本人页", "p7"))
    assert f.Speak("call.place_page") in out
    assert d.s.page_request == "户口簿本人页"
    d.send(f.PageCaptured("p7"))
    assert d.s.pages == ["p7"] and d.s.page_request is None


def test_a_material_asked_for_by_name_is_shown_and_spoken_by_name() -> None:
    d = Driver()
    d.to_call()
    out = d.send(f.PageRequested("身份证", None, "身份证"))
    assert f.Speak("call.place_material", (("name", "身份证"),)) in out
    assert f.Speak("call.place_page") not in out
    assert d.s.page_request == "身份证"


def test_page_request_while_on_the_receipt_goes_back_into_the_call() -> None:
    d = Driver()
    d.to_receipt()
    d.send(f.PageRequested("补一页"))
    assert current(d) is f.Screen.IN_CALL and d.s.page_request == "补一页"


def test_form_needs_a_signature_and_the_pad_can_be_cleared() -> None:
    d = Driver()
    d.to_call()
    d.send(f.FormPushed("f1", "申请表", needs_signature=True))
    d.send(f.SignatureDrawn())
    d.send(f.SignatureCleared())
    out = d.send(f.FormAnswered(True))
    assert f.ShowMessage("form.sign_first") in out and not of(out, f.SendFormAnswer)
    d.send(f.SignatureDrawn())
    out = d.send(f.FormAnswered(True, "sig"))
    assert of(out, f.SendFormAnswer) == [f.SendFormAnswer("f1", True, "sig", "")]
    assert d.s.form is None
    # declining needs no signature
    d.send(f.FormPushed("f2", "表二"))
    out = d.send(f.FormAnswered(False, comment="地址不对"))
    assert of(out, f.SendFormAnswer) == [f.SendFormAnswer("f2", False, None, "地址不对")]


def test_reconnecting_keeps_the_call() -> None:
    d = Driver()
    d.to_call()
    out = d.send(f.CallState(reconnecting=True))
    assert f.ShowMessage("call.reconnecting") in out
    assert current(d) is f.Screen.IN_CALL and d.s.reconnecting and d.s.in_call
    assert d.tick_to(d.now + 3600) == []
    d.send(f.CallState(reconnecting=False))
    assert current(d) is f.Screen.IN_CALL and not d.s.reconnecting
    assert not d.wipes()


def test_lost_call_requeued_with_its_place() -> None:
    d = Driver()
    d.to_call()
    d.send(f.CallState(reconnecting=True))
    d.send(f.QueueUpdated(1, 60, RequestStatus.WAITING))
    assert current(d) is f.Screen.WAITING and d.s.queued and not d.s.in_call
    assert d.s.queue_position == 1
    d.send(f.CallStarted("c2"))
    assert current(d) is f.Screen.IN_CALL


def test_call_lost_for_good_goes_to_rating() -> None:
    d = Driver()
    d.to_call()
    out = d.send(f.CallEnded(EndReason.CLERK_LOST))
    assert f.ShowMessage("call.ended.clerk_lost") in out
    assert current(d) is f.Screen.RATING and not d.s.in_call
    out = d.tick_to(d.now + 30)
    assert not of(out, f.HangUp)  # already over
    assert_wiped_once_and_home(d)


TRANSFERRED = EndReason(f.TRANSFERRED)


def test_transferred_call_waits_again_for_the_same_item_without_a_wipe() -> None:
    d = Driver()
    d.to_call()
    d.send(f.PageCaptured("p1"))
    d.send(f.FormPushed("form-1", "申请确认"))
    out = d.send(f.CallEnded(TRANSFERRED))
    assert current(d) is f.Screen.WAITING
    assert f.ShowMessage("call.ended.transferred") in out
    assert not of(out, f.Wipe) and not of(out, f.HangUp) and not of(out, f.LeaveQueue)
    assert d.s.item == DIBAO and d.s.card == YOUNG and d.s.pages == ["p1"]
    assert d.s.queued and not d.s.in_call and d.s.form is None and d.s.call is None
    d.send(f.QueueUpdated(1, 30, RequestStatus.RINGING))
    out = d.send(f.CallStarted("c2", "李明", "5"))
    assert current(d) is f.Screen.IN_CALL and d.s.call is not None
    assert d.s.call.peer_name == "李明"
    assert not d.wipes()


def test_transfer_announced_by_the_queue_before_the_call_ends() -> None:
    d = Driver()
    d.to_call()
    d.send(f.QueueUpdated(2, 90, RequestStatus.WAITING))
    assert current(d) is f.Screen.WAITING
    out = d.send(f.CallEnded(TRANSFERRED))
    assert current(d) is f.Screen.WAITING and d.s.queued
    assert f.ShowMessage("call.ended.transferred") in out
    assert not d.wipes() and d.s.item == DIBAO


def test_transfer_while_on_the_receipt_goes_back_to_waiting() -> None:
    d = Driver()
    d.to_receipt()
    d.send(f.CallEnded(TRANSFERRED))
    assert current(d) is f.Screen.WAITING and d.s.receipt is None
    assert not d.wipes()


def test_walk_away_still_ends_a_transferred_wait() -> None:
    d = Driver()
    d.to_call()
    d.send(f.CallEnded(TRANSFERRED))
    d.send(f.CardRemoved())
    out = d.tick_to(d.now + 61)
    assert of(out, f.LeaveQueue) == [f.LeaveQueue()]
    assert_wiped_once_and_home(d)


def test_late_call_after_the_session_is_refused() -> None:
    d = Driver()
    d.to_waiting()
    d.send(f.CardRemoved())
    d.tick_to(d.now + 1000)
    assert current(d) is f.Screen.WELCOME
    out = d.send(f.CallStarted("late"))
    assert of(out, f.HangUp) == [f.HangUp("session_over")]
    assert current(d) is f.Screen.WELCOME


# --- wipe invariant -------------------------------------------------------------------------


def test_wipe_exactly_once_per_session_over_many_sessions() -> None:
    d = Driver(f.FlowConfig(walkaway_s=10, still_there_every_s=50, still_there_answer_s=5))
    # (how far the session gets, then what ends it: an event, or seconds of ticking)
    endings: list[tuple[Callable[[Driver], None], list[f.Event | float]]] = [
        (Driver.to_choose, [f.Back()]),
        (Driver.to_materials, [120.0]),
        (Driver.to_waiting, [f.CardRemoved(), 10.0]),
        (Driver.to_waiting, [50.0, 5.0]),
        (Driver.to_call, [f.CardRemoved(), 10.0]),
        (Driver.to_rating, [f.RatingGiven(1, ("slow",)), f.Touched()]),
        (Driver.to_rating, [f.RatingGiven(2), 8.0]),
        (Driver.to_receipt, [60.0]),
        (Driver.to_waiting, [f.CallEnded(EndReason.CANCELLED), f.Touched()]),
    ]
    for n, (setup, steps) in enumerate(endings, start=1):
        setup(d)
        for step in steps:
            if isinstance(step, float):
                d.tick_to(d.now + step)
            else:
                d.send(step)
        assert d.s.session_no == n
        assert_wiped_once_and_home(d)
        # more ticks and stray events at WELCOME never wipe again
        d.tick_to(d.now + 10_000)
        d.send(f.QueueUpdated(1, 1))
        d.send(f.CardRemoved())
    assert [w.session_no for w in d.wipes()] == list(range(1, len(endings) + 1))
    assert d.s.wipes == {n: 1 for n in range(1, len(endings) + 1)}


# --- search ---------------------------------------------------------------------------------

INITIALS = {
    "最低生活保障申请": "zdshbzsq",
    "户口迁移": "hkqy",
    "护照办理": "hzbl",
    "高龄津贴": "gljt",
}
CATALOG = [
    DIBAO,
    HUKOU,
    NOT_REMOTE,
    CatalogItem(code="MZ-003", name="高龄津贴", department="民政", skill="minzheng"),
]


def table(name: str) -> str:
    return INITIALS[name]


def codes(items: Sequence[CatalogItem]) -> list[str]:
    return [i.code for i in items]


def test_search_by_name_substring() -> None:
    assert codes(f.search_items(CATALOG, "生活", initials_of=table)) == ["MZ-001"]
    assert codes(f.search_items(CATALOG, "户口", initials_of=table)) == ["HZ-002"]


def test_search_by_pinyin_initials() -> None:
    assert codes(f.search_items(CATALOG, "HKQY", initials_of=table)) == ["HZ-002"]
    assert codes(f.search_items(CATALOG, "bz", initials_of=table)) == ["MZ-001"]
    assert codes(f.search_items(CATALOG, "g l", initials_of=table)) == ["MZ-003"]


def test_search_ranks_prefix_first_and_hides_not_remote() -> None:
    # "h": initials prefix of 户口迁移, inside 最低生活保障申请; 护照办理 is not remote
    assert codes(f.search_items(CATALOG, "h", initials_of=table)) == ["HZ-002", "MZ-001"]
    got = f.search_items(CATALOG, "h", initials_of=table, include_not_remote=True)
    assert codes(got) == ["HZ-002", "X-9", "MZ-001"]
    assert codes(f.search_items(CATALOG, "", initials_of=table)) == ["MZ-001", "HZ-002", "MZ-003"]
    assert f.search_items(CATALOG, "xyz", initials_of=table) == []


def test_search_full_width_query() -> None:
    assert codes(f.search_items(CATALOG, "ＨＫ", initials_of=table)) == ["HZ-002"]


def test_default_initials_use_pypinyin() -> None:
    assert f.pinyin_initials("A区 低保") == "aqdb"
    assert f.pinyin_initials("长期护理保险申请") == "cqhlbxsq"


def test_items_by_department() -> None:
    groups = f.items_by_department(CATALOG)
    assert {k: codes(v) for k, v in groups.items()} == {
        "民政": ["MZ-001", "MZ-003"],
        "公安户政": ["HZ-002"],
    }
