"""The clerk console's state, without Qt or network: the clerk's own state and wrap-up timer,
the queue per business line, the ringing request, and the case being worked on (card, pages,
materials checklist, form, outcome). The window only renders this; the network adapter only
feeds it. Every rule here is tested without a screen."""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from shared import protocol as p
from shared.call import messages as m
from shared.catalog import SKILLS, CatalogItem
from shared.identity import mask_id_number

# --- The clerk's own state -----------------------------------------------------------------

#: states in which the clerk may switch between available and away
SWITCHABLE = frozenset(
    {p.ClerkState.AVAILABLE, p.ClerkState.AWAY, p.ClerkState.WRAP_UP, p.ClerkState.OFFLINE}
)


@dataclass
class ClerkStateView:
    state: p.ClerkState = p.ClerkState.OFFLINE
    since: float = 0.0
    #: when wrap-up ends on its own (server clock)
    until: float | None = None

    def update(self, status: p.ClerkStatus) -> None:
        self.state = status.state
        self.since = status.since
        self.until = status.until

    def can_switch(self) -> bool:
        """Available/away may be chosen except while ringing or in a call."""
        return self.state in SWITCHABLE

    def wrap_up_left_s(self, now: float) -> int | None:
        """Whole seconds of wrap-up left (``now`` on the server's clock), else ``None``."""
        if self.state != p.ClerkState.WRAP_UP or self.until is None:
            return None
        return max(0, int(self.until - now + 0.999))


# --- The queue -----------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueRow:
    request_id: str
    item_code: str
    item_name: str
    skill: str
    skill_name: str
    priority: p.Priority
    status: p.RequestStatus
    waited_s: float
    kiosk_name: str


@dataclass(frozen=True)
class SkillSummary:
    skill: str
    skill_name: str
    waiting: int
    longest_wait_s: float
    mine: bool


@dataclass
class QueueView:
    """The center's live queue as the server last sent it; waiting times go on counting
    between snapshots."""

    rows: list[QueueRow] = field(default_factory=list)
    at: float = 0.0
    #: whether the server sends this console the queue at all
    visible: bool = True

    def update(self, snapshot: p.CenterSnapshot, item_names: dict[str, str]) -> None:
        self.at = snapshot.at
        self.rows = [
            QueueRow(
                request_id=entry.request_id,
                item_code=entry.item_code,
                item_name=item_names.get(entry.item_code, entry.item_code),
                skill=entry.skill,
                skill_name=SKILLS.get(entry.skill, entry.skill),
                priority=entry.priority,
                status=entry.status,
                waited_s=entry.waited_s,
                kiosk_name=entry.kiosk_name,
            )
            for entry in snapshot.queue
            if entry.status != p.RequestStatus.IN_CALL
        ]

    def ordered(self, now: float, my_skills: Iterable[str] = ()) -> list[tuple[QueueRow, float]]:
        """Rows with their waiting time at ``now``: the clerk's own skills first, then by
        priority and the longest wait."""
        mine = set(my_skills)
        elapsed = max(0.0, now - self.at) if self.at else 0.0
        rows = [(row, row.waited_s + elapsed) for row in self.rows]
        rows.sort(key=lambda pair: (pair[0].skill not in mine, -pair[0].priority, -pair[1]))
        return rows

    def summary(self, now: float, my_skills: Iterable[str] = ()) -> list[SkillSummary]:
        mine = set(my_skills)
        skills: dict[str, list[float]] = {skill: [] for skill in mine}
        for row, waited in self.ordered(now, mine):
            skills.setdefault(row.skill, []).append(waited)
        result = [
            SkillSummary(
                skill=skill,
                skill_name=SKILLS.get(skill, skill),
                waiting=len(waits),
                longest_wait_s=max(waits, default=0.0),
                mine=skill in mine,
            )
            for skill, waits in skills.items()
        ]
        result.sort(key=lambda s: (not s.mine, -s.longest_wait_s, s.skill))
        return result


