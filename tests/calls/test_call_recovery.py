"""A call survives real trouble, end to end: the kiosk's network link cut (the kiosk runs in a
network namespace behind a veth pair; every packet dropped, or the link down) for 5 s and
25 s, the server restarting under a live call, and the console crashing (SIGKILL) and its
clerk logging in again. Real server with the pages routes, the real headless kiosk and
console, real media and data channel."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from center.headless import ConsoleOptions
from kiosk.headless import KioskOptions
from shared.call import messages as m
from shared.call.ice import IcePolicy
from shared.call.media import MediaConfig
from shared.call.session import CallSession, CallState
from tests.calls.conftest import CallServer, PeerProcess, eventually
from tests.calls.netns import VethLink
from tests.calls.peers import ControlledConsole, ControlledKiosk
from tests.conftest import PASSWORD, Seed

#: video must be back this soon after the link returns...
MEDIA_BACK_WITHIN_S = 2.0
#: ...to stay: from then on no gap between frames over MAX_GAP_S for STEADY_HOLD_S
STEADY_HOLD_S = 2.0
MAX_GAP_S = 0.5
#: a server restart must not freeze the picture for longer than this
MAX_FREEZE_S = 1.0
SMALL_MEDIA = MediaConfig(width=320, height=240, fps=15)

sqlite_only = pytest.mark.parametrize("seeded_database", ["sqlite"], indirect=True)


class MediaTooLate(AssertionError):
    """Video did not come back (to stay) soon enough after the link returned."""


def console_options(server: CallServer, policy: IcePolicy, user: str = "alice") -> ConsoleOptions:
    return ConsoleOptions(
        server_url=server.url,
        username=user,
        password=PASSWORD,
        media=SMALL_MEDIA,
        ice_policy=policy,
        timeout_s=300,
    )


def kiosk_options(
    server: CallServer, credential: str, policy: IcePolicy, runtime_root: Path
) -> KioskOptions:
    return KioskOptions(
        server_url=server.url,
        credential=credential,
        pages=1,
        media=SMALL_MEDIA,
        ice_policy=policy,
        page_dpi=100,
        timeout_s=300,
        runtime_root=runtime_root,
    )


class FrameWatch:
    """Notes when each new video frame was counted by a session (sampled every 10 ms)."""

    def __init__(self, session: Callable[[], CallSession | None]) -> None:
        self.session = session
        self.arrivals: list[float] = []
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        seen = -1
        while True:
            session = self.session()
            count = session.stats.video_frames if session is not None else 0
            if count != seen:
                if seen >= 0:
                    self.arrivals.append(time.monotonic())
                seen = count
            await asyncio.sleep(0.01)

    def first_after(self, since: float) -> float | None:
        return next((t for t in self.arrivals if t > since), None)

    def longest_freeze(self, start: float, end: float) -> float:
        times = [start, *(t for t in self.arrivals if start < t <= end), end]
        return max(b - a for a, b in itertools.pairwise(times))

    async def steady_after(self, since: float, hold: float, timeout: float) -> float | None:
        """Seconds from ``since`` to the first frame after which video kept coming (no gap
        over MAX_GAP_S) for ``hold`` seconds; None if that did not happen within
        ``timeout``."""
        while True:
            now = time.monotonic()
            for start in [t for t in self.arrivals if t > since]:
                if start + hold > now or start > since + timeout:
                    break
                if self.longest_freeze(start, start + hold) <= MAX_GAP_S:
                    return start - since
            if now > since + timeout + hold:
                return None
            await asyncio.sleep(0.1)

    async def close(self) -> None:
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task


class Running:
    """A side's ``run()`` as a task that is always finished off at the end."""

    def __init__(self, side: ControlledConsole | ControlledKiosk) -> None:
        self.side = side
        self.task = asyncio.get_running_loop().create_task(side.run())

    async def close(self) -> None:
        if isinstance(self.side, ControlledConsole):
            self.side.finish.set()
        try:
            await asyncio.wait_for(asyncio.shield(self.task), 5)
        except BaseException:
            self.task.cancel()
            with contextlib.suppress(BaseException):
                await self.task


