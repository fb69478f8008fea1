"""The kiosk session as a pure, deterministic state machine (DESIGN §3).

No Qt, no asyncio, no I/O and no clock: the adapters feed :class:`Session` events with the
current time (``now``, seconds on any monotonic clock) and carry out the commands it returns.
Qt only renders ``session.state`` and the fields next to it; every text is a key, translated
by the UI.

    WELCOME → CHOOSE_ITEM → MATERIALS (一次性告知) → CARD → WAITING → IN_CALL → RECEIPT
    → RATING (好差评) → GOODBYE → WELCOME

Rules kept here:

* every state but WELCOME, WAITING and IN_CALL has an inactivity timeout (``deadline``, for a
  visible countdown); a timeout ends the session. WAITING instead asks "still there?"
  periodically and ends the session when the question is not answered;
* walk-away: the card was read, then removed, and nobody touched the screen for
  ``walkaway_s`` while waiting or in call: leave the queue / hang up, then wipe;
* every path back to WELCOME goes through exactly one :class:`Wipe` per session;
* the resident may skip the card only when the item does not require identity; a failing or
  missing card reader always lets the session go on, the clerk verifies identity instead;
* 办不成事 is reachable in IN_CALL, RECEIPT and RATING and records the reason;
* a resident aged ``elderly_age`` or more (from the card's birth date) is queued with
  :attr:`Priority.PRIORITY`;
* a call the clerk transfers (``CallEnded`` with reason ``transferred``) is not the end of
  the visit: the resident waits again for the same item, with the card and pages kept and
  no wipe, whether the server's ``queue.update`` comes before or after the call's end.
"""

from __future__ import annotations

import datetime as dt
import enum
import importlib
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from shared.catalog import CatalogItem
from shared.protocol import EndReason, Priority, RequestStatus


class Screen(enum.StrEnum):
    WELCOME = "welcome"
    CHOOSE_ITEM = "choose_item"
    MATERIALS = "materials"
    CARD = "card"
    WAITING = "waiting"
    IN_CALL = "in_call"
    RECEIPT = "receipt"
    RATING = "rating"
    #: thank-you screen, shown after the wipe
    GOODBYE = "goodbye"


#: Inactivity timeouts in seconds; ``None`` means the state has none.
DEFAULT_TIMEOUTS: Mapping[Screen, float | None] = {
    Screen.WELCOME: None,
    Screen.CHOOSE_ITEM: 60.0,
    Screen.MATERIALS: 120.0,
    Screen.CARD: 60.0,
    Screen.WAITING: None,
    Screen.IN_CALL: None,
    Screen.RECEIPT: 60.0,
    Screen.RATING: 30.0,
    Screen.GOODBYE: 8.0,
}

#: ``EndReason.TRANSFERRED``'s value: the clerk handed the resident on, the request goes on
TRANSFERRED = "transferred"

#: Reasons for 办不成事 offered as buttons; free text is accepted too.
CANNOT_BE_DONE_REASONS: tuple[str, ...] = (
    "cannot_be_done.materials_unclear",
    "cannot_be_done.sent_elsewhere",
    "cannot_be_done.too_slow",
    "cannot_be_done.device_failed",
    "cannot_be_done.other",
)


@dataclass(frozen=True, kw_only=True)
class FlowConfig:
    timeouts: Mapping[Screen, float | None] = field(default_factory=lambda: dict(DEFAULT_TIMEOUTS))
    #: while waiting, ask "still there?" this long after the last touch
    still_there_every_s: float = 180.0
    #: and end the session when it is not answered within this time
    still_there_answer_s: float = 45.0
    #: card removed and no touch for this long while waiting or in call: walk-away
    walkaway_s: float = 60.0
    elderly_age: int = 70
    #: codes of items whose card step may not be skipped by the resident
    identity_required: frozenset[str] = frozenset()

    def timeout(self, screen: Screen) -> float | None:
        return self.timeouts.get(screen, DEFAULT_TIMEOUTS[screen])


