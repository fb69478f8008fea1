"""Transfer and third-party rules of the routing engine, without network, database or clock."""

from __future__ import annotations

import pytest

from shared.protocol import ClerkState, EndReason, ErrorCode, Priority, RequestStatus, Role
from signaling.routing import (
    CallBegan,
    CallFinished,
    Effect,
    InviteChanged,
    LegBegan,
    LegEnded,
    QueuePositionChanged,
    RingClerk,
    RingWithdrawn,
    RoutingConfig,
    RoutingEngine,
    RoutingError,
)

CENTER = "c1"
CONFIG = RoutingConfig(
    ring_timeout_s=20, wrap_up_s=30, resume_grace_s=60, decline_cooldown_s=60, default_handle_s=300
)
SKILLS = {"yibao", "minzheng", "canlian"}


def of(effects: list[Effect], kind: type) -> list:
    return [e for e in effects if isinstance(e, kind)]


@pytest.fixture
def engine() -> RoutingEngine:
    return RoutingEngine(CONFIG)


def clerk(
    engine: RoutingEngine,
    cid: str,
    skills: tuple[str, ...] = ("yibao",),
    now: float = 0.0,
    center: str = CENTER,
    state: ClerkState = ClerkState.AVAILABLE,
) -> list[Effect]:
    return engine.clerk_connected(
        clerk_id=cid,
        center_id=center,
        skills=skills,
        name=cid.title(),
        now=now,
        initial_state=state,
    )


def join(
    engine: RoutingEngine,
    rid: str,
    now: float,
    skill: str = "yibao",
    priority: Priority = Priority.NORMAL,
) -> list[Effect]:
    return engine.enqueue(
        request_id=rid,
        kiosk_id=f"k-{rid}",
        center_id=CENTER,
        item_code="YB-003",
        skill=skill,
        priority=priority,
        now=now,
    )


def in_call(engine: RoutingEngine, rid: str, cid: str, now: float, skill: str = "yibao") -> str:
    """Join ``rid`` and have ``cid`` (the only available clerk of its skill) accept it."""
    join(engine, rid, now, skill=skill)
    assert engine.requests[rid].clerk_id == cid
    engine.accept(cid, rid, now + 1)
    call_id = engine.requests[rid].call_id
    assert call_id is not None
    return call_id


# --- Transfer ------------------------------------------------------------------------------


def test_transfer_to_skill_ends_call_and_goes_to_head_of_target_queue(
    engine: RoutingEngine,
) -> None:
    clerk(engine, "a", skills=("yibao",))
    call_id = in_call(engine, "r1", "a", now=10)
    # two residents already wait for minzheng, one of them with priority
    join(engine, "r2", now=20, skill="minzheng")
    join(engine, "r3", now=21, skill="minzheng", priority=Priority.PRIORITY)
    effects = engine.transfer(
        call_id, clerk_id="a", skill="minzheng", note="低保", now=100, known_skills=SKILLS
    )
    [ended] = of(effects, CallFinished)
    assert (ended.call_id, ended.reason, ended.by) == (call_id, EndReason.TRANSFERRED, Role.CLERK)
    request = engine.requests["r1"]
    assert request.status == RequestStatus.WAITING
    assert (request.skill, request.call_id, request.clerk_id) == ("minzheng", None, None)
    # ahead of both, even the prioritised one; waiting counts from the first join
    assert engine.position(request) == 1
    assert request.arrived_at == 10 and request.priority == Priority.NORMAL
    moved = {e.kiosk_id: e.position for e in of(effects, QueuePositionChanged)}
    assert moved == {"k-r1": 1, "k-r3": 2, "k-r2": 3}
    assert engine.clerks["a"].state == ClerkState.WRAP_UP
    # a clerk of the new skill takes the transferred resident first, as a transfer
    effects = clerk(engine, "c", skills=("minzheng",), now=101)
    [ring] = of(effects, RingClerk)
    assert (ring.request_id, ring.kind) == ("r1", "transfer")
    effects = engine.accept("c", "r1", now=105)
    [began] = of(effects, CallBegan)
    assert began.call_id != call_id
    assert engine.requests["r1"].transferred_from is None
    # the first answer stays the wait KPI; the new call's handle time starts now
    assert engine.requests["r1"].answered_at == 11
    engine.hang_up(began.call_id, by=Role.CLERK, party_id="c", now=165)
    assert engine.mean_handle_s(CENTER, "minzheng") == 60


