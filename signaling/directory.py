"""``GET /api/v1/clerks``: the staff of the caller's center who take calls, with their live
state, so a clerk can pick whom to transfer a resident to or invite into a call.

An extension of ``signaling.app.create_app`` (``extensions=[add_directory_routes]``)."""

from __future__ import annotations

from aiohttp import web

from shared.protocol import ClerkState, ErrorCode, Role
from signaling.app import HUB, STORE, ApiError, authenticate_caller, json_response
from signaling.store.repo import StaffIdentity

#: roles that take calls, and so can be transferred to or invited
CALL_ROLES = frozenset({Role.CLERK.value, Role.SUPERVISOR.value})


def add_directory_routes(app: web.Application) -> None:
    app.router.add_get("/api/v1/clerks", clerks)


async def clerks(request: web.Request) -> web.Response:
    caller = await authenticate_caller(request)
    if not isinstance(caller, StaffIdentity):
        raise ApiError(403, ErrorCode.FORBIDDEN, "only staff may list clerks")
    engine = request.app[HUB].engine
    staff = await request.app[STORE].list_staff(caller.center_id)
    rows = []
    for member in staff:
        if member.role not in CALL_ROLES:
            continue
        live = engine.clerks.get(member.staff_id)
        state = live.state if live is not None else ClerkState.OFFLINE
        rows.append(
            {
                "id": member.staff_id,
                "display_name": member.display_name,
                "role": member.role,
                "window_no": member.window_no,
                "skills": list(member.skills),
                "state": str(state),
                "you": member.staff_id == caller.staff_id,
            }
        )
    return json_response({"clerks": rows})
