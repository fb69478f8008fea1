"""Queue and routing engine: which clerk gets which resident, and when.

Pure and deterministic: no I/O, no clock, no asyncio. Every operation takes ``now`` (seconds
since the epoch) and returns the effects the caller must carry out (send a ring, tell a kiosk
its new position, ...). Timers are deadlines the caller asks for with ``next_deadline()`` and
fires with ``tick(now)``. The WebSocket hub is the only adapter around it.

Rules (docs/architecture.md, "Routing"):
- a request waits in the queue of its center and skill, ordered by priority, then arrival;
- a waiting request goes to the longest-idle available clerk of the center with the skill;
- an unanswered ring goes to the next clerk, and the clerk who let it ring is set away;
- a declined request is not offered to the same clerk again for ``decline_cooldown_s``;
- after a call the clerk is in wrap-up for ``wrap_up_s``, then available again;
- a lost kiosk keeps its place (held) and a lost party keeps its call for ``resume_grace_s``;
- estimated wait: position x mean recent handle time / staffed clerks of the skill;
- a transfer ends the clerk's call and puts the request at the head of the target skill's
  queue (priority and arrival kept), or rings only the named clerk, falling back to the head
  of the queue when that ring is not answered; the transferring clerk is skipped for the
  decline cool-down;
- an invited third party (guest) rings like a call; once joined they have one leg with the
  kiosk and one with the clerk, leave on their own, and go when the main call ends.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
import math
from collections import deque
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field

from shared.protocol import ClerkState, EndReason, ErrorCode, Priority, RequestStatus, Role

STAFFED_STATES = frozenset(
    {ClerkState.AVAILABLE, ClerkState.RINGING, ClerkState.BUSY, ClerkState.WRAP_UP}
)


@dataclass(frozen=True)
class RoutingConfig:
    ring_timeout_s: float = 20.0
    wrap_up_s: float = 30.0
    resume_grace_s: float = 60.0
    decline_cooldown_s: float = 60.0
    #: assumed handle time of a skill until real calls have been measured
    default_handle_s: float = 300.0
    handle_samples: int = 20


class RoutingError(Exception):
    """An operation that the current state does not allow (stale accept, foreign request...)."""

    def __init__(self, code: ErrorCode, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


# --- Effects: what the adapter must do -----------------------------------------------------


@dataclass(frozen=True)
class RingClerk:
    clerk_id: str
    request_id: str
    timeout_s: float
    #: "call" (from the queue), "transfer" (handed on by a clerk) or "invite" (as a guest)
    kind: str = "call"


@dataclass(frozen=True)
class RingWithdrawn:
    clerk_id: str
    request_id: str
    reason: str
    kind: str = "call"


@dataclass(frozen=True)
class QueuePositionChanged:
    kiosk_id: str
    request_id: str
    status: RequestStatus
    position: int
    eta_s: int | None
    staffed: int


@dataclass(frozen=True)
class ClerkStateChanged:
    clerk_id: str
    state: ClerkState
    since: float
    until: float | None


@dataclass(frozen=True)
class CallBegan:
    call_id: str
    request_id: str
    kiosk_id: str
    clerk_id: str


@dataclass(frozen=True)
class CallFinished:
    call_id: str
    request_id: str
    kiosk_id: str
    clerk_id: str | None
    reason: EndReason
    by: Role | None
    outcome: str | None


@dataclass(frozen=True)
class RequestLeft:
    request_id: str
    kiosk_id: str
    reason: EndReason


@dataclass(frozen=True)
class PeerPresenceChanged:
    """Tell ``to_kiosk`` (else the clerk) that the other side of the call came or went."""

    call_id: str
    kiosk_id: str
    clerk_id: str
    to_kiosk: bool
    connected: bool


@dataclass(frozen=True)
class Leg:
    """A peer connection between an invited guest and one party of the main call."""

    call_id: str
    parent_call_id: str
    request_id: str
    #: the kiosk, or the call's clerk: the side that offers
    party_id: str
    party_is_kiosk: bool
    guest_id: str


@dataclass(frozen=True)
class LegBegan:
    leg: Leg


@dataclass(frozen=True)
class LegEnded:
    leg: Leg
    reason: EndReason
    by: Role | None


@dataclass(frozen=True)
class InviteChanged:
    """Tell the inviting clerk how their invitation goes."""

    call_id: str
    request_id: str
    inviter_id: str
    guest_id: str
    #: "ringing", "joined", "declined", "timeout", "lost", "left", "removed"
    status: str


Effect = (
    RingClerk
    | RingWithdrawn
    | QueuePositionChanged
    | ClerkStateChanged
    | CallBegan
    | CallFinished
    | RequestLeft
    | PeerPresenceChanged
    | LegBegan
    | LegEnded
    | InviteChanged
)


# --- State ---------------------------------------------------------------------------------


@dataclass(eq=False)
class Guest:
    """A third party invited into a request's call: ringing until ``joined``."""

    clerk_id: str
    invited_by: str
    note: str
    ring_deadline: float | None
    joined: bool = False
    legs: tuple[Leg, ...] = ()


