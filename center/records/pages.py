"""Scanned pages: the kiosk uploads them in resumable chunks during a call; the clerk of the
call and the center's supervisors and admins read them, during the call and after it.

HTTP API (mounted by ``add_page_routes``; every route needs ``Authorization: Bearer``)::

    POST /api/v1/calls/{call_id}/pages                      kiosk of the live call
    PUT  /api/v1/calls/{call_id}/pages/{page_id}?offset=N   kiosk of the live call
    POST /api/v1/calls/{call_id}/pages/{page_id}/complete   kiosk of the live call
    GET  /api/v1/calls/{call_id}/pages/{page_id}/status     readers
    GET  /api/v1/calls/{call_id}/pages                      readers
    GET  /api/v1/calls/{call_id}/pages/{page_id}            readers (staff reads are audited)

Readers are the call's clerk, supervisors and admins of the call's center, and, while the call
is live, its kiosk and the third party the clerk invited into it once they have joined. A kiosk
is shared by every resident who sits down at it, so it loses access to a call's pages when the
call ends; the third party is there to advise on this one call, so their access ends when they
leave it, are removed, or the call ends.

Errors have the server's usual body ``{"error": {"code", "reason"}}``. Besides the codes of
``shared.protocol.ErrorCode`` (``auth_required``, ``auth_failed``, ``forbidden``,
``not_in_call``, ``invalid_message``, ``bad_json``) pages use the codes of ``PageErrorCode``.
A 409 ``offset_mismatch`` also carries ``"received": n``, the offset to continue from.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import enum
import hashlib
import io
import logging
import os
import re
import secrets
import weakref
from pathlib import Path
from typing import Any

import msgspec
from aiohttp import ClientPayloadError, web
from PIL import Image

from center.records.crypto import SEAL_OVERHEAD, RecordsCipher, is_sealed, load_key
from shared.protocol import ErrorCode, RequestStatus
from signaling.app import CONFIG, HUB, STORE, ApiError, authenticate_caller, json_response
from signaling.config import ServerConfig
from signaling.store.repo import KioskIdentity, StaffIdentity

log = logging.getLogger(__name__)

#: a 600 dpi colour A4 scan compressed as JPEG is 1-5 MiB; more is a wrong setting or abuse
MAX_PAGE_BYTES = 8 * 1024 * 1024
#: bounds the memory one PUT may hold; the app-wide body limit is far lower (JSON only)
MAX_CHUNK_BYTES = 1024 * 1024
#: what clients are told to send: small enough that a dropped link on a committee's uplink
#: costs little to resend, big enough that request overhead does not dominate
SUGGESTED_CHUNK_BYTES = 256 * 1024
MAX_LABEL_CHARS = 200
#: the first bytes a page of each accepted type starts with
MAGIC: dict[str, bytes] = {
    "image/jpeg": b"\xff\xd8\xff",
    "image/png": b"\x89PNG\r\n\x1a\n",
    "application/pdf": b"%PDF-",
}
#: staff roles that read every page of their own center, not only of their own calls
CENTER_READERS = frozenset({"supervisor", "admin"})

# ids become file names: no dots or separators, so no id can leave its directory
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
_SHA256 = re.compile(r"[0-9a-f]{64}")


class PageErrorCode(enum.StrEnum):
    """Error codes of the pages API, in addition to those of ``shared.protocol.ErrorCode``."""

    #: 415: the declared type is not JPEG, PNG or PDF, or the content does not start like it
    UNSUPPORTED_TYPE = "unsupported_type"
    #: 413: over 8 MiB declared, over 1 MiB in one PUT, or a PUT past the declared size
    PAGE_TOO_LARGE = "page_too_large"
    #: 409: the offset is not what the server has; the body's ``received`` says what it has
    OFFSET_MISMATCH = "offset_mismatch"
    #: 422: the content's SHA-256 is not the declared one; the upload was discarded
    CHECKSUM_MISMATCH = "checksum_mismatch"
    #: 409: a finished page with this id and other content exists; pages never change
    PAGE_EXISTS = "page_exists"
    #: 404: no upload or finished page with this id in this call
    NO_SUCH_PAGE = "no_such_page"


class PageError(web.HTTPException):
    """A refusal with the same body shape as ``signaling.app.ApiError``."""

    def __init__(
        self, status: int, code: PageErrorCode, reason: str, *, received: int | None = None
    ) -> None:
        self.status_code = status
        body: dict[str, Any] = {"error": {"code": code, "reason": reason}}
        if received is not None:
            body["received"] = received
        super().__init__(text=msgspec.json.encode(body).decode(), content_type="application/json")


class CallRecord(msgspec.Struct, frozen=True, kw_only=True):
    """The parties of a call and where its pages are kept. Saved with the first page, because
    the routing engine forgets a call when it ends and pages are read after that."""

    call_id: str
    request_id: str
    center_id: str
    kiosk_id: str
    clerk_id: str | None


class PageMeta(msgspec.Struct, kw_only=True):
    page_id: str
    call_id: str
    request_id: str
    center_id: str
    kiosk_id: str
    mime: str
    size: int
    sha256: str
    label: str = ""
    width: int | None = None
    height: int | None = None
    created: str
    #: None while the upload is under way
    completed: str | None = None


class PageDeclaration(msgspec.Struct, kw_only=True):
    """The body of ``POST .../pages``: what the kiosk is about to send."""

    sha256: str
    size: int
    mime: str
    label: str = ""
    page_id: str | None = None


def new_page_id() -> str:
    return f"pg-{secrets.token_hex(8)}"


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


def _dimensions(mime: str, data: bytes) -> tuple[int | None, int | None]:
    """Width and height from the image header, or None when not cheaply known."""
    if not mime.startswith("image/"):
        return None, None
    try:
        # Image.open parses the header only; the pixels are never decoded here
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
    except Exception:
        return None, None
    return width, height


def _safe(file_id: str) -> str:
    if not _ID.fullmatch(file_id):
        raise ValueError(f"not a safe id for a file name: {file_id!r}")
    return file_id


def _atomic_write(path: Path, data: bytes) -> None:
    """Readers see the old file or the new one, never half of one, even across a crash."""
    temporary = path.with_name(f"{path.name}.{secrets.token_hex(4)}.tmp")
    with temporary.open("wb") as file:
        file.write(data)
        file.flush()
        os.fsync(file.fileno())
    os.replace(temporary, path)


class PageStore:
    """Pages on disk.

    ``<root>/<center_id>/<request_id>/<page_id>.part`` while uploading, then ``.bin``; the
    ``.json`` next to it holds the ``PageMeta`` from the first chunk on (``completed`` is set
    when the page is finished). ``<root>/calls/<call_id>.json`` holds each call's
    ``CallRecord``.

    Every byte of a finished page is written by ``_write_content`` and read back by
    ``_read_content``, which seal it with the records key (AES-256-GCM, bound to the page's
    request and id) when the store has a cipher. A ``.bin`` written before encryption was
    turned on is read as it is. ``.part`` files hold an upload only while it is under way
    (sealed chunk by chunk as well) and are deleted when it finishes or is discarded.

    Blocking file work runs in worker threads; uploads of one page are serialized so that two
    PUTs racing on one offset cannot both append.
    """

    def __init__(self, root: Path, cipher: RecordsCipher | None = None) -> None:
        self.root = root
        self.cipher = cipher
        self._locks: weakref.WeakValueDictionary[tuple[str, str], asyncio.Lock] = (
            weakref.WeakValueDictionary()
        )

    # --- The encryption-at-rest seam -------------------------------------------------------

    def _write_content(self, path: Path, data: bytes) -> None:
        if self.cipher is not None:
            data = self.cipher.seal(data, _content_context(path))
        _atomic_write(path, data)

    def _read_content(self, path: Path) -> bytes:
        data = path.read_bytes()
        if is_sealed(data):
            if self.cipher is None:
                raise RuntimeError("the page is encrypted and this store has no records key")
            return self.cipher.open(data, _content_context(path))
        return data

    # --- Async API ------------------------------------------------------------------------

    async def begin(self, call: CallRecord, declaration: PageDeclaration) -> tuple[PageMeta, int]:
        """Starts an upload or finds the one to resume; returns it and the bytes received."""
        page_id = declaration.page_id or new_page_id()
        async with self._lock(call, page_id):
            return await asyncio.to_thread(self._begin, call, page_id, declaration)

    async def append(self, call: CallRecord, page_id: str, offset: int, chunk: bytes) -> int:
        async with self._lock(call, page_id):
            return await asyncio.to_thread(self._append, call, page_id, offset, chunk)

    async def complete(self, call: CallRecord, page_id: str) -> PageMeta:
        async with self._lock(call, page_id):
            return await asyncio.to_thread(self._complete, call, page_id)

    async def progress(self, call: CallRecord, page_id: str) -> tuple[PageMeta, int]:
        return await asyncio.to_thread(self._progress, call, page_id)

    async def pages(self, call: CallRecord) -> list[PageMeta]:
        """The finished pages of the call, oldest first."""
        return await asyncio.to_thread(self._pages, call)

    async def content(self, call: CallRecord, page_id: str) -> tuple[PageMeta, bytes]:
        return await asyncio.to_thread(self._content, call, page_id)

    async def recall(self, call_id: str) -> CallRecord | None:
        return await asyncio.to_thread(self._recall, call_id)

    # --- A request's pages, whichever of its calls brought them (case records) ------------

    async def request_pages(self, center_id: str, request_id: str) -> list[PageMeta]:
        return await asyncio.to_thread(self._request_pages, center_id, request_id)

    async def page_counts(self, center_id: str, request_ids: list[str]) -> list[int]:
        """How many finished pages each request has (a history list's 页数)."""

        def count() -> list[int]:
            return [len(self._request_pages(center_id, r)) if r else 0 for r in request_ids]

        return await asyncio.to_thread(count)

    async def request_content(
        self, center_id: str, request_id: str, page_id: str
    ) -> tuple[PageMeta, bytes]:
        return await asyncio.to_thread(self._request_content, center_id, request_id, page_id)

    def purge_request(self, center_id: str, request_id: str) -> int:
        """Deletes every page of the request (blocking); returns how many finished pages
        there were. The call-to-request mapping stays: it holds no personal data."""
        folder = self.root / _safe(center_id) / _safe(request_id)
        if not folder.is_dir():
            return 0
        pages = len(list(folder.glob("*.bin")))
        for path in folder.iterdir():
            path.unlink()
        folder.rmdir()
        return pages

    def _request_pages(self, center_id: str, request_id: str) -> list[PageMeta]:
        folder = self.root / _safe(center_id) / _safe(request_id)
        if not folder.is_dir():
            return []
        found = [msgspec.json.decode(p.read_bytes(), type=PageMeta) for p in folder.glob("*.json")]
        finished = [m for m in found if m.completed is not None]
        return sorted(finished, key=lambda m: (m.completed or "", m.created, m.page_id))

    def _request_content(
        self, center_id: str, request_id: str, page_id: str
    ) -> tuple[PageMeta, bytes]:
        if not _ID.fullmatch(page_id):
            raise PageError(404, PageErrorCode.NO_SUCH_PAGE, "malformed page id")
        folder = self.root / _safe(center_id) / _safe(request_id)
        meta_path = folder / f"{page_id}.json"
        if not meta_path.exists():
            raise PageError(404, PageErrorCode.NO_SUCH_PAGE, f"no page {page_id} in this case")
        meta = msgspec.json.decode(meta_path.read_bytes(), type=PageMeta)
        if meta.completed is None:
            raise PageError(404, PageErrorCode.NO_SUCH_PAGE, f"page {page_id} is not complete")
        return meta, self._read_content(folder / f"{page_id}.bin")

    def _lock(self, call: CallRecord, page_id: str) -> asyncio.Lock:
        key = (call.request_id, page_id)
        lock = self._locks.get(key)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[key] = lock
        return lock

    # --- Layout ---------------------------------------------------------------------------

    def _folder(self, call: CallRecord) -> Path:
        return self.root / _safe(call.center_id) / _safe(call.request_id)

    def _path(self, call: CallRecord, page_id: str, suffix: str) -> Path:
        return self._folder(call) / f"{_safe(page_id)}{suffix}"

    def _call_path(self, call_id: str) -> Path:
        return self.root / "calls" / f"{_safe(call_id)}.json"

    # --- Blocking work, in worker threads -------------------------------------------------

    def _recall(self, call_id: str) -> CallRecord | None:
        path = self._call_path(call_id)
        if not path.exists():
            return None
        return msgspec.json.decode(path.read_bytes(), type=CallRecord)

    def _remember(self, call: CallRecord) -> None:
        path = self._call_path(call.call_id)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            _atomic_write(path, msgspec.json.encode(call))

    def _load(self, call: CallRecord, page_id: str) -> PageMeta | None:
        path = self._path(call, page_id, ".json")
        if not path.exists():
            return None
        return msgspec.json.decode(path.read_bytes(), type=PageMeta)

    def _save(self, call: CallRecord, meta: PageMeta) -> None:
        _atomic_write(self._path(call, meta.page_id, ".json"), msgspec.json.encode(meta))

    def _received(self, call: CallRecord, page_id: str) -> int:
        part = self._path(call, page_id, ".part")
        if not part.exists():
            return 0
        if self.cipher is None:
            return part.stat().st_size
        frames, _ = _frames(part.read_bytes())
        return sum(len(frame) - SEAL_OVERHEAD for frame in frames)

    def _append_part(self, call: CallRecord, page_id: str, offset: int, chunk: bytes) -> None:
        """With a cipher each chunk is its own sealed frame (``4-byte length + sealed``), so
        an upload under way is never plaintext on disk either. A frame cut by a crash is
        dropped here; the client resends from the offset it is told."""
        path = self._path(call, page_id, ".part")
        if self.cipher is None:
            with path.open("ab") as part:
                part.write(chunk)
            return
        _, whole = _frames(path.read_bytes())
        sealed = self.cipher.seal(chunk, _part_context(call, page_id, offset))
        with path.open("r+b") as part:
            part.truncate(whole)
            part.seek(whole)
            part.write(len(sealed).to_bytes(4, "big") + sealed)

    def _part_content(self, call: CallRecord, page_id: str) -> bytes:
        raw = self._path(call, page_id, ".part").read_bytes()
        if self.cipher is None:
            return raw
        frames, _ = _frames(raw)
        content = bytearray()
        for frame in frames:
            content += self.cipher.open(frame, _part_context(call, page_id, len(content)))
        return bytes(content)

    def _discard(self, call: CallRecord, page_id: str) -> None:
        for suffix in (".part", ".json"):
            self._path(call, page_id, suffix).unlink(missing_ok=True)

    def _of_call(self, call: CallRecord, page_id: str) -> PageMeta:
        meta = self._load(call, page_id)
        if meta is None or meta.call_id != call.call_id:
            raise PageError(404, PageErrorCode.NO_SUCH_PAGE, f"no page {page_id} in this call")
        return meta

    def _begin(
        self, call: CallRecord, page_id: str, declaration: PageDeclaration
    ) -> tuple[PageMeta, int]:
        self._folder(call).mkdir(parents=True, exist_ok=True)
        self._remember(call)
        existing = self._load(call, page_id)
        if existing is not None:
            same_content = (existing.sha256, existing.size, existing.mime) == (
                declaration.sha256,
                declaration.size,
                declaration.mime,
            )
            if existing.completed is not None:
                if same_content and existing.call_id == call.call_id:
                    return existing, existing.size
                raise PageError(
                    409, PageErrorCode.PAGE_EXISTS, f"page {page_id} is finished and unchangeable"
                )
            if same_content:
                # a call that dropped and was answered again keeps its request, so an upload
                # begun in the old call resumes in the new one
                resumed = msgspec.structs.replace(
                    existing, call_id=call.call_id, label=declaration.label
                )
                self._save(call, resumed)
                return resumed, self._received(call, page_id)
            # other content under the same id is a rescan; the kiosk's latest declaration wins
            self._discard(call, page_id)
        meta = PageMeta(
            page_id=page_id,
            call_id=call.call_id,
            request_id=call.request_id,
            center_id=call.center_id,
            kiosk_id=call.kiosk_id,
            mime=declaration.mime,
            size=declaration.size,
            sha256=declaration.sha256,
            label=declaration.label,
            created=_now(),
        )
        self._path(call, page_id, ".part").write_bytes(b"")
        self._save(call, meta)
        return meta, 0

    def _append(self, call: CallRecord, page_id: str, offset: int, chunk: bytes) -> int:
        meta = self._of_call(call, page_id)
        if meta.completed is not None:
            raise PageError(
                409, PageErrorCode.OFFSET_MISMATCH, "the page is complete", received=meta.size
            )
        received = self._received(call, page_id)
        if offset != received:
            raise PageError(
                409,
                PageErrorCode.OFFSET_MISMATCH,
                f"offset {offset} but {received} bytes received; continue from there",
                received=received,
            )
        if received + len(chunk) > meta.size:
            raise PageError(
                413,
                PageErrorCode.PAGE_TOO_LARGE,
                f"{received + len(chunk)} bytes would pass the declared size {meta.size}",
            )
        magic = MAGIC[meta.mime]
        if offset == 0 and len(chunk) >= len(magic) and not chunk.startswith(magic):
            # refused now rather than at completion, so the kiosk does not send megabytes
            # that would be thrown away
            self._discard(call, page_id)
            raise PageError(
                415, PageErrorCode.UNSUPPORTED_TYPE, f"the content does not start like {meta.mime}"
            )
        self._append_part(call, page_id, offset, chunk)
        return received + len(chunk)

    def _complete(self, call: CallRecord, page_id: str) -> PageMeta:
        meta = self._of_call(call, page_id)
        if meta.completed is not None:
            return meta
        received = self._received(call, page_id)
        if received != meta.size:
            raise PageError(
                409,
                PageErrorCode.OFFSET_MISMATCH,
                f"{received} of {meta.size} bytes received; send the rest first",
                received=received,
            )
        data = self._part_content(call, page_id)
        if hashlib.sha256(data).hexdigest() != meta.sha256:
            self._discard(call, page_id)
            raise PageError(
                422,
                PageErrorCode.CHECKSUM_MISMATCH,
                "the content's SHA-256 is not the declared one; the upload was discarded, "
                "start it again",
            )
        if not data.startswith(MAGIC[meta.mime]):
            self._discard(call, page_id)
            raise PageError(
                415, PageErrorCode.UNSUPPORTED_TYPE, f"the content does not start like {meta.mime}"
            )
        width, height = _dimensions(meta.mime, data)
        self._write_content(self._path(call, page_id, ".bin"), data)
        finished = msgspec.structs.replace(meta, width=width, height=height, completed=_now())
        self._save(call, finished)
        self._path(call, page_id, ".part").unlink(missing_ok=True)
        return finished

    def _progress(self, call: CallRecord, page_id: str) -> tuple[PageMeta, int]:
        meta = self._of_call(call, page_id)
        if meta.completed is not None:
            return meta, meta.size
        return meta, self._received(call, page_id)

    def _pages(self, call: CallRecord) -> list[PageMeta]:
        folder = self._folder(call)
        if not folder.is_dir():
            return []
        found = [msgspec.json.decode(p.read_bytes(), type=PageMeta) for p in folder.glob("*.json")]
        finished = [m for m in found if m.completed is not None and m.call_id == call.call_id]
        return sorted(finished, key=lambda m: (m.completed or "", m.created, m.page_id))

    def _content(self, call: CallRecord, page_id: str) -> tuple[PageMeta, bytes]:
        meta = self._of_call(call, page_id)
        if meta.completed is None:
            raise PageError(404, PageErrorCode.NO_SUCH_PAGE, f"page {page_id} is not complete")
        return meta, self._read_content(self._path(call, page_id, ".bin"))


def _content_context(path: Path) -> str:
    return f"page:{path.parent.name}/{path.stem}"


def _part_context(call: CallRecord, page_id: str, offset: int) -> str:
    return f"part:{call.request_id}/{page_id}/{offset}"


def _frames(raw: bytes) -> tuple[list[bytes], int]:
    """The whole frames of a sealed ``.part`` and how many bytes they take."""
    frames: list[bytes] = []
    at = 0
    while at + 4 <= len(raw):
        length = int.from_bytes(raw[at : at + 4], "big")
        if at + 4 + length > len(raw):
            break
        frames.append(raw[at + 4 : at + 4 + length])
        at += 4 + length
    return frames, at


PAGES = web.AppKey("pages", PageStore)
CIPHER = web.AppKey("records_cipher", RecordsCipher)


def records_key_file(config: ServerConfig) -> Path:
    return Path(config.records.key_file) if config.records.key_file else config.data_dir / (
        "records.key"
    )


def records_cipher(app: web.Application) -> RecordsCipher:
    """The app's cipher, loading (or at the first start creating) the key once."""
    if CIPHER not in app:
        app[CIPHER] = RecordsCipher(load_key(records_key_file(app[CONFIG])))
    return app[CIPHER]


def add_page_routes(app: web.Application) -> None:
    """The server extension: ``create_app(config, extensions=[add_page_routes])``."""
    if PAGES in app:
        return
    app[PAGES] = PageStore(app[CONFIG].data_dir / "pages", records_cipher(app))
    pages = "/api/v1/calls/{call_id}/pages"
    app.router.add_post(pages, create_page)
    app.router.add_get(pages, list_pages)
    app.router.add_put(pages + "/{page_id}", put_chunk)
    app.router.add_get(pages + "/{page_id}", get_page)
    app.router.add_post(pages + "/{page_id}/complete", complete_page)
    app.router.add_get(pages + "/{page_id}/status", page_status)


# --- Who may do what ----------------------------------------------------------------------


def _url_id(request: web.Request, name: str) -> str:
    value = request.match_info[name]
    if not _ID.fullmatch(value):
        raise ApiError(400, ErrorCode.INVALID_MESSAGE, f"malformed {name}")
    return value


def _live_call(app: web.Application, call_id: str) -> CallRecord | None:
    live = app[HUB].engine.request_of_call(call_id)
    if live is None:
        return None
    return CallRecord(
        call_id=call_id,
        request_id=live.request_id,
        center_id=live.center_id,
        kiosk_id=live.kiosk_id,
        clerk_id=live.clerk_id,
    )


async def _uploader_call(request: web.Request) -> CallRecord:
    """The live call, if the caller is its kiosk."""
    caller = await authenticate_caller(request)
    call_id = _url_id(request, "call_id")
    if not isinstance(caller, KioskIdentity):
        raise ApiError(403, ErrorCode.FORBIDDEN, "only the kiosk of the call uploads pages")
    call = _live_call(request.app, call_id)
    if call is None:
        raise ApiError(404, ErrorCode.NOT_IN_CALL, f"no live call {call_id}")
    if call.kiosk_id != caller.kiosk_id:
        raise ApiError(403, ErrorCode.NOT_IN_CALL, "this kiosk is not a party of the call")
    return call


def live_guest(app: web.Application, request_id: str) -> str | None:
    """The staff id of the third party who has joined the live call of ``request_id``, if
    any. Only while they are in it: a ringing invitation grants nothing, and leaving, being
    removed, a transfer or the end of the call take it away."""
    live = app[HUB].engine.requests.get(request_id)
    if live is None or live.status != RequestStatus.IN_CALL:
        return None
    guest = live.guest
    return guest.clerk_id if guest is not None and guest.joined else None


async def _reader_call(
    request: web.Request,
) -> tuple[CallRecord, StaffIdentity | KioskIdentity, bool]:
    """The call, live or ended, if the caller may read its pages; ``True`` when the caller
    reads as the call's invited third party."""
    caller = await authenticate_caller(request)
    call_id = _url_id(request, "call_id")
    live = _live_call(request.app, call_id)
    call = live or await request.app[PAGES].recall(call_id)
    if call is None:
        raise ApiError(404, ErrorCode.NOT_IN_CALL, f"no live call and no pages for {call_id}")
    if isinstance(caller, KioskIdentity):
        if live is None or caller.kiosk_id != call.kiosk_id:
            raise ApiError(
                403, ErrorCode.NOT_IN_CALL, "a kiosk reads the pages of its live call only"
            )
        return call, caller, False
    if caller.staff_id == call.clerk_id or (
        caller.role in CENTER_READERS and caller.center_id == call.center_id
    ):
        return call, caller, False
    if (
        live is not None
        and caller.center_id == call.center_id
        and live_guest(request.app, call.request_id) == caller.staff_id
    ):
        return call, caller, True
    raise ApiError(
        403,
        ErrorCode.FORBIDDEN,
        "only the call's clerk, the third party in the live call, and its center's "
        "supervisors and admins read its pages",
    )


# --- Request bodies -----------------------------------------------------------------------


async def _declaration(request: web.Request) -> PageDeclaration:
    try:
        declaration = msgspec.json.decode(await request.read(), type=PageDeclaration)
    except msgspec.ValidationError as exc:
        raise ApiError(400, ErrorCode.INVALID_MESSAGE, str(exc)) from exc
    except msgspec.DecodeError as exc:
        raise ApiError(400, ErrorCode.BAD_JSON, "the body must be a JSON object") from exc
    if declaration.mime not in MAGIC:
        raise PageError(
            415,
            PageErrorCode.UNSUPPORTED_TYPE,
            f"mime must be one of {', '.join(MAGIC)}, not {declaration.mime!r}",
        )
    if declaration.size <= 0:
        raise ApiError(400, ErrorCode.INVALID_MESSAGE, "size must be positive")
    if declaration.size > MAX_PAGE_BYTES:
        raise PageError(
            413, PageErrorCode.PAGE_TOO_LARGE, f"a page may have at most {MAX_PAGE_BYTES} bytes"
        )
    sha256 = declaration.sha256.lower()
    if not _SHA256.fullmatch(sha256):
        raise ApiError(400, ErrorCode.INVALID_MESSAGE, "sha256 must be 64 hex digits")
    if declaration.page_id is not None and not _ID.fullmatch(declaration.page_id):
        raise ApiError(
            400, ErrorCode.INVALID_MESSAGE, "page_id must be 1-64 letters, digits, - or _"
        )
    if len(declaration.label) > MAX_LABEL_CHARS:
        raise ApiError(
            400, ErrorCode.INVALID_MESSAGE, f"label may have at most {MAX_LABEL_CHARS} characters"
        )
    return msgspec.structs.replace(declaration, sha256=sha256)


def _offset(request: web.Request) -> int:
    raw = request.query.get("offset", "")
    if not raw.isdecimal():
        raise ApiError(400, ErrorCode.INVALID_MESSAGE, "offset must be a non-negative integer")
    return int(raw)


async def _chunk(request: web.Request) -> bytes:
    """The PUT body, read up to ``MAX_CHUNK_BYTES`` and refused beyond (``request.read`` would
    apply the app-wide JSON limit)."""
    too_large = PageError(
        413, PageErrorCode.PAGE_TOO_LARGE, f"a chunk may have at most {MAX_CHUNK_BYTES} bytes"
    )
    if (request.content_length or 0) > MAX_CHUNK_BYTES:
        raise too_large
    buffer = bytearray()
    try:
        async for block in request.content.iter_chunked(64 * 1024):
            buffer += block
            if len(buffer) > MAX_CHUNK_BYTES:
                raise too_large
    except (ConnectionError, ClientPayloadError) as exc:
        # the client is gone; the chunk is dropped whole and the client resumes from the
        # offset it gets from the status route
        raise ApiError(400, ErrorCode.INVALID_MESSAGE, "the chunk was cut short") from exc
    if not buffer:
        raise ApiError(400, ErrorCode.INVALID_MESSAGE, "the chunk is empty")
    return bytes(buffer)


# --- Handlers -----------------------------------------------------------------------------


async def create_page(request: web.Request) -> web.Response:
    call = await _uploader_call(request)
    declaration = await _declaration(request)
    meta, received = await request.app[PAGES].begin(call, declaration)
    log.info(
        "page %s of call %s: upload at %d of %d bytes",
        meta.page_id,
        call.call_id,
        received,
        meta.size,
    )
    return json_response(
        {
            "page_id": meta.page_id,
            "received": received,
            "complete": meta.completed is not None,
            "chunk_bytes": SUGGESTED_CHUNK_BYTES,
            "max_chunk_bytes": MAX_CHUNK_BYTES,
        }
    )


async def put_chunk(request: web.Request) -> web.Response:
    call = await _uploader_call(request)
    page_id = _url_id(request, "page_id")
    offset = _offset(request)
    chunk = await _chunk(request)
    received = await request.app[PAGES].append(call, page_id, offset, chunk)
    return json_response({"received": received})


async def complete_page(request: web.Request) -> web.Response:
    call = await _uploader_call(request)
    page_id = _url_id(request, "page_id")
    try:
        meta = await request.app[PAGES].complete(call, page_id)
    except PageError as exc:
        log.info("page %s of call %s refused at completion (%d)", page_id, call.call_id, exc.status)
        raise
    log.info("page %s of call %s complete: %d bytes", page_id, call.call_id, meta.size)
    return json_response(meta)


async def page_status(request: web.Request) -> web.Response:
    call, _, _ = await _reader_call(request)
    meta, received = await request.app[PAGES].progress(call, _url_id(request, "page_id"))
    return json_response(
        {"received": received, "size": meta.size, "complete": meta.completed is not None}
    )


async def list_pages(request: web.Request) -> web.Response:
    call, _, _ = await _reader_call(request)
    return json_response({"pages": await request.app[PAGES].pages(call)})


async def get_page(request: web.Request) -> web.Response:
    call, caller, as_guest = await _reader_call(request)
    meta, data = await request.app[PAGES].content(call, _url_id(request, "page_id"))
    if isinstance(caller, StaffIdentity):
        detail = {"call_id": call.call_id, "request_id": call.request_id}
        if as_guest:
            detail["as"] = "guest"
        # recorded before the bytes leave: a read that cannot be audited does not happen
        await request.app[STORE].audit(
            "staff", caller.staff_id, call.center_id, "page.read", meta.page_id, detail
        )
    return page_response(meta, data)


def page_response(meta: PageMeta, data: bytes) -> web.Response:
    """A page's bytes as every route that reads one hands them out."""
    return web.Response(
        body=data,
        content_type=meta.mime,
        headers={
            "X-Content-SHA256": meta.sha256,
            # personal documents: no copies in caches along the way
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )
