"""The routing engine on its own: no network, no database, no clock."""

from __future__ import annotations

import pytest

from shared.protocol import ClerkState, EndReason, ErrorCode, Priority, RequestStatus, Role
from signaling.routing import (
    CallBegan,
    CallFinished,
    ClerkStateChanged,
    Effect,
    PeerPresenceChanged,
    QueuePositionChanged,
    RequestLeft,
    RingClerk,
    RingWithdrawn,
    RoutingConfig,
    RoutingEngine,
    RoutingError,
)

CENTER = "c1"
CONFIG = RoutingConfig(
    ring_timeout_s=20,
    wrap_up_s=30,
    resume_grace_s=60,
    decline_cooldown_s=60,
    default_handle_s=300,
)


def of(effects: list[Effect], kind: type) -> list:
    return [e for e in effects if isinstance(e, kind)]


def ring_of(effects: list[Effect]) -> RingClerk:
    rings = of(effects, RingClerk)
    assert len(rings) == 1, effects
    return rings[0]


def positions(effects: list[Effect]) -> dict[str, tuple[int, int | None]]:
    return {e.kiosk_id: (e.position, e.eta_s) for e in of(effects, QueuePositionChanged)}


@pytest.fixture
def engine() -> RoutingEngine:
    return RoutingEngine(CONFIG)


def clerk(
    engine: RoutingEngine,
    cid: str,
    skills: tuple[str, ...] = ("yibao",),
    now: float = 0.0,
    state: ClerkState = ClerkState.AVAILABLE,
    center: str = CENTER,
) -> list[Effect]:
    return engine.clerk_connected(
        clerk_id=cid, center_id=center, skills=skills, name=cid, now=now, initial_state=state
    )


def join(
    engine: RoutingEngine,
    rid: str,
    now: float,
    skill: str = "yibao",
    priority: Priority = Priority.NORMAL,
    center: str = CENTER,
) -> list[Effect]:
    return engine.enqueue(
        request_id=rid,
        kiosk_id=f"k-{rid}",
        center_id=center,
        item_code="YB-003",
        skill=skill,
        priority=priority,
        now=now,
    )


def test_request_rings_longest_idle_clerk_with_the_skill(engine: RoutingEngine) -> None:
    clerk(engine, "a", now=10)
    clerk(engine, "b", now=5)  # idle longer
    clerk(engine, "c", skills=("minzheng",), now=1)  # idle longest but lacks the skill
    effects = join(engine, "r1", now=20)
    assert ring_of(effects).clerk_id == "b"
    assert engine.clerks["b"].state == ClerkState.RINGING
    update = of(effects, QueuePositionChanged)[-1]
    assert (update.status, update.position) == (RequestStatus.RINGING, 0)


def test_no_clerk_from_another_center(engine: RoutingEngine) -> None:
    clerk(engine, "x", center="other")
    effects = join(engine, "r1", now=1)
    assert not of(effects, RingClerk)
    assert positions(effects) == {"k-r1": (1, None)}  # nobody staffed: no estimate


def test_queue_orders_by_priority_then_arrival(engine: RoutingEngine) -> None:
    join(engine, "r1", now=1)
    join(engine, "r2", now=2)
    effects = join(engine, "r3", now=3, priority=Priority.PRIORITY)
    # the elderly resident goes first; the others move back
    assert positions(effects) == {"k-r3": (1, None), "k-r1": (2, None), "k-r2": (3, None)}
    effects = clerk(engine, "a", now=4)
    assert ring_of(effects).request_id == "r3"
    join(engine, "r4", now=5, priority=Priority.APPOINTMENT)
    engine.accept("a", "r3", now=6)
    call = engine.requests["r3"].call_id
    assert call is not None
    engine.hang_up(call, by=Role.CLERK, party_id="a", now=100)
    effects = engine.set_clerk_state("a", ClerkState.AVAILABLE, now=101)
    assert ring_of(effects).request_id == "r4"


def test_estimated_wait_from_handle_times_and_staffed_clerks(engine: RoutingEngine) -> None:
    clerk(engine, "a", now=0)
    clerk(engine, "b", now=0)
    join(engine, "r1", now=1)
    join(engine, "r2", now=1)
    engine.accept("a", "r1", now=2)
    engine.accept("b", "r2", now=2)
    effects = join(engine, "r3", now=3)
    assert positions(effects)["k-r3"] == (1, 150)  # 1 x 300 s default / 2 clerks
    effects = join(engine, "r4", now=3)
    assert positions(effects)["k-r4"] == (2, 300)
    # a call of 62 s replaces the default: mean handle time is now measured
    effects = engine.hang_up(
        engine.requests["r1"].call_id or "", by=Role.CLERK, party_id="a", now=64
    )
    assert engine.mean_handle_s(CENTER, "yibao") == 62
    assert positions(effects) == {"k-r3": (1, 31), "k-r4": (2, 62)}


