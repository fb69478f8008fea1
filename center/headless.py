"""``vwindow console --headless``: a clerk's whole scripted session without a screen: log in,
go available, accept the ring, open the case in the records (which issues its number), store
the resident's card, view and accept each scanned page as it arrives, reject one and ask for
it again, push the form to be confirmed and signed and record it, close the case with its
outcome, send the receipt with the case number. Prints a transcript; returns a summary with
timings."""

from __future__ import annotations

import asyncio
import datetime as dt
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import msgspec

from shared import protocol as p
from shared.call import messages as m
from shared.call.agent import CallAgent
from shared.call.channel_pages import PageAssembler
from shared.call.ice import IcePolicy
from shared.call.media import MediaConfig
from shared.call.session import CallConfig, CallSession, CallState
from shared.call.turn_client import fetch_ice_servers
from shared.call.upload import PageUploader
from shared.identity import mask_id_number
from shared.records_client import RecordsClient, RecordsError
from shared.signaling_client import SignalingClient
from shared.transcript import Transcript


@dataclass
class ConsoleOptions:
    server_url: str
    username: str
    password: str
    pages_expected: int = 3
    rescan: bool = True
    outcome: str = "accepted"
    #: what closing needs for the other outcomes
    missing_materials: tuple[str, ...] = ("户口簿",)
    referred_to: str = "区医保中心"
    reason: str = "需要本人到场核验"
    media: MediaConfig = field(default_factory=lambda: MediaConfig(synthetic_label="console"))
    #: None: as the server's address says (IcePolicy.for_server), like every other side
    ice_policy: IcePolicy | None = None
    relay_only: bool = False
    timeout_s: float = 120.0


@dataclass(frozen=True)
class ViewedPage:
    page_id: str
    label: str
    size: int
    path: str
    #: captured at the kiosk → bytes verified at the console
    delay_ms: float


