"""Retention: after ``[records] retention_days`` from a case's closing, its personal data goes
(card and ID number, its search hash, pages and signature, form values, free text of the
timeline, reviews, closing and follow-ups); what statistics need stays (item, site, kiosk,
clerk, times, outcome, missing materials, referral, rating). ``vwindow records purge`` runs
it; it is safe to run again and again (a purged case is marked and skipped).

Follow-ups without a case (the resident gave up before any call) lose their free text when
they were closed longer ago than the period. Open cases and open follow-ups are never purged.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select, update

from center.records import rules
from center.records.pages import PageStore
from signaling.store.models import Case, CaseEvent, FollowUp, PageReview, utcnow
from signaling.store.repo import Store

#: timeline entries whose detail is not free text and stays
_KEPT_DETAIL = ("opened", "closed", "rated")


@dataclass(frozen=True)
class PurgeReport:
    cutoff: dt.datetime
    cases: int
    pages: int
    follow_ups: int
    dry_run: bool

    def as_dict(self) -> dict[str, object]:
        return {
            "cutoff": self.cutoff.isoformat(),
            "cases": self.cases,
            "pages": self.pages,
            "follow_ups": self.follow_ups,
            "dry_run": self.dry_run,
        }


async def purge(
    store: Store,
    pages: PageStore,
    retention_days: int,
    *,
    now: dt.datetime | None = None,
    dry_run: bool = False,
) -> PurgeReport:
    now = now or utcnow()
    cutoff = rules.purge_cutoff(now, retention_days)
    async with store.db.session() as session:
        candidates = (
            await session.scalars(
                select(Case).where(
                    Case.status == "closed", Case.closed_at < cutoff, Case.purged_at.is_(None)
                )
            )
        ).all()
        due = [
            c for c in candidates if rules.is_purgeable(c.status, c.closed_at, c.purged_at, cutoff)
        ]
        loose = (
            await session.scalars(
                select(FollowUp).where(
                    FollowUp.case_id.is_(None),
                    FollowUp.status == "closed",
                    FollowUp.closed_at < cutoff,
                    FollowUp.reason != "",
                )
            )
        ).all()
    page_count = 0
    for case in due:
        if dry_run:
            page_count += len(await pages.request_pages(case.center_id, case.request_id))
        else:
            page_count += await asyncio.to_thread(
                pages.purge_request, case.center_id, case.request_id
            )
    if not dry_run and (due or loose):
        async with store.db.session() as session:
            for case in due:
                row = await session.get(Case, case.id)
                assert row is not None
                row.card = None
                row.id_number_masked = None
                row.id_number_sealed = None
                row.id_number_hash = None
                row.form = rules.purged_form(row.form)
                row.signature_page_id = None
                row.close_reason = ""
                row.close_note = ""
                row.purged_at = now
                await session.execute(
                    update(CaseEvent)
                    .where(CaseEvent.case_id == row.id, CaseEvent.kind.not_in(_KEPT_DETAIL))
                    .values(detail="")
                )
                await session.execute(
                    update(PageReview).where(PageReview.case_id == row.id).values(reason="")
                )
                await session.execute(
                    update(FollowUp).where(FollowUp.case_id == row.id).values(reason="", note="")
                )
            for follow_up in loose:
                await session.execute(
                    update(FollowUp).where(FollowUp.id == follow_up.id).values(reason="", note="")
                )
    report = PurgeReport(cutoff, len(due), page_count, len(loose), dry_run)
    await store.audit(
        "system",
        None,
        None,
        "records.purge_dry_run" if dry_run else "records.purge",
        None,
        {**report.as_dict(), "retention_days": retention_days},
    )
    return report
