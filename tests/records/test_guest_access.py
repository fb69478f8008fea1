"""The third party a clerk invites into a call (a department's expert) reads that call's pages
and its case while in the call, and only then: not while the invitation rings, not after
leaving or being removed, never a change, never the full ID number; every read audited and
marked as the guest's. A real server, real signaling sockets, SQLite and PostgreSQL.

Alice (yibao) answers the resident; carol (minzheng) is invited; bob (yibao) is a clerk of
the same center who was never invited."""

from __future__ import annotations

import os
from typing import Any

import aiohttp

from shared import protocol as p
from shared.call.upload import PageUploader
from tests.conftest import Peer, Seed
from tests.records.conftest import LiveCall, RecordsServer, start_call

ID_NUMBER = "11010519491231002X"
CARD = {"card_type": "resident_id", "name": "测试居民", "id_number": ID_NUMBER, "sex": "女"}
PAGE = b"\xff\xd8\xff\xe0" + os.urandom(3000)


async def _call(
    http: aiohttp.ClientSession,
    server: RecordsServer,
    method: str,
    path: str,
    token: str,
    body: Any = None,
) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {token}"}
    async with http.request(
        method, server.url + path, json=body if method != "GET" else None, headers=headers
    ) as response:
        if response.content_type == "application/json":
            return response.status, await response.json()
        return response.status, await response.read()


async def _case_with_a_page(
    server: RecordsServer, http: aiohttp.ClientSession, call: LiveCall
) -> tuple[str, str]:
    status, case = await _call(
        http, server, "POST", "/api/v1/cases", call.clerk_token, {"call_id": call.call_id}
    )
    assert status == 201, case
    number: str = case["case_number"]
    status, _ = await _call(
        http, server, "PUT", f"/api/v1/cases/{number}/card", call.clerk_token, CARD
    )
    assert status == 200
    async with PageUploader(server.url, call.kiosk_credential) as uploader:
        page = await uploader.upload(call.call_id, PAGE, "image/jpeg", "身份证")
    return number, page["page_id"]


async def _invite(call: LiveCall, guest: Peer, guest_id: str) -> p.CallInfo:
    """Alice invites the guest, who accepts: two legs start, alice hears it joined; her own
    leg with the guest is returned."""
    await call.clerk.send(p.InviteToCall(call_id=call.call_id, clerk_id=guest_id, note="请协助"))
    ring = await guest.expect(p.Ring)
    assert ring.kind == "invite"
    await call.clerk.expect(p.InviteStatus, lambda m: m.status == "ringing")
    await guest.send(p.AcceptCall(request_id=ring.request_id))
    for _ in range(2):
        await guest.expect(p.CallStarted)
    await call.clerk.expect(p.InviteStatus, lambda m: m.status == "joined")
    started = await call.clerk.expect(p.CallStarted, lambda m: m.call.leg == "guest")
    leg: p.CallInfo = started.call
    return leg


def _reads(call_id: str, number: str, page_id: str) -> dict[str, str]:
    """Every read the guest gets during the call, by name."""
    return {
        "call_pages": f"/api/v1/calls/{call_id}/pages",
        "call_page": f"/api/v1/calls/{call_id}/pages/{page_id}",
        "call_page_status": f"/api/v1/calls/{call_id}/pages/{page_id}/status",
        "case_page": f"/api/v1/cases/{number}/pages/{page_id}",
    }


async def _status_of_reads(
    http: aiohttp.ClientSession, server: RecordsServer, token: str, reads: dict[str, str]
) -> dict[str, tuple[int, str | None]]:
    found: dict[str, tuple[int, str | None]] = {}
    for name, path in reads.items():
        status, body = await _call(http, server, "GET", path, token)
        code = body["error"]["code"] if isinstance(body, dict) and "error" in body else None
        found[name] = (status, code)
    return found