class HeadlessConsole:
    def __init__(self, options: ConsoleOptions, transcript: Transcript | None = None) -> None:
        self.options = options
        self.say = (transcript or Transcript("console")).say
        self.http: aiohttp.ClientSession | None = None
        self.token = ""
        self.uploader: PageUploader | None = None
        self.records: RecordsClient | None = None
        self.case_number: str | None = None
        self.case_ready = asyncio.Event()
        self.signaling: SignalingClient | None = None
        self.agent = CallAgent(
            config_for_call=self._call_config,
            on_message=self._on_call_message,
            on_call=self._on_call,
            on_state=self._on_call_state,
        )
        self.assembler = PageAssembler()
        self.pages: list[ViewedPage] = []
        self.page_arrived = asyncio.Condition()
        self.card: m.CardData | None = None
        self.form_answer: asyncio.Future[m.FormAnswered] | None = None
        self.rating: m.Rating | None = None
        self.call_started = asyncio.Event()
        self.accepted_at: float | None = None
        self.media_at: float | None = None

    async def run(self) -> dict[str, Any]:
        async with aiohttp.ClientSession() as http:
            self.http = http
            self.token = await self._login()
            ws_url = self.options.server_url.replace("http", "ws", 1) + "/ws"
            self.uploader = PageUploader(self.options.server_url, self.token, http)
            self.records = RecordsClient(self.options.server_url, self.token, http)
            self.signaling = SignalingClient(
                ws_url, self.token, self._on_signal, session=http, app="console"
            )
            self.agent.attach(self.signaling)
            self.signaling.start()
            try:
                return await asyncio.wait_for(self._session(), self.options.timeout_s)
            finally:
                await self.agent.close()
                await self.signaling.close()

    async def _login(self) -> str:
        assert self.http is not None
        async with self.http.post(
            f"{self.options.server_url}/api/v1/login",
            json={"username": self.options.username, "password": self.options.password},
        ) as response:
            body = await response.json()
            if response.status != 200:
                raise PermissionError(body.get("error", {}).get("reason", "login refused"))
        self.say(f"logged in as {body['staff']['display_name']}")
        token: str = body["token"]
        return token

    async def _session(self) -> dict[str, Any]:
        assert self.signaling is not None
        welcome = await self.signaling.wait_connected()
        if welcome.call is None:
            await self.signaling.send(p.SetClerkState(state="available"))
            self.say("available")
        await self.call_started.wait()
        session = self.agent.session
        assert session is not None and self.records is not None
        case = await self.records.open_case(session.call_id)
        case_number: str = case["case_number"]
        self.case_number = case_number
        self.case_ready.set()
        self.say(f"case {case_number} opened")
        await session.wait_media()
        self.media_at = time.perf_counter()
        self.say("resident on screen, audio flowing")
        await self._wait_pages(self.options.pages_expected)
        if self.options.rescan and self.pages:
            blurred = self.pages[min(1, len(self.pages) - 1)]
            if blurred.path == "upload":
                await self.records.review_page(case_number, blurred.page_id, False, "看不清")
            await self.records.add_event(case_number, "scan_again", blurred.label)
            await session.send(
                m.DeviceCommand(command="scan_again", page_id=blurred.page_id, note="看不清")
            )
            self.say(f"rejected '{blurred.label}' (看不清) and asked to scan it again")
            await self._wait_pages(self.options.pages_expected + 1)
        await self._confirm_form(session)
        closed = await self.records.close_case(
            case_number,
            self.options.outcome,
            missing_materials=(
                self.options.missing_materials if self.options.outcome == "needs_more" else ()
            ),
            referred_to=self.options.referred_to if self.options.outcome == "referred" else "",
            reason=self.options.reason if self.options.outcome == "cannot_be_done" else "",
        )
        call = self.agent.call
        await session.send(
            m.Receipt(
                case_number=case_number,
                item_name=call.item_name if call else "",
                outcome=self.options.outcome,
                # issued by the server: its public address and the case's token
                tracking_url=closed["tracking_url"],
                missing_materials=list(closed["missing_materials"]),
            )
        )
        self.say(f"case {case_number} closed: {self.options.outcome}; receipt sent")
        await asyncio.sleep(0.3)  # let the rating arrive before hanging up
        assert self.signaling is not None
        await self.signaling.send(
            p.Hangup(call_id=session.call_id, reason="done", outcome=self.options.outcome)
        )
        self.say("closed the case and hung up")
        recorded = await self.records.get_case(case_number)
        stats = session.stats
        latencies = sorted(stats.latency_ms)
        return {
            "outcome": self.options.outcome,
            "case_number": case_number,
            "tracking_url": closed["tracking_url"],
            "case_pages": len(recorded["pages"]),
            "accepted_pages": sum(
                1 for page in recorded["pages"] if (page["review"] or {}).get("accepted")
            ),
            "pages": len(self.pages),
            "page_delays_ms": [round(page.delay_ms, 1) for page in self.pages],
            "rating": self.rating.level if self.rating else None,
            "card": mask_id_number(self.card.id_number) if self.card else None,
            "latency_p50_ms": latencies[len(latencies) // 2] if latencies else None,
            "setup_ms": round((self.media_at - (self.accepted_at or self.media_at)) * 1000, 1),
        }

    async def _wait_pages(self, count: int) -> None:
        async with self.page_arrived:
            await self.page_arrived.wait_for(lambda: len(self.pages) >= count)

    async def _confirm_form(self, session: CallSession) -> None:
        self.form_answer = asyncio.get_running_loop().create_future()
        fields = [
            m.FormField(key="name", label="申请人", value=self.card.name if self.card else ""),
            m.FormField(
                key="item", label="事项", value=self.agent.call.item_name if self.agent.call else ""
            ),
            m.FormField(key="date", label="日期", value=dt.date.today().isoformat()),
        ]
        form = m.FormPushed(form_id="form-" + secrets.token_hex(4), title="申请确认", fields=fields)
        await session.send(form)
        assert self.records is not None and self.case_number is not None
        await self.records.add_event(self.case_number, "form_pushed", form.form_id)
        self.say("form pushed to the kiosk for confirmation and signature")
        answer = await self.form_answer
        await self.records.put_form(
            self.case_number,
            {
                "form_id": form.form_id,
                "title": form.title,
                "fields": [msgspec.to_builtins(f) for f in form.fields],
                "confirmed": answer.confirmed,
                "signature_page_id": answer.signature_page_id,
                "comment": answer.comment,
            },
        )
        if answer.confirmed:
            self.say(f"resident confirmed; signature page {answer.signature_page_id}")
        else:
            self.say(f"resident asked for a correction: {answer.comment}")

    # --- Handlers ---------------------------------------------------------------------------

    async def _on_signal(self, message: p.ServerMessage) -> None:
        await self.agent.handle(message)
        if isinstance(message, p.Ring):
            self.say(
                f"ringing: {message.item_name} from {message.kiosk_name} "
                f"(waited {message.waited_s:.0f} s)"
            )
            self.accepted_at = time.perf_counter()
            assert self.signaling is not None
            await self.signaling.send(p.AcceptCall(request_id=message.request_id))
        elif isinstance(message, p.Error):
            self.say(f"server refused: {message.code} ({message.reason})")

    async def _on_call(self, session: CallSession) -> None:
        self.call_started.set()

    async def _on_call_state(self, session: CallSession, state: CallState, why: str) -> None:
        if session.stats.reconnects or state == CallState.RECONNECTING:
            self.say(f"call {state} ({why})")

    async def _on_call_message(self, message: m.CallMessage) -> None:
        session = self.agent.session
        if isinstance(message, m.CardData):
            self.card = message
            self.say(f"card: {message.name}, {mask_id_number(message.id_number)}")
            await self._record(lambda records, n: records.put_card(n, message), "card")
        elif isinstance(message, m.PageAnnounced):
            if message.path == "upload":
                await self._fetch_page(message)
            else:
                try:
                    self.assembler.announce(message)
                except m.ChannelProtocolError as exc:
                    if session is not None:
                        await session.send(exc.to_message())
        elif isinstance(message, m.PageChunk):
            try:
                page = self.assembler.feed(message)
            except m.ChannelProtocolError as exc:
                self.say(f"page refused: {exc.reason}")
                if session is not None:
                    await session.send(exc.to_message())
                return
            if page is not None:
                await self._viewed(page.announce, "channel")
                if session is not None:
                    await session.send(m.PageReceived(page_id=page.announce.page_id))
        elif isinstance(message, m.FormAnswered):
            if self.form_answer is not None and not self.form_answer.done():
                self.form_answer.set_result(message)
        elif isinstance(message, m.Rating):
            self.rating = message
            self.say(f"rated {message.level}/5 {' '.join(message.reasons)}")
        elif isinstance(message, m.ChannelError):
            self.say(f"kiosk refused a message: {message.code} ({message.reason})")

    async def _fetch_page(self, message: m.PageAnnounced) -> None:
        assert self.uploader is not None and self.agent.session is not None
        data = await self.uploader.fetch(self.agent.session.call_id, message.page_id)
        if len(data) != message.size:
            self.say(f"page {message.page_id} size differs from its announcement")
            return
        # accepted before it counts as viewed, so a later rejection is the last word
        await self._record(
            lambda records, n: records.review_page(n, message.page_id, True), "page review"
        )
        await self._viewed(message, "upload")

    async def _record(
        self, change: Callable[[RecordsClient, str], Awaitable[object]], what: str
    ) -> None:
        """Writes to the case once it is open; a refusal is told, not fatal, as at a
        console whose records service is briefly unreachable."""
        await self.case_ready.wait()
        assert self.records is not None and self.case_number is not None
        try:
            await change(self.records, self.case_number)
        except RecordsError as exc:
            self.say(f"records refused the {what}: {exc.code} ({exc.reason})")

    async def _viewed(self, message: m.PageAnnounced, path: str) -> None:
        delay = (time.time() - message.captured_at) * 1000 if message.captured_at else 0.0
        self.pages.append(ViewedPage(message.page_id, message.label, message.size, path, delay))
        self.say(
            f"page '{message.label}' viewable ({message.size // 1024} KiB, "
            f"{delay:.0f} ms after capture, via {path})"
        )
        async with self.page_arrived:
            self.page_arrived.notify_all()

    async def _call_config(self) -> CallConfig:
        assert self.http is not None
        return CallConfig(
            media=self.options.media,
            ice_servers=tuple(
                await fetch_ice_servers(self.options.server_url, self.token, self.http)
            ),
            relay_only=self.options.relay_only,
            ice_policy=self.options.ice_policy
            or IcePolicy.for_server(self.options.server_url),
        )

