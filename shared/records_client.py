"""The client of the case records API, for the console (clerk, supervisor) and the kiosk
(rating, 办不成事). Reference: docs/records-api.md.

Every refusal raises ``RecordsError`` with the HTTP status and the server's stable code::

    async with aiohttp.ClientSession() as http:
        records = RecordsClient("https://vwindow.example.org", token, http)
        case = await records.open_case(call_id)
        await records.close_case(case["case_number"], "needs_more", missing_materials=["户口簿"])
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote

import aiohttp
import msgspec
from yarl import URL

from shared.call.messages import CardData

#: CardData's transport fields, which are not card data
_TRANSPORT_FIELDS = ("type", "v", "id", "seq")


class RecordsError(Exception):
    """A refusal of the records API (or a transport failure: status 0, code ``unreachable``)."""

    def __init__(self, status: int, code: str, reason: str) -> None:
        super().__init__(f"{status} {code}: {reason}")
        self.status = status
        self.code = code
        self.reason = reason


class RecordsClient:
    def __init__(self, server_url: str, token: str, http: aiohttp.ClientSession) -> None:
        self.server_url = server_url.rstrip("/")
        self.token = token
        self.http = http

    # --- Staff ------------------------------------------------------------------------------

    async def open_case(self, call_id: str) -> dict[str, Any]:
        """The call's case, opened now or earlier (the same call always gives the same case).
        Like every case answer it carries ``tracking_url``, the public address of its status
        page (with its token) for the receipt's QR code."""
        return await self._json("POST", "/api/v1/cases", {"call_id": call_id})

    async def get_case(self, case_number: str) -> dict[str, Any]:
        return await self._json("GET", _case(case_number))

    async def put_card(self, case_number: str, card: CardData) -> dict[str, Any]:
        body = msgspec.to_builtins(card)
        for key in _TRANSPORT_FIELDS:
            body.pop(key, None)
        return await self._json("PUT", _case(case_number, "card"), body)

    async def reveal_id(self, case_number: str) -> str:
        """The full ID number (the server audits every reveal)."""
        body = await self._json("POST", _case(case_number, "reveal"), {})
        id_number: str = body["id_number"]
        return id_number

    async def add_event(self, case_number: str, kind: str, detail: str = "") -> None:
        await self._json("POST", _case(case_number, "events"), {"kind": kind, "detail": detail})

    async def review_page(
        self, case_number: str, page_id: str, accepted: bool, reason: str = ""
    ) -> dict[str, Any]:
        return await self._json(
            "POST",
            _case(case_number, "pages", page_id, "review"),
            {"accepted": accepted, "reason": reason},
        )

    async def put_form(
        self, case_number: str, form: Mapping[str, Any] | msgspec.Struct
    ) -> dict[str, Any]:
        """``form``: ``form_id, title, fields [{key, label, value}]`` and optionally
        ``confirmed, signature_page_id, comment``; a ``FormPushed`` may be given as it is."""
        body = msgspec.to_builtins(form if isinstance(form, msgspec.Struct) else dict(form))
        for key in (*_TRANSPORT_FIELDS, "needs_signature"):
            body.pop(key, None)
        return await self._json("PUT", _case(case_number, "form"), body)

    async def close_case(
        self,
        case_number: str,
        outcome: str,
        *,
        missing_materials: Iterable[str] = (),
        reason: str = "",
        note: str = "",
        referred_to: str = "",
    ) -> dict[str, Any]:
        """The closed case; its ``tracking_url`` goes on the receipt."""
        return await self._json(
            "POST",
            _case(case_number, "close"),
            {
                "outcome": outcome,
                "missing_materials": list(missing_materials),
                "reason": reason,
                "note": note,
                "referred_to": referred_to,
            },
        )

    async def page_content(self, case_number: str, page_id: str) -> bytes:
        async with self._request("GET", _case(case_number, "pages", page_id)) as response:
            if response.status != 200:
                raise await _error(response)
            data: bytes = await response.read()
            return data

    async def search(self, **filters: Any) -> dict[str, Any]:
        """Filters: case_number, date_from, date_to (YYYY-MM-DD or dates), item, site, clerk,
        id_number (a full number), outcome, status, limit, offset."""
        params = {key: str(value) for key, value in filters.items() if value not in (None, "")}
        return await self._json("GET", "/api/v1/cases", params=params)

    async def follow_ups(self, status: str = "open") -> list[dict[str, Any]]:
        body = await self._json("GET", "/api/v1/follow-ups", params={"status": status})
        follow_ups: list[dict[str, Any]] = body["follow_ups"]
        return follow_ups

    async def close_follow_up(self, follow_up_id: str, note: str = "") -> dict[str, Any]:
        return await self._json(
            "POST", f"/api/v1/follow-ups/{quote(follow_up_id, safe='')}/close", {"note": note}
        )

    # --- Anyone with a receipt ---------------------------------------------------------------

    async def track(self, tracking_url: str, language: str = "zh") -> dict[str, Any]:
        """The public status of a case (no personal data) from its tracking URL, asked of
        this client's server (``/api/v1/track/...``); needs no login."""
        url = URL(tracking_url)
        if not url.path.startswith("/track/") or not url.query.get("t"):
            raise ValueError(f"not a tracking URL: {tracking_url!r}")
        params = {"t": url.query["t"], "lang": language}
        try:
            async with self.http.get(
                self.server_url + "/api/v1" + url.raw_path, params=params
            ) as response:
                if response.status != 200:
                    raise await _error(response)
                result: dict[str, Any] = msgspec.json.decode(await response.read())
                return result
        except aiohttp.ClientError as exc:
            raise RecordsError(0, "unreachable", str(exc)) from exc

    # --- Kiosk ------------------------------------------------------------------------------

    async def rate_call(
        self, call_id: str, level: int, reasons: Iterable[str] = ()
    ) -> dict[str, Any]:
        return await self._json(
            "POST", _call(call_id, "rating"), {"level": level, "reasons": list(reasons)}
        )

    async def call_cannot_be_done(self, call_id: str, reason: str) -> dict[str, Any]:
        return await self._json("POST", _call(call_id, "cannot-be-done"), {"reason": reason})

    async def kiosk_cannot_be_done(self, reason: str, item_code: str = "") -> dict[str, Any]:
        return await self._json(
            "POST", "/api/v1/kiosk/cannot-be-done", {"reason": reason, "item_code": item_code}
        )

    # --- Transport --------------------------------------------------------------------------

    def _request(
        self,
        method: str,
        path: str,
        body: Any = None,
        params: Mapping[str, str] | None = None,
    ) -> Any:
        headers = {"Authorization": f"Bearer {self.token}"}
        data = None
        if body is not None:
            data = msgspec.json.encode(body)
            headers["Content-Type"] = "application/json"
        return self.http.request(
            method, self.server_url + path, data=data, headers=headers, params=params
        )

    async def _json(
        self,
        method: str,
        path: str,
        body: Any = None,
        params: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        try:
            async with self._request(method, path, body, params) as response:
                if response.status not in (200, 201):
                    raise await _error(response)
                result: dict[str, Any] = msgspec.json.decode(await response.read())
                return result
        except aiohttp.ClientError as exc:
            raise RecordsError(0, "unreachable", str(exc)) from exc


async def _error(response: aiohttp.ClientResponse) -> RecordsError:
    try:
        error = msgspec.json.decode(await response.read())["error"]
        return RecordsError(response.status, str(error["code"]), str(error["reason"]))
    except (msgspec.DecodeError, KeyError, TypeError):
        return RecordsError(response.status, "http_error", response.reason or "")


def _case(case_number: str, *parts: str) -> str:
    path = "/api/v1/cases/" + quote(case_number, safe="")
    return path + "".join("/" + quote(part, safe="") for part in parts)


def _call(call_id: str, action: str) -> str:
    return f"/api/v1/calls/{quote(call_id, safe='')}/{action}"
