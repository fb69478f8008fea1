"""Video that comes back after an outage.

aiortc's receiver reassembles video in a 512-packet jitter buffer that waits for a missing
packet until 512 newer ones have arrived, while the sender keeps only the last
``RTP_HISTORY_SIZE`` (128) packets to resend on a NACK; and a packet arriving 100 or more
behind the buffer's start is taken for a new stream, throwing away everything held. After an
outage that lost more than ~128 video packets the picture stays frozen for seconds after the
link is back (5 s after a 5 s cut at 320×240; after a 25 s cut, a first frame and then often
9–12 s more), though audio flows at once.

This buffer gives up on a hole as soon as the sender can no longer fill it: it skips to the
next packet it holds and asks for a keyframe (PLI); and it ignores late retransmissions of
what it skipped. Video returns within a round trip.
"""

from __future__ import annotations

import aiortc.rtcrtpreceiver
from aiortc.jitterbuffer import JitterBuffer, JitterFrame
from aiortc.rtp import RTP_HISTORY_SIZE, RtpPacket
from aiortc.utils import uint16_add


class ResyncingJitterBuffer(JitterBuffer):
    def add(self, packet: RtpPacket) -> tuple[bool, JitterFrame | None]:
        origin = self._origin
        if origin is not None:
            if 0 < uint16_add(origin, -packet.sequence_number) < self._capacity:
                # late: a retransmission of something already given up on
                return False, None
            if self._skip_unrepairable(origin, packet.sequence_number):
                _, frame = super().add(packet)
                return True, frame
        return super().add(packet)

    def _held(self, origin: int, offset: int) -> bool:
        return self._packets[(origin + offset) % self._capacity] is not None

    def _skip_unrepairable(self, origin: int, newest: int) -> bool:
        ahead = uint16_add(newest, -origin)
        if not RTP_HISTORY_SIZE <= ahead < self._capacity:
            return False  # nothing old enough (or past capacity: aiortc's own overflow path)
        hole = next((n for n in range(ahead) if not self._held(origin, n)), None)
        if hole is None or ahead - hole < RTP_HISTORY_SIZE:
            return False
        skip = hole + 1
        while skip < ahead and not self._held(origin, skip):
            skip += 1
        self.remove(skip)
        return True


def install() -> None:
    """Make every RTCRtpReceiver created from now on use the resyncing buffer."""
    setattr(aiortc.rtcrtpreceiver, "JitterBuffer", ResyncingJitterBuffer)  # noqa: B010