# --- Events ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CardSummary:
    """What the flow needs from a card: no ID number, no photo, no address."""

    valid: bool = True
    birth_date: dt.date | None = None
    card_type: str = "resident_id"
    problems: tuple[str, ...] = ()

    @classmethod
    def from_reading(cls, reading: _ReadingLike) -> CardSummary:
        """From a ``kiosk.devices.base.CardReading`` (or anything shaped like it)."""
        return cls(
            valid=not reading.problems,
            birth_date=reading.birth_date,
            card_type=str(reading.card_type),
            problems=tuple(reading.problems),
        )


class _ReadingLike(Protocol):
    @property
    def card_type(self) -> Any: ...
    @property
    def birth_date(self) -> dt.date | None: ...
    @property
    def problems(self) -> Sequence[str]: ...


@dataclass(frozen=True)
class Touched:
    """Any touch on the screen (also sent alongside the more specific events)."""


@dataclass(frozen=True)
class Back:
    pass


@dataclass(frozen=True)
class Tick:
    """Periodic clock event; the time is the ``now`` passed to :meth:`Session.handle`."""


@dataclass(frozen=True)
class ItemChosen:
    item: CatalogItem


@dataclass(frozen=True)
class MaterialsConfirmed:
    pass


@dataclass(frozen=True)
class CardInserted:
    pass


@dataclass(frozen=True)
class CardRead:
    card: CardSummary
    #: today's date, for the age
    today: dt.date


@dataclass(frozen=True)
class CardRemoved:
    pass


@dataclass(frozen=True)
class CardFailed:
    reason: str


@dataclass(frozen=True)
class SkipCard:
    pass


@dataclass(frozen=True)
class DeviceProblem:
    """``kind``: "card_reader", "camera", "scanner", "printer", "signature_pad"..."""

    kind: str
    reason: str


@dataclass(frozen=True)
class QueueUpdated:
    position: int
    eta_s: int | None
    status: RequestStatus = RequestStatus.WAITING


@dataclass(frozen=True)
class CallStarted:
    call_id: str = ""
    peer_name: str = ""
    window_no: str | None = None


@dataclass(frozen=True)
class CallState:
    reconnecting: bool


@dataclass(frozen=True)
class CallEnded:
    """The request or the call ended on the server's side (or the clerk hung up)."""

    reason: EndReason
    outcome: str | None = None


@dataclass(frozen=True)
class HangUpPressed:
    pass


@dataclass(frozen=True)
class PageRequested:
    note: str = ""
    page_id: str | None = None
    #: the material the clerk asked for by name (the resident is asked for it by name)
    material: str = ""


@dataclass(frozen=True)
class PageCaptured:
    page_id: str


@dataclass(frozen=True)
class FormPushed:
    form_id: str
    title: str
    needs_signature: bool = True


@dataclass(frozen=True)
class SignatureDrawn:
    pass


@dataclass(frozen=True)
class SignatureCleared:
    pass


@dataclass(frozen=True)
class FormAnswered:
    confirmed: bool
    signature_page_id: str | None = None
    comment: str = ""


@dataclass(frozen=True)
class ReceiptReceived:
    case_number: str
    tracking_url: str
    outcome: str
    missing: tuple[str, ...] = ()


@dataclass(frozen=True)
class PrintRequested:
    pass


@dataclass(frozen=True)
class ReceiptDone:
    pass


@dataclass(frozen=True)
class RatingGiven:
    level: int
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class CannotBeDone:
    """办不成事: the resident reports that the matter could not be settled, and why."""

    reason: str


Event = (
    Touched
    | Back
    | Tick
    | ItemChosen
    | MaterialsConfirmed
    | CardInserted
    | CardRead
    | CardRemoved
    | CardFailed
    | SkipCard
    | DeviceProblem
    | QueueUpdated
    | CallStarted
    | CallState
    | CallEnded
    | HangUpPressed
    | PageRequested
    | PageCaptured
    | FormPushed
    | SignatureDrawn
    | SignatureCleared
    | FormAnswered
    | ReceiptReceived
    | PrintRequested
    | ReceiptDone
    | RatingGiven
    | CannotBeDone
)


