"""The case records API (mounted by ``add_records_routes``; reference: docs/records-api.md).

Who may do what:

- open a case: the clerk of the live call;
- read a case (detail, search): any staff member of the case's center (clerks read their
  center's history; the card is shown masked);
- change an open case (card, events, reviews, form, close): the clerks who held the call
  (``clerk_ids``: the one who answered, and whoever it was transferred to);
- reveal the ID number, read page content: those clerks and the center's supervisors and
  admins;
- the third party invited into the live call (a department's expert), once joined and only
  while in it: read the case (card masked) and its page content; never change it, never
  reveal the ID number;
- follow-ups: supervisors and admins see the center's, clerks their own;
- kiosks: only the two feedback routes of their own call, while it is live and for
  ``[records] feedback_window_min`` after, plus 办不成事 before any call;
- anonymous: nothing, except the public tracking of a case by the token on its receipt
  (``center.records.tracking_routes``: status words, no personal data).

Every access to personal data is written to the audit table before the data leaves:
``case.read`` (detail with a card), ``case.reveal``, ``case.page_read``, ``case.search_id``,
``case.card_write``; a read by the invited third party carries ``"as": "guest"``.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any, TypeVar

import msgspec
from aiohttp import web
from sqlalchemy import select

from center.records import rules
from center.records.cases import CallFacts, CaseService, SearchFilters
from center.records.keys import CASES
from center.records.pages import (
    PAGES,
    PageError,
    add_page_routes,
    live_guest,
    page_response,
    records_cipher,
)
from center.records.rules import RecordsErrorCode, RuleError
from center.records.tracking_routes import add_tracking_routes, case_tracking_url
from shared.protocol import ErrorCode
from signaling.app import CONFIG, HUB, STORE, ApiError, authenticate_caller, json_response
from signaling.store.models import Case, ServiceRequest, utcnow
from signaling.store.repo import KioskIdentity, StaffIdentity

log = logging.getLogger(__name__)

T = TypeVar("T")
CENTER_READERS = frozenset({"supervisor", "admin"})
_RULE_STATUS = {
    RecordsErrorCode.NO_SUCH_CASE: 404,
    RecordsErrorCode.CASE_CLOSED: 409,
    RecordsErrorCode.RULE_VIOLATION: 422,
    RecordsErrorCode.ALREADY_RATED: 409,
    RecordsErrorCode.FEEDBACK_CLOSED: 409,
    RecordsErrorCode.NO_SUCH_PAGE: 404,
    RecordsErrorCode.NO_SUCH_FOLLOW_UP: 404,
    RecordsErrorCode.PURGED: 410,
}


class RecordsApiError(web.HTTPException):
    """A refusal with the server's usual body ``{"error": {"code", "reason"}}``."""

    def __init__(self, status: int, code: str, reason: str) -> None:
        self.status_code = status
        super().__init__(
            text=msgspec.json.encode({"error": {"code": code, "reason": reason}}).decode(),
            content_type="application/json",
        )


def _refusal(exc: RuleError) -> RecordsApiError:
    return RecordsApiError(_RULE_STATUS[exc.code], exc.code, exc.reason)


@web.middleware
async def _rules_to_http(request: web.Request, handler: Any) -> web.StreamResponse:
    try:
        response: web.StreamResponse = await handler(request)
        return response
    except RuleError as exc:
        raise _refusal(exc) from exc


def add_records_routes(app: web.Application) -> None:
    """The server extension: pages and cases (``create_app(config, [add_records_routes])``)."""
    add_page_routes(app)
    add_tracking_routes(app)
    app.middlewares.append(_rules_to_http)
    app.on_startup.append(_start)
    router = app.router
    router.add_post("/api/v1/cases", open_case)
    router.add_get("/api/v1/cases", search_cases)
    router.add_get("/api/v1/cases/{case_number}", get_case)
    router.add_put("/api/v1/cases/{case_number}/card", put_card)
    router.add_post("/api/v1/cases/{case_number}/reveal", reveal)
    router.add_post("/api/v1/cases/{case_number}/events", add_event)
    router.add_post("/api/v1/cases/{case_number}/pages/{page_id}/review", review_page)
    router.add_get("/api/v1/cases/{case_number}/pages/{page_id}", page_content)
    router.add_put("/api/v1/cases/{case_number}/form", put_form)
    router.add_post("/api/v1/cases/{case_number}/close", close_case)
    router.add_post("/api/v1/calls/{call_id}/rating", rate_call)
    router.add_post("/api/v1/calls/{call_id}/cannot-be-done", call_cannot_be_done)
    router.add_post("/api/v1/kiosk/cannot-be-done", kiosk_cannot_be_done)
    router.add_get("/api/v1/follow-ups", list_follow_ups)
    router.add_post("/api/v1/follow-ups/{follow_up_id}/close", close_follow_up)