def viewed(console: ControlledConsole) -> list[str]:
    """The labels of the pages the console has shown, in order."""
    return [page.label for page in console.pages]


# --- The kiosk's link cut -------------------------------------------------------------------


@sqlite_only
@pytest.mark.parametrize(
    ("mode", "outage_s"),
    [
        pytest.param("loss", 5.0, id="drop-5s"),
        pytest.param("loss", 25.0, id="drop-25s"),
        pytest.param("down", 5.0, id="down-5s"),
    ],
)
async def test_call_heals_after_the_kiosk_link_is_cut(
    mode: str,
    outage_s: float,
    veth: VethLink,
    make_call_server: Callable[..., Any],
    spawn: Callable[..., Any],
    seeded: Seed,
    tmp_path: Path,
    record_property: Callable[[str, object], None],
) -> None:
    """Server and console in the root namespace on the veth address, the kiosk in a child
    process inside the namespace; media, pages and messages before, during and after a cut
    of the only link between them."""
    server: CallServer = await make_call_server(host=veth.host_ip)
    console = ControlledConsole(
        console_options(
            server, IcePolicy(host_addresses=(veth.host_ip,), allowed_networks=(veth.network,))
        )
    )
    running = Running(console)
    watch = FrameWatch(lambda: console.agent.session)
    try:
        kiosk: PeerProcess = await spawn(
            "kiosk",
            *("--server", server.url, "--credential", seeded.kiosk_credentials[0]),
            *("--host-address", veth.ns_ip, "--network", veth.network, "--pages", "1"),
            *("--runtime-root", str(tmp_path / "kiosk-runtime")),
            netns=veth,
        )
        await asyncio.wait_for(console.in_call.wait(), 30)
        await kiosk.event("media")
        session = console.session
        call_id = session.call_id
        # before: the card, one page uploaded by the visit, one page over the data channel
        await eventually(lambda: len(console.pages) == 1, 20, "the visit's page")
        await kiosk.command("page", path="channel", label="before")
        await eventually(lambda: len(console.pages) == 2, 20, "the page over the channel")
        before = viewed(console)
        assert console.card is not None
        kiosk_before = await kiosk.command("stats")
        assert kiosk_before["video_frames"] > 0 and session.stats.video_frames > 0

        veth.cut(mode)
        cut_at = time.monotonic()
        for n in range(3):
            await session.send(m.Say(text=f"c{n}"))
            await kiosk.command("say", text=f"k{n}")
        during_upload = asyncio.ensure_future(
            kiosk.command("page", 120, path="upload", label="during")
        )
        during_channel = asyncio.ensure_future(
            kiosk.command("page", 120, path="channel", label="during-ch")
        )
        await eventually(
            lambda: session.state == CallState.RECONNECTING, 5, "the console says reconnecting"
        )
        await asyncio.sleep(max(0.0, cut_at + outage_s - time.monotonic()))
        veth.restore()
        restored_at = time.monotonic()

        steady = asyncio.ensure_future(watch.steady_after(restored_at, STEADY_HOLD_S, 15.0))

        # nothing lost, nothing twice
        await during_upload
        await during_channel
        await kiosk.command("page", path="upload", label="after")
        new = {"during", "during-ch", "after"}
        await eventually(lambda: new <= set(viewed(console)), 30, "pages during and after")
        await eventually(lambda: kiosk.messages() == ["c0", "c1", "c2"], 15, "clerk's lines")
        await eventually(lambda: console.said() == ["k0", "k1", "k2"], 15, "kiosk's lines")
        assert viewed(console)[:2] == before and sorted(viewed(console)[2:]) == sorted(new)
        ids = [page.page_id for page in console.pages]
        assert len(ids) == len(set(ids)) == 5
        assert console.uploader is not None
        stored = await console.uploader.list_pages(call_id)
        uploads = {page.page_id for page in console.pages if page.path == "upload"}
        assert uploads == {page["page_id"] for page in stored if page["completed"]}
        assert "error" not in {e["type"] for e in kiosk.events if e["event"] == "message"}
        assert "error" not in {r.type for r in console.messages}

        media_back = await steady
        glimpse = watch.first_after(restored_at)
        # both ways: the kiosk sees the clerk again too
        kiosk_now = await kiosk.command("stats")
        await asyncio.sleep(1.0)
        kiosk_later = await kiosk.command("stats")
        kiosk_fps = kiosk_later["video_frames"] - kiosk_now["video_frames"]
        figures = {
            "first_frame_s": None if glimpse is None else round(glimpse - restored_at, 3),
            "media_back_s": None if media_back is None else round(media_back, 3),
            "kiosk_fps_later": kiosk_fps,
            "console_reconnects": session.stats.reconnects,
            "kiosk_signaling_connects": kiosk_later["connects"],
        }
        for name, value in figures.items():
            record_property(name, value)
        print(f"\n{mode} {outage_s:.0f} s: {figures}")
        late = []
        if media_back is None or media_back > MEDIA_BACK_WITHIN_S:
            late.append(f"console: video steady only after {media_back} s")
        if kiosk_fps < 8 or kiosk_later["state"] != CallState.CONNECTED:
            late.append(f"kiosk: {kiosk_fps} frames in 1 s, {kiosk_later['state']}")
        if console.session.state != CallState.CONNECTED:
            late.append(f"console: {console.session.state}")

        # the same call all along, and it still ends properly
        assert console.ended is None
        assert console.session.call_id == call_id and kiosk_later["call_id"] == call_id
        console.finish.set()
        done = await kiosk.event("done", 15)
        assert done["event"] == "done" and done["summary"]["reason"] == "hangup"
        if late:
            raise MediaTooLate("; ".join(late))
    finally:
        await watch.close()
        await running.close()


