"""``vwindow kiosk --headless``: a whole scripted visit from the kiosk's side, without a
screen: join the queue for an item, present (simulated) card data, wait, take the call with
synthetic or real media, send scanned pages, re-scan on request, confirm and sign the form,
take the receipt, rate the service (on the data channel for the clerk's screen, and to the
records API, where it counts). Prints a transcript; returns a summary."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from kiosk.announce import uploaded_page
from kiosk.devices.base import ScannedPage
from kiosk.devices.sample_pages import render_page, render_signature
from kiosk.privacy import SessionVault, clear_leftovers
from shared import protocol as p
from shared.call import messages as m
from shared.call.agent import CallAgent
from shared.call.channel_pages import send_page_over_channel
from shared.call.ice import IcePolicy
from shared.call.media import MediaConfig
from shared.call.session import CallConfig, CallSession, CallState
from shared.call.turn_client import fetch_ice_servers
from shared.call.upload import PageUploader
from shared.records_client import RecordsClient, RecordsError
from shared.signaling_client import SignalingClient
from shared.transcript import Transcript

#: GB 11643's published worked example: a valid number that belongs to nobody
DEMO_ID_NUMBER = "11010519491231002X"
PAGE_LABELS = ("身份证正反面", "社保卡", "申请表")
RATING_LEVEL = 5
RATING_REASONS = ("态度好", "办事快")


@dataclass
class KioskOptions:
    server_url: str
    credential: str
    item_code: str = "YB-003"
    pages: int = 3
    media: MediaConfig = field(default_factory=lambda: MediaConfig(synthetic_label="kiosk"))
    #: None: as the server's address says (IcePolicy.for_server), like every other side
    ice_policy: IcePolicy | None = None
    relay_only: bool = False
    page_path: str = "upload"  # or "channel"
    page_dpi: int = 300
    timeout_s: float = 120.0
    #: where session folders live (default: the user's runtime dir, a tmpfs on Linux)
    runtime_root: Path | None = None


class HeadlessKiosk:
    def __init__(self, options: KioskOptions, transcript: Transcript | None = None) -> None:
        self.options = options
        self.say = (transcript or Transcript("kiosk")).say
        self.http: aiohttp.ClientSession | None = None
        self.uploader: PageUploader | None = None
        self.agent = CallAgent(
            config_for_call=self._call_config,
            on_message=self._on_call_message,
            on_call=self._on_call,
            on_state=self._on_call_state,
            on_ended=self._on_ended,
        )
        self.signaling: SignalingClient | None = None
        self.ended: asyncio.Future[p.CallEnded] | None = None
        self.call_ready = asyncio.Event()
        self.pages_sent: list[str] = []
        self.receipt: m.Receipt | None = None
        self.records: RecordsClient | None = None
        self.rated_case: str | None = None
        self.accepted_at: float | None = None
        self.media_at: float | None = None
        self.vault = SessionVault(options.runtime_root)

    async def run(self) -> dict[str, Any]:
        # a previous visit that crashed may have left a session folder: remove it first
        clear_leftovers(self.options.runtime_root)
        try:
            return await self._run()
        finally:
            # nothing of this resident stays on the kiosk: card data, pages, signature
            self.vault.wipe()

    async def _run(self) -> dict[str, Any]:
        loop = asyncio.get_running_loop()
        self.ended = loop.create_future()
        ws_url = self.options.server_url.replace("http", "ws", 1) + "/ws"
        async with aiohttp.ClientSession() as http:
            self.http = http
            self.uploader = PageUploader(self.options.server_url, self.options.credential, http)
            self.records = RecordsClient(self.options.server_url, self.options.credential, http)
            self.signaling = SignalingClient(
                ws_url, self.options.credential, self._on_signal, session=http, app="kiosk"
            )
            self.agent.attach(self.signaling)
            self.signaling.start()
            try:
                return await asyncio.wait_for(self._visit(), self.options.timeout_s)
            finally:
                await self.agent.close()
                await self.signaling.close()

    async def _visit(self) -> dict[str, Any]:
        assert self.signaling is not None and self.ended is not None
        welcome = await self.signaling.wait_connected()
        self.say(f"connected as {welcome.name}")
        if welcome.call is None:
            await self.signaling.send(
                p.JoinQueue(item_code=self.options.item_code, identified=True, id="join")
            )
            self.say(f"resident chose {self.options.item_code} and confirmed the materials")
        await self.call_ready.wait()
        session = self.agent.session
        assert session is not None
        await session.wait_media()
        self.media_at = time.perf_counter()
        self.say("video and audio flowing both ways")
        self.vault.put("card:id_number", DEMO_ID_NUMBER)
        await session.send(
            m.CardData(
                card_type="resident_id",
                name="演示居民",
                id_number=DEMO_ID_NUMBER,
                sex="女",
                nation="汉",
                birth_date="1949-12-31",
                address="演示区演示街道",
                valid_to="长期",
            )
        )
        self.say("card data sent to the clerk")
        for index in range(self.options.pages):
            label = PAGE_LABELS[index % len(PAGE_LABELS)]
            await self._send_page(session, await self._scan(label, 1))
        outcome = await self.ended
        return {
            "outcome": outcome.outcome,
            "reason": str(outcome.reason),
            "pages": len(self.pages_sent),
            "case_number": self.receipt.case_number if self.receipt else None,
            "rated_case": self.rated_case,
            "reconnects": session.stats.reconnects,
        }

    async def _scan(self, label: str, take: int) -> ScannedPage:
        # rendering (like a real scan's image processing) takes ~0.5 s of CPU: off the
        # event loop, so that media and signaling keep flowing meanwhile
        return await asyncio.to_thread(render_page, label, take, dpi=self.options.page_dpi)

    async def _send_page(self, session: CallSession, page: ScannedPage) -> None:
        captured = time.time()
        if self.options.page_path == "channel":
            page_id = await send_page_over_channel(
                session,
                page.data,
                mime=page.mime,
                width=page.width,
                height=page.height,
                label=page.label,
                captured_at=captured,
            )
        else:
            assert self.uploader is not None
            meta = await self.uploader.upload(session.call_id, page.data, page.mime, page.label)
            page_id = meta["page_id"]
            await session.send(uploaded_page(page, meta, captured))
        self.vault.put(f"page:{page_id}", page.data)
        self.pages_sent.append(page_id)
        self.say(f"page '{page.label}' sent ({len(page.data) // 1024} KiB)")

    # --- Handlers ---------------------------------------------------------------------------

    async def _on_signal(self, message: p.ServerMessage) -> None:
        await self.agent.handle(message)
        if isinstance(message, p.QueueUpdate):
            queue = message.queue
            if queue.status == p.RequestStatus.RINGING:
                self.say("a clerk is being called")
            else:
                eta = f"about {queue.eta_s} s" if queue.eta_s is not None else "no clerk on duty"
                self.say(f"waiting: position {queue.position}, {eta}")
        elif isinstance(message, p.Error):
            self.say(f"server refused: {message.code} ({message.reason})")

    async def _on_call(self, session: CallSession) -> None:
        call = self.agent.call
        if call is not None:
            self.say(f"call with {call.peer_name}, window {call.window_no or '-'}")
        self.accepted_at = time.perf_counter()
        self.call_ready.set()

    async def _on_call_state(self, session: CallSession, state: CallState, why: str) -> None:
        if state in (CallState.RECONNECTING, CallState.CONNECTED) and session.stats.reconnects:
            self.say(f"call {state} ({why})")

    async def _on_call_message(self, message: m.CallMessage) -> None:
        session = self.agent.session
        if session is None:
            return
        if isinstance(message, m.DeviceCommand):
            if message.command in ("scan_again", "capture_page"):
                take = 2 if message.command == "scan_again" else 1
                label = "重扫" if message.command == "scan_again" else "补充材料"
                self.say(f"clerk asked: {message.command} {message.note}".strip())
                await self._send_page(session, await self._scan(label, take))
        elif isinstance(message, m.FormPushed):
            self.say(
                f"form '{message.title}' shown: "
                + "; ".join(f"{f.label}={f.value}" for f in message.fields)
            )
            signature = await asyncio.to_thread(render_signature)
            assert self.uploader is not None
            meta = await self.uploader.upload(
                session.call_id, signature.data, signature.mime, signature.label
            )
            await session.send(
                m.FormAnswered(
                    form_id=message.form_id, confirmed=True, signature_page_id=meta["page_id"]
                )
            )
            self.say("resident confirmed and signed")
        elif isinstance(message, m.Receipt):
            self.receipt = message
            self.say(f"receipt: case {message.case_number}, {message.outcome}")
            await session.send(m.Rating(level=RATING_LEVEL, reasons=list(RATING_REASONS)))
            await self._rate(session.call_id)
            self.say(f"resident rated the service {RATING_LEVEL}/5")
        elif isinstance(message, m.ChannelError):
            self.say(f"clerk's side refused a message: {message.code} ({message.reason})")

    async def _rate(self, call_id: str) -> None:
        assert self.records is not None
        try:
            rated = await self.records.rate_call(call_id, RATING_LEVEL, RATING_REASONS)
        except RecordsError as exc:
            # the clerk still saw it on the channel; the resident is not kept waiting
            self.say(f"the server did not take the rating: {exc.code} ({exc.reason})")
            return
        self.rated_case = rated["case_number"]

    async def _on_ended(self, message: p.CallEnded) -> None:
        call = self.agent.call
        if message.reason == p.EndReason.TRANSFERRED:
            self.say("the clerk transferred the call: waiting for the next clerk")
            return
        if call is not None and message.call_id != call.call_id:
            self.say("the third party left the call")
            return
        self.say(f"call ended: {message.reason}, outcome {message.outcome}")
        if self.ended is not None and not self.ended.done():
            self.ended.set_result(message)

    async def _call_config(self) -> CallConfig:
        http = self.http
        assert http is not None
        return CallConfig(
            media=self.options.media,
            ice_servers=tuple(
                await fetch_ice_servers(self.options.server_url, self.options.credential, http)
            ),
            relay_only=self.options.relay_only,
            ice_policy=self.options.ice_policy
            or IcePolicy.for_server(self.options.server_url),
        )
