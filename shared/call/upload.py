"""The client of the server's pages API: the kiosk uploads scanned pages with it, the console
lists and fetches them.

An upload declares the page's size and SHA-256, sends it in chunks at explicit offsets, and
asks the server to check and keep it. When the link drops or the server answers that it has
a different offset, the uploader asks the server how much it has and continues from there, so
a committee's flaky uplink costs at most a chunk, not the page. Refusals (wrong call, type,
size, checksum) raise ``UploadError`` at once: retrying them cannot help.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import secrets
from collections.abc import Awaitable, Callable
from typing import Any, NoReturn, TypeVar

import aiohttp

from shared.signaling_client import Backoff

log = logging.getLogger(__name__)

T = TypeVar("T")

#: statuses that say "not now" rather than "no"
RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})


class UploadError(Exception):
    """The server refused (``code`` is its error code and ``status`` the HTTP status), or the
    link stayed down through every retry (``code`` is ``"network"``, ``status`` None)."""

    def __init__(self, code: str, reason: str, status: int | None = None) -> None:
        super().__init__(f"{code}: {reason}")
        self.code = code
        self.reason = reason
        self.status = status


class _Transient(Exception):
    """A failure worth retrying after a pause: a dropped link, a timeout, a 5xx."""


class _Behind(Exception):
    """The server has a different offset than the one sent (HTTP 409 with ``received``)."""

    def __init__(self, received: int) -> None:
        super().__init__(f"the server has {received} bytes")
        self.received = received


class _Retries:
    """Consecutive failures, each followed by a backoff pause, up to a bound."""

    def __init__(self, limit: int, backoff: Backoff) -> None:
        self.limit = limit
        self.backoff = backoff
        self.failures = 0

    def succeeded(self) -> None:
        self.failures = 0
        self.backoff.reset()

    def failed(self, why: str) -> None:
        self.failures += 1
        if self.failures > self.limit:
            raise UploadError("network", f"gave up after {self.failures} failures: {why}")

    async def pause(self) -> None:
        await asyncio.sleep(self.backoff.next_delay())


class PageUploader:
    """Uploads, lists and fetches the pages of a call for one kiosk or staff credential.

    ``session`` is borrowed when given (the caller closes it); otherwise the uploader makes
    one and ``close()`` closes it.
    """

    def __init__(
        self,
        base_url: str,
        token: str,
        session: aiohttp.ClientSession | None = None,
        chunk_bytes: int = 1024 * 1024,
        *,
        max_retries: int = 5,
        backoff: Backoff | None = None,
        request_timeout_s: float = 60.0,
    ) -> None:
        if chunk_bytes <= 0:
            raise ValueError("chunk_bytes must be positive")
        self.base_url = base_url.rstrip("/")
        self.chunk_bytes = chunk_bytes
        self.max_retries = max_retries
        self.backoff = backoff or Backoff(initial_s=0.2, max_s=5.0)
        self.timeout = aiohttp.ClientTimeout(total=request_timeout_s)
        self._headers = {"Authorization": f"Bearer {token}"}
        self._session = session
        self._owns_session = session is None

    async def __aenter__(self) -> PageUploader:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def close(self) -> None:
        if self._owns_session and self._session is not None:
            await self._session.close()
            self._session = None

    def _pages_url(self, call_id: str) -> str:
        return f"{self.base_url}/api/v1/calls/{call_id}/pages"

    # --- Upload ---------------------------------------------------------------------------

    async def upload(
        self,
        call_id: str,
        data: bytes,
        mime: str,
        label: str = "",
        page_id: str | None = None,
    ) -> dict[str, Any]:
        """Sends the page and returns the server's metadata of the finished page.

        Passing the ``page_id`` of an earlier, interrupted upload of the same bytes resumes
        it. Without one, an id is made here rather than by the server, so that a create whose
        answer was lost can be repeated without leaving a second upload behind.
        """
        page_id = page_id or f"pg-{secrets.token_hex(8)}"
        declaration = {
            "page_id": page_id,
            "sha256": await _sha256(data),
            "size": len(data),
            "mime": mime,
            "label": label,
        }
        pages_url = self._pages_url(call_id)
        page_url = f"{pages_url}/{page_id}"
        retries = _Retries(self.max_retries, self.backoff)
        chunk_bytes = self.chunk_bytes
        declared = False
        # None: unknown since a failure; asked of the server before sending more
        received: int | None = None
        while True:
            try:
                if not declared:
                    reply = await self._json("POST", pages_url, json=declaration)
                    declared = True
                    received = int(reply["received"])
                    chunk_bytes = min(chunk_bytes, int(reply.get("max_chunk_bytes", chunk_bytes)))
                elif received is None:
                    received = int((await self._json("GET", f"{page_url}/status"))["received"])
                elif received < len(data):
                    reply = await self._json(
                        "PUT",
                        page_url,
                        params={"offset": str(received)},
                        data=data[received : received + chunk_bytes],
                        headers={"Content-Type": "application/octet-stream"},
                    )
                    received = int(reply["received"])
                else:
                    meta = await self._json("POST", f"{page_url}/complete")
                    log.info("page %s of call %s uploaded", page_id, call_id)
                    return meta
                retries.succeeded()
            except _Behind as behind:
                # a fact, not a fault: no pause, but counted, so a server that keeps
                # contradicting itself cannot keep us looping
                retries.failed(str(behind))
                received = behind.received
            except _Transient as exc:
                retries.failed(str(exc))
                log.info("page %s of call %s: %s; retrying", page_id, call_id, exc)
                await retries.pause()
                received = None

    async def status(self, call_id: str, page_id: str) -> dict[str, Any]:
        """``{"received", "size", "complete"}`` of an upload."""
        return await self._retrying(
            lambda: self._json("GET", f"{self._pages_url(call_id)}/{page_id}/status")
        )

    # --- Reading --------------------------------------------------------------------------

    async def list_pages(self, call_id: str) -> list[dict[str, Any]]:
        """The metadata of the call's finished pages, oldest first."""
        reply = await self._retrying(lambda: self._json("GET", self._pages_url(call_id)))
        pages: list[dict[str, Any]] = reply["pages"]
        return pages

    async def fetch(self, call_id: str, page_id: str) -> bytes:
        """The page's bytes, checked against the SHA-256 the server recorded at upload."""
        url = f"{self._pages_url(call_id)}/{page_id}"
        data, expected = await self._retrying(lambda: self._download(url))
        actual = await _sha256(data)
        if actual != expected.lower():
            raise UploadError(
                "checksum_mismatch", f"page {page_id} arrived with SHA-256 {actual}, not {expected}"
            )
        return data

    async def _download(self, url: str) -> tuple[bytes, str]:
        session = self._http()
        try:
            async with session.get(url, headers=self._headers, timeout=self.timeout) as response:
                body = await response.read()
                if response.status != 200:
                    _raise_for(response.status, body)
                expected = response.headers.get("X-Content-SHA256")
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise _Transient(f"{type(exc).__name__}: {exc}") from exc
        if not expected:
            raise UploadError("checksum_missing", "the server sent no X-Content-SHA256 header")
        return body, expected

    # --- HTTP -----------------------------------------------------------------------------

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession()
        return self._session

    async def _json(
        self,
        method: str,
        url: str,
        *,
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> dict[str, Any]:
        session = self._http()
        try:
            async with session.request(
                method,
                url,
                headers={**self._headers, **(headers or {})},
                timeout=self.timeout,
                **kwargs,
            ) as response:
                body = await response.read()
                status = response.status
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise _Transient(f"{type(exc).__name__}: {exc}") from exc
        if status >= 300:
            _raise_for(status, body)
        reply = _decode(body)
        if reply is None:
            raise UploadError("bad_reply", f"{method} {url} answered {status} without JSON")
        return reply

    async def _retrying(self, attempt: Callable[[], Awaitable[T]]) -> T:
        retries = _Retries(self.max_retries, self.backoff)
        while True:
            try:
                return await attempt()
            except _Transient as exc:
                retries.failed(str(exc))
                await retries.pause()


async def _sha256(data: bytes) -> str:
    # megabytes take tens of milliseconds: off the event loop that also carries the call
    digest = await asyncio.to_thread(hashlib.sha256, data)
    return digest.hexdigest()


def _decode(body: bytes) -> dict[str, Any] | None:
    try:
        value = json.loads(body)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _raise_for(status: int, body: bytes) -> NoReturn:
    """Raises what an unsuccessful answer means for the uploader."""
    reply = _decode(body) or {}
    if status in RETRYABLE_STATUSES:
        raise _Transient(f"HTTP {status}")
    received = reply.get("received")
    if status == 409 and isinstance(received, int):
        raise _Behind(received)
    error = reply.get("error")
    if isinstance(error, dict):
        raise UploadError(
            str(error.get("code", f"http_{status}")), str(error.get("reason", "")), status
        )
    raise UploadError(f"http_{status}", body[:200].decode(errors="replace"), status)