def format_wait(seconds: float) -> str:
    """``75`` → ``1:15``; an hour or more → ``1:02:03``."""
    whole = max(0, int(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


# --- Ringing -------------------------------------------------------------------------------


@dataclass
class RingView:
    ring: p.Ring
    #: local monotonic clock when the ring arrived
    arrived: float

    def left_s(self, now: float) -> int:
        return max(0, int(self.ring.timeout_s - (now - self.arrived) + 0.999))


# --- The materials checklist ---------------------------------------------------------------

#: words that tie a page's label to a material ("身份证正反面" → "身份证及身份证复印件")
_KEYWORDS = ("身份证", "社保卡", "医保卡", "户口", "申请表", "申请", "证明", "委托书", "照片")


@dataclass
class ChecklistEntry:
    name: str
    ticked: bool = False
    #: the pages that show this material
    pages: list[str] = field(default_factory=list)
    #: ticked or unticked by the clerk's hand (a page arriving does not override it)
    by_hand: bool = False


class Checklist:
    """The item's materials, ticked as pages arrive: a page goes to the first unticked
    material its label names (by key word), else to the next unticked material in order.
    The clerk may tick and untick by hand; a rejected page unticks its material when it was
    the only page for it."""

    def __init__(self, materials: Sequence[str]) -> None:
        self.entries = [ChecklistEntry(name) for name in materials]

    def page_arrived(self, page_id: str, label: str) -> int | None:
        """The index of the material the page was counted for (``None``: no material left
        unticked, or the item lists none)."""
        if any(page_id in entry.pages for entry in self.entries):
            return None
        index = self._match(label)
        if index is None:
            return None
        entry = self.entries[index]
        entry.pages.append(page_id)
        if not entry.by_hand:
            entry.ticked = True
        return index

    def _match(self, label: str) -> int | None:
        open_ = [i for i, e in enumerate(self.entries) if not e.ticked and not e.by_hand]
        # a page the clerk asked for by the material's name goes to that material
        for index in open_:
            if self.entries[index].name == label.strip():
                return index
        for word in _KEYWORDS:
            if word in label:
                for index in open_:
                    if word in self.entries[index].name:
                        return index
        # a re-scan or an unlabelled page replaces nothing by name: next open material
        return open_[0] if open_ else None

    def toggle(self, index: int) -> bool:
        entry = self.entries[index]
        entry.ticked = not entry.ticked
        entry.by_hand = True
        return entry.ticked

    def page_rejected(self, page_id: str) -> None:
        for entry in self.entries:
            if page_id in entry.pages:
                entry.pages.remove(page_id)
                if not entry.pages and not entry.by_hand:
                    entry.ticked = False

    def missing(self) -> list[str]:
        return [entry.name for entry in self.entries if not entry.ticked]

    def done(self) -> int:
        return sum(entry.ticked for entry in self.entries)


# --- Pages ---------------------------------------------------------------------------------

#: labels of a page that is the ID card's photo, shown in the card panel
PHOTO_LABELS = frozenset({"证件照", "身份证照片"})


class PageStatus(enum.StrEnum):
    ARRIVING = "arriving"
    READY = "ready"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    FAILED = "failed"
    #: the clerk asked for it again
    RESCAN = "rescan"


@dataclass
class PageView:
    page_id: str
    label: str
    size: int
    mime: str
    width: int
    height: int
    status: PageStatus = PageStatus.ARRIVING
    reason: str = ""
    rotation: int = 0
    #: the signature of the form, not a material
    signature: bool = False
    #: the card's photo (the kiosk uploads it as a page labelled ``证件照``), not a material
    photo: bool = False

    def rotate(self, degrees: int) -> int:
        self.rotation = (self.rotation + degrees) % 360
        return self.rotation


# --- The case form -------------------------------------------------------------------------


class FormState(enum.StrEnum):
    DRAFT = "draft"
    PUSHED = "pushed"
    CONFIRMED = "confirmed"
    CORRECTION = "correction"


def form_fields(card: m.CardData | None, item_name: str, today: dt.date) -> list[m.FormField]:
    """The case form's fields, from the card and the item; the clerk edits the values."""
    values = [
        ("name", "申请人", card.name if card else ""),
        ("id_number", "证件号码", mask_id_number(card.id_number) if card else ""),
        ("sex", "性别", (card.sex or "") if card else ""),
        ("birth_date", "出生日期", (card.birth_date or "") if card else ""),
        ("address", "住址", (card.address or "") if card else ""),
        ("phone", "联系电话", ""),
        ("item", "办理事项", item_name),
        ("date", "申请日期", today.isoformat()),
    ]
    return [m.FormField(key=key, label=label, value=value) for key, label, value in values]


# --- Outcome -------------------------------------------------------------------------------


class Outcome(enum.StrEnum):
    ACCEPTED = "accepted"
    NEEDS_MORE = "needs_more"
    REFERRED = "referred"
    CANNOT_BE_DONE = "cannot_be_done"


@dataclass(frozen=True)
class OutcomeChoice:
    outcome: Outcome
    missing: tuple[str, ...] = ()
    referred_to: str = ""
    reason: str = ""
    note: str = ""
    #: the kiosk prints the receipt as it arrives
    print_receipt: bool = False


def outcome_problems(choice: OutcomeChoice, form_state: FormState) -> list[str]:
    """Why the case cannot be closed this way yet (empty: it can). Chinese text for the
    clerk, translated by the window."""
    problems: list[str] = []
    if choice.outcome == Outcome.ACCEPTED and form_state != FormState.CONFIRMED:
        problems.append("受理前请先推送申请表并由居民确认签字")
    if choice.outcome == Outcome.NEEDS_MORE and not choice.missing:
        problems.append("请勾选需要补充的材料")
    if choice.outcome == Outcome.REFERRED and not choice.referred_to.strip():
        problems.append("请填写转介去向")
    if choice.outcome == Outcome.CANNOT_BE_DONE and not choice.reason.strip():
        problems.append("请填写办不成的原因")
    return problems


# --- The case being worked on --------------------------------------------------------------


@dataclass
class CaseWork:
    call: p.CallInfo
    item: CatalogItem | None
    checklist: Checklist
    case_number: str | None = None
    card: m.CardData | None = None
    #: the full ID number once the clerk revealed it (audited by the records service)
    revealed_id: str | None = None
    pages: dict[str, PageView] = field(default_factory=dict)
    form: list[m.FormField] = field(default_factory=list)
    form_id: str | None = None
    form_state: FormState = FormState.DRAFT
    form_comment: str = ""
    signature_page_id: str | None = None
    rating: m.Rating | None = None
    closed: dict[str, object] | None = None
    receipt: m.Receipt | None = None
    #: materials the clerk asked the kiosk for by name, whose page has not arrived yet:
    #: the command's id → the material's name
    requested: dict[str, str] = field(default_factory=dict)
    #: the id of the clerk's "read the card again" command while no fresh card has come
    card_request: str | None = None
    #: the id of the "print the receipt" command sent with the receipt
    print_request: str | None = None

    @classmethod
    def start(cls, call: p.CallInfo, item: CatalogItem | None) -> CaseWork:
        return cls(call=call, item=item, checklist=Checklist(item.materials if item else ()))

    def shown_id(self) -> str:
        if self.card is None:
            return ""
        return self.revealed_id or mask_id_number(self.card.id_number)

    def page_announced(self, message: m.PageAnnounced) -> PageView:
        signature = message.page_id == self.signature_page_id or message.label == "签名"
        page = PageView(
            page_id=message.page_id,
            label=message.label,
            size=message.size,
            mime=message.mime,
            width=message.width,
            height=message.height,
            signature=signature,
        )
        page.photo = message.label in PHOTO_LABELS
        self.pages[message.page_id] = page
        return page

    def page_ready(self, page_id: str) -> int | None:
        """A page's bytes arrived and matched: tick the checklist (not for a signature)."""
        page = self.pages[page_id]
        page.status = PageStatus.READY
        if page.signature or page.photo:
            return None
        for command_id, name in list(self.requested.items()):
            if name == page.label:
                del self.requested[command_id]
        return self.checklist.page_arrived(page_id, page.label)

    def is_requested(self, name: str) -> bool:
        return name in self.requested.values()

    def review(self, page_id: str, accepted: bool, reason: str) -> None:
        page = self.pages[page_id]
        page.status = PageStatus.ACCEPTED if accepted else PageStatus.REJECTED
        page.reason = reason
        if not accepted:
            self.checklist.page_rejected(page_id)

    def material_pages(self) -> list[PageView]:
        return [page for page in self.pages.values() if not page.signature and not page.photo]

    def form_values(self) -> dict[str, str]:
        return {f.key: f.value for f in self.form}

    def set_form_value(self, key: str, value: str) -> None:
        for form_field in self.form:
            if form_field.key == key:
                form_field.value = value
        if self.form_state != FormState.DRAFT:
            # an edited form must be confirmed again
            self.form_state = FormState.DRAFT

    def form_answered(self, answer: m.FormAnswered) -> None:
        if answer.form_id != self.form_id:
            return
        if answer.confirmed:
            self.form_state = FormState.CONFIRMED
            self.signature_page_id = answer.signature_page_id
            if answer.signature_page_id in self.pages:
                self.pages[answer.signature_page_id].signature = True
                self.checklist.page_rejected(answer.signature_page_id)
        else:
            self.form_state = FormState.CORRECTION
            self.form_comment = answer.comment


_CASE_NUMBER = re.compile(r"^[A-Z0-9]+(-[A-Z0-9]+)+$")


def looks_like_case_number(text: str) -> bool:
    return bool(_CASE_NUMBER.match(text.strip().upper()))
