"""The public tracking of a case from the receipt's QR code, on a real server (SQLite and
PostgreSQL) with real calls: the server issues the URL, a phone opens it without logging in
and sees the status in plain words and nothing personal; a wrong token looks exactly like an
unknown case; look-ups are rate-limited per address; a purged case still tracks."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import aiohttp
import pytest
from multidict import CIMultiDictProxy
from sqlalchemy import update

from center.records.cli import purge_with_config
from shared.call.messages import CardData
from shared.records_client import RecordsClient, RecordsError
from signaling.store.models import Case, utcnow
from tests.conftest import Seed
from tests.records.conftest import (
    RecordsServer,
    client,
    end_call,
    records_config,
    start_call,
)

ID_NUMBER = "11010519491231002X"
RESIDENT = "测试居民"
ADDRESS = "测试区测试路1号"
PHONE_UA = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148"


async def _case(
    server: RecordsServer,
    peers: Any,
    seeded: Seed,
    http: aiohttp.ClientSession,
    kiosk_no: int = 0,
    **closing: Any,
) -> dict[str, Any]:
    """A call with the resident's card and a rating; closed with ``closing`` when given."""
    call = await start_call(server, peers, seeded, kiosk_no=kiosk_no)
    records = client(server, call.clerk_token, http)
    opened = await records.open_case(call.call_id)
    number = opened["case_number"]
    await records.put_card(
        number,
        CardData(card_type="resident_id", name=RESIDENT, id_number=ID_NUMBER, address=ADDRESS),
    )
    case = opened
    if closing:
        case = await records.close_case(number, **closing)
        assert case["tracking_url"] == opened["tracking_url"]
    await client(server, call.kiosk_credential, http).rate_call(call.call_id, 2, ["等太久"])
    await end_call(call)
    await call.clerk.close()
    return case


async def _get(
    http: aiohttp.ClientSession, url: str, **headers: str
) -> tuple[int, str, CIMultiDictProxy[str]]:
    async with http.get(url, headers={"User-Agent": PHONE_UA, **headers}) as response:
        return response.status, await response.text(), response.headers


def _no_personal_data(body: str) -> None:
    for secret in (ID_NUMBER, "002X", RESIDENT, ADDRESS, "等太久", "Alice"):
        assert secret not in body, secret
    assert "测试机" not in body  # nor where the resident was


async def test_the_url_of_a_closed_case_opens_on_a_phone_with_its_status_and_nothing_personal(
    server: RecordsServer, peers: Any, seeded: Seed, http: aiohttp.ClientSession
) -> None:
    case = await _case(
        server,
        peers,
        seeded,
        http,
        outcome="needs_more",
        missing_materials=["户口簿", "近期免冠照片<b>"],
    )
    url = case["tracking_url"]
    parts = urlsplit(url)
    # by default the address the clerk's request came to; the token is 16 base32 characters
    assert url.startswith(server.url + "/track/" + case["case_number"] + "?t=")
    token = parse_qs(parts.query)["t"][0]
    assert len(token) == 16 and token.isalnum()

    status, body, headers = await _get(http, url)
    assert status == 200
    assert headers["Content-Type"].startswith("text/html")
    assert headers["Cache-Control"] == "no-store"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert 'name="viewport"' in body and 'lang="zh-CN"' in body
    assert case["item_name"] in body and case["case_number"] in body
    assert "需补充材料" in body and "户口簿" in body
    # what a clerk typed is shown as text, never as markup
    assert "近期免冠照片&lt;b&gt;" in body and "<b>" not in body
    assert "测试中心" in body  # the center's name
    opened_on = dt.datetime.fromisoformat(case["opened_at"]).astimezone(
        dt.timezone(dt.timedelta(hours=8))
    )
    assert opened_on.date().isoformat() in body
    assert "<script" not in body
    _no_personal_data(body)