async def _start(app: web.Application) -> None:
    # the store exists once the database context has run, after the routes were added
    app[CASES] = CaseService(app[STORE], app[PAGES], records_cipher(app), app[CONFIG].records)


# --- Request bodies -----------------------------------------------------------------------


class OpenBody(msgspec.Struct, forbid_unknown_fields=True):
    call_id: str


class CardBody(msgspec.Struct, kw_only=True):
    """The fields of ``shared.call.messages.CardData`` (``type``/``seq`` are ignored)."""

    card_type: str
    name: str
    id_number: str
    sex: str | None = None
    nation: str | None = None
    birth_date: str | None = None
    address: str | None = None
    authority: str | None = None
    valid_from: str | None = None
    valid_to: str | None = None
    card_number: str | None = None
    photo_available: bool = False
    valid: bool = True
    problems: list[str] = []


class EventBody(msgspec.Struct):
    kind: str
    detail: str = ""


class ReviewBody(msgspec.Struct):
    accepted: bool
    reason: str = ""


class FormFieldBody(msgspec.Struct):
    key: str
    label: str
    value: str


class FormBody(msgspec.Struct, kw_only=True):
    form_id: str
    title: str
    fields: list[FormFieldBody]
    confirmed: bool = False
    signature_page_id: str | None = None
    comment: str = ""


class CloseBody(msgspec.Struct, kw_only=True):
    outcome: str
    missing_materials: list[str] = []
    reason: str = ""
    note: str = ""
    referred_to: str = ""


class RatingBody(msgspec.Struct):
    level: int
    reasons: list[str] = []


class ReasonBody(msgspec.Struct):
    reason: str


class KioskReasonBody(msgspec.Struct):
    reason: str
    item_code: str = ""


class NoteBody(msgspec.Struct):
    note: str = ""


async def _body(request: web.Request, kind: type[T]) -> T:
    try:
        return msgspec.json.decode(await request.read(), type=kind)
    except msgspec.ValidationError as exc:
        raise ApiError(400, ErrorCode.INVALID_MESSAGE, str(exc)) from exc
    except msgspec.DecodeError as exc:
        raise ApiError(400, ErrorCode.BAD_JSON, "the body must be a JSON object") from exc


# --- Who may do what ----------------------------------------------------------------------


async def _staff(request: web.Request) -> StaffIdentity:
    caller = await authenticate_caller(request)
    if not isinstance(caller, StaffIdentity):
        raise ApiError(403, ErrorCode.FORBIDDEN, "kiosks have no access to case records")
    return caller


async def _kiosk(request: web.Request) -> KioskIdentity:
    caller = await authenticate_caller(request)
    if not isinstance(caller, KioskIdentity):
        raise ApiError(403, ErrorCode.FORBIDDEN, "only a kiosk sends the resident's feedback")
    return caller


def _live_clerk(request: web.Request, case: Case) -> str | None:
    live = request.app[HUB].engine.request_of_call(case.call_id)
    return live.clerk_id if live is not None else None


def _is_case_clerk(request: web.Request, staff: StaffIdentity, case: Case) -> bool:
    return staff.staff_id in (case.clerk_ids or []) or staff.staff_id == _live_clerk(
        request, case
    )


async def _case(request: web.Request, staff: StaffIdentity) -> Case:
    """The case named in the URL, if the caller is staff of its center."""
    number = request.match_info["case_number"]
    if not rules.is_case_number(number):
        raise RecordsApiError(404, RecordsErrorCode.NO_SUCH_CASE, "not a case number")
    case = await request.app[CASES].case_by_number(number)
    if case is None:
        raise RecordsApiError(404, RecordsErrorCode.NO_SUCH_CASE, f"no case {number}")
    if case.center_id != staff.center_id:
        raise ApiError(403, ErrorCode.FORBIDDEN, "the case belongs to another center")
    return case


