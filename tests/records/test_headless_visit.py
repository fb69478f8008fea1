"""The scripted kiosk and clerk (``--headless``) on a real call leave a complete case in the
records: its number and tracking URL on the receipt (and the URL opens), card, pages with the
clerk's verdicts, the confirmed form with the signature, the outcome, the resident's
rating."""

from __future__ import annotations

import asyncio
import io
from typing import Any

import aiohttp

from center.headless import ConsoleOptions, HeadlessConsole
from kiosk.headless import DEMO_ID_NUMBER, HeadlessKiosk, KioskOptions
from shared.call.ice import IcePolicy
from shared.transcript import Transcript
from tests.conftest import PASSWORD, Seed
from tests.records.conftest import RecordsServer, client


async def test_a_scripted_visit_leaves_a_complete_case(
    server: RecordsServer, seeded: Seed, http: aiohttp.ClientSession, tmp_path: Any
) -> None:
    policy = IcePolicy.loopback()
    transcript = io.StringIO()
    kiosk = HeadlessKiosk(
        KioskOptions(
            server_url=server.url,
            credential=seeded.kiosk_credentials[0],
            ice_policy=policy,
            page_dpi=100,
            runtime_root=tmp_path / "runtime",
        ),
        Transcript("kiosk", transcript),
    )
    console = HeadlessConsole(
        ConsoleOptions(
            server_url=server.url, username="alice", password=PASSWORD, ice_policy=policy
        ),
        Transcript("console", transcript),
    )
    console_task = asyncio.create_task(console.run())
    kiosk_summary, console_summary = await asyncio.gather(kiosk.run(), console_task)

    number = console_summary["case_number"]
    assert kiosk_summary["case_number"] == number  # the receipt carries the issued number
    assert kiosk_summary["rated_case"] == number
    assert DEMO_ID_NUMBER not in transcript.getvalue()
    supervisor = client(server, await server.login("sue"), http)
    case = await supervisor.get_case(number)
    assert case["status"] == "closed" and case["outcome"] == "accepted"
    assert case["card"]["id_number_masked"] == "110***********002X"
    assert await supervisor.reveal_id(number) == DEMO_ID_NUMBER
    # three pages, one rescanned, and the signature
    assert len(case["pages"]) == 5
    verdicts = [page["review"] for page in case["pages"]]
    rejected = [v for v in verdicts if v is not None and not v["accepted"]]
    assert len(rejected) == 1 and rejected[0]["reason"] == "看不清"
    assert sum(1 for v in verdicts if v is not None and v["accepted"]) == 3
    assert case["form"]["confirmed"] is True
    assert case["signature_page_id"] in {page["page_id"] for page in case["pages"]}
    assert case["rating"]["level"] == 5
    kinds = [entry["kind"] for entry in case["timeline"]]
    assert {"opened", "card_stored", "scan_again", "form_pushed", "form_confirmed"} <= set(kinds)
    assert kinds[-1] == "rated" or "closed" in kinds
    assert console_summary["case_pages"] == 5 and console_summary["accepted_pages"] == 3

    # the receipt's QR code opens the case's status, for anyone with the receipt
    assert kiosk.receipt is not None
    url = kiosk.receipt.tracking_url
    assert url == case["tracking_url"] == console_summary["tracking_url"]
    assert url.startswith(f"{server.url}/track/{number}?t=")
    async with http.get(url) as response:
        assert response.status == 200
        page = await response.text()
    assert case["item_name"] in page and number in page and "已受理" in page
    assert DEMO_ID_NUMBER not in page and case["card"]["name"] not in page