async def test_each_outcome_in_plain_words_and_an_open_case_is_in_progress(
    server: RecordsServer, peers: Any, seeded: Seed, http: aiohttp.ClientSession
) -> None:
    accepted = await _case(server, peers, seeded, http, 0, outcome="accepted")
    referred = await _case(
        server, peers, seeded, http, 1, outcome="referred", referred_to="区医保中心"
    )
    still_open = await _case(server, peers, seeded, http, 2)
    status, body, _ = await _get(http, accepted["tracking_url"])
    assert status == 200 and "已受理" in body and "办结日期" in body
    status, body, _ = await _get(http, referred["tracking_url"])
    assert status == 200 and "已转办" in body and "区医保中心" in body
    status, body, _ = await _get(http, still_open["tracking_url"])
    assert status == 200 and "办理中" in body and "办结日期" not in body
    for case in (accepted, referred, still_open):
        _no_personal_data((await _get(http, case["tracking_url"]))[1])


@pytest.fixture
async def roomy_server(
    database_url: str, seeded: Seed, tmp_path: Path
) -> AsyncIterator[RecordsServer]:
    """A server whose look-up limit leaves room for many tries from one address."""
    srv = RecordsServer(records_config(database_url, tmp_path / "data", tracking_burst=100))
    await srv.start()
    yield srv
    await srv.stop()


async def test_a_wrong_or_missing_token_answers_exactly_as_an_unknown_case(
    roomy_server: RecordsServer, peers: Any, seeded: Seed, http: aiohttp.ClientSession
) -> None:
    server = roomy_server
    case = await _case(server, peers, seeded, http, outcome="accepted")
    number = case["case_number"]
    token = parse_qs(urlsplit(case["tracking_url"]).query)["t"][0]
    # the next number of the same day: the one an enumerator would try
    prefix, _, sequence = number.rpartition("-")
    neighbour = f"{prefix}-{int(sequence) + 1:04d}"
    wrong = ("a" if token[0] != "a" else "b") + token[1:]
    tries = [
        f"/track/{number}?t={wrong}",
        f"/track/{number}",
        f"/track/{number}?t=",
        f"/track/{neighbour}?t={token}",
        f"/track/{neighbour}?t={wrong}",
        f"/track/not-a-number?t={token}",
        f"/track/{number}?t={token * 10}",
    ]
    answers = [await _get(http, server.url + path) for path in tries]
    assert {status for status, _, _ in answers} == {404}
    assert len({body for _, body, _ in answers}) == 1
    assert "没有找到这个办件" in answers[0][1]
    assert number not in answers[0][1] and token not in answers[0][1]
    # the token is case-insensitive (a QR reader may upper-case it)
    status, _, _ = await _get(http, f"{server.url}/track/{number}?t={token.upper()}")
    assert status == 200

    json_answers = []
    for path in tries:
        async with http.get(server.url + "/api/v1" + path) as response:
            json_answers.append((response.status, await response.read()))
    assert {status for status, _ in json_answers} == {404}
    assert len({body for _, body in json_answers}) == 1


async def test_the_json_variant_and_the_english_page(
    server: RecordsServer, peers: Any, seeded: Seed, http: aiohttp.ClientSession
) -> None:
    case = await _case(
        server, peers, seeded, http, outcome="cannot_be_done", reason=f"本人住{ADDRESS}，行动不便"
    )
    anonymous = RecordsClient(server.url, "", http)
    view = await anonymous.track(case["tracking_url"])
    assert view["case_number"] == case["case_number"]
    assert view["item_name"] == case["item_name"]
    assert view["stage"] == "cannot_be_done" and view["status_text"] == "办不成事"
    assert view["follow_up"] == {"status": "open", "text": "跟进中：工作人员会联系您。"}
    assert view["center"]["name"] == "测试中心"
    assert view["opened_on"] and view["closed_on"]
    assert set(view) == {
        "case_number",
        "item_name",
        "opened_on",
        "closed_on",
        "stage",
        "status_text",
        "explanation",
        "missing_materials",
        "referred_to",
        "follow_up",
        "center",
        "language",
    }
    _no_personal_data(str(view))
    assert "行动不便" not in str(view)  # the reason may name the resident's circumstances

    english = await anonymous.track(case["tracking_url"], "en")
    assert english["status_text"] == "Could not be done"
    assert english["follow_up"]["text"] == "Being followed up: staff will contact you."

    status, body, _ = await _get(http, case["tracking_url"] + "&lang=en")
    assert status == 200 and 'lang="en"' in body
    assert "Could not be done" in body and "Case number" in body and "办理状态" not in body
    status, body, _ = await _get(
        http, case["tracking_url"], **{"Accept-Language": "en-GB,en;q=0.9,zh-CN;q=0.5"}
    )
    assert status == 200 and "Could not be done" in body
    # the page links to the other language, keeping the token
    assert f"?t={parse_qs(urlsplit(case['tracking_url']).query)['t'][0]}&amp;lang=zh" in body
    status, body, _ = await _get(http, server.url + "/track/nothing?lang=en")
    assert status == 404 and "Case not found" in body

    # once the follow-up is closed the page says so
    supervisor = client(server, await server.login("sue"), http)
    follow_up = (await supervisor.follow_ups())[0]
    await supervisor.close_follow_up(follow_up["id"], "已电话联系")
    view = await anonymous.track(case["tracking_url"])
    assert view["follow_up"]["status"] == "closed"
    assert "已电话联系" not in str(view)


