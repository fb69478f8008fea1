"""Bad input and lost connections: a clear error code, and a server that stays alive."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from typing import Any

import aiohttp
from sqlalchemy import update

from shared import protocol as p
from shared.signaling_client import LinkRefused, LinkState, SendPacer, SignalingClient
from signaling.store.models import StaffSession
from tests.conftest import Seed, TestServer

Connect = Any


async def assert_alive(server: TestServer, peers: Connect, seeded: Seed) -> None:
    """The server still serves: a fresh connection gets a welcome and a pong."""
    probe = await peers(server.ws_url, seeded.kiosk_credentials[2])
    await probe.send(p.Ping(id="alive"))
    assert (await probe.expect(p.Pong)).ref == "alive"


async def test_malformed_frames_get_error_codes_and_connection_lives(
    server: TestServer, peers: Connect, seeded: Seed
) -> None:
    k = await peers(server.ws_url, seeded.kiosk_credentials[0])
    cases = [
        ("{not json", p.ErrorCode.BAD_JSON),
        ("[1, 2]", p.ErrorCode.INVALID_MESSAGE),
        ('{"type": "queue.teleport", "id": "t"}', p.ErrorCode.UNKNOWN_TYPE),
        ('{"type": "welcome"}', p.ErrorCode.UNKNOWN_TYPE),  # server-only type
        ('{"type": "queue.join"}', p.ErrorCode.INVALID_MESSAGE),
        ('{"type": "queue.join", "item_code": 5}', p.ErrorCode.INVALID_MESSAGE),
        ('{"type": "ping", "v": 99}', p.ErrorCode.UNSUPPORTED_VERSION),
        ('{"type": "hello", "token": "x"}', p.ErrorCode.INVALID_STATE),
    ]
    for frame, code in cases:
        await k.send_raw(frame)
        error = await k.expect(p.Error)
        assert error.code == code, (frame, error)
        assert not error.fatal and error.reason
    await k.send_raw('{"type": "queue.teleport", "id": "t"}')
    assert (await k.expect(p.Error)).ref == "t"
    await k.send_raw(b"\x00\x01binary")
    assert (await k.expect(p.Error)).code == p.ErrorCode.BINARY_NOT_ALLOWED
    await k.send(p.Ping(id="still-here"))
    assert (await k.expect(p.Pong)).ref == "still-here"


async def test_oversize_frames_refused_and_server_lives(
    server: TestServer, peers: Connect, seeded: Seed
) -> None:
    k = await peers(server.ws_url, seeded.kiosk_credentials[0])
    # over the protocol limit: refused with a code, the connection stays usable
    await k.send_raw(json.dumps({"type": "ping", "pad": "x" * (p.MAX_FRAME_BYTES + 10)}))
    error = await k.expect(p.Error)
    assert (error.code, error.fatal) == (p.ErrorCode.FRAME_TOO_LARGE, False)
    await k.send(p.Ping(id="after"))
    assert (await k.expect(p.Pong)).ref == "after"
    # far over it: cut off by the WebSocket layer with "message too big", never buffered
    await k.send_raw("x" * (p.HARD_FRAME_BYTES + 1))
    assert await k.closed() == aiohttp.WSCloseCode.MESSAGE_TOO_BIG
    await assert_alive(server, peers, seeded)


async def test_flood_is_rate_limited_then_closed_and_server_lives(
    make_server: Any, database_url: str, peers: Connect, seeded: Seed
) -> None:
    server = await make_server(database_url, rate_per_s=5.0, burst=10, flood_close_after=100)
    try:
        k = await peers(server.ws_url, seeded.kiosk_credentials[0])
        for n in range(40):
            await k.send(p.Ping(id=str(n)))
        pongs = 0
        limited = await k.expect(p.Error)
        assert limited.code == p.ErrorCode.RATE_LIMITED and not limited.fatal
        pongs = sum(isinstance(m, p.Pong) for m in k.inbox)
        assert 10 <= pongs <= 12  # the burst, plus what refilled meanwhile
        for n in range(200):
            await k.send(p.Ping(id=f"flood-{n}"))
        assert await k.closed() == aiohttp.WSCloseCode.POLICY_VIOLATION
        fatal = [m for m in k.inbox if isinstance(m, p.Error) and m.fatal]
        assert fatal and fatal[-1].code == p.ErrorCode.RATE_LIMITED
        await assert_alive(server, peers, seeded)
    finally:
        await server.stop()


async def test_auth_failures(server: TestServer, peers: Connect, seeded: Seed) -> None:
    bad = await peers(server.ws_url)
    await bad.send(p.Hello(token="vk_not-a-real-credential", id="h"))
    error = await bad.expect(p.Error)
    assert (error.code, error.fatal, error.ref) == (p.ErrorCode.AUTH_FAILED, True, "h")
    assert await bad.closed() == 4401

    wrong_first = await peers(server.ws_url)
    await wrong_first.send(p.JoinQueue(item_code="YB-003"))
    assert (await wrong_first.expect(p.Error)).code == p.ErrorCode.AUTH_REQUIRED
    assert await wrong_first.closed() == 4401

    garbage = await peers(server.ws_url)
    await garbage.send_raw("hello?")
    assert (await garbage.expect(p.Error)).code == p.ErrorCode.BAD_JSON
    await garbage.closed()

    token = await server.login("bob")
    async with server.store.db.session() as session:
        await session.execute(
            update(StaffSession).values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(1))
        )
    expired = await peers(server.ws_url)
    await expired.send(p.Hello(token=token))
    assert (await expired.expect(p.Error)).code == p.ErrorCode.AUTH_FAILED
    await assert_alive(server, peers, seeded)


async def test_hello_timeout(
    make_server: Any, database_url: str, peers: Connect, seeded: Seed
) -> None:
    server = await make_server(database_url, hello_timeout_s=0.3)
    try:
        silent = await peers(server.ws_url)
        assert (await silent.expect(p.Error)).code == p.ErrorCode.AUTH_TIMEOUT
        assert await silent.closed() == 4408
    finally:
        await server.stop()


async def test_restart_restores_queue_and_clients_resume(
    server: TestServer, peers: Connect, seeded: Seed
) -> None:
    """A real restart: same port, same database, clients reconnect with backoff and find
    their place; the clerk then serves them in the original order."""
    inboxes: list[asyncio.Queue[p.ServerMessage]] = [asyncio.Queue() for _ in range(3)]
    clients = [
        SignalingClient(server.ws_url, cred, inbox.put_nowait)
        for cred, inbox in zip(seeded.kiosk_credentials, inboxes, strict=True)
    ]
    try:
        for client in clients:
            client.start()
            await client.wait_connected()
        items = ["YB-003", "YB-001", "YB-003"]
        for client, item in zip(clients, items, strict=True):
            await client.send(p.JoinQueue(item_code=item))
            await asyncio.sleep(0.01)
        positions = [await _next_update(inbox) for inbox in inboxes]
        request_ids = [u.queue.request_id for u in positions]
        assert [u.queue.position for u in positions] == [1, 2, 3]

        states: list[LinkState] = []
        clients[0].on_state = states.append
        await server.restart()
        for client in clients:
            welcome = await _reconnected(client)
            assert welcome.queue is not None
        assert LinkState.RECONNECTING in states and states[-1] == LinkState.CONNECTED
        resumed = [c.welcome.queue for c in clients if c.welcome]
        assert [q.request_id for q in resumed if q] == request_ids
        assert [q.position for q in resumed if q] == [1, 2, 3]

        bob = await peers(server.ws_url, await server.login("bob"))
        await bob.send(p.SetClerkState(state="available"))
        ring = await bob.expect(p.Ring)
        assert ring.request_id == request_ids[0]
        assert ring.waited_s >= 0
    finally:
        for client in clients:
            await client.close()


async def _next_update(inbox: asyncio.Queue[p.ServerMessage]) -> p.QueueUpdate:
    while True:
        message = await asyncio.wait_for(inbox.get(), 5)
        if isinstance(message, p.QueueUpdate):
            return message


async def _reconnected(client: SignalingClient) -> p.Welcome:
    for _ in range(100):
        if client.connects >= 2 and client.state == LinkState.CONNECTED:
            assert client.welcome is not None
            return client.welcome
        await asyncio.sleep(0.05)
    raise AssertionError(f"client did not reconnect (state {client.state})")


async def test_call_survives_restart(server: TestServer, peers: Connect, seeded: Seed) -> None:
    bob = await peers(server.ws_url, await server.login("bob"))
    await bob.send(p.SetClerkState(state="available"))
    k = await peers(server.ws_url, seeded.kiosk_credentials[0])
    await k.send(p.JoinQueue(item_code="YB-003"))
    ring = await bob.expect(p.Ring)
    await bob.send(p.AcceptCall(request_id=ring.request_id))
    call = (await k.expect(p.CallStarted)).call
    await server.restart()
    token = await server.login("bob")
    bob2 = await peers(server.ws_url, token)
    assert bob2.welcome.clerk_state == p.ClerkState.BUSY
    assert bob2.welcome.call is not None and bob2.welcome.call.call_id == call.call_id
    k2 = await peers(server.ws_url, seeded.kiosk_credentials[0])
    assert k2.welcome.call is not None and k2.welcome.call.call_id == call.call_id
    await k2.send(p.Sdp(call_id=call.call_id, sdp_type="offer", sdp="v=0 again"))
    assert (await bob2.expect(p.Sdp)).sdp == "v=0 again"


async def test_client_refused_for_bad_credential_stops_retrying(server: TestServer) -> None:
    client = SignalingClient(server.ws_url, "vk_bogus", lambda m: None)
    client.start()
    try:
        try:
            await client.wait_connected(timeout=5)
        except LinkRefused as exc:
            assert exc.error.code == p.ErrorCode.AUTH_FAILED
        else:
            raise AssertionError("a bad credential was accepted")
        await asyncio.sleep(0.2)
        assert client.state == LinkState.STOPPED
    finally:
        await client.close()


async def test_kiosk_of_another_center_is_not_served(
    server: TestServer, peers: Connect, seeded: Seed
) -> None:
    bob = await peers(server.ws_url, await server.login("bob"))
    await bob.send(p.SetClerkState(state="available"))
    stranger = await peers(server.ws_url, seeded.other_kiosk_credential)
    assert stranger.welcome.center_id == seeded.other_center_id
    await stranger.send(p.JoinQueue(item_code="YB-003"))
    update = await stranger.expect(p.QueueUpdate)
    assert update.queue.staffed == 0 and update.queue.eta_s is None
    await bob.quiet(p.Ring, 0.2)


async def test_the_client_paces_itself_and_holds_after_rate_limited_instead_of_repeating(
    make_server: Any, database_url: str, seeded: Seed
) -> None:
    """A client that sends faster than the server allows (a bug somewhere in an app) is
    paced below the limit the welcome announced, so nothing is dropped and the server never
    cuts it off; and one that is told ``rate_limited`` all the same (the limit was not
    announced, as by an older server) holds its sends and slows down instead of repeating."""
    server = await make_server(database_url, rate_per_s=5.0, burst=10, flood_close_after=100)
    inbox: asyncio.Queue[p.ServerMessage] = asyncio.Queue()
    client = SignalingClient(server.ws_url, seeded.kiosk_credentials[0], inbox.put_nowait)

    async def answered(prefix: str, count: int) -> tuple[set[str], int]:
        pongs: set[str] = set()
        limited = 0
        while len(pongs) < count:
            try:
                message = await asyncio.wait_for(inbox.get(), 5.0)
            except TimeoutError:
                break  # the rest were dropped
            if isinstance(message, p.Pong) and (message.ref or "").startswith(prefix):
                pongs.add(message.ref or "")
            elif isinstance(message, p.Error) and message.code == p.ErrorCode.RATE_LIMITED:
                limited += 1
        return pongs, limited

    try:
        client.start()
        welcome = await client.wait_connected()
        assert (welcome.rate_per_s, welcome.burst) == (5.0, 10)
        for n in range(30):
            await client.send(p.Ping(id=f"paced-{n}"))
        paced, limited = await answered("paced-", 30)
        assert (len(paced), limited) == (30, 0)

        client.pacer = SendPacer()  # as if the welcome had not said
        for n in range(80):
            await client.send(p.Ping(id=f"first-{n}"))
        first, limited = await answered("first-", 80)
        assert limited >= 1 and client.pacer.rate < client.pacer.full_rate
        assert client.state == LinkState.CONNECTED
        assert len(first) >= 10
        # held, and slower from then on: what it sends now arrives
        await client.send(p.Ping(id="then"))
        then, _ = await answered("then", 1)
        assert then == {"then"}
    finally:
        await client.close()
        await server.stop()


def test_the_pacer_lets_a_burst_through_then_spaces_sends_and_holds_after_a_refusal() -> None:
    pacer = SendPacer(rate_per_s=10.0, burst=3)
    assert [pacer.wait_s(100.0) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert 0.09 <= pacer.wait_s(100.0) <= 0.11
    assert pacer.wait_s(100.15) == 0.0
    held = pacer.limited(100.15)
    assert 0.5 <= held <= 1.0 and pacer.rate == 5.0
    assert abs(pacer.wait_s(100.15) - held) < 1e-9
    second = pacer.limited(100.2)
    assert second <= 2.0 and pacer.rate == 2.5
    # quiet for longer than 30 s: the full pace again
    assert pacer.wait_s(140.0) == 0.0 and pacer.rate == 10.0
