"""Scanned pages over the records API: a real server with the pages extension, real kiosk and
clerk connections in a real call, SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import hashlib
import io
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from PIL import Image

from center.records.crypto import MAGIC as SEALED_MAGIC
from center.records.pages import MAX_CHUNK_BYTES, MAX_PAGE_BYTES, add_page_routes
from shared import protocol as p
from shared.call.upload import PageUploader, UploadError
from shared.signaling_client import Backoff
from signaling.app import create_app
from signaling.config import ServerConfig
from tests.conftest import FAST_ROUTING, Seed, TestServer

Connect = Any
KIB = 1024
MIB = 1024 * KIB
CHUNK = 256 * KIB


class RecordsServer(TestServer):
    """The conftest server with the records extension mounted, as ``vwindow serve`` does."""

    __test__ = False

    async def start(self) -> None:
        app = create_app(self.config, extensions=[add_page_routes])
        self.runner = web.AppRunner(app, shutdown_timeout=2)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", self.port)
        await site.start()
        self.port = self.runner.addresses[0][1]


@pytest.fixture
async def server(database_url: str, seeded: Seed, tmp_path: Path) -> AsyncIterator[RecordsServer]:
    config = ServerConfig(
        host="127.0.0.1",
        port=0,
        data_dir=tmp_path / "data",
        database_url=database_url,
        routing=FAST_ROUTING,
        snapshot_interval_s=0.05,
    )
    srv = RecordsServer(config)
    await srv.start()
    yield srv
    await srv.stop()


@dataclass
class LiveCall:
    call_id: str
    request_id: str
    #: the kiosk's device credential and the clerk's session token
    kiosk: str
    clerk: str


async def start_call(
    server: RecordsServer,
    peers: Connect,
    seeded: Seed,
    clerk_name: str = "alice",
    kiosk_no: int = 0,
) -> LiveCall:
    clerk_token = await server.login(clerk_name)
    clerk = await peers(server.ws_url, clerk_token)
    await clerk.send(p.SetClerkState(state="available"))
    await clerk.expect(p.ClerkStatus, lambda m: m.state == "available")
    credential = seeded.kiosk_credentials[kiosk_no]
    kiosk = await peers(server.ws_url, credential)
    await kiosk.send(p.JoinQueue(item_code="YB-003"))
    ring = await clerk.expect(p.Ring)
    await clerk.send(p.AcceptCall(request_id=ring.request_id))
    call = (await kiosk.expect(p.CallStarted)).call
    await clerk.expect(p.CallStarted)
    return LiveCall(call.call_id, call.request_id, credential, clerk_token)


def jpeg_bytes(size: int) -> bytes:
    """JPEG magic then noise: the server checks the magic, not that the image decodes."""
    return b"\xff\xd8\xff\xe0" + os.urandom(size - 4)


def png_bytes(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("L", (width, height), 200).save(buffer, "PNG")
    return buffer.getvalue()


def pages_url(server: RecordsServer, call_id: str) -> str:
    return f"{server.url}/api/v1/calls/{call_id}/pages"


async def call_api(
    http: aiohttp.ClientSession,
    method: str,
    url: str,
    token: str | None = None,
    **kwargs: Any,
) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with http.request(method, url, headers=headers, **kwargs) as response:
        body = await response.read()
        try:
            return response.status, await response.json(content_type=None)
        except ValueError:
            return response.status, body


async def declare(
    http: aiohttp.ClientSession,
    server: RecordsServer,
    call: LiveCall,
    data: bytes,
    mime: str = "image/jpeg",
    **extra: Any,
) -> tuple[int, Any]:
    body = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data), "mime": mime, **extra}
    return await call_api(http, "POST", pages_url(server, call.call_id), call.kiosk, json=body)


async def put(
    http: aiohttp.ClientSession,
    server: RecordsServer,
    call: LiveCall,
    page_id: str,
    offset: int | str,
    chunk: bytes,
) -> tuple[int, Any]:
    url = f"{pages_url(server, call.call_id)}/{page_id}"
    return await call_api(http, "PUT", url, call.kiosk, params={"offset": str(offset)}, data=chunk)


async def complete(
    http: aiohttp.ClientSession, server: RecordsServer, call: LiveCall, page_id: str
) -> tuple[int, Any]:
    url = f"{pages_url(server, call.call_id)}/{page_id}/complete"
    return await call_api(http, "POST", url, call.kiosk)


def counting_session() -> tuple[aiohttp.ClientSession, list[tuple[int, int]]]:
    """A client session that records (offset, bytes written to the socket) of every PUT."""
    puts: list[tuple[int, int]] = []
    trace = aiohttp.TraceConfig()

    async def on_start(_: Any, context: Any, params: aiohttp.TraceRequestStartParams) -> None:
        context.offset = int(params.url.query.get("offset", -1))

    async def on_chunk(_: Any, context: Any, params: aiohttp.TraceRequestChunkSentParams) -> None:
        if params.method == "PUT":
            puts.append((context.offset, len(params.chunk)))

    trace.on_request_start.append(on_start)
    trace.on_request_chunk_sent.append(on_chunk)
    return aiohttp.ClientSession(trace_configs=[trace]), puts


class CuttingProxy:
    """A TCP relay to the server that breaks the connection once ``cut_after`` bytes went
    upstream, then refuses the next ``refusals`` connections (the link is down) and relays
    again after them."""

    def __init__(self, target_port: int, cut_after: int, *, refusals: int) -> None:
        self.target_port = target_port
        self.cut_after = cut_after
        self.refusals = refusals
        self.forwarded = 0
        self.cut = False
        self.port = 0
        self._server: asyncio.Server | None = None
        self._transports: list[asyncio.WriteTransport] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._relay, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        assert self._server is not None
        self._server.close()
        for transport in self._transports:
            transport.abort()
        await self._server.wait_closed()

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._transports.append(writer.transport)
        if self.cut and self.refusals > 0:
            self.refusals -= 1
            writer.transport.abort()
            return
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        self._transports.append(up_writer.transport)

        def cut() -> None:
            self.cut = True
            writer.transport.abort()
            up_writer.transport.abort()

        async def pump(
            source: asyncio.StreamReader, sink: asyncio.StreamWriter, upstream: bool
        ) -> None:
            while data := await source.read(64 * KIB):
                if upstream and not self.cut:
                    self.forwarded += len(data)
                    if self.forwarded >= self.cut_after:
                        cut()
                        return
                sink.write(data)
                await sink.drain()
            sink.close()

        await asyncio.gather(
            pump(reader, up_writer, True), pump(up_reader, writer, False), return_exceptions=True
        )


# --- Uploading ------------------------------------------------------------------------------


async def test_3_mib_page_uploads_in_chunks_and_clerk_fetches_identical_bytes(
    server: RecordsServer, peers: Connect, seeded: Seed, http: aiohttp.ClientSession
) -> None:
    call = await start_call(server, peers, seeded)
    data = jpeg_bytes(3 * MIB)
    session, puts = counting_session()
    async with session:
        uploader = PageUploader(server.url, call.kiosk, session, chunk_bytes=CHUNK)
        meta = await uploader.upload(call.call_id, data, "image/jpeg", label="身份证正面")
    assert [offset for offset, _ in puts] == list(range(0, 3 * MIB, CHUNK))
    assert sum(n for _, n in puts) == len(data)
    assert meta["sha256"] == hashlib.sha256(data).hexdigest()
    assert meta["size"] == len(data) and meta["mime"] == "image/jpeg"
    assert meta["label"] == "身份证正面"
    assert (meta["call_id"], meta["request_id"]) == (call.call_id, call.request_id)
    assert meta["center_id"] == seeded.center_id and meta["kiosk_id"] == seeded.kiosk_ids[0]
    assert meta["completed"] and meta["created"]
    assert meta["width"] is None  # noise after the magic: no header to read dimensions from

    async with PageUploader(server.url, call.clerk) as clerk:
        assert await clerk.fetch(call.call_id, meta["page_id"]) == data

    url = f"{pages_url(server, call.call_id)}/{meta['page_id']}"
    async with http.get(url, headers={"Authorization": f"Bearer {call.clerk}"}) as response:
        assert response.status == 200
        assert response.content_type == "image/jpeg"
        assert response.headers["X-Content-SHA256"] == meta["sha256"]
        assert response.headers["Cache-Control"] == "no-store"
        assert await response.read() == data

    folder = server.config.data_dir / "pages" / seeded.center_id / call.request_id
    assert sorted(path.name for path in folder.iterdir()) == [
        f"{meta['page_id']}.bin",
        f"{meta['page_id']}.json",
    ]
    # at rest the page is sealed (AES-256-GCM under the records key), never the plaintext
    stored = (folder / f"{meta['page_id']}.bin").read_bytes()
    assert stored.startswith(SEALED_MAGIC)
    assert data not in stored and data[:64] not in stored


async def test_a_new_uploader_resumes_from_the_server_offset_after_the_link_broke(
    server: RecordsServer, peers: Connect, seeded: Seed, http: aiohttp.ClientSession
) -> None:
    call = await start_call(server, peers, seeded)
    data = jpeg_bytes(3 * MIB)
    proxy = CuttingProxy(server.port, cut_after=3 * MIB // 2, refusals=1000)
    await proxy.start()
    try:
        quick = Backoff(initial_s=0.01, max_s=0.02)
        async with PageUploader(
            proxy.url, call.kiosk, chunk_bytes=CHUNK, max_retries=2, backoff=quick
        ) as first:
            with pytest.raises(UploadError) as refused:
                await first.upload(call.call_id, data, "image/jpeg", page_id="pg-resume-1")
        assert refused.value.code == "network"
    finally:
        await proxy.stop()
    assert proxy.cut

    status, progress = await call_api(
        http, "GET", f"{pages_url(server, call.call_id)}/pg-resume-1/status", call.kiosk
    )
    assert status == 200
    received = progress["received"]
    assert MIB <= received < 3 * MIB // 2 and received % CHUNK == 0
    assert progress == {"received": received, "size": len(data), "complete": False}

    session, puts = counting_session()
    async with session:
        second = PageUploader(server.url, call.kiosk, session, chunk_bytes=CHUNK)
        meta = await second.upload(call.call_id, data, "image/jpeg", page_id="pg-resume-1")
    assert puts[0][0] == received  # it did not start over
    assert sum(n for _, n in puts) == len(data) - received
    assert meta["page_id"] == "pg-resume-1"
    async with PageUploader(server.url, call.clerk) as clerk:
        assert await clerk.fetch(call.call_id, "pg-resume-1") == data


async def test_the_uploader_gets_over_a_dropped_connection_by_itself(
    server: RecordsServer, peers: Connect, seeded: Seed
) -> None:
    call = await start_call(server, peers, seeded)
    data = jpeg_bytes(2 * MIB)
    # aiohttp itself repeats a PUT once on a fresh connection; the refusals get past that to
    # the uploader's own recovery
    proxy = CuttingProxy(server.port, cut_after=MIB, refusals=3)
    await proxy.start()
    session, puts = counting_session()
    try:
        async with session:
            uploader = PageUploader(
                proxy.url,
                call.kiosk,
                session,
                chunk_bytes=CHUNK,
                backoff=Backoff(initial_s=0.01, max_s=0.02),
            )
            meta = await uploader.upload(call.call_id, data, "image/jpeg")
    finally:
        await proxy.stop()
    assert proxy.cut
    offsets = [offset for offset, _ in puts]
    assert offsets == sorted(offsets)  # it never went back, let alone to 0
    # only the chunk in flight when the link broke went again (by aiohttp's own repeat of an
    # idempotent PUT, then by the uploader)
    assert len(data) < sum(n for _, n in puts) <= len(data) + 2 * CHUNK
    async with PageUploader(server.url, call.clerk) as clerk:
        assert await clerk.fetch(call.call_id, meta["page_id"]) == data


async def test_declaring_again_resumes_or_restarts_and_finished_pages_do_not_change(
    server: RecordsServer, peers: Connect, seeded: Seed, http: aiohttp.ClientSession
) -> None:
    call = await start_call(server, peers, seeded)
    data = jpeg_bytes(3000)
    status, created = await declare(http, server, call, data, page_id="pg-again")
    assert status == 200
    assert created["page_id"] == "pg-again" and created["received"] == 0
    assert created["chunk_bytes"] == CHUNK and created["max_chunk_bytes"] == MAX_CHUNK_BYTES
    assert (await put(http, server, call, "pg-again", 0, data[:1000]))[0] == 200

    status, resumed = await declare(http, server, call, data, page_id="pg-again")
    assert (status, resumed["received"]) == (200, 1000)

    rescanned = jpeg_bytes(2000)
    status, restarted = await declare(http, server, call, rescanned, page_id="pg-again")
    assert (status, restarted["received"]) == (200, 0)
    assert (await put(http, server, call, "pg-again", 0, rescanned))[0] == 200
    assert (await complete(http, server, call, "pg-again"))[0] == 200
    # completing twice answers the same metadata: a lost answer can be asked for again
    status, again = await complete(http, server, call, "pg-again")
    assert status == 200 and again["sha256"] == hashlib.sha256(rescanned).hexdigest()

    status, body = await declare(http, server, call, data, page_id="pg-again")
    assert status == 409 and body["error"]["code"] == "page_exists"
    status, same = await declare(http, server, call, rescanned, page_id="pg-again")
    assert status == 200 and same["received"] == len(rescanned) and same["complete"]


async def test_wrong_offset_is_409_with_the_received_count(
    server: RecordsServer, peers: Connect, seeded: Seed, http: aiohttp.ClientSession
) -> None:
    call = await start_call(server, peers, seeded)
    data = jpeg_bytes(5000)
    page_id = (await declare(http, server, call, data))[1]["page_id"]
    assert await put(http, server, call, page_id, 0, data[:1000]) == (200, {"received": 1000})
    for offset in (0, 500, 4000):
        status, body = await put(http, server, call, page_id, offset, data[offset:])
        assert status == 409
        assert body["received"] == 1000
        assert body["error"]["code"] == "offset_mismatch"
    status, body = await complete(http, server, call, page_id)
    assert (status, body["received"]) == (409, 1000)
    for bad in ("", "-1", "ten"):
        status, body = await put(http, server, call, page_id, bad, data[1000:])
        assert (status, body["error"]["code"]) == (400, "invalid_message")
    assert await put(http, server, call, page_id, 1000, data[1000:]) == (200, {"received": 5000})
    assert (await complete(http, server, call, page_id))[0] == 200


async def test_wrong_checksum_is_422_discards_the_upload_and_a_retry_works(
    server: RecordsServer, peers: Connect, seeded: Seed, http: aiohttp.ClientSession
) -> None:
    call = await start_call(server, peers, seeded)
    data = jpeg_bytes(200 * KIB)
    body = {"sha256": "0" * 64, "size": len(data), "mime": "image/jpeg", "page_id": "pg-sum"}
    status, _ = await call_api(http, "POST", pages_url(server, call.call_id), call.kiosk, json=body)
    assert status == 200
    assert (await put(http, server, call, "pg-sum", 0, data))[0] == 200
    status, refused = await complete(http, server, call, "pg-sum")
    assert status == 422 and refused["error"]["code"] == "checksum_mismatch"
    status, gone = await call_api(
        http, "GET", f"{pages_url(server, call.call_id)}/pg-sum/status", call.kiosk
    )
    assert status == 404 and gone["error"]["code"] == "no_such_page"

    async with PageUploader(server.url, call.kiosk) as uploader:
        meta = await uploader.upload(call.call_id, data, "image/jpeg", page_id="pg-sum")
    assert meta["sha256"] == hashlib.sha256(data).hexdigest()


async def test_oversize_pages_and_chunks_are_413(
    server: RecordsServer, peers: Connect, seeded: Seed, http: aiohttp.ClientSession
) -> None:
    call = await start_call(server, peers, seeded)
    body = {"sha256": "a" * 64, "size": MAX_PAGE_BYTES + 1, "mime": "image/jpeg"}
    status, refused = await call_api(
        http, "POST", pages_url(server, call.call_id), call.kiosk, json=body
    )
    assert status == 413 and refused["error"]["code"] == "page_too_large"
    status, _ = await call_api(
        http,
        "POST",
        pages_url(server, call.call_id),
        call.kiosk,
        json={**body, "size": MAX_PAGE_BYTES},
    )
    assert status == 200

    data = jpeg_bytes(2 * MIB)
    page_id = (await declare(http, server, call, data))[1]["page_id"]
    status, refused = await put(http, server, call, page_id, 0, data[: MAX_CHUNK_BYTES + 1])
    assert status == 413 and refused["error"]["code"] == "page_too_large"
    assert await put(http, server, call, page_id, 0, data[:MAX_CHUNK_BYTES]) == (
        200,
        {"received": MAX_CHUNK_BYTES},
    )

    small = jpeg_bytes(1000)
    page_id = (await declare(http, server, call, small))[1]["page_id"]
    status, refused = await put(http, server, call, page_id, 0, small + b"x")
    assert status == 413 and refused["error"]["code"] == "page_too_large"

    async with PageUploader(server.url, call.kiosk) as uploader:
        with pytest.raises(UploadError) as too_big:
            await uploader.upload(call.call_id, jpeg_bytes(MAX_PAGE_BYTES + 1), "image/jpeg")
    assert (too_big.value.status, too_big.value.code) == (413, "page_too_large")


async def test_wrong_type_or_content_is_415(
    server: RecordsServer, peers: Connect, seeded: Seed, http: aiohttp.ClientSession
) -> None:
    call = await start_call(server, peers, seeded)
    status, refused = await declare(http, server, call, b"hello", mime="text/plain")
    assert status == 415 and refused["error"]["code"] == "unsupported_type"

    # a JPEG declared as PDF is refused at its first chunk, before megabytes follow
    jpeg = jpeg_bytes(4000)
    page_id = (await declare(http, server, call, jpeg, mime="application/pdf"))[1]["page_id"]
    status, refused = await put(http, server, call, page_id, 0, jpeg[:1000])
    assert status == 415 and refused["error"]["code"] == "unsupported_type"
    status, _ = await call_api(
        http, "GET", f"{pages_url(server, call.call_id)}/{page_id}/status", call.kiosk
    )
    assert status == 404

    # a first chunk too short to tell is checked when the page completes
    fake_png = b"\x89PNxxxxxxxxxxxxxxxx"
    page_id = (await declare(http, server, call, fake_png, mime="image/png"))[1]["page_id"]
    assert (await put(http, server, call, page_id, 0, fake_png[:3]))[0] == 200
    assert (await put(http, server, call, page_id, 3, fake_png[3:]))[0] == 200
    status, refused = await complete(http, server, call, page_id)
    assert status == 415 and refused["error"]["code"] == "unsupported_type"

    async with PageUploader(server.url, call.kiosk) as uploader:
        with pytest.raises(UploadError) as wrong:
            await uploader.upload(call.call_id, jpeg, "image/png")
        assert (wrong.value.status, wrong.value.code) == (415, "unsupported_type")
        pdf = b"%PDF-1.7\n" + os.urandom(3000)
        meta = await uploader.upload(call.call_id, pdf, "application/pdf", label="申请表")
    assert meta["mime"] == "application/pdf" and meta["width"] is None


# --- Who may upload and read ------------------------------------------------------------------


async def test_only_the_kiosk_of_the_live_call_uploads(
    server: RecordsServer, peers: Connect, seeded: Seed, http: aiohttp.ClientSession
) -> None:
    call = await start_call(server, peers, seeded, "alice", kiosk_no=0)
    other_call = await start_call(server, peers, seeded, "bob", kiosk_no=1)
    data = jpeg_bytes(1000)
    url = pages_url(server, call.call_id)
    declaration = {"sha256": hashlib.sha256(data).hexdigest(), "size": 1000, "mime": "image/jpeg"}
    idle_kiosk = seeded.kiosk_credentials[2]
    for token, code in (
        (idle_kiosk, "not_in_call"),
        (other_call.kiosk, "not_in_call"),
        (seeded.other_kiosk_credential, "not_in_call"),
        (call.clerk, "forbidden"),
    ):
        status, refused = await call_api(http, "POST", url, token, json=declaration)
        assert (status, refused["error"]["code"]) == (403, code)
    status, refused = await call_api(
        http, "POST", pages_url(server, "call-000000000000"), call.kiosk, json=declaration
    )
    assert (status, refused["error"]["code"]) == (404, "not_in_call")
    status, refused = await call_api(http, "POST", url, None, json=declaration)
    assert (status, refused["error"]["code"]) == (401, "auth_required")
    status, refused = await call_api(http, "POST", url, "not-a-credential", json=declaration)
    assert (status, refused["error"]["code"]) == (401, "auth_failed")

    page_id = (await declare(http, server, call, data))[1]["page_id"]
    status, _ = await call_api(
        http, "PUT", f"{url}/{page_id}", other_call.kiosk, params={"offset": "0"}, data=data
    )
    assert status == 403
    status, _ = await call_api(http, "POST", f"{url}/{page_id}/complete", other_call.kiosk)
    assert status == 403


async def test_readers_are_the_clerk_the_centers_supervisors_and_the_kiosk(
    server: RecordsServer, peers: Connect, seeded: Seed, http: aiohttp.ClientSession
) -> None:
    call = await start_call(server, peers, seeded, "alice", kiosk_no=0)
    other_call = await start_call(server, peers, seeded, "bob", kiosk_no=1)
    data = jpeg_bytes(10 * KIB)
    async with PageUploader(server.url, call.kiosk) as kiosk:
        meta = await kiosk.upload(call.call_id, data, "image/jpeg")
        assert await kiosk.fetch(call.call_id, meta["page_id"]) == data
    page_url = f"{pages_url(server, call.call_id)}/{meta['page_id']}"

    for reader in ("sue", "adam"):
        async with PageUploader(server.url, await server.login(reader)) as staff:
            assert await staff.fetch(call.call_id, meta["page_id"]) == data
            assert [page["page_id"] for page in await staff.list_pages(call.call_id)] == [
                meta["page_id"]
            ]
    for outsider in ("olga", "bob"):  # another center's clerk; this center's, not in the call
        status, refused = await call_api(http, "GET", page_url, await server.login(outsider))
        assert (status, refused["error"]["code"]) == (403, "forbidden")
    status, refused = await call_api(http, "GET", page_url, other_call.kiosk)
    assert (status, refused["error"]["code"]) == (403, "not_in_call")
    status, refused = await call_api(http, "GET", page_url)
    assert (status, refused["error"]["code"]) == (401, "auth_required")
    status, _ = await call_api(http, "GET", pages_url(server, call.call_id))
    assert status == 401

    async with PageUploader(server.url, await server.login("olga")) as olga:
        with pytest.raises(UploadError) as refused_error:
            await olga.list_pages(call.call_id)
    assert (refused_error.value.status, refused_error.value.code) == (403, "forbidden")


async def test_list_shows_finished_pages_of_the_call_only(
    server: RecordsServer, peers: Connect, seeded: Seed, http: aiohttp.ClientSession
) -> None:
    call = await start_call(server, peers, seeded)
    async with PageUploader(server.url, call.clerk) as clerk:
        assert await clerk.list_pages(call.call_id) == []
        async with PageUploader(server.url, call.kiosk) as kiosk:
            first = await kiosk.upload(call.call_id, jpeg_bytes(5000), "image/jpeg", "户口本")
            second = await kiosk.upload(call.call_id, png_bytes(120, 80), "image/png", "签名")
        unfinished = jpeg_bytes(5000)
        await declare(http, server, call, unfinished)
        pages = await clerk.list_pages(call.call_id)
    assert [page["page_id"] for page in pages] == [first["page_id"], second["page_id"]]
    assert [page["label"] for page in pages] == ["户口本", "签名"]
    assert (pages[1]["width"], pages[1]["height"]) == (120, 80)
    assert pages[1] == second


async def test_every_staff_read_is_audited(
    server: RecordsServer, peers: Connect, seeded: Seed
) -> None:
    call = await start_call(server, peers, seeded)
    data = jpeg_bytes(5000)
    async with PageUploader(server.url, call.kiosk) as kiosk:
        meta = await kiosk.upload(call.call_id, data, "image/jpeg")
        await kiosk.fetch(call.call_id, meta["page_id"])  # the kiosk is not staff
    for reader in (call.clerk, await server.login("sue")):
        async with PageUploader(server.url, reader) as staff:
            await staff.fetch(call.call_id, meta["page_id"])
            await staff.list_pages(call.call_id)  # metadata, not the page
    events = await server.store.audit_events("page.read")
    alice = await server.store.staff_by_username("alice")
    sue = await server.store.staff_by_username("sue")
    assert alice is not None and sue is not None
    assert [(e.actor_kind, e.actor_id) for e in events] == [
        ("staff", alice.staff_id),
        ("staff", sue.staff_id),
    ]
    for event in events:
        assert (event.center_id, event.target) == (seeded.center_id, meta["page_id"])
        assert event.detail == {"call_id": call.call_id, "request_id": call.request_id}


async def test_pages_stay_readable_by_clerk_and_supervisors_after_the_call(
    server: RecordsServer, peers: Connect, seeded: Seed, http: aiohttp.ClientSession
) -> None:
    clerk_token = await server.login("alice")
    clerk = await peers(server.ws_url, clerk_token)
    await clerk.send(p.SetClerkState(state="available"))
    await clerk.expect(p.ClerkStatus, lambda m: m.state == "available")
    kiosk = await peers(server.ws_url, seeded.kiosk_credentials[0])
    await kiosk.send(p.JoinQueue(item_code="YB-003"))
    ring = await clerk.expect(p.Ring)
    await clerk.send(p.AcceptCall(request_id=ring.request_id))
    info = (await kiosk.expect(p.CallStarted)).call
    call = LiveCall(info.call_id, info.request_id, seeded.kiosk_credentials[0], clerk_token)
    data = jpeg_bytes(5000)
    async with PageUploader(server.url, call.kiosk) as uploader:
        meta = await uploader.upload(call.call_id, data, "image/jpeg")

    await clerk.send(p.Hangup(call_id=call.call_id, outcome="accepted"))
    await kiosk.expect(p.CallEnded)
    assert server.hub.engine.request_of_call(call.call_id) is None

    page_url = f"{pages_url(server, call.call_id)}/{meta['page_id']}"
    for reader in (call.clerk, await server.login("sue")):
        async with PageUploader(server.url, reader) as staff:
            assert await staff.fetch(call.call_id, meta["page_id"]) == data
            assert len(await staff.list_pages(call.call_id)) == 1
    for outsider in (call.kiosk, await server.login("olga"), await server.login("bob")):
        assert (await call_api(http, "GET", page_url, outsider))[0] == 403
    status, refused = await declare(http, server, call, data)
    assert (status, refused["error"]["code"]) == (404, "not_in_call")