def test_transfer_skips_the_transferring_clerk_for_the_cooldown(engine: RoutingEngine) -> None:
    engine = RoutingEngine(RoutingConfig(wrap_up_s=0, decline_cooldown_s=60))
    clerk(engine, "a")
    call_id = in_call(engine, "r1", "a", now=0)
    effects = engine.transfer(call_id, clerk_id="a", skill="yibao", now=10)
    # a is available at once (no wrap-up) but is not offered the same resident again
    assert engine.clerks["a"].state == ClerkState.AVAILABLE
    assert not of(effects, RingClerk)
    effects = clerk(engine, "b", now=11)
    assert [r.clerk_id for r in of(effects, RingClerk)] == ["b"]


def test_transfer_to_named_clerk_rings_only_them(engine: RoutingEngine) -> None:
    clerk(engine, "a")
    call_id = in_call(engine, "r1", "a", now=0)
    clerk(engine, "b", now=1)  # idle longer than d
    clerk(engine, "d", skills=("minzheng",), now=5)
    effects = engine.transfer(call_id, clerk_id="a", target_clerk_id="d", note="请接", now=10)
    [ring] = of(effects, RingClerk)
    assert (ring.clerk_id, ring.kind) == ("d", "transfer")
    assert engine.requests["r1"].note == "请接"
    assert engine.requests["r1"].skill == "yibao"  # the item's skill is kept
    update = of(effects, QueuePositionChanged)[-1]
    assert (update.kiosk_id, update.status) == ("k-r1", RequestStatus.RINGING)
    # unanswered, it falls back to the head of the request's own queue: b takes it
    effects = engine.decline("d", "r1", now=12)
    assert [r.clerk_id for r in of(effects, RingClerk)] == ["b"]


def test_named_transfer_that_times_out_falls_back_to_the_queue(engine: RoutingEngine) -> None:
    clerk(engine, "a")
    call_id = in_call(engine, "r1", "a", now=0)
    clerk(engine, "d", skills=("minzheng",), now=5)
    engine.transfer(call_id, clerk_id="a", target_clerk_id="d", now=10)
    join(engine, "r2", now=11, priority=Priority.APPOINTMENT)
    effects = engine.tick(30)
    assert of(effects, RingWithdrawn)[0].reason == "timeout"
    assert engine.clerks["d"].state == ClerkState.AWAY
    request = engine.requests["r1"]
    assert request.status == RequestStatus.WAITING and engine.position(request) == 1


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"skill": "nosuch"}, ErrorCode.UNKNOWN_SKILL),
        ({"target_clerk_id": "ghost"}, ErrorCode.NO_SUCH_CLERK),
        ({"target_clerk_id": "x"}, ErrorCode.NO_SUCH_CLERK),  # another center
        ({"target_clerk_id": "busy"}, ErrorCode.CLERK_UNAVAILABLE),
        ({"target_clerk_id": "away"}, ErrorCode.CLERK_UNAVAILABLE),
        ({"target_clerk_id": "a"}, ErrorCode.INVALID_STATE),
        ({}, ErrorCode.INVALID_MESSAGE),
        ({"skill": "yibao", "target_clerk_id": "b"}, ErrorCode.INVALID_MESSAGE),
    ],
)
def test_transfer_refusals_change_nothing(
    engine: RoutingEngine, kwargs: dict[str, str], code: ErrorCode
) -> None:
    clerk(engine, "a")
    call_id = in_call(engine, "r1", "a", now=0)
    clerk(engine, "x", center="other")
    clerk(engine, "away", state=ClerkState.AWAY)
    clerk(engine, "busy", skills=("minzheng",))
    in_call(engine, "r2", "busy", now=1, skill="minzheng")
    with pytest.raises(RoutingError) as refused:
        engine.transfer(call_id, clerk_id="a", now=5, known_skills=SKILLS, **kwargs)
    assert refused.value.code == code
    request = engine.requests["r1"]
    assert (request.status, request.call_id) == (RequestStatus.IN_CALL, call_id)
    assert engine.clerks["a"].state == ClerkState.BUSY


def test_only_the_calls_clerk_may_transfer(engine: RoutingEngine) -> None:
    clerk(engine, "a")
    call_id = in_call(engine, "r1", "a", now=0)
    clerk(engine, "b")
    for party in ("b", "k-r1"):
        with pytest.raises(RoutingError) as refused:
            engine.transfer(call_id, clerk_id=party, skill="yibao", now=5)
        assert refused.value.code == ErrorCode.NOT_IN_CALL


def test_no_transfer_while_the_resident_reconnects(engine: RoutingEngine) -> None:
    clerk(engine, "a")
    call_id = in_call(engine, "r1", "a", now=0)
    engine.kiosk_disconnected("k-r1", now=5)
    with pytest.raises(RoutingError) as refused:
        engine.transfer(call_id, clerk_id="a", skill="minzheng", now=6)
    assert refused.value.code == ErrorCode.INVALID_STATE


