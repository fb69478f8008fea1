"""A real call with an invited third party: a kiosk, its clerk (bob) and a department expert
(carol), each a CallAgent over the real signaling client against a real server, with aiortc
peers on loopback. The expert gets one leg with the kiosk and one with the clerk; everyone
receives video on each of their legs; the expert leaves and the main call goes on; then the
main call ends and everything is torn down."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from shared import protocol as p
from shared.call import messages as m
from shared.call.agent import CallAgent
from shared.call.ice import IcePolicy
from shared.call.media import MediaConfig
from shared.call.session import CallConfig, CallSession, CallState
from shared.signaling_client import SignalingClient
from tests.calls.conftest import PATIENT_ROUTING, CallServer, eventually
from tests.conftest import Seed


class Side:
    """One party: a signaling client feeding a CallAgent, remembering what the server sent."""

    def __init__(self, name: str, server: CallServer, token: str) -> None:
        self.name = name
        self.got: list[p.ServerMessage] = []
        self.leg_messages: list[tuple[str, m.CallMessage]] = []
        self.frames: dict[str, int] = {}
        self.started: list[CallSession] = []
        self.agent = CallAgent(
            config_for_call=self._config,
            on_message=lambda message: None,
            on_call=self.started.append,
            on_leg_message=lambda session, message: self.leg_messages.append(
                (session.call_id, message)
            ),
            on_leg_video_frame=self._frame,
        )
        self.signaling = SignalingClient(server.ws_url, token, self._on_signal)
        self.agent.attach(self.signaling)

    async def _config(self) -> CallConfig:
        media = MediaConfig(width=160, height=120, fps=10, synthetic_label=self.name)
        return CallConfig(media=media, ice_policy=IcePolicy.loopback())

    def _frame(self, session: CallSession, frame: Any) -> None:
        self.frames[session.call_id] = self.frames.get(session.call_id, 0) + 1

    async def _on_signal(self, message: p.ServerMessage) -> None:
        self.got.append(message)
        await self.agent.handle(message)

    async def start(self) -> p.Welcome:
        self.signaling.start()
        return await self.signaling.wait_connected()

    async def expect(
        self, kind: type[Any], where: Callable[[Any], bool] = lambda _: True, timeout: float = 15
    ) -> Any:
        return await eventually(
            lambda: next((x for x in self.got if isinstance(x, kind) and where(x)), None),
            timeout,
            f"{self.name}: {kind.__name__}",
        )

    async def close(self) -> None:
        await self.agent.close()
        await self.signaling.close()


async def frames_grow(sides: list[tuple[Side, str]], what: str) -> None:
    """Every (side, leg) keeps receiving video frames."""
    before = {(side.name, leg): side.frames.get(leg, 0) for side, leg in sides}
    await eventually(
        lambda: all(side.frames.get(leg, 0) > before[(side.name, leg)] + 5 for side, leg in sides),
        30,
        what,
    )


async def cpu_share(seconds: float = 2.0) -> float:
    """This process's CPU time over ``seconds`` of wall time (1.0 = one core)."""
    cpu, wall = time.process_time(), time.monotonic()
    await asyncio.sleep(seconds)
    return round((time.process_time() - cpu) / (time.monotonic() - wall), 2)


