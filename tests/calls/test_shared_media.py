"""One side's legs send from one set of sources: the camera and the microphone open once for
the main call and the legs with an invited third party, the preview sees each frame once, and
the devices close when the last leg ends.

Only the opening of a device is played by ``CountingDevices`` (this machine has no camera):
it counts the opens and hands out a real synthetic camera and a real tone, whose frames go
through real aiortc legs against a real server."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import pytest
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack
from av import VideoFrame

from shared import protocol as p
from shared.call.ice import IcePolicy
from shared.call.media import (
    MediaConfig,
    MediaHub,
    MediaUnavailable,
    SyntheticVideoTrack,
    ToneAudioTrack,
)
from shared.call.session import CallConfig, CallState
from tests.calls.conftest import PATIENT_ROUTING, CallServer, eventually
from tests.calls.test_third_party import Side, frames_grow
from tests.conftest import Seed

CAMERA = "/dev/video-kiosk"
MICROPHONE = "hw:7"


@dataclass
class FakePlayer:
    """What aiortc's MediaPlayer offers: the track of the kind it opened."""

    video: MediaStreamTrack | None = None
    audio: MediaStreamTrack | None = None

    @property
    def released(self) -> bool:
        return all(t.readyState == "ended" for t in (self.video, self.audio) if t is not None)


class CountingDevices:
    """Opens "devices" as a real player would be opened (called off the event loop), counts
    the opens, and can refuse one like a busy or missing device."""

    def __init__(self, refuse: str = "") -> None:
        self.opened: list[tuple[str, str]] = []
        self.players: list[FakePlayer] = []
        self.refuse = refuse

    def open(self, device: str, kind: str, config: MediaConfig) -> FakePlayer:
        self.opened.append((kind, device))
        if device == self.refuse:
            raise MediaUnavailable(f"{device!r} cannot be opened: busy")
        if kind == "video":
            player = FakePlayer(
                video=SyntheticVideoTrack(config.width, config.height, config.fps, "camera")
            )
        else:
            player = FakePlayer(audio=ToneAudioTrack())
        self.players.append(player)
        return player

    @property
    def camera(self) -> SyntheticVideoTrack:
        track = next(p.video for p in self.players if p.video is not None)
        assert isinstance(track, SyntheticVideoTrack)
        return track

    @property
    def released(self) -> bool:
        return all(player.released for player in self.players)


def pts(frame: Any) -> int:
    assert frame.pts is not None
    value: int = frame.pts
    return value


def device_config(preview: Callable[[VideoFrame], None] | None = None) -> MediaConfig:
    return MediaConfig(
        video_device=CAMERA,
        audio_device=MICROPHONE,
        width=160,
        height=120,
        fps=15,
        on_local_frame=preview,
    )


# --- The hub on its own ----------------------------------------------------------------------


async def test_two_legs_open_each_device_once_and_get_the_same_frames() -> None:
    devices = CountingDevices()
    hub = MediaHub(devices.open)
    previewed: list[int] = []
    config = device_config(lambda frame: previewed.append(pts(frame)))
    first = await hub.acquire(config)
    # the second leg's config is a new object with the same devices, as the apps make it
    second = await hub.acquire(replace(config))
    assert devices.opened == [("video", CAMERA), ("audio", MICROPHONE)]
    assert hub.open_sources == 2
    assert first.video is not None and second.video is not None
    assert first.audio is not None and second.audio is not None
    for _ in range(10):
        a, b = await asyncio.gather(first.video.recv(), second.video.recv())
        assert a is b  # one frame from the camera, sent on both legs
        sound_a, sound_b = await asyncio.gather(first.audio.recv(), second.audio.recv())
        assert sound_a.pts == sound_b.pts
    # the preview saw every frame the camera gave, once
    assert previewed == sorted(set(previewed))
    assert len(previewed) == devices.camera._frame_index
    # one leg ends: the devices stay open for the other, which keeps getting frames
    first.stop()
    assert not devices.released and hub.open_sources == 2
    before = previewed[-1]
    await second.video.recv()
    assert pts(await second.video.recv()) > before
    # the last leg ends: the devices are released, and a new call opens them again
    second.stop()
    assert devices.released and hub.open_sources == 0
    with pytest.raises(MediaStreamError):
        await second.video.recv()
    again = await hub.acquire(config)
    assert len(devices.opened) == 4
    again.stop()
    assert devices.released and hub.open_sources == 0


