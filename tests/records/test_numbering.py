"""Case numbers under concurrency, on SQLite and PostgreSQL: many cases opened at once get
distinct numbers with no gap; the same request opened at once gives one case."""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from center.records.cases import CallFacts, CaseService
from center.records.crypto import RecordsCipher
from center.records.pages import PageStore
from signaling.config import RecordsConfig
from signaling.store.db import Database
from signaling.store.repo import Store
from tests.conftest import Seed


@pytest.fixture
async def service(database_url: str, seeded: Seed, tmp_path: Path) -> AsyncIterator[CaseService]:
    database = Database(database_url)
    try:
        cipher = RecordsCipher(os.urandom(32))
        yield CaseService(
            Store(database), PageStore(tmp_path / "pages", cipher), cipher, RecordsConfig()
        )
    finally:
        await database.close()


def facts(seeded: Seed, center_id: str | None = None, kiosk: int = 0) -> CallFacts:
    return CallFacts(
        call_id=f"call-{secrets.token_hex(6)}",
        request_id=f"req-{secrets.token_hex(6)}",
        center_id=center_id or seeded.center_id,
        kiosk_id=seeded.kiosk_ids[kiosk],
        clerk_id=None,
        item_code="YB-003",
        ended_at=None,
    )


async def test_concurrent_opens_get_distinct_consecutive_numbers(
    service: CaseService, seeded: Seed
) -> None:
    calls = [facts(seeded) for _ in range(25)]
    opened = await asyncio.gather(*(service.open_case(call, "system") for call in calls))
    assert all(created for _, created in opened)
    numbers = [case.case_number for case, _ in opened]
    assert len(set(numbers)) == 25
    prefixes = {number.rsplit("-", 1)[0] for number in numbers}
    assert len(prefixes) == 1  # one center, one day
    assert sorted(int(number.rsplit("-", 1)[1]) for number in numbers) == list(range(1, 26))

    # another center counts on its own, with its own code
    elsewhere, _ = await service.open_case(facts(seeded, seeded.other_center_id), "system")
    assert elsewhere.case_number.endswith("-0001")
    assert elsewhere.case_number.split("-")[0] != numbers[0].split("-")[0]


async def test_the_same_request_opened_at_once_is_one_case(
    service: CaseService, seeded: Seed
) -> None:
    call = facts(seeded)
    opened = await asyncio.gather(*(service.open_case(call, "system") for _ in range(8)))
    assert len({case.id for case, _ in opened}) == 1
    assert sum(created for _, created in opened) == 1
    # the losers' numbers were rolled back: the next case continues without a gap
    following, _ = await service.open_case(facts(seeded), "system")
    assert following.case_number.endswith("-0002")
