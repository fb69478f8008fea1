"""A real browser as the kiosk: headless Chromium runs tests/interop/page.html, which speaks
our signaling protocol and data-channel messages in plain JavaScript, against our real server
and our aiortc peer (CallAgent + CallSession) as clerk bob. Proves that Chromium and aiortc
interoperate both ways: video, audio and the data channel (Chinese text included).

Only loopback addresses are ever targets: our side offers 127.0.0.1 only and drops remote
candidates outside 127.0.0.0/8 (IcePolicy.loopback()); Chromium gets no ICE servers and our
one candidate, so it only ever sends to 127.0.0.1. Chromium does check from its other host
addresses too, which IcePolicy does not cover (see LoopbackUdp): the test drops those on our
side and asserts that every UDP destination of ours was a loopback address. mDNS candidates
are switched off so that Chromium announces no names on the LAN.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import json
import os
import signal
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aioice.ice
import pytest
from aiohttp import web

from shared import protocol as p
from shared.call import messages as m
from shared.call.agent import CallAgent
from shared.call.ice import IcePolicy, apply_host_addresses
from shared.call.media import MediaConfig
from shared.call.session import CallConfig
from shared.signaling_client import SignalingClient
from tests.conftest import Seed, TestServer

CHROMIUM = Path("/usr/bin/chromium")
PAGE = Path(__file__).with_name("page.html")
#: frames each side must receive before the call counts as working (~1 s at 30 fps)
MIN_FRAMES = 30
KIOSK_SAYS = "您好，我想办理长期护理保险。"
CLERK_SAYS = "好的，请把身份证放在读卡器上。"

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"needs Chromium at {CHROMIUM}"),
    pytest.mark.timeout(60),
]


class PageReports:
    """The test page's origin: serves page.html and collects what it POSTs to /report."""

    def __init__(self) -> None:
        self.latest: dict[str, Any] = {}
        self.changed = asyncio.Condition()
        self.runner: web.AppRunner | None = None
        self.url = ""

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/page.html", self._page)
        app.router.add_post("/report", self._report)
        self.runner = web.AppRunner(app, shutdown_timeout=1)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{self.runner.addresses[0][1]}"

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()

    async def _page(self, request: web.Request) -> web.StreamResponse:
        return web.FileResponse(PAGE, headers={"Cache-Control": "no-store"})

    async def _report(self, request: web.Request) -> web.Response:
        report = await request.json()
        async with self.changed:
            self.latest = report
            self.changed.notify_all()
        return web.Response(status=204)

    async def wait_for(self, what: str, check: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
        try:
            async with self.changed:
                await asyncio.wait_for(self.changed.wait_for(lambda: check(self.latest)), 20)
        except TimeoutError:
            raise AssertionError(
                f"page never reported {what}; last report: {self.brief()}"
            ) from None
        return self.latest

    def brief(self) -> str:
        return json.dumps(self.latest, ensure_ascii=False, indent=1)[-4000:]


@contextlib.asynccontextmanager
async def chromium(url: str, profile: Path) -> AsyncIterator[asyncio.subprocess.Process]:
    """Headless Chromium on ``url`` in its own process group, killed (group) on exit."""
    profile.mkdir()
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-breakpad",
        "--disable-crash-reporter",
        f"--user-data-dir={profile}",
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        "--autoplay-policy=no-user-gesture-required",
        # without it Chromium gathers no candidates on loopback at all
        "--allow-loopback-in-peer-connection",
        # real addresses instead of mDNS names (no multicast announcements on the LAN)
        "--disable-features=WebRtcHideLocalIpsWithMdns",
    ]
    env = {
        **os.environ,
        "HOME": str(profile),
        "XDG_CONFIG_HOME": str(profile / "config"),
        "XDG_CACHE_HOME": str(profile / "cache"),
    }
    log = (profile / "chromium.log").open("wb")
    proc = await asyncio.create_subprocess_exec(
        str(CHROMIUM),
        *flags,
        url,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=log,
        stderr=log,
        env=env,
        start_new_session=True,
    )
    try:
        yield proc
    finally:
        await _kill_all(proc, str(profile))
        log.close()


