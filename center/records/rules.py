"""The rules of case records, without database or network: case numbers, what closing a case
needs for each outcome, what the kiosk may still send after a call, what retention removes,
and how card data is shown. The service (``center.records.cases``) applies them."""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from shared.identity import mask_id_number


class RecordsErrorCode(enum.StrEnum):
    """Error codes of the records API, besides ``shared.protocol.ErrorCode``'s."""

    #: 404: no case with this number (or none of this call)
    NO_SUCH_CASE = "no_such_case"
    #: 409: the case is closed; only the rating and follow-ups change after that
    CASE_CLOSED = "case_closed"
    #: 422: a rule of the records refused the change (outcome without its details...)
    RULE_VIOLATION = "rule_violation"
    #: 409: the resident rated this case already
    ALREADY_RATED = "already_rated"
    #: 409: the call ended longer ago than the kiosk may still send feedback
    FEEDBACK_CLOSED = "feedback_closed"
    #: 404: no such page in this case
    NO_SUCH_PAGE = "no_such_page"
    #: 404: no such follow-up
    NO_SUCH_FOLLOW_UP = "no_such_follow_up"
    #: 410: the personal data of the case was purged after the retention period
    PURGED = "purged"


class RuleError(ValueError):
    def __init__(self, code: RecordsErrorCode, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


class Outcome(enum.StrEnum):
    ACCEPTED = "accepted"
    NEEDS_MORE = "needs_more"
    REFERRED = "referred"
    CANNOT_BE_DONE = "cannot_be_done"


#: timeline entries a clerk may add by hand; the service writes the others itself
CLERK_EVENT_KINDS = frozenset(
    {
        "page_requested",
        "scan_again",
        "card_reread",
        "print_requested",
        "form_pushed",
        "form_answered",
        "receipt_sent",
        "note",
        "transfer",
        "invite",
        "call_dropped",
        "call_resumed",
    }
)
MAX_TEXT = 2000
MAX_SHORT = 200
MAX_LIST = 50

# --- Case numbers ---------------------------------------------------------------------------

_CASE_NUMBER = re.compile(r"[A-Z0-9]{1,16}-\d{8}-\d{4,6}")


def local_day(at: dt.datetime, zone: str) -> str:
    """The day (YYYYMMDD) of ``at`` where the center is: numbers restart at local midnight."""
    return at.astimezone(ZoneInfo(zone)).strftime("%Y%m%d")


def format_case_number(center_code: str, day: str, number: int) -> str:
    """``JA01-20261122-0007``: readable over the phone, sortable, unique per center and day
    (four digits cover a center's day; a fifth appears only past 9999)."""
    if number < 1:
        raise ValueError("case numbers start at 1")
    return f"{center_code}-{day}-{number:04d}"


def is_case_number(text: str) -> bool:
    return bool(_CASE_NUMBER.fullmatch(text))


def center_code_candidates(center_id: str) -> list[str]:
    """Codes to try for a center, shortest first; the first one no other center has wins."""
    letters = re.sub(r"[^A-Za-z0-9]", "", center_id.rpartition("-")[2] or center_id).upper()
    letters = letters or "C"
    return [letters[:length] for length in (4, 6, 8, 12, 16) if length <= len(letters)] or [letters]


# --- Closing a case -------------------------------------------------------------------------


@dataclass(frozen=True)
class Closing:
    outcome: Outcome
    missing_materials: tuple[str, ...] = ()
    reason: str = ""
    note: str = ""
    referred_to: str = ""


def check_closing(
    outcome: str,
    missing_materials: Sequence[str] = (),
    reason: str = "",
    note: str = "",
    referred_to: str = "",
) -> Closing:
    """What each outcome needs: needs_more names the missing materials, referred says where,
    cannot_be_done says why (and opens a follow-up)."""
    try:
        kind = Outcome(outcome)
    except ValueError:
        raise RuleError(
            RecordsErrorCode.RULE_VIOLATION,
            f"outcome must be one of {', '.join(o.value for o in Outcome)}",
        ) from None
    materials = tuple(m.strip() for m in missing_materials if m.strip())
    reason, note, referred_to = reason.strip(), note.strip(), referred_to.strip()
    _limit_text(reason, "reason")
    _limit_text(note, "note")
    if len(referred_to) > MAX_SHORT or len(materials) > MAX_LIST:
        raise RuleError(
            RecordsErrorCode.RULE_VIOLATION, "referred_to or missing_materials too long"
        )
    if kind is Outcome.NEEDS_MORE and not materials:
        raise RuleError(
            RecordsErrorCode.RULE_VIOLATION, "needs_more must list the missing materials"
        )
    if kind is Outcome.REFERRED and not referred_to:
        raise RuleError(RecordsErrorCode.RULE_VIOLATION, "referred must say where (referred_to)")
    if kind is Outcome.CANNOT_BE_DONE and not reason:
        raise RuleError(RecordsErrorCode.RULE_VIOLATION, "cannot_be_done must give the reason")
    if kind is not Outcome.NEEDS_MORE and materials:
        raise RuleError(
            RecordsErrorCode.RULE_VIOLATION, "missing_materials belong to needs_more only"
        )
    return Closing(kind, materials, reason, note, referred_to)


def check_review(accepted: bool, reason: str) -> str:
    reason = reason.strip()
    _limit_text(reason, "reason")
    if not accepted and not reason:
        raise RuleError(RecordsErrorCode.RULE_VIOLATION, "rejecting a page needs a reason")
    return reason


def check_rating(level: int, reasons: Sequence[str]) -> tuple[int, tuple[str, ...]]:
    if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= 5:
        raise RuleError(RecordsErrorCode.RULE_VIOLATION, "level must be 1 to 5")
    cleaned = tuple(r.strip() for r in reasons if isinstance(r, str) and r.strip())
    if len(cleaned) > MAX_LIST or any(len(r) > MAX_SHORT for r in cleaned):
        raise RuleError(RecordsErrorCode.RULE_VIOLATION, "too many or too long reasons")
    return level, cleaned


def check_event(kind: str, detail: str) -> tuple[str, str]:
    if kind not in CLERK_EVENT_KINDS:
        raise RuleError(
            RecordsErrorCode.RULE_VIOLATION,
            f"kind must be one of {', '.join(sorted(CLERK_EVENT_KINDS))}",
        )
    _limit_text(detail, "detail")
    return kind, detail.strip()


def check_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise RuleError(RecordsErrorCode.RULE_VIOLATION, "a reason is required")
    _limit_text(reason, "reason")
    return reason


def _limit_text(text: str, name: str) -> None:
    if len(text) > MAX_TEXT:
        raise RuleError(RecordsErrorCode.RULE_VIOLATION, f"{name} may have {MAX_TEXT} characters")


# --- Feedback after the call ----------------------------------------------------------------


def feedback_open(ended_at: dt.datetime | None, now: dt.datetime, window: dt.timedelta) -> bool:
    """A live call (``ended_at`` None) or one that ended within the window. The kiosk serves
    the next resident after that, who must not rate the previous one's case."""
    return ended_at is None or now - ended_at <= window


# --- Retention -------------------------------------------------------------------------------


def purge_cutoff(now: dt.datetime, retention_days: int) -> dt.datetime:
    if retention_days < 0:
        raise ValueError("the retention period cannot be negative")
    return now - dt.timedelta(days=retention_days)


def is_purgeable(
    status: str, closed_at: dt.datetime | None, purged_at: dt.datetime | None, cutoff: dt.datetime
) -> bool:
    """Closed before the cutoff and not purged yet. Open cases are never purged: the matter
    is not finished."""
    return status == "closed" and closed_at is not None and closed_at < cutoff and purged_at is None


def purged_form(form: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The form's shape (which fields, confirmed or not) without what the resident wrote."""
    if form is None:
        return None
    return {
        "form_id": form.get("form_id", ""),
        "title": form.get("title", ""),
        "fields": [
            {"key": f.get("key", ""), "label": f.get("label", ""), "value": ""}
            for f in form.get("fields", [])
        ],
        "confirmed": bool(form.get("confirmed", False)),
        "comment": "",
    }


# --- Card data -------------------------------------------------------------------------------

#: the card fields kept in the clear; the ID number is sealed and shown masked
CARD_FIELDS = (
    "card_type",
    "name",
    "sex",
    "nation",
    "birth_date",
    "address",
    "authority",
    "valid_from",
    "valid_to",
    "card_number",
    "photo_available",
    "valid",
    "problems",
)


def card_view(stored: Mapping[str, Any], masked_id: str) -> dict[str, Any]:
    view = {key: stored.get(key) for key in CARD_FIELDS}
    view["id_number_masked"] = masked_id
    return view


def mask(id_number: str) -> str:
    return mask_id_number(id_number)