def test_accept_starts_call_and_hangup_wraps_up(engine: RoutingEngine) -> None:
    clerk(engine, "a")
    join(engine, "r1", now=1)
    effects = engine.accept("a", "r1", now=3)
    began = of(effects, CallBegan)[0]
    assert (began.kiosk_id, began.clerk_id) == ("k-r1", "a")
    assert engine.clerks["a"].state == ClerkState.BUSY
    effects = engine.hang_up(
        began.call_id, by=Role.KIOSK, party_id="k-r1", now=50, outcome="accepted"
    )
    finished = of(effects, CallFinished)[0]
    assert (finished.reason, finished.by, finished.outcome) == (
        EndReason.HANGUP,
        Role.KIOSK,
        "accepted",
    )
    state = of(effects, ClerkStateChanged)[0]
    assert (state.state, state.until) == (ClerkState.WRAP_UP, 80)
    assert engine.next_deadline() == 80
    join(engine, "r2", now=60)  # waits: the clerk is wrapping up
    assert engine.requests["r2"].status == RequestStatus.WAITING
    effects = engine.tick(80)
    assert ring_of(effects).request_id == "r2"
    assert engine.request_of_kiosk("k-r1") is None


def test_clerk_ends_wrap_up_early(engine: RoutingEngine) -> None:
    clerk(engine, "a")
    join(engine, "r1", now=1)
    engine.accept("a", "r1", now=2)
    engine.hang_up(engine.requests["r1"].call_id or "", by=Role.CLERK, party_id="a", now=10)
    join(engine, "r2", now=11)
    effects = engine.set_clerk_state("a", ClerkState.AVAILABLE, now=12)
    assert ring_of(effects).request_id == "r2"
    engine.accept("a", "r2", now=13)
    assert engine.tick(40) == []  # the stale wrap-up timer does nothing
    assert engine.clerks["a"].state == ClerkState.BUSY


def test_ring_timeout_goes_to_next_clerk_and_sets_first_away(engine: RoutingEngine) -> None:
    clerk(engine, "a", now=0)
    clerk(engine, "b", now=1)
    first = ring_of(join(engine, "r1", now=5))
    assert first.clerk_id == "a"
    assert engine.next_deadline() == 25
    assert engine.tick(24) == []
    effects = engine.tick(25)
    assert of(effects, RingWithdrawn)[0].reason == "timeout"
    assert engine.clerks["a"].state == ClerkState.AWAY
    assert ring_of(effects).clerk_id == "b"
    # b lets it ring out too: nobody is left, the request waits at the head of the queue
    effects = engine.tick(45)
    assert not of(effects, RingClerk)
    assert engine.requests["r1"].status == RequestStatus.WAITING
    assert positions(effects)["k-r1"] == (1, None)


def test_decline_goes_to_next_clerk_and_not_back_during_cooldown(
    engine: RoutingEngine,
) -> None:
    clerk(engine, "a", now=0)
    clerk(engine, "b", now=1)
    join(engine, "r1", now=5)
    effects = engine.decline("a", "r1", now=6)
    assert ring_of(effects).clerk_id == "b"
    assert engine.clerks["a"].state == ClerkState.AVAILABLE
    effects = engine.decline("b", "r1", now=7)
    assert not of(effects, RingClerk)  # both declined within the cooldown
    effects = engine.tick(66)  # a's cooldown is over
    assert ring_of(effects).clerk_id == "a"


def test_declining_clerk_gets_the_next_request(engine: RoutingEngine) -> None:
    clerk(engine, "a")
    join(engine, "r1", now=1)
    join(engine, "r2", now=2)
    effects = engine.decline("a", "r1", now=3)
    assert ring_of(effects).request_id == "r2"