async def test_look_ups_are_limited_per_client_address(
    database_url: str, seeded: Seed, tmp_path: Path, peers: Any, http: aiohttp.ClientSession
) -> None:
    server = RecordsServer(
        records_config(
            database_url,
            tmp_path / "data",
            tracking_rate_per_min=0.5,
            tracking_burst=4,
            trusted_proxies=("127.0.0.1",),
            public_url="https://vwindow.example.org/",
            center_phones={"测试中心": "021-6487 0000"},
        )
    )
    await server.start()
    try:
        case = await _case(server, peers, seeded, http, outcome="accepted")
        # the configured public address, for phones that reach the server through a proxy
        url = case["tracking_url"]
        assert url.startswith("https://vwindow.example.org/track/")
        local = server.url + url.removeprefix("https://vwindow.example.org")
        status, body, _ = await _get(http, local)
        assert status == 200 and "021-6487 0000" in body and 'href="tel:02164870000"' in body
        # the same address walking through numbers: stopped after the burst
        statuses = []
        for n in range(6):
            async with http.get(f"{server.url}/track/X-20261122-{n:04d}?t=abc") as response:
                statuses.append(response.status)
                if response.status == 429:
                    assert int(response.headers["Retry-After"]) >= 1
                    assert "查询太频繁" in await response.text()
        assert statuses == [404, 404, 404, 429, 429, 429]
        # even the right URL now waits; the JSON variant shares the bucket
        assert (await _get(http, local))[0] == 429
        async with http.get(local.replace("/track/", "/api/v1/track/")) as response:
            assert response.status == 429
            assert (await response.json())["error"]["code"] == "rate_limited"
        # another phone behind the trusted proxy has its own bucket; a spoofed header from
        # an untrusted peer would not, but loopback is the proxy here
        status, _, _ = await _get(http, local, **{"X-Forwarded-For": "203.0.113.7"})
        assert status == 200
        with pytest.raises(RecordsError) as limited:
            await RecordsClient(server.url, "", http).track(url)
        assert limited.value.status == 429
    finally:
        await server.stop()


async def test_a_purged_case_still_tracks(
    server: RecordsServer, peers: Any, seeded: Seed, http: aiohttp.ClientSession
) -> None:
    case = await _case(
        server,
        peers,
        seeded,
        http,
        outcome="needs_more",
        missing_materials=["户口簿"],
        note=f"居民住{ADDRESS}",
    )
    long_ago = utcnow() - dt.timedelta(days=server.config.records.retention_days + 10)
    async with server.store.db.session() as session:
        await session.execute(
            update(Case).where(Case.case_number == case["case_number"]).values(closed_at=long_ago)
        )
    assert (await purge_with_config(server.config)).cases == 1
    supervisor = client(server, await server.login("sue"), http)
    assert (await supervisor.get_case(case["case_number"]))["purged_at"]

    status, body, _ = await _get(http, case["tracking_url"])
    assert status == 200
    assert "需补充材料" in body and "户口簿" in body and case["item_name"] in body
    assert long_ago.astimezone(dt.timezone(dt.timedelta(hours=8))).date().isoformat() in body
    _no_personal_data(body)
