"""The server application: HTTP API, WebSocket hub, health and metrics.

``create_app(config)`` builds it; ``vwindow serve`` runs it. Long-lived parts (database, hub)
are set up and torn down by ``cleanup_ctx`` so that a test, the demo and production start the
same way.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any

import msgspec
from aiohttp import web

from shared import protocol as p
from shared.protocol import ErrorCode
from signaling import turn
from signaling.config import ServerConfig
from signaling.hub import Hub
from signaling.metrics import Metrics
from signaling.store.db import Database
from signaling.store.models import Center
from signaling.store.repo import KioskIdentity, StaffIdentity, Store

log = logging.getLogger(__name__)

CONFIG = web.AppKey("config", ServerConfig)
STORE = web.AppKey("store", Store)
HUB = web.AppKey("hub", Hub)
METRICS = web.AppKey("metrics", Metrics)
STARTED = web.AppKey("started", float)

VERSION = "0.1.0"


class ApiError(web.HTTPException):
    """A JSON error body with the same stable codes as the WebSocket protocol."""

    def __init__(self, status: int, code: ErrorCode, reason: str) -> None:
        self.status_code = status
        super().__init__(
            text=msgspec.json.encode({"error": {"code": code, "reason": reason}}).decode(),
            content_type="application/json",
        )


class LoginGuard:
    """Slows password guessing: after 5 failures for a username in 5 minutes, refuse it for
    the rest of that window."""

    def __init__(self, limit: int = 5, window_s: float = 300.0) -> None:
        self.limit = limit
        self.window_s = window_s
        self._failures: dict[str, list[float]] = {}

    def blocked(self, username: str, now: float) -> bool:
        recent = [t for t in self._failures.get(username, []) if now - t < self.window_s]
        self._failures[username] = recent
        return len(recent) >= self.limit

    def failed(self, username: str, now: float) -> None:
        self._failures.setdefault(username, []).append(now)

    def succeeded(self, username: str) -> None:
        self._failures.pop(username, None)


LOGIN_GUARD = web.AppKey("login_guard", LoginGuard)


Extension = Callable[[web.Application], None]


def create_app(config: ServerConfig, extensions: Sequence[Extension] = ()) -> web.Application:
    """The server. ``extensions`` add routes and cleanup contexts of other packages (the
    records service) without this package importing them."""
    app = web.Application(
        client_max_size=config.limits.max_body_bytes, middlewares=[_error_middleware]
    )
    app[CONFIG] = config
    app[METRICS] = Metrics()
    app[LOGIN_GUARD] = LoginGuard()
    app.cleanup_ctx.append(_database)
    app.cleanup_ctx.append(_hub)
    app.on_shutdown.append(_close_connections)
    app.router.add_get("/healthz", health)
    app.router.add_get("/metrics", metrics)
    app.router.add_get("/ws", websocket)
    app.router.add_post("/api/v1/enroll", enroll)
    app.router.add_post("/api/v1/login", login)
    app.router.add_post("/api/v1/logout", logout)
    app.router.add_get("/api/v1/me", me)
    app.router.add_get("/api/v1/turn", turn_credentials)
    app.router.add_get("/api/v1/catalog", catalog)
    for extend in extensions:
        extend(app)
    return app


async def _database(app: web.Application) -> AsyncIterator[None]:
    database = Database(app[CONFIG].effective_database_url)
    await database.migrate()
    app[STORE] = Store(database)
    app[STARTED] = time.time()
    yield
    await database.close()


async def _hub(app: web.Application) -> AsyncIterator[None]:
    hub = Hub(app[CONFIG], app[STORE], app[METRICS])
    app[HUB] = hub
    app[METRICS].watch_engine(lambda: hub.engine)
    await hub.start()
    yield
    await hub.stop()


async def _close_connections(app: web.Application) -> None:
    await app[HUB].close_connections()


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def _error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except web.HTTPRequestEntityTooLarge as exc:
        raise ApiError(413, ErrorCode.FRAME_TOO_LARGE, "request body too large") from exc
    except web.HTTPException:
        raise
    except Exception as exc:
        log.exception("unhandled error in %s %s", request.method, request.path)
        raise ApiError(500, ErrorCode.INTERNAL, "internal error") from exc


async def json_body(request: web.Request, fields: tuple[str, ...]) -> dict[str, str]:
    try:
        body = msgspec.json.decode(await request.read())
    except msgspec.DecodeError as exc:
        raise ApiError(400, ErrorCode.BAD_JSON, "the body must be a JSON object") from exc
    if not isinstance(body, dict):
        raise ApiError(400, ErrorCode.INVALID_MESSAGE, "the body must be a JSON object")
    missing = [f for f in fields if not isinstance(body.get(f), str) or not body[f]]
    if missing:
        raise ApiError(
            400, ErrorCode.INVALID_MESSAGE, f"missing string field(s): {', '.join(missing)}"
        )
    return {f: body[f] for f in fields}


def json_response(data: Any, status: int = 200) -> web.Response:
    return web.Response(
        body=msgspec.json.encode(data), status=status, content_type="application/json"
    )


async def authenticate_caller(request: web.Request) -> StaffIdentity | KioskIdentity:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise ApiError(401, ErrorCode.AUTH_REQUIRED, "send Authorization: Bearer <token>")
    store = request.app[STORE]
    caller = await store.staff_by_token(token) or await store.kiosk_by_credential(token)
    if caller is None:
        request.app[METRICS].auth_failures.inc()
        raise ApiError(401, ErrorCode.AUTH_FAILED, "unknown or expired credential")
    return caller


# --- Handlers ------------------------------------------------------------------------------


async def health(request: web.Request) -> web.Response:
    hub = request.app[HUB]
    database = "ok"
    try:
        await request.app[STORE].count(Center)
    except Exception as exc:
        log.warning("health check: database unreachable: %s", exc)
        database = "unreachable"
    body = {
        "status": "ok" if database == "ok" else "degraded",
        "version": VERSION,
        "protocol": p.PROTOCOL_VERSION,
        "database": database,
        "uptime_s": round(time.time() - request.app[STARTED], 1),
        "connections": {"kiosks": len(hub.kiosks), "staff": len(hub.staff)},
        "queue": sum(hub.engine.queue_lengths().values()),
        "pending_writes": hub.writer.pending,
    }
    return json_response(body, 200 if database == "ok" else 503)


async def metrics(request: web.Request) -> web.Response:
    return web.Response(
        body=request.app[METRICS].render(),
        headers={"Content-Type": "text/plain; version=0.0.4; charset=utf-8"},
    )


async def websocket(request: web.Request) -> web.StreamResponse:
    return await request.app[HUB].handle(request)


async def enroll(request: web.Request) -> web.Response:
    body = await json_body(request, ("code",))
    result = await request.app[STORE].enroll(body["code"])
    if result is None:
        request.app[METRICS].auth_failures.inc()
        raise ApiError(403, ErrorCode.AUTH_FAILED, "unknown, used or expired enrollment code")
    kiosk, credential = result
    return json_response(
        {
            "kiosk_id": kiosk.kiosk_id,
            "center_id": kiosk.center_id,
            "name": kiosk.name,
            "site_name": kiosk.site_name,
            "credential": credential,
        }
    )


async def login(request: web.Request) -> web.Response:
    body = await json_body(request, ("username", "password"))
    guard = request.app[LOGIN_GUARD]
    now = time.monotonic()
    if guard.blocked(body["username"], now):
        raise ApiError(429, ErrorCode.RATE_LIMITED, "too many failed logins; try again later")
    ttl = dt.timedelta(hours=request.app[CONFIG].session_ttl_h)
    result = await request.app[STORE].login(body["username"], body["password"], ttl)
    if result is None:
        guard.failed(body["username"], now)
        request.app[METRICS].auth_failures.inc()
        raise ApiError(401, ErrorCode.AUTH_FAILED, "wrong username or password")
    guard.succeeded(body["username"])
    staff = result.identity
    return json_response(
        {
            "token": result.token,
            "expires_at": result.expires_at.isoformat(),
            "staff": _staff_json(staff),
        }
    )


def _staff_json(staff: StaffIdentity) -> dict[str, Any]:
    return {
        "staff_id": staff.staff_id,
        "center_id": staff.center_id,
        "username": staff.username,
        "display_name": staff.display_name,
        "role": staff.role,
        "window_no": staff.window_no,
        "skills": list(staff.skills),
    }


async def logout(request: web.Request) -> web.Response:
    caller = await authenticate_caller(request)
    if not isinstance(caller, StaffIdentity):
        raise ApiError(403, ErrorCode.FORBIDDEN, "only staff sessions log out")
    token = request.headers["Authorization"].partition(" ")[2]
    await request.app[STORE].logout(token)
    return json_response({"ok": True})


async def me(request: web.Request) -> web.Response:
    caller = await authenticate_caller(request)
    if isinstance(caller, StaffIdentity):
        return json_response({"kind": "staff", **_staff_json(caller)})
    return json_response(
        {
            "kind": "kiosk",
            "kiosk_id": caller.kiosk_id,
            "center_id": caller.center_id,
            "name": caller.name,
            "site_name": caller.site_name,
        }
    )


async def turn_credentials(request: web.Request) -> web.Response:
    caller = await authenticate_caller(request)
    user = caller.staff_id if isinstance(caller, StaffIdentity) else caller.kiosk_id
    return json_response(turn.turn_credentials(request.app[CONFIG].turn, user, time.time()))


async def catalog(request: web.Request) -> web.Response:
    await authenticate_caller(request)
    items = request.app[HUB].catalog.items.values()
    return json_response({"items": sorted(items, key=lambda item: item.code)})