@dataclass(eq=False)
class Request:
    request_id: str
    kiosk_id: str
    center_id: str
    item_code: str
    skill: str
    priority: Priority
    arrived_at: float
    seq: int
    status: RequestStatus = RequestStatus.WAITING
    kiosk_connected: bool = True
    clerk_id: str | None = None
    call_id: str | None = None
    first_ring_at: float | None = None
    answered_at: float | None = None
    ring_deadline: float | None = None
    held_until: float | None = None
    kiosk_lost_until: float | None = None
    clerk_lost_until: float | None = None
    declined_until: dict[str, float] = field(default_factory=dict)
    #: presentation data the engine carries but never reads (names for rings and views)
    labels: Mapping[str, str] = field(default_factory=dict)
    ended_at: float | None = None
    end_reason: EndReason | None = None
    ended_by: Role | None = None
    outcome: str | None = None
    last_view: tuple[RequestStatus, int, int | None, int] | None = None
    #: the clerk who handed this request on; it waits at the head of its queue until answered
    transferred_from: str | None = None
    #: the transferring clerk's note for the next one
    note: str = ""
    #: when the current call was answered (``answered_at`` stays the first answer)
    call_answered_at: float | None = None
    guest: Guest | None = None

    @property
    def sort_key(self) -> tuple[int, int, float, int]:
        transferred = 0 if self.transferred_from is not None else 1
        return (transferred, -int(self.priority), self.arrived_at, self.seq)

    @property
    def queue_key(self) -> tuple[str, str]:
        return (self.center_id, self.skill)


@dataclass(eq=False)
class Clerk:
    clerk_id: str
    center_id: str
    skills: frozenset[str]
    name: str
    state: ClerkState
    since: float
    idle_since: float
    connected: bool = True
    request_id: str | None = None
    wrap_until: float | None = None
    #: the state to return to when an offline clerk reconnects
    resume_state: ClerkState = ClerkState.AWAY
    #: ``request_id`` is a call this clerk is invited into (or rung for) as a guest
    as_guest: bool = False