def _ours(pgid: int, marker: str) -> list[int]:
    """Live (not zombie) processes of Chromium's process group, plus the crash handlers it
    starts in sessions of their own (found by our private profile path in their command
    line)."""
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            stat = Path(f"/proc/{name}/stat").read_text()
            cmdline = Path(f"/proc/{name}/cmdline").read_bytes()
        except OSError:
            continue
        state, _ppid, group = stat.rsplit(")", 1)[1].split()[:3]
        if state != "Z" and (int(group) == pgid or marker.encode() in cmdline):
            found.append(int(name))
    return found


async def _kill_all(proc: asyncio.subprocess.Process, marker: str) -> None:
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        for pid in _ours(proc.pid, marker):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            if proc.returncode is None:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(proc.wait(), 0.1)
            if proc.returncode is not None and not _ours(proc.pid, marker):
                return
            await asyncio.sleep(0.05)
    raise AssertionError(f"Chromium processes survived the test: {_ours(proc.pid, marker)}")


class LoopbackUdp:
    """Holds our side's ICE/media UDP to loopback. IcePolicy.loopback() drops remote
    candidates from SDP only, but Chromium also checks from its non-loopback host addresses
    towards our 127.0.0.1 candidate, and aioice would learn those sources as peer-reflexive
    candidates and answer (and send media) there. Datagrams from outside 127.0.0.0/8 are
    dropped unread, and every destination we send to is recorded for the test to check."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.sent_to: set[str] = set()
        self.dropped_from: set[str] = set()
        protocol = aioice.ice.StunProtocol
        received, send_stun, send_data = (
            protocol.datagram_received,
            protocol.send_stun,
            protocol.send_data,
        )
        guard = self

        def datagram_received(self: Any, data: bytes | str, addr: tuple[Any, ...]) -> None:
            if not _loopback(addr[0]):
                guard.dropped_from.add(addr[0])
                return
            received(self, data, addr)

        def stun(self: Any, message: Any, addr: tuple[str, int]) -> None:
            guard.sent_to.add(addr[0])
            if _loopback(addr[0]):
                send_stun(self, message, addr)

        async def data(self: Any, payload: bytes, addr: tuple[str, int]) -> None:
            guard.sent_to.add(addr[0])
            if _loopback(addr[0]):
                await send_data(self, payload, addr)

        monkeypatch.setattr(protocol, "datagram_received", datagram_received)
        monkeypatch.setattr(protocol, "send_stun", stun)
        monkeypatch.setattr(protocol, "send_data", data)


def _loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


class Clerk:
    """Clerk bob's console side: the real CallAgent/CallSession over the real server."""

    def __init__(self, server: TestServer) -> None:
        self.server = server
        self.said: list[m.Say] = []
        self.heard = asyncio.Event()
        self.offer_at: float | None = None
        self.rang = asyncio.Event()
        self.ended = asyncio.Event()
        self.errors: list[p.Error] = []
        self.agent = CallAgent(
            config_for_call=self._config,
            on_message=self._on_message,
            on_ended=lambda _: self.ended.set(),
        )
        self.signaling: SignalingClient | None = None

    async def start(self) -> None:
        token = await self.server.login("bob")
        self.signaling = SignalingClient(self.server.ws_url, token, self._on_signal, app="console")
        self.agent.attach(self.signaling)
        self.signaling.start()
        welcome = await self.signaling.wait_connected(5)
        assert welcome.role == p.Role.CLERK
        await self.signaling.send(p.SetClerkState(state="available"))

    async def close(self) -> None:
        await self.agent.close()
        if self.signaling is not None:
            await self.signaling.close()

    async def _config(self) -> CallConfig:
        return CallConfig(
            media=MediaConfig(synthetic_label="console"), ice_policy=IcePolicy.loopback()
        )

    async def _on_signal(self, message: p.ServerMessage) -> None:
        if isinstance(message, p.Sdp) and message.sdp_type == "offer" and self.offer_at is None:
            self.offer_at = time.monotonic()
        await self.agent.handle(message)
        if isinstance(message, p.Ring):
            self.rang.set()
            assert self.signaling is not None
            await self.signaling.send(p.AcceptCall(request_id=message.request_id))
        elif isinstance(message, p.Error):
            self.errors.append(message)

    def _on_message(self, message: m.CallMessage) -> None:
        if isinstance(message, m.Say):
            self.said.append(message)
            self.heard.set()