# --- Commands -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShowScreen:
    screen: Screen


@dataclass(frozen=True)
class StartCountdown:
    seconds: float
    deadline: float


@dataclass(frozen=True)
class StopCountdown:
    pass


@dataclass(frozen=True)
class Speak:
    text_key: str
    #: the text's ``{name}`` fields
    values: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ShowMessage:
    key: str


@dataclass(frozen=True)
class ReadCard:
    """Read the card now on the reader, or the next one put on it."""


@dataclass(frozen=True)
class JoinQueue:
    item_code: str
    priority: Priority
    identified: bool


@dataclass(frozen=True)
class LeaveQueue:
    pass


@dataclass(frozen=True)
class HangUp:
    reason: str


@dataclass(frozen=True)
class SendFormAnswer:
    form_id: str
    confirmed: bool
    signature_page_id: str | None
    comment: str


@dataclass(frozen=True)
class PrintReceipt:
    case_number: str
    tracking_url: str


@dataclass(frozen=True)
class SendRating:
    level: int
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class SendCannotBeDone:
    reason: str
    item_code: str | None
    case_number: str | None


@dataclass(frozen=True)
class Wipe:
    """Run the :class:`kiosk.privacy.SessionVault` wipe for session ``session_no``."""

    session_no: int
    why: str


Command = (
    ShowScreen
    | StartCountdown
    | StopCountdown
    | Speak
    | ShowMessage
    | ReadCard
    | JoinQueue
    | LeaveQueue
    | HangUp
    | SendFormAnswer
    | PrintReceipt
    | SendRating
    | SendCannotBeDone
    | Wipe
)