class RoutingEngine:
    def __init__(
        self, config: RoutingConfig | None = None, new_id: Callable[[], str] | None = None
    ) -> None:
        self.config = config or RoutingConfig()
        counter = itertools.count(1)
        self._new_id = new_id or (lambda: f"call-{next(counter)}")
        self._seq = itertools.count(1)
        self.requests: dict[str, Request] = {}
        self.clerks: dict[str, Clerk] = {}
        self._by_kiosk: dict[str, str] = {}
        self._by_call: dict[str, str] = {}
        self._by_leg: dict[str, str] = {}
        self._queues: dict[tuple[str, str], list[tuple[tuple[int, int, float, int], str]]] = {}
        self._available: dict[str, set[str]] = {}
        self._staffed: dict[tuple[str, str], int] = {}
        self._handle_times: dict[tuple[str, str], deque[float]] = {}
        self._timers: list[tuple[float, int, str, str]] = []
        self._dirty_queues: set[tuple[str, str]] = set()
        #: ids changed since the adapter last drained them (for persistence and live views)
        self.dirty_requests: set[str] = set()
        self.dirty_clerks: set[str] = set()
        self.dirty_centers: set[str] = set()
        #: requests that ended since the adapter last drained them, in their final state
        self.finished: list[Request] = []

    # --- Queries ---------------------------------------------------------------------------

    def request_of_kiosk(self, kiosk_id: str) -> Request | None:
        request_id = self._by_kiosk.get(kiosk_id)
        return self.requests.get(request_id) if request_id else None

    def position(self, request: Request) -> int:
        """1-based place among requests of the same center and skill; 0 when ringing or in
        call."""
        queue = self._queues.get(request.queue_key, [])
        index = bisect.bisect_left(queue, (request.sort_key, request.request_id))
        if index < len(queue) and queue[index][1] == request.request_id:
            return index + 1
        return 0

    def estimated_wait(self, request: Request) -> int | None:
        if request.status in (RequestStatus.RINGING, RequestStatus.IN_CALL):
            return 0
        return self._eta(request.queue_key, self.position(request))

    def staffed(self, center_id: str, skill: str) -> int:
        return self._staffed.get((center_id, skill), 0)

    def mean_handle_s(self, center_id: str, skill: str) -> float:
        samples = self._handle_times.get((center_id, skill))
        if not samples:
            return self.config.default_handle_s
        return sum(samples) / len(samples)

    def queue_lengths(self) -> dict[tuple[str, str], int]:
        return {key: len(entries) for key, entries in self._queues.items() if entries}

    def clerk_state_counts(self) -> dict[ClerkState, int]:
        counts = dict.fromkeys(ClerkState, 0)
        for clerk in self.clerks.values():
            counts[clerk.state] += 1
        return counts

    def center_requests(self, center_id: str) -> list[Request]:
        found = [r for r in self.requests.values() if r.center_id == center_id]
        return sorted(found, key=lambda r: r.sort_key)

    def center_clerks(self, center_id: str) -> list[Clerk]:
        found = [c for c in self.clerks.values() if c.center_id == center_id]
        return sorted(found, key=lambda c: c.clerk_id)

    def next_deadline(self) -> float | None:
        while self._timers and not self._timer_current(self._timers[0]):
            heapq.heappop(self._timers)
        return self._timers[0][0] if self._timers else None

    # --- Kiosk side ------------------------------------------------------------------------

    def enqueue(
        self,
        *,
        request_id: str,
        kiosk_id: str,
        center_id: str,
        item_code: str,
        skill: str,
        priority: Priority,
        now: float,
        labels: Mapping[str, str] | None = None,
    ) -> list[Effect]:
        if kiosk_id in self._by_kiosk:
            raise RoutingError(ErrorCode.ALREADY_QUEUED, "this kiosk already has a request")
        request = Request(
            request_id=request_id,
            kiosk_id=kiosk_id,
            center_id=center_id,
            item_code=item_code,
            skill=skill,
            priority=priority,
            arrived_at=now,
            seq=next(self._seq),
            labels=dict(labels or {}),
        )
        self._add_request(request)
        effects: list[Effect] = []
        self._dispatch_request(request, now, effects)
        return self._finish(effects)

    def cancel(self, request_id: str, kiosk_id: str, now: float) -> list[Effect]:
        request = self.requests.get(request_id)
        if request is None or request.kiosk_id != kiosk_id:
            raise RoutingError(ErrorCode.NO_SUCH_REQUEST, "no such request for this kiosk")
        if request.status == RequestStatus.IN_CALL:
            raise RoutingError(ErrorCode.INVALID_STATE, "the call has started: hang up instead")
        effects: list[Effect] = []
        self._drop_request(request, EndReason.CANCELLED, now, effects)
        return self._finish(effects)

    def kiosk_disconnected(self, kiosk_id: str, now: float) -> list[Effect]:
        request = self.request_of_kiosk(kiosk_id)
        effects: list[Effect] = []
        if request is None or not request.kiosk_connected:
            return effects
        request.kiosk_connected = False
        self._touch(request)
        if request.status == RequestStatus.IN_CALL:
            request.kiosk_lost_until = now + self.config.resume_grace_s
            self._set_timer(request.kiosk_lost_until, "kiosk_lost", request.request_id)
            if request.clerk_id is not None:
                effects.append(self._presence(request, to_kiosk=False, connected=False))
            return self._finish(effects)
        if request.status == RequestStatus.RINGING:
            clerk = self.clerks[request.clerk_id] if request.clerk_id else None
            self._unring(request, now, effects, reason="kiosk_lost")
            if clerk is not None:
                self._make_available(clerk, now, effects)
        request.status = RequestStatus.HELD
        request.held_until = now + self.config.resume_grace_s
        self._set_timer(request.held_until, "held", request.request_id)
        self._dirty_queues.add(request.queue_key)
        return self._finish(effects)

    def kiosk_reconnected(self, kiosk_id: str, now: float) -> list[Effect]:
        request = self.request_of_kiosk(kiosk_id)
        effects: list[Effect] = []
        if request is None or request.kiosk_connected:
            return effects
        request.kiosk_connected = True
        request.last_view = None
        self._touch(request)
        if request.status == RequestStatus.IN_CALL:
            request.kiosk_lost_until = None
            if request.clerk_id is not None:
                effects.append(self._presence(request, to_kiosk=False, connected=True))
        elif request.status == RequestStatus.HELD:
            request.status = RequestStatus.WAITING
            request.held_until = None
            self._dirty_queues.add(request.queue_key)
            self._dispatch_request(request, now, effects)
        return self._finish(effects)

    # --- Clerk side ------------------------------------------------------------------------

    def clerk_connected(
        self,
        *,
        clerk_id: str,
        center_id: str,
        skills: Iterable[str],
        name: str,
        now: float,
        initial_state: ClerkState = ClerkState.AWAY,
    ) -> list[Effect]:
        """A clerk's console authenticated. A known clerk resumes where they were; a clerk new
        to this engine (first login, or after a server restart) starts in ``initial_state``."""
        effects: list[Effect] = []
        skill_set = frozenset(skills)
        clerk = self.clerks.get(clerk_id)
        if clerk is None:
            clerk = Clerk(
                clerk_id=clerk_id,
                center_id=center_id,
                skills=skill_set,
                name=name,
                state=ClerkState.OFFLINE,
                since=now,
                idle_since=now,
                connected=False,
            )
            self.clerks[clerk_id] = clerk
            call = self._restored_call_of(clerk_id)
            if call is not None:
                clerk.request_id = call.request_id
                clerk.resume_state = ClerkState.BUSY
            else:
                clerk.resume_state = initial_state
        elif clerk.connected:
            return effects
        else:
            # skills may have changed while the clerk was offline: re-count them
            if clerk.state in STAFFED_STATES:
                self._set_staffed(clerk, False)
            clerk.skills = skill_set
            clerk.name = name
            if clerk.state in STAFFED_STATES:
                self._set_staffed(clerk, True)
        clerk.connected = True
        self.dirty_clerks.add(clerk_id)
        self.dirty_centers.add(center_id)
        if clerk.state == ClerkState.BUSY or clerk.resume_state == ClerkState.BUSY:
            request = self.requests.get(clerk.request_id or "")
            if request is not None and request.status == RequestStatus.IN_CALL:
                request.clerk_lost_until = None
                self._touch(request)
                if clerk.state != ClerkState.BUSY:
                    self._set_state(clerk, ClerkState.BUSY, now, effects)
                if request.kiosk_connected:
                    effects.append(self._presence(request, to_kiosk=True, connected=True))
                return self._finish(effects)
            clerk.request_id = None
            clerk.resume_state = ClerkState.AVAILABLE
        target = clerk.resume_state
        if target == ClerkState.WRAP_UP and (clerk.wrap_until or 0) <= now:
            target = ClerkState.AVAILABLE
        if target == ClerkState.AVAILABLE:
            self._make_available(clerk, now, effects)
        elif target == ClerkState.WRAP_UP:
            self._set_state(clerk, ClerkState.WRAP_UP, now, effects, until=clerk.wrap_until)
        else:
            self._set_state(clerk, ClerkState.AWAY, now, effects)
        return self._finish(effects)

    def clerk_disconnected(self, clerk_id: str, now: float) -> list[Effect]:
        clerk = self.clerks.get(clerk_id)
        effects: list[Effect] = []
        if clerk is None or not clerk.connected:
            return effects
        clerk.connected = False
        self.dirty_clerks.add(clerk_id)
        if clerk.as_guest:
            # a guest is not waited for: their legs end, the main call goes on
            request = self.requests.get(clerk.request_id or "")
            if request is not None:
                self._end_guest(request, EndReason.CLERK_LOST, None, now, effects, "lost")
            return self._finish(effects)
        if clerk.state == ClerkState.BUSY:
            request = self.requests.get(clerk.request_id or "")
            if request is not None:
                request.clerk_lost_until = now + self.config.resume_grace_s
                self._set_timer(request.clerk_lost_until, "clerk_lost", request.request_id)
                self._touch(request)
                if request.kiosk_connected:
                    effects.append(self._presence(request, to_kiosk=True, connected=False))
            return self._finish(effects)
        if clerk.state == ClerkState.RINGING:
            request = self.requests[clerk.request_id or ""]
            self._unring(request, now, effects, reason="clerk_lost")
            clerk.resume_state = ClerkState.AVAILABLE
            self._set_state(clerk, ClerkState.OFFLINE, now, effects)
            self._dispatch_request(request, now, effects)
            return self._finish(effects)
        clerk.resume_state = clerk.state
        self._set_state(clerk, ClerkState.OFFLINE, now, effects)
        return self._finish(effects)

    def set_clerk_state(self, clerk_id: str, state: ClerkState, now: float) -> list[Effect]:
        clerk = self._clerk(clerk_id)
        if state not in (ClerkState.AVAILABLE, ClerkState.AWAY):
            raise RoutingError(ErrorCode.INVALID_STATE, f"a clerk cannot set {state}")
        if clerk.state == ClerkState.RINGING:
            raise RoutingError(ErrorCode.INVALID_STATE, "answer or decline the ringing call first")
        if clerk.state == ClerkState.BUSY:
            raise RoutingError(ErrorCode.INVALID_STATE, "hang up the call first")
        effects: list[Effect] = []
        clerk.wrap_until = None
        if state == ClerkState.AVAILABLE:
            if clerk.state != ClerkState.AVAILABLE:
                self._make_available(clerk, now, effects)
        elif clerk.state != ClerkState.AWAY:
            self._set_state(clerk, ClerkState.AWAY, now, effects)
        return self._finish(effects)

    def accept(self, clerk_id: str, request_id: str, now: float) -> list[Effect]:
        clerk = self._clerk(clerk_id)
        request = self.requests.get(request_id)
        if request is not None and clerk.as_guest and clerk.request_id == request_id:
            return self._guest_joins(request, clerk, now)
        if (
            request is None
            or clerk.request_id != request_id
            or request.status != RequestStatus.RINGING
            or request.clerk_id != clerk_id
        ):
            raise RoutingError(ErrorCode.INVALID_STATE, "this call is no longer ringing for you")
        effects: list[Effect] = []
        request.status = RequestStatus.IN_CALL
        request.ring_deadline = None
        if request.answered_at is None:
            request.answered_at = now
        request.call_answered_at = now
        request.transferred_from = None
        request.call_id = self._new_id()
        self._by_call[request.call_id] = request_id
        self._touch(request)
        self._set_state(clerk, ClerkState.BUSY, now, effects)
        effects.append(CallBegan(request.call_id, request_id, request.kiosk_id, clerk_id))
        return self._finish(effects)

    def decline(self, clerk_id: str, request_id: str, now: float) -> list[Effect]:
        clerk = self._clerk(clerk_id)
        request = self.requests.get(request_id)
        effects: list[Effect]
        if request is not None and clerk.as_guest and clerk.request_id == request_id:
            if request.guest is None or request.guest.joined:
                raise RoutingError(ErrorCode.INVALID_STATE, "you already joined: leave instead")
            effects = []
            self._end_guest(request, EndReason.CANCELLED, Role.CLERK, now, effects, "declined")
            return self._finish(effects)
        if request is None or clerk.request_id != request_id or request.clerk_id != clerk_id:
            raise RoutingError(ErrorCode.INVALID_STATE, "this call is not ringing for you")
        effects = []
        until = now + self.config.decline_cooldown_s
        request.declined_until[clerk_id] = until
        self._set_timer(until, "cooldown", request_id)
        self._unring(request, now, effects, reason=None)
        self._make_available(clerk, now, effects)
        self._dispatch_request(request, now, effects)
        return self._finish(effects)

    def hang_up(
        self,
        call_id: str,
        *,
        by: Role,
        party_id: str,
        now: float,
        outcome: str | None = None,
    ) -> list[Effect]:
        """Hang up the main call, or (``call_id`` a guest leg) end the guest's part in it."""
        leg_request = self.requests.get(self._by_leg.get(call_id, ""))
        if leg_request is not None and leg_request.guest is not None:
            guest = leg_request.guest
            leg = next(leg for leg in guest.legs if leg.call_id == call_id)
            if party_id not in (leg.party_id, leg.guest_id):
                raise RoutingError(ErrorCode.NOT_IN_CALL, "you are not in this call")
            effects: list[Effect] = []
            status = "left" if party_id == guest.clerk_id else "removed"
            self._end_guest(leg_request, EndReason.HANGUP, by, now, effects, status)
            return self._finish(effects)
        request = self.request_of_call(call_id)
        if request is None or party_id not in (request.kiosk_id, request.clerk_id):
            raise RoutingError(ErrorCode.NOT_IN_CALL, "you are not in this call")
        effects = []
        self._end_call(request, EndReason.HANGUP, by, outcome, now, effects)
        return self._finish(effects)

    # --- Transfer and third party ----------------------------------------------------------

    def transfer(
        self,
        call_id: str,
        *,
        clerk_id: str,
        now: float,
        skill: str | None = None,
        target_clerk_id: str | None = None,
        note: str = "",
        known_skills: Collection[str] | None = None,
    ) -> list[Effect]:
        """The clerk of ``call_id`` hands the resident on to ``skill`` or to the named clerk.
        ``known_skills``, when given, are the skills a transfer may name."""
        request = self._own_call(call_id, clerk_id)
        target = self._target(request, clerk_id, skill, target_clerk_id, known_skills)
        if not request.kiosk_connected:
            raise RoutingError(ErrorCode.INVALID_STATE, "the resident is reconnecting")
        effects: list[Effect] = []
        self._end_guest(request, EndReason.TRANSFERRED, Role.CLERK, now, effects, None)
        old_call_id = request.call_id or ""
        effects.append(
            CallFinished(
                old_call_id,
                request.request_id,
                request.kiosk_id,
                clerk_id,
                EndReason.TRANSFERRED,
                Role.CLERK,
                None,
            )
        )
        self._by_call.pop(old_call_id, None)
        request.call_id = None
        request.clerk_id = None
        request.call_answered_at = None
        request.clerk_lost_until = None
        request.kiosk_lost_until = None
        request.transferred_from = clerk_id
        request.note = note
        if skill is not None:
            request.skill = skill
        request.status = RequestStatus.WAITING
        request.last_view = None
        until = now + self.config.decline_cooldown_s
        request.declined_until[clerk_id] = until
        self._set_timer(until, "cooldown", request.request_id)
        bisect.insort(
            self._queues.setdefault(request.queue_key, []), (request.sort_key, request.request_id)
        )
        self._dirty_queues.add(request.queue_key)
        self._touch(request)
        self._release_clerk(self.clerks[clerk_id], now, effects)
        if isinstance(target, Clerk):
            if target.state == ClerkState.AVAILABLE and request.status == RequestStatus.WAITING:
                self._ring(request, target, now, effects)
        else:
            self._dispatch_request(request, now, effects)
        return self._finish(effects)

    def invite(
        self,
        call_id: str,
        *,
        clerk_id: str,
        now: float,
        target_clerk_id: str | None = None,
        skill: str | None = None,
        note: str = "",
        known_skills: Collection[str] | None = None,
    ) -> list[Effect]:
        """The clerk of ``call_id`` rings a third party into it: the named clerk, or the
        longest-idle available clerk of ``skill``."""
        request = self._own_call(call_id, clerk_id)
        if request.guest is not None:
            raise RoutingError(ErrorCode.INVALID_STATE, "a third party is already invited")
        named = self._target(request, clerk_id, skill, target_clerk_id, known_skills)
        target = (
            named
            if isinstance(named, Clerk)
            else self._longest_idle(request.center_id, named, exclude=clerk_id)
        )
        if target is None:
            raise RoutingError(ErrorCode.CLERK_UNAVAILABLE, f"no clerk of {skill} is available")
        effects: list[Effect] = []
        deadline = now + self.config.ring_timeout_s
        request.guest = Guest(target.clerk_id, clerk_id, note, deadline)
        self._set_timer(deadline, "guest_ring", request.request_id)
        self._touch(request)
        target.request_id = request.request_id
        target.as_guest = True
        self._set_state(target, ClerkState.RINGING, now, effects)
        effects.append(
            RingClerk(target.clerk_id, request.request_id, self.config.ring_timeout_s, "invite")
        )
        effects.append(
            InviteChanged(call_id, request.request_id, clerk_id, target.clerk_id, "ringing")
        )
        return self._finish(effects)

    def leave(self, call_id: str, *, clerk_id: str, now: float) -> list[Effect]:
        """A joined guest leaves; ``call_id`` is the main call or one of their legs."""
        request = self.requests.get(self._by_leg.get(call_id, "")) or self.request_of_call(
            call_id
        )
        guest = request.guest if request is not None else None
        if request is None or guest is None or guest.clerk_id != clerk_id:
            raise RoutingError(ErrorCode.NOT_IN_CALL, "you are not a guest in this call")
        if not guest.joined:
            raise RoutingError(ErrorCode.INVALID_STATE, "not joined yet: decline instead")
        effects: list[Effect] = []
        self._end_guest(request, EndReason.LEFT, Role.CLERK, now, effects, "left")
        return self._finish(effects)

    def legs_of(self, party_id: str) -> list[Leg]:
        """The guest legs ``party_id`` (kiosk, clerk or guest) is a party of."""
        request = self.request_of_kiosk(party_id)
        if request is None:
            clerk = self.clerks.get(party_id)
            request = self.requests.get(clerk.request_id or "") if clerk is not None else None
        if request is None or request.guest is None:
            return []
        return [leg for leg in request.guest.legs if party_id in (leg.party_id, leg.guest_id)]

    def leg(self, call_id: str) -> Leg | None:
        request = self.requests.get(self._by_leg.get(call_id, ""))
        if request is None or request.guest is None:
            return None
        return next((leg for leg in request.guest.legs if leg.call_id == call_id), None)

    def _own_call(self, call_id: str, clerk_id: str) -> Request:
        request = self.request_of_call(call_id)
        if request is None or request.clerk_id != clerk_id:
            raise RoutingError(ErrorCode.NOT_IN_CALL, "you are not the clerk of this call")
        return request

    def _target(
        self,
        request: Request,
        clerk_id: str,
        skill: str | None,
        target_clerk_id: str | None,
        known_skills: Collection[str] | None,
    ) -> Clerk | str:
        """The named clerk (available, same center, not the caller), or the checked skill."""
        if (skill is None) == (target_clerk_id is None):
            raise RoutingError(ErrorCode.INVALID_MESSAGE, "give exactly one of skill and clerk_id")
        if skill is not None:
            if known_skills is not None and skill not in known_skills:
                raise RoutingError(ErrorCode.UNKNOWN_SKILL, f"no skill {skill!r}")
            return skill
        target = self.clerks.get(target_clerk_id or "")
        if target is None or target.center_id != request.center_id:
            raise RoutingError(ErrorCode.NO_SUCH_CLERK, "no such clerk in your center")
        if target.clerk_id == clerk_id:
            raise RoutingError(ErrorCode.INVALID_STATE, "that is you")
        if not target.connected or target.state != ClerkState.AVAILABLE:
            raise RoutingError(
                ErrorCode.CLERK_UNAVAILABLE, f"{target.name} is {target.state} and cannot take it"
            )
        return target

    def _longest_idle(self, center_id: str, skill: str, *, exclude: str) -> Clerk | None:
        best: Clerk | None = None
        for clerk_id in self._available.get(center_id, ()):
            clerk = self.clerks[clerk_id]
            if clerk_id == exclude or skill not in clerk.skills:
                continue
            if best is None or (clerk.idle_since, clerk.clerk_id) < (
                best.idle_since,
                best.clerk_id,
            ):
                best = clerk
        return best

    def _guest_joins(self, request: Request, clerk: Clerk, now: float) -> list[Effect]:
        guest = request.guest
        if guest is None or guest.joined or request.status != RequestStatus.IN_CALL:
            raise RoutingError(ErrorCode.INVALID_STATE, "this invitation is no longer ringing")
        effects: list[Effect] = []
        main_call = request.call_id or ""
        guest.joined = True
        guest.ring_deadline = None
        guest.legs = (
            Leg(
                self._new_id(),
                main_call,
                request.request_id,
                request.kiosk_id,
                True,
                clerk.clerk_id,
            ),
            Leg(
                self._new_id(),
                main_call,
                request.request_id,
                request.clerk_id or "",
                False,
                clerk.clerk_id,
            ),
        )
        for leg in guest.legs:
            self._by_leg[leg.call_id] = request.request_id
        self._touch(request)
        self._set_state(clerk, ClerkState.BUSY, now, effects)
        effects.extend(LegBegan(leg) for leg in guest.legs)
        effects.append(
            InviteChanged(main_call, request.request_id, guest.invited_by, clerk.clerk_id, "joined")
        )
        return self._finish(effects)

    def _end_guest(
        self,
        request: Request,
        reason: EndReason,
        by: Role | None,
        now: float,
        effects: list[Effect],
        status: str | None,
    ) -> None:
        """End the guest's part (their ring, or their legs); ``status`` tells the inviter."""
        guest, request.guest = request.guest, None
        if guest is None:
            return
        self._touch(request)
        clerk = self.clerks[guest.clerk_id]
        if guest.joined:
            for leg in guest.legs:
                self._by_leg.pop(leg.call_id, None)
                effects.append(LegEnded(leg, reason, by))
        elif status != "declined":
            ring_reason = status or "call_ended"
            effects.append(RingWithdrawn(clerk.clerk_id, request.request_id, ring_reason, "invite"))
        if status is not None:
            effects.append(
                InviteChanged(
                    request.call_id or "",
                    request.request_id,
                    guest.invited_by,
                    guest.clerk_id,
                    status,
                )
            )
        if clerk.request_id == request.request_id:
            clerk.request_id = None
            clerk.as_guest = False
            if not clerk.connected:
                clerk.resume_state = ClerkState.AVAILABLE
                self._set_state(clerk, ClerkState.OFFLINE, now, effects)
            elif status == "timeout":
                self._set_state(clerk, ClerkState.AWAY, now, effects)
            else:
                self._make_available(clerk, now, effects)

    # --- Restart ---------------------------------------------------------------------------

    def restore(
        self,
        *,
        request_id: str,
        kiosk_id: str,
        center_id: str,
        item_code: str,
        skill: str,
        priority: Priority,
        arrived_at: float,
        now: float,
        in_call: bool = False,
        clerk_id: str | None = None,
        call_id: str | None = None,
        answered_at: float | None = None,
        first_ring_at: float | None = None,
        labels: Mapping[str, str] | None = None,
    ) -> None:
        """Re-create a persisted request after a server restart. Nobody is connected yet:
        the request keeps its place (or its call) for the resume grace period."""
        request = Request(
            request_id=request_id,
            kiosk_id=kiosk_id,
            center_id=center_id,
            item_code=item_code,
            skill=skill,
            priority=priority,
            arrived_at=arrived_at,
            seq=next(self._seq),
            kiosk_connected=False,
            first_ring_at=first_ring_at,
            labels=dict(labels or {}),
        )
        grace_end = now + self.config.resume_grace_s
        if in_call and clerk_id and call_id:
            request.status = RequestStatus.IN_CALL
            request.clerk_id = clerk_id
            request.call_id = call_id
            request.answered_at = answered_at or now
            request.kiosk_lost_until = grace_end
            request.clerk_lost_until = grace_end
            self.requests[request_id] = request
            self._by_kiosk[kiosk_id] = request_id
            self._by_call[call_id] = request_id
            self._set_timer(grace_end, "kiosk_lost", request_id)
            self._set_timer(grace_end, "clerk_lost", request_id)
        else:
            request.status = RequestStatus.HELD
            request.held_until = grace_end
            self._add_request(request)
            self._set_timer(grace_end, "held", request_id)

    # --- Timers ----------------------------------------------------------------------------

    def tick(self, now: float) -> list[Effect]:
        effects: list[Effect] = []
        while self._timers and self._timers[0][0] <= now:
            timer = heapq.heappop(self._timers)
            if self._timer_current(timer):
                self._fire(timer[2], timer[3], now, effects)
        return self._finish(effects)

    def _fire(self, kind: str, key: str, now: float, effects: list[Effect]) -> None:
        if kind == "wrap":
            clerk = self.clerks[key]
            clerk.wrap_until = None
            if clerk.connected:
                self._make_available(clerk, now, effects)
            else:
                clerk.resume_state = ClerkState.AVAILABLE
            return
        request = self.requests[key]
        if kind == "guest_ring":
            self._end_guest(request, EndReason.CANCELLED, None, now, effects, "timeout")
        elif kind == "ring":
            clerk = self.clerks[request.clerk_id or ""]
            self._unring(request, now, effects, reason="timeout")
            self._set_state(clerk, ClerkState.AWAY, now, effects)
            self._dispatch_request(request, now, effects)
        elif kind == "held":
            self._drop_request(request, EndReason.KIOSK_LOST, now, effects)
        elif kind == "kiosk_lost":
            self._end_call(request, EndReason.KIOSK_LOST, None, None, now, effects)
        elif kind == "clerk_lost":
            self._end_call(request, EndReason.CLERK_LOST, None, None, now, effects)
        elif kind == "cooldown":
            request.declined_until = {
                c: until for c, until in request.declined_until.items() if until > now
            }
            self._dispatch_request(request, now, effects)

    def _timer_current(self, timer: tuple[float, int, str, str]) -> bool:
        deadline, _, kind, key = timer
        if kind == "wrap":
            clerk = self.clerks.get(key)
            return clerk is not None and clerk.wrap_until == deadline
        request = self.requests.get(key)
        if request is None:
            return False
        if kind == "ring":
            return request.ring_deadline == deadline
        if kind == "guest_ring":
            return request.guest is not None and request.guest.ring_deadline == deadline
        if kind == "held":
            return request.held_until == deadline
        if kind == "kiosk_lost":
            return request.kiosk_lost_until == deadline
        if kind == "clerk_lost":
            return request.clerk_lost_until == deadline
        return deadline in request.declined_until.values()

    def _set_timer(self, deadline: float, kind: str, key: str) -> None:
        heapq.heappush(self._timers, (deadline, next(self._seq), kind, key))

    # --- Internals -------------------------------------------------------------------------

    def _clerk(self, clerk_id: str) -> Clerk:
        clerk = self.clerks.get(clerk_id)
        if clerk is None:
            raise RoutingError(ErrorCode.INVALID_STATE, "clerk is not connected")
        return clerk

    def request_of_call(self, call_id: str) -> Request | None:
        request = self.requests.get(self._by_call.get(call_id, ""))
        if request is None or request.status != RequestStatus.IN_CALL:
            return None
        return request

    def _restored_call_of(self, clerk_id: str) -> Request | None:
        for request in self.requests.values():
            if request.clerk_id == clerk_id and request.status == RequestStatus.IN_CALL:
                return request
        return None

    def _touch(self, request: Request) -> None:
        self.dirty_requests.add(request.request_id)
        self.dirty_centers.add(request.center_id)

    def _add_request(self, request: Request) -> None:
        self.requests[request.request_id] = request
        self._by_kiosk[request.kiosk_id] = request.request_id
        bisect.insort(
            self._queues.setdefault(request.queue_key, []), (request.sort_key, request.request_id)
        )
        self._dirty_queues.add(request.queue_key)
        self._touch(request)

    def _remove_from_queue(self, request: Request) -> None:
        queue = self._queues.get(request.queue_key, [])
        entry = (request.sort_key, request.request_id)
        index = bisect.bisect_left(queue, entry)
        if index < len(queue) and queue[index] == entry:
            del queue[index]
            self._dirty_queues.add(request.queue_key)

    def _forget(
        self,
        request: Request,
        reason: EndReason,
        now: float,
        by: Role | None = None,
        outcome: str | None = None,
    ) -> None:
        request.ended_at = now
        request.end_reason = reason
        request.ended_by = by
        request.outcome = outcome
        self.finished.append(request)
        self._remove_from_queue(request)
        self.requests.pop(request.request_id, None)
        if self._by_kiosk.get(request.kiosk_id) == request.request_id:
            del self._by_kiosk[request.kiosk_id]
        if request.call_id is not None:
            self._by_call.pop(request.call_id, None)
        self._touch(request)

    def _drop_request(
        self, request: Request, reason: EndReason, now: float, effects: list[Effect]
    ) -> None:
        """A request leaves without a call."""
        clerk = self.clerks.get(request.clerk_id or "")
        ringing = request.status == RequestStatus.RINGING and clerk is not None
        if ringing:
            self._unring(request, now, effects, reason=str(reason))
        self._forget(request, reason, now)
        effects.append(RequestLeft(request.request_id, request.kiosk_id, reason))
        if ringing and clerk is not None:
            self._make_available(clerk, now, effects)

    def _end_call(
        self,
        request: Request,
        reason: EndReason,
        by: Role | None,
        outcome: str | None,
        now: float,
        effects: list[Effect],
    ) -> None:
        clerk = self.clerks.get(request.clerk_id or "")
        self._end_guest(request, reason, by, now, effects, None)
        answered = request.call_answered_at or request.answered_at
        if answered is not None and reason == EndReason.HANGUP:
            samples = self._handle_times.setdefault(
                request.queue_key, deque(maxlen=self.config.handle_samples)
            )
            samples.append(now - answered)
            self._dirty_queues.add(request.queue_key)
        self._forget(request, reason, now, by, outcome)
        effects.append(
            CallFinished(
                request.call_id or "",
                request.request_id,
                request.kiosk_id,
                request.clerk_id,
                reason,
                by,
                outcome,
            )
        )
        if clerk is None or clerk.request_id != request.request_id:
            return
        self._release_clerk(clerk, now, effects)

    def _release_clerk(self, clerk: Clerk, now: float, effects: list[Effect]) -> None:
        """The clerk's call is over: wrap-up, then available."""
        clerk.request_id = None
        if not clerk.connected:
            clerk.resume_state = ClerkState.AVAILABLE
            self._set_state(clerk, ClerkState.OFFLINE, now, effects)
            return
        if self.config.wrap_up_s <= 0:
            self._make_available(clerk, now, effects)
            return
        clerk.wrap_until = now + self.config.wrap_up_s
        self._set_timer(clerk.wrap_until, "wrap", clerk.clerk_id)
        self._set_state(clerk, ClerkState.WRAP_UP, now, effects, until=clerk.wrap_until)

    def _unring(
        self, request: Request, now: float, effects: list[Effect], *, reason: str | None
    ) -> None:
        """Take a ringing request back from its clerk and put it back in its place."""
        clerk_id = request.clerk_id
        request.clerk_id = None
        request.ring_deadline = None
        request.status = RequestStatus.WAITING if request.kiosk_connected else RequestStatus.HELD
        bisect.insort(
            self._queues.setdefault(request.queue_key, []), (request.sort_key, request.request_id)
        )
        self._dirty_queues.add(request.queue_key)
        self._touch(request)
        if clerk_id is not None:
            clerk = self.clerks[clerk_id]
            clerk.request_id = None
            if reason is not None:
                effects.append(RingWithdrawn(clerk_id, request.request_id, reason))

    def _ring(self, request: Request, clerk: Clerk, now: float, effects: list[Effect]) -> None:
        self._remove_from_queue(request)
        request.status = RequestStatus.RINGING
        request.clerk_id = clerk.clerk_id
        request.ring_deadline = now + self.config.ring_timeout_s
        if request.first_ring_at is None:
            request.first_ring_at = now
        self._set_timer(request.ring_deadline, "ring", request.request_id)
        self._touch(request)
        clerk.request_id = request.request_id
        self._set_state(clerk, ClerkState.RINGING, now, effects)
        kind = "call" if request.transferred_from is None else "transfer"
        effects.append(
            RingClerk(clerk.clerk_id, request.request_id, self.config.ring_timeout_s, kind)
        )

    def _make_available(self, clerk: Clerk, now: float, effects: list[Effect]) -> None:
        self._set_state(clerk, ClerkState.AVAILABLE, now, effects)
        clerk.idle_since = now
        self._dispatch_clerk(clerk, now, effects)

    def _eligible(self, request: Request, clerk_id: str, now: float) -> bool:
        until = request.declined_until.get(clerk_id)
        return until is None or until <= now

    def _dispatch_request(self, request: Request, now: float, effects: list[Effect]) -> None:
        if request.status != RequestStatus.WAITING:
            return
        best: Clerk | None = None
        for clerk_id in self._available.get(request.center_id, ()):
            clerk = self.clerks[clerk_id]
            if request.skill not in clerk.skills or not self._eligible(request, clerk_id, now):
                continue
            if best is None or (clerk.idle_since, clerk.clerk_id) < (
                best.idle_since,
                best.clerk_id,
            ):
                best = clerk
        if best is not None:
            self._ring(request, best, now, effects)

    def _dispatch_clerk(self, clerk: Clerk, now: float, effects: list[Effect]) -> None:
        if clerk.state != ClerkState.AVAILABLE or not clerk.connected:
            return
        best: Request | None = None
        for skill in clerk.skills:
            for _, request_id in self._queues.get((clerk.center_id, skill), ()):
                request = self.requests[request_id]
                if request.status != RequestStatus.WAITING:
                    continue
                if not self._eligible(request, clerk.clerk_id, now):
                    continue
                if best is None or request.sort_key < best.sort_key:
                    best = request
                break
        if best is not None:
            self._ring(best, clerk, now, effects)

    def _set_state(
        self,
        clerk: Clerk,
        state: ClerkState,
        now: float,
        effects: list[Effect],
        until: float | None = None,
    ) -> None:
        was_staffed = clerk.state in STAFFED_STATES
        clerk.state = state
        clerk.since = now
        available = self._available.setdefault(clerk.center_id, set())
        if state == ClerkState.AVAILABLE and clerk.connected:
            available.add(clerk.clerk_id)
        else:
            available.discard(clerk.clerk_id)
        if was_staffed != (state in STAFFED_STATES):
            self._set_staffed(clerk, state in STAFFED_STATES)
        self.dirty_clerks.add(clerk.clerk_id)
        self.dirty_centers.add(clerk.center_id)
        if clerk.connected:
            effects.append(ClerkStateChanged(clerk.clerk_id, state, now, until))

    def _set_staffed(self, clerk: Clerk, staffed: bool) -> None:
        delta = 1 if staffed else -1
        for skill in clerk.skills:
            key = (clerk.center_id, skill)
            self._staffed[key] = max(0, self._staffed.get(key, 0) + delta)
            self._dirty_queues.add(key)

    def _presence(self, request: Request, *, to_kiosk: bool, connected: bool) -> Effect:
        return PeerPresenceChanged(
            request.call_id or "", request.kiosk_id, request.clerk_id or "", to_kiosk, connected
        )

    def _eta(self, key: tuple[str, str], position: int) -> int | None:
        staffed = self._staffed.get(key, 0)
        if staffed == 0:
            return None
        return math.ceil(position * self.mean_handle_s(*key) / staffed)

    def _finish(self, effects: list[Effect]) -> list[Effect]:
        """Append the position updates that the operation caused, one per kiosk whose view
        changed."""
        dirty, self._dirty_queues = self._dirty_queues, set()
        for key in dirty:
            staffed = self._staffed.get(key, 0)
            for index, (_, request_id) in enumerate(self._queues.get(key, ())):
                self._report(self.requests[request_id], index + 1, staffed, effects)
        for effect in list(effects):
            if isinstance(effect, RingClerk):
                request = self.requests.get(effect.request_id)
                if request is None or request.status != RequestStatus.RINGING:
                    continue
                self._report(request, 0, self._staffed.get(request.queue_key, 0), effects)
        return effects

    def _report(self, request: Request, position: int, staffed: int, effects: list[Effect]) -> None:
        if not request.kiosk_connected:
            return
        if request.status == RequestStatus.RINGING:
            eta: int | None = 0
        else:
            eta = self._eta(request.queue_key, position)
        view = (request.status, position, eta, staffed)
        if view == request.last_view:
            return
        request.last_view = view
        effects.append(
            QueuePositionChanged(
                request.kiosk_id, request.request_id, request.status, position, eta, staffed
            )
        )
