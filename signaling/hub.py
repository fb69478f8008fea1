"""The WebSocket hub: authenticates connections, feeds the routing engine, and carries its
effects to kiosks, clerks and supervisors. All routing decisions live in ``routing``; this
module only translates between frames and engine calls."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import time
from collections import deque
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from aiohttp import WSCloseCode, WSMsgType, web

from shared import protocol as p
from shared.catalog import CatalogItem
from shared.protocol import ErrorCode, Role
from signaling import auth, routing
from signaling.config import ServerConfig
from signaling.metrics import Metrics
from signaling.persist import RequestWriter, request_row
from signaling.store.repo import KioskIdentity, StaffIdentity, Store

log = logging.getLogger(__name__)

#: application close codes (4000-4999 are free for applications)
CLOSE_AUTH_FAILED = 4401
CLOSE_AUTH_TIMEOUT = 4408
CLOSE_REPLACED = 4409
#: roles that take calls
CALL_ROLES = (Role.CLERK, Role.SUPERVISOR)
#: frames queued for one client before it counts as not reading
MAX_OUTBOX = 2000


class TokenBucket:
    """Per-connection rate limit: ``rate`` messages a second, bursts up to ``burst``."""

    __slots__ = ("burst", "rate", "stamp", "tokens")

    def __init__(self, rate: float, burst: int, now: float) -> None:
        self.rate = rate
        self.burst = float(burst)
        self.tokens = float(burst)
        self.stamp = now

    def take(self, now: float) -> bool:
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False


@dataclass(eq=False, slots=True)
class Connection:
    ws: web.WebSocketResponse
    role: Role
    subject_id: str
    center_id: str
    bucket: TokenBucket
    #: made on the first frame: most sockets are idle most of the time
    outbox: deque[bytes] | None = None
    flushing: bool = False
    dropped: int = 0
    watching: bool = False
    last_limit_notice: float = 0.0


class CatalogCache:
    """The item catalog in memory; re-read periodically and on an unknown code."""

    def __init__(self, store: Store, refresh_s: float) -> None:
        self.store = store
        self.refresh_s = refresh_s
        self.items: dict[str, CatalogItem] = {}
        self._loaded_at = 0.0

    async def load(self) -> None:
        self.items = {item.code: item for item in await self.store.catalog_items()}
        self._loaded_at = time.monotonic()

    async def get(self, code: str) -> CatalogItem | None:
        item = self.items.get(code)
        if item is None and time.monotonic() - self._loaded_at > 2.0:
            await self.load()
            item = self.items.get(code)
        return item

    async def refresh_forever(self) -> None:
        while True:
            await asyncio.sleep(self.refresh_s)
            try:
                await self.load()
            except Exception:
                log.exception("catalog refresh failed")


class Hub:
    def __init__(
        self,
        config: ServerConfig,
        store: Store,
        metrics: Metrics,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.config = config
        self.store = store
        self.metrics = metrics
        self.clock = clock
        self.engine = routing.RoutingEngine(config.routing, new_id=lambda: auth.new_id("call"))
        self.writer = RequestWriter(store)
        self.catalog = CatalogCache(store, config.catalog_refresh_s)
        self.kiosks: dict[str, Connection] = {}
        self.staff: dict[str, Connection] = {}
        self.kiosk_info: dict[str, KioskIdentity] = {}
        self.staff_info: dict[str, StaffIdentity] = {}
        self.identified: dict[str, bool] = {}
        self._timer: asyncio.TimerHandle | None = None
        self._timer_at: float | None = None
        self._snapshot_due: set[str] = set()
        self._snapshot_handle: asyncio.TimerHandle | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self.closing = False

    # --- Life cycle -------------------------------------------------------------------------

    async def start(self) -> None:
        await self.catalog.load()
        await self._restore_queue()
        self.writer.start()
        self._tasks.append(asyncio.create_task(self.catalog.refresh_forever()))
        if self.config.gc_freeze_s > 0:
            self._tasks.append(asyncio.create_task(self._freeze_gc_forever()))
        self._reschedule()

    async def close_connections(self) -> None:
        """Tell every client the server is going away; they reconnect with backoff and
        resume, since the queue is kept in the database."""
        self.closing = True
        connections = list(self.kiosks.values()) + list(self.staff.values())
        for conn in connections:
            with contextlib.suppress(Exception):
                await conn.ws.close(code=WSCloseCode.GOING_AWAY, message=b"server restarting")

    async def stop(self) -> None:
        await self.close_connections()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._timer is not None:
            self._timer.cancel()
        if self._snapshot_handle is not None:
            self._snapshot_handle.cancel()
        await self.writer.stop()

    async def _freeze_gc_forever(self) -> None:
        """Keep the garbage collector off the long-lived objects of open connections: a
        full collection over ~900,000 of them (10,000 sockets) paused routing for ~0.8 s.
        Objects freed by reference counting are still freed at once; only cyclic garbage
        waits for the periodic full collection."""
        last_full = time.monotonic()
        while True:
            await asyncio.sleep(self.config.gc_freeze_s)
            if time.monotonic() - last_full >= self.config.gc_full_s:
                gc.unfreeze()
                gc.collect()
                last_full = time.monotonic()
            gc.freeze()

    async def _restore_queue(self) -> None:
        rows = await self.store.live_requests()
        if not rows:
            return
        names = await self.store.kiosk_names({row.kiosk_id for row in rows})
        now = self.clock()
        for row in rows:
            item = self.catalog.items.get(row.item_code)
            kiosk = names.get(row.kiosk_id)
            self.engine.restore(
                request_id=row.id,
                kiosk_id=row.kiosk_id,
                center_id=row.center_id,
                item_code=row.item_code,
                skill=row.skill,
                priority=p.Priority(row.priority),
                arrived_at=row.created_at.timestamp(),
                now=now,
                in_call=row.status == "in_call",
                clerk_id=row.clerk_id,
                call_id=row.call_id,
                answered_at=row.answered_at.timestamp() if row.answered_at else None,
                first_ring_at=row.first_ring_at.timestamp() if row.first_ring_at else None,
                labels=_labels(item, kiosk),
            )
            self.identified[row.id] = row.identified
        log.info("restored %d live request(s) from the database", len(rows))
        self._after(now, [])

    # --- Connections ------------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.StreamResponse:
        limits = self.config.limits
        ws = web.WebSocketResponse(
            max_msg_size=p.HARD_FRAME_BYTES, heartbeat=limits.heartbeat_s, compress=False
        )
        await ws.prepare(request)
        if self.closing:
            await ws.close(code=WSCloseCode.GOING_AWAY, message=b"server restarting")
            return ws
        try:
            conn = await self._authenticate(ws)
            if conn is None:
                return ws
            self.metrics.connections.labels(kind=_kind(conn.role)).inc()
            try:
                await self._serve(conn)
            finally:
                self.metrics.connections.labels(kind=_kind(conn.role)).dec()
                self._unregister(conn)
        except Exception:
            # after the upgrade an HTTP error page would corrupt the socket: say it in the
            # protocol and close cleanly, so the client retries
            log.exception("connection handler failed")
            await self._refuse(
                ws, ErrorCode.INTERNAL, "server error; try again", WSCloseCode.INTERNAL_ERROR
            )
        return ws

    async def _authenticate(self, ws: web.WebSocketResponse) -> Connection | None:
        try:
            msg = await asyncio.wait_for(ws.receive(), self.config.limits.hello_timeout_s)
        except TimeoutError:
            await self._refuse(ws, ErrorCode.AUTH_TIMEOUT, "no hello in time", CLOSE_AUTH_TIMEOUT)
            return None
        if msg.type != WSMsgType.TEXT:
            return None
        try:
            hello = p.decode_client(msg.data)
        except p.ProtocolError as exc:
            await self._refuse(ws, exc.code, exc.reason, WSCloseCode.POLICY_VIOLATION)
            return None
        if not isinstance(hello, p.Hello):
            await self._refuse(
                ws, ErrorCode.AUTH_REQUIRED, "the first message must be hello", CLOSE_AUTH_FAILED
            )
            return None
        now = self.clock()
        bucket = TokenBucket(self.config.limits.rate_per_s, self.config.limits.burst, now)
        if hello.token.startswith(auth.KIOSK_CREDENTIAL_PREFIX):
            kiosk = await self.store.kiosk_by_credential(hello.token)
            if kiosk is not None:
                conn = Connection(ws, Role.KIOSK, kiosk.kiosk_id, kiosk.center_id, bucket)
                self.kiosk_info[kiosk.kiosk_id] = kiosk
                self.writer.touch_kiosk(kiosk.kiosk_id, now)
                await self._register(conn, hello, now)
                return conn
        elif hello.token.startswith(auth.STAFF_TOKEN_PREFIX):
            staff = await self.store.staff_by_token(hello.token)
            if staff is not None:
                conn = Connection(ws, Role(staff.role), staff.staff_id, staff.center_id, bucket)
                self.staff_info[staff.staff_id] = staff
                await self._register(conn, hello, now)
                return conn
        self.metrics.auth_failures.inc()
        await self._refuse(
            ws, ErrorCode.AUTH_FAILED, "unknown or expired credential", CLOSE_AUTH_FAILED, hello.id
        )
        return None

    async def _refuse(
        self,
        ws: web.WebSocketResponse,
        code: ErrorCode,
        reason: str,
        close_code: int,
        ref: str | None = None,
    ) -> None:
        self.metrics.errors.labels(code=str(code)).inc()
        with contextlib.suppress(Exception):
            error = p.Error(code=code, reason=reason, ref=ref, fatal=True)
            await ws.send_frame(p.encode(error), WSMsgType.TEXT)
        with contextlib.suppress(Exception):
            await ws.close(code=close_code, message=reason.encode()[:120])

    async def _register(self, conn: Connection, hello: p.Hello, now: float) -> None:
        table = self.kiosks if conn.role == Role.KIOSK else self.staff
        previous = table.get(conn.subject_id)
        table[conn.subject_id] = conn
        if previous is not None:
            # the same kiosk or clerk connected again (a second window, or a dead socket
            # not yet noticed): the newest connection wins and the old one is told why
            self._send(
                previous, p.Error(code=ErrorCode.REPLACED, reason="connected elsewhere", fatal=True)
            )
            asyncio.get_running_loop().create_task(
                _close_later(previous.ws, CLOSE_REPLACED, "replaced")
            )
        if conn.role == Role.KIOSK:
            effects = self.engine.kiosk_reconnected(conn.subject_id, now)
            welcome = self._kiosk_welcome(conn, hello, now)
        else:
            staff = self.staff_info[conn.subject_id]
            effects = []
            if conn.role in CALL_ROLES:
                effects = self.engine.clerk_connected(
                    clerk_id=staff.staff_id,
                    center_id=staff.center_id,
                    skills=staff.skills,
                    name=staff.display_name,
                    now=now,
                    initial_state=p.ClerkState(staff.last_state)
                    if staff.last_state in ("available", "away")
                    else p.ClerkState.AWAY,
                )
            welcome = self._staff_welcome(conn, hello, now)
        self._send(conn, welcome)
        self._after(now, effects)

    def _kiosk_welcome(self, conn: Connection, hello: p.Hello, now: float) -> p.Welcome:
        kiosk = self.kiosk_info[conn.subject_id]
        request = self.engine.request_of_kiosk(conn.subject_id)
        queue = call = None
        legs: list[p.CallInfo] = []
        if request is not None:
            if request.status == p.RequestStatus.IN_CALL:
                call = self._call_info(request, for_kiosk=True)
                legs = self._legs_info(conn.subject_id)
            else:
                queue = self._queue_info(request)
        return p.Welcome(
            role=Role.KIOSK,
            subject_id=kiosk.kiosk_id,
            name=kiosk.name,
            center_id=kiosk.center_id,
            server_time=now,
            rate_per_s=self.config.limits.rate_per_s,
            burst=self.config.limits.burst,
            queue=queue,
            call=call,
            legs=legs,
            id=hello.id,
        )

    def _staff_welcome(self, conn: Connection, hello: p.Hello, now: float) -> p.Welcome:
        staff = self.staff_info[conn.subject_id]
        clerk = self.engine.clerks.get(staff.staff_id)
        call = None
        if clerk is not None and clerk.request_id is not None and not clerk.as_guest:
            request = self.engine.requests.get(clerk.request_id)
            if request is not None and request.status == p.RequestStatus.IN_CALL:
                call = self._call_info(request, for_kiosk=False)
        return p.Welcome(
            role=conn.role,
            subject_id=staff.staff_id,
            name=staff.display_name,
            center_id=staff.center_id,
            server_time=now,
            rate_per_s=self.config.limits.rate_per_s,
            burst=self.config.limits.burst,
            clerk_state=clerk.state if clerk else None,
            skills=list(staff.skills),
            call=call,
            legs=self._legs_info(staff.staff_id),
            id=hello.id,
        )

    def _unregister(self, conn: Connection) -> None:
        table = self.kiosks if conn.role == Role.KIOSK else self.staff
        if table.get(conn.subject_id) is not conn:
            return  # replaced by a newer connection: nothing changes for the engine
        del table[conn.subject_id]
        if self.closing:
            return  # a restart is not a resident walking away: the queue is restored
        now = self.clock()
        if conn.role == Role.KIOSK:
            self.writer.touch_kiosk(conn.subject_id, now)
            effects = self.engine.kiosk_disconnected(conn.subject_id, now)
        elif conn.role in CALL_ROLES:
            effects = self.engine.clerk_disconnected(conn.subject_id, now)
        else:
            effects = []
        self._after(now, effects)

    async def _serve(self, conn: Connection) -> None:
        async for msg in conn.ws:
            if msg.type == WSMsgType.TEXT:
                now = self.clock()
                if not conn.bucket.take(now):
                    if self._flooded(conn, now):
                        await self._refuse(
                            conn.ws,
                            ErrorCode.RATE_LIMITED,
                            "too many messages; closing",
                            WSCloseCode.POLICY_VIOLATION,
                        )
                        return
                    continue
                started = time.perf_counter()
                try:
                    message = p.decode_client(msg.data)
                except p.ProtocolError as exc:
                    self._error(conn, exc.code, exc.reason, exc.ref)
                    continue
                self.metrics.messages_in.labels(type=p.type_name(type(message))).inc()
                try:
                    await self._dispatch(conn, message, now)
                except (p.ProtocolError, routing.RoutingError) as exc:
                    self._error(conn, exc.code, exc.reason, message.id)
                self.metrics.handle_seconds.observe(time.perf_counter() - started)
            elif msg.type == WSMsgType.BINARY:
                self._error(conn, ErrorCode.BINARY_NOT_ALLOWED, "send JSON text frames", None)
            elif msg.type == WSMsgType.ERROR:
                # the WebSocket layer already closed the socket (a frame over the hard limit
                # gets 1009, a protocol violation 1002); there is nobody left to tell
                self.metrics.errors.labels(code=str(ErrorCode.FRAME_TOO_LARGE)).inc()
                return

    def _flooded(self, conn: Connection, now: float) -> bool:
        conn.dropped += 1
        if conn.dropped >= self.config.limits.flood_close_after:
            return True
        if now - conn.last_limit_notice >= 1.0:
            conn.last_limit_notice = now
            self._error(
                conn,
                ErrorCode.RATE_LIMITED,
                f"more than {self.config.limits.rate_per_s:g} messages a second; "
                "messages are being dropped",
                None,
            )
        return False

    # --- Messages ---------------------------------------------------------------------------

    async def _dispatch(self, conn: Connection, message: p.Message, now: float) -> None:
        if isinstance(message, p.Ping):
            self._send(conn, p.Pong(ref=message.id, server_time=now))
        elif isinstance(message, p.Hello):
            self._error(conn, ErrorCode.INVALID_STATE, "already authenticated", message.id)
        elif isinstance(message, p.Sdp):
            self._relay_sdp(conn, message)
        elif isinstance(message, p.Hangup):
            self._hang_up(conn, message, now)
        elif isinstance(message, p.TransferCall | p.InviteToCall | p.LeaveCall):
            if conn.role not in CALL_ROLES:
                self._forbidden(conn, message)
            else:
                await self._hand_on(conn, message, now)
        elif conn.role == Role.KIOSK:
            await self._kiosk_message(conn, message, now)
        else:
            self._staff_message(conn, message, now)

    async def _kiosk_message(self, conn: Connection, message: p.Message, now: float) -> None:
        if isinstance(message, p.JoinQueue):
            item = await self.catalog.get(message.item_code)
            if item is None:
                raise p.ProtocolError(
                    ErrorCode.UNKNOWN_ITEM, f"no item {message.item_code!r}", message.id
                )
            if item.remote_eligible is False:
                raise p.ProtocolError(
                    ErrorCode.ITEM_NOT_REMOTE,
                    f"{item.name} cannot be handled remotely",
                    message.id,
                )
            request_id = auth.new_id("req")
            effects = self.engine.enqueue(
                request_id=request_id,
                kiosk_id=conn.subject_id,
                center_id=conn.center_id,
                item_code=item.code,
                skill=item.skill,
                priority=message.priority,
                now=now,
                labels=_labels(item, self.kiosk_info.get(conn.subject_id)),
            )
            self.identified[request_id] = message.identified
            self._after(now, effects, ref=message.id, ref_request=request_id)
        elif isinstance(message, p.LeaveQueue):
            effects = self.engine.cancel(message.request_id, conn.subject_id, now)
            self._after(now, effects, ref=message.id, ref_request=message.request_id)
        else:
            self._forbidden(conn, message)

    def _staff_message(self, conn: Connection, message: p.Message, now: float) -> None:
        staff_id = conn.subject_id
        if isinstance(message, p.WatchCenter):
            # every staff role of the center: clerks see the queue they serve
            conn.watching = message.on
            if message.on:
                self._send(conn, self._snapshot(conn.center_id, now))
            return
        if conn.role not in CALL_ROLES:
            self._forbidden(conn, message)
            return
        if isinstance(message, p.SetClerkState):
            state = p.ClerkState(message.state)
            effects = self.engine.set_clerk_state(staff_id, state, now)
            self.background(self.store.set_staff_last_state(staff_id, str(state)))
            if not any(isinstance(e, routing.ClerkStateChanged) for e in effects):
                clerk = self.engine.clerks[staff_id]
                self._send(
                    conn,
                    p.ClerkStatus(
                        state=clerk.state,
                        since=clerk.since,
                        until=clerk.wrap_until,
                        ref=message.id,
                    ),
                )
            self._after(now, effects)
        elif isinstance(message, p.AcceptCall):
            effects = self.engine.accept(staff_id, message.request_id, now)
            self.writer.put_ring(message.request_id, staff_id, now, "accepted")
            self._after(now, effects)
        elif isinstance(message, p.DeclineCall):
            effects = self.engine.decline(staff_id, message.request_id, now)
            self.writer.put_ring(message.request_id, staff_id, now, "declined")
            self._after(now, effects)
        else:
            self._forbidden(conn, message)

    def _relay_sdp(self, conn: Connection, message: p.Sdp) -> None:
        parties = self._parties(message.call_id)
        if conn.subject_id not in parties:
            self._error(conn, ErrorCode.NOT_IN_CALL, "you are not in this call", message.id)
            return
        other_id, other_is_kiosk = next(
            (party, is_kiosk) for party, is_kiosk in parties.items() if party != conn.subject_id
        )
        peer = (self.kiosks if other_is_kiosk else self.staff).get(other_id)
        if peer is None:
            self._error(conn, ErrorCode.INVALID_STATE, "the other side is reconnecting", message.id)
            return
        self.metrics.sdp_relayed.inc()
        self._send(
            peer,
            p.Sdp(
                call_id=message.call_id,
                sdp_type=message.sdp_type,
                sdp=message.sdp,
                generation=message.generation,
                instance=message.instance,
            ),
        )

    def _parties(self, call_id: str) -> dict[str, bool]:
        """The two parties of a main call or a guest leg (subject id -> is a kiosk)."""
        request = self.engine.request_of_call(call_id)
        if request is not None and request.clerk_id is not None:
            return {request.kiosk_id: True, request.clerk_id: False}
        leg = self.engine.leg(call_id)
        if leg is not None:
            return {leg.party_id: leg.party_is_kiosk, leg.guest_id: False}
        return {}

    async def _hand_on(
        self, conn: Connection, message: p.TransferCall | p.InviteToCall | p.LeaveCall, now: float
    ) -> None:
        """Transfer, invite or leave; a refusal changes nothing and says why."""
        staff_id = conn.subject_id
        if isinstance(message, p.LeaveCall):
            self._after(now, self.engine.leave(message.call_id, clerk_id=staff_id, now=now))
            return
        skills = {item.skill for item in self.catalog.items.values()}
        if message.clerk_id is not None and message.clerk_id not in self.engine.clerks:
            # never connected since the server started: known staff are merely unavailable
            staff = await self.store.list_staff(conn.center_id)
            if any(s.staff_id == message.clerk_id for s in staff):
                raise routing.RoutingError(
                    ErrorCode.CLERK_UNAVAILABLE, "that clerk is not signed in"
                )
        request = self.engine.request_of_call(message.call_id)
        transfer = isinstance(message, p.TransferCall)
        hand_on = self.engine.transfer if transfer else self.engine.invite
        effects = hand_on(
            message.call_id,
            clerk_id=staff_id,
            now=now,
            skill=message.skill,
            target_clerk_id=message.clerk_id,
            note=message.note,
            known_skills=skills,
        )
        action = "call.transfer" if transfer else "call.invite"
        if request is not None:
            detail = {"call_id": message.call_id, "skill": message.skill, "to": message.clerk_id}
            audit = self.store.audit(
                "staff", staff_id, conn.center_id, action, request.request_id, detail
            )
            self.background(audit)
        self._after(now, effects)

    def _hang_up(self, conn: Connection, message: p.Hangup, now: float) -> None:
        outcome = message.outcome if conn.role != Role.KIOSK else None
        effects = self.engine.hang_up(
            message.call_id, by=conn.role, party_id=conn.subject_id, now=now, outcome=outcome
        )
        self._after(now, effects)

    def _forbidden(self, conn: Connection, message: p.Message) -> None:
        self._error(
            conn,
            ErrorCode.FORBIDDEN,
            f"a {conn.role} may not send {p.type_name(type(message))!r}",
            message.id,
        )

    def _error(self, conn: Connection, code: ErrorCode, reason: str, ref: str | None) -> None:
        self.metrics.errors.labels(code=str(code)).inc()
        self._send(conn, p.Error(code=code, reason=reason, ref=ref))

    def background(self, coro: Coroutine[Any, Any, None]) -> None:
        """Run a small database write without holding up the message loop."""
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.append(task)
        task.add_done_callback(self._forget_task)

    def _forget_task(self, task: asyncio.Task[None]) -> None:
        with contextlib.suppress(ValueError):
            self._tasks.remove(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("background write failed: %s", task.exception())

    # --- Effects ----------------------------------------------------------------------------

    def _after(
        self,
        now: float,
        effects: list[routing.Effect],
        ref: str | None = None,
        ref_request: str | None = None,
    ) -> None:
        """Carry out an engine operation's effects, persist what changed, re-arm timers.
        ``ref`` tags the reply about ``ref_request`` with the id of the message that caused
        it."""
        for effect in effects:
            self._apply(effect, now, ref, ref_request)
        self._persist()
        if self.engine.dirty_centers:
            self._snapshot_due |= self.engine.dirty_centers
            self.engine.dirty_centers.clear()
            self._schedule_snapshots()
        self._reschedule()

    def _apply(
        self, effect: routing.Effect, now: float, ref: str | None, ref_request: str | None
    ) -> None:
        if isinstance(effect, routing.QueuePositionChanged):
            conn = self.kiosks.get(effect.kiosk_id)
            if conn is not None:
                info = p.QueueInfo(
                    request_id=effect.request_id,
                    item_code=self.engine.requests[effect.request_id].item_code,
                    status=effect.status,
                    position=effect.position,
                    eta_s=effect.eta_s,
                    staffed=effect.staffed,
                )
                tag = ref if effect.request_id == ref_request else None
                self._send(conn, p.QueueUpdate(queue=info, ref=tag))
        elif isinstance(effect, routing.RingClerk):
            request = self.engine.requests[effect.request_id]
            if effect.kind != "invite":
                self.writer.put_ring(effect.request_id, effect.clerk_id, now, None)
                if request.first_ring_at == now:
                    self.metrics.route_seconds.observe(now - request.arrived_at)
            conn = self.staff.get(effect.clerk_id)
            if conn is not None:
                self._send(conn, self._ring(request, effect, now))
        elif isinstance(effect, routing.RingWithdrawn):
            if effect.kind != "invite":
                self.writer.put_ring(effect.request_id, effect.clerk_id, now, effect.reason)
            conn = self.staff.get(effect.clerk_id)
            if conn is not None:
                self._send(
                    conn, p.RingCancelled(request_id=effect.request_id, reason=effect.reason)
                )
        elif isinstance(effect, routing.ClerkStateChanged):
            conn = self.staff.get(effect.clerk_id)
            if conn is not None:
                self._send(
                    conn, p.ClerkStatus(state=effect.state, since=effect.since, until=effect.until)
                )
            if effect.state == p.ClerkState.AWAY:
                # a ring timeout sets the clerk away; remember it across restarts too
                self.background(self.store.set_staff_last_state(effect.clerk_id, "away"))
        elif isinstance(effect, routing.CallBegan):
            request = self.engine.requests[effect.request_id]
            if request.answered_at == request.call_answered_at:
                self.metrics.wait_seconds.observe(now - request.arrived_at)
            for to_kiosk, table, key in (
                (True, self.kiosks, effect.kiosk_id),
                (False, self.staff, effect.clerk_id),
            ):
                conn = table.get(key)
                if conn is not None:
                    self._send(conn, p.CallStarted(call=self._call_info(request, to_kiosk)))
        elif isinstance(effect, routing.CallFinished):
            ended = p.CallEnded(
                call_id=effect.call_id,
                request_id=effect.request_id,
                reason=effect.reason,
                by=effect.by,
                outcome=effect.outcome,
            )
            for conn in (self.kiosks.get(effect.kiosk_id), self.staff.get(effect.clerk_id or "")):
                if conn is not None:
                    self._send(conn, ended)
            self.metrics.calls_ended.labels(reason=str(effect.reason)).inc()
        elif isinstance(effect, routing.RequestLeft):
            conn = self.kiosks.get(effect.kiosk_id)
            if conn is not None:
                tag = ref if effect.request_id == ref_request else None
                self._send(
                    conn, p.QueueLeft(request_id=effect.request_id, reason=effect.reason, ref=tag)
                )
            self.metrics.requests_left.labels(reason=str(effect.reason)).inc()
        elif isinstance(effect, routing.LegBegan):
            leg = effect.leg
            request = self.engine.requests[leg.request_id]
            for party in (leg.party_id, leg.guest_id):
                conn = self._party_conn(party, leg.party_is_kiosk and party == leg.party_id)
                if conn is not None:
                    self._send(conn, p.CallStarted(call=self._leg_info(request, leg, party)))
        elif isinstance(effect, routing.LegEnded):
            leg = effect.leg
            ended = p.CallEnded(
                call_id=leg.call_id,
                request_id=leg.request_id,
                reason=effect.reason,
                by=effect.by,
            )
            for party in (leg.party_id, leg.guest_id):
                conn = self._party_conn(party, leg.party_is_kiosk and party == leg.party_id)
                if conn is not None:
                    self._send(conn, ended)
        elif isinstance(effect, routing.InviteChanged):
            conn = self.staff.get(effect.inviter_id)
            if conn is not None:
                self._send(
                    conn,
                    p.InviteStatus(
                        call_id=effect.call_id,
                        guest_id=effect.guest_id,
                        guest_name=self._staff_name(effect.guest_id),
                        status=effect.status,
                    ),
                )
        elif isinstance(effect, routing.PeerPresenceChanged):
            target = (
                self.kiosks.get(effect.kiosk_id)
                if effect.to_kiosk
                else self.staff.get(effect.clerk_id)
            )
            if target is not None:
                self._send(
                    target, p.PeerPresence(call_id=effect.call_id, connected=effect.connected)
                )

    def _persist(self) -> None:
        engine = self.engine
        for request_id in engine.dirty_requests:
            request = engine.requests.get(request_id)
            if request is not None:
                row = request_row(
                    request, finished=False, identified=self.identified.get(request_id, False)
                )
                self.writer.put_request(row)
        engine.dirty_requests.clear()
        for request in engine.finished:
            identified = self.identified.pop(request.request_id, False)
            self.writer.put_request(request_row(request, finished=True, identified=identified))
        engine.finished.clear()
        engine.dirty_clerks.clear()

    def _reschedule(self) -> None:
        deadline = self.engine.next_deadline()
        if deadline == self._timer_at:
            return
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._timer_at = deadline
        if deadline is not None:
            loop = asyncio.get_running_loop()
            delay = max(0.0, deadline - self.clock())
            self._timer = loop.call_later(delay, self._on_timer)

    def _on_timer(self) -> None:
        self._timer = None
        self._timer_at = None
        now = self.clock()
        self._after(now, self.engine.tick(now))

    # --- Supervisor views -------------------------------------------------------------------

    def _schedule_snapshots(self) -> None:
        if self._snapshot_handle is None:
            loop = asyncio.get_running_loop()
            self._snapshot_handle = loop.call_later(
                self.config.snapshot_interval_s, self._send_snapshots
            )

    def _send_snapshots(self) -> None:
        self._snapshot_handle = None
        due, self._snapshot_due = self._snapshot_due, set()
        now = self.clock()
        watchers = [c for c in self.staff.values() if c.watching and c.center_id in due]
        snapshots: dict[str, p.CenterSnapshot] = {}
        for conn in watchers:
            if conn.center_id not in snapshots:
                snapshots[conn.center_id] = self._snapshot(conn.center_id, now)
            self._send(conn, snapshots[conn.center_id])

    def _snapshot(self, center_id: str, now: float) -> p.CenterSnapshot:
        queue = [
            p.QueueEntryView(
                request_id=r.request_id,
                item_code=r.item_code,
                skill=r.skill,
                priority=r.priority,
                status=r.status,
                waited_s=round(now - r.arrived_at, 1),
                kiosk_name=r.labels.get("kiosk_name", r.kiosk_id),
                clerk_id=r.clerk_id,
                guest_id=r.guest.clerk_id if r.guest is not None else None,
            )
            for r in self.engine.center_requests(center_id)
        ]
        clerks = [
            p.ClerkView(
                staff_id=c.clerk_id,
                name=c.name,
                state=c.state,
                since=c.since,
                skills=sorted(c.skills),
                request_id=c.request_id,
                call_id=self._call_of(c),
                guest=c.as_guest,
            )
            for c in self.engine.center_clerks(center_id)
        ]
        return p.CenterSnapshot(center_id=center_id, at=now, queue=queue, clerks=clerks)

    # --- Views ------------------------------------------------------------------------------

    def _queue_info(self, request: routing.Request) -> p.QueueInfo:
        position = self.engine.position(request)
        return p.QueueInfo(
            request_id=request.request_id,
            item_code=request.item_code,
            status=request.status,
            position=position,
            eta_s=self.engine.estimated_wait(request),
            staffed=self.engine.staffed(request.center_id, request.skill),
        )

    def _call_of(self, clerk: routing.Clerk) -> str | None:
        request = self.engine.requests.get(clerk.request_id or "")
        return request.call_id if request is not None else None

    def _staff_name(self, staff_id: str | None) -> str:
        staff = self.staff_info.get(staff_id or "")
        if staff is not None:
            return staff.display_name
        clerk = self.engine.clerks.get(staff_id or "")
        return clerk.name if clerk is not None else "工作人员"

    def _party_conn(self, party_id: str, is_kiosk: bool) -> Connection | None:
        return (self.kiosks if is_kiosk else self.staff).get(party_id)

    def _ring(self, request: routing.Request, effect: routing.RingClerk, now: float) -> p.Ring:
        note, from_id, call_id = "", None, None
        if effect.kind == "invite" and request.guest is not None:
            note, from_id, call_id = request.guest.note, request.guest.invited_by, request.call_id
        elif effect.kind == "transfer":
            note, from_id = request.note, request.transferred_from
        return p.Ring(
            request_id=request.request_id,
            item_code=request.item_code,
            item_name=request.labels.get("item_name", request.item_code),
            skill=request.skill,
            priority=request.priority,
            kiosk_name=request.labels.get("kiosk_name", request.kiosk_id),
            site_name=request.labels.get("site_name"),
            waited_s=round(now - request.arrived_at, 1),
            timeout_s=effect.timeout_s,
            kind=effect.kind,
            note=note,
            from_clerk=self._staff_name(from_id) if from_id is not None else None,
            call_id=call_id,
        )

    def _legs_info(self, party_id: str) -> list[p.CallInfo]:
        legs = self.engine.legs_of(party_id)
        return [self._leg_info(self.engine.requests[leg.request_id], leg, party_id) for leg in legs]

    def _leg_info(self, request: routing.Request, leg: routing.Leg, party_id: str) -> p.CallInfo:
        """A guest leg as ``party_id`` sees it: the kiosk or the clerk offers, the guest
        answers."""
        if party_id == leg.guest_id:
            peer_role = "kiosk" if leg.party_is_kiosk else "clerk"
            if leg.party_is_kiosk:
                peer_name = request.labels.get("kiosk_name", request.kiosk_id)
            else:
                peer_name = self._staff_name(leg.party_id)
        else:
            peer_role, peer_name = "guest", self._staff_name(leg.guest_id)
        staff = self.staff_info.get(leg.guest_id) if party_id != leg.guest_id else None
        return p.CallInfo(
            call_id=leg.call_id,
            request_id=request.request_id,
            you_offer=party_id == leg.party_id,
            peer_name=peer_name,
            item_code=request.item_code,
            item_name=request.labels.get("item_name", request.item_code),
            window_no=staff.window_no if staff else None,
            site_name=request.labels.get("site_name"),
            leg="guest",
            parent_call_id=leg.parent_call_id,
            peer_role=peer_role,
        )

    def _call_info(self, request: routing.Request, for_kiosk: bool) -> p.CallInfo:
        staff = self.staff_info.get(request.clerk_id or "")
        if for_kiosk:
            peer_name = staff.display_name if staff else "工作人员"
        else:
            peer_name = request.labels.get("kiosk_name", request.kiosk_id)
        return p.CallInfo(
            call_id=request.call_id or "",
            request_id=request.request_id,
            you_offer=for_kiosk,
            peer_name=peer_name,
            item_code=request.item_code,
            item_name=request.labels.get("item_name", request.item_code),
            window_no=staff.window_no if staff else None,
            site_name=request.labels.get("site_name"),
            peer_role="clerk" if for_kiosk else "kiosk",
        )

    # --- Sending ----------------------------------------------------------------------------

    def _send(self, conn: Connection, message: p.Message) -> None:
        """Queue a frame; one flusher per connection keeps frames in order without a
        standing task per socket."""
        if conn.outbox is None:
            conn.outbox = deque()
        if len(conn.outbox) >= MAX_OUTBOX:
            # a client that stopped reading must not grow the server's memory; it will
            # reconnect and resume from a fresh welcome
            if not conn.ws.closed:
                conn.outbox.clear()
                log.warning("closing a %s connection that stopped reading", conn.role)
                asyncio.get_running_loop().create_task(
                    _close_later(conn.ws, WSCloseCode.TRY_AGAIN_LATER, "too slow")
                )
            return
        conn.outbox.append(p.encode(message))
        self.metrics.messages_out.inc()
        if not conn.flushing:
            conn.flushing = True
            asyncio.get_running_loop().create_task(self._flush(conn))

    async def _flush(self, conn: Connection) -> None:
        assert conn.outbox is not None
        try:
            while conn.outbox:
                frame = conn.outbox.popleft()
                if conn.ws.closed:
                    conn.outbox.clear()
                    break
                await conn.ws.send_frame(frame, WSMsgType.TEXT)
        except (ConnectionError, RuntimeError):
            conn.outbox.clear()
        finally:
            conn.flushing = False


async def _close_later(ws: web.WebSocketResponse, code: int, reason: str) -> None:
    await asyncio.sleep(0.05)  # let the replaced notice go out first
    with contextlib.suppress(Exception):
        await ws.close(code=code, message=reason.encode())


def _labels(item: CatalogItem | None, kiosk: KioskIdentity | None) -> dict[str, str]:
    labels: dict[str, str] = {}
    if item is not None:
        labels["item_name"] = item.name
    if kiosk is not None:
        labels["kiosk_name"] = kiosk.name
        if kiosk.site_name:
            labels["site_name"] = kiosk.site_name
    return labels


def _kind(role: Role) -> str:
    return "kiosk" if role == Role.KIOSK else "staff"