async def _readable_case(request: web.Request) -> tuple[StaffIdentity, Case]:
    staff = await _staff(request)
    return staff, await _case(request, staff)


async def _writable_case(request: web.Request) -> tuple[StaffIdentity, Case]:
    staff = await _staff(request)
    case = await _case(request, staff)
    if not _is_case_clerk(request, staff, case):
        raise ApiError(403, ErrorCode.FORBIDDEN, "only the case's clerk changes it")
    return staff, case


async def _personal_case(request: web.Request) -> tuple[StaffIdentity, Case]:
    """Revealing the ID number: the case's clerks, supervisors, admins."""
    staff = await _staff(request)
    case = await _case(request, staff)
    if staff.role not in CENTER_READERS and not _is_case_clerk(request, staff, case):
        raise ApiError(
            403,
            ErrorCode.FORBIDDEN,
            "only the case's clerk and the center's supervisors and admins see this",
        )
    return staff, case


def _is_live_guest(request: web.Request, staff: StaffIdentity, case: Case) -> bool:
    """The caller is the third party in the case's live call right now."""
    return live_guest(request.app, case.request_id) == staff.staff_id


async def _page_reading_case(request: web.Request) -> tuple[StaffIdentity, Case, bool]:
    """Reading page content: the case's clerks, supervisors, admins, and the third party in
    the live call while they are in it; ``True`` when the caller reads as that guest."""
    staff = await _staff(request)
    case = await _case(request, staff)
    if staff.role in CENTER_READERS or _is_case_clerk(request, staff, case):
        return staff, case, False
    if _is_live_guest(request, staff, case):
        return staff, case, True
    raise ApiError(
        403,
        ErrorCode.FORBIDDEN,
        "only the case's clerk, the third party in its live call, and the center's "
        "supervisors and admins see this",
    )


async def _call_facts(request: web.Request, call_id: str) -> CallFacts | None:
    live = request.app[HUB].engine.request_of_call(call_id)
    if live is not None:
        return CallFacts(
            call_id=call_id,
            request_id=live.request_id,
            center_id=live.center_id,
            kiosk_id=live.kiosk_id,
            clerk_id=live.clerk_id,
            item_code=live.item_code,
            ended_at=None,
        )
    row = await _request_of_call(request, call_id)
    if row is None:
        # the call may have ended a moment ago, before its row was written behind
        await request.app[HUB].writer.flush()
        row = await _request_of_call(request, call_id)
    if row is None:
        return None
    # a call that ended a moment ago may not have its end written yet (written behind)
    ended_at = row.ended_at or utcnow()
    return CallFacts(
        call_id=call_id,
        request_id=row.id,
        center_id=row.center_id,
        kiosk_id=row.kiosk_id,
        clerk_id=row.clerk_id,
        item_code=row.item_code,
        ended_at=ended_at,
    )


async def _request_of_call(request: web.Request, call_id: str) -> ServiceRequest | None:
    async with request.app[STORE].db.session() as session:
        row: ServiceRequest | None = await session.scalar(
            select(ServiceRequest).where(ServiceRequest.call_id == call_id)
        )
        return row


async def _kiosk_call(request: web.Request) -> tuple[KioskIdentity, CallFacts]:
    kiosk = await _kiosk(request)
    call_id = request.match_info["call_id"]
    call = await _call_facts(request, call_id)
    if call is None:
        raise ApiError(404, ErrorCode.NOT_IN_CALL, f"no call {call_id}")
    if call.kiosk_id != kiosk.kiosk_id:
        raise ApiError(403, ErrorCode.NOT_IN_CALL, "this kiosk is not a party of the call")
    window = dt.timedelta(minutes=request.app[CONFIG].records.feedback_window_min)
    if not rules.feedback_open(call.ended_at, utcnow(), window):
        raise RecordsApiError(
            409, RecordsErrorCode.FEEDBACK_CLOSED, "the call ended too long ago for feedback"
        )
    return kiosk, call


async def _audit(
    request: web.Request,
    staff: StaffIdentity,
    action: str,
    case: Case,
    *,
    as_guest: bool = False,
    **detail: Any,
) -> None:
    if as_guest:
        detail["as"] = "guest"
    await request.app[STORE].audit(
        "staff", staff.staff_id, case.center_id, action, case.case_number, detail
    )


