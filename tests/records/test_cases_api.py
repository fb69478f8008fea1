"""The case records API through ``RecordsClient``: a real server, a real call between a
kiosk and a clerk, SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import os
import stat
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import text

from shared import protocol as p
from shared.call.messages import CardData, FormField, FormPushed
from shared.call.upload import PageUploader
from shared.records_client import RecordsError
from tests.conftest import Seed
from tests.records.conftest import (
    RecordsServer,
    client,
    end_call,
    records_config,
    start_call,
)

ID_NUMBER = "11010519491231002X"


def card(id_number: str = ID_NUMBER) -> CardData:
    return CardData(
        card_type="resident_id",
        name="测试居民",
        id_number=id_number,
        sex="女",
        nation="汉",
        birth_date="1949-12-31",
        address="测试区测试路1号",
        valid_to="长期",
    )


def jpeg(size: int = 50_000) -> bytes:
    return b"\xff\xd8\xff\xe0" + os.urandom(size - 4)


async def test_a_whole_case_from_opening_to_closing(
    server: RecordsServer, peers: Any, seeded: Seed, http: aiohttp.ClientSession
) -> None:
    call = await start_call(server, peers, seeded)
    records = client(server, call.clerk_token, http)
    opened = await records.open_case(call.call_id)
    number = opened["case_number"]
    assert opened["status"] == "open" and opened["outcome"] is None
    assert opened["item_code"] == "YB-003" and opened["item_name"]
    assert opened["kiosk_name"] == "测试机1" and opened["clerk_name"] == "Alice"
    assert opened["site_id"] and opened["request_id"] == call.request_id
    assert opened["card"] is None and opened["pages"] == [] and opened["rating"] is None
    assert (await records.open_case(call.call_id))["case_number"] == number  # idempotent

    stored = await records.put_card(number, card())
    assert stored["card"]["id_number_masked"] == "110***********002X"
    assert stored["card"]["address"] == "测试区测试路1号"
    assert ID_NUMBER not in str(stored)

    contents = [jpeg(), jpeg(), jpeg()]
    async with PageUploader(server.url, call.kiosk_credential) as uploader:
        metas = [
            await uploader.upload(call.call_id, data, "image/jpeg", f"第{n}页")
            for n, data in enumerate(contents, 1)
        ]
    first, second, third = (meta["page_id"] for meta in metas)
    await records.review_page(number, first, True)
    with pytest.raises(RecordsError) as refused:
        await records.review_page(number, second, False, "")
    assert (refused.value.status, refused.value.code) == (422, "rule_violation")
    await records.review_page(number, second, False, "看不清")
    with pytest.raises(RecordsError) as refused:
        await records.review_page(number, "pg-unknown", True)
    assert (refused.value.status, refused.value.code) == (404, "no_such_page")
    await records.add_event(number, "scan_again", "第2页")
    with pytest.raises(RecordsError) as refused:
        await records.add_event(number, "closed", "")
    assert refused.value.code == "rule_violation"

    form = FormPushed(
        form_id="form-1",
        title="申请确认",
        fields=[FormField(key="name", label="申请人", value="测试居民")],
    )
    await records.put_form(
        number,
        {
            "form_id": form.form_id,
            "title": form.title,
            "fields": [{"key": "name", "label": "申请人", "value": "测试居民"}],
            "confirmed": True,
            "signature_page_id": third,
        },
    )
    with pytest.raises(RecordsError) as refused:
        await records.close_case(number, "needs_more")
    assert (refused.value.status, refused.value.code) == (422, "rule_violation")
    closed = await records.close_case(number, "needs_more", missing_materials=["户口簿"], note="补")
    assert closed["status"] == "closed" and closed["outcome"] == "needs_more"
    assert closed["missing_materials"] == ["户口簿"] and closed["closed_at"]

    detail = await records.get_case(number)
    pages = {page["page_id"]: page for page in detail["pages"]}
    assert set(pages) == {first, second, third}
    assert pages[first]["review"]["accepted"] is True
    assert pages[second]["review"] == {
        "accepted": False,
        "reason": "看不清",
        "at": pages[second]["review"]["at"],
    }
    assert pages[third]["review"] is None
    assert pages[first]["sha256"] == hashlib.sha256(contents[0]).hexdigest()
    assert detail["form"]["confirmed"] is True and detail["signature_page_id"] == third
    kinds = [entry["kind"] for entry in detail["timeline"]]
    assert kinds[0] == "opened" and kinds[-1] == "closed"
    assert {"card_stored", "page_received", "page_accepted", "page_rejected"} <= set(kinds)
    assert {"scan_again", "form_confirmed"} <= set(kinds)
    assert [e["at"] for e in detail["timeline"]] == sorted(e["at"] for e in detail["timeline"])

    # the bytes come back decrypted and whole
    assert await records.page_content(number, second) == contents[1]

    # at rest: the page files and the database hold no plaintext
    folder = server.config.data_dir / "pages" / seeded.center_id / call.request_id
    for meta, data in zip(metas, contents, strict=True):
        on_disk = (folder / f"{meta['page_id']}.bin").read_bytes()
        assert on_disk.startswith(b"VWE1") and data[:64] not in on_disk
        assert len(on_disk) == len(data) + 4 + 12 + 16
    key_file = server.config.data_dir / "records.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    await server.store.db.engine.dispose()
    async with server.store.db.engine.connect() as connection:
        row = (
            await connection.execute(
                text("SELECT * FROM cases WHERE case_number = :n"), {"n": number}
            )
        ).one()
    dumped = " ".join(str(value) for value in row)
    assert ID_NUMBER not in dumped and ID_NUMBER.lower() not in dumped
    assert "110***********002X" in dumped  # the masked form is kept for lists

    # a closed case changes no more
    for change in (
        records.put_card(number, card()),
        records.review_page(number, first, True),
        records.put_form(number, form),  # a FormPushed as it is
        records.close_case(number, "accepted"),
    ):
        with pytest.raises(RecordsError) as refused:
            await change
        assert (refused.value.status, refused.value.code) == (409, "case_closed")
    # ...but is still read, revealed (audited) and searched
    assert await records.reveal_id(number) == ID_NUMBER
    assert (await records.search(id_number=ID_NUMBER))["total"] == 1


async def test_the_kiosk_rates_after_the_call_and_reports_what_could_not_be_done(
    server: RecordsServer, peers: Any, seeded: Seed, http: aiohttp.ClientSession
) -> None:
    call = await start_call(server, peers, seeded)
    kiosk = client(server, call.kiosk_credential, http)
    clerk = client(server, call.clerk_token, http)
    # the clerk never opened a case: the kiosk's report opens one
    reported = await kiosk.call_cannot_be_done(call.call_id, "系统不支持此事项")
    number = reported["case_number"]
    await end_call(call)
    rated = await kiosk.rate_call(call.call_id, 2, ["等太久"])
    assert rated["case_number"] == number
    with pytest.raises(RecordsError) as refused:
        await kiosk.rate_call(call.call_id, 5, [])
    assert (refused.value.status, refused.value.code) == (409, "already_rated")
    with pytest.raises(RecordsError) as refused:
        await kiosk.rate_call(call.call_id, 9, [])
    assert (refused.value.status, refused.value.code) == (422, "rule_violation")

    detail = await clerk.get_case(number)
    assert detail["rating"]["level"] == 2 and detail["rating"]["reasons"] == ["等太久"]
    assert detail["cannot_be_done"][0]["reason"] == "系统不支持此事项"
    assert detail["cannot_be_done"][0]["by"] == "kiosk"
    assert detail["follow_up"]["status"] == "open"
    assert detail["status"] == "open"  # the clerk still closes it

    # the clerk closes it as could-not-be-done: a second follow-up, from the clerk
    closed = await clerk.close_case(number, "cannot_be_done", reason="需要本人到场")
    assert [entry["by"] for entry in closed["cannot_be_done"]] == ["kiosk", "clerk"]
    # the rating and the follow-ups still change on a closed case
    supervisor = client(server, await server.login("sue"), http)
    open_ones = await supervisor.follow_ups("open")
    assert {f["source"] for f in open_ones} == {"kiosk", "clerk"}
    assert all(f["case_number"] == number for f in open_ones)
    done = await supervisor.close_follow_up(open_ones[0]["id"], "已电话回访")
    assert done["status"] == "closed" and done["note"] == "已电话回访"
    assert done["case_number"] == number
    assert len(await supervisor.follow_ups("open")) == 1
    assert len(await supervisor.follow_ups("all")) == 2

    # before any call: a follow-up without a case
    before = await kiosk.kiosk_cannot_be_done("材料没带齐", "YB-003")
    listed = {f["id"]: f for f in await supervisor.follow_ups("open")}
    assert listed[before["follow_up_id"]]["case_number"] is None
    assert listed[before["follow_up_id"]]["item_code"] == "YB-003"
    with pytest.raises(RecordsError) as refused:
        await kiosk.kiosk_cannot_be_done("  ")
    assert refused.value.code == "rule_violation"
    with pytest.raises(RecordsError) as refused:
        await kiosk.kiosk_cannot_be_done("不会用", "NO-SUCH")
    assert (refused.value.status, refused.value.code) == (400, "invalid_message")


async def test_feedback_closes_after_the_window(
    database_url: str, seeded: Seed, tmp_path: Path, peers: Any, http: aiohttp.ClientSession
) -> None:
    server = RecordsServer(
        records_config(database_url, tmp_path / "data", feedback_window_min=0.01)
    )
    await server.start()
    try:
        call = await start_call(server, peers, seeded)
        kiosk = client(server, call.kiosk_credential, http)
        await end_call(call)
        await asyncio.sleep(1.0)  # past the 0.6 s window, and the end written behind
        with pytest.raises(RecordsError) as refused:
            await kiosk.rate_call(call.call_id, 5, [])
        assert (refused.value.status, refused.value.code) == (409, "feedback_closed")
        with pytest.raises(RecordsError) as refused:
            await kiosk.call_cannot_be_done(call.call_id, "晚了")
        assert refused.value.code == "feedback_closed"
        with pytest.raises(RecordsError) as refused:
            await kiosk.rate_call("call-unknown", 5, [])
        assert (refused.value.status, refused.value.code) == (404, "not_in_call")
        # the clerk opens a case only in a live call
        with pytest.raises(RecordsError) as refused:
            await client(server, call.clerk_token, http).open_case(call.call_id)
        assert (refused.value.status, refused.value.code) == (404, "not_in_call")
    finally:
        await server.stop()


async def test_search_by_every_filter_without_echoing_the_id_number(
    server: RecordsServer, peers: Any, seeded: Seed, http: aiohttp.ClientSession
) -> None:
    other_number = "11010119800101001X"
    made = []
    for n, (clerk_name, outcome, id_number) in enumerate(
        [
            ("alice", "accepted", ID_NUMBER),
            ("bob", "referred", other_number),
            ("alice", "accepted", ID_NUMBER),
        ]
    ):
        call = await start_call(server, peers, seeded, clerk_name=clerk_name, kiosk_no=n % 3)
        records = client(server, call.clerk_token, http)
        number = (await records.open_case(call.call_id))["case_number"]
        await records.put_card(number, card(id_number))
        if n == 0:
            async with PageUploader(server.url, call.kiosk_credential) as uploader:
                for page in range(2):
                    await uploader.upload(call.call_id, jpeg(), "image/jpeg", f"户口簿{page}")
        await records.close_case(
            number, outcome, referred_to="区医保中心" * (outcome == "referred")
        )
        await end_call(call)
        await call.clerk.close()
        made.append(number)
    assert made == sorted(made) and len(set(made)) == 3
    assert [int(m.rsplit("-", 1)[1]) for m in made] == [1, 2, 3]
    sue = client(server, await server.login("sue"), http)
    found = await sue.search(id_number=ID_NUMBER)
    assert found["total"] == 2
    assert {c["case_number"] for c in found["cases"]} == {made[0], made[2]}
    assert ID_NUMBER not in str(found)
    assert all(c["id_number_masked"] == "110***********002X" for c in found["cases"])
    # each case with the number of its pages, for the history list
    assert {c["case_number"]: c["pages"] for c in found["cases"]} == {made[0]: 2, made[2]: 0}
    assert (await sue.search(outcome="referred"))["cases"][0]["case_number"] == made[1]
    bob = await server.store.staff_by_username("bob")
    assert bob is not None
    assert (await sue.search(clerk=bob.staff_id))["total"] == 1
    assert (await sue.search(item="YB-003"))["total"] == 3
    assert (await sue.search(item="XX-999"))["total"] == 0
    assert (await sue.search(case_number=made[1]))["total"] == 1
    today = dt.datetime.now(dt.UTC).astimezone(dt.timezone(dt.timedelta(hours=8))).date()
    assert (await sue.search(date_from=today, date_to=today))["total"] == 3
    assert (await sue.search(date_to=today - dt.timedelta(days=1)))["total"] == 0
    site = (await sue.get_case(made[0]))["site_id"]
    assert (await sue.search(site=site))["total"] == 3
    page = await sue.search(limit=2, offset=0)
    assert page["total"] == 3 and len(page["cases"]) == 2
    assert page["cases"][0]["case_number"] == made[2]  # newest first
    with pytest.raises(RecordsError) as refused:
        await sue.search(date_from="22/11/2026")
    assert (refused.value.status, refused.value.code) == (400, "invalid_message")
    searches = await server.store.audit_events("case.search_id")
    assert len(searches) == 1
    assert searches[0].detail == {"id_number": "110***********002X", "found": 2}
    assert ID_NUMBER not in str([e.detail for e in await server.store.audit_events()])


async def test_bad_bodies_are_refused_clearly(
    server: RecordsServer, peers: Any, seeded: Seed, http: aiohttp.ClientSession
) -> None:
    call = await start_call(server, peers, seeded)
    headers = {"Authorization": f"Bearer {call.clerk_token}"}
    for body, code in ((b"not json", "bad_json"), (b'{"call": 1}', "invalid_message")):
        async with http.post(f"{server.url}/api/v1/cases", data=body, headers=headers) as answer:
            assert answer.status == 400
            assert (await answer.json())["error"]["code"] == code
    async with http.get(f"{server.url}/api/v1/cases/NOPE", headers=headers) as answer:
        assert answer.status == 404
        assert (await answer.json())["error"]["code"] == "no_such_case"
    async with http.get(f"{server.url}/api/v1/cases/AB12-20261122-0001", headers=headers) as answer:
        assert answer.status == 404
    records = client(server, call.clerk_token, http)
    number = (await records.open_case(call.call_id))["case_number"]
    async with http.put(
        f"{server.url}/api/v1/cases/{number}/card", json={"name": "x"}, headers=headers
    ) as answer:
        assert answer.status == 400
        assert (await answer.json())["error"]["code"] == "invalid_message"
    with pytest.raises(RecordsError) as refused:
        await records.reveal_id(number)
    assert (refused.value.status, refused.value.code) == (422, "rule_violation")  # no card yet
    with pytest.raises(RecordsError) as refused:
        await client(server.__class__(server.config), "x", http).get_case(number)
    assert refused.value.code == "unreachable"  # a server that is not running: port 0


async def test_a_transferred_call_keeps_its_case_and_the_new_clerk_joins_it(
    server: RecordsServer, peers: Any, seeded: Seed, http: aiohttp.ClientSession
) -> None:
    call = await start_call(server, peers, seeded, clerk_name="alice")
    alice = client(server, call.clerk_token, http)
    number = (await alice.open_case(call.call_id))["case_number"]
    await alice.put_card(number, card())
    bob_token = await server.login("bob")
    bob_peer = await peers(server.ws_url, bob_token)
    await bob_peer.send(p.SetClerkState(state="available"))
    await bob_peer.expect(p.ClerkStatus, lambda m: m.state == "available")
    bob_identity = await server.store.staff_by_username("bob")
    assert bob_identity is not None
    bob = client(server, bob_token, http)
    with pytest.raises(RecordsError) as refused:
        await bob.add_event(number, "note", "not mine yet")
    assert (refused.value.status, refused.value.code) == (403, "forbidden")

    await alice.add_event(number, "transfer", "转医保专窗")
    await call.clerk.send(p.TransferCall(call_id=call.call_id, clerk_id=bob_identity.staff_id))
    ring = await bob_peer.expect(p.Ring)
    await bob_peer.send(p.AcceptCall(request_id=ring.request_id))
    new_call = (await call.kiosk.expect(p.CallStarted)).call
    assert new_call.call_id != call.call_id and new_call.request_id == call.request_id

    joined = await bob.open_case(new_call.call_id)
    assert joined["case_number"] == number  # the same matter, the same case
    assert joined["clerk_name"] == "Bob" and joined["call_id"] == new_call.call_id
    alice_identity = await server.store.staff_by_username("alice")
    assert alice_identity is not None
    assert joined["clerk_ids"] == [alice_identity.staff_id, bob_identity.staff_id]
    assert [e["kind"] for e in joined["timeline"]].count("clerk_joined") == 1
    await bob.add_event(number, "note", "已接手")  # the new clerk now changes the case
    pushed = FormPushed(
        form_id="form-2", title="申请", fields=[FormField(key="k", label="事项", value="医保")]
    )
    stored = await bob.put_form(number, pushed)  # the pushed form as it is
    assert stored["form"]["fields"] == [{"key": "k", "label": "事项", "value": "医保"}]
    closed = await bob.close_case(number, "accepted")
    assert closed["card"]["id_number_masked"] == "110***********002X"
    # the kiosk rates the new call, which is the case's
    assert (await client(server, call.kiosk_credential, http).rate_call(new_call.call_id, 5))[
        "case_number"
    ] == number


async def test_an_upload_under_way_is_sealed_too_and_resumes_after_a_cut_frame(
    server: RecordsServer, peers: Any, seeded: Seed, http: aiohttp.ClientSession
) -> None:
    call = await start_call(server, peers, seeded)
    kiosk = {"Authorization": f"Bearer {call.kiosk_credential}"}
    data = jpeg(3 * 100_000)
    pages = f"{server.url}/api/v1/calls/{call.call_id}/pages"
    declaration = {
        "sha256": hashlib.sha256(data).hexdigest(),
        "size": len(data),
        "mime": "image/jpeg",
    }
    async with http.post(pages, json=declaration, headers=kiosk) as answer:
        page_id = (await answer.json())["page_id"]
    for offset in (0, 100_000):
        async with http.put(
            f"{pages}/{page_id}?offset={offset}",
            data=data[offset : offset + 100_000],
            headers=kiosk,
        ) as answer:
            assert answer.status == 200, await answer.text()
    part = server.config.data_dir / "pages" / seeded.center_id / call.request_id / f"{page_id}.part"
    raw = part.read_bytes()
    assert data[:32] not in raw and data[100_000:100_032] not in raw
    # a crash in the middle of writing the second chunk: its frame is cut short
    part.write_bytes(raw[:-10])
    async with http.get(f"{pages}/{page_id}/status", headers=kiosk) as answer:
        assert (await answer.json())["received"] == 100_000
    for offset in (100_000, 200_000):
        async with http.put(
            f"{pages}/{page_id}?offset={offset}",
            data=data[offset : offset + 100_000],
            headers=kiosk,
        ) as answer:
            assert answer.status == 200, await answer.text()
    async with http.post(f"{pages}/{page_id}/complete", headers=kiosk) as answer:
        assert answer.status == 200, await answer.text()
    assert not part.exists()
    records = client(server, call.clerk_token, http)
    number = (await records.open_case(call.call_id))["case_number"]
    assert await records.page_content(number, page_id) == data
