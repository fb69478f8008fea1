"""Media sources: the timestamp band survives a real VP8 round trip, devices fail clearly."""

from __future__ import annotations

import time

import numpy as np
import pytest
from aiortc.codecs import get_decoder, get_encoder
from aiortc.codecs.vpx import VpxPayloadDescriptor
from aiortc.jitterbuffer import JitterFrame
from aiortc.rtcrtpparameters import RTCRtpCodecParameters
from av import VideoFrame

from shared.call.ice import filter_candidates
from shared.call.media import (
    MediaConfig,
    MediaSources,
    MediaUnavailable,
    SyntheticVideoTrack,
    ToneAudioTrack,
    decode_time_code,
    encode_time_code,
    frame_latency_ms,
    list_devices,
)


def test_time_code_round_trip_and_checksum() -> None:
    stamp = int(time.time() * 1000)
    bits = encode_time_code(stamp)
    assert bits.size == 48
    cell = 13
    luma = np.repeat(np.where(bits == 1, 235, 16).astype(np.uint8), cell)[None, :].repeat(16, 0)
    assert decode_time_code(luma) == stamp & ((1 << 40) - 1)
    luma[:, 5 * cell : 6 * cell] = 255 - luma[:, 5 * cell : 6 * cell]  # one damaged cell
    assert decode_time_code(luma) is None


async def test_synthetic_frames_carry_time_through_vp8() -> None:
    track = SyntheticVideoTrack(640, 480, 30)
    codec = RTCRtpCodecParameters(mimeType="video/VP8", clockRate=90000, payloadType=96)
    encoder, decoder = get_encoder(codec), get_decoder(codec)
    decoded = []
    for _ in range(10):
        frame = await track.recv()
        payloads, _ = encoder.encode(frame)
        data = b"".join(VpxPayloadDescriptor.parse(payload)[1] for payload in payloads)
        decoded += decoder.decode(JitterFrame(data=data, timestamp=0))
    assert decoded
    latencies = [frame_latency_ms(f) for f in decoded]
    assert all(lat is not None and 0 <= lat < 1000 for lat in latencies)
    track.stop()


async def test_tone_frames_are_20ms_of_48khz() -> None:
    tone = ToneAudioTrack()
    frame = await tone.recv()
    assert frame.sample_rate == 48000 and frame.samples == 960
    tone.stop()


@pytest.mark.parametrize(
    "config",
    [
        MediaConfig(video_device="/dev/video-does-not-exist"),
        MediaConfig(audio_device="hw:99", send_video=False),
    ],
)
def test_missing_devices_fail_with_a_clear_message(config: MediaConfig) -> None:
    with pytest.raises(MediaUnavailable, match="cannot be opened"):
        MediaSources(config)


def test_device_listing_never_crashes() -> None:
    for device in list_devices():
        assert device.kind in ("video", "audio") and device.address


def test_remote_candidates_outside_allowed_networks_are_dropped() -> None:
    sdp = (
        "v=0\r\n"
        "a=candidate:1 1 udp 2130706431 127.0.0.1 5000 typ host\r\n"
        "a=candidate:2 1 udp 2130706431 192.0.2.7 5001 typ host\r\n"
        "a=candidate:3 1 udp 2130706431 4f1a.local 5002 typ host\r\n"
        "a=end-of-candidates\r\n"
    )
    kept = filter_candidates(sdp, ["127.0.0.0/8"])
    assert "127.0.0.1 5000" in kept
    assert "192.0.2.7" not in kept and ".local" not in kept
    assert "a=end-of-candidates" in kept
    assert filter_candidates(sdp, []) == sdp


async def test_preview_tap_shows_every_sent_frame_unchanged() -> None:
    seen: list[VideoFrame] = []
    sources = MediaSources(
        MediaConfig(width=160, height=120, fps=30, send_audio=False, on_local_frame=seen.append)
    )
    assert sources.video is not None
    sent = [await sources.video.recv() for _ in range(3)]
    sources.stop()
    assert seen == sent
    assert [frame.pts for frame in sent] == sorted(frame.pts for frame in sent)