async def test_a_leg_that_falls_behind_neither_holds_up_the_others_nor_gets_old_frames() -> None:
    hub = MediaHub(CountingDevices().open)
    config = device_config()
    busy = await hub.acquire(config)
    idle = await hub.acquire(config)
    assert busy.video is not None and idle.video is not None
    assert idle.audio is not None
    await idle.video.recv()  # both legs sending
    started = time.monotonic()
    for _ in range(15):
        await busy.video.recv()  # a second of video while the other leg takes nothing
    assert time.monotonic() - started < 5  # not waiting for the idle leg
    latest = await busy.video.recv()
    waiting = await idle.video.recv()
    # the idle leg's next frame is the newest, not the second-old one it stopped at
    assert pts(waiting) >= pts(latest)
    busy.stop()
    idle.stop()


async def test_a_device_that_cannot_open_leaves_nothing_open() -> None:
    devices = CountingDevices(refuse=MICROPHONE)
    hub = MediaHub(devices.open)
    with pytest.raises(MediaUnavailable, match="busy"):
        await hub.acquire(device_config())
    # the camera opened before the microphone failed, and was released again
    assert devices.opened == [("video", CAMERA), ("audio", MICROPHONE)]
    assert devices.released and hub.open_sources == 0


async def test_synthetic_sources_are_shared_by_label_and_previews_are_not_doubled() -> None:
    hub = MediaHub(CountingDevices().open)
    seen: dict[str, list[int]] = {"kiosk": [], "console": []}

    def preview(label: str) -> Callable[[VideoFrame], None]:
        return lambda frame: seen[label].append(pts(frame))

    kiosk_preview, console_preview = preview("kiosk"), preview("console")
    small = MediaConfig(width=160, height=120, fps=15, synthetic_label="kiosk")
    kiosk_legs = [
        await hub.acquire(replace(small, on_local_frame=kiosk_preview)),
        await hub.acquire(replace(small, on_local_frame=kiosk_preview)),
        await hub.acquire(small),  # a leg without the preview (the console's guest legs)
    ]
    console = await hub.acquire(
        replace(small, synthetic_label="console", on_local_frame=console_preview)
    )
    assert hub.open_sources == 4  # a picture and a tone for each label
    for _ in range(5):
        frames = await asyncio.gather(*(leg.video.recv() for leg in kiosk_legs if leg.video))
        assert all(frame is frames[0] for frame in frames)
        assert console.video is not None
        assert await console.video.recv() is not frames[0]
    assert seen["kiosk"] == sorted(set(seen["kiosk"])) and len(seen["kiosk"]) >= 5
    assert seen["console"] == sorted(set(seen["console"])) and len(seen["console"]) >= 5
    for lease in [*kiosk_legs, console]:
        lease.stop()
    assert hub.open_sources == 0


# --- Real legs of a call with a third party -------------------------------------------------


def legs_of(side: Side, count: int) -> Callable[[], bool]:
    return lambda: len(side.agent.sessions) == count