async def _detail(request: web.Request, case: Case) -> dict[str, Any]:
    """The case as the API shows it, with the public tracking URL for the receipt's QR."""
    body = await request.app[CASES].detail(case)
    body["tracking_url"] = case_tracking_url(request, case.case_number)
    return body


def _staff_actor(staff: StaffIdentity) -> str:
    return f"staff:{staff.staff_id}"


# --- Handlers -----------------------------------------------------------------------------


async def open_case(request: web.Request) -> web.Response:
    staff = await _staff(request)
    body = await _body(request, OpenBody)
    call = await _call_facts(request, body.call_id)
    if call is None or call.ended_at is not None:
        raise ApiError(404, ErrorCode.NOT_IN_CALL, f"no live call {body.call_id}")
    if call.clerk_id != staff.staff_id:
        raise ApiError(403, ErrorCode.NOT_IN_CALL, "only the clerk of the call opens its case")
    cases = request.app[CASES]
    case, created = await cases.open_case(call, _staff_actor(staff))
    if created:
        log.info("case %s opened for call %s", case.case_number, call.call_id)
    return json_response(await _detail(request, case), 201 if created else 200)


async def get_case(request: web.Request) -> web.Response:
    staff, case = await _readable_case(request)
    if case.card is not None:
        as_guest = _is_live_guest(request, staff, case)
        await _audit(request, staff, "case.read", case, as_guest=as_guest)
    return json_response(await _detail(request, case))


async def put_card(request: web.Request) -> web.Response:
    staff, case = await _writable_case(request)
    body = await _body(request, CardBody)
    if not body.id_number.strip() or len(body.id_number) > 40:
        raise ApiError(400, ErrorCode.INVALID_MESSAGE, "id_number is required (≤ 40 characters)")
    cases = request.app[CASES]
    case = await cases.put_card(case, msgspec.structs.asdict(body), _staff_actor(staff))
    await _audit(request, staff, "case.card_write", case)
    return json_response(await _detail(request, case))


async def reveal(request: web.Request) -> web.Response:
    staff, case = await _personal_case(request)
    id_number = request.app[CASES].reveal(case)
    # recorded before the number leaves: a reveal that cannot be audited does not happen
    await _audit(request, staff, "case.reveal", case)
    return json_response({"id_number": id_number})


async def add_event(request: web.Request) -> web.Response:
    staff, case = await _writable_case(request)
    body = await _body(request, EventBody)
    kind, detail = rules.check_event(body.kind, body.detail)
    await request.app[CASES].add_event(case, kind, detail, _staff_actor(staff))
    return json_response({"ok": True}, 201)


async def review_page(request: web.Request) -> web.Response:
    staff, case = await _writable_case(request)
    body = await _body(request, ReviewBody)
    reason = rules.check_review(body.accepted, body.reason)
    review = await request.app[CASES].review_page(
        case, request.match_info["page_id"], body.accepted, reason, staff.staff_id
    )
    return json_response({"page_id": request.match_info["page_id"], "review": review})


async def put_form(request: web.Request) -> web.Response:
    staff, case = await _writable_case(request)
    body = await _body(request, FormBody)
    if not body.form_id or len(body.fields) > 200:
        raise ApiError(400, ErrorCode.INVALID_MESSAGE, "form_id required, at most 200 fields")
    cases = request.app[CASES]
    case = await cases.put_form(case, msgspec.to_builtins(body), _staff_actor(staff))
    return json_response(await _detail(request, case))


async def close_case(request: web.Request) -> web.Response:
    staff, case = await _writable_case(request)
    body = await _body(request, CloseBody)
    closing = rules.check_closing(
        body.outcome, body.missing_materials, body.reason, body.note, body.referred_to
    )
    cases = request.app[CASES]
    case = await cases.close(case, closing, staff.staff_id)
    log.info("case %s closed: %s", case.case_number, case.outcome)
    return json_response(await _detail(request, case))


async def page_content(request: web.Request) -> web.Response:
    staff, case, as_guest = await _page_reading_case(request)
    page_id = request.match_info["page_id"]
    try:
        meta, data = await request.app[CASES].page_content(case, page_id)
    except PageError as exc:
        raise RecordsApiError(404, RecordsErrorCode.NO_SUCH_PAGE, exc.reason) from exc
    await _audit(request, staff, "case.page_read", case, as_guest=as_guest, page_id=page_id)
    return page_response(meta, data)