async def test_expert_joins_with_two_legs_leaves_and_main_call_ends_everything(
    make_call_server: Callable[..., Any],
    seeded: Seed,
    record_property: Callable[[str, object], None],
) -> None:
    # a loaded machine must not let the invitation time out while media runs
    server: CallServer = await make_call_server(
        routing=replace(PATIENT_ROUTING, ring_timeout_s=20.0)
    )
    kiosk = Side("kiosk", server, seeded.kiosk_credentials[0])
    bob = Side("bob", server, await server.login("bob"))
    carol = Side("carol", server, await server.login("carol"))
    sides = [kiosk, bob, carol]
    try:
        for side in sides:
            await side.start()
        carol_id = (await carol.signaling.wait_connected()).subject_id
        await bob.signaling.send(p.SetClerkState(state="available"))
        await carol.signaling.send(p.SetClerkState(state="available"))
        await kiosk.signaling.send(p.JoinQueue(item_code="YB-003", identified=True))
        ring = await bob.expect(p.Ring)
        await bob.signaling.send(p.AcceptCall(request_id=ring.request_id))
        main = await eventually(lambda: kiosk.agent.session, 15, "kiosk's main leg")
        main_id = main.call_id
        bob_main = await eventually(lambda: bob.agent.session, 15, "bob's main leg")
        await main.wait_media(30)
        await bob_main.wait_media(30)
        record_property("cpu_main_only", await cpu_share())

        # the expert is invited by name and accepts: three legs, six sessions
        await bob.signaling.send(p.InviteToCall(call_id=main_id, clerk_id=carol_id, note="残联"))
        invite = await carol.expect(p.Ring, lambda r: r.kind == "invite")
        assert (invite.call_id, invite.from_clerk) == (main_id, "Bob")
        accepted = time.monotonic()
        await carol.signaling.send(p.AcceptCall(request_id=invite.request_id))
        for side in sides:
            await eventually(lambda side=side: len(side.agent.sessions) == 2, 15, side.name)
        for side in sides:
            for session in side.agent.sessions.values():
                await session.wait_media(30)
        record_property("guest_media_ms", round((time.monotonic() - accepted) * 1000))
        record_property("cpu_three_legs", await cpu_share())
        kiosk_leg = next(c for c in kiosk.agent.calls.values() if c.leg == "guest")
        bob_leg = next(c for c in bob.agent.calls.values() if c.leg == "guest")
        assert set(carol.agent.sessions) == {kiosk_leg.call_id, bob_leg.call_id}
        assert {kiosk_leg.parent_call_id, bob_leg.parent_call_id} == {main_id}
        # the main leg stays the apps' ``session``; the expert's is their leg with the kiosk
        assert kiosk.agent.session is main and bob.agent.session is bob_main
        assert carol.agent.session is carol.agent.sessions[kiosk_leg.call_id]
        assert len(carol.started) == 2 and len(kiosk.started) == 2
        every_leg = [
            (kiosk, main_id),
            (kiosk, kiosk_leg.call_id),
            (bob, main_id),
            (bob, bob_leg.call_id),
            (carol, kiosk_leg.call_id),
            (carol, bob_leg.call_id),
        ]
        await frames_grow(every_leg, "video on every leg")
        for side, leg in every_leg:
            assert side.agent.sessions[leg].state == CallState.CONNECTED
        # data channels are per leg: the expert speaks to the resident only on their leg
        carol_kiosk = carol.agent.sessions[kiosk_leg.call_id]
        await carol_kiosk.send(m.Say(text="我是残联的专家"))
        said = await eventually(
            lambda: [x for x in kiosk.leg_messages if isinstance(x[1], m.Say)], 15, "say"
        )
        assert said[0][0] == kiosk_leg.call_id and said[0][1].text == "我是残联的专家"
        assert not [x for x in bob.leg_messages if isinstance(x[1], m.Say)]

        # the expert leaves: their legs end everywhere, the main call goes on
        guest_sessions = [
            kiosk.agent.sessions[kiosk_leg.call_id],
            bob.agent.sessions[bob_leg.call_id],
            *carol.agent.sessions.values(),
        ]
        await carol.signaling.send(p.LeaveCall(call_id=main_id))
        for side in sides:
            expected = 0 if side is carol else 1
            await eventually(
                lambda side=side, n=expected: len(side.agent.sessions) == n, 15, side.name
            )
        assert all(s.state == CallState.ENDED for s in guest_sessions)
        assert carol.agent.session is None
        assert (await bob.expect(p.InviteStatus, lambda s: s.status == "left")).guest_id == carol_id
        await frames_grow([(kiosk, main_id), (bob, main_id)], "main call after the expert left")
        assert main.state == CallState.CONNECTED

        # invited again, then the main call ends: every leg ends with it
        await bob.signaling.send(p.InviteToCall(call_id=main_id, skill="minzheng"))
        first = invite
        invite = await carol.expect(p.Ring, lambda r: r.kind == "invite" and r is not first)
        await carol.signaling.send(p.AcceptCall(request_id=invite.request_id))
        for side in sides:
            await eventually(lambda side=side: len(side.agent.sessions) == 2, 15, side.name)
        await frames_grow(
            [(carol, leg) for leg in carol.agent.sessions], "the expert's legs, second time"
        )
        all_sessions = [s for side in sides for s in side.agent.sessions.values()]
        await bob.signaling.send(p.Hangup(call_id=main_id, outcome="accepted"))
        for side in sides:
            await eventually(lambda side=side: not side.agent.sessions, 15, f"{side.name} ended")
        assert all(s.state == CallState.ENDED for s in all_sessions)
        assert kiosk.agent.session is None and bob.agent.session is None
        ended = await kiosk.expect(p.CallEnded, lambda e: e.call_id == main_id)
        assert ended.reason == "hangup"
        await asyncio.sleep(0.2)
        assert server.hub.engine.legs_of(carol_id) == []
        assert server.hub.engine.clerks[carol_id].state == p.ClerkState.AVAILABLE
    finally:
        for side in sides:
            await side.close()