def test_cancel_while_queued_and_while_ringing(engine: RoutingEngine) -> None:
    join(engine, "r1", now=1)
    join(engine, "r2", now=2)
    effects = engine.cancel("r1", "k-r1", now=3)
    assert of(effects, RequestLeft)[0].reason == EndReason.CANCELLED
    assert positions(effects) == {"k-r2": (1, None)}
    ring_of(clerk(engine, "a", now=4))
    effects = engine.cancel("r2", "k-r2", now=5)
    assert of(effects, RingWithdrawn)[0].reason == "cancelled"
    assert engine.clerks["a"].state == ClerkState.AVAILABLE
    with pytest.raises(RoutingError) as err:
        engine.cancel("r2", "k-r2", now=6)
    assert err.value.code == ErrorCode.NO_SUCH_REQUEST


def test_cancel_rejects_another_kiosks_request(engine: RoutingEngine) -> None:
    join(engine, "r1", now=1)
    with pytest.raises(RoutingError):
        engine.cancel("r1", "k-intruder", now=2)


def test_one_request_per_kiosk(engine: RoutingEngine) -> None:
    join(engine, "r1", now=1)
    with pytest.raises(RoutingError) as err:
        engine.enqueue(
            request_id="r9",
            kiosk_id="k-r1",
            center_id=CENTER,
            item_code="x",
            skill="yibao",
            priority=Priority.NORMAL,
            now=2,
        )
    assert err.value.code == ErrorCode.ALREADY_QUEUED


def test_stale_accept_and_foreign_accept_are_refused(engine: RoutingEngine) -> None:
    clerk(engine, "a", now=0)
    clerk(engine, "b", now=1)
    join(engine, "r1", now=2)
    with pytest.raises(RoutingError):
        engine.accept("b", "r1", now=3)  # it rings at a, not b
    engine.tick(22)  # a timed out, now rings at b
    with pytest.raises(RoutingError):
        engine.accept("a", "r1", now=23)
    assert of(engine.accept("b", "r1", now=23), CallBegan)


def test_kiosk_disconnect_while_queued_keeps_place_for_grace(engine: RoutingEngine) -> None:
    join(engine, "r1", now=1)
    join(engine, "r2", now=2)
    engine.kiosk_disconnected("k-r1", now=3)
    assert engine.requests["r1"].status == RequestStatus.HELD
    # a held request is not offered to a clerk; the one behind it is
    assert ring_of(clerk(engine, "a", now=4)).request_id == "r2"
    effects = engine.kiosk_reconnected("k-r1", now=10)
    assert engine.requests["r1"].status == RequestStatus.WAITING
    assert positions(effects)["k-r1"][0] == 1


def test_kiosk_lost_for_longer_than_grace_leaves_queue(engine: RoutingEngine) -> None:
    join(engine, "r1", now=1)
    join(engine, "r2", now=2)
    engine.kiosk_disconnected("k-r1", now=3)
    effects = engine.tick(63)
    assert of(effects, RequestLeft)[0].reason == EndReason.KIOSK_LOST
    assert positions(effects) == {"k-r2": (1, None)}
    assert engine.kiosk_reconnected("k-r1", now=64) == []


def test_kiosk_disconnect_while_ringing_withdraws_ring(engine: RoutingEngine) -> None:
    clerk(engine, "a")
    join(engine, "r1", now=1)
    join(engine, "r2", now=2)
    effects = engine.kiosk_disconnected("k-r1", now=3)
    assert of(effects, RingWithdrawn)[0].reason == "kiosk_lost"
    # the clerk is free again and gets the next resident straight away
    assert ring_of(effects).request_id == "r2"
    assert engine.requests["r1"].status == RequestStatus.HELD
    assert engine.position(engine.requests["r1"]) == 1


def test_clerk_disconnect_while_ringing_rings_next_clerk(engine: RoutingEngine) -> None:
    clerk(engine, "a", now=0)
    clerk(engine, "b", now=1)
    join(engine, "r1", now=2)
    effects = engine.clerk_disconnected("a", now=3)
    assert ring_of(effects).clerk_id == "b"
    assert engine.clerks["a"].state == ClerkState.OFFLINE
    # back within the session: a returns as available, not ringing
    effects = clerk(engine, "a", now=4)
    assert of(effects, ClerkStateChanged)[0].state == ClerkState.AVAILABLE


def test_clerk_reconnect_resumes_away(engine: RoutingEngine) -> None:
    clerk(engine, "a")
    engine.set_clerk_state("a", ClerkState.AWAY, now=1)
    engine.clerk_disconnected("a", now=2)
    assert engine.staffed(CENTER, "yibao") == 0
    effects = clerk(engine, "a", now=3, state=ClerkState.AVAILABLE)
    assert of(effects, ClerkStateChanged)[0].state == ClerkState.AWAY