async def rate_call(request: web.Request) -> web.Response:
    _, call = await _kiosk_call(request)
    body = await _body(request, RatingBody)
    level, reasons = rules.check_rating(body.level, body.reasons)
    case = await request.app[CASES].rate(call, level, reasons)
    return json_response({"case_number": case.case_number, "level": level}, 201)


async def call_cannot_be_done(request: web.Request) -> web.Response:
    _, call = await _kiosk_call(request)
    reason = rules.check_reason((await _body(request, ReasonBody)).reason)
    case, follow_up = await request.app[CASES].call_cannot_be_done(call, reason)
    return json_response({"case_number": case.case_number, "follow_up_id": follow_up.id}, 201)


async def kiosk_cannot_be_done(request: web.Request) -> web.Response:
    kiosk = await _kiosk(request)
    body = await _body(request, KioskReasonBody)
    reason = rules.check_reason(body.reason)
    if body.item_code and await request.app[HUB].catalog.get(body.item_code) is None:
        raise ApiError(400, ErrorCode.INVALID_MESSAGE, f"no item {body.item_code!r}")
    follow_up = await request.app[CASES].kiosk_cannot_be_done(
        kiosk.kiosk_id, kiosk.center_id, reason, body.item_code
    )
    return json_response({"follow_up_id": follow_up.id}, 201)


def _date(value: str, name: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ApiError(400, ErrorCode.INVALID_MESSAGE, f"{name} must be YYYY-MM-DD") from None


def _count(value: str, name: str, default: int, maximum: int) -> int:
    if not value:
        return default
    if not value.isdecimal() or int(value) > maximum:
        raise ApiError(400, ErrorCode.INVALID_MESSAGE, f"{name} must be 0..{maximum}")
    return int(value)


async def search_cases(request: web.Request) -> web.Response:
    staff = await _staff(request)
    query = request.query
    filters = SearchFilters(
        case_number=query.get("case_number", ""),
        date_from=_date(query.get("date_from", ""), "date_from"),
        date_to=_date(query.get("date_to", ""), "date_to"),
        item=query.get("item", ""),
        site=query.get("site", ""),
        clerk=query.get("clerk", ""),
        id_number=query.get("id_number", "").strip(),
        outcome=query.get("outcome", ""),
        status=query.get("status", ""),
        limit=max(1, _count(query.get("limit", ""), "limit", 50, 200)),
        offset=_count(query.get("offset", ""), "offset", 0, 10**9),
    )
    cases, total = await request.app[CASES].search(staff.center_id, filters)
    if filters.id_number:
        # who looked for whom: the number itself is not written, only that it was searched
        await request.app[STORE].audit(
            "staff",
            staff.staff_id,
            staff.center_id,
            "case.search_id",
            None,
            {"id_number": rules.mask(filters.id_number), "found": total},
        )
    return json_response({"cases": cases, "total": total})


async def list_follow_ups(request: web.Request) -> web.Response:
    staff = await _staff(request)
    status = request.query.get("status", "open")
    if status not in ("open", "closed", "all"):
        raise ApiError(400, ErrorCode.INVALID_MESSAGE, "status must be open, closed or all")
    own = None if staff.role in CENTER_READERS else staff.staff_id
    follow_ups = await request.app[CASES].follow_ups(staff.center_id, status, own)
    return json_response({"follow_ups": follow_ups})


async def close_follow_up(request: web.Request) -> web.Response:
    staff = await _staff(request)
    cases = request.app[CASES]
    follow_up = await cases.follow_up(request.match_info["follow_up_id"])
    if follow_up is None:
        raise RecordsApiError(404, RecordsErrorCode.NO_SUCH_FOLLOW_UP, "no such follow-up")
    if follow_up.center_id != staff.center_id or (
        staff.role not in CENTER_READERS and follow_up.clerk_id != staff.staff_id
    ):
        raise ApiError(403, ErrorCode.FORBIDDEN, "not a follow-up of yours")
    note = (await _body(request, NoteBody)).note
    if len(note) > rules.MAX_TEXT:
        raise ApiError(400, ErrorCode.INVALID_MESSAGE, "note too long")
    return json_response(await cases.close_follow_up(follow_up.id, note.strip(), staff.staff_id))
