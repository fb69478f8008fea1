"""Routing over real sockets: a real server, real WebSocket clients, SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from typing import Any

from shared import protocol as p
from signaling.store.models import RingAttempt
from tests.conftest import Seed, TestServer

Connect = Any


async def clerk(server: TestServer, peers: Connect, name: str, available: bool = True) -> Any:
    peer = await peers(server.ws_url, await server.login(name))
    if available:
        await peer.send(p.SetClerkState(state="available"))
        await peer.expect(p.ClerkStatus, lambda m: m.state == "available")
    return peer


async def kiosk(server: TestServer, peers: Connect, seeded: Seed, n: int = 0) -> Any:
    return await peers(server.ws_url, seeded.kiosk_credentials[n])


async def test_welcome_identifies_kiosk_and_clerk(
    server: TestServer, peers: Connect, seeded: Seed
) -> None:
    k = await kiosk(server, peers, seeded)
    assert k.welcome.role == p.Role.KIOSK
    assert k.welcome.center_id == seeded.center_id
    assert k.welcome.queue is None
    c = await clerk(server, peers, "alice", available=False)
    assert c.welcome.role == p.Role.CLERK
    assert c.welcome.clerk_state == p.ClerkState.AWAY
    assert c.welcome.skills == ["minzheng", "yibao"]


async def test_request_rings_longest_idle_clerk_with_skill_and_call_starts(
    server: TestServer, peers: Connect, seeded: Seed
) -> None:
    carol = await clerk(server, peers, "carol")  # minzheng only
    alice = await clerk(server, peers, "alice")
    await asyncio.sleep(0.05)
    bob = await clerk(server, peers, "bob")
    olga = await clerk(server, peers, "olga")  # yibao, but another center
    k = await kiosk(server, peers, seeded)
    await k.send(p.JoinQueue(item_code="YB-003", identified=True, id="j1"))
    update = await k.expect(p.QueueUpdate)
    assert update.ref == "j1"
    assert update.queue.status == p.RequestStatus.RINGING
    ring = await alice.expect(p.Ring)  # idle longer than bob
    assert ring.item_code == "YB-003"
    assert ring.kiosk_name == "测试机1"
    assert ring.site_name == "测试居委会"
    assert ring.item_name.startswith("长期护理保险")
    for other in (bob, carol, olga):
        await other.quiet(p.Ring, 0.1)
    await alice.send(p.AcceptCall(request_id=ring.request_id))
    kiosk_call = (await k.expect(p.CallStarted)).call
    clerk_call = (await alice.expect(p.CallStarted)).call
    assert kiosk_call.call_id == clerk_call.call_id
    assert (kiosk_call.you_offer, clerk_call.you_offer) == (True, False)
    assert kiosk_call.peer_name == "Alice" and kiosk_call.window_no == "1"
    await alice.expect(p.ClerkStatus, lambda m: m.state == "busy")


async def test_priority_then_arrival_and_positions_pushed_to_every_kiosk(
    server: TestServer, peers: Connect, seeded: Seed
) -> None:
    k1, k2, k3 = [await kiosk(server, peers, seeded, n) for n in range(3)]
    await k1.send(p.JoinQueue(item_code="YB-003"))
    assert (await k1.expect(p.QueueUpdate)).queue.position == 1
    await k2.send(p.JoinQueue(item_code="YB-001"))
    assert (await k2.expect(p.QueueUpdate)).queue.position == 2
    await k3.send(p.JoinQueue(item_code="YB-003", priority=p.Priority.PRIORITY))
    assert (await k3.expect(p.QueueUpdate)).queue.position == 1
    # the others moved back, and were told so
    assert (await k1.expect(p.QueueUpdate)).queue.position == 2
    assert (await k2.expect(p.QueueUpdate)).queue.position == 3
    bob = await clerk(server, peers, "bob")
    ring = await bob.expect(p.Ring)
    assert ring.priority == p.Priority.PRIORITY
    # with bob staffed an estimate appears: position x default handle time / 1 clerk
    update = await k1.expect(p.QueueUpdate, lambda m: m.queue.eta_s is not None)
    assert update.queue.position == 1
    assert update.queue.eta_s == 300
    assert update.queue.staffed == 1


async def test_ring_timeout_rings_next_clerk_and_sets_first_away(
    server: TestServer, peers: Connect, seeded: Seed
) -> None:
    alice = await clerk(server, peers, "alice")
    await asyncio.sleep(0.02)
    bob = await clerk(server, peers, "bob")
    k = await kiosk(server, peers, seeded)
    await k.send(p.JoinQueue(item_code="YB-003"))
    first = await alice.expect(p.Ring)
    cancelled = await alice.expect(p.RingCancelled, timeout=3)
    assert cancelled.reason == "timeout"
    await alice.expect(p.ClerkStatus, lambda m: m.state == "away")
    second = await bob.expect(p.Ring)
    assert second.request_id == first.request_id
    await bob.send(p.AcceptCall(request_id=second.request_id))
    await k.expect(p.CallStarted)
    await server.hub.writer.flush()
    rings = await server.store.ring_attempts(first.request_id)
    assert [(r.result) for r in rings] == ["timeout", "accepted"]
    assert all(isinstance(r, RingAttempt) and r.ended_at for r in rings)


async def test_decline_goes_to_next_clerk(server: TestServer, peers: Connect, seeded: Seed) -> None:
    alice = await clerk(server, peers, "alice")
    await asyncio.sleep(0.02)
    bob = await clerk(server, peers, "bob")
    k = await kiosk(server, peers, seeded)
    await k.send(p.JoinQueue(item_code="YB-003"))
    ring = await alice.expect(p.Ring)
    await alice.send(p.DeclineCall(request_id=ring.request_id, reason="on another case"))
    await alice.expect(p.ClerkStatus, lambda m: m.state == "available")
    assert (await bob.expect(p.Ring)).request_id == ring.request_id
    # accepting a call that rings elsewhere is refused with a clear code
    await alice.send(p.AcceptCall(request_id=ring.request_id, id="late"))
    error = await alice.expect(p.Error)
    assert (error.code, error.ref) == (p.ErrorCode.INVALID_STATE, "late")


async def test_hangup_wrap_up_then_available_and_next_ring(
    server: TestServer, peers: Connect, seeded: Seed
) -> None:
    bob = await clerk(server, peers, "bob")
    k1 = await kiosk(server, peers, seeded, 0)
    k2 = await kiosk(server, peers, seeded, 1)
    await k1.send(p.JoinQueue(item_code="YB-003"))
    ring = await bob.expect(p.Ring)
    await k2.send(p.JoinQueue(item_code="YB-003"))
    assert (await k2.expect(p.QueueUpdate)).queue.position == 1
    await bob.send(p.AcceptCall(request_id=ring.request_id))
    call = (await bob.expect(p.CallStarted)).call
    await bob.send(p.Hangup(call_id=call.call_id, outcome="accepted"))
    ended = await k1.expect(p.CallEnded)
    assert (ended.reason, ended.by, ended.outcome) == ("hangup", "clerk", "accepted")
    wrap = await bob.expect(p.ClerkStatus, lambda m: m.state == "wrap_up")
    assert wrap.until is not None
    await bob.expect(p.ClerkStatus, lambda m: m.state == "available", timeout=2)
    second = await bob.expect(p.Ring)
    assert second.request_id != ring.request_id
    await server.hub.writer.flush()
    row = await server.store.request(ring.request_id)
    assert row is not None
    assert row.status == "ended" and row.outcome == "accepted" and row.ended_by == "clerk"
    assert row.answered_at and row.ended_at and row.first_ring_at
    assert row.wait_s is not None and row.handle_s is not None and row.handle_s >= 0


async def test_cancel_while_queued_and_while_ringing(
    server: TestServer, peers: Connect, seeded: Seed
) -> None:
    k1 = await kiosk(server, peers, seeded, 0)
    await k1.send(p.JoinQueue(item_code="YB-003"))
    request_id = (await k1.expect(p.QueueUpdate)).queue.request_id
    await k1.send(p.LeaveQueue(request_id=request_id, id="bye"))
    left = await k1.expect(p.QueueLeft)
    assert (left.reason, left.ref) == ("cancelled", "bye")
    bob = await clerk(server, peers, "bob")
    await k1.send(p.JoinQueue(item_code="YB-003"))
    ring = await bob.expect(p.Ring)
    await k1.send(p.LeaveQueue(request_id=ring.request_id))
    assert (await bob.expect(p.RingCancelled)).reason == "cancelled"
    await bob.expect(p.ClerkStatus, lambda m: m.state == "available")
    await k1.send(p.LeaveQueue(request_id=ring.request_id, id="again"))
    assert (await k1.expect(p.Error)).code == p.ErrorCode.NO_SUCH_REQUEST


async def test_unknown_item_and_second_request_refused(
    server: TestServer, peers: Connect, seeded: Seed
) -> None:
    k = await kiosk(server, peers, seeded)
    await k.send(p.JoinQueue(item_code="NOPE-1", id="x"))
    error = await k.expect(p.Error)
    assert (error.code, error.ref) == (p.ErrorCode.UNKNOWN_ITEM, "x")
    await k.send(p.JoinQueue(item_code="YB-003"))
    await k.expect(p.QueueUpdate)
    await k.send(p.JoinQueue(item_code="YB-001"))
    assert (await k.expect(p.Error)).code == p.ErrorCode.ALREADY_QUEUED


async def test_kiosk_disconnect_while_queued_resumes_same_place(
    server: TestServer, peers: Connect, seeded: Seed
) -> None:
    k1 = await kiosk(server, peers, seeded, 0)
    k2 = await kiosk(server, peers, seeded, 1)
    await k1.send(p.JoinQueue(item_code="YB-003"))
    request_id = (await k1.expect(p.QueueUpdate)).queue.request_id
    await k2.send(p.JoinQueue(item_code="YB-003"))
    await k2.expect(p.QueueUpdate)
    await k1.close()
    await asyncio.sleep(0.2)
    again = await kiosk(server, peers, seeded, 0)
    assert again.welcome.queue is not None
    assert again.welcome.queue.request_id == request_id
    assert again.welcome.queue.position == 1
    assert again.welcome.queue.status == p.RequestStatus.WAITING


async def test_kiosk_gone_longer_than_grace_loses_place(
    server: TestServer, peers: Connect, seeded: Seed
) -> None:
    k1 = await kiosk(server, peers, seeded, 0)
    k2 = await kiosk(server, peers, seeded, 1)
    await k1.send(p.JoinQueue(item_code="YB-003"))
    await k1.expect(p.QueueUpdate)
    await k2.send(p.JoinQueue(item_code="YB-003"))
    assert (await k2.expect(p.QueueUpdate)).queue.position == 2
    await k1.close()
    update = await k2.expect(p.QueueUpdate, lambda m: m.queue.position == 1, timeout=4)
    assert update.queue.status == p.RequestStatus.WAITING
    again = await kiosk(server, peers, seeded, 0)
    assert again.welcome.queue is None


async def test_kiosk_disconnect_while_ringing_withdraws_ring(
    server: TestServer, peers: Connect, seeded: Seed
) -> None:
    bob = await clerk(server, peers, "bob")
    k1 = await kiosk(server, peers, seeded, 0)
    await k1.send(p.JoinQueue(item_code="YB-003"))
    ring = await bob.expect(p.Ring)
    await k1.close()
    cancelled = await bob.expect(p.RingCancelled)
    assert (cancelled.request_id, cancelled.reason) == (ring.request_id, "kiosk_lost")
    await bob.expect(p.ClerkStatus, lambda m: m.state == "available")


async def test_clerk_disconnect_while_ringing_rings_next(
    server: TestServer, peers: Connect, seeded: Seed
) -> None:
    alice = await clerk(server, peers, "alice")
    await asyncio.sleep(0.02)
    bob = await clerk(server, peers, "bob")
    k = await kiosk(server, peers, seeded)
    await k.send(p.JoinQueue(item_code="YB-003"))
    ring = await alice.expect(p.Ring)
    await alice.close()
    assert (await bob.expect(p.Ring)).request_id == ring.request_id


async def test_sdp_relayed_only_within_the_call(
    server: TestServer, peers: Connect, seeded: Seed
) -> None:
    alice = await clerk(server, peers, "alice")
    bob = await clerk(server, peers, "bob", available=False)
    k = await kiosk(server, peers, seeded, 0)
    stranger = await kiosk(server, peers, seeded, 1)
    await k.send(p.JoinQueue(item_code="YB-003"))
    ring = await alice.expect(p.Ring)
    await alice.send(p.AcceptCall(request_id=ring.request_id))
    call_id = (await k.expect(p.CallStarted)).call.call_id
    await k.send(p.Sdp(call_id=call_id, sdp_type="offer", sdp="v=0 offer"))
    offer = await alice.expect(p.Sdp)
    assert (offer.sdp_type, offer.sdp) == ("offer", "v=0 offer")
    await alice.send(p.Sdp(call_id=call_id, sdp_type="answer", sdp="v=0 answer"))
    assert (await k.expect(p.Sdp)).sdp == "v=0 answer"
    for intruder in (bob, stranger):
        await intruder.send(p.Sdp(call_id=call_id, sdp_type="offer", sdp="evil", id="s"))
        error = await intruder.expect(p.Error)
        assert (error.code, error.ref) == (p.ErrorCode.NOT_IN_CALL, "s")
        await intruder.send(p.Hangup(call_id=call_id))
        assert (await intruder.expect(p.Error)).code == p.ErrorCode.NOT_IN_CALL
    await alice.quiet(p.Sdp, 0.1)
    await k.quiet(p.Sdp, 0.1)


async def test_roles_are_enforced(server: TestServer, peers: Connect, seeded: Seed) -> None:
    k = await kiosk(server, peers, seeded)
    for message in (
        p.SetClerkState(state="available", id="a"),
        p.WatchCenter(id="a"),
        p.AcceptCall(request_id="r", id="a"),
    ):
        await k.send(message)
        assert (await k.expect(p.Error)).code == p.ErrorCode.FORBIDDEN
    alice = await clerk(server, peers, "alice", available=False)
    await alice.send(p.JoinQueue(item_code="YB-003"))
    assert (await alice.expect(p.Error)).code == p.ErrorCode.FORBIDDEN
    adam = await peers(server.ws_url, await server.login("adam"))
    await adam.send(p.SetClerkState(state="available"))
    assert (await adam.expect(p.Error)).code == p.ErrorCode.FORBIDDEN


async def test_a_clerk_watches_the_queue_of_their_own_center(
    server: TestServer, peers: Connect, seeded: Seed
) -> None:
    alice = await clerk(server, peers, "alice", available=False)
    await alice.send(p.WatchCenter())
    empty = await alice.expect(p.CenterSnapshot)
    assert empty.queue == []
    k = await kiosk(server, peers, seeded)
    await k.send(p.JoinQueue(item_code="YB-003"))
    snapshot = await alice.expect(p.CenterSnapshot)
    assert [entry.item_code for entry in snapshot.queue] == ["YB-003"]
    assert snapshot.center_id == empty.center_id


async def test_supervisor_sees_live_queue_and_clerk_states(
    server: TestServer, peers: Connect, seeded: Seed
) -> None:
    sue = await peers(server.ws_url, await server.login("sue"))
    await sue.send(p.WatchCenter())
    first = await sue.expect(p.CenterSnapshot)
    assert first.center_id == seeded.center_id and first.queue == []
    k = await kiosk(server, peers, seeded)
    await k.send(p.JoinQueue(item_code="YB-003"))
    snap = await sue.expect(p.CenterSnapshot, lambda m: len(m.queue) == 1)
    assert snap.queue[0].item_code == "YB-003"
    assert snap.queue[0].kiosk_name == "测试机1"
    await clerk(server, peers, "bob")
    snap = await sue.expect(p.CenterSnapshot, lambda m: any(c.state == "ringing" for c in m.clerks))
    assert [c.name for c in snap.clerks if c.state == "ringing"] == ["Bob"]
    # another center's activity is not shown
    olga = await clerk(server, peers, "olga")
    await k.send(p.LeaveQueue(request_id=snap.queue[0].request_id))
    sue.inbox.clear()
    latest = await sue.expect(p.CenterSnapshot, lambda m: not m.queue)
    assert all(c.staff_id != olga.welcome.subject_id for c in latest.clerks)
    assert {c.name: c.state for c in latest.clerks} == {"Bob": "available", "Sue": "away"}


async def test_clerk_state_survives_reconnect(
    server: TestServer, peers: Connect, seeded: Seed
) -> None:
    bob = await clerk(server, peers, "bob")
    token = await server.login("bob")
    await bob.close()
    again = await peers(server.ws_url, token)
    assert again.welcome.clerk_state == p.ClerkState.AVAILABLE


async def test_second_connection_replaces_first(
    server: TestServer, peers: Connect, seeded: Seed
) -> None:
    first = await kiosk(server, peers, seeded)
    await kiosk(server, peers, seeded)
    error = await first.expect(p.Error)
    assert error.code == p.ErrorCode.REPLACED and error.fatal
    assert await first.closed() == 4409
