"""Transfer and third party over real sockets: a real server, real WebSocket clients, the
seeded database (alice: yibao + minzheng, bob: yibao, carol: minzheng, olga: another center,
sue: supervisor)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from shared import protocol as p
from signaling.app import create_app
from signaling.directory import add_directory_routes
from tests.conftest import Peer, Seed, TestServer

Connect = Any
ITEM = "YB-003"  # 长期护理保险, skill yibao


class DirectoryServer(TestServer):
    """The conftest server with the clerk directory route."""

    __test__ = False

    async def start(self) -> None:
        self.runner = web.AppRunner(
            create_app(self.config, extensions=[add_directory_routes]), shutdown_timeout=2
        )
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", self.port)
        await site.start()
        self.port = self.runner.addresses[0][1]


@pytest.fixture
async def server(
    make_server: Callable[..., Any], database_url: str, seeded: Seed
) -> AsyncIterator[TestServer]:
    plain: TestServer = await make_server(database_url)
    await plain.stop()
    srv = DirectoryServer(plain.config)
    await srv.start()
    yield srv
    await srv.stop()


async def clerk(server: TestServer, peers: Connect, name: str, available: bool = True) -> Peer:
    peer: Peer = await peers(server.ws_url, await server.login(name))
    if available:
        await peer.send(p.SetClerkState(state="available"))
        await peer.expect(p.ClerkStatus, lambda m: m.state == "available")
    return peer


async def until(peer: Peer, kind: type[Any], timeout: float = 5.0) -> list[p.ServerMessage]:
    """Every message ``peer`` got, in order, up to and including the first ``kind``."""
    got: list[p.ServerMessage] = []
    while True:
        if peer.inbox:
            got.append(peer.inbox.pop(0))
        else:
            got.append(await peer.expect(object, timeout=timeout))
        if isinstance(got[-1], kind):
            return got


async def call_with_bob(
    server: TestServer, peers: Connect, seeded: Seed
) -> tuple[Peer, Peer, p.CallInfo]:
    """Bob (the only clerk signed in) is in a call with kiosk 1."""
    bob = await clerk(server, peers, "bob")
    kiosk: Peer = await peers(server.ws_url, seeded.kiosk_credentials[0])
    await kiosk.send(p.JoinQueue(item_code=ITEM, identified=True))
    ring = await bob.expect(p.Ring)
    assert ring.kind == "call" and ring.from_clerk is None
    await bob.send(p.AcceptCall(request_id=ring.request_id))
    call = (await kiosk.expect(p.CallStarted)).call
    await bob.expect(p.CallStarted)
    assert (call.leg, call.peer_role, call.parent_call_id) == ("main", "clerk", None)
    kiosk.inbox.clear()  # the queue updates before the call
    return bob, kiosk, call


async def test_transfer_to_skill_requeues_at_head_and_rings_a_clerk_of_it(
    server: TestServer, peers: Connect, seeded: Seed
) -> None:
    bob, kiosk, call = await call_with_bob(server, peers, seeded)
    joined = time.time()  # the request arrived before this
    await asyncio.sleep(0.5)
    # another resident already waits for minzheng, with priority
    other: Peer = await peers(server.ws_url, seeded.kiosk_credentials[1])
    await other.send(p.JoinQueue(item_code="MZ-001", priority=p.Priority.PRIORITY))
    assert (await other.expect(p.QueueUpdate)).queue.position == 1
    await bob.send(p.TransferCall(call_id=call.call_id, skill="minzheng", note="低保咨询"))
    ended = await bob.expect(p.CallEnded)
    assert (ended.call_id, ended.reason, ended.by) == (call.call_id, "transferred", "clerk")
    await bob.expect(p.ClerkStatus, lambda m: m.state == "wrap_up")
    got = await until(kiosk, p.QueueUpdate)
    assert isinstance(got[0], p.CallEnded) and got[0].reason == p.EndReason.TRANSFERRED
    update = got[-1]
    assert isinstance(update, p.QueueUpdate)
    assert (update.queue.status, update.queue.position) == ("waiting", 1)
    # the resident already waiting moved back behind the transferred one
    assert (await other.expect(p.QueueUpdate)).queue.position == 2
    # the supervisor sees it first in the queue, waiting since the first join; bob is done
    # with it (wrap-up is short here) and not offered it again
    sue: Peer = await peers(server.ws_url, await server.login("sue"))
    await sue.send(p.WatchCenter())
    snap = await sue.expect(p.CenterSnapshot)
    first = snap.queue[0]
    assert (first.request_id, first.skill, first.status) == (call.request_id, "minzheng", "waiting")
    assert first.clerk_id is None and first.waited_s >= 0.5
    assert [c.state in ("wrap_up", "available") for c in snap.clerks if c.name == "Bob"] == [True]
    before_ring = time.time()
    carol = await clerk(server, peers, "carol")
    ring = await carol.expect(p.Ring)
    assert (ring.request_id, ring.kind, ring.note) == (call.request_id, "transfer", "低保咨询")
    assert (ring.from_clerk, ring.skill) == ("Bob", "minzheng")
    # the wait counts from the first join, not from the transfer
    assert ring.waited_s >= round(before_ring - joined, 1) - 0.1 >= 0.4
    got = await until(kiosk, p.QueueUpdate)
    assert got[-1].queue.status == "ringing"  # type: ignore[union-attr]
    await carol.send(p.AcceptCall(request_id=ring.request_id))
    started = (await kiosk.expect(p.CallStarted)).call
    assert started.call_id != call.call_id and started.request_id == call.request_id
    assert started.peer_name == "Carol" and started.you_offer
    # the old call is gone: its SDP is not relayed any more
    await kiosk.send(p.Sdp(call_id=call.call_id, sdp_type="offer", sdp="v=0", id="old"))
    error = await kiosk.expect(p.Error)
    assert (error.code, error.ref) == ("not_in_call", "old")
    await server.hub.writer.flush()
    row = await server.store.request(call.request_id)
    assert row is not None and (row.skill, row.status, row.clerk_id) == (
        "minzheng",
        "in_call",
        carol.welcome.subject_id,
    )
    await asyncio.sleep(0.1)
    audit = await server.store.audit_events("call.transfer")
    assert [(a.target, a.detail["skill"]) for a in audit] == [(call.request_id, "minzheng")]


async def test_transfer_to_named_clerk_rings_only_them(
    server: TestServer, peers: Connect, seeded: Seed
) -> None:
    bob, kiosk, call = await call_with_bob(server, peers, seeded)
    carol = await clerk(server, peers, "carol")  # idle longer, but not named
    alice = await clerk(server, peers, "alice")
    await bob.send(p.TransferCall(call_id=call.call_id, clerk_id=alice.welcome.subject_id))
    ring = await alice.expect(p.Ring)
    assert (ring.kind, ring.from_clerk, ring.request_id) == ("transfer", "Bob", call.request_id)
    await carol.quiet(p.Ring, 0.2)
    await alice.send(p.AcceptCall(request_id=ring.request_id))
    got = await until(kiosk, p.CallStarted)
    kinds = [type(m) for m in got]
    assert kinds.index(p.CallEnded) < kinds.index(p.QueueUpdate) < kinds.index(p.CallStarted)
    assert got[-1].call.peer_name == "Alice"  # type: ignore[union-attr]
    assert (await alice.expect(p.CallStarted)).call.request_id == call.request_id


async def test_transfer_refusals_say_why_and_keep_the_call(
    server: TestServer, peers: Connect, seeded: Seed
) -> None:
    bob, kiosk, call = await call_with_bob(server, peers, seeded)
    alice = await clerk(server, peers, "alice", available=False)  # away
    olga = await clerk(server, peers, "olga")  # another center
    staff = {s.username: s.staff_id for s in await server.store.list_staff()}
    alice_id = alice.welcome.subject_id
    cases = [
        (p.TransferCall(call_id=call.call_id, skill="nosuch"), "unknown_skill"),
        (p.TransferCall(call_id=call.call_id, clerk_id=olga.welcome.subject_id), "no_such_clerk"),
        (p.TransferCall(call_id=call.call_id, clerk_id="staff-ghost"), "no_such_clerk"),
        (p.TransferCall(call_id=call.call_id, clerk_id=alice_id), "clerk_unavailable"),
        (p.TransferCall(call_id=call.call_id, clerk_id=staff["carol"]), "clerk_unavailable"),
        (p.TransferCall(call_id=call.call_id), "invalid_message"),
        (p.InviteToCall(call_id=call.call_id, skill="canlian"), "clerk_unavailable"),
    ]
    for n, (message, code) in enumerate(cases):
        message.id = f"t{n}"
        await bob.send(message)
        error = await bob.expect(p.Error, lambda m, ref=f"t{n}": m.ref == ref)
        assert error.code == code, (message, error)
    # not your call
    await alice.send(p.TransferCall(call_id=call.call_id, skill="yibao", id="x"))
    assert (await alice.expect(p.Error)).code == "not_in_call"
    # a kiosk may not transfer
    await kiosk.send(p.TransferCall(call_id=call.call_id, skill="yibao", id="k"))
    assert (await kiosk.expect(p.Error)).code == "forbidden"
    await kiosk.quiet(p.CallEnded, 0.2)
    # the call is intact: SDP still flows between its parties
    await kiosk.send(p.Sdp(call_id=call.call_id, sdp_type="offer", sdp="v=0"))
    assert (await bob.expect(p.Sdp)).call_id == call.call_id


async def test_kiosk_lost_during_transfer_comes_back_to_the_head_and_is_rung_again(
    server: TestServer, peers: Connect, seeded: Seed
) -> None:
    bob, kiosk, call = await call_with_bob(server, peers, seeded)
    alice = await clerk(server, peers, "alice")
    await bob.send(p.TransferCall(call_id=call.call_id, clerk_id=alice.welcome.subject_id))
    await alice.expect(p.Ring)
    await kiosk.close()
    cancelled = await alice.expect(p.RingCancelled)
    assert cancelled.reason == "kiosk_lost"
    await alice.expect(p.ClerkStatus, lambda m: m.state == "available")
    back: Peer = await peers(server.ws_url, seeded.kiosk_credentials[0])
    assert back.welcome is not None and back.welcome.call is None
    queue = back.welcome.queue
    assert queue is not None and queue.request_id == call.request_id
    ring = await alice.expect(p.Ring)
    assert (ring.request_id, ring.kind) == (call.request_id, "transfer")
    await alice.send(p.AcceptCall(request_id=ring.request_id))
    assert (await back.expect(p.CallStarted)).call.peer_name == "Alice"


async def test_invite_a_third_party_then_leave_then_main_call_ends_every_leg(
    server: TestServer, peers: Connect, seeded: Seed
) -> None:
    bob, kiosk, call = await call_with_bob(server, peers, seeded)
    sue = await peers(server.ws_url, await server.login("sue"))
    await sue.send(p.WatchCenter())
    carol = await clerk(server, peers, "carol")
    carol_id = carol.welcome.subject_id
    await bob.send(p.InviteToCall(call_id=call.call_id, clerk_id=carol_id, note="请协助"))
    ring = await carol.expect(p.Ring)
    assert (ring.kind, ring.call_id, ring.from_clerk, ring.note) == (
        "invite",
        call.call_id,
        "Bob",
        "请协助",
    )
    assert (await bob.expect(p.InviteStatus)).status == "ringing"
    await carol.send(p.AcceptCall(request_id=ring.request_id))
    guest_legs = {
        m.call.peer_role: m.call for m in [await carol.expect(p.CallStarted) for _ in range(2)]
    }
    assert set(guest_legs) == {"kiosk", "clerk"}
    assert all(not c.you_offer and c.parent_call_id == call.call_id for c in guest_legs.values())
    kiosk_leg = (await kiosk.expect(p.CallStarted)).call
    clerk_leg = (await bob.expect(p.CallStarted)).call
    assert (kiosk_leg.leg, kiosk_leg.peer_role, kiosk_leg.you_offer) == ("guest", "guest", True)
    assert kiosk_leg.peer_name == "Carol" and clerk_leg.you_offer
    assert kiosk_leg.call_id == guest_legs["kiosk"].call_id
    assert clerk_leg.call_id == guest_legs["clerk"].call_id
    assert (await bob.expect(p.InviteStatus)).status == "joined"
    # the supervisor sees carol busy in that call as a guest
    snap = await sue.expect(
        p.CenterSnapshot, lambda m: any(c.guest and c.state == "busy" for c in m.clerks)
    )
    view = next(c for c in snap.clerks if c.staff_id == carol_id)
    assert (view.call_id, view.request_id) == (call.call_id, call.request_id)
    assert snap.queue[0].guest_id == carol_id
    # SDP goes only within each leg
    await kiosk.send(p.Sdp(call_id=kiosk_leg.call_id, sdp_type="offer", sdp="v=0 k"))
    relayed = await carol.expect(p.Sdp)
    assert (relayed.call_id, relayed.sdp) == (kiosk_leg.call_id, "v=0 k")
    await bob.quiet(p.Sdp, 0.1)
    await carol.send(p.Sdp(call_id=call.call_id, sdp_type="answer", sdp="x", id="s"))
    assert (await carol.expect(p.Error)).code == "not_in_call"
    await bob.send(p.Sdp(call_id=kiosk_leg.call_id, sdp_type="offer", sdp="x", id="s"))
    assert (await bob.expect(p.Error)).code == "not_in_call"
    # a reconnecting party finds its legs in the welcome
    again: Peer = await peers(server.ws_url, seeded.kiosk_credentials[0])
    assert again.welcome is not None and again.welcome.call is not None
    assert [leg.call_id for leg in again.welcome.legs] == [kiosk_leg.call_id]
    kiosk = again
    # the guest leaves: their legs end, the main call goes on
    await carol.send(p.LeaveCall(call_id=call.call_id))
    left = {(await carol.expect(p.CallEnded)).call_id for _ in range(2)}
    assert left == {kiosk_leg.call_id, clerk_leg.call_id}
    assert (await kiosk.expect(p.CallEnded)).call_id == kiosk_leg.call_id
    assert (await bob.expect(p.CallEnded)).reason == "left"
    assert (await bob.expect(p.InviteStatus)).status == "left"
    await carol.expect(p.ClerkStatus, lambda m: m.state == "available")
    await kiosk.send(p.Sdp(call_id=call.call_id, sdp_type="offer", sdp="v=0"))
    assert (await bob.expect(p.Sdp)).call_id == call.call_id
    # invited again; this time the main call ends, and every leg with it
    await bob.send(p.InviteToCall(call_id=call.call_id, skill="minzheng"))
    ring = await carol.expect(p.Ring)
    await carol.send(p.AcceptCall(request_id=ring.request_id))
    legs = {(await carol.expect(p.CallStarted)).call.call_id for _ in range(2)}
    await kiosk.expect(p.CallStarted)
    await bob.send(p.Hangup(call_id=call.call_id, outcome="accepted"))
    ended = [await carol.expect(p.CallEnded) for _ in range(2)]
    assert {e.call_id for e in ended} == legs and {e.reason for e in ended} == {"hangup"}
    got = await until(kiosk, p.CallEnded)
    assert got[-1].call_id in legs  # type: ignore[union-attr]
    assert (await kiosk.expect(p.CallEnded)).call_id == call.call_id
    await carol.expect(p.ClerkStatus, lambda m: m.state == "available")
    snap = await sue.expect(p.CenterSnapshot, lambda m: not m.queue)
    assert not any(c.guest for c in snap.clerks)


async def test_clerk_removes_the_guest_and_a_lost_guest_leaves(
    server: TestServer, peers: Connect, seeded: Seed
) -> None:
    bob, kiosk, call = await call_with_bob(server, peers, seeded)
    carol = await clerk(server, peers, "carol")
    await bob.send(p.InviteToCall(call_id=call.call_id, clerk_id=carol.welcome.subject_id))
    await carol.send(p.AcceptCall(request_id=(await carol.expect(p.Ring)).request_id))
    clerk_leg = (await bob.expect(p.CallStarted)).call
    await bob.send(p.Hangup(call_id=clerk_leg.call_id))
    statuses = [(await bob.expect(p.InviteStatus)).status for _ in range(3)]
    assert statuses == ["ringing", "joined", "removed"]
    assert (await kiosk.expect(p.CallEnded)).call_id != call.call_id
    await carol.expect(p.ClerkStatus, lambda m: m.state == "available")
    # the guest's console drops: their legs end at once, the main call stays
    await bob.send(p.InviteToCall(call_id=call.call_id, skill="minzheng"))
    await carol.send(p.AcceptCall(request_id=(await carol.expect(p.Ring)).request_id))
    await kiosk.expect(p.CallStarted)
    await carol.close()
    assert (await kiosk.expect(p.CallEnded)).reason == "clerk_lost"
    assert (await bob.expect(p.InviteStatus, lambda m: m.status == "lost")).guest_name == "Carol"
    await kiosk.quiet(p.CallEnded, 0.2)
    # a guest that declines: the clerk hears so
    alice = await clerk(server, peers, "alice")
    await bob.send(p.InviteToCall(call_id=call.call_id, clerk_id=alice.welcome.subject_id))
    ring = await alice.expect(p.Ring)
    await alice.send(p.DeclineCall(request_id=ring.request_id))
    declined = await bob.expect(p.InviteStatus, lambda m: m.status == "declined")
    assert declined.guest_id == alice.welcome.subject_id
    # the invitation was never a ring of the request
    await server.hub.writer.flush()
    attempts = await server.store.ring_attempts(call.request_id)
    assert [a.result for a in attempts] == ["accepted"]


async def test_clerk_directory_lists_the_centers_clerks_with_state(
    server: TestServer, peers: Connect, seeded: Seed
) -> None:
    await clerk(server, peers, "bob")
    token = await server.login("alice")
    async with aiohttp.ClientSession() as http:
        async with http.get(
            f"{server.url}/api/v1/clerks", headers={"Authorization": f"Bearer {token}"}
        ) as response:
            assert response.status == 200
            body = await response.json()
        rows = {row["display_name"]: row for row in body["clerks"]}
        assert set(rows) == {"Alice", "Bob", "Carol", "Sue"}  # not olga (other center), no admin
        assert rows["Bob"]["state"] == "available" and rows["Carol"]["state"] == "offline"
        assert rows["Alice"]["skills"] == ["minzheng", "yibao"] and rows["Alice"]["you"]
        assert rows["Bob"]["window_no"] == "1" and rows["Bob"]["id"]
        for headers, status in (
            ({"Authorization": f"Bearer {seeded.kiosk_credentials[0]}"}, 403),
            ({}, 401),
        ):
            async with http.get(f"{server.url}/api/v1/clerks", headers=headers) as response:
                assert response.status == status
