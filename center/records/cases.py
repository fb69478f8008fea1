"""Case records over the database: opening a case with its number, the card (ID number sealed,
searchable by keyed hash), page reviews, the form, closing with an outcome, the kiosk's rating
and 办不成事 reports, follow-ups, search. Who may call what is decided by the routes
(``center.records.routes``); the rules themselves live in ``center.records.rules``."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Table, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from center.records import rules
from center.records.crypto import RecordsCipher
from center.records.pages import PageMeta, PageStore
from center.records.rules import RecordsErrorCode, RuleError
from center.records.tracking import FollowUpStage, TrackingFacts, center_phone
from signaling.config import RecordsConfig
from signaling.store.db import Database
from signaling.store.models import (
    Case,
    CaseEvent,
    CaseSequence,
    CatalogItem,
    Center,
    CenterCode,
    FollowUp,
    Kiosk,
    PageReview,
    Staff,
    utcnow,
)
from signaling.store.repo import Store


@dataclass(frozen=True)
class CallFacts:
    """What the server knows of a call, live (from routing) or ended (from the database)."""

    call_id: str
    request_id: str
    center_id: str
    kiosk_id: str
    clerk_id: str | None
    item_code: str
    #: None while the call is live
    ended_at: dt.datetime | None


@dataclass(frozen=True)
class SearchFilters:
    case_number: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    item: str = ""
    site: str = ""
    clerk: str = ""
    id_number: str = ""
    outcome: str = ""
    status: str = ""
    limit: int = 50
    offset: int = 0


def _iso(at: dt.datetime | None) -> str | None:
    return at.isoformat() if at is not None else None


def _actor(kind: str, subject: str | None) -> str:
    return f"{kind}:{subject}" if subject else kind


class CaseService:
    def __init__(
        self, store: Store, pages: PageStore, cipher: RecordsCipher, config: RecordsConfig
    ) -> None:
        self.store = store
        self.pages = pages
        self.cipher = cipher
        self.config = config
        self._codes: dict[str, str] = {}

    @property
    def _db(self) -> Database:
        return self.store.db

    # --- Opening ---------------------------------------------------------------------------

    async def open_case(self, call: CallFacts, actor: str) -> tuple[Case, bool]:
        """The case of the call's request, opened now if it has none; ``True`` when new."""
        existing = await self.case_of_request(call.request_id)
        if existing is not None:
            return await self._join(existing, call), False
        code = await self.center_code(call.center_id)
        try:
            async with self._db.session() as session:
                # the number first: it is the transaction's first write, so on SQLite it
                # takes the write lock at once instead of failing to upgrade a read lock
                now = utcnow()
                day = rules.local_day(now, self.config.timezone)
                number = await self._next_number(session, call.center_id, day)
                kiosk = await session.get(Kiosk, call.kiosk_id)
                item = await session.get(CatalogItem, call.item_code)
                clerk = await session.get(Staff, call.clerk_id) if call.clerk_id else None
                case = Case(
                    id=f"case-{secrets.token_hex(8)}",
                    case_number=rules.format_case_number(code, day, number),
                    center_id=call.center_id,
                    request_id=call.request_id,
                    call_id=call.call_id,
                    kiosk_id=call.kiosk_id,
                    kiosk_name=kiosk.name if kiosk else "",
                    site_id=kiosk.site_id if kiosk else None,
                    clerk_id=call.clerk_id,
                    clerk_name=clerk.display_name if clerk else "",
                    clerk_ids=[call.clerk_id] if call.clerk_id else [],
                    item_code=call.item_code,
                    item_name=item.name if item else "",
                    status="open",
                    opened_at=now,
                    missing_materials=[],
                    rating_reasons=[],
                )
                session.add(case)
                await session.flush()
                session.add(
                    CaseEvent(case_id=case.id, at=now, kind="opened", actor=actor, detail="")
                )
        except IntegrityError:
            # another request opened it at the same moment; that one stands
            existing = await self.case_of_request(call.request_id)
            if existing is None:
                raise
            return existing, False
        return case, True

    async def _join(self, case: Case, call: CallFacts) -> Case:
        """A transferred or re-answered call: its clerk joins the case's clerks."""
        if call.clerk_id is None or call.clerk_id in (case.clerk_ids or []):
            return case
        async with self._db.session() as session:
            row = await session.get(Case, case.id)
            assert row is not None
            clerk = await session.get(Staff, call.clerk_id)
            row.clerk_ids = [*(row.clerk_ids or []), call.clerk_id]
            row.clerk_id = call.clerk_id
            row.clerk_name = clerk.display_name if clerk else ""
            row.call_id = call.call_id
            session.add(
                CaseEvent(
                    case_id=row.id,
                    kind="clerk_joined",
                    actor=_actor("staff", call.clerk_id),
                    detail=row.clerk_name,
                )
            )
            return row

    async def center_code(self, center_id: str) -> str:
        """The center's code, chosen once (in its own transaction, so that two first cases
        of a center racing agree on one) and cached: it never changes."""
        if center_id in self._codes:
            return self._codes[center_id]
        table = cast(Table, CenterCode.__table__)
        for _ in range(5):
            async with self._db.session() as session:
                code = await session.scalar(
                    select(CenterCode.code).where(CenterCode.center_id == center_id)
                )
            if code is not None:
                self._codes[center_id] = code
                return code
            async with self._db.session() as session:
                taken = set((await session.scalars(select(CenterCode.code))).all())
            candidates = rules.center_code_candidates(center_id)
            chosen = next((c for c in candidates if c not in taken), secrets.token_hex(6).upper())
            insert = (sqlite.insert if self._db.is_sqlite else postgresql.insert)(table)
            try:
                async with self._db.session() as session:
                    await session.execute(
                        insert.values(center_id=center_id, code=chosen).on_conflict_do_nothing(
                            index_elements=["center_id"]
                        )
                    )
            except IntegrityError:
                continue  # another center took that code at the same moment: choose again
        raise RuntimeError(f"could not choose a case-number code for center {center_id}")

    async def _next_number(self, session: AsyncSession, center_id: str, day: str) -> int:
        """One atomic upsert: concurrent opens queue on the row (PostgreSQL) or the database
        lock (SQLite), and each gets the next number; a rolled-back open gives its back."""
        table = cast(Table, CaseSequence.__table__)
        insert = (sqlite.insert if self._db.is_sqlite else postgresql.insert)(table)
        statement = (
            insert.values(center_id=center_id, day=day, last_no=1)
            .on_conflict_do_update(
                index_elements=["center_id", "day"], set_={"last_no": table.c.last_no + 1}
            )
            .returning(table.c.last_no)
        )
        return int((await session.execute(statement)).scalar_one())

    # --- Reading ---------------------------------------------------------------------------

    async def case_by_number(self, case_number: str) -> Case | None:
        async with self._db.session() as session:
            return cast(
                Case | None,
                await session.scalar(select(Case).where(Case.case_number == case_number)),
            )

    async def case_of_request(self, request_id: str) -> Case | None:
        async with self._db.session() as session:
            return cast(
                Case | None,
                await session.scalar(select(Case).where(Case.request_id == request_id)),
            )

    async def detail(self, case: Case) -> dict[str, Any]:
        async with self._db.session() as session:
            events = (
                await session.scalars(
                    select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)
                )
            ).all()
            reviews = {
                r.page_id: r
                for r in (
                    await session.scalars(select(PageReview).where(PageReview.case_id == case.id))
                ).all()
            }
            follow_up = await session.scalar(
                select(FollowUp)
                .where(FollowUp.case_id == case.id)
                .order_by(FollowUp.created_at.desc())
                .limit(1)
            )
        pages = [] if case.purged_at else await self.case_pages(case)
        timeline: list[dict[str, Any]] = [
            {"at": _iso(e.at), "kind": e.kind, "actor": e.actor, "detail": e.detail}
            for e in events
        ]
        timeline += [
            {
                "at": page.completed,
                "kind": "page_received",
                "actor": _actor("kiosk", page.kiosk_id),
                "detail": f"{page.page_id} {page.label}".strip(),
            }
            for page in pages
        ]
        timeline.sort(key=lambda entry: entry["at"] or "")
        body = self.summary(case)
        body.update(
            {
                "request_id": case.request_id,
                "center_id": case.center_id,
                "kiosk_id": case.kiosk_id,
                "clerk_ids": list(case.clerk_ids or []),
                "card": (
                    rules.card_view(case.card, case.id_number_masked or "")
                    if case.card is not None
                    else None
                ),
                "pages": [
                    {
                        "page_id": page.page_id,
                        "label": page.label,
                        "mime": page.mime,
                        "size": page.size,
                        "sha256": page.sha256,
                        "width": page.width,
                        "height": page.height,
                        "received_at": page.completed,
                        "review": _review(reviews.get(page.page_id)),
                    }
                    for page in pages
                ],
                "form": case.form,
                "signature_page_id": case.signature_page_id,
                "cannot_be_done": [
                    {
                        "reason": e.detail,
                        "by": "kiosk" if e.actor.startswith("kiosk") else "clerk",
                        "at": _iso(e.at),
                    }
                    for e in events
                    if e.kind == "cannot_be_done"
                ],
                "missing_materials": list(case.missing_materials or []),
                "referred_to": case.referred_to,
                "reason": case.close_reason,
                "note": case.close_note,
                "follow_up": (
                    {"id": follow_up.id, "status": follow_up.status, "reason": follow_up.reason}
                    if follow_up is not None
                    else None
                ),
                "timeline": timeline,
                "purged_at": _iso(case.purged_at),
            }
        )
        return body

    def summary(self, case: Case) -> dict[str, Any]:
        return {
            "case_number": case.case_number,
            "call_id": case.call_id,
            "site_id": case.site_id,
            "kiosk_name": case.kiosk_name,
            "clerk_id": case.clerk_id,
            "clerk_name": case.clerk_name,
            "item_code": case.item_code,
            "item_name": case.item_name,
            "status": case.status,
            "outcome": case.outcome,
            "opened_at": _iso(case.opened_at),
            "closed_at": _iso(case.closed_at),
            "id_number_masked": case.id_number_masked,
            "rating": (
                {
                    "level": case.rating_level,
                    "reasons": list(case.rating_reasons or []),
                    "at": _iso(case.rated_at),
                }
                if case.rating_level is not None
                else None
            ),
        }

    async def tracking_facts(self, case_number: str) -> TrackingFacts | None:
        """What the public tracking page shows of a case (nothing personal), or None."""
        async with self._db.session() as session:
            case = await session.scalar(select(Case).where(Case.case_number == case_number))
            if case is None:
                return None
            center = await session.get(Center, case.center_id)
            follow_up = await session.scalar(
                select(FollowUp.status)
                .where(FollowUp.case_id == case.id)
                .order_by(FollowUp.created_at.desc())
                .limit(1)
            )
        center_name = center.name if center is not None else ""
        return TrackingFacts(
            case_number=case.case_number,
            item_name=case.item_name or case.item_code,
            opened_at=case.opened_at,
            closed_at=case.closed_at,
            status=case.status,
            outcome=case.outcome,
            missing_materials=tuple(case.missing_materials or ()),
            referred_to=case.referred_to or "",
            follow_up=(
                FollowUpStage.CLOSED if follow_up == "closed" else FollowUpStage.OPEN
            )
            if follow_up is not None
            else None,
            center_name=center_name,
            center_phone=center_phone(self.config.center_phones, case.center_id, center_name),
        )

    async def case_pages(self, case: Case) -> list[PageMeta]:
        return await self.pages.request_pages(case.center_id, case.request_id)

    async def page_content(self, case: Case, page_id: str) -> tuple[PageMeta, bytes]:
        if case.purged_at is not None:
            raise RuleError(RecordsErrorCode.PURGED, "the pages were purged after retention")
        return await self.pages.request_content(case.center_id, case.request_id, page_id)

    def reveal(self, case: Case) -> str:
        if case.id_number_sealed is None:
            if case.purged_at is not None:
                raise RuleError(RecordsErrorCode.PURGED, "the card was purged after retention")
            raise RuleError(RecordsErrorCode.RULE_VIOLATION, "the case has no card")
        return self.cipher.open_text(case.id_number_sealed, _id_context(case.id))

    # --- Changing an open case -------------------------------------------------------------

    async def _change(self, session: AsyncSession, case_id: str) -> Case:
        row = await session.get(Case, case_id, with_for_update=not self._db.is_sqlite)
        if row is None:
            raise RuleError(RecordsErrorCode.NO_SUCH_CASE, "the case is gone")
        if row.status != "open":
            raise RuleError(RecordsErrorCode.CASE_CLOSED, f"case {row.case_number} is closed")
        return row

    async def put_card(self, case: Case, card: dict[str, Any], actor: str) -> Case:
        id_number = str(card.get("id_number", "")).strip()
        stored = {key: card.get(key) for key in rules.CARD_FIELDS if key in card}
        async with self._db.session() as session:
            row = await self._change(session, case.id)
            row.card = stored
            row.id_number_masked = rules.mask(id_number)
            row.id_number_sealed = self.cipher.seal_text(id_number, _id_context(row.id))
            row.id_number_hash = self.cipher.search_hash(id_number)
            session.add(
                CaseEvent(
                    case_id=row.id, kind="card_stored", actor=actor, detail=row.id_number_masked
                )
            )
            return row

    async def add_event(self, case: Case, kind: str, detail: str, actor: str) -> Case:
        async with self._db.session() as session:
            row = await self._change(session, case.id)
            session.add(CaseEvent(case_id=row.id, kind=kind, actor=actor, detail=detail))
            return row

    async def review_page(
        self, case: Case, page_id: str, accepted: bool, reason: str, staff_id: str
    ) -> dict[str, Any]:
        known = {page.page_id for page in await self.case_pages(case)}
        if page_id not in known:
            raise RuleError(RecordsErrorCode.NO_SUCH_PAGE, f"no page {page_id} in this case")
        now = utcnow()
        async with self._db.session() as session:
            row = await self._change(session, case.id)
            review = await session.get(PageReview, (row.id, page_id))
            if review is None:
                review = PageReview(case_id=row.id, page_id=page_id, by=staff_id)
                session.add(review)
            review.accepted, review.reason, review.at, review.by = accepted, reason, now, staff_id
            session.add(
                CaseEvent(
                    case_id=row.id,
                    at=now,
                    kind="page_accepted" if accepted else "page_rejected",
                    actor=_actor("staff", staff_id),
                    detail=f"{page_id} {reason}".strip(),
                )
            )
        return {"accepted": accepted, "reason": reason, "at": _iso(now)}

    async def put_form(self, case: Case, form: dict[str, Any], actor: str) -> Case:
        async with self._db.session() as session:
            row = await self._change(session, case.id)
            row.form = {
                "form_id": form["form_id"],
                "title": form["title"],
                "fields": form["fields"],
                "confirmed": form["confirmed"],
                "comment": form["comment"],
            }
            if form.get("signature_page_id"):
                row.signature_page_id = form["signature_page_id"]
            session.add(
                CaseEvent(
                    case_id=row.id,
                    kind="form_confirmed" if form["confirmed"] else "form_saved",
                    actor=actor,
                    detail=form["form_id"],
                )
            )
            return row

    async def close(self, case: Case, closing: rules.Closing, staff_id: str) -> Case:
        now = utcnow()
        async with self._db.session() as session:
            row = await self._change(session, case.id)
            row.status = "closed"
            row.outcome = closing.outcome.value
            row.closed_at = now
            row.missing_materials = list(closing.missing_materials)
            row.referred_to = closing.referred_to
            row.close_reason = closing.reason
            row.close_note = closing.note
            actor = _actor("staff", staff_id)
            session.add(
                CaseEvent(
                    case_id=row.id, at=now, kind="closed", actor=actor, detail=closing.outcome
                )
            )
            if closing.outcome is rules.Outcome.CANNOT_BE_DONE:
                session.add(
                    CaseEvent(
                        case_id=row.id,
                        at=now,
                        kind="cannot_be_done",
                        actor=actor,
                        detail=closing.reason,
                    )
                )
                session.add(self._follow_up(row, "clerk", closing.reason, staff_id))
            return row

    def _follow_up(self, case: Case, source: str, reason: str, clerk_id: str | None) -> FollowUp:
        return FollowUp(
            id=f"fu-{secrets.token_hex(6)}",
            center_id=case.center_id,
            case_id=case.id,
            kiosk_id=case.kiosk_id,
            site_id=case.site_id,
            item_code=case.item_code,
            clerk_id=clerk_id or case.clerk_id,
            source=source,
            reason=reason,
            status="open",
            created_at=utcnow(),
        )

    # --- The kiosk's feedback --------------------------------------------------------------

    async def rate(self, call: CallFacts, level: int, reasons: Sequence[str]) -> Case:
        case, _ = await self.open_case(call, _actor("kiosk", call.kiosk_id))
        now = utcnow()
        async with self._db.session() as session:
            row = await session.get(Case, case.id, with_for_update=not self._db.is_sqlite)
            assert row is not None
            if row.rating_level is not None:
                raise RuleError(RecordsErrorCode.ALREADY_RATED, "this case is rated already")
            row.rating_level, row.rating_reasons, row.rated_at = level, list(reasons), now
            session.add(
                CaseEvent(
                    case_id=row.id,
                    at=now,
                    kind="rated",
                    actor=_actor("kiosk", call.kiosk_id),
                    detail=str(level),
                )
            )
            return row

    async def call_cannot_be_done(self, call: CallFacts, reason: str) -> tuple[Case, FollowUp]:
        case, _ = await self.open_case(call, _actor("kiosk", call.kiosk_id))
        async with self._db.session() as session:
            row = await session.get(Case, case.id)
            assert row is not None
            session.add(
                CaseEvent(
                    case_id=row.id,
                    kind="cannot_be_done",
                    actor=_actor("kiosk", call.kiosk_id),
                    detail=reason,
                )
            )
            follow_up = self._follow_up(row, "kiosk", reason, call.clerk_id)
            session.add(follow_up)
            return row, follow_up

    async def kiosk_cannot_be_done(
        self, kiosk_id: str, center_id: str, reason: str, item_code: str
    ) -> FollowUp:
        async with self._db.session() as session:
            kiosk = await session.get(Kiosk, kiosk_id)
            follow_up = FollowUp(
                id=f"fu-{secrets.token_hex(6)}",
                center_id=center_id,
                case_id=None,
                kiosk_id=kiosk_id,
                site_id=kiosk.site_id if kiosk else None,
                item_code=item_code or None,
                clerk_id=None,
                source="kiosk",
                reason=reason,
                status="open",
                created_at=utcnow(),
            )
            session.add(follow_up)
            return follow_up

    # --- Search and follow-ups -------------------------------------------------------------

    async def search(
        self, center_id: str, filters: SearchFilters
    ) -> tuple[list[dict[str, Any]], int]:
        query = select(Case).where(Case.center_id == center_id)
        if filters.case_number:
            query = query.where(Case.case_number == filters.case_number)
        if filters.date_from is not None:
            query = query.where(Case.opened_at >= self._day_start(filters.date_from))
        if filters.date_to is not None:
            end = self._day_start(filters.date_to + dt.timedelta(days=1))
            query = query.where(Case.opened_at < end)
        if filters.item:
            query = query.where(Case.item_code == filters.item)
        if filters.site:
            query = query.where(Case.site_id == filters.site)
        if filters.clerk:
            query = query.where(Case.clerk_id == filters.clerk)
        if filters.outcome:
            query = query.where(Case.outcome == filters.outcome)
        if filters.status:
            query = query.where(Case.status == filters.status)
        if filters.id_number:
            query = query.where(Case.id_number_hash == self.cipher.search_hash(filters.id_number))
        async with self._db.session() as session:
            total = int(
                await session.scalar(select(func.count()).select_from(query.subquery())) or 0
            )
            rows = (
                await session.scalars(
                    query.order_by(Case.opened_at.desc(), Case.case_number.desc())
                    .limit(filters.limit)
                    .offset(filters.offset)
                )
            ).all()
        counts = await self.pages.page_counts(
            center_id, [(row.request_id or "") if not row.purged_at else "" for row in rows]
        )
        return [
            {**self.summary(row), "pages": pages} for row, pages in zip(rows, counts, strict=True)
        ], total

    def _day_start(self, day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(), tzinfo=ZoneInfo(self.config.timezone))

    async def follow_ups(
        self, center_id: str, status: str, clerk_id: str | None
    ) -> list[dict[str, Any]]:
        query = select(FollowUp, Case.case_number).outerjoin(Case, FollowUp.case_id == Case.id)
        query = query.where(FollowUp.center_id == center_id)
        if status != "all":
            query = query.where(FollowUp.status == status)
        if clerk_id is not None:
            query = query.where(FollowUp.clerk_id == clerk_id)
        async with self._db.session() as session:
            rows = (await session.execute(query.order_by(FollowUp.created_at))).all()
        return [follow_up_view(row[0], row[1]) for row in rows]

    async def follow_up(self, follow_up_id: str) -> FollowUp | None:
        async with self._db.session() as session:
            return cast(FollowUp | None, await session.get(FollowUp, follow_up_id))

    async def close_follow_up(
        self, follow_up_id: str, note: str, staff_id: str
    ) -> dict[str, Any]:
        """Closing twice keeps the first closing."""
        async with self._db.session() as session:
            row = await session.get(FollowUp, follow_up_id)
            if row is None:
                raise RuleError(RecordsErrorCode.NO_SUCH_FOLLOW_UP, "no such follow-up")
            if row.status != "closed":
                row.status, row.note = "closed", note
                row.closed_at, row.closed_by = utcnow(), staff_id
            case = await session.get(Case, row.case_id) if row.case_id else None
            return follow_up_view(row, case.case_number if case else None)


def follow_up_view(row: FollowUp, case_number: str | None = None) -> dict[str, Any]:
    return {
        "id": row.id,
        "case_number": case_number,
        "source": row.source,
        "reason": row.reason,
        "status": row.status,
        "item_code": row.item_code,
        "site_id": row.site_id,
        "kiosk_id": row.kiosk_id,
        "clerk_id": row.clerk_id,
        "note": row.note,
        "created_at": _iso(row.created_at),
        "closed_at": _iso(row.closed_at),
    }


def _review(review: PageReview | None) -> dict[str, Any] | None:
    if review is None:
        return None
    return {"accepted": review.accepted, "reason": review.reason, "at": _iso(review.at)}


def _id_context(case_id: str) -> str:
    return f"id_number:{case_id}"
