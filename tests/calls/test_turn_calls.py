"""Calls through a real coturn: the server hands out TURN credentials (``[turn]`` config,
``GET /api/v1/turn``), the headless kiosk and console call each other relay-only; and what
happens when the credentials have expired."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from aioice import stun
from aioice.turn import create_turn_endpoint

from center.headless import ConsoleOptions
from kiosk.headless import KioskOptions
from shared import protocol as p
from shared.call import messages as m
from shared.call.ice import IcePolicy
from shared.call.media import MediaConfig
from shared.call.session import CallConfig, CallSession, CallState, IceServer
from signaling.config import TurnConfig
from signaling.turn import turn_credentials
from tests.calls.conftest import CallServer, eventually
from tests.calls.peers import ControlledConsole, ControlledKiosk
from tests.conftest import PASSWORD, Seed

SMALL_MEDIA = MediaConfig(width=320, height=240, fps=15)

sqlite_only = pytest.mark.parametrize("seeded_database", ["sqlite"], indirect=True)


def candidate_types(sdp: str) -> list[str]:
    return [line.split()[7] for line in sdp.splitlines() if line.startswith("a=candidate:")]


def nominated(session: CallSession) -> list[Any]:
    """The candidate pairs ICE chose (aiortc keeps them on its aioice connection)."""
    pc = session._pc
    assert pc is not None and pc.sctp is not None
    return list(pc.sctp.transport.transport._connection._nominated.values())


@sqlite_only
async def test_relay_only_call_carries_media_pages_and_messages(
    coturn: Any, make_call_server: Callable[..., Any], seeded: Seed, tmp_path: Path
) -> None:
    server: CallServer = await make_call_server(
        turn=TurnConfig(urls=(coturn.url,), secret=coturn.secret, ttl_s=600)
    )
    loopback = IcePolicy.loopback()
    console = ControlledConsole(
        ConsoleOptions(
            server_url=server.url,
            username="alice",
            password=PASSWORD,
            media=SMALL_MEDIA,
            ice_policy=loopback,
            relay_only=True,
            timeout_s=120,
        )
    )
    kiosk = ControlledKiosk(
        KioskOptions(
            server_url=server.url,
            credential=seeded.kiosk_credentials[0],
            pages=1,
            media=SMALL_MEDIA,
            ice_policy=loopback,
            relay_only=True,
            page_dpi=100,
            timeout_s=120,
            runtime_root=tmp_path / "kiosk-runtime",
        )
    )
    tasks = [asyncio.ensure_future(console.run()), asyncio.ensure_future(kiosk.run())]
    try:
        await asyncio.wait_for(console.in_call.wait(), 30)
        await kiosk.session.wait_media(10)
        await eventually(lambda: len(console.pages) == 1, 20, "the visit's page")
        await kiosk.session.send(m.Say(text="over the relay"))
        await console.session.send(m.Say(text="heard you"))
        await eventually(lambda: console.said() == ["over the relay"], 5, "kiosk's line")
        await eventually(lambda: kiosk.said() == ["heard you"], 5, "clerk's line")
        await asyncio.sleep(1.0)

        for side, session in (("kiosk", kiosk.session), ("console", console.session)):
            # the credentials came from the server's [turn] config
            turn = [s for s in session.config.ice_servers if s.username]
            assert [s.urls for s in turn] == [(coturn.url,)], side
            assert int(turn[0].username.split(":")[0]) > time.time() + 500  # type: ignore[union-attr]
            # only relay candidates were offered either way, and ICE chose a relayed pair
            pc = session._pc
            assert pc is not None
            assert set(candidate_types(pc.localDescription.sdp)) == {"relay"}, side
            assert set(candidate_types(pc.remoteDescription.sdp)) == {"relay"}, side
            pairs = nominated(session)
            assert [pair.local_candidate.type for pair in pairs] == ["relay"], side
            assert pairs[0].remote_candidate.type == "relay"
            assert pairs[0].remote_candidate.host == coturn.host
            stats = session.stats
            assert stats.video_frames >= 10 and stats.audio_frames >= 25, (side, stats)
            assert session.state == CallState.CONNECTED
        assert console.card is not None

        console.finish.set()
        summary = await asyncio.wait_for(asyncio.shield(tasks[1]), 10)
        assert summary["reason"] == p.EndReason.HANGUP and summary["pages"] == 1
    finally:
        console.finish.set()
        for task in tasks:
            if not task.done():
                task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


class Wire:
    def __init__(self) -> None:
        self.target: CallSession | None = None
        self.tasks: set[asyncio.Task[None]] = set()

    async def send(self, message: p.Sdp) -> None:
        assert self.target is not None
        task = asyncio.ensure_future(self.target.handle_sdp(message))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)


async def expired_call(coturn: Any) -> tuple[CallSession, CallSession, list[tuple[str, str]]]:
    """Two sessions, relay-only, with credentials that expired an hour ago (issued with a
    ``now`` 70 minutes in the past and a 10-minute lifetime)."""
    config = TurnConfig(urls=(coturn.url,), secret=coturn.secret, ttl_s=600)
    issued = turn_credentials(config, "ksk-expired", time.time() - 4200)
    servers = tuple(IceServer.from_api(issued["ice_servers"]))  # type: ignore[arg-type]
    call_config = CallConfig(
        media=SMALL_MEDIA, ice_servers=servers, relay_only=True, ice_policy=IcePolicy.loopback()
    )
    reports: list[tuple[str, str]] = []
    to_console, to_kiosk = Wire(), Wire()
    kiosk = CallSession(
        call_id="call-expired",
        offerer=True,
        send_sdp=to_console.send,
        config=call_config,
        on_message=lambda message: None,
        on_state=lambda state, why: reports.append((str(state), why)),
    )
    console = CallSession(
        call_id="call-expired",
        offerer=False,
        send_sdp=to_kiosk.send,
        config=call_config,
        on_message=lambda message: None,
    )
    to_console.target, to_kiosk.target = console, kiosk
    await console.start()
    await kiosk.start()
    return kiosk, console, reports


async def test_expired_turn_credentials_get_no_relay_and_no_call(coturn: Any) -> None:
    """What is observable today: coturn refuses the allocation with 401, aioice drops the
    failure silently, the offer goes out without a single candidate, and the call never
    connects (today the session just stays ``connecting``, giving no reason: see below)."""
    config = TurnConfig(urls=(coturn.url,), secret=coturn.secret, ttl_s=600)
    expired = turn_credentials(config, "ksk-expired", time.time() - 4200)["ice_servers"]
    assert isinstance(expired, list)
    with pytest.raises(stun.TransactionFailed) as refused:
        transport, _ = await create_turn_endpoint(
            asyncio.DatagramProtocol,
            server_addr=(coturn.host, coturn.port),
            username=expired[0]["username"],
            password=expired[0]["credential"],
        )
        transport.close()
    assert refused.value.response.attributes["ERROR-CODE"][0] == 401

    kiosk, console, _ = await expired_call(coturn)
    try:
        with pytest.raises(TimeoutError):
            await kiosk.wait_media(timeout=5)
        for session in (kiosk, console):
            assert session.state in (CallState.CONNECTING, CallState.RECONNECTING)
            assert session.stats.video_frames == 0 and session.stats.connected_at is None
            pc = session._pc
            assert pc is not None and pc.localDescription is not None
            assert candidate_types(pc.localDescription.sdp) == []
    finally:
        await kiosk.close()
        await console.close()


async def test_expired_turn_credentials_are_reported_by_the_session(coturn: Any) -> None:
    """The clear error wanted (see the report): within a few seconds ``on_state`` reports the
    call is not connecting, with a reason that names TURN and the 401."""
    kiosk, console, reports = await expired_call(coturn)
    try:
        await eventually(lambda: reports, 5, "a report from the session")
        state, why = reports[0]
        assert state != CallState.CONNECTED
        assert "turn" in why.lower() and "401" in why, why
    finally:
        await kiosk.close()
        await console.close()
