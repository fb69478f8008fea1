"""The console's network side: log in, the signaling link, the call (media and data channel),
the pages and the case records. It keeps the pure state of :mod:`center.console.model` up to
date and tells a listener (the window) what changed; it never touches a widget."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import secrets
import statistics
import time
from collections.abc import Awaitable
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

import aiohttp
from av import AudioFrame, VideoFrame

from center.console import model
from shared import protocol as p
from shared.call import messages as m
from shared.call.agent import CallAgent
from shared.call.channel_pages import PageAssembler
from shared.call.ice import IcePolicy
from shared.call.media import MediaConfig
from shared.call.session import CallConfig, CallSession, CallState
from shared.call.turn_client import fetch_ice_servers
from shared.call.upload import PageUploader, UploadError
from shared.catalog import CatalogItem
from shared.identity import mask_id_number
from shared.records_client import RecordsClient, RecordsError
from shared.signaling_client import LinkState, NotConnected, SignalingClient

log = logging.getLogger(__name__)


# --- Logging in ----------------------------------------------------------------------------


class LoginError(Exception):
    """Why logging in failed, in words for the clerk (Chinese source text)."""

    def __init__(self, kind: str, text: str, detail: str = "") -> None:
        super().__init__(text + detail)
        #: "credentials", "rate_limited", "unreachable", "server"
        self.kind = kind
        self.text = text
        self.detail = detail


@dataclass(frozen=True)
class Staff:
    token: str
    staff_id: str
    center_id: str
    username: str
    display_name: str
    role: str
    window_no: str | None
    skills: tuple[str, ...]

    @property
    def supervises(self) -> bool:
        return self.role in ("supervisor", "admin")


async def login(
    server_url: str, username: str, password: str, http: aiohttp.ClientSession
) -> Staff:
    try:
        async with http.post(
            f"{server_url}/api/v1/login",
            json={"username": username, "password": password},
            timeout=aiohttp.ClientTimeout(total=15),
        ) as response:
            try:
                body = await response.json(content_type=None)
            except ValueError:
                body = {}
            status = response.status
    except (aiohttp.ClientError, OSError, TimeoutError) as exc:
        log.info("login to %s failed: %s", server_url, exc)
        raise LoginError("unreachable", "连不上服务器，请检查网络或联系管理员") from exc
    if status == 401:
        raise LoginError("credentials", "用户名或密码不对")
    if status == 429:
        raise LoginError("rate_limited", "登录失败次数太多，请稍后再试")
    if status != 200 or not isinstance(body, dict) or "token" not in body:
        raise LoginError("server", "服务器出错，请稍后再试", f"（{status}）")
    staff = body["staff"]
    return Staff(
        token=body["token"],
        staff_id=staff["staff_id"],
        center_id=staff["center_id"],
        username=staff["username"],
        display_name=staff["display_name"],
        role=staff["role"],
        window_no=staff.get("window_no"),
        skills=tuple(staff.get("skills") or ()),
    )


# --- Refusals, in words for the clerk --------------------------------------------------------

SERVER_REFUSED = "服务器没有接受这个操作，请重试"
SERVER_ERROR_TEXTS: dict[str, str] = {
    p.ErrorCode.INVALID_STATE: "现在不能这样操作",
    p.ErrorCode.CLERK_UNAVAILABLE: "对方现在不在线或正忙",
    p.ErrorCode.NO_SUCH_CLERK: "没有这位工作人员",
    p.ErrorCode.UNKNOWN_SKILL: "没有这个业务条线",
    p.ErrorCode.FORBIDDEN: "服务器不允许此操作",
    p.ErrorCode.NOT_IN_CALL: "不在通话中",
    p.ErrorCode.RATE_LIMITED: "操作太频繁，请稍等几秒再试",
}
RECORDS_REFUSED = "办件记录没有保存成功，请重试"
RECORDS_ERROR_TEXTS: dict[str, str] = {
    "no_such_case": "找不到这个办件",
    "case_closed": "这个办件已经办结，不能再修改",
    "rule_violation": "办件信息不完整，请检查后再提交",
    "no_such_page": "找不到这页材料",
    "purged": "这个办件的个人信息已过保存期限并已清除",
    "unreachable": "连不上记录服务，请检查网络",
}


# --- What the window hears -----------------------------------------------------------------


class Listener(Protocol):
    def changed(self, what: str) -> None:
        """``state``, ``queue``, ``ring``, ``call``, ``card``, ``pages``, ``checklist``,
        ``form``, ``case``, ``link``, ``quality``, ``ended``, ``invite``, ``clerks``."""

    def notice(self, text: str, error: bool = False, detail: str = "") -> None:
        """``text`` is Chinese source text (translated by the window); ``detail`` is
        shown as it is (a server's reason, a code)."""

    def remote_frame(self, frame: VideoFrame) -> None: ...

    def local_frame(self, frame: VideoFrame) -> None: ...

    def page_data(self, page_id: str, data: bytes) -> None: ...

    def snapshot(self, snapshot: p.CenterSnapshot) -> None: ...

    def guest_frame(self, frame: VideoFrame) -> None:
        """Video of the third party's leg (for the clerk: the expert; for the expert: the
        clerk)."""

    def remote_audio(self, frame: AudioFrame) -> None:
        """Sound of the resident (the primary leg)."""

    def guest_audio(self, call_id: str, frame: AudioFrame) -> None:
        """Sound of one third-party leg, by its call id: each leg is its own voice."""


@dataclass
class Quality:
    """How the call looks from here, refreshed every second."""

    state: str = ""
    fps: float = 0.0
    latency_ms: float | None = None
    reconnects: int = 0

    @property
    def level(self) -> str:
        """``good``, ``fair``, ``poor`` or ``reconnecting``."""
        if self.state == CallState.RECONNECTING:
            return "reconnecting"
        if self.state != CallState.CONNECTED:
            return "poor" if self.state else ""
        if self.fps >= 20 and (self.latency_ms is None or self.latency_ms < 400):
            return "good"
        if self.fps >= 8:
            return "fair"
        return "poor"


@dataclass
class ConsoleOptions:
    media: MediaConfig = field(default_factory=lambda: MediaConfig(synthetic_label="console"))
    #: None: as the server's address says (IcePolicy.for_server), like every other side
    ice_policy: IcePolicy | None = None
    relay_only: bool = False


class ConsoleClient:
    def __init__(
        self,
        server_url: str,
        staff: Staff,
        http: aiohttp.ClientSession,
        listener: Listener,
        options: ConsoleOptions | None = None,
    ) -> None:
        self.server_url = server_url.rstrip("/")
        self.staff = staff
        self.http = http
        self.listener = listener
        self.options = options or ConsoleOptions()
        self.clerk = model.ClerkStateView()
        self.queue = model.QueueView()
        self.ring: model.RingView | None = None
        self.case: model.CaseWork | None = None
        self.quality = Quality()
        self.link = LinkState.CONNECTING
        self.catalog: dict[str, CatalogItem] = {}
        self.clerks: list[dict[str, Any]] = []
        self.invite_status: p.InviteStatus | None = None
        #: the server's clock minus ours (wrap-up ends on the server's clock)
        self.clock_offset = 0.0
        #: page bytes of the current case, in memory only; dropped when the case ends
        self.page_bytes: dict[str, bytes] = {}
        self.records = RecordsClient(self.server_url, staff.token, http)
        self.uploader = PageUploader(self.server_url, staff.token, http)
        self.assembler = PageAssembler()
        self.agent = CallAgent(
            config_for_call=self._call_config,
            on_message=self._on_call_message,
            on_call=self._on_call,
            on_state=self._on_call_state,
            on_ended=self._on_ended,
            on_video_frame=self.listener.remote_frame,
            on_leg_message=self._on_leg_message,
            on_leg_video_frame=self._on_leg_frame,
            on_audio_frame=self.listener.remote_audio,
            on_leg_audio_frame=self._on_leg_audio,
        )
        ws_url = self.server_url.replace("http", "ws", 1) + "/ws"
        self.signaling = SignalingClient(
            ws_url,
            staff.token,
            self._on_signal,
            on_state=self._on_link,
            session=http,
            app="console",
        )
        self.agent.attach(self.signaling)
        self._tasks: set[asyncio.Task[Any]] = set()
        self._quality_task: asyncio.Task[None] | None = None
        self._rated = asyncio.Event()
        #: the card is stored before its number can be revealed
        self._card_lock = asyncio.Lock()

    # --- Life cycle -------------------------------------------------------------------------

    async def start(self) -> p.Welcome:
        await self._load_catalog()
        self.signaling.start()
        welcome = await self.signaling.wait_connected(timeout=15)
        self._quality_task = asyncio.get_running_loop().create_task(self._watch_quality())
        self.spawn(self.load_clerks())
        return welcome

    async def close(self) -> None:
        if self._quality_task is not None:
            self._quality_task.cancel()
        for task in list(self._tasks):
            task.cancel()
        await self.agent.close()
        await self.signaling.close()
        self._wipe()

    def spawn(self, coro: Awaitable[Any]) -> None:
        """Run ``coro`` in the background; a failure becomes a notice, never a crash."""

        async def guarded() -> None:
            try:
                await coro
            except asyncio.CancelledError:
                raise
            except RecordsError as exc:
                log.warning("the records refused: %s %s", exc.code, exc.reason)
                self.listener.notice(RECORDS_ERROR_TEXTS.get(exc.code, RECORDS_REFUSED), error=True)
            except (NotConnected, ConnectionError) as exc:
                log.info("not sent: %s", exc)
                self.listener.notice("与服务器的连接中断，正在重连…", error=True)
            except Exception:
                log.exception("console task failed")
                self.listener.notice("操作失败，请重试", error=True)

        task = asyncio.ensure_future(guarded())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _load_catalog(self) -> None:
        async with self.http.get(
            f"{self.server_url}/api/v1/catalog", headers=self._auth()
        ) as response:
            response.raise_for_status()
            body = await response.json()
        for entry in body["items"]:
            item = CatalogItem(
                code=entry["code"],
                name=entry["name"],
                department=entry.get("department"),
                skill=entry["skill"],
                materials=tuple(entry.get("materials") or ()),
                remote_eligible=entry.get("remote_eligible"),
                time_limit_days=entry.get("time_limit_days"),
            )
            self.catalog[item.code] = item

    async def load_clerks(self) -> None:
        """The center's clerks for transfer and invite (``GET /api/v1/clerks``; an older
        server without it leaves only the business lines to choose)."""
        try:
            async with self.http.get(
                f"{self.server_url}/api/v1/clerks", headers=self._auth()
            ) as response:
                if response.status != 200:
                    return
                body = await response.json()
        except (aiohttp.ClientError, OSError):
            return
        entries = body.get("clerks", []) if isinstance(body, dict) else []
        self.clerks = [c for c in entries if not c.get("you")]
        self.listener.changed("clerks")

    def _auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.staff.token}"}

    def server_now(self) -> float:
        return time.time() + self.clock_offset

    # --- The clerk's commands ---------------------------------------------------------------

    async def set_state(self, state: str) -> None:
        if state not in ("available", "away"):
            raise ValueError(state)
        await self.signaling.send(p.SetClerkState(state=state))  # type: ignore[arg-type]

    async def accept(self) -> None:
        if self.ring is None:
            return
        await self.signaling.send(p.AcceptCall(request_id=self.ring.ring.request_id))

    async def decline(self, reason: str = "") -> None:
        if self.ring is None:
            return
        request_id = self.ring.ring.request_id
        self.ring = None
        self.listener.changed("ring")
        await self.signaling.send(p.DeclineCall(request_id=request_id, reason=reason))

    async def reveal_id(self) -> str:
        case = self._case()
        if case.card is None or case.case_number is None:
            raise RuntimeError("no card to reveal")
        async with self._card_lock:
            number = await self.records.reveal_id(case.case_number)
        case.revealed_id = number
        self.listener.changed("card")
        return number

    def hide_id(self) -> None:
        if self.case is not None:
            self.case.revealed_id = None
            self.listener.changed("card")

    async def request_rescan(self, page_id: str, note: str = "") -> None:
        case = self._case()
        session = self._session()
        if page_id in case.pages:
            case.pages[page_id].status = model.PageStatus.RESCAN
            case.checklist.page_rejected(page_id)
        await session.send(m.DeviceCommand(command="scan_again", page_id=page_id, note=note))
        self.listener.changed("pages")
        self.listener.changed("checklist")
        if case.case_number:
            label = case.pages[page_id].label if page_id in case.pages else ""
            await self.records.add_event(
                case.case_number, "scan_again", f"{page_id} {label} {note}".strip()
            )

    async def request_material(self, name: str) -> None:
        """Ask the kiosk for a page of the material ``name``: the resident is asked for it by
        name, and the page arrives labelled with it (and ticks it on the checklist)."""
        case = self._case()
        session = self._session()
        command_id = "material-" + secrets.token_hex(4)
        case.requested[command_id] = name
        await session.send(m.DeviceCommand(command="capture_page", note=name, id=command_id))
        self.listener.changed("checklist")
        if case.case_number:
            await self.records.add_event(case.case_number, "page_requested", name)

    async def reread_card(self) -> None:
        """Ask the kiosk to read the resident's card again (on its reader, now); the fresh
        card data replaces the old, or the kiosk says no card came."""
        case = self._case()
        session = self._session()
        case.card_request = "card-" + secrets.token_hex(4)
        await session.send(m.DeviceCommand(command="read_card", id=case.card_request))
        self.listener.changed("card")
        if case.case_number:
            await self.records.add_event(case.case_number, "card_reread", "请居民重新读卡")

    async def review_page(self, page_id: str, accepted: bool, reason: str = "") -> None:
        case = self._case()
        if not accepted and not reason.strip():
            raise ValueError("a rejected page needs a reason")
        if case.case_number:
            await self.records.review_page(case.case_number, page_id, accepted, reason)
        case.review(page_id, accepted, reason)
        self.listener.changed("pages")
        self.listener.changed("checklist")

    def toggle_material(self, index: int) -> None:
        self._case().checklist.toggle(index)
        self.listener.changed("checklist")

    async def push_form(self) -> None:
        case = self._case()
        session = self._session()
        case.form_id = "form-" + secrets.token_hex(4)
        case.form_state = model.FormState.PUSHED
        title = f"{case.item.name if case.item else case.call.item_name}申请确认"
        if case.case_number:
            await self.records.put_form(case.case_number, self._form_record(case))
        await session.send(
            m.FormPushed(form_id=case.form_id, title=title, fields=list(case.form))
        )
        self.listener.changed("form")
        if case.case_number:
            await self.records.add_event(case.case_number, "form_pushed", case.form_id)

    def _form_record(self, case: model.CaseWork) -> dict[str, Any]:
        values = case.form_values()
        if case.card is not None and "id_number" in values:
            # the record keeps the number sealed with the card; the form shows it masked
            values["id_number"] = mask_id_number(case.card.id_number)
        return {
            "form_id": case.form_id,
            "title": f"{case.call.item_name}申请确认",
            "fields": [{"key": f.key, "label": f.label, "value": values[f.key]} for f in case.form],
            "confirmed": case.form_state == model.FormState.CONFIRMED,
            "signature_page_id": case.signature_page_id,
            "comment": case.form_comment,
        }

    async def close_case(self, choice: model.OutcomeChoice) -> dict[str, Any]:
        """Close the case in the records, send the receipt to the kiosk, and hang up."""
        case = self._case()
        problems = model.outcome_problems(choice, case.form_state)
        if problems:
            raise ValueError(problems[0])
        if case.case_number is None:
            raise RuntimeError("the case was not opened in the records")
        printing = choice.print_receipt and self.main_session is not None
        if printing:
            # a closed case takes no more entries: the request is recorded before closing
            await self.records.add_event(case.case_number, "print_requested", str(choice.outcome))
        result = await self.records.close_case(
            case.case_number,
            str(choice.outcome),
            missing_materials=choice.missing,
            reason=choice.reason,
            note=choice.note,
            referred_to=choice.referred_to,
        )
        case.closed = result
        case_number = str(result.get("case_number") or case.case_number)
        case.case_number = case_number
        note = choice.note
        if choice.outcome == model.Outcome.REFERRED:
            note = f"请到{choice.referred_to}办理。{note}".strip()
        elif choice.outcome == model.Outcome.CANNOT_BE_DONE:
            note = f"{choice.reason}。中心会跟进联系您。{note}".strip()
        receipt = m.Receipt(
            case_number=case_number,
            item_name=case.item.name if case.item else case.call.item_name,
            outcome=str(choice.outcome),
            # issued by the records with the token that opens it; no token, no page
            tracking_url=str(result.get("tracking_url") or ""),
            missing_materials=list(choice.missing),
            note=note,
        )
        case.receipt = receipt
        session = self.main_session
        if session is not None:
            await session.send(receipt)
            if printing:
                case.print_request = "print-" + secrets.token_hex(4)
                await session.send(
                    m.DeviceCommand(command="print_receipt", id=case.print_request)
                )
            # the resident rates the service on the receipt screen: give it a moment
            await self._wait_rating(case, 3.0)
        with contextlib.suppress(RecordsError):
            await self.records.add_event(case_number, "receipt_sent", str(choice.outcome))
        self.listener.changed("case")
        await self.hang_up(str(choice.outcome))
        return result

    async def _wait_rating(self, case: model.CaseWork, timeout: float) -> None:
        self._rated.clear()
        if case.rating is None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._rated.wait(), timeout)

    async def hang_up(self, outcome: str | None = None) -> None:
        call = self.agent.call
        if call is None or self.main_session is None:
            return
        await self.signaling.send(
            p.Hangup(call_id=call.call_id, reason="done" if outcome else "hangup", outcome=outcome)
        )

    async def transfer(self, *, skill: str | None = None, clerk_id: str | None = None,
                       note: str = "") -> None:
        call = self.agent.call
        if call is None or self.main_session is None:
            return
        case = self.case
        if case is not None and case.case_number:
            # recorded first: once handed on, the case is no longer this clerk's to write
            target = clerk_id or skill or ""
            with contextlib.suppress(RecordsError):
                await self.records.add_event(
                    case.case_number, "transfer", f"{target} {note}".strip()
                )
        await self.signaling.send(
            p.TransferCall(call_id=call.call_id, skill=skill, clerk_id=clerk_id, note=note)
        )

    async def invite(self, *, skill: str | None = None, clerk_id: str | None = None,
                     note: str = "") -> None:
        call = self.agent.call
        if call is None or self.main_session is None:
            return
        await self.signaling.send(
            p.InviteToCall(call_id=call.call_id, skill=skill, clerk_id=clerk_id, note=note)
        )
        case = self.case
        if case is not None and case.case_number:
            target = clerk_id or skill or ""
            await self.records.add_event(case.case_number, "invite", f"{target} {note}".strip())

    async def search(self, **filters: Any) -> list[dict[str, Any]]:
        body = await self.records.search(**filters)
        cases: list[dict[str, Any]] = body.get("cases", [])
        return cases

    async def leave_call(self) -> None:
        """An invited third party leaves the call it joined."""
        for call_id in list(self.guest_legs):
            await self.signaling.send(p.LeaveCall(call_id=call_id))
            return

    async def remove_guest(self) -> None:
        """The clerk ends the invited third party's part in the call (hanging up their leg
        with the guest ends the guest's leg with the resident too); the call goes on."""
        if self.main_session is None:
            return
        for call_id in list(self.guest_legs):
            await self.signaling.send(p.Hangup(call_id=call_id, reason="removed"))

    def _case(self) -> model.CaseWork:
        if self.case is None:
            raise RuntimeError("no case is open")
        return self.case

    def _session(self) -> CallSession:
        session = self.main_session
        if session is None:
            raise ConnectionError("no call")
        return session

    # --- Signaling --------------------------------------------------------------------------

    async def _on_link(self, state: LinkState) -> None:
        self.link = state
        self.listener.changed("link")

    async def _on_signal(self, message: p.ServerMessage) -> None:
        await self.agent.handle(message)
        if isinstance(message, p.Welcome):
            self.clock_offset = message.server_time - time.time()
            if message.clerk_state is not None:
                self.clerk.state = message.clerk_state
                self.clerk.since = message.server_time
                self.listener.changed("state")
            # the queue: supervisors always; clerks where the server allows it
            await self.signaling.send(p.WatchCenter(on=True, id="watch"))
        elif isinstance(message, p.ClerkStatus):
            self.clerk.update(message)
            self.listener.changed("state")
        elif isinstance(message, p.CenterSnapshot):
            names = {code: item.name for code, item in self.catalog.items()}
            self.queue.update(message, names)
            self.queue.visible = True
            self.clock_offset = message.at - time.time()
            self.listener.changed("queue")
            self.listener.snapshot(message)
        elif isinstance(message, p.Ring):
            self.ring = model.RingView(message, time.monotonic())
            self.listener.changed("ring")
        elif isinstance(message, p.RingCancelled):
            if self.ring is not None and self.ring.ring.request_id == message.request_id:
                self.ring = None
                self.listener.changed("ring")
                if message.reason == "timeout":
                    self.listener.notice("来电无人接听，已转给其他工作人员")
                elif message.reason in ("cancelled", "kiosk_lost"):
                    self.listener.notice("居民已离开，来电取消")
        elif isinstance(message, p.InviteStatus):
            self.invite_status = message
            self.listener.changed("invite")
        elif isinstance(message, p.PeerPresence):
            if not message.connected:
                self.listener.notice("居民端网络中断，等待重连…", error=True)
        elif isinstance(message, p.Error):
            self._on_error(message)

    def _on_error(self, error: p.Error) -> None:
        if error.ref == "watch":
            self.queue.visible = False
            self.listener.changed("queue")
            return
        # the clerk reads a plain sentence; the code is for the log and IT
        log.warning("the server refused: %s (%s)", error.code, error.reason)
        self.listener.notice(SERVER_ERROR_TEXTS.get(error.code, SERVER_REFUSED), error=True)

    # --- Legs with a third party -----------------------------------------------------------

    @property
    def main_session(self) -> CallSession | None:
        """The call with the resident this console serves (an invited expert has none)."""
        call = self.agent.call
        if call is None or call.leg != "main":
            return None
        return self.agent.session

    @property
    def guest_calls(self) -> dict[str, p.CallInfo]:
        """Legs with an invited third party (for the invited expert: all their legs)."""
        return {cid: call for cid, call in self.agent.calls.items() if call.leg == "guest"}

    @property
    def guest_legs(self) -> dict[str, CallSession]:
        sessions = self.agent.sessions
        return {cid: sessions[cid] for cid in self.guest_calls if cid in sessions}

    def _on_leg_frame(self, session: CallSession, frame: VideoFrame) -> None:
        # the primary leg's frames already went to the large picture
        if session is not self.agent.session:
            self.listener.guest_frame(frame)

    def _on_leg_audio(self, session: CallSession, frame: AudioFrame) -> None:
        # the primary leg's sound already went to the resident's player
        if session is not self.agent.session:
            self.listener.guest_audio(session.call_id, frame)

    def _on_leg_message(self, session: CallSession, message: m.CallMessage) -> None:
        # the resident's case data goes only to the clerk of the case, on the main call
        log.debug("guest leg message %s ignored", type(message).__name__)

    # --- The call ---------------------------------------------------------------------------

    async def _call_config(self, preview: bool = True) -> CallConfig:
        media = self.options.media
        if preview:
            media = replace(media, on_local_frame=self.listener.local_frame)
        return CallConfig(
            media=media,
            ice_servers=tuple(
                await fetch_ice_servers(self.server_url, self.staff.token, self.http)
            ),
            relay_only=self.options.relay_only,
            ice_policy=self.options.ice_policy or IcePolicy.for_server(self.server_url),
        )

    async def _on_call(self, session: CallSession) -> None:
        call = self.agent.calls.get(session.call_id)
        if call is None:
            return
        self.ring = None
        if call.leg != "main":
            self.listener.changed("ring")
            self.listener.changed("legs")
            return
        self.listener.changed("ring")
        if self.case is None or self.case.call.call_id != call.call_id:
            self._wipe()
            case = model.CaseWork.start(call, self.catalog.get(call.item_code))
            case.form = model.form_fields(None, case.item.name if case.item else call.item_name,
                                          dt.date.today())
            self.case = case
            self.spawn(self._open_case(case))
        self.listener.changed("call")

    async def _open_case(self, case: model.CaseWork) -> None:
        opened = await self.records.open_case(case.call.call_id)
        case.case_number = str(opened["case_number"])
        self.listener.changed("case")
        if case.card is not None:
            async with self._card_lock:
                await self.records.put_card(case.case_number, case.card)

    async def _on_call_state(self, session: CallSession, state: CallState, why: str) -> None:
        if session is not self.agent.session:
            return
        self.quality.state = str(state)
        self.listener.changed("quality")

    async def _on_ended(self, message: p.CallEnded) -> None:
        if self.case is None or self.case.call.call_id != message.call_id:
            self.listener.changed("legs")
            return
        texts = {
            p.EndReason.HANGUP: "通话已结束",
            p.EndReason.KIOSK_LOST: "居民端断线，通话结束",
            p.EndReason.TRANSFERRED: "已转接，通话结束",
            p.EndReason.CLERK_LOST: "本机断线，通话结束",
        }
        if message.reason != p.EndReason.HANGUP or message.by == p.Role.KIOSK:
            self.listener.notice(texts.get(message.reason, "通话结束"))
        self.quality = Quality()
        self.listener.changed("ended")

    def finish_case(self) -> None:
        """The clerk is done with the ended case's screen: forget its personal data."""
        self._wipe()
        self.listener.changed("call")

    def _wipe(self) -> None:
        self.case = None
        self.page_bytes.clear()
        self.invite_status = None

    async def _watch_quality(self) -> None:
        last_frames = 0
        while True:
            await asyncio.sleep(1.0)
            session = self.agent.session
            if session is None:
                continue
            stats = session.stats
            fps = float(stats.video_frames - last_frames)
            last_frames = stats.video_frames
            recent = stats.latency_ms[-30:]
            self.quality = Quality(
                state=str(session.state),
                fps=fps,
                latency_ms=statistics.median(recent) if recent else None,
                reconnects=stats.reconnects,
            )
            self.listener.changed("quality")

    async def _on_call_message(self, message: m.CallMessage) -> None:
        case = self.case
        if case is None:
            return
        if isinstance(message, m.CardData):
            case.card = message
            case.card_request = None
            case.revealed_id = None
            case.form = model.form_fields(
                message, case.item.name if case.item else case.call.item_name, dt.date.today()
            )
            self.listener.changed("card")
            self.listener.changed("form")
            if case.case_number:
                async with self._card_lock:
                    await self.records.put_card(case.case_number, message)
        elif isinstance(message, m.PageAnnounced):
            case.page_announced(message)
            self.listener.changed("pages")
            if message.path == "upload":
                await self._fetch_page(case, message.page_id)
            else:
                try:
                    self.assembler.announce(message)
                except m.ChannelProtocolError as exc:
                    await self._session().send(exc.to_message())
        elif isinstance(message, m.PageChunk):
            try:
                page = self.assembler.feed(message)
            except m.ChannelProtocolError as exc:
                await self._session().send(exc.to_message())
                return
            if page is not None:
                await self._session().send(m.PageReceived(page_id=page.announce.page_id))
                self._page_ready(case, page.announce.page_id, page.data)
        elif isinstance(message, m.FormAnswered):
            case.form_answered(message)
            self.listener.changed("form")
            if case.case_number:
                await self.records.put_form(case.case_number, self._form_record(case))
            if message.confirmed and message.signature_page_id:
                signature = m.PageAnnounced(
                    page_id=message.signature_page_id, sha256="", size=0, mime="image/png",
                    width=0, height=0, path="upload", label="签名",
                )
                case.page_announced(signature).signature = True
                await self._fetch_page(case, message.signature_page_id)
        elif isinstance(message, m.Rating):
            case.rating = message
            self._rated.set()
            self.listener.changed("case")
        elif isinstance(message, m.ChannelError) and message.ref is not None and (
            message.ref in (case.card_request, case.print_request)
            or message.ref in case.requested
        ):
            self._device_failed(case, message)
        elif isinstance(message, m.ChannelError):
            log.warning("the kiosk refused a message: %s (%s)", message.code, message.reason)
            self.listener.notice("居民端没有处理这条指令，请重试", error=True)

    async def _fetch_page(self, case: model.CaseWork, page_id: str) -> None:
        try:
            data = await self.uploader.fetch(case.call.call_id, page_id)
        except UploadError as exc:
            log.warning("page %s not fetched: %s", page_id, exc)
            if page_id in case.pages:
                case.pages[page_id].status = model.PageStatus.FAILED
            self.listener.changed("pages")
            self.listener.notice("有一页材料没能下载，请让居民重扫", error=True)
            return
        if self.case is case:
            self._page_ready(case, page_id, data)

    def _page_ready(self, case: model.CaseWork, page_id: str, data: bytes) -> None:
        self.page_bytes[page_id] = data
        case.pages[page_id].size = len(data)
        case.page_ready(page_id)
        self.listener.page_data(page_id, data)
        self.listener.changed("pages")
        self.listener.changed("checklist")

    def _device_failed(self, case: model.CaseWork, error: m.ChannelError) -> None:
        """The kiosk could not do what the clerk asked (no card came, the scanner failed):
        a plain notice, the reason in the log."""
        log.info("the kiosk could not do %s: %s (%s)", error.ref, error.code, error.reason)
        if error.ref == case.card_request:
            case.card_request = None
            self.listener.changed("card")
            self.listener.notice("居民没有放上身份证，未能重新读卡", error=True)
            return
        if error.ref == case.print_request:
            case.print_request = None
            self.listener.notice("居民端没能打印回执，请告诉居民扫码查看", error=True)
            return
        name = case.requested.pop(error.ref or "", "")
        self.listener.changed("checklist")
        self.listener.notice("居民端没能拍下材料：", error=True, detail=name)
