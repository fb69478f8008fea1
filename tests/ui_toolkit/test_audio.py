"""Received audio: real Opus-decoded frames become the output's bytes, the queue stays bounded,
a machine without an audio output stays silent and counts, and a real call on loopback hands
its audio frames to the player's hook."""

from __future__ import annotations

import asyncio
import fractions
import logging
from collections.abc import AsyncIterator

import numpy as np
import pytest
from aiortc.codecs.opus import OpusDecoder, OpusEncoder
from aiortc.jitterbuffer import JitterFrame
from av import AudioFrame
from PySide6.QtCore import Qt
from PySide6.QtMultimedia import QAudioDevice, QAudioFormat
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from shared import protocol as p
from shared.call.agent import CallAgent
from shared.call.ice import IcePolicy, apply_allowed_networks, apply_host_addresses
from shared.call.media import MediaConfig
from shared.call.session import CallConfig, CallSession
from shared.signaling_client import SignalingClient
from shared.ui.audio import (
    AudioPlayer,
    PcmConverter,
    PcmFormat,
    PcmQueue,
    pcm_format_of,
    qt_format_of,
)
from shared.ui.loop import qt_application
from tests.calls.conftest import eventually
from tests.conftest import Seed, TestServer

RATE = 48_000
TONE_HZ = 440.0


@pytest.fixture
def app() -> QApplication:
    return qt_application()


def opus_round_trip(seconds: float, channels: int = 1) -> list[AudioFrame]:
    """A tone through aiortc's own Opus encoder and decoder, as a call delivers it."""
    encoder, decoder = OpusEncoder(), OpusDecoder()
    samples = 960
    decoded: list[AudioFrame] = []
    for index in range(int(seconds * RATE / samples)):
        t = (np.arange(samples) + index * samples) / RATE
        wave = (8000 * np.sin(2 * np.pi * TONE_HZ * t)).astype(np.int16)
        data = np.repeat(wave, channels).reshape(1, -1)
        layout = "mono" if channels == 1 else "stereo"
        frame = AudioFrame.from_ndarray(data, format="s16", layout=layout)
        frame.sample_rate = RATE
        frame.pts = index * samples
        frame.time_base = fractions.Fraction(1, RATE)
        payloads, timestamp = encoder.encode(frame)
        for payload in payloads:
            for out in decoder.decode(JitterFrame(payload, timestamp)):
                assert isinstance(out, AudioFrame)
                decoded.append(out)
    return decoded