def test_kiosk_lost_while_transfer_rings_keeps_the_head_place(engine: RoutingEngine) -> None:
    clerk(engine, "a")
    call_id = in_call(engine, "r1", "a", now=0)
    join(engine, "r2", now=2, skill="minzheng", priority=Priority.APPOINTMENT)
    engine.transfer(call_id, clerk_id="a", skill="minzheng", now=10)
    effects = clerk(engine, "e", skills=("minzheng",), now=11)
    [ring] = of(effects, RingClerk)  # the transfer goes before the appointment
    assert (ring.clerk_id, ring.request_id, ring.kind) == ("e", "r1", "transfer")
    effects = engine.kiosk_disconnected("k-r1", now=12)
    assert of(effects, RingWithdrawn)[0].reason == "kiosk_lost"
    assert [r.request_id for r in of(effects, RingClerk)] == ["r2"]  # e is not left idle
    request = engine.requests["r1"]
    assert request.status == RequestStatus.HELD and engine.position(request) == 1
    engine.kiosk_reconnected("k-r1", now=20)
    effects = clerk(engine, "f", skills=("minzheng",), now=21)
    [ring] = of(effects, RingClerk)
    assert (ring.clerk_id, ring.request_id, ring.kind) == ("f", "r1", "transfer")
    # gone for good: the request leaves without a call
    engine.kiosk_disconnected("k-r1", now=22)
    engine.tick(22 + 60)
    assert "r1" not in engine.requests
    assert engine.finished[-1].end_reason == EndReason.KIOSK_LOST


# --- Third party ---------------------------------------------------------------------------


def invited(engine: RoutingEngine, now: float = 10) -> tuple[str, list[Effect]]:
    clerk(engine, "a")
    call_id = in_call(engine, "r1", "a", now=0)
    clerk(engine, "x", skills=("canlian",), now=1)
    effects = engine.invite(call_id, clerk_id="a", skill="canlian", note="残联", now=now)
    return call_id, effects


def test_invite_rings_the_expert_and_joining_makes_two_legs(engine: RoutingEngine) -> None:
    call_id, effects = invited(engine)
    [ring] = of(effects, RingClerk)
    assert (ring.clerk_id, ring.request_id, ring.kind) == ("x", "r1", "invite")
    assert of(effects, InviteChanged)[0].status == "ringing"
    assert engine.clerks["x"].state == ClerkState.RINGING
    # the main call is untouched
    assert engine.requests["r1"].status == RequestStatus.IN_CALL
    assert not of(effects, CallFinished)
    effects = engine.accept("x", "r1", now=12)
    legs = [e.leg for e in of(effects, LegBegan)]
    assert len(legs) == 2 and len({leg.call_id for leg in legs} | {call_id}) == 3
    assert {(leg.party_id, leg.party_is_kiosk) for leg in legs} == {("k-r1", True), ("a", False)}
    assert all(leg.guest_id == "x" and leg.parent_call_id == call_id for leg in legs)
    assert of(effects, InviteChanged)[0].status == "joined"
    x = engine.clerks["x"]
    assert (x.state, x.request_id, x.as_guest) == (ClerkState.BUSY, "r1", True)
    assert engine.legs_of("k-r1") == [legs[0]] and engine.legs_of("a") == [legs[1]]
    assert engine.legs_of("x") == legs
    assert engine.leg(legs[0].call_id) == legs[0]


def test_guest_leaves_and_main_call_goes_on(engine: RoutingEngine) -> None:
    call_id, _ = invited(engine)
    engine.accept("x", "r1", now=12)
    effects = engine.leave(call_id, clerk_id="x", now=20)
    ended = of(effects, LegEnded)
    assert len(ended) == 2 and {e.reason for e in ended} == {EndReason.LEFT}
    assert of(effects, InviteChanged)[0].status == "left"
    assert not of(effects, CallFinished)
    assert engine.requests["r1"].status == RequestStatus.IN_CALL
    assert engine.clerks["x"].state == ClerkState.AVAILABLE
    assert engine.legs_of("k-r1") == []
    # a second expert may be invited now
    engine.invite(call_id, clerk_id="a", target_clerk_id="x", now=21)
    assert engine.clerks["x"].state == ClerkState.RINGING


def test_clerk_removes_the_guest_by_hanging_up_a_leg(engine: RoutingEngine) -> None:
    _, _ = invited(engine)
    effects = engine.accept("x", "r1", now=12)
    clerk_leg = next(e.leg for e in of(effects, LegBegan) if not e.leg.party_is_kiosk)
    with pytest.raises(RoutingError):
        engine.hang_up(clerk_leg.call_id, by=Role.KIOSK, party_id="k-r1", now=13)
    effects = engine.hang_up(clerk_leg.call_id, by=Role.CLERK, party_id="a", now=14)
    assert len(of(effects, LegEnded)) == 2
    assert of(effects, InviteChanged)[0].status == "removed"
    assert engine.requests["r1"].status == RequestStatus.IN_CALL


