"""The HTTP side of the server: enrollment, login, TURN credentials, catalog, health, metrics."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from dataclasses import replace
from typing import Any

import aiohttp
import pytest

from shared import protocol as p
from signaling.config import TurnConfig
from signaling.store.models import AuditEvent
from signaling.turn import turn_credentials
from tests.conftest import PASSWORD, Seed, TestServer


async def call(
    server: TestServer, method: str, path: str, *, token: str | None = None, **kwargs: Any
) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with (
        aiohttp.ClientSession() as http,
        http.request(method, server.url + path, headers=headers, **kwargs) as response,
    ):
        body = await response.json() if response.content_type == "application/json" else None
        return response.status, body


async def test_enrollment_code_is_one_time(server: TestServer, seeded: Seed) -> None:
    kiosk, code = await server.store.create_kiosk(center_id=seeded.center_id, name="新机")
    status, body = await call(server, "POST", "/api/v1/enroll", json={"code": code.lower()})
    assert status == 200, body
    assert body["kiosk_id"] == kiosk.id and body["credential"].startswith("vk_")
    status, body = await call(server, "POST", "/api/v1/enroll", json={"code": code})
    assert status == 403 and body["error"]["code"] == "auth_failed"
    status, me = await call(
        server, "GET", "/api/v1/me", token=(await _enroll_again(server, seeded))
    )
    assert status == 200 and me["kind"] == "kiosk"


async def _enroll_again(server: TestServer, seeded: Seed) -> str:
    _kiosk, code = await server.store.create_kiosk(center_id=seeded.center_id, name="另一台")
    status, body = await call(server, "POST", "/api/v1/enroll", json={"code": code})
    assert status == 200
    token: str = body["credential"]
    return token


async def test_reissued_enrollment_revokes_old_credential(server: TestServer, seeded: Seed) -> None:
    credential = seeded.kiosk_credentials[1]
    assert (await call(server, "GET", "/api/v1/me", token=credential))[0] == 200
    code = await server.store.reissue_enrollment(seeded.kiosk_ids[1])
    assert (await call(server, "GET", "/api/v1/me", token=credential))[0] == 401
    status, body = await call(server, "POST", "/api/v1/enroll", json={"code": code})
    assert status == 200 and body["kiosk_id"] == seeded.kiosk_ids[1]


async def test_login_logout_and_lockout(server: TestServer, seeded: Seed) -> None:
    status, body = await call(
        server, "POST", "/api/v1/login", json={"username": "alice", "password": PASSWORD}
    )
    assert status == 200
    token = body["token"]
    assert body["staff"]["role"] == "clerk" and body["staff"]["skills"] == ["minzheng", "yibao"]
    assert (await call(server, "GET", "/api/v1/me", token=token))[1]["username"] == "alice"
    assert (await call(server, "POST", "/api/v1/logout", token=token))[0] == 200
    assert (await call(server, "GET", "/api/v1/me", token=token))[0] == 401
    for _ in range(5):
        status, body = await call(
            server, "POST", "/api/v1/login", json={"username": "bob", "password": "wrong"}
        )
        assert status == 401 and body["error"]["code"] == "auth_failed"
    status, body = await call(
        server, "POST", "/api/v1/login", json={"username": "bob", "password": PASSWORD}
    )
    assert status == 429 and body["error"]["code"] == "rate_limited"
    # an unknown user is refused the same way as a wrong password
    status, body = await call(
        server, "POST", "/api/v1/login", json={"username": "nobody", "password": "x" * 9}
    )
    assert status == 401
    logins = [e for e in await server.store.audit_events("staff.login")]
    assert all(isinstance(e, AuditEvent) for e in logins) and len(logins) == 1


async def test_bad_requests_get_json_errors(server: TestServer, seeded: Seed) -> None:
    status, body = await call(server, "POST", "/api/v1/login", data=b"{nope")
    assert status == 400 and body["error"]["code"] == "bad_json"
    status, body = await call(server, "POST", "/api/v1/login", json={"username": "x"})
    assert status == 400 and body["error"]["code"] == "invalid_message"
    status, body = await call(server, "POST", "/api/v1/login", data=b"x" * (200 * 1024))
    assert status == 413 and body["error"]["code"] == "frame_too_large"
    status, body = await call(server, "GET", "/api/v1/turn")
    assert status == 401 and body["error"]["code"] == "auth_required"
    status, body = await call(server, "GET", "/api/v1/catalog", token="vs_forged")
    assert status == 401 and body["error"]["code"] == "auth_failed"


async def test_catalog_for_authenticated_callers(server: TestServer, seeded: Seed) -> None:
    status, body = await call(server, "GET", "/api/v1/catalog", token=seeded.kiosk_credentials[0])
    assert status == 200
    codes = [item["code"] for item in body["items"]]
    assert "YB-003" in codes and codes == sorted(codes)
    item = next(i for i in body["items"] if i["code"] == "YB-003")
    assert item["skill"] == "yibao" and item["materials"] and item["sources"]


async def test_health_and_metrics(server: TestServer, peers: Any, seeded: Seed) -> None:
    k = await peers(server.ws_url, seeded.kiosk_credentials[0])
    await k.send(p.JoinQueue(item_code="YB-003"))
    await k.expect(p.QueueUpdate)
    status, body = await call(server, "GET", "/healthz")
    assert status == 200
    assert body["status"] == "ok" and body["database"] == "ok"
    assert body["connections"] == {"kiosks": 1, "staff": 0} and body["queue"] == 1
    async with aiohttp.ClientSession() as http, http.get(server.url + "/metrics") as response:
        text = await response.text()
    assert 'vwindow_connections{kind="kiosk"} 1.0' in text
    assert 'vwindow_queue_length{center="' + seeded.center_id + '",skill="yibao"} 1.0' in text
    assert 'vwindow_messages_received_total{type="queue.join"} 1.0' in text


async def test_turn_credentials_follow_coturn_rest_scheme(
    make_server: Any, database_url: str, seeded: Seed
) -> None:
    server = await make_server(database_url)
    server.config = replace(
        server.config,
        turn=TurnConfig(urls=("turn:127.0.0.1:3478",), secret="s3cret", ttl_s=600),
    )
    await server.restart()
    try:
        before = int(time.time())
        status, body = await call(server, "GET", "/api/v1/turn", token=seeded.kiosk_credentials[0])
        assert status == 200 and body["turn_configured"] is True
        ice = body["ice_servers"][0]
        expiry, user = ice["username"].split(":", 1)
        assert user == seeded.kiosk_ids[0]
        assert before + 600 <= int(expiry) <= int(time.time()) + 600
        expected = hmac.new(b"s3cret", ice["username"].encode(), hashlib.sha1).digest()
        assert base64.b64decode(ice["credential"]) == expected
    finally:
        await server.stop()


def test_turn_unconfigured_says_so() -> None:
    body = turn_credentials(TurnConfig(), "k1", 1000.0)
    assert body["turn_configured"] is False and body["ice_servers"] == []
    with_stun = turn_credentials(TurnConfig(stun_urls=("stun:127.0.0.1:3478",)), "k1", 1000.0)
    assert with_stun["ice_servers"] == [{"urls": ["stun:127.0.0.1:3478"]}]


@pytest.mark.parametrize("path", ["/healthz", "/metrics"])
async def test_probes_need_no_credentials(server: TestServer, path: str) -> None:
    async with aiohttp.ClientSession() as http, http.get(server.url + path) as response:
        assert response.status == 200
