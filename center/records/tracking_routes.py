"""The public tracking routes, for whoever holds a receipt (no login):

- ``GET /track/{case_number}?t=<token>[&lang=en]``: the page a phone opens from the QR code;
- ``GET /api/v1/track/{case_number}?t=<token>[&lang=en]``: the same as JSON.

An unknown case, a malformed number, a missing or wrong token all get the same 404 (the same
bytes for the same language), so the answers reveal nothing about which numbers exist. Each
client address may look up ``[records] tracking_rate_per_min`` a minute (bursts of
``tracking_burst``); past that it gets 429 until its bucket refills.
"""

from __future__ import annotations

import logging
import math
import time

from aiohttp import web

from center.records import rules
from center.records.crypto import RecordsCipher
from center.records.keys import CASES
from center.records.pages import records_cipher
from center.records.rules import RecordsErrorCode
from center.records.tracking import (
    AddressLimiter,
    choose_language,
    client_address,
    plausible_token,
    tracking_url,
    tracking_view,
)
from center.records.tracking_page import case_page, message_page, other_language_href
from shared.protocol import ErrorCode
from signaling.app import CONFIG, json_response

log = logging.getLogger(__name__)

LIMITER = web.AppKey("tracking_limiter", AddressLimiter)
TRACKING_CIPHER = web.AppKey("tracking_cipher", RecordsCipher)

#: what every tracking answer carries: the token is in the URL, so nothing may pass it on
#: (no referrer, no cache, no indexing)
_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Robots-Tag": "noindex, nofollow",
    "X-Frame-Options": "DENY",
}
_PAGE_HEADERS = {
    **_HEADERS,
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; "
        "frame-ancestors 'none'"
    ),
}


def add_tracking_routes(app: web.Application) -> None:
    records = app[CONFIG].records
    app[LIMITER] = AddressLimiter(records.tracking_rate_per_min / 60.0, records.tracking_burst)
    app[TRACKING_CIPHER] = records_cipher(app)
    app.router.add_get("/track/{case_number}", track_page)
    app.router.add_get("/api/v1/track/{case_number}", track_json)


def public_base_url(request: web.Request) -> str:
    """``[records] public_url``, else the address this request came to."""
    configured = request.app[CONFIG].records.public_url
    return configured.rstrip("/") if configured else f"{request.scheme}://{request.host}"


def case_tracking_url(request: web.Request, case_number: str) -> str:
    token = request.app[TRACKING_CIPHER].tracking_token(case_number)
    return tracking_url(public_base_url(request), case_number, token)


def _language(request: web.Request) -> str:
    return choose_language(
        request.query.get("lang", ""), request.headers.get("Accept-Language", "")
    )


def _limited(request: web.Request) -> float | None:
    """None when the caller may look; else the seconds until it may again."""
    address = client_address(
        request.remote,
        request.headers.get("X-Forwarded-For", ""),
        request.app[CONFIG].records.trusted_proxies,
    )
    limiter = request.app[LIMITER]
    if limiter.allow(address, time.monotonic()):
        return None
    return max(1.0, limiter.retry_after_s(address))


async def _view(request: web.Request, language: str) -> dict[str, object] | None:
    number = request.match_info["case_number"]
    token = request.query.get("t", "")
    # the token is checked before the database is asked: whether the number exists makes
    # no difference to a caller without the right token
    if not rules.is_case_number(number) or not plausible_token(token):
        return None
    if not request.app[TRACKING_CIPHER].tracking_token_matches(number, token):
        return None
    facts = await request.app[CASES].tracking_facts(number)
    if facts is None:
        return None
    return tracking_view(facts, request.app[CONFIG].records.timezone, language)


async def track_page(request: web.Request) -> web.Response:
    language = _language(request)
    # the 404 and 429 pages link to the other language without the token
    bare_switch = other_language_href(language, {})
    wait = _limited(request)
    if wait is not None:
        return web.Response(
            text=message_page(language, "too_many_title", "too_many_text", bare_switch),
            status=429,
            content_type="text/html",
            charset="utf-8",
            headers={**_PAGE_HEADERS, "Retry-After": str(math.ceil(wait))},
        )
    view = await _view(request, language)
    if view is None:
        return web.Response(
            text=message_page(language, "not_found_title", "not_found_text", bare_switch),
            status=404,
            content_type="text/html",
            charset="utf-8",
            headers=_PAGE_HEADERS,
        )
    return web.Response(
        text=case_page(view, other_language_href(language, request.query)),
        content_type="text/html",
        charset="utf-8",
        headers=_PAGE_HEADERS,
    )


async def track_json(request: web.Request) -> web.Response:
    wait = _limited(request)
    if wait is not None:
        response = json_response(
            {"error": {"code": ErrorCode.RATE_LIMITED, "reason": "too many look-ups"}}, 429
        )
        response.headers.update({**_HEADERS, "Retry-After": str(math.ceil(wait))})
        return response
    view = await _view(request, _language(request))
    if view is None:
        response = json_response(
            {"error": {"code": RecordsErrorCode.NO_SUCH_CASE, "reason": "no such case"}}, 404
        )
    else:
        response = json_response(view)
    response.headers.update(_HEADERS)
    return response
