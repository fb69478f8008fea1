"""Scanned pages over the call's data channel: the alternative to the records upload, used
where the upload is unreachable and measured against it (docs/performance.md). The sender
announces the page, then sends base64 chunks; the receiver reassembles, checks size and
SHA-256, and refuses anything inconsistent with a clear error."""

from __future__ import annotations

import base64
import binascii
import hashlib
import secrets
import time
from dataclasses import dataclass, field

from shared.call import messages as m
from shared.call.session import CallSession

MAX_PAGE_BYTES = 8 * 1024 * 1024
PAGE_MIMES = ("image/jpeg", "image/png", "application/pdf")


async def send_page_over_channel(
    session: CallSession,
    data: bytes,
    *,
    mime: str,
    width: int,
    height: int,
    label: str,
    captured_at: float,
) -> str:
    page_id = "pg-" + secrets.token_hex(6)
    await session.send(
        m.PageAnnounced(
            page_id=page_id,
            sha256=hashlib.sha256(data).hexdigest(),
            size=len(data),
            mime=mime,
            width=width,
            height=height,
            path="channel",
            label=label,
            captured_at=captured_at,
        )
    )
    for offset in range(0, len(data), m.PAGE_CHUNK_BYTES):
        chunk = data[offset : offset + m.PAGE_CHUNK_BYTES]
        await session.send(
            m.PageChunk(
                page_id=page_id,
                offset=offset,
                data=base64.b64encode(chunk).decode(),
                last=offset + len(chunk) >= len(data),
            )
        )
    return page_id


@dataclass
class _Incoming:
    announce: m.PageAnnounced
    parts: bytearray = field(default_factory=bytearray)
    started: float = field(default_factory=time.monotonic)


@dataclass(frozen=True)
class AssembledPage:
    announce: m.PageAnnounced
    data: bytes


class PageAssembler:
    """Receiver side. ``feed`` returns the finished page, None while incomplete, or raises
    ChannelProtocolError (the caller sends it back as an error message)."""

    def __init__(self, max_bytes: int = MAX_PAGE_BYTES, stale_s: float = 120.0) -> None:
        self.max_bytes = max_bytes
        self.stale_s = stale_s
        self._incoming: dict[str, _Incoming] = {}

    def announce(self, message: m.PageAnnounced) -> None:
        if message.size > self.max_bytes:
            raise m.ChannelProtocolError(
                m.ChannelErrorCode.PAGE_TOO_LARGE,
                f"page of {message.size} bytes over {self.max_bytes}",
                message.page_id,
            )
        if message.mime not in PAGE_MIMES:
            raise m.ChannelProtocolError(
                m.ChannelErrorCode.UNSUPPORTED_MEDIA,
                f"{message.mime} is not a page type",
                message.page_id,
            )
        self._incoming[message.page_id] = _Incoming(message)

    def feed(self, chunk: m.PageChunk) -> AssembledPage | None:
        incoming = self._incoming.get(chunk.page_id)
        if incoming is None:
            raise m.ChannelProtocolError(
                m.ChannelErrorCode.INCOMPLETE, "chunk of an unannounced page", chunk.page_id
            )
        if chunk.offset != len(incoming.parts):
            self._incoming.pop(chunk.page_id, None)
            raise m.ChannelProtocolError(
                m.ChannelErrorCode.INCOMPLETE,
                f"chunk at {chunk.offset}, expected {len(incoming.parts)}",
                chunk.page_id,
            )
        try:
            incoming.parts += base64.b64decode(chunk.data, validate=True)
        except (binascii.Error, ValueError):
            self._incoming.pop(chunk.page_id, None)
            raise m.ChannelProtocolError(
                m.ChannelErrorCode.INVALID_MESSAGE, "chunk is not base64", chunk.page_id
            ) from None
        if len(incoming.parts) > incoming.announce.size:
            self._incoming.pop(chunk.page_id, None)
            raise m.ChannelProtocolError(
                m.ChannelErrorCode.PAGE_TOO_LARGE, "more data than announced", chunk.page_id
            )
        if not chunk.last:
            return None
        del self._incoming[chunk.page_id]
        data = bytes(incoming.parts)
        if len(data) != incoming.announce.size or (
            hashlib.sha256(data).hexdigest() != incoming.announce.sha256
        ):
            raise m.ChannelProtocolError(
                m.ChannelErrorCode.CHECKSUM_MISMATCH,
                "page size or SHA-256 does not match its announcement",
                chunk.page_id,
            )
        return AssembledPage(incoming.announce, data)

    def drop_stale(self) -> list[str]:
        """Pages whose sender vanished mid-transfer: forget them and say which."""
        now = time.monotonic()
        stale = [k for k, v in self._incoming.items() if now - v.started > self.stale_s]
        for page_id in stale:
            del self._incoming[page_id]
        return stale

    @property
    def pending(self) -> int:
        return len(self._incoming)