class DeviceSide(Side):
    """A party whose camera and microphone are "devices": every leg asks for the same ones."""

    def __init__(self, name: str, server: CallServer, token: str) -> None:
        super().__init__(name, server, token)
        self.devices = CountingDevices()
        self.hub = MediaHub(self.devices.open)
        self.previewed: list[int] = []
        self.agent.media_hub = self.hub

    def _preview(self, frame: VideoFrame) -> None:
        self.previewed.append(pts(frame))

    async def _config(self) -> CallConfig:
        # a fresh config each time, as the apps build one for every leg
        return CallConfig(
            media=replace(device_config(self._preview), fps=10),
            ice_policy=IcePolicy.loopback(),
        )

    def legs_on_camera(self) -> int:
        source = self.hub.source("video", device_config())
        return source.legs if source is not None else 0

    def preview_saw_each_frame_once(self) -> bool:
        return self.previewed == sorted(set(self.previewed)) and len(self.previewed) == (
            self.devices.camera._frame_index
        )


async def test_the_legs_of_a_call_with_a_third_party_share_one_camera_and_microphone(
    make_call_server: Callable[..., Any], seeded: Seed
) -> None:
    server: CallServer = await make_call_server(
        routing=replace(PATIENT_ROUTING, ring_timeout_s=20.0)
    )
    kiosk = DeviceSide("kiosk", server, seeded.kiosk_credentials[0])
    bob = Side("bob", server, await server.login("bob"))
    carol = DeviceSide("carol", server, await server.login("carol"))
    sides: list[Side] = [kiosk, bob, carol]
    one_each = [("video", CAMERA), ("audio", MICROPHONE)]
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
        await main.wait_media(30)
        assert kiosk.devices.opened == one_each and kiosk.legs_on_camera() == 1

        # the expert joins: the kiosk sends on two legs, the expert on two, each from one
        # camera and one microphone
        await bob.signaling.send(p.InviteToCall(call_id=main_id, clerk_id=carol_id))
        invite = await carol.expect(p.Ring, lambda r: r.kind == "invite")
        await carol.signaling.send(p.AcceptCall(request_id=invite.request_id))
        for side in sides:
            await eventually(legs_of(side, 2), 15, side.name)
        kiosk_leg = next(c for c in kiosk.agent.calls.values() if c.leg == "guest")
        bob_leg = next(c for c in bob.agent.calls.values() if c.leg == "guest")
        # both remote sides of each sender receive its frames
        await frames_grow(
            [
                (bob, main_id),  # the kiosk's camera on its main leg
                (carol, kiosk_leg.call_id),  # ... and on its leg with the expert
                (kiosk, kiosk_leg.call_id),  # the expert's camera on the leg with the kiosk
                (bob, bob_leg.call_id),  # ... and on the leg with the clerk
            ],
            "frames from one camera on two legs",
        )
        assert kiosk.devices.opened == one_each and carol.devices.opened == one_each
        assert kiosk.legs_on_camera() == 2 and carol.legs_on_camera() == 2
        assert kiosk.preview_saw_each_frame_once() and carol.preview_saw_each_frame_once()
        assert len(carol.previewed) > 5

        # the expert leaves: their devices close; the kiosk's stay open for the main call
        await carol.signaling.send(p.LeaveCall(call_id=main_id))
        await eventually(lambda: not carol.agent.sessions, 15, "the expert's legs ended")
        await eventually(lambda: carol.devices.released, 15, "the expert's devices released")
        assert carol.hub.open_sources == 0
        await eventually(lambda: len(kiosk.agent.sessions) == 1, 15, "the kiosk's guest leg")
        assert not kiosk.devices.released and kiosk.legs_on_camera() == 1
        await frames_grow([(bob, main_id)], "the kiosk's camera after the expert left")
        assert main.state == CallState.CONNECTED
        assert kiosk.preview_saw_each_frame_once()

        # the call ends: the kiosk's devices close too, having opened once
        await bob.signaling.send(p.Hangup(call_id=main_id, outcome="accepted"))
        await eventually(lambda: not kiosk.agent.sessions, 15, "the kiosk's call ended")
        assert kiosk.devices.released and kiosk.hub.open_sources == 0
        assert kiosk.devices.opened == one_each and carol.devices.opened == one_each
    finally:
        for side in sides:
            await side.close()