def age_on(birth_date: dt.date, today: dt.date) -> int:
    years = today.year - birth_date.year
    if (today.month, today.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


# --- The session ----------------------------------------------------------------------------


class Session:
    """One kiosk, many sessions in turn. ``handle`` is the only way in."""

    # what the UI renders (reset for each session)
    item: CatalogItem | None
    card: CardSummary | None
    card_present: bool
    card_removed_at: float | None
    last_touch: float
    clerk_verifies: bool
    priority: Priority
    queued: bool
    queue_position: int | None
    queue_eta_s: int | None
    queue_status: RequestStatus | None
    next_still_there: float | None
    still_there_deadline: float | None
    in_call: bool
    call: CallStarted | None
    reconnecting: bool
    page_request: str | None
    pages: list[str]
    form: FormPushed | None
    has_signature: bool
    receipt: ReceiptReceived | None
    rating: int | None
    cannot_be_done: list[str]
    broken: dict[str, str]
    end_reason: str | None

    def __init__(self, config: FlowConfig | None = None) -> None:
        self.config = config or FlowConfig()
        self.state = Screen.WELCOME
        self.session_no = 0
        #: how many wipes each session got (the invariant: exactly one)
        self.wipes: dict[int, int] = {}
        self.card_reader_ok = True
        self._reset(0.0)
        self._state_deadline: float | None = None

    # public, read by the UI --------------------------------------------------------------

    @property
    def deadline(self) -> float | None:
        """The earliest moment something times out (for the visible countdown)."""
        candidates = [d for d in (self._state_deadline, self._walkaway_deadline()) if d is not None]
        if self.state is Screen.WAITING and self.still_there_deadline is not None:
            candidates.append(self.still_there_deadline)
        return min(candidates) if candidates else None

    def seconds_left(self, now: float) -> float | None:
        deadline = self.deadline
        return None if deadline is None else max(0.0, deadline - now)

    @property
    def skip_allowed(self) -> bool:
        """The card step may be skipped: the item permits it, or the reader fails."""
        if not self.card_reader_ok:
            return True
        return self.item is None or self.item.code not in self.config.identity_required

    # the machine -------------------------------------------------------------------------

    def handle(self, event: Event, now: float) -> list[Command]:
        out: list[Command] = []
        if isinstance(event, Tick):
            self._tick(now, out)
            return out
        if isinstance(event, DeviceProblem):
            self._device_problem(event, now, out)
            return out
        if isinstance(event, CardRemoved):
            self.card_present = False
            self.card_removed_at = now
            if self.card is not None and self.state in (Screen.WAITING, Screen.IN_CALL):
                out.append(Speak("card.removed.keep_nearby"))
            return out
        if isinstance(event, CardInserted):
            self.card_present = True
        before = self.state
        if _is_resident_activity(event):
            self.last_touch = now
        _HANDLERS[before](self, event, now, out)
        if (
            _is_resident_activity(event)
            and self.state is before
            and self.config.timeout(before) is not None
        ):
            # any touch gives the resident the full time again
            self._restart_timer(now, out)
        return out

    # per state ---------------------------------------------------------------------------

    def _on_welcome(self, event: Event, now: float, out: list[Command]) -> None:
        if isinstance(event, Touched | CardInserted):
            self.session_no += 1
            self.wipes[self.session_no] = 0
            self._reset(now)
            self._go(Screen.CHOOSE_ITEM, now, out)
        elif isinstance(event, CallStarted):
            # a clerk picked up a request the resident already left: refuse it
            out.append(HangUp("session_over"))

    def _on_choose(self, event: Event, now: float, out: list[Command]) -> None:
        if isinstance(event, Back):
            self._end("back", now, out)
        elif isinstance(event, ItemChosen):
            if event.item.remote_eligible is False:
                out.append(ShowMessage("item.not_remote"))
                return
            self.item = event.item
            self._go(Screen.MATERIALS, now, out)
            if not event.item.materials:
                out.append(ShowMessage("materials.unknown_ask_clerk"))

    def _on_materials(self, event: Event, now: float, out: list[Command]) -> None:
        if isinstance(event, Back):
            self.item = None
            self._go(Screen.CHOOSE_ITEM, now, out)
        elif isinstance(event, MaterialsConfirmed):
            self._go(Screen.CARD, now, out)
            if self.card_reader_ok:
                out.append(ReadCard())
            else:
                out.append(ShowMessage("card.reader_unavailable.clerk_will_verify"))

    def _on_card(self, event: Event, now: float, out: list[Command]) -> None:
        if isinstance(event, Back):
            self._go(Screen.MATERIALS, now, out)
        elif isinstance(event, CardRead):
            self.card_present = True
            if not event.card.valid:
                out.append(ShowMessage("card.invalid.clerk_will_verify"))
                self.clerk_verifies = True
                self._join(now, out)
                return
            self.card = event.card
            birth = event.card.birth_date
            if birth is not None and age_on(birth, event.today) >= self.config.elderly_age:
                self.priority = Priority.PRIORITY
            out.append(Speak("card.read_ok"))
            self._join(now, out)
        elif isinstance(event, CardFailed):
            self._card_reader_failed(now, out)
        elif isinstance(event, SkipCard):
            if not self.skip_allowed:
                out.append(ShowMessage("card.required_for_item"))
                out.append(Speak("card.required_for_item"))
                return
            self.clerk_verifies = True
            out.append(ShowMessage("card.skipped.clerk_will_verify"))
            self._join(now, out)

    def _on_waiting(self, event: Event, now: float, out: list[Command]) -> None:
        if isinstance(event, Touched):
            if self.still_there_deadline is not None:
                self.still_there_deadline = None
                out.append(StopCountdown())
            self.next_still_there = now + self.config.still_there_every_s
        elif isinstance(event, Back):
            out.append(LeaveQueue())
            self.queued = False
            self.card = None
            self.priority = Priority.NORMAL
            self.clerk_verifies = False
            self.queue_position = None
            self.queue_eta_s = None
            self._go(Screen.MATERIALS, now, out)
        elif isinstance(event, QueueUpdated):
            self._queue_update(event, out)
        elif isinstance(event, CallStarted):
            self._start_call(event, now, out)
        elif isinstance(event, CallEnded):
            if event.reason == TRANSFERRED:
                # the server put the request back before the call's end reached us
                self.in_call = False
                out.append(ShowMessage("call.ended.transferred"))
                return
            self.queued = False
            out.append(ShowMessage(f"queue.ended.{event.reason.value}"))
            self._end(f"queue_{event.reason.value}", now, out, goodbye=True)

    def _on_call(self, event: Event, now: float, out: list[Command]) -> None:
        if isinstance(event, CallState):
            self.reconnecting = event.reconnecting
            out.append(ShowMessage("call.reconnecting" if event.reconnecting else "call.back"))
        elif isinstance(event, QueueUpdated):
            # the call was lost and the server put the request back with its place
            self.in_call = False
            self.reconnecting = False
            self.queued = True
            self._go(Screen.WAITING, now, out)
            self._arm_still_there(now)
            out.append(ShowMessage("call.requeued"))
            self._queue_update(event, out)
        elif isinstance(event, PageRequested):
            self.page_request = event.material or event.note or "call.page_requested"
            if event.material:
                out.append(Speak("call.place_material", (("name", event.material),)))
            else:
                out.append(Speak("call.place_page"))
            out.append(ShowMessage("call.place_page"))
        elif isinstance(event, PageCaptured):
            self.pages.append(event.page_id)
            self.page_request = None
        elif isinstance(event, FormPushed):
            self.form = event
            self.has_signature = False
            out.append(Speak("call.confirm_form"))
        elif isinstance(event, SignatureDrawn):
            self.has_signature = True
        elif isinstance(event, SignatureCleared):
            self.has_signature = False
        elif isinstance(event, FormAnswered):
            self._answer_form(event, out)
        elif isinstance(event, ReceiptReceived):
            self.receipt = event
            self._go(Screen.RECEIPT, now, out)
        elif isinstance(event, HangUpPressed):
            out.append(HangUp("resident"))
            self.in_call = False
            self._go(Screen.RECEIPT if self.receipt else Screen.RATING, now, out)
        elif isinstance(event, CallEnded):
            if event.reason == TRANSFERRED:
                self._transferred(now, out)
                return
            self.in_call = False
            self.reconnecting = False
            if event.reason is EndReason.CANCELLED:
                self._end("call_cancelled", now, out, goodbye=True)
                return
            if event.reason is not EndReason.HANGUP:
                out.append(ShowMessage(f"call.ended.{event.reason.value}"))
            self._go(Screen.RATING, now, out)
        elif isinstance(event, CannotBeDone):
            self._cannot_be_done(event, out)

    def _on_receipt(self, event: Event, now: float, out: list[Command]) -> None:
        if isinstance(event, PrintRequested):
            if self.receipt is None:
                return
            if "printer" in self.broken:
                out.append(ShowMessage("receipt.printer_unavailable.use_qr"))
                return
            out.append(PrintReceipt(self.receipt.case_number, self.receipt.tracking_url))
        elif isinstance(event, ReceiptDone | Back):
            self._go(Screen.RATING, now, out)
        elif isinstance(event, ReceiptReceived):
            self.receipt = event
        elif isinstance(event, CallEnded):
            if event.reason == TRANSFERRED and self.in_call:
                self._transferred(now, out)
                return
            self.in_call = False
        elif isinstance(event, CannotBeDone):
            self._cannot_be_done(event, out)
        elif isinstance(event, PageRequested | FormPushed) and self.in_call:
            # the clerk still needs something: back into the call screen
            self._go(Screen.IN_CALL, now, out)
            self._on_call(event, now, out)

    def _on_rating(self, event: Event, now: float, out: list[Command]) -> None:
        if isinstance(event, RatingGiven):
            if not 1 <= event.level <= 5:
                out.append(ShowMessage("rating.pick_level"))
                return
            self.rating = event.level
            out.append(SendRating(event.level, tuple(event.reasons)))
            self._end("done", now, out, goodbye=True)
        elif isinstance(event, Back):
            self._end("rating_skipped", now, out, goodbye=True)
        elif isinstance(event, CallEnded):
            self.in_call = False
        elif isinstance(event, CannotBeDone):
            self._cannot_be_done(event, out)

    def _on_goodbye(self, event: Event, now: float, out: list[Command]) -> None:
        if isinstance(event, Touched | Back):
            self._go(Screen.WELCOME, now, out)

    # helpers -----------------------------------------------------------------------------

    def _reset(self, now: float) -> None:
        self.item = None
        self.card = None
        self.card_present = False
        self.card_removed_at = None
        self.last_touch = now
        self.clerk_verifies = False
        self.priority = Priority.NORMAL
        self.queued = False
        self.queue_position = None
        self.queue_eta_s = None
        self.queue_status = None
        self.next_still_there = None
        self.still_there_deadline = None
        self.in_call = False
        self.call = None
        self.reconnecting = False
        self.page_request = None
        self.pages = []
        self.form = None
        self.has_signature = False
        self.receipt = None
        self.rating = None
        self.cannot_be_done = []
        self.broken = {}
        self.end_reason = None

    def _go(self, screen: Screen, now: float, out: list[Command]) -> None:
        if screen is Screen.WELCOME:
            # the invariant: no way back to WELCOME without this session's wipe
            assert self.session_no == 0 or self.wipes.get(self.session_no) == 1
        self.state = screen
        out.append(ShowScreen(screen))
        out.append(Speak(f"speak.{screen.value}"))
        self._restart_timer(now, out)

    def _restart_timer(self, now: float, out: list[Command]) -> None:
        seconds = self.config.timeout(self.state)
        if seconds is None:
            self._state_deadline = None
            out.append(StopCountdown())
        else:
            self._state_deadline = now + seconds
            out.append(StartCountdown(seconds, self._state_deadline))

    def _walkaway_deadline(self) -> float | None:
        if self.state not in (Screen.WAITING, Screen.IN_CALL) or self.card is None:
            return None
        if self.card_present or self.card_removed_at is None:
            return None
        return max(self.card_removed_at, self.last_touch) + self.config.walkaway_s

    def _tick(self, now: float, out: list[Command]) -> None:
        walkaway = self._walkaway_deadline()
        if walkaway is not None and now >= walkaway:
            self._end("walked_away", now, out)
            return
        if self.state is Screen.WAITING:
            if self.still_there_deadline is not None and now >= self.still_there_deadline:
                self._end("still_there_unanswered", now, out)
            elif self.next_still_there is not None and now >= self.next_still_there:
                self.next_still_there = None
                self.still_there_deadline = now + self.config.still_there_answer_s
                out.append(ShowMessage("waiting.still_there"))
                out.append(Speak("waiting.still_there"))
                out.append(
                    StartCountdown(self.config.still_there_answer_s, self.still_there_deadline)
                )
            return
        if self._state_deadline is not None and now >= self._state_deadline:
            if self.state is Screen.GOODBYE:
                self._go(Screen.WELCOME, now, out)
            else:
                self._end(f"timeout_{self.state.value}", now, out)

    def _end(self, why: str, now: float, out: list[Command], *, goodbye: bool = False) -> None:
        """Leave the queue / hang up as needed, wipe, and show GOODBYE or WELCOME."""
        if self.queued:
            out.append(LeaveQueue())
            self.queued = False
        if self.in_call:
            out.append(HangUp(why))
            self.in_call = False
        if self.card_present:
            out.append(Speak("goodbye.take_card"))
        self.end_reason = why
        self.wipes[self.session_no] = self.wipes.get(self.session_no, 0) + 1
        out.append(Wipe(self.session_no, why))
        self._forget()
        self._go(Screen.GOODBYE if goodbye else Screen.WELCOME, now, out)

    def _forget(self) -> None:
        """Drop everything personal the flow held (the vault wipe does the buffers)."""
        self.card = None
        self.pages = []
        self.form = None
        self.has_signature = False
        self.page_request = None

    def _join(self, now: float, out: list[Command]) -> None:
        assert self.item is not None
        identified = self.card is not None and not self.clerk_verifies
        out.append(JoinQueue(self.item.code, self.priority, identified))
        self.queued = True
        self._go(Screen.WAITING, now, out)
        self._arm_still_there(now)

    def _arm_still_there(self, now: float) -> None:
        self.still_there_deadline = None
        self.next_still_there = now + self.config.still_there_every_s

    def _queue_update(self, event: QueueUpdated, out: list[Command]) -> None:
        self.queue_position = event.position
        self.queue_eta_s = event.eta_s
        self.queue_status = event.status
        if event.status is RequestStatus.RINGING:
            out.append(Speak("waiting.clerk_coming"))
        elif event.status is RequestStatus.HELD:
            out.append(ShowMessage("waiting.reconnecting_place_kept"))

    def _start_call(self, event: CallStarted, now: float, out: list[Command]) -> None:
        self.queued = False
        self.in_call = True
        self.call = event
        self.still_there_deadline = None
        self.next_still_there = None
        self._go(Screen.IN_CALL, now, out)

    def _transferred(self, now: float, out: list[Command]) -> None:
        """The clerk handed the resident on: wait again for the next clerk, same item, card
        and pages kept, no wipe (the visit goes on)."""
        self.in_call = False
        self.reconnecting = False
        self.call = None
        self.form = None
        self.has_signature = False
        self.page_request = None
        self.receipt = None
        self.queued = True
        self.queue_position = None
        self.queue_eta_s = None
        self._go(Screen.WAITING, now, out)
        self._arm_still_there(now)
        out.append(ShowMessage("call.ended.transferred"))
        out.append(Speak("call.ended.transferred"))

    def _answer_form(self, event: FormAnswered, out: list[Command]) -> None:
        form = self.form
        if form is None:
            return
        signed = self.has_signature or event.signature_page_id is not None
        if event.confirmed and form.needs_signature and not signed:
            out.append(ShowMessage("form.sign_first"))
            return
        out.append(
            SendFormAnswer(form.form_id, event.confirmed, event.signature_page_id, event.comment)
        )
        self.form = None
        self.has_signature = False

    def _cannot_be_done(self, event: CannotBeDone, out: list[Command]) -> None:
        reason = event.reason.strip()
        if not reason:
            out.append(ShowMessage("cannot_be_done.pick_reason"))
            return
        self.cannot_be_done.append(reason)
        out.append(
            SendCannotBeDone(
                reason,
                self.item.code if self.item else None,
                self.receipt.case_number if self.receipt else None,
            )
        )
        out.append(ShowMessage("cannot_be_done.recorded"))

    def _card_reader_failed(self, now: float, out: list[Command]) -> None:
        self.card_reader_ok = False
        self.clerk_verifies = True
        out.append(ShowMessage("card.reader_failed.clerk_will_verify"))
        out.append(Speak("card.reader_failed.clerk_will_verify"))
        self._join(now, out)

    def _device_problem(self, event: DeviceProblem, now: float, out: list[Command]) -> None:
        self.broken[event.kind] = event.reason
        if event.kind == "card_reader":
            self.card_reader_ok = False
            if self.state is Screen.CARD:
                self._card_reader_failed(now, out)
            return
        if self.state is Screen.WELCOME:
            return
        if event.kind in ("camera", "scanner") and self.state is Screen.IN_CALL:
            out.append(ShowMessage(f"device.{event.kind}.failed.clerk_will_help"))
        elif event.kind == "printer":
            out.append(ShowMessage("receipt.printer_unavailable.use_qr"))
        else:
            out.append(ShowMessage(f"device.{event.kind}.failed"))

    def device_recovered(self, kind: str) -> None:
        """A device works again (self-test passed): stop routing around it."""
        self.broken.pop(kind, None)
        if kind == "card_reader":
            self.card_reader_ok = True


_Handler = Callable[[Session, Event, float, list[Command]], None]

_HANDLERS: dict[Screen, _Handler] = {
    Screen.WELCOME: Session._on_welcome,
    Screen.CHOOSE_ITEM: Session._on_choose,
    Screen.MATERIALS: Session._on_materials,
    Screen.CARD: Session._on_card,
    Screen.WAITING: Session._on_waiting,
    Screen.IN_CALL: Session._on_call,
    Screen.RECEIPT: Session._on_receipt,
    Screen.RATING: Session._on_rating,
    Screen.GOODBYE: Session._on_goodbye,
}

_RESIDENT_EVENTS = (
    Touched,
    Back,
    ItemChosen,
    MaterialsConfirmed,
    CardInserted,
    CardRead,
    SkipCard,
    HangUpPressed,
    SignatureDrawn,
    SignatureCleared,
    FormAnswered,
    PrintRequested,
    ReceiptDone,
    RatingGiven,
    CannotBeDone,
)


def _is_resident_activity(event: Event) -> bool:
    return isinstance(event, _RESIDENT_EVENTS)


# --- Item search ----------------------------------------------------------------------------


def _load_pypinyin() -> Callable[[str], str] | None:
    try:
        module = importlib.import_module("pypinyin")
    except ImportError:
        return None
    lazy: Any = module.lazy_pinyin
    first_letter: Any = module.Style.FIRST_LETTER

    def initials(text: str) -> str:
        return "".join(str(s) for s in lazy(text, style=first_letter))

    return initials


_PYPINYIN: list[Callable[[str], str] | None] = []


def pinyin_initials(text: str) -> str:
    """Pinyin initials ("低保" → "db") with ``pypinyin`` when installed; without it, only
    the ASCII letters and digits of ``text`` are kept (CJK characters give nothing)."""
    if not _PYPINYIN:
        _PYPINYIN.append(_load_pypinyin())
    convert = _PYPINYIN[0]
    if convert is not None:
        return "".join(c for c in convert(text).lower() if c.isascii() and c.isalnum())
    return "".join(c.lower() for c in text if c.isascii() and c.isalnum())


def _norm(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).lower().split())


