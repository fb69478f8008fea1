"""Public case tracking, without database or network: what a resident's phone may learn of a
case from the receipt's QR code (nothing personal), in plain words in Chinese or English, the
tracking URL, the language a request asks for, and the per-address limit that stops anyone
walking through the sequential case numbers.

The URL carries a token (``RecordsCipher.tracking_token``) as well as the case number; a wrong
or missing token is answered exactly as an unknown case is, so the page says nothing about
which numbers exist.
"""

from __future__ import annotations

import datetime as dt
import enum
import ipaddress
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from center.records.rules import Outcome

#: the token is 16 characters; anything much longer is not worth comparing
MAX_TOKEN_CHARS = 64


class Stage(enum.StrEnum):
    """Where the resident's matter stands, as the tracking page says it."""

    IN_PROGRESS = "in_progress"
    ACCEPTED = "accepted"
    NEEDS_MORE = "needs_more"
    REFERRED = "referred"
    CANNOT_BE_DONE = "cannot_be_done"


class FollowUpStage(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"


@dataclass(frozen=True)
class TrackingFacts:
    """What the records hold of a case that may be shown to whoever has its receipt: no
    name, ID number, card, page, form value, signature, rating, reason or note."""

    case_number: str
    item_name: str
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    status: str
    outcome: str | None
    missing_materials: tuple[str, ...]
    referred_to: str
    #: the latest follow-up of a 办不成事 report, if any
    follow_up: FollowUpStage | None
    center_name: str
    center_phone: str


def stage_of(facts: TrackingFacts) -> Stage:
    if facts.status != "closed" or facts.outcome is None:
        return Stage.IN_PROGRESS
    try:
        return Stage(Outcome(facts.outcome).value)
    except ValueError:
        return Stage.IN_PROGRESS


# --- Words ----------------------------------------------------------------------------------

LANGUAGES = ("zh", "en")

STAGE_WORDS: dict[str, dict[Stage, tuple[str, str]]] = {
    # (status in a few words, what it means for the resident)
    "zh": {
        Stage.IN_PROGRESS: ("办理中", "工作人员正在办理您的事项。"),
        Stage.ACCEPTED: ("已受理", "您的申请已受理，请等待办理结果。"),
        Stage.NEEDS_MORE: ("需补充材料", "请带齐下面的材料再来办理："),
        Stage.REFERRED: ("已转办", "您的事项已转交以下单位办理："),
        Stage.CANNOT_BE_DONE: ("办不成事", "这次没有办成，我们已经登记，会跟进处理。"),
    },
    "en": {
        Stage.IN_PROGRESS: ("In progress", "Staff are working on your matter."),
        Stage.ACCEPTED: ("Accepted", "Your application was accepted. Please wait for the result."),
        Stage.NEEDS_MORE: (
            "More materials needed",
            "Please come back with the materials below:",
        ),
        Stage.REFERRED: ("Referred", "Your matter was passed on to:"),
        Stage.CANNOT_BE_DONE: (
            "Could not be done",
            "It could not be done this time. It is on record and will be followed up.",
        ),
    },
}

FOLLOW_UP_WORDS: dict[str, dict[FollowUpStage, str]] = {
    "zh": {
        FollowUpStage.OPEN: "跟进中：工作人员会联系您。",
        FollowUpStage.CLOSED: "跟进已完成。",
    },
    "en": {
        FollowUpStage.OPEN: "Being followed up: staff will contact you.",
        FollowUpStage.CLOSED: "The follow-up is finished.",
    },
}


def local_date(at: dt.datetime | None, zone: str) -> str | None:
    """The day in the center's zone (``2026-11-22``): a resident thinks in local days."""
    if at is None:
        return None
    return at.astimezone(ZoneInfo(zone)).date().isoformat()


def tracking_view(facts: TrackingFacts, zone: str, language: str) -> dict[str, Any]:
    """The tracking answer: the JSON of ``/api/v1/track/...`` and what the page shows."""
    stage = stage_of(facts)
    status, explanation = STAGE_WORDS[language][stage]
    follow_up = (
        {"status": facts.follow_up.value, "text": FOLLOW_UP_WORDS[language][facts.follow_up]}
        if facts.follow_up is not None
        else None
    )
    return {
        "case_number": facts.case_number,
        "item_name": facts.item_name,
        "opened_on": local_date(facts.opened_at, zone),
        "closed_on": local_date(facts.closed_at, zone),
        "stage": stage.value,
        "status_text": status,
        "explanation": explanation,
        "missing_materials": list(facts.missing_materials) if stage is Stage.NEEDS_MORE else [],
        "referred_to": facts.referred_to if stage is Stage.REFERRED else "",
        "follow_up": follow_up,
        "center": {"name": facts.center_name, "phone": facts.center_phone},
        "language": language,
    }


def center_phone(phones: Mapping[str, str], center_id: str, center_name: str) -> str:
    return phones.get(center_id) or phones.get(center_name) or ""


# --- The URL and the request ----------------------------------------------------------------


def tracking_path(case_number: str, token: str) -> str:
    return f"/track/{quote(case_number, safe='')}?t={token}"


def tracking_url(base_url: str, case_number: str, token: str) -> str:
    return base_url.rstrip("/") + tracking_path(case_number, token)


def plausible_token(token: str) -> bool:
    return 0 < len(token) <= MAX_TOKEN_CHARS


def choose_language(lang_param: str, accept_language: str) -> str:
    """``?lang=en|zh`` first, then the browser's preference (``Accept-Language``), Chinese
    when neither names one of ours."""
    asked = lang_param.strip().lower()[:2]
    if asked in LANGUAGES:
        return asked
    preferences: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept_language.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES and quality > 0:
            preferences.append((-quality, position, primary))
    return min(preferences)[2] if preferences else "zh"


def client_address(remote: str | None, forwarded_for: str, trusted: Sequence[str]) -> str:
    """The address to limit: the peer, or, when the peer is a trusted reverse proxy, the
    nearest address in ``X-Forwarded-For`` that is not one of ours (what a client puts
    further left is its own say and not believed). IPv6 counts by /64, which one phone
    line gets whole."""
    address = remote or "unknown"
    if address in trusted:
        hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
        for hop in reversed(hops):
            if hop not in trusted:
                address = hop
                break
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


# --- Rate limit -----------------------------------------------------------------------------


class _Bucket:
    __slots__ = ("stamp", "tokens")

    def __init__(self, tokens: float, stamp: float) -> None:
        self.tokens = tokens
        self.stamp = stamp


class AddressLimiter:
    """A token bucket per client address, in memory (one server node; a second node has its
    own, which at worst doubles what one address gets). The least recently seen addresses
    are forgotten past ``max_addresses``."""

    def __init__(self, rate_per_s: float, burst: int, max_addresses: int = 50_000) -> None:
        if rate_per_s <= 0 or burst < 1:
            raise ValueError("rate and burst must be positive")
        self.rate = rate_per_s
        self.burst = float(burst)
        self.max_addresses = max_addresses
        self._buckets: dict[str, _Bucket] = {}

    def allow(self, address: str, now: float) -> bool:
        bucket = self._buckets.pop(address, None)
        if bucket is None:
            bucket = _Bucket(self.burst, now)
        else:
            bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.stamp) * self.rate)
            bucket.stamp = now
        # re-inserted last: the dict's order is the order addresses were last seen
        self._buckets[address] = bucket
        while len(self._buckets) > self.max_addresses:
            del self._buckets[next(iter(self._buckets))]
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return True
        return False

    def retry_after_s(self, address: str) -> float:
        bucket = self._buckets.get(address)
        if bucket is None:
            return 0.0
        return max(0.0, (1.0 - bucket.tokens) / self.rate)

    def __len__(self) -> int:
        return len(self._buckets)