# --- The server restarts --------------------------------------------------------------------


async def test_call_and_media_survive_a_server_restart(
    make_call_server: Callable[..., Any], seeded: Seed, tmp_path: Path
) -> None:
    """Media is peer to peer: it keeps flowing while both sides reconnect to the restarted
    server with backoff, find their call in ``welcome.call`` and carry on."""
    server: CallServer = await make_call_server()
    loopback = IcePolicy.loopback()
    console = ControlledConsole(console_options(server, loopback))
    kiosk = ControlledKiosk(
        kiosk_options(server, seeded.kiosk_credentials[0], loopback, tmp_path / "kiosk-runtime")
    )
    sides = [Running(console), Running(kiosk)]
    watch = FrameWatch(lambda: console.agent.session)
    try:
        await asyncio.wait_for(console.in_call.wait(), 30)
        await eventually(lambda: len(console.pages) >= 1, 20, "the visit's page")
        call_id = console.session.call_id
        assert console.signaling is not None and kiosk.signaling is not None
        assert console.signaling.connects == kiosk.signaling.connects == 1

        stopped_at = time.monotonic()
        await server.restart()
        await eventually(
            lambda: console.signaling.connects == 2 and kiosk.signaling.connects == 2,  # type: ignore[union-attr]
            15,
            "both sides back on the server",
        )
        back_after = time.monotonic() - stopped_at
        await asyncio.sleep(1.0)
        print(f"\nserver restart: both sides reconnected after {back_after:.2f} s")
        for side in (console, kiosk):
            welcome = side.signaling.welcome  # type: ignore[union-attr]
            assert welcome is not None and welcome.call is not None
            assert welcome.call.call_id == call_id
        # no renegotiation was needed, and video never stopped
        assert console.session.call_id == call_id and kiosk.session.call_id == call_id
        assert console.session.stats.generations == kiosk.session.stats.generations == 1
        assert watch.longest_freeze(stopped_at, time.monotonic()) <= MAX_FREEZE_S
        assert console.session.state == kiosk.session.state == CallState.CONNECTED

        await console.session.send(m.Say(text="still there?"))
        await kiosk.session.send(m.Say(text="yes"))
        await kiosk.send_page("upload", "after restart")
        await eventually(lambda: "after restart" in viewed(console), 20, "a page after it")
        await eventually(lambda: kiosk.said() == ["still there?"], 5, "clerk's line")
        await eventually(lambda: console.said() == ["yes"], 5, "kiosk's line")

        console.finish.set()
        ended = await asyncio.wait_for(asyncio.shield(sides[1].task), 10)
        assert ended["reason"] == "hangup" and ended["pages"] == 2
    finally:
        await watch.close()
        for side in sides:
            await side.close()