def search_items(
    items: Iterable[CatalogItem],
    query: str,
    *,
    initials_of: Callable[[str], str] | None = None,
    include_not_remote: bool = False,
) -> list[CatalogItem]:
    """Items whose name contains ``query`` or whose pinyin initials contain it, best first:
    name prefix, name substring, initials prefix, initials substring; catalog order breaks
    ties. An empty query gives every item. Items marked not remote-eligible are left out."""
    convert = initials_of or pinyin_initials
    q = _norm(query)
    ranked: list[tuple[int, int, CatalogItem]] = []
    for index, item in enumerate(items):
        if item.remote_eligible is False and not include_not_remote:
            continue
        if not q:
            ranked.append((0, index, item))
            continue
        name = _norm(item.name)
        rank: int | None = None
        if name.startswith(q):
            rank = 0
        elif q in name:
            rank = 1
        elif q.isascii():
            initials = _norm(convert(item.name))
            if initials.startswith(q):
                rank = 2
            elif q in initials:
                rank = 3
        if rank is not None:
            ranked.append((rank, index, item))
    ranked.sort(key=lambda r: (r[0], r[1]))
    return [item for _, _, item in ranked]


def items_by_department(
    items: Iterable[CatalogItem], *, other: str = "department.other"
) -> dict[str, list[CatalogItem]]:
    """For the big department buttons: remote-eligible items grouped by department, in
    catalog order; items without a department go under ``other``."""
    groups: dict[str, list[CatalogItem]] = {}
    for item in items:
        if item.remote_eligible is False:
            continue
        groups.setdefault(item.department or other, []).append(item)
    return groups
