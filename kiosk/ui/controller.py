"""The kiosk app's controller: one :class:`kiosk.flow.Session` fed by the screens, the devices,
the server and a one-second tick, and every command it returns carried out.

The screens are any :class:`kiosk.ui.view_api.KioskView`; nothing here draws. Everything runs
on the Qt thread's asyncio loop (qasync) except what may block: device I/O runs on each
device's own thread (``kiosk.devices.base.DeviceThread``), and video frames are converted to
images on one frame thread, at most at the paint rate, always the newest frame (older ones
are dropped, never queued).

Signatures: the PNG is uploaded like a page, and the pen's strokes travel inside it, as a
compressed ``zTXt`` chunk with the keyword :data:`STROKES_KEYWORD` holding JSON
(``{"width", "height", "strokes": [[[x, y, t_ms], ...], ...]}``): one upload, one page id in
``form.answer``, and the image cannot be separated from the path that drew it.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import dataclasses
import datetime as dt
import json
import logging
import struct
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import msgspec
from av import AudioFrame, VideoFrame
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from kiosk import flow
from kiosk.announce import uploaded_page
from kiosk.devices.base import (
    CardReader,
    CardReading,
    DeviceError,
    DeviceKind,
    DeviceUnavailable,
    ReceiptData,
    ScannedPage,
    ScanOptions,
)
from kiosk.devices.manager import DeviceManager
from kiosk.privacy import SessionVault, clear_leftovers
from kiosk.ui import view_api as v
from kiosk.ui.texts import text
from shared import protocol as p
from shared.call import messages as m
from shared.call.agent import CallAgent
from shared.call.ice import IcePolicy
from shared.call.media import MediaConfig
from shared.call.session import CallConfig, CallSession, CallState
from shared.call.turn_client import fetch_ice_servers
from shared.call.upload import PageUploader, UploadError
from shared.catalog import CatalogItem, default_catalog_path, load_catalog
from shared.records_client import RecordsClient, RecordsError
from shared.signaling_client import LinkState, NotConnected, SignalingClient
from shared.ui.audio import AudioPlayer
from shared.ui.frames import video_frame_to_qimage

log = logging.getLogger(__name__)

STROKES_KEYWORD = b"vwindow-strokes"
SIGNATURE_LABEL = "签名"
JOIN_REF = "join"


@dataclass(frozen=True)
class ControllerOptions:
    server_url: str
    credential: str
    media: MediaConfig = field(default_factory=lambda: MediaConfig(synthetic_label="kiosk"))
    #: None: as the server's address says (IcePolicy.for_server), like every other side
    ice_policy: IcePolicy | None = None
    relay_only: bool = False
    flow: flow.FlowConfig = field(default_factory=flow.FlowConfig)
    #: where session folders live (default: the user's runtime dir, a tmpfs on Linux)
    runtime_root: Path | None = None
    tick_s: float = 1.0
    #: the clerk's picture is converted at most this often (a display's refresh rate: a 30 fps
    #: source jitters, and a 30 Hz cap would drop frames); the own picture more rarely
    remote_fps: float = 60.0
    local_fps: float = 10.0
    remote_max_width: int | None = 1280
    local_max_width: int | None = 320
    #: after the clerk asks for a page: time for the resident to put it on the scanner
    scan_delay_s: float = 3.0
    #: when the clerk asks for the card again: time for the resident to put it on the reader
    card_again_s: float = 30.0
    scan_dpi: int = 200
    #: page previews are decoded and scaled to this width off the UI thread
    preview_max_width: int = 800
    #: an empty list when the server's catalog cannot be fetched: the built-in one is used
    catalog_timeout_s: float = 5.0


#: RGB rows of a width that is a multiple of this need no padding in PyAV's frames
_ROW_ALIGN = 64


def frame_to_image(frame: VideoFrame, max_width: int | None) -> QImage:
    """``video_frame_to_qimage`` at a width whose RGB rows are unpadded (a padded row, e.g.
    an 800-pixel-wide camera, makes its buffer non-contiguous and the conversion fail): at
    most ``_ROW_ALIGN - 1`` pixels narrower than the frame, aspect kept."""
    width = min(frame.width, max_width or frame.width)
    aligned = width - width % _ROW_ALIGN
    return video_frame_to_qimage(frame, max_width=aligned if aligned >= _ROW_ALIGN else None)


class FramePump:
    """Video frames → images for one pane: the newest frame only, converted on ``executor``
    at most ``fps`` times a second; frames that arrive meanwhile replace the waiting one."""

    def __init__(
        self,
        deliver: Callable[[QImage], None],
        fps: float,
        max_width: int | None,
        executor: concurrent.futures.Executor,
    ) -> None:
        self.deliver = deliver
        self.interval = 1.0 / fps if fps > 0 else 0.0
        self.max_width = max_width
        self.executor = executor
        self.received = 0
        self.converted = 0
        self.dropped = 0
        self._pending: VideoFrame | None = None
        self._busy = False
        self._last = 0.0
        self._closed = False

    def push(self, frame: VideoFrame) -> None:
        self.received += 1
        if self._pending is not None:
            self.dropped += 1
        self._pending = frame
        if not self._busy and not self._closed:
            self._schedule()

    def close(self) -> None:
        self._closed = True
        self._pending = None

    def _schedule(self) -> None:
        self._busy = True
        delay = self._last + self.interval - time.monotonic()
        loop = asyncio.get_running_loop()
        if delay > 0:
            loop.call_later(delay, self._start)
        else:
            self._start()

    def _start(self) -> None:
        frame, self._pending = self._pending, None
        if frame is None or self._closed:
            self._busy = False
            return
        self._last = time.monotonic()
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self.executor, frame_to_image, frame, self.max_width)
        future.add_done_callback(self._done)

    def _done(self, future: asyncio.Future[QImage]) -> None:
        self._busy = False
        if self._closed or future.cancelled():
            return
        error = future.exception()
        if error is not None:
            log.warning("a video frame could not be converted: %s", error)
        else:
            self.converted += 1
            self.deliver(future.result())
        if self._pending is not None:
            self._schedule()


def preview_image(data: bytes, max_width: int) -> QImage:
    """A scanned page as an image no wider than ``max_width`` (runs on a worker thread)."""
    image = QImage.fromData(data)
    if image.width() > max_width:
        image = image.scaledToWidth(max_width, Qt.TransformationMode.SmoothTransformation)
    return image


def signature_png_with_strokes(
    png: bytes,
    strokes: tuple[tuple[tuple[float, float, int], ...], ...],
    width: int,
    height: int,
) -> bytes:
    """``png`` with the pen path added as a ``zTXt`` chunk just before ``IEND``."""
    if not png.startswith(b"\x89PNG\r\n\x1a\n") or png[-12:-8] != b"\x00\x00\x00\x00":
        raise ValueError("the signature is not a PNG image")
    text = json.dumps(
        {"width": width, "height": height, "strokes": [[list(pt) for pt in s] for s in strokes]},
        separators=(",", ":"),
    ).encode("latin-1")
    body = STROKES_KEYWORD + b"\x00\x00" + zlib.compress(text, 9)
    chunk = struct.pack(">I", len(body)) + b"zTXt" + body
    chunk += struct.pack(">I", zlib.crc32(b"zTXt" + body) & 0xFFFFFFFF)
    return png[:-12] + chunk + png[-12:]


def strokes_from_signature_png(png: bytes) -> dict[str, Any] | None:
    """The pen path :func:`signature_png_with_strokes` stored, or None."""
    offset = 8
    while offset + 8 <= len(png):
        (length,) = struct.unpack(">I", png[offset : offset + 4])
        kind = png[offset + 4 : offset + 8]
        body = png[offset + 8 : offset + 8 + length]
        if kind == b"zTXt" and body.startswith(STROKES_KEYWORD + b"\x00"):
            data: dict[str, Any] = json.loads(zlib.decompress(body[len(STROKES_KEYWORD) + 2 :]))
            return data
        offset += 12 + length
    return None


class KioskController:
    """Owns the session flow, the kiosk's server link and its call; drives ``view``."""

    def __init__(
        self,
        view: v.KioskView,
        options: ControllerOptions,
        devices: DeviceManager,
        *,
        clock: Callable[[], float] = time.monotonic,
        today: Callable[[], dt.date] = dt.date.today,
        on_exit: Callable[[], None] | None = None,
        on_language: Callable[[str], object] | None = None,
    ) -> None:
        self.view = view
        self.options = options
        self.devices = devices
        self.clock = clock
        self.today = today
        self.on_exit = on_exit
        self.on_language = on_language
        self.session = flow.Session(options.flow)
        self.vault = SessionVault(options.runtime_root)
        self.catalog: list[CatalogItem] = []
        self.http: aiohttp.ClientSession | None = None
        self.uploader: PageUploader | None = None
        self.records: RecordsClient | None = None
        self.signaling: SignalingClient | None = None
        self.agent = CallAgent(
            config_for_call=self._call_config,
            on_message=self._on_call_message,
            on_call=self._on_call,
            on_state=self._on_call_state,
            on_ended=self._on_call_ended,
            on_video_frame=self._on_remote_frame,
            on_leg_video_frame=self._on_guest_frame,
            on_leg_message=self._on_guest_message,
            on_audio_frame=self._on_remote_audio,
            on_leg_audio_frame=self._on_guest_audio,
        )
        self._frames = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="kiosk-frames")
        self.remote_frames = FramePump(
            self.view.set_remote_frame,
            options.remote_fps,
            options.remote_max_width,
            self._frames,
        )
        self.local_frames = FramePump(
            self.view.set_local_frame, options.local_fps, options.local_max_width, self._frames
        )
        #: an invited third party's leg (a department's expert), while they are in the call
        self._guest_leg: str | None = None
        self.guest_frames = FramePump(
            self.view.set_guest_frame, options.local_fps, options.local_max_width, self._frames
        )
        #: the clerk's voice and a third party's; each opens the output at its first sound
        self.clerk_voice = AudioPlayer(name="clerk")
        self.guest_voice = AudioPlayer(name="guest")
        self._tasks: set[asyncio.Task[Any]] = set()
        self._tick: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._card_present = asyncio.Event()
        # the resident's server-side request and call, for this session
        self._request_id: str | None = None
        self._join: p.JoinQueue | None = None
        self._leave_pending = False
        self._call: p.CallInfo | None = None
        self._last_call_id: str | None = None
        self._receipt: m.Receipt | None = None
        self._status = v.CallStatusView()
        self._video_seen = (0, 0.0)
        self._scan_lock = asyncio.Lock()
        self._page_labels: dict[str, str] = {}
        #: the clerk's print request being carried out (its failure is reported back)
        self._clerk_print_request: str | None = None
        #: what was sent where, for the records (no personal data)
        self.sent: list[tuple[str, Any]] = []
        self.closed = asyncio.Event()

    # --- life cycle ------------------------------------------------------------------------

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        # a previous run that crashed may have left a session folder: remove it first
        clear_leftovers(self.options.runtime_root)
        self.http = aiohttp.ClientSession()
        base = self.options.server_url.rstrip("/")
        self.uploader = PageUploader(base, self.options.credential, self.http)
        self.records = RecordsClient(base, self.options.credential, self.http)
        self.signaling = SignalingClient(
            base.replace("http", "ws", 1) + "/ws",
            self.options.credential,
            self._on_signal,
            on_state=self._on_link,
            session=self.http,
            app="kiosk",
        )
        self.agent.attach(self.signaling)
        self.view.set_event_handler(self.handle)
        self.devices.on_card(self._card_changed_from_any_thread)
        self._card_present.clear()
        if self.devices.card_present:
            self._card_present.set()
        self.signaling.start()
        self.catalog = await self._fetch_catalog()
        self.view.set_catalog(list(self.catalog))
        for kind in (DeviceKind.CARD_READER, DeviceKind.SCANNER, DeviceKind.PRINTER):
            status = self.devices.status.get(kind)
            if status is not None and not status.ok:
                self.feed(flow.DeviceProblem(str(kind), status.reason))
        self._tick = self._loop.create_task(self._tick_forever(), name="kiosk-tick")
        self.render()

    async def close(self) -> None:
        """Ends what runs (a visit in progress is wiped) and closes the links."""
        if self._tick is not None:
            self._tick.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._tick
        self.remote_frames.close()
        self.local_frames.close()
        self.clerk_voice.close()
        self.guest_voice.close()
        if self.session.state is not flow.Screen.WELCOME and not self.vault.wiped:
            self._execute_wipe(flow.Wipe(self.session.session_no, "closed"))
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.agent.close()
        if self.signaling is not None:
            await self.signaling.close()
        if self.http is not None:
            await self.http.close()
        self.vault.wipe()
        self._frames.shutdown(wait=False, cancel_futures=True)
        self.closed.set()

    async def _fetch_catalog(self) -> list[CatalogItem]:
        assert self.http is not None
        try:
            async with self.http.get(
                f"{self.options.server_url.rstrip('/')}/api/v1/catalog",
                headers={"Authorization": f"Bearer {self.options.credential}"},
                timeout=aiohttp.ClientTimeout(total=self.options.catalog_timeout_s),
            ) as response:
                response.raise_for_status()
                body = await response.read()
            return msgspec.json.decode(body, type=dict[str, list[CatalogItem]])["items"]
        except (aiohttp.ClientError, TimeoutError, msgspec.ValidationError, KeyError) as exc:
            log.warning("the server's catalog is unavailable (%s): using the built-in one", exc)
            return load_catalog(default_catalog_path())

    async def _tick_forever(self) -> None:
        while True:
            await asyncio.sleep(self.options.tick_s)
            self._update_quality()
            self.feed(flow.Tick())

    # --- events in -------------------------------------------------------------------------

    def handle(self, event: object) -> None:
        """Everything the screens report: a flow event or a UI intent."""
        if isinstance(event, v.SignatureSubmitted):
            self._spawn(self._submit_signature(event))
        elif isinstance(event, v.CorrectionRequested):
            self.feed(flow.FormAnswered(confirmed=False, comment=event.comment))
        elif isinstance(event, v.LanguageChosen):
            if self.on_language is not None:
                self.on_language(event.language)
            self.view.set_language(event.language)
        elif isinstance(event, v.ElderlyModeChosen):
            self.view.set_elderly_mode(event.on)
        elif isinstance(event, v.AdminExitRequested):
            log.warning("the kiosk app was closed with the admin PIN")
            if self.on_exit is not None:
                self.on_exit()
        elif isinstance(event, _FLOW_EVENTS):
            self.feed(event)
        else:
            log.warning("the screens reported something unknown: %s", type(event).__name__)

    def feed(self, event: flow.Event) -> None:
        """One event into the flow; its commands carried out; the screens redrawn."""
        before = self.session.state
        commands = self.session.handle(event, self.clock())
        log.debug(
            "%s on %s: %s → %s",
            type(event).__name__,
            before.value,
            [type(c).__name__ for c in commands],
            self.session.state.value,
        )
        for command in commands:
            try:
                self._execute(command)
            except Exception:
                log.exception("command %s failed", type(command).__name__)
        self.render()

    def render(self) -> None:
        self.view.render(self.session, self.clock())

    def _card_changed_from_any_thread(self, present: bool) -> None:
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        loop.call_soon_threadsafe(self._card_changed, present)

    def _card_changed(self, present: bool) -> None:
        if present:
            self._card_present.set()
            self.feed(flow.CardInserted())
        else:
            self._card_present.clear()
            self.feed(flow.CardRemoved())

    # --- commands out ----------------------------------------------------------------------

    def _execute(self, command: flow.Command) -> None:
        if isinstance(command, flow.ShowScreen | flow.StartCountdown | flow.StopCountdown):
            return  # render() after every event shows the state and its deadline
        if isinstance(command, flow.Speak):
            # a text with a name in it is spoken filled in (the screens say free text as is)
            values = dict(command.values)
            self.view.speak(text(command.text_key, **values) if values else command.text_key)
        elif isinstance(command, flow.ShowMessage):
            self.view.show_message(command.key)
        elif isinstance(command, flow.ReadCard):
            self._spawn(self._read_card())
        elif isinstance(command, flow.JoinQueue):
            self._request_id = None
            self._leave_pending = False
            self._join = p.JoinQueue(
                item_code=command.item_code,
                priority=command.priority,
                identified=command.identified,
                id=JOIN_REF,
            )
            self._spawn(self._send(self._join))
        elif isinstance(command, flow.LeaveQueue):
            self._leave_queue()
        elif isinstance(command, flow.HangUp):
            self._hang_up(command.reason)
        elif isinstance(command, flow.SendFormAnswer):
            self._spawn(
                self._send_on_call(
                    m.FormAnswered(
                        form_id=command.form_id,
                        confirmed=command.confirmed,
                        signature_page_id=command.signature_page_id,
                        comment=command.comment,
                    )
                )
            )
        elif isinstance(command, flow.PrintReceipt):
            self._spawn(self._print_receipt(command))
        elif isinstance(command, flow.SendRating):
            self._spawn(self._send_rating(command, self._last_call_id))
        elif isinstance(command, flow.SendCannotBeDone):
            self._spawn(self._send_cannot_be_done(command, self._last_call_id))
        elif isinstance(command, flow.Wipe):
            self._execute_wipe(command)

    def _execute_wipe(self, command: flow.Wipe) -> None:
        self.vault.wipe()
        self.view.wipe()
        self._request_id = None
        self._join = None
        self._leave_pending = False
        self._call = None
        self._last_call_id = None
        self._receipt = None
        self._page_labels.clear()
        self._status = v.CallStatusView()
        self.vault = SessionVault(self.options.runtime_root)
        # a reader that works again is used again from the next visit on
        status = self.devices.status.get(DeviceKind.CARD_READER)
        if self.devices.card_reader is not None and status is not None and status.ok:
            self.session.device_recovered(str(DeviceKind.CARD_READER))
        log.info("session %d wiped (%s)", command.session_no, command.why)

    def _leave_queue(self) -> None:
        if self._request_id is None:
            # the server has not answered the join yet: leave as soon as it does
            self._leave_pending = True
            return
        request_id, self._request_id = self._request_id, None
        self._spawn(self._send(p.LeaveQueue(request_id=request_id, reason="cancelled")))

    def _hang_up(self, reason: str) -> None:
        call = self._call or self.agent.call
        if call is None:
            return
        self._call = None
        self._spawn(self._send(p.Hangup(call_id=call.call_id, reason=reason)))

    async def _send(self, message: p.Message) -> None:
        signaling = self.signaling
        if signaling is None:
            return
        for _ in range(3):
            try:
                await signaling.send(message)
                self.sent.append(("signaling", p.type_name(type(message))))
                return
            except (NotConnected, ConnectionError):
                # the link is coming back: the server keeps the place for a grace period
                with contextlib.suppress(TimeoutError):
                    await signaling.wait_connected(15.0)
        log.warning("could not send %s: no server connection", p.type_name(type(message)))

    async def _send_on_call(self, message: m.ChannelMessage) -> bool:
        session = self.agent.session
        if session is None:
            return False
        await session.send(message)
        self.sent.append(("channel", type(message).__name__))
        return True

    # --- devices ---------------------------------------------------------------------------

    async def _read_card(self) -> None:
        reader = self.devices.card_reader
        if reader is None:
            status = self.devices.status.get(DeviceKind.CARD_READER)
            self.feed(
                flow.DeviceProblem(
                    str(DeviceKind.CARD_READER), status.reason if status else "not configured"
                )
            )
            return
        while self.session.state is flow.Screen.CARD:
            await self._card_present.wait()
            if self.session.state is not flow.Screen.CARD:
                return
            try:
                reading = await reader.read()
            except DeviceUnavailable as exc:
                self.feed(flow.DeviceProblem(str(DeviceKind.CARD_READER), exc.reason))
                return
            except DeviceError as exc:
                if not self._card_present.is_set():
                    continue  # taken off while reading: wait for it again
                self.feed(flow.CardFailed(exc.reason))
                return
            if self.session.state is not flow.Screen.CARD:
                return
            self._keep_card(reading)
            self.feed(flow.CardRead(flow.CardSummary.from_reading(reading), self.today()))
            return

    def _keep_card(self, reading: CardReading) -> None:
        self.vault.hold("card", reading)
        self.vault.put("card:id_number", reading.id_number)
        if reading.photo_png:
            self.vault.put("card:photo", reading.photo_png)

    async def _read_card_again(self, command: m.DeviceCommand) -> None:
        """In the call, the clerk asks for the card again: the resident puts it on the reader
        (it is read there and then if it lies there already) and the fresh reading goes to the
        clerk; when no card comes in time, the resident and the clerk are both told."""
        reader = self.devices.card_reader
        if reader is None:
            status = self.devices.status.get(DeviceKind.CARD_READER)
            await self._tell_clerk_device_failed(
                command.id, status.reason if status else "no card reader configured"
            )
            return
        if not self._card_present.is_set():
            self.view.show_message("speak.card")
            self.view.speak("speak.card")
        try:
            async with asyncio.timeout(self.options.card_again_s):
                reading = await self._read_card_on_reader(reader)
        except (TimeoutError, DeviceError) as exc:
            reason = exc.reason if isinstance(exc, DeviceError) else "no card on the reader"
            if self.vault.wiped or self.session.state is not flow.Screen.IN_CALL:
                return
            self.view.show_message("call.card_again_missing")
            self.view.speak("call.card_again_missing")
            await self._tell_clerk_device_failed(command.id, reason)
            return
        if self.vault.wiped:
            return  # the visit ended while the card was read
        self._keep_card(reading)
        card = self._card_message()
        if card is not None and await self._send_on_call(card):
            self.view.speak("card.read_ok")

    async def _read_card_on_reader(self, reader: CardReader) -> CardReading:
        while True:
            await self._card_present.wait()
            try:
                return await reader.read()
            except DeviceUnavailable:
                raise
            except DeviceError:
                if self._card_present.is_set():
                    raise
                # taken off while it was read: wait for it again

    async def _tell_clerk_device_failed(self, ref: str | None, reason: str) -> None:
        """The clerk's device command could not be carried out (the console says so)."""
        await self._send_on_call(
            m.ChannelError(code=m.ChannelErrorCode.DEVICE_FAILED, reason=reason, ref=ref)
        )

    def _card_message(self) -> m.CardData | None:
        try:
            reading: CardReading = self.vault.held("card")
        except KeyError:
            return None
        valid_to = "长期" if reading.no_expiry else _iso(reading.valid_to)
        return m.CardData(
            card_type=str(reading.card_type),  # type: ignore[arg-type]
            name=reading.name,
            id_number=self.vault.text("card:id_number"),
            sex=reading.sex,
            nation=reading.nation,
            birth_date=_iso(reading.birth_date),
            address=reading.address,
            authority=reading.authority,
            valid_from=_iso(reading.valid_from),
            valid_to=valid_to,
            card_number=reading.card_number,
            photo_available=bool(reading.photo_png or reading.photo_wlt),
            valid=reading.valid,
            problems=list(reading.problems),
        )

    async def _capture_page(self, command: m.DeviceCommand) -> None:
        """The clerk asked for a page: give the resident time to place it, scan, upload,
        announce it on the call and show it."""
        async with self._scan_lock:
            await asyncio.sleep(self.options.scan_delay_s)
            session = self.agent.session
            if session is None or self.session.state is not flow.Screen.IN_CALL:
                return
            scanner = self.devices.scanner
            # a page scanned again keeps the label of the one it replaces
            label = self._page_labels.get(command.page_id or "") or command.note or "材料"

            try:
                if scanner is None:
                    status = self.devices.status.get(DeviceKind.SCANNER)
                    raise DeviceUnavailable(
                        DeviceKind.SCANNER, status.reason if status else "no scanner configured"
                    )
                pages = await scanner.scan(
                    ScanOptions(resolution_dpi=self.options.scan_dpi, label=label)
                )
            except DeviceError as exc:
                self.feed(flow.DeviceProblem(str(DeviceKind.SCANNER), exc.reason))
                await self._send_on_call(
                    m.ChannelError(
                        code=m.ChannelErrorCode.DEVICE_FAILED, reason=exc.reason, ref=command.id
                    )
                )
                return
            for page in pages:
                await self._send_page(session, page)

    async def _send_page(self, session: CallSession, page: ScannedPage) -> None:
        assert self.uploader is not None
        captured = time.time()
        try:
            meta = await self.uploader.upload(session.call_id, page.data, page.mime, page.label)
        except UploadError as exc:
            log.warning("page upload refused or failed: %s", exc.code)
            self.view.show_message("call.upload_failed")
            return
        page_id: str = meta["page_id"]
        if self.vault.wiped:
            return  # the visit ended during the upload
        self.vault.put(f"page:{page_id}", page.data)
        self._page_labels[page_id] = page.label
        await self._send_on_call(uploaded_page(page, meta, captured))
        # decoding a full page (and scaling it) takes tens of ms: not on the UI thread
        image = await asyncio.get_running_loop().run_in_executor(
            self._frames, preview_image, page.data, self.options.preview_max_width
        )
        if self.vault.wiped:
            return
        self.view.add_page_preview(page_id, image, page.label)
        self.feed(flow.PageCaptured(page_id))

    async def _submit_signature(self, signature: v.SignatureSubmitted) -> None:
        session = self.agent.session
        if session is None or self.uploader is None:
            self.view.show_message("call.reconnecting")
            return
        try:
            data = signature_png_with_strokes(
                signature.png, signature.strokes, signature.width, signature.height
            )
        except ValueError:
            log.warning("the signature pad gave something that is not a PNG")
            self.view.show_message("device.signature_pad.failed")
            return
        self.vault.put("signature", data)
        try:
            meta = await self.uploader.upload(session.call_id, data, "image/png", SIGNATURE_LABEL)
        except UploadError as exc:
            log.warning("signature upload failed: %s", exc.code)
            self.view.show_message("call.upload_failed")
            return
        self.feed(flow.FormAnswered(confirmed=True, signature_page_id=meta["page_id"]))

    async def _print_receipt(self, command: flow.PrintReceipt) -> None:
        printer = self.devices.printer
        receipt, call = self._receipt, self._call or self.agent.call
        try:
            if printer is None:
                status = self.devices.status.get(DeviceKind.PRINTER)
                raise DeviceUnavailable(
                    DeviceKind.PRINTER, status.reason if status else "no printer configured"
                )
            await printer.print_receipt(
                ReceiptData(
                    case_number=command.case_number,
                    item_name=receipt.item_name if receipt else (call.item_name if call else ""),
                    site_name=(call.site_name or "") if call else "",
                    outcome=receipt.outcome if receipt else "",
                    issued_at=dt.datetime.now(),
                    tracking_url=command.tracking_url,
                    missing_materials=tuple(receipt.missing_materials) if receipt else (),
                    note=receipt.note if receipt else "",
                )
            )
        except (DeviceError, OSError, ValueError) as exc:
            reason = exc.reason if isinstance(exc, DeviceError) else str(exc)
            self.feed(flow.DeviceProblem(str(DeviceKind.PRINTER), reason))
            clerk_request, self._clerk_print_request = self._clerk_print_request, None
            if clerk_request is not None:
                await self._tell_clerk_device_failed(clerk_request, reason)
            return
        self._clerk_print_request = None

    # --- records: 好差评 and 办不成事 ----------------------------------------------------------

    async def _send_rating(self, command: flow.SendRating, call_id: str | None) -> None:
        if self.records is not None and call_id is not None:
            try:
                await self.records.rate_call(call_id, command.level, list(command.reasons))
                self.sent.append(("records", "rating"))
                return
            except RecordsError as exc:
                log.warning("the rating could not be recorded: %s", exc)
        if not await self._send_on_call(
            m.Rating(level=command.level, reasons=list(command.reasons))
        ):
            log.warning("the rating was not recorded: no records client and no call")

    async def _send_cannot_be_done(
        self, command: flow.SendCannotBeDone, call_id: str | None
    ) -> None:
        if self.records is not None:
            try:
                if call_id is not None:
                    await self.records.call_cannot_be_done(call_id, command.reason)
                else:
                    await self.records.kiosk_cannot_be_done(
                        command.reason, command.item_code or ""
                    )
                self.sent.append(("records", "cannot_be_done"))
                return
            except RecordsError as exc:
                log.warning("办不成事 could not be recorded: %s", exc)
        if not await self._send_on_call(m.Say(text=f"办不成事：{command.reason}")):
            log.warning("办不成事 (%s) not recorded: no records client and no call", command.reason)

    # --- the server ------------------------------------------------------------------------

    async def _on_signal(self, message: p.ServerMessage) -> None:
        await self.agent.handle(message)
        if isinstance(message, p.Welcome):
            if message.queue is not None:
                self._queue_update(message.queue)
            elif (
                message.call is None
                and self.session.queued
                and self.session.state is flow.Screen.WAITING
                and self._join is not None
            ):
                # the server lost the request while we were away: join again, same terms
                log.info("the server no longer has this kiosk's request: joining again")
                self._request_id = None
                self._spawn(self._send(self._join))
        elif isinstance(message, p.QueueUpdate):
            self._queue_update(message.queue)
        elif isinstance(message, p.QueueLeft):
            if message.request_id == self._request_id:
                self._request_id = None
                self.feed(flow.CallEnded(message.reason))
        elif isinstance(message, p.Error):
            log.warning("the server refused: %s (%s)", message.code, message.reason)
            if message.ref == JOIN_REF and self.session.state is flow.Screen.WAITING:
                self.feed(flow.CallEnded(p.EndReason.SERVER))

    def _queue_update(self, queue: p.QueueInfo) -> None:
        if self._leave_pending:
            self._leave_pending = False
            self._request_id = queue.request_id
            self._leave_queue()
            return
        if not self.session.queued and self.session.state is not flow.Screen.IN_CALL:
            return  # a late update for a request this kiosk has left
        self._request_id = queue.request_id
        if queue.status is p.RequestStatus.IN_CALL:
            return  # call.started follows
        self.feed(flow.QueueUpdated(queue.position, queue.eta_s, queue.status))

    async def _on_link(self, state: LinkState) -> None:
        if state is LinkState.RECONNECTING and self.session.state in (
            flow.Screen.WAITING,
            flow.Screen.IN_CALL,
        ):
            self._set_status(reconnecting=True)
        elif state is LinkState.CONNECTED and self._status.reconnecting:
            self._set_status(reconnecting=False)

    def _set_status(self, **changes: Any) -> None:
        self._status = dataclasses.replace(self._status, **changes)
        self.view.set_call_status(self._status)

    # --- the call --------------------------------------------------------------------------

    async def _call_config(self) -> CallConfig:
        assert self.http is not None
        media = self.options.media
        if media.on_local_frame is None:
            media = dataclasses.replace(media, on_local_frame=self._on_local_frame)
        return CallConfig(
            media=media,
            ice_servers=tuple(
                await fetch_ice_servers(
                    self.options.server_url.rstrip("/"), self.options.credential, self.http
                )
            ),
            relay_only=self.options.relay_only,
            ice_policy=self.options.ice_policy
            or IcePolicy.for_server(self.options.server_url),
        )

    async def _on_call(self, session: CallSession) -> None:
        call = self.agent.call
        if session is not self.agent.session:
            leg = self.agent.calls.get(session.call_id)
            if leg is not None and leg.leg == "guest":
                # an invited expert: their picture beside the clerk's; the main call goes on
                self._guest_leg = session.call_id
                self.view.set_guest(leg.peer_name)
            return
        if call is None:
            return
        self._call = call
        self._last_call_id = call.call_id
        self._video_seen = (0, time.monotonic())
        self._set_status(
            clerk_name=call.peer_name, window_no=call.window_no, quality="", reconnecting=False
        )
        self.feed(flow.CallStarted(call.call_id, call.peer_name, call.window_no))
        if self.session.state is flow.Screen.IN_CALL:
            card = self._card_message()
            if card is not None:
                await self._send_on_call(card)

    def _on_guest_frame(self, session: CallSession, frame: VideoFrame) -> None:
        if session.call_id == self._guest_leg:
            self.guest_frames.push(frame)

    def _on_remote_audio(self, frame: AudioFrame) -> None:
        self.clerk_voice.push(frame)

    def _on_guest_audio(self, session: CallSession, frame: AudioFrame) -> None:
        if session.call_id == self._guest_leg:
            self.guest_voice.push(frame)

    async def _on_guest_message(self, session: CallSession, message: m.CallMessage) -> None:
        # the expert advises; only the clerk of the call asks the kiosk for pages or forms
        log.info("a third party's %s ignored", type(message).__name__)

    def _end_guest(self) -> None:
        if self._guest_leg is not None:
            self._guest_leg = None
            self.view.set_guest(None)
            self.guest_voice.reset()

    async def _on_call_state(self, session: CallSession, state: CallState, why: str) -> None:
        if session is not self.agent.session:
            return
        if state is CallState.RECONNECTING:
            self._set_status(reconnecting=True, quality="poor")
            if self.session.in_call and not self.session.reconnecting:
                self.feed(flow.CallState(reconnecting=True))
        elif state is CallState.CONNECTED:
            self._set_status(reconnecting=False)
            if self.session.reconnecting:
                self.feed(flow.CallState(reconnecting=False))

    async def _on_call_ended(self, message: p.CallEnded) -> None:
        if message.call_id == self._guest_leg:
            self._end_guest()
            return
        if message.call_id != self._last_call_id:
            return  # a call this session no longer has
        self._end_guest()
        self._call = None
        self.clerk_voice.reset()
        self.remote_frames.close()
        self.local_frames.close()
        self._set_status(reconnecting=False, quality="")
        self.feed(flow.CallEnded(message.reason, message.outcome))
        # the panes take frames again for the next call
        self.remote_frames = FramePump(
            self.view.set_remote_frame,
            self.options.remote_fps,
            self.options.remote_max_width,
            self._frames,
        )
        self.local_frames = FramePump(
            self.view.set_local_frame,
            self.options.local_fps,
            self.options.local_max_width,
            self._frames,
        )

    def _on_remote_frame(self, frame: VideoFrame) -> None:
        self.remote_frames.push(frame)

    def _on_local_frame(self, frame: VideoFrame) -> None:
        # through here, not the pump's own method: each call gets a fresh pump
        self.local_frames.push(frame)

    async def _on_call_message(self, message: m.CallMessage) -> None:
        if isinstance(message, m.DeviceCommand):
            if message.command in ("capture_page", "scan_again"):
                material = message.note if message.command == "capture_page" else ""
                self.feed(flow.PageRequested(message.note, message.page_id, material))
                self._spawn(self._capture_page(message))
            elif message.command == "print_receipt":
                self._clerk_print_request = message.id
                self.feed(flow.PrintRequested())
                if "printer" in self.session.broken:
                    await self._tell_clerk_device_failed(
                        message.id, self.session.broken["printer"]
                    )
            elif message.command == "read_card":
                self._spawn(self._read_card_again(message))
        elif isinstance(message, m.FormPushed):
            self.view.set_form(
                v.FormView(
                    form_id=message.form_id,
                    title=message.title,
                    fields=tuple((f.label, f.value) for f in message.fields),
                    needs_signature=message.needs_signature,
                )
            )
            self.feed(flow.FormPushed(message.form_id, message.title, message.needs_signature))
        elif isinstance(message, m.Receipt):
            self._receipt = message
            self.feed(
                flow.ReceiptReceived(
                    message.case_number,
                    message.tracking_url,
                    message.outcome,
                    tuple(message.missing_materials),
                )
            )
        elif isinstance(message, m.ChannelError):
            log.warning("the clerk's side refused a message: %s", message.code)

    def _update_quality(self) -> None:
        session = self.agent.session
        if session is None or self._call is None:
            return
        frames, since = self._video_seen
        now = time.monotonic()
        elapsed = now - since
        if elapsed < 0.5:
            return
        fps = (session.stats.video_frames - frames) / elapsed
        self._video_seen = (session.stats.video_frames, now)
        quality = "good" if fps >= 20 else "fair" if fps >= 10 else "poor"
        if quality != self._status.quality:
            self._set_status(quality=quality)

    # --- helpers ---------------------------------------------------------------------------

    def _spawn(self, coroutine: Any) -> None:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("kiosk task failed", exc_info=task.exception())


_FLOW_EVENTS: tuple[type[Any], ...] = flow.Event.__args__


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None