async def test_the_guest_reads_pages_and_case_only_while_in_the_call(
    server: RecordsServer, peers: Any, seeded: Seed, http: aiohttp.ClientSession
) -> None:
    call = await start_call(server, peers, seeded, clerk_name="alice")
    number, page_id = await _case_with_a_page(server, http, call)
    carol_token = await server.login("carol")
    bob_token = await server.login("bob")
    carol: Peer = await peers(server.ws_url, carol_token)
    assert carol.welcome is not None
    carol_id = carol.welcome.subject_id
    await carol.send(p.SetClerkState(state="available"))
    await carol.expect(p.ClerkStatus, lambda m: m.state == "available")
    reads = _reads(call.call_id, number, page_id)
    denied = {name: (403, "forbidden") for name in reads}

    # before joining nobody but the parties reads: carol (not invited yet) and bob
    assert await _status_of_reads(http, server, carol_token, reads) == denied
    # a ringing invitation grants nothing either
    await call.clerk.send(p.InviteToCall(call_id=call.call_id, clerk_id=carol_id))
    ring = await carol.expect(p.Ring)
    assert await _status_of_reads(http, server, carol_token, reads) == denied
    await carol.send(p.AcceptCall(request_id=ring.request_id))
    for _ in range(2):
        await carol.expect(p.CallStarted)
    await call.clerk.expect(p.InviteStatus, lambda m: m.status == "joined")
    await call.clerk.expect(p.CallStarted, lambda m: m.call.leg == "guest")

    # joined: carol reads every page route and the case
    allowed = {name: (200, None) for name in reads}
    assert await _status_of_reads(http, server, carol_token, reads) == allowed
    status, listing = await _call(http, server, "GET", reads["call_pages"], carol_token)
    assert [page["page_id"] for page in listing["pages"]] == [page_id]
    assert (await _call(http, server, "GET", reads["call_page"], carol_token)) == (200, PAGE)
    assert (await _call(http, server, "GET", reads["case_page"], carol_token)) == (200, PAGE)
    status, case = await _call(http, server, "GET", f"/api/v1/cases/{number}", carol_token)
    assert status == 200 and case["card"]["name"] == "测试居民"
    assert case["card"]["id_number_masked"] != ID_NUMBER and ID_NUMBER not in str(case)
    assert [page["page_id"] for page in case["pages"]] == [page_id]
    # a clerk of the center who was never invited still does not read the pages
    assert await _status_of_reads(http, server, bob_token, reads) == denied

    # read only: no change, no reveal, no opening the case
    case_path = f"/api/v1/cases/{number}"
    for method, path, body, code in (
        ("POST", f"{case_path}/reveal", {}, "forbidden"),
        ("PUT", f"{case_path}/card", CARD, "forbidden"),
        ("POST", f"{case_path}/events", {"kind": "note", "detail": "x"}, "forbidden"),
        (
            "POST",
            f"{case_path}/pages/{page_id}/review",
            {"accepted": False, "reason": "看不清"},
            "forbidden",
        ),
        ("PUT", f"{case_path}/form", {"form_id": "f", "title": "t", "fields": []}, "forbidden"),
        ("POST", f"{case_path}/close", {"outcome": "accepted"}, "forbidden"),
        ("POST", "/api/v1/cases", {"call_id": call.call_id}, "not_in_call"),
    ):
        status, answer = await _call(http, server, method, path, carol_token, body)
        assert (status, answer["error"]["code"]) == (403, code), path
    # the case is as alice left it
    status, unchanged = await _call(http, server, "GET", case_path, call.clerk_token)
    assert unchanged["form"] is None and unchanged["status"] == "open"
    assert [page["review"] for page in unchanged["pages"]] == [None]

    # carol leaves: the pages are closed to her again
    await carol.send(p.LeaveCall(call_id=call.call_id))
    await call.clerk.expect(p.InviteStatus, lambda m: m.status == "left")
    assert await _status_of_reads(http, server, carol_token, reads) == denied
    # ... and her case reads are an ordinary clerk's again: the case (masked), not as guest
    status, _ = await _call(http, server, "GET", case_path, carol_token)
    assert status == 200

    # invited again and removed by alice (her leg with carol hung up): the same
    alice_leg = await _invite(call, carol, carol_id)
    assert await _status_of_reads(http, server, carol_token, reads) == allowed
    await call.clerk.send(p.Hangup(call_id=alice_leg.call_id))
    await call.clerk.expect(p.InviteStatus, lambda m: m.status == "removed")
    assert await _status_of_reads(http, server, carol_token, reads) == denied

    # every read carol made as the guest is on record, marked so; none of her denied ones
    carol_row = await server.store.staff_by_username("carol")
    assert carol_row is not None
    own = [
        e
        for e in await server.store.audit_events()
        if e.actor_id == carol_row.staff_id and e.action != "staff.login"
    ]
    by_action: dict[str, list[Any]] = {}
    for event in own:
        by_action.setdefault(event.action, []).append(event)
    assert set(by_action) == {"page.read", "case.page_read", "case.read"}
    # during the first stay: call_page twice, case_page twice, the case once; then again
    # once each of the two page routes after the second invitation
    assert len(by_action["page.read"]) == 3
    assert len(by_action["case.page_read"]) == 3
    assert all(e.target == page_id for e in by_action["page.read"])
    assert all(e.detail["call_id"] == call.call_id for e in by_action["page.read"])
    assert all(e.target == number for e in by_action["case.page_read"] + by_action["case.read"])
    guest_reads = by_action["page.read"] + by_action["case.page_read"]
    assert all(e.detail.get("as") == "guest" for e in guest_reads)
    assert all(e.center_id == seeded.center_id for e in own)
    # the case read while a guest is marked; the one after leaving is an ordinary clerk's
    assert [e.detail.get("as") for e in by_action["case.read"]] == ["guest", None]
    assert ID_NUMBER not in str([e.detail for e in own])


async def test_the_guest_loses_the_pages_when_the_call_ends(
    server: RecordsServer, peers: Any, seeded: Seed, http: aiohttp.ClientSession
) -> None:
    call = await start_call(server, peers, seeded, clerk_name="alice")
    number, page_id = await _case_with_a_page(server, http, call)
    carol_token = await server.login("carol")
    carol: Peer = await peers(server.ws_url, carol_token)
    assert carol.welcome is not None
    await carol.send(p.SetClerkState(state="available"))
    await carol.expect(p.ClerkStatus, lambda m: m.state == "available")
    await _invite(call, carol, carol.welcome.subject_id)
    reads = _reads(call.call_id, number, page_id)
    assert await _status_of_reads(http, server, carol_token, reads) == {
        name: (200, None) for name in reads
    }
    await call.clerk.send(p.Hangup(call_id=call.call_id, outcome="accepted"))
    await call.kiosk.expect(p.CallEnded, lambda m: m.call_id == call.call_id)
    assert await _status_of_reads(http, server, carol_token, reads) == {
        name: (403, "forbidden") for name in reads
    }
    # the call's own clerk still reads them after the call
    assert await _status_of_reads(http, server, call.clerk_token, reads) == {
        name: (200, None) for name in reads
    }
