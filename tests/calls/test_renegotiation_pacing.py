"""A call whose connections keep failing retries paced, never in a loop.

The windowed demo once offered only 127.0.0.1 from the kiosk while the console answered with
its LAN address, which the kiosk may not use: every connection failed at once and the kiosk
offered again at once, some ten offers a second, until the server rate-limited it. Here the
same disagreement is made with two real sessions on loopback, and the offers are counted."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Awaitable

import pytest

from shared import protocol as p
from shared.call.ice import IcePolicy
from shared.call.media import MediaConfig
from shared.call.session import CallConfig, CallSession, CallState, retry_delay
from tests.calls.conftest import eventually

MEDIA = MediaConfig(width=160, height=120, fps=10)


def test_the_first_offer_and_first_retry_go_at_once_then_waits_double_up_to_the_cap() -> None:
    assert retry_delay(0, 1.0, 15.0) == 0.0
    assert retry_delay(1, 1.0, 15.0) == 0.0
    for offers, ceiling in ((2, 1.0), (3, 2.0), (4, 4.0), (5, 8.0), (6, 15.0), (40, 15.0)):
        for _ in range(50):
            assert ceiling / 2 <= retry_delay(offers, 1.0, 15.0) <= ceiling


async def test_connections_that_cannot_succeed_are_retried_paced_not_in_a_loop() -> None:
    offers: list[float] = []
    sessions: list[CallSession] = []
    relayed: set[asyncio.Future[None]] = set()

    def relay(delivery: Awaitable[None]) -> None:
        future = asyncio.ensure_future(delivery)
        relayed.add(future)
        future.add_done_callback(relayed.discard)

    async def to_console(message: p.Sdp) -> None:
        if message.sdp_type == "offer":
            offers.append(time.monotonic())
        relay(console.handle_sdp(message))

    async def to_kiosk(message: p.Sdp) -> None:
        relay(kiosk.handle_sdp(message))

    # the kiosk accepts candidates only from a documentation network: the console's
    # loopback answers are unusable, as the LAN answers were in the demo
    kiosk = CallSession(
        call_id="call-pacing",
        offerer=True,
        send_sdp=to_console,
        config=CallConfig(
            media=MEDIA,
            ice_policy=IcePolicy(host_addresses=("127.0.0.1",), allowed_networks=("192.0.2.0/24",)),
            retry_s=0.5,
            max_retry_s=2.0,
        ),
        on_message=lambda message: None,
    )
    console = CallSession(
        call_id="call-pacing",
        offerer=False,
        send_sdp=to_kiosk,
        config=CallConfig(media=MEDIA, ice_policy=IcePolicy.loopback()),
        on_message=lambda message: None,
    )
    sessions += [kiosk, console]
    try:
        await console.start()
        await kiosk.start()
        await eventually(lambda: len(offers) >= 3, 30, "the failing call to be retried")
        started = offers[0]
        await asyncio.sleep(6.0)
        window = [t for t in offers if t - started <= 6.0]
        # unpaced this is ~60; paced: at once, at once, then ≤0.5, ≤1, ≤2, ≤2 … apart
        assert len(window) <= 8, f"{len(window)} offers in 6 s"
        gaps = [b - a for a, b in itertools.pairwise(offers[2:])]
        assert all(gap >= 0.2 for gap in gaps), gaps
        assert kiosk.state == CallState.RECONNECTING
        assert console.state != CallState.CONNECTED
    finally:
        for session in sessions:
            await asyncio.wait_for(session.close(), 10)


@pytest.mark.parametrize(
    ("url", "loopback", "expected"),
    [
        ("http://127.0.0.1:8420", None, IcePolicy.loopback()),
        ("http://localhost:8420", None, IcePolicy.loopback()),
        ("https://vwindow.example.org", None, IcePolicy()),
        ("https://vwindow.example.org", True, IcePolicy.loopback()),
        ("http://127.0.0.1:8420", False, IcePolicy()),
    ],
)
def test_every_side_derives_its_ice_policy_from_the_server_address_by_one_rule(
    url: str, loopback: bool | None, expected: IcePolicy
) -> None:
    assert IcePolicy.for_server(url, loopback) == expected