# --- The console crashes --------------------------------------------------------------------


@sqlite_only
@pytest.mark.parametrize(
    "rejoin",
    [
        pytest.param("after_silence", id="rejoin-after-kiosk-noticed"),
        pytest.param("at_once", id="rejoin-at-once"),
    ],
)
async def test_crashed_console_rejoins_and_the_kiosk_renegotiates(
    rejoin: str,
    make_call_server: Callable[..., Any],
    spawn: Callable[..., Any],
    seeded: Seed,
    tmp_path: Path,
) -> None:
    """The console process is killed outright (no goodbye on any socket); the clerk logs in
    again from a new console, which gets the call in ``welcome.call``; the kiosk offers a
    fresh connection when the server says the clerk is back, and the call goes on."""
    server: CallServer = await make_call_server()
    loopback = IcePolicy.loopback()
    first: PeerProcess = await spawn(
        "console",
        *("--server", server.url, "--username", "alice", "--password", PASSWORD),
        *("--host-address", "127.0.0.1", "--network", "127.0.0.0/8"),
    )
    await first.event("ready")
    kiosk = ControlledKiosk(
        kiosk_options(server, seeded.kiosk_credentials[0], loopback, tmp_path / "kiosk-runtime")
    )
    sides = [Running(kiosk)]
    try:
        await first.event("media")
        await first.wait_event(lambda e: e["event"] == "message" and e["type"] == "page.announce")
        session = await eventually(lambda: kiosk.agent.session, 5, "the kiosk's call")
        call_id = session.call_id
        await session.send(m.Say(text="before"))
        await eventually(lambda: first.messages() == ["before"], 5, "a line before the crash")
        await eventually(lambda: session.unacked == 0, 5, "everything acknowledged")

        first.kill()
        killed_at = time.monotonic()
        await session.send(m.Say(text="while away"))
        if rejoin == "after_silence":
            await eventually(
                lambda: session.state == CallState.RECONNECTING, 5, "the kiosk says reconnecting"
            )
        else:
            await asyncio.sleep(0.2)
        assert session.unacked == 1

        second = ControlledConsole(console_options(server, loopback))
        sides.append(Running(second))
        rejoin_at = time.monotonic()
        await asyncio.wait_for(second.in_call.wait(), 10)
        media_after = time.monotonic() - rejoin_at
        print(
            f"\nconsole crash: the new console had video {media_after:.2f} s after it started "
            f"({time.monotonic() - killed_at:.2f} s after the kill)"
        )
        assert second.agent.call is not None and second.agent.call.call_id == call_id
        assert kiosk.agent.session is session and session.stats.reconnects >= 1
        assert media_after <= 5.0
        # what the crashed console never acknowledged reaches the new one, once; what it had
        # acknowledged does not come again
        await eventually(lambda: second.said() == ["while away"], 5, "the unacknowledged line")
        await eventually(lambda: session.unacked == 0, 5, "acknowledged by the new console")
        await second.session.send(m.Say(text="sorry, where were we"))
        await eventually(lambda: "sorry, where were we" in kiosk.said(), 5, "the clerk's line")
        # the page from before the crash is still there for the new console
        assert second.uploader is not None
        stored = await second.uploader.list_pages(call_id)
        assert {page["page_id"] for page in stored} == set(kiosk.pages_sent)
        await kiosk.send_page("channel", "after the crash")
        await eventually(lambda: "after the crash" in viewed(second), 10, "a page after it")
        assert second.ended is None

        second.finish.set()
        ended = await asyncio.wait_for(asyncio.shield(sides[0].task), 10)
        assert ended["reason"] == "hangup"
    finally:
        for side in sides:
            await side.close()
