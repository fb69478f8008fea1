"""Who may touch case records: every records endpoint × {anonymous, the call's kiosk, another
kiosk, a clerk and a supervisor of another center, a clerk of the same center, its supervisor,
the case's clerk}, each denial with its status and code, each permitted access succeeding.
A real server, a real call, SQLite and PostgreSQL."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import aiohttp

from shared.call.upload import PageUploader
from tests.conftest import PASSWORD, Seed
from tests.records.conftest import RecordsServer, start_call

ID_NUMBER = "11010519491231002X"
CARD = {"card_type": "resident_id", "name": "测试居民", "id_number": ID_NUMBER, "sex": "女"}

Expect = tuple[int, str | None]  # (status, error code or None for success)
DENIED_ANON: Expect = (401, "auth_required")
FORBIDDEN: Expect = (403, "forbidden")
NOT_IN_CALL: Expect = (403, "not_in_call")


@dataclass
class Endpoint:
    name: str
    method: str
    path: str
    body: Any
    expect: dict[str, Expect]


async def _call(
    http: aiohttp.ClientSession,
    server: RecordsServer,
    method: str,
    path: str,
    token: str | None,
    body: Any,
) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with http.request(
        method, server.url + path, json=body if method != "GET" else None, headers=headers
    ) as response:
        if response.content_type == "application/json":
            return response.status, await response.json()
        return response.status, await response.read()


async def test_every_records_endpoint_for_every_kind_of_caller(
    server: RecordsServer, peers: Any, seeded: Seed, http: aiohttp.ClientSession
) -> None:
    call = await start_call(server, peers, seeded, clerk_name="alice")
    await server.store.create_staff(
        center_id=seeded.other_center_id,
        username="otto",
        display_name="Otto",
        password=PASSWORD,
        role="supervisor",
    )
    tokens: dict[str, str | None] = {
        "anonymous": None,
        "kiosk": call.kiosk_credential,
        "another_kiosk": seeded.kiosk_credentials[1],
        "other_center_kiosk": seeded.other_kiosk_credential,
        "other_center_clerk": await server.login("olga"),
        "other_center_supervisor": await server.login("otto"),
        "same_center_clerk": await server.login("bob"),
        "supervisor": await server.login("sue"),
        "admin": await server.login("adam"),
        "case_clerk": call.clerk_token,
    }

    # the case, its card and one page, made by the parties themselves
    status, case = await _call(
        http, server, "POST", "/api/v1/cases", call.clerk_token, {"call_id": call.call_id}
    )
    assert status == 201, case
    number = case["case_number"]
    status, _ = await _call(
        http, server, "PUT", f"/api/v1/cases/{number}/card", call.clerk_token, CARD
    )
    assert status == 200
    async with PageUploader(server.url, call.kiosk_credential) as uploader:
        page = await uploader.upload(
            call.call_id, b"\xff\xd8\xff\xe0" + os.urandom(4000), "image/jpeg", "身份证"
        )
    page_id = page["page_id"]
    status, early = await _call(
        http,
        server,
        "POST",
        f"/api/v1/calls/{call.call_id}/cannot-be-done",
        call.kiosk_credential,
        {"reason": "材料不全"},
    )
    assert status == 201, early
    follow_up_id = early["follow_up_id"]

    staff_roles = (
        "other_center_clerk",
        "other_center_supervisor",
        "same_center_clerk",
        "supervisor",
        "admin",
        "case_clerk",
    )
    kiosks = ("kiosk", "another_kiosk", "other_center_kiosk")

    def staff_only(**allowed: Expect) -> dict[str, Expect]:
        """Kiosks refused as kiosks, other centers' staff as outsiders, then ``allowed``."""
        expect: dict[str, Expect] = {"anonymous": DENIED_ANON}
        expect.update({k: FORBIDDEN for k in kiosks})
        expect.update({r: FORBIDDEN for r in staff_roles})
        expect.update(allowed)
        return expect

    writer = staff_only(case_clerk=(200, None))
    writer_adds = staff_only(case_clerk=(201, None))
    personal = staff_only(supervisor=(200, None), admin=(200, None), case_clerk=(200, None))
    reader = staff_only(
        same_center_clerk=(200, None),
        supervisor=(200, None),
        admin=(200, None),
        case_clerk=(200, None),
    )
    kiosk_feedback: dict[str, Expect] = {"anonymous": DENIED_ANON}
    kiosk_feedback.update({r: FORBIDDEN for r in staff_roles})
    kiosk_feedback.update(
        another_kiosk=NOT_IN_CALL, other_center_kiosk=NOT_IN_CALL, kiosk=(201, None)
    )
    open_expect = {r: NOT_IN_CALL for r in staff_roles} | {
        "anonymous": DENIED_ANON,
        **{k: FORBIDDEN for k in kiosks},
        "case_clerk": (200, None),
    }
    search_expect = {r: (200, None) for r in staff_roles} | {
        "anonymous": DENIED_ANON,
        **{k: FORBIDDEN for k in kiosks},
    }
    follow_up_list = search_expect
    # supervisors and admins close any of the center's follow-ups, a clerk those of their calls
    follow_up_close = staff_only(supervisor=(200, None), admin=(200, None), case_clerk=(200, None))
    case = f"/api/v1/cases/{number}"
    endpoints = [
        Endpoint("open", "POST", "/api/v1/cases", {"call_id": call.call_id}, open_expect),
        Endpoint("detail", "GET", case, None, reader),
        Endpoint("search", "GET", f"/api/v1/cases?case_number={number}", None, search_expect),
        Endpoint("card", "PUT", f"{case}/card", CARD, writer),
        Endpoint("reveal", "POST", f"{case}/reveal", {}, personal),
        Endpoint("event", "POST", f"{case}/events", {"kind": "note", "detail": "x"}, writer_adds),
        Endpoint(
            "review",
            "POST",
            f"{case}/pages/{page_id}/review",
            {"accepted": True, "reason": ""},
            writer,
        ),
        Endpoint("page", "GET", f"{case}/pages/{page_id}", None, personal),
        Endpoint(
            "form",
            "PUT",
            f"{case}/form",
            {
                "form_id": "f1",
                "title": "申请",
                "fields": [{"key": "a", "label": "A", "value": "1"}],
            },
            writer,
        ),
        Endpoint(
            "rating",
            "POST",
            f"/api/v1/calls/{call.call_id}/rating",
            {"level": 4, "reasons": []},
            kiosk_feedback,
        ),
        Endpoint(
            "call_cannot_be_done",
            "POST",
            f"/api/v1/calls/{call.call_id}/cannot-be-done",
            {"reason": "系统故障"},
            kiosk_feedback,
        ),
        Endpoint(
            "kiosk_cannot_be_done",
            "POST",
            "/api/v1/kiosk/cannot-be-done",
            {"reason": "没带材料", "item_code": "YB-003"},
            {"anonymous": DENIED_ANON}
            | {r: FORBIDDEN for r in staff_roles}
            | {k: (201, None) for k in kiosks},
        ),
        Endpoint("follow_ups", "GET", "/api/v1/follow-ups?status=all", None, follow_up_list),
        Endpoint(
            "follow_up_close",
            "POST",
            f"/api/v1/follow-ups/{follow_up_id}/close",
            {"note": "已回访"},
            follow_up_close,
        ),
        Endpoint(
            "close",
            "POST",
            f"{case}/close",
            {"outcome": "accepted"},
            writer,
        ),
    ]
    results: dict[tuple[str, str], tuple[int, Any]] = {}
    for endpoint in endpoints:
        assert set(endpoint.expect) == set(tokens), endpoint.name
        # refusals first, the permitted callers last: a permitted change (closing) must not
        # be what makes a later refusal pass
        ordered = sorted(endpoint.expect, key=lambda role: endpoint.expect[role][1] is None)
        for role in ordered:
            expected_status, expected_code = endpoint.expect[role]
            status, body = await _call(
                http, server, endpoint.method, endpoint.path, tokens[role], endpoint.body
            )
            results[(endpoint.name, role)] = (status, body)
            assert status == expected_status, (endpoint.name, role, status, body)
            if expected_code is not None:
                assert body["error"]["code"] == expected_code, (endpoint.name, role, body)

    # what the permitted callers got
    assert results[("reveal", "supervisor")][1] == {"id_number": ID_NUMBER}
    assert results[("reveal", "case_clerk")][1] == {"id_number": ID_NUMBER}
    assert results[("page", "case_clerk")][0] == 200
    detail = results[("detail", "same_center_clerk")][1]
    assert detail["card"]["id_number_masked"] == "110***********002X"
    assert ID_NUMBER not in str(detail)
    # search is scoped to the caller's center: outsiders find nothing
    assert results[("search", "other_center_clerk")][1]["total"] == 0
    assert results[("search", "other_center_supervisor")][1]["total"] == 0
    assert results[("search", "same_center_clerk")][1]["total"] == 1
    # follow-ups: supervisors and admins see the center's, clerks their own
    listed = {role: results[("follow_ups", role)][1]["follow_ups"] for role in staff_roles}
    # two from the call, two from this center's kiosks before any call
    assert len(listed["supervisor"]) == 4 and len(listed["admin"]) == 4
    assert len(listed["case_clerk"]) == 2  # the two of her call, not the kiosk's own
    assert listed["same_center_clerk"] == [] and listed["other_center_clerk"] == []
    # the other center's supervisor sees only the report of the other center's kiosk
    assert [f["case_number"] for f in listed["other_center_supervisor"]] == [None]
    assert listed["other_center_supervisor"][0]["kiosk_id"] not in seeded.kiosk_ids
    # rating is once per case
    status, body = await _call(
        http,
        server,
        "POST",
        f"/api/v1/calls/{call.call_id}/rating",
        call.kiosk_credential,
        {"level": 5},
    )
    assert (status, body["error"]["code"]) == (409, "already_rated")
    # a closed case refuses changes
    for method, path, body in (
        ("PUT", f"{case}/card", CARD),
        ("POST", f"{case}/events", {"kind": "note", "detail": "late"}),
        ("POST", f"{case}/close", {"outcome": "accepted"}),
    ):
        status, answer = await _call(http, server, method, path, call.clerk_token, body)
        assert (status, answer["error"]["code"]) == (409, "case_closed"), path

    # every access to personal data is on record, with who and which case
    audit = await server.store.audit_events()
    by_action: dict[str, list[Any]] = {}
    for event in audit:
        by_action.setdefault(event.action, []).append(event)
    ids = {}
    for role, username in (
        ("supervisor", "sue"),
        ("admin", "adam"),
        ("case_clerk", "alice"),
        ("same_center_clerk", "bob"),
    ):
        staff = await server.store.staff_by_username(username)
        assert staff is not None
        ids[role] = staff.staff_id
    reveals = by_action["case.reveal"]
    assert {(e.actor_id, e.target) for e in reveals} == {
        (ids["supervisor"], number),
        (ids["admin"], number),
        (ids["case_clerk"], number),
    }
    assert len(by_action["case.page_read"]) == 3
    assert all(e.detail["page_id"] == page_id for e in by_action["case.page_read"])
    # four readers of the detail (with a card), each audited
    assert len(by_action["case.read"]) == 4
    assert by_action["case.card_write"][0].target == number
    # no refused caller left a trace of personal data access
    assert not any(
        e.actor_id == ids["same_center_clerk"] for e in reveals + by_action["case.page_read"]
    )
