"""Messages on a call's data channel, between the kiosk and the console.

The same conventions as the signaling protocol: one JSON object per data-channel message,
``type`` + ``v`` + optional ``id``; a refusal is an ``error`` with a stable code. Every message
also carries ``seq``, the sender's running number, so that after a reconnect the receiver can
drop what it already had and the sender can resend what was not acknowledged (``ack``).

Large things (scanned pages, signature images) do not travel here by default: the kiosk
uploads them to the records API and announces them with ``page.announce``. ``page.chunk`` is
the data-channel path for pages, kept for networks where the upload is unavailable and for
the comparison in docs/performance.md.
"""

from __future__ import annotations

import enum
from typing import Any, ClassVar, Literal

import msgspec

CALL_PROTOCOL_VERSION = 1
#: aiortc's SCTP handles large messages, but 64 KiB keeps one message from stalling the
#: channel; pages sent over it are split into chunks of this size
MAX_CHANNEL_MESSAGE = 64 * 1024
#: base64 makes 4 characters of 3 bytes: 48,000 bytes become 64,000 characters, leaving
#: room for the JSON around them under MAX_CHANNEL_MESSAGE
PAGE_CHUNK_BYTES = 48_000


class ChannelErrorCode(enum.StrEnum):
    BAD_JSON = "bad_json"
    UNKNOWN_TYPE = "unknown_type"
    INVALID_MESSAGE = "invalid_message"
    UNSUPPORTED_VERSION = "unsupported_version"
    TOO_LARGE = "too_large"
    CHECKSUM_MISMATCH = "checksum_mismatch"
    PAGE_TOO_LARGE = "page_too_large"
    UNSUPPORTED_MEDIA = "unsupported_media"
    INCOMPLETE = "incomplete"
    DEVICE_FAILED = "device_failed"


class ChannelMessage(msgspec.Struct, tag_field="type", kw_only=True):
    v: int = CALL_PROTOCOL_VERSION
    id: str | None = None
    seq: int = 0

    sender: ClassVar[str] = "?"


class Ack(ChannelMessage, tag="ack"):
    """Everything up to ``upto`` (the other side's ``seq``) has been received."""

    sender: ClassVar[str] = "both"
    upto: int


class CardData(ChannelMessage, tag="card.data"):
    """What the kiosk's reader got from the resident's card. ``id_number`` is sent in full
    (the clerk needs it) but masked in every log and on screen until revealed."""

    sender: ClassVar[str] = "kiosk"
    card_type: Literal["resident_id", "residence_permit_hmt", "permanent_residence", "social"]
    name: str
    id_number: str
    sex: str | None = None
    nation: str | None = None
    birth_date: str | None = None
    address: str | None = None
    authority: str | None = None
    valid_from: str | None = None
    valid_to: str | None = None
    card_number: str | None = None
    photo_available: bool = False
    valid: bool = True
    problems: list[str] = []


class PageAnnounced(ChannelMessage, tag="page.announce"):
    """A scanned page is ready: uploaded to the records API (``path = "upload"``) or about
    to follow as chunks on this channel (``path = "channel"``)."""

    sender: ClassVar[str] = "kiosk"
    page_id: str
    sha256: str
    size: int
    mime: str
    width: int
    height: int
    path: Literal["upload", "channel"]
    label: str = ""
    captured_at: float = 0.0


class PageChunk(ChannelMessage, tag="page.chunk"):
    """Part of a page sent over the channel; ``data`` is base64."""

    sender: ClassVar[str] = "kiosk"
    page_id: str
    offset: int
    data: str
    last: bool = False


class PageReceived(ChannelMessage, tag="page.received"):
    """The console has the whole page and its checksum matched."""

    sender: ClassVar[str] = "console"
    page_id: str


class DeviceCommand(ChannelMessage, tag="device.command"):
    """The clerk asks the kiosk to do something with its devices."""

    sender: ClassVar[str] = "console"
    command: Literal["capture_page", "scan_again", "print_receipt", "read_card"]
    page_id: str | None = None
    note: str = ""


class FormField(msgspec.Struct, kw_only=True):
    key: str
    label: str
    value: str


