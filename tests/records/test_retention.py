"""``vwindow records purge``: personal data of cases closed past the retention period goes,
statistics stay; open and recent cases are untouched; audited; a second run finds nothing.
Real calls and pages on a real server, SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
from typing import Any

import aiohttp
import pytest
from sqlalchemy import select, update

from center.records.cli import purge_with_config
from shared.call.messages import CardData
from shared.call.upload import PageUploader
from signaling.store.models import Case, CaseEvent, FollowUp, PageReview, utcnow
from tests.conftest import Seed
from tests.records.conftest import RecordsServer, client, end_call, start_call
from vwindow.cli import main

ID_NUMBER = "11010519491231002X"


async def _visit(
    server: RecordsServer,
    peers: Any,
    seeded: Seed,
    http: aiohttp.ClientSession,
    kiosk_no: int,
    outcome: str | None,
) -> tuple[str, str]:
    """One call with card, two pages, a review, a form, a rating; closed with ``outcome``
    (left open when None). Returns the case number and the request id."""
    call = await start_call(server, peers, seeded, kiosk_no=kiosk_no)
    records = client(server, call.clerk_token, http)
    number = (await records.open_case(call.call_id))["case_number"]
    await records.put_card(
        number, CardData(card_type="resident_id", name="测试居民", id_number=ID_NUMBER)
    )
    async with PageUploader(server.url, call.kiosk_credential) as uploader:
        pages = [
            await uploader.upload(
                call.call_id, b"\xff\xd8\xff\xe0" + os.urandom(3000), "image/jpeg", "页"
            )
            for _ in range(2)
        ]
    await records.review_page(number, pages[0]["page_id"], False, "照片上有住址 某某路1号")
    await records.add_event(number, "note", "居民说住在某某路1号")
    await records.put_form(
        number,
        {
            "form_id": "f1",
            "title": "申请",
            "fields": [{"key": "name", "label": "姓名", "value": "测试居民"}],
            "confirmed": True,
            "signature_page_id": pages[1]["page_id"],
            "comment": "电话 13800000000",
        },
    )
    if outcome is not None:
        await records.close_case(number, outcome, reason="本人行动不便，住某某路1号")
    await client(server, call.kiosk_credential, http).rate_call(call.call_id, 4, ["态度好"])
    await end_call(call)
    await call.clerk.close()
    return number, call.request_id


async def test_purge_removes_personal_data_past_the_period_and_keeps_statistics(
    server: RecordsServer,
    peers: Any,
    seeded: Seed,
    http: aiohttp.ClientSession,
    capsys: pytest.CaptureFixture[str],
) -> None:
    old, old_request = await _visit(server, peers, seeded, http, 0, "cannot_be_done")
    recent, recent_request = await _visit(server, peers, seeded, http, 1, "accepted")
    still_open, open_request = await _visit(server, peers, seeded, http, 2, None)
    kiosk = client(server, seeded.kiosk_credentials[0], http)
    loose_old = (await kiosk.kiosk_cannot_be_done("家里有事 电话13800000000", "YB-003"))[
        "follow_up_id"
    ]
    store = server.store
    long_ago = utcnow() - dt.timedelta(days=400)
    async with store.db.session() as session:
        await session.execute(
            update(Case).where(Case.case_number.in_([old])).values(closed_at=long_ago)
        )
        # the open case was opened long ago too: an unfinished matter is never purged
        await session.execute(
            update(Case).where(Case.case_number == still_open).values(opened_at=long_ago)
        )
        await session.execute(
            update(FollowUp)
            .where(FollowUp.id == loose_old)
            .values(status="closed", closed_at=long_ago)
        )
    pages_root = server.config.data_dir / "pages" / seeded.center_id
    assert len(list((pages_root / old_request).glob("*.bin"))) == 2

    database_url = server.config.database_url
    data_dir = str(server.config.data_dir)
    common = ["records", "purge", "--database-url", database_url, "--data-dir", data_dir]

    # a dry run counts and changes nothing
    assert await asyncio.to_thread(main, [*common, "--days", "365", "--dry-run"]) == 0
    printed = capsys.readouterr().out
    assert "would purge: 1 case(s), 2 page(s), 1 follow-up(s)" in printed
    assert (await store.audit_events("records.purge_dry_run"))[0].detail["cases"] == 1
    assert len(list((pages_root / old_request).glob("*.bin"))) == 2

    assert await asyncio.to_thread(main, [*common, "--days", "365"]) == 0
    assert "purged: 1 case(s), 2 page(s), 1 follow-up(s)" in capsys.readouterr().out

    async with store.db.session() as session:
        purged = await session.scalar(select(Case).where(Case.case_number == old))
        assert purged is not None
        kept = {
            c.case_number: c
            for c in (await session.scalars(select(Case).where(Case.case_number != old))).all()
        }
        events = (
            await session.scalars(select(CaseEvent).where(CaseEvent.case_id == purged.id))
        ).all()
        reviews = (
            await session.scalars(select(PageReview).where(PageReview.case_id == purged.id))
        ).all()
        follow_ups = (await session.scalars(select(FollowUp))).all()
    assert purged is not None and purged.purged_at is not None
    # personal data: gone
    assert purged.card is None and purged.id_number_sealed is None
    assert purged.id_number_hash is None and purged.id_number_masked is None
    assert purged.signature_page_id is None
    assert purged.form is not None
    assert purged.form["fields"][0]["value"] == "" and purged.form["comment"] == ""
    assert purged.close_reason == "" and purged.close_note == ""
    assert all("某某路" not in e.detail for e in events)
    assert all(r.reason == "" for r in reviews)
    for follow_up in follow_ups:
        if follow_up.case_id == purged.id or follow_up.id == loose_old:
            assert follow_up.reason == "" and follow_up.note == ""
        else:
            assert follow_up.reason  # the recent case's and open ones keep theirs
    assert not (pages_root / old_request).exists()
    # statistics: kept
    assert (purged.item_code, purged.outcome, purged.status) == (
        "YB-003",
        "cannot_be_done",
        "closed",
    )
    assert purged.rating_level == 4 and purged.rating_reasons == ["态度好"]
    assert purged.clerk_id and purged.site_id and purged.kiosk_id
    assert purged.opened_at and purged.closed_at
    kinds = [e.kind for e in events]
    assert kinds[0] == "opened" and "closed" in kinds
    # the recent and the open case: untouched
    for number, request_id in ((recent, recent_request), (still_open, open_request)):
        assert kept[number].purged_at is None and kept[number].id_number_hash is not None
        assert len(list((pages_root / request_id).glob("*.bin"))) == 2

    # the API says so instead of failing
    supervisor = client(server, await server.login("sue"), http)
    detail = await supervisor.get_case(old)
    assert detail["card"] is None and detail["pages"] == [] and detail["purged_at"]
    assert (await supervisor.search(id_number=ID_NUMBER))["total"] == 2
    audit = await store.audit_events("records.purge")
    assert audit[0].detail["cases"] == 1 and audit[0].detail["retention_days"] == 365

    # again: nothing left to do
    again = await purge_with_config(server.config)
    assert (again.cases, again.pages) == (0, 0)
    assert await asyncio.to_thread(main, [*common, "--days", "-1"]) == 2