def dominant_hz(samples: np.ndarray, rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    return float(np.fft.rfftfreq(len(samples), 1 / rate)[int(np.argmax(spectrum))])


# --- Conversion ------------------------------------------------------------------------------


def test_opus_decoded_frames_are_what_the_player_expects() -> None:
    frames = opus_round_trip(0.2)
    assert len(frames) == 10
    for frame in frames:
        assert (frame.format.name, frame.layout.name, frame.sample_rate) == ("s16", "stereo", RATE)
        assert frame.samples == 960


def test_same_format_passes_the_samples_through_with_the_right_length() -> None:
    frames = opus_round_trip(0.2)
    converter = PcmConverter(PcmFormat(RATE, 2, "s16"))
    for frame in frames:
        data = converter.convert(frame)
        assert len(data) == 960 * 2 * 2
        assert data == frame.to_ndarray().tobytes()


@pytest.mark.parametrize(
    ("target", "per_frame"),
    [
        (PcmFormat(48_000, 2, "s32"), 960 * 2 * 4),
        (PcmFormat(48_000, 1, "s16"), 960 * 1 * 2),
        (PcmFormat(48_000, 2, "flt"), 960 * 2 * 4),
        (PcmFormat(48_000, 1, "u8"), 960 * 1 * 1),
    ],
)
def test_conversion_to_other_sample_formats_keeps_every_sample(
    target: PcmFormat, per_frame: int
) -> None:
    converter = PcmConverter(target)
    sizes = [len(converter.convert(frame)) for frame in opus_round_trip(0.3)]
    assert sizes == [per_frame] * len(sizes)


def test_resampled_to_44_1_khz_mono_float_is_still_the_tone() -> None:
    target = PcmFormat(44_100, 1, "flt")
    converter = PcmConverter(target)
    frames = opus_round_trip(1.0)
    data = b"".join(converter.convert(frame) for frame in frames)
    assert len(data) % target.frame_bytes == 0
    # the resampler holds back a few samples of its filter; never more than one frame's worth
    expected = len(frames) * 960 * 44_100 // 48_000 * target.frame_bytes
    assert expected - 882 * target.frame_bytes <= len(data) <= expected
    samples = np.frombuffer(data, np.float32)
    tail = samples[len(samples) // 2 :]  # past the codec's start-up
    assert 0.1 < float(np.sqrt(np.mean(tail**2))) < 0.5
    assert abs(dominant_hz(tail, 44_100) - TONE_HZ) < 5


def test_a_change_of_incoming_layout_does_not_break_the_converter() -> None:
    converter = PcmConverter(PcmFormat(RATE, 2, "s16"))
    stereo = opus_round_trip(0.1)[0]
    mono = AudioFrame.from_ndarray(np.zeros((1, 960), np.int16), format="s16", layout="mono")
    mono.sample_rate = RATE
    assert len(converter.convert(stereo)) == 3840
    assert len(converter.convert(mono)) == 3840
    assert len(converter.convert(stereo)) == 3840


def test_qt_formats_map_both_ways(app: QApplication) -> None:
    for pcm in (PcmFormat(48_000, 2, "s16"), PcmFormat(44_100, 1, "flt"), PcmFormat(8000, 1, "u8")):
        assert pcm_format_of(qt_format_of(pcm)) == pcm
    surround = QAudioFormat()
    surround.setSampleRate(48_000)
    surround.setChannelCount(6)
    surround.setSampleFormat(QAudioFormat.SampleFormat.Int16)
    assert pcm_format_of(surround) is None
    assert pcm_format_of(QAudioFormat()) is None
    with pytest.raises(ValueError, match="sample format"):
        PcmFormat(48_000, 2, "s64")


# --- The bound -------------------------------------------------------------------------------


def test_the_queue_drops_the_oldest_sound_past_its_bound() -> None:
    pcm = PcmFormat(RATE, 2, "s16")
    queue = PcmQueue(pcm.bytes_for(0.2), pcm.frame_bytes)
    chunk = pcm.bytes_for(0.02)
    for index in range(15):
        assert queue.push(bytes([index]) * chunk) == (1 if index >= 10 else 0)
    assert queue.dropped_chunks == 5 and queue.dropped_bytes == 5 * chunk
    assert queue.queued_bytes == pcm.bytes_for(0.2) and len(queue) == 10
    # what is left starts with the sixth chunk: the oldest went first
    first = queue.take(chunk + 6)  # not a whole sample frame: cut to one
    assert len(first) == chunk + 4
    assert set(first[:chunk]) == {5} and set(first[chunk:]) == {6}
    assert queue.queued_bytes == pcm.bytes_for(0.2) - len(first)
    queue.put_back(first[chunk:])
    assert queue.take(4) == bytes([6]) * 4
    rest = queue.take(10**9)
    assert len(rest) == 9 * chunk - 4 and rest[-1] == 14 and queue.queued_bytes == 0


def test_a_single_chunk_over_the_bound_is_kept() -> None:
    queue = PcmQueue(100, 4)
    assert queue.push(b"x" * 400) == 0
    assert queue.push(b"y" * 400) == 1
    assert queue.take(1000) == b"y" * 400
    assert queue.push(b"") == 0 and queue.take(1000) == b""


# --- The player without an output ------------------------------------------------------------


def test_without_an_output_the_player_is_silent_counts_and_says_so_once(
    app: QApplication, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(AudioPlayer, "_silence_noted", False)
    frames = opus_round_trip(0.2)
    players = [AudioPlayer(device=QAudioDevice(), name=n) for n in ("resident", "guest")]
    with caplog.at_level(logging.INFO, logger="shared.ui.audio"):
        for player in players:
            for frame in frames:
                player.push(frame)
    for player in players:
        assert player.available is False
        assert player.silent_reason == "no audio output device"
        assert player.stats.frames == player.stats.discarded == len(frames)
        assert player.stats.queued == player.stats.written_bytes == 0
        assert player.queued_s == 0.0
    notes = [r for r in caplog.records if r.name == "shared.ui.audio"]
    assert len(notes) == 1 and "not played" in notes[0].getMessage()
    # controls work without an output, and a closed player takes nothing more
    player = players[0]
    player.set_volume(3.0)
    assert player.volume == 1.0
    player.set_muted(True)
    assert player.muted
    player.close()
    player.push(frames[0])
    assert player.stats.frames == len(frames)


def test_the_default_output_plays_or_stays_silent_and_accounts_for_every_frame(
    app: QApplication,
) -> None:
    """Here (no sound card) silent; on a machine with speakers, played; never an error."""
    player = AudioPlayer(name="default")
    frames = opus_round_trip(0.5)
    for frame in frames:
        player.push(frame)
    stats = player.stats
    assert stats.frames == len(frames)
    if player.available:
        assert stats.queued == len(frames) and stats.discarded == 0
        assert player.queued_s <= 0.2 + 0.02
    else:
        assert stats.discarded == len(frames) and player.silent_reason
    player.set_muted(True)
    player.push(frames[0])
    assert stats.muted == (1 if player.available else 0)
    player.close()


# --- A real call -----------------------------------------------------------------------------


class Wire:
    """SDP from one session to the other, as the server relays it."""

    def __init__(self) -> None:
        self.target: CallSession | None = None
        self.tasks: set[asyncio.Task[None]] = set()

    async def send(self, message: p.Sdp) -> None:
        assert self.target is not None
        task = asyncio.ensure_future(self.target.handle_sdp(message))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)


CONFIG = CallConfig(
    media=MediaConfig(width=160, height=120, fps=10), ice_policy=IcePolicy.loopback()
)


@pytest.fixture
async def sessions() -> AsyncIterator[list[CallSession]]:
    made: list[CallSession] = []
    yield made
    for session in made:
        await asyncio.wait_for(session.close(), 10)
    # a session narrows aioice's addresses process-wide: give the next tests all of them
    apply_host_addresses(())
    apply_allowed_networks(())


async def test_a_call_on_loopback_hands_its_audio_to_the_player(
    app: QApplication, sessions: list[CallSession]
) -> None:
    to_console, to_kiosk = Wire(), Wire()
    heard_by_kiosk: list[AudioFrame] = []
    resident_voice = AudioPlayer(name="resident")
    kiosk = CallSession(
        call_id="call-audio",
        offerer=True,
        send_sdp=to_console.send,
        config=CONFIG,
        on_message=lambda message: None,
        on_audio_frame=heard_by_kiosk.append,
    )
    console = CallSession(
        call_id="call-audio",
        offerer=False,
        send_sdp=to_kiosk.send,
        config=CONFIG,
        on_message=lambda message: None,
        on_audio_frame=resident_voice.push,
    )
    sessions += [kiosk, console]
    to_console.target, to_kiosk.target = console, kiosk
    await console.start()
    await kiosk.start()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 20
    while len(heard_by_kiosk) < 25 or resident_voice.stats.frames < 25:
        assert loop.time() < deadline, (len(heard_by_kiosk), resident_voice.stats)
        await asyncio.sleep(0.05)
    # every frame the session counted went to its hook
    assert resident_voice.stats.frames <= console.stats.audio_frames
    assert console.stats.audio_frames - resident_voice.stats.frames <= 2
    frame = heard_by_kiosk[-1]
    assert (frame.format.name, frame.sample_rate, frame.samples) == ("s16", RATE, 960)
    assert len(PcmConverter(PcmFormat(RATE, 2, "s16")).convert(frame)) == 3840
    stats = resident_voice.stats
    if resident_voice.available:
        assert stats.queued == stats.frames
    else:
        assert stats.discarded == stats.frames
    resident_voice.close()


# --- The console window ----------------------------------------------------------------------


def test_the_console_window_plays_the_resident_and_ctrl_m_mutes_every_voice(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    from center.console.client import Staff
    from center.console.window import ConsoleWindow

    staff = Staff(
        token="t",
        staff_id="s-1",
        center_id="c-1",
        username="clerk",
        display_name="王丽",
        role="clerk",
        window_no="3",
        skills=("yibao",),
    )
    window = ConsoleWindow("http://127.0.0.1:9", staff)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    frames = opus_round_trip(0.2)
    for frame in frames:
        window.remote_audio(frame)
    assert window.voice.stats.frames == len(frames)
    # no client, so no guest leg: a stray frame makes no player
    window.guest_audio("call-gone", frames[0])
    assert window.guest_voices == {}
    assert window.mute_button.text() == "静音 (Ctrl+M)"
    QTest.keyClick(window, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    assert window.voice.muted and window.mute_button.isChecked()
    assert window.mute_button.text() == "取消静音 (Ctrl+M)"
    window.remote_audio(frames[0])
    assert window.voice.stats.muted == (1 if window.voice.available else 0)
    window.mute_button.click()
    assert not window.voice.muted and window.mute_button.text() == "静音 (Ctrl+M)"
    window.close()
    window.remote_audio(frames[0])
    assert window.voice.stats.frames == len(frames) + 1  # closed with the window


# --- Every leg of a call with a third party --------------------------------------------------


class Party:
    """A CallAgent over the real signaling client, counting the sound of each leg."""

    def __init__(self, name: str, server: TestServer, token: str) -> None:
        self.name = name
        self.got: list[p.ServerMessage] = []
        self.main_audio = 0
        self.leg_audio: dict[str, int] = {}
        self.agent = CallAgent(
            config_for_call=self._config,
            on_message=lambda message: None,
            on_audio_frame=self._main,
            on_leg_audio_frame=self._leg,
        )
        self.signaling = SignalingClient(server.ws_url, token, self._on_signal)
        self.agent.attach(self.signaling)

    async def _config(self) -> CallConfig:
        media = MediaConfig(width=160, height=120, fps=10, synthetic_label=self.name)
        return CallConfig(media=media, ice_policy=IcePolicy.loopback())

    def _main(self, frame: AudioFrame) -> None:
        assert frame.sample_rate == RATE
        self.main_audio += 1

    def _leg(self, session: CallSession, frame: AudioFrame) -> None:
        self.leg_audio[session.call_id] = self.leg_audio.get(session.call_id, 0) + 1

    async def _on_signal(self, message: p.ServerMessage) -> None:
        self.got.append(message)
        await self.agent.handle(message)

    def has_two_legs(self) -> bool:
        return len(self.agent.sessions) == 2

    def hears_every_leg(self) -> bool:
        return all(self.leg_audio.get(leg, 0) >= 25 for leg in self.agent.sessions)

    async def expect(self, kind: type[p.Ring]) -> p.Ring:
        found = await eventually(
            lambda: next((x for x in self.got if isinstance(x, kind)), None), 20, self.name
        )
        assert isinstance(found, kind)
        return found

    async def close(self) -> None:
        await self.agent.close()
        await self.signaling.close()


async def test_every_leg_of_a_call_with_a_third_party_is_heard(
    server: TestServer, seeded: Seed, sessions: list[CallSession]
) -> None:
    kiosk = Party("kiosk", server, seeded.kiosk_credentials[0])
    bob = Party("bob", server, await server.login("bob"))
    carol = Party("carol", server, await server.login("carol"))
    parties = [kiosk, bob, carol]
    try:
        for party in parties:
            party.signaling.start()
            await party.signaling.wait_connected()
        carol_id = (await carol.signaling.wait_connected()).subject_id
        await bob.signaling.send(p.SetClerkState(state="available"))
        await carol.signaling.send(p.SetClerkState(state="available"))
        await kiosk.signaling.send(p.JoinQueue(item_code="YB-003", identified=True))
        ring = await bob.expect(p.Ring)
        await bob.signaling.send(p.AcceptCall(request_id=ring.request_id))
        main = await eventually(lambda: bob.agent.session, 20, "bob's main leg")
        await bob.signaling.send(p.InviteToCall(call_id=main.call_id, clerk_id=carol_id))
        invite = await carol.expect(p.Ring)
        await carol.signaling.send(p.AcceptCall(request_id=invite.request_id))
        for party in parties:
            await eventually(party.has_two_legs, 20, party.name)
        # each party hears both others, each on its own leg
        for party in parties:
            await eventually(party.hears_every_leg, 30, f"{party.name}: sound on every leg")
            primary = party.agent.session
            assert primary is not None
            # the primary leg's sound (for the guest: the resident's) also goes to the main hook
            assert party.main_audio >= party.leg_audio[primary.call_id] - 2
            assert party.main_audio <= primary.stats.audio_frames
        assert carol.agent.call is not None and carol.agent.call.peer_role == "kiosk"
    finally:
        for party in parties:
            await party.close()
