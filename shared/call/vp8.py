"""The VP8 encoder of calls.

aiortc encodes VP8 with libvpx speed 6 (``cpu-used -6``) and its temporal denoiser
(``noise-sensitivity 4``), and follows the receiver's REMB estimate up to 1.5 Mbit/s. At
640×480@30 that encoder is the largest CPU cost of a peer (benchmarks/call.py). ``install()``
makes every peer connection of the process use the same encoder at speed 12, without the
denoiser, and at most 800 kbit/s: about a third of the encoding time, fewer packets to carry
and decode, and a sharper picture of moving content (luma PSNR 49 instead of 45 dB).
"""

from __future__ import annotations

import multiprocessing

import av
from aiortc import codecs as aiortc_codecs
from aiortc.codecs import vpx
from av.frame import Frame
from av.video.codeccontext import VideoCodecContext

MAX_BITRATE = 800_000
OPTIONS = {"cpu-used": "-12", "noise-sensitivity": "0"}


class CallVp8Encoder(vpx.Vp8Encoder):
    """aiortc's encoder, opened with ``OPTIONS`` and capped at ``MAX_BITRATE``."""

    def encode(self, frame: Frame, force_keyframe: bool = False) -> tuple[list[bytes], int]:
        if self.target_bitrate > MAX_BITRATE:
            self.target_bitrate = MAX_BITRATE  # REMB set it above the cap
        # open the codec whenever aiortc would (first frame, new size, rate off by over 10 %),
        # so that aiortc finds it open and keeps it
        assert isinstance(frame, av.VideoFrame)
        codec = self.codec
        rate = codec.bit_rate if codec is not None else None
        if (
            codec is None
            or not rate
            or (frame.width, frame.height) != (codec.width, codec.height)
            or abs(self.target_bitrate - rate) / rate > 0.1
        ):
            self.codec = self._open(frame.width, frame.height)
        return super().encode(frame, force_keyframe)

    def _open(self, width: int, height: int) -> VideoCodecContext:
        rate = self.target_bitrate
        codec = av.CodecContext.create("libvpx", "w")
        assert isinstance(codec, VideoCodecContext)
        codec.width = width
        codec.height = height
        codec.bit_rate = rate
        codec.pix_fmt = "yuv420p"
        codec.gop_size = 3000
        codec.qmin = 2
        codec.qmax = 56
        codec.options = {
            # aiortc's settings (aiortc/codecs/vpx.py) but for OPTIONS
            "bufsize": str(rate),
            "deadline": "realtime",
            "lag-in-frames": "0",
            "minrate": str(rate),
            "maxrate": str(rate),
            "overshoot-pct": "15",
            "partitions": "0",
            "static-thresh": "1",
            "undershoot-pct": "100",
            **OPTIONS,
        }
        codec.thread_count = vpx.number_of_threads(width * height, multiprocessing.cpu_count())
        return codec


def install() -> None:
    """Every VP8 encoder aiortc makes from now on in this process is a ``CallVp8Encoder``
    (``aiortc.codecs.get_encoder`` looks the class up by name when a sender starts)."""
    aiortc_codecs.Vp8Encoder = CallVp8Encoder  # type: ignore[attr-defined]