class FormPushed(ChannelMessage, tag="form.push"):
    """The clerk pushes the case form for the resident to check and sign."""

    sender: ClassVar[str] = "console"
    form_id: str
    title: str
    fields: list[FormField]
    needs_signature: bool = True


class FormAnswered(ChannelMessage, tag="form.answer"):
    """The resident confirmed (and signed: the signature is uploaded as a page) or asked
    for a correction."""

    sender: ClassVar[str] = "kiosk"
    form_id: str
    confirmed: bool
    signature_page_id: str | None = None
    comment: str = ""


class Receipt(ChannelMessage, tag="receipt"):
    sender: ClassVar[str] = "console"
    case_number: str
    item_name: str
    outcome: str
    tracking_url: str
    missing_materials: list[str] = []
    note: str = ""


class Rating(ChannelMessage, tag="rating"):
    """好差评: 1 (very dissatisfied) to 5 (very satisfied), with optional reasons."""

    sender: ClassVar[str] = "kiosk"
    level: int
    reasons: list[str] = []


class Hangup(ChannelMessage, tag="hangup"):
    """The call ends on purpose (distinct from a lost connection)."""

    sender: ClassVar[str] = "both"
    reason: str
    outcome: str | None = None


class Say(ChannelMessage, tag="say"):
    """A short text line (the clerk's typed note, or a prompt shown on the kiosk)."""

    sender: ClassVar[str] = "both"
    text: str


class ChannelError(ChannelMessage, tag="error"):
    sender: ClassVar[str] = "both"
    code: ChannelErrorCode
    reason: str
    ref: str | None = None


CallMessage = (
    Ack
    | CardData
    | PageAnnounced
    | PageChunk
    | PageReceived
    | DeviceCommand
    | FormPushed
    | FormAnswered
    | Receipt
    | Rating
    | Hangup
    | Say
    | ChannelError
)
CALL_MESSAGES: tuple[type[ChannelMessage], ...] = CallMessage.__args__

_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder(CallMessage)
_raw = msgspec.json.Decoder(dict[str, Any])


class ChannelProtocolError(Exception):
    def __init__(self, code: ChannelErrorCode, reason: str, ref: str | None = None) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason
        self.ref = ref

    def to_message(self) -> ChannelError:
        return ChannelError(code=self.code, reason=self.reason, ref=self.ref)


def encode_call(message: ChannelMessage) -> str:
    return _encoder.encode(message).decode()


def decode_call(data: str | bytes) -> CallMessage:
    size = len(data.encode()) if isinstance(data, str) else len(data)
    if size > MAX_CHANNEL_MESSAGE:
        raise ChannelProtocolError(
            ChannelErrorCode.TOO_LARGE, f"message of {size} bytes over {MAX_CHANNEL_MESSAGE}"
        )
    try:
        message = _decoder.decode(data)
    except msgspec.ValidationError as exc:
        try:
            raw = _raw.decode(data)
        except msgspec.DecodeError:
            raise ChannelProtocolError(
                ChannelErrorCode.INVALID_MESSAGE, "a message must be a JSON object"
            ) from None
        ref = raw.get("id") if isinstance(raw.get("id"), str) else None
        if raw.get("v", CALL_PROTOCOL_VERSION) != CALL_PROTOCOL_VERSION:
            raise ChannelProtocolError(
                ChannelErrorCode.UNSUPPORTED_VERSION, f"version {raw.get('v')!r}", ref
            ) from None
        if "$.type" in str(exc) and isinstance(raw.get("type"), str):
            raise ChannelProtocolError(
                ChannelErrorCode.UNKNOWN_TYPE, f"unknown type {raw['type'][:64]!r}", ref
            ) from None
        raise ChannelProtocolError(ChannelErrorCode.INVALID_MESSAGE, str(exc), ref) from None
    except msgspec.DecodeError as exc:
        raise ChannelProtocolError(ChannelErrorCode.BAD_JSON, f"not JSON: {exc}") from None
    if message.v != CALL_PROTOCOL_VERSION:
        raise ChannelProtocolError(
            ChannelErrorCode.UNSUPPORTED_VERSION, f"version {message.v}", message.id
        )
    return message