def test_main_call_ending_ends_every_leg(engine: RoutingEngine) -> None:
    call_id, _ = invited(engine)
    engine.accept("x", "r1", now=12)
    effects = engine.hang_up(call_id, by=Role.KIOSK, party_id="k-r1", now=30)
    ended = of(effects, LegEnded)
    assert len(ended) == 2 and {e.reason for e in ended} == {EndReason.HANGUP}
    assert of(effects, CallFinished)[0].call_id == call_id
    # the legs end before the main call
    assert effects.index(ended[0]) < effects.index(of(effects, CallFinished)[0])
    assert engine.clerks["x"].state == ClerkState.AVAILABLE
    assert engine.clerks["a"].state == ClerkState.WRAP_UP
    assert engine.leg(ended[0].leg.call_id) is None


def test_transfer_ends_the_guest_legs_too(engine: RoutingEngine) -> None:
    call_id, _ = invited(engine)
    engine.accept("x", "r1", now=12)
    effects = engine.transfer(call_id, clerk_id="a", skill="minzheng", now=20)
    assert {e.reason for e in of(effects, LegEnded)} == {EndReason.TRANSFERRED}
    assert engine.clerks["x"].as_guest is False


def test_main_call_ending_withdraws_a_ringing_invite(engine: RoutingEngine) -> None:
    call_id, _ = invited(engine)
    effects = engine.hang_up(call_id, by=Role.CLERK, party_id="a", now=11)
    [withdrawn] = of(effects, RingWithdrawn)
    assert (withdrawn.clerk_id, withdrawn.reason, withdrawn.kind) == ("x", "call_ended", "invite")
    assert engine.clerks["x"].state == ClerkState.AVAILABLE


def test_invite_decline_timeout_and_lost_guest(engine: RoutingEngine) -> None:
    call_id, _ = invited(engine)
    effects = engine.decline("x", "r1", now=11)
    assert of(effects, InviteChanged)[0].status == "declined"
    assert engine.clerks["x"].state == ClerkState.AVAILABLE
    assert engine.requests["r1"].guest is None
    engine.invite(call_id, clerk_id="a", target_clerk_id="x", now=12)
    effects = engine.tick(12 + 20)
    assert of(effects, InviteChanged)[0].status == "timeout"
    assert of(effects, RingWithdrawn)[0].reason == "timeout"
    assert engine.clerks["x"].state == ClerkState.AWAY
    engine.set_clerk_state("x", ClerkState.AVAILABLE, now=40)
    engine.invite(call_id, clerk_id="a", target_clerk_id="x", now=41)
    engine.accept("x", "r1", now=42)
    effects = engine.clerk_disconnected("x", now=43)
    assert {e.reason for e in of(effects, LegEnded)} == {EndReason.CLERK_LOST}
    assert of(effects, InviteChanged)[0].status == "lost"
    assert engine.clerks["x"].state == ClerkState.OFFLINE
    assert engine.requests["r1"].status == RequestStatus.IN_CALL
    # back again: an available clerk, not a guest
    clerk(engine, "x", skills=("canlian",), now=50)
    assert engine.clerks["x"].state == ClerkState.AVAILABLE


def test_invite_refusals(engine: RoutingEngine) -> None:
    call_id, _ = invited(engine)
    with pytest.raises(RoutingError) as refused:
        engine.invite(call_id, clerk_id="a", skill="canlian", now=11)
    assert refused.value.code == ErrorCode.INVALID_STATE  # one guest at a time
    engine.decline("x", "r1", now=12)
    with pytest.raises(RoutingError) as refused:
        engine.invite(call_id, clerk_id="a", skill="minzheng", now=13, known_skills=SKILLS)
    assert refused.value.code == ErrorCode.CLERK_UNAVAILABLE  # nobody of minzheng
    with pytest.raises(RoutingError) as refused:
        engine.invite(call_id, clerk_id="a", skill="nosuch", now=13, known_skills=SKILLS)
    assert refused.value.code == ErrorCode.UNKNOWN_SKILL
    with pytest.raises(RoutingError) as refused:
        engine.invite(call_id, clerk_id="x", skill="yibao", now=13)
    assert refused.value.code == ErrorCode.NOT_IN_CALL
    # a guest that has not joined cannot leave, and a stranger cannot either
    engine.invite(call_id, clerk_id="a", target_clerk_id="x", now=14)
    for who, code in (("x", ErrorCode.INVALID_STATE), ("a", ErrorCode.NOT_IN_CALL)):
        with pytest.raises(RoutingError) as refused:
            engine.leave(call_id, clerk_id=who, now=15)
        assert refused.value.code == code
    # the inviting clerk is not a candidate for their own invitation
    assert engine._longest_idle(CENTER, "yibao", exclude="a") is None