async def _until(what: str, check: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


@pytest.mark.parametrize("seeded_database", ["sqlite"], indirect=True)
async def test_chromium_kiosk_and_aiortc_console_exchange_video_and_messages(
    server: TestServer, seeded: Seed, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    udp = LoopbackUdp(monkeypatch)
    pages = PageReports()
    clerk = Clerk(server)
    try:
        async with asyncio.timeout(50):
            await pages.start()
            await clerk.start()
            query = urlencode(
                {
                    "ws": server.ws_url,
                    "token": seeded.kiosk_credentials[0],
                    "item": "YB-003",
                    "say": KIOSK_SAYS,
                    "frames": MIN_FRAMES,
                }
            )
            async with chromium(f"{pages.url}/page.html?{query}", tmp_path / "chromium"):
                await _run_call(server, pages, clerk, udp)
    finally:
        await clerk.close()
        await pages.stop()
        apply_host_addresses(())  # CallSession swapped aioice's gathering process-wide


async def _run_call(server: TestServer, pages: PageReports, clerk: Clerk, udp: LoopbackUdp) -> None:
    await pages.wait_for("an offer sent", lambda r: r.get("offer_sent_ms") is not None)
    assert clerk.rang.is_set(), "bob was never rung"
    await _until("a call session at the console", lambda: clerk.agent.session is not None, 5)
    session = clerk.agent.session
    assert session is not None and not session.offerer

    # video Chromium → aiortc
    await session.wait_media(10)
    await _until(
        f"{MIN_FRAMES} video frames at the console",
        lambda: session.stats.video_frames > MIN_FRAMES,
        10,
    )
    # data channel aiortc → Chromium (the page acks it)
    await session.wait_channel(5)
    await session.send(m.Say(text=CLERK_SAYS))
    # data channel Chromium → aiortc
    await asyncio.wait_for(clerk.heard.wait(), 10)
    assert clerk.said[0].text == KIOSK_SAYS
    assert clerk.said[0].seq == 1

    # video aiortc → Chromium, our say received and acked, its say acked by us
    report = await pages.wait_for("done", lambda r: bool(r.get("done")))
    await _until("the page's ack of our say", lambda: session.unacked == 0, 5)
    assert report["errors"] == [], pages.brief()
    assert report["frames_decoded"] >= MIN_FRAMES
    assert report["frames_sent"] > 0
    assert (report["video_codec"] or "").lower() == "video/vp8"
    says = [r for r in report["received"] if r["type"] == "say"]
    assert [s["text"] for s in says] == [CLERK_SAYS]
    assert report["acked_upto"] >= 1
    # the media path is loopback on both ends
    pair = report["selected_pair"]
    assert pair is not None, pages.brief()
    assert pair["remote"].startswith("127."), pair
    assert pair["local"].startswith("127."), pair
    assert session.stats.audio_frames > 0
    assert udp.sent_to and all(_loopback(a) for a in udp.sent_to), udp.sent_to

    # the clerk hangs up; the browser kiosk hears it through the server
    assert clerk.signaling is not None
    await clerk.signaling.send(p.Hangup(call_id=session.call_id, outcome="accepted"))
    ended = await pages.wait_for("call.ended", lambda r: r.get("ended") is not None)
    assert ended["ended"] == "hangup"
    await asyncio.wait_for(clerk.ended.wait(), 5)
    assert clerk.errors == []

    assert clerk.offer_at is not None and session.stats.first_video_at is not None
    console_first_ms = (session.stats.first_video_at - clerk.offer_at) * 1000
    page_first_ms = (report["first_frame_ms"] or report["first_decoded_ms"]) - report[
        "offer_sent_ms"
    ]
    print(
        f"\nfirst remote video frame after the offer: console (aiortc) {console_first_ms:.0f} ms, "
        f"kiosk (Chromium) {page_first_ms} ms; frames: console {session.stats.video_frames}, "
        f"kiosk decoded {report['frames_decoded']} shown {report['frames_shown']}; "
        f"pair {pair}; dropped UDP from {sorted(udp.dropped_from)}"
    )