def test_party_lost_during_call_keeps_call_for_grace(engine: RoutingEngine) -> None:
    clerk(engine, "a")
    join(engine, "r1", now=1)
    call = of(engine.accept("a", "r1", now=2), CallBegan)[0].call_id
    effects = engine.kiosk_disconnected("k-r1", now=10)
    presence = of(effects, PeerPresenceChanged)[0]
    assert (presence.to_kiosk, presence.connected) == (False, False)
    effects = engine.kiosk_reconnected("k-r1", now=20)
    assert of(effects, PeerPresenceChanged)[0].connected is True
    assert engine.tick(100) == []  # the lost timer was cancelled by the return
    engine.clerk_disconnected("a", now=110)
    effects = engine.tick(170)
    finished = of(effects, CallFinished)[0]
    assert (finished.call_id, finished.reason) == (call, EndReason.CLERK_LOST)
    # the lost clerk comes back later as available, with no call
    effects = clerk(engine, "a", now=200)
    assert engine.clerks["a"].state == ClerkState.AVAILABLE


def test_hangup_only_by_the_call_parties(engine: RoutingEngine) -> None:
    clerk(engine, "a")
    clerk(engine, "b")
    join(engine, "r1", now=1)
    call = of(engine.accept("a", "r1", now=2), CallBegan)[0].call_id
    with pytest.raises(RoutingError) as err:
        engine.hang_up(call, by=Role.CLERK, party_id="b", now=3)
    assert err.value.code == ErrorCode.NOT_IN_CALL


def test_clerk_state_rules(engine: RoutingEngine) -> None:
    clerk(engine, "a")
    join(engine, "r1", now=1)
    with pytest.raises(RoutingError):
        engine.set_clerk_state("a", ClerkState.AWAY, now=2)  # ringing
    engine.accept("a", "r1", now=2)
    with pytest.raises(RoutingError):
        engine.set_clerk_state("a", ClerkState.AVAILABLE, now=3)  # busy
    with pytest.raises(RoutingError):
        engine.set_clerk_state("a", ClerkState.BUSY, now=3)


def test_restored_queue_keeps_order_and_waits_for_kiosks(engine: RoutingEngine) -> None:
    for rid, arrived in (("r2", 20.0), ("r1", 10.0)):
        engine.restore(
            request_id=rid,
            kiosk_id=f"k-{rid}",
            center_id=CENTER,
            item_code="YB-003",
            skill="yibao",
            priority=Priority.NORMAL,
            arrived_at=arrived,
            now=100,
        )
    assert [r.request_id for r in engine.center_requests(CENTER)] == ["r1", "r2"]
    assert not of(clerk(engine, "a", now=101), RingClerk)  # nobody is back yet
    effects = engine.kiosk_reconnected("k-r2", now=102)
    assert ring_of(effects).request_id == "r2"
    assert engine.position(engine.requests["r1"]) == 1
    effects = engine.tick(160)
    assert of(effects, RequestLeft)[0].request_id == "r1"


def test_restored_call_resumes_when_both_return(engine: RoutingEngine) -> None:
    engine.restore(
        request_id="r1",
        kiosk_id="k-r1",
        center_id=CENTER,
        item_code="YB-003",
        skill="yibao",
        priority=Priority.NORMAL,
        arrived_at=1,
        now=100,
        in_call=True,
        clerk_id="a",
        call_id="call-x",
        answered_at=50,
    )
    clerk(engine, "a", now=101)
    assert engine.clerks["a"].state == ClerkState.BUSY
    engine.kiosk_reconnected("k-r1", now=102)
    assert engine.tick(500) == []
    effects = engine.hang_up("call-x", by=Role.CLERK, party_id="a", now=600)
    assert of(effects, CallFinished)[0].reason == EndReason.HANGUP


def test_position_updates_only_when_view_changes(engine: RoutingEngine) -> None:
    join(engine, "r1", now=1)
    join(engine, "r2", now=2)
    effects = join(engine, "r3", now=3)
    assert positions(effects) == {"k-r3": (3, None)}  # r1 and r2 did not move


def test_multi_skill_clerk_takes_oldest_across_skills(engine: RoutingEngine) -> None:
    join(engine, "r1", now=5, skill="minzheng")
    join(engine, "r2", now=2, skill="yibao")
    effects = clerk(engine, "a", skills=("yibao", "minzheng"), now=6)
    assert ring_of(effects).request_id == "r2"
