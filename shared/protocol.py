"""The signaling protocol: every message that crosses the WebSocket between the server and a
kiosk or console, as one typed, versioned definition used by all sides.

Wire format: one JSON object per WebSocket text frame, ``{"type": ..., "v": 1, ...}``. ``type``
selects the message, ``v`` is the protocol version, ``id`` is an optional client-chosen
correlation id that the server echoes as ``ref`` in the reply or error it causes.

``docs/protocol.md`` is generated from this module (``python -m shared.protocol_doc``), so the
docstrings here are the reference text.
"""

from __future__ import annotations

import enum
from typing import Any, ClassVar, Literal, cast

import msgspec

PROTOCOL_VERSION = 1
#: Largest frame either side accepts. An SDP with all candidates is ~4-10 KiB; pages never
#: travel over signaling, so anything near this size is a mistake or an attack.
MAX_FRAME_BYTES = 64 * 1024
#: Frames up to this size are read and refused with a ``frame_too_large`` error; anything
#: larger is cut off by the WebSocket layer (close code 1009) without being buffered.
HARD_FRAME_BYTES = 4 * MAX_FRAME_BYTES


class ErrorCode(enum.StrEnum):
    """Stable error codes. Clients switch on these; the ``reason`` text is for people."""

    BAD_JSON = "bad_json"
    UNKNOWN_TYPE = "unknown_type"
    INVALID_MESSAGE = "invalid_message"
    UNSUPPORTED_VERSION = "unsupported_version"
    FRAME_TOO_LARGE = "frame_too_large"
    BINARY_NOT_ALLOWED = "binary_not_allowed"
    RATE_LIMITED = "rate_limited"
    AUTH_REQUIRED = "auth_required"
    AUTH_FAILED = "auth_failed"
    AUTH_TIMEOUT = "auth_timeout"
    FORBIDDEN = "forbidden"
    UNKNOWN_ITEM = "unknown_item"
    ITEM_NOT_REMOTE = "item_not_remote"
    ALREADY_QUEUED = "already_queued"
    NO_SUCH_REQUEST = "no_such_request"
    NOT_IN_CALL = "not_in_call"
    INVALID_STATE = "invalid_state"
    UNKNOWN_SKILL = "unknown_skill"
    NO_SUCH_CLERK = "no_such_clerk"
    CLERK_UNAVAILABLE = "clerk_unavailable"
    REPLACED = "replaced"
    SERVER_SHUTDOWN = "server_shutdown"
    INTERNAL = "internal_error"


#: What each error code means, for people reading docs/protocol.md and logs.
ERROR_MEANINGS: dict[ErrorCode, str] = {
    ErrorCode.BAD_JSON: "the frame is not valid JSON",
    ErrorCode.UNKNOWN_TYPE: "no message of this `type` is accepted from this side",
    ErrorCode.INVALID_MESSAGE: "a known type with missing or ill-typed fields",
    ErrorCode.UNSUPPORTED_VERSION: "`v` is not a protocol version this server speaks",
    ErrorCode.FRAME_TOO_LARGE: "over 64 KiB; over 256 KiB the socket is closed with 1009",
    ErrorCode.BINARY_NOT_ALLOWED: "binary frames are not part of the protocol",
    ErrorCode.RATE_LIMITED: "too many messages per second; fatal (1008) if it goes on",
    ErrorCode.AUTH_REQUIRED: "the first message must be `hello`",
    ErrorCode.AUTH_FAILED: "unknown, expired or revoked credential (close 4401)",
    ErrorCode.AUTH_TIMEOUT: "no `hello` within the hello timeout (close 4408)",
    ErrorCode.FORBIDDEN: "this role may not send this message",
    ErrorCode.UNKNOWN_ITEM: "no catalog item with this code",
    ErrorCode.ITEM_NOT_REMOTE: "the item is marked as not remote-eligible",
    ErrorCode.ALREADY_QUEUED: "this kiosk already has a live request",
    ErrorCode.NO_SUCH_REQUEST: "no such live request of this kiosk",
    ErrorCode.NOT_IN_CALL: "the sender is not a party of this call",
    ErrorCode.INVALID_STATE: "not allowed now (stale accept, busy clerk, peer reconnecting...)",
    ErrorCode.UNKNOWN_SKILL: "no business line (skill) with this code in the catalog",
    ErrorCode.NO_SUCH_CLERK: "no clerk with this id in the caller's center",
    ErrorCode.CLERK_UNAVAILABLE: "the clerk (or every clerk of the skill) is not available now",
    ErrorCode.REPLACED: "the same kiosk or clerk connected again elsewhere (close 4409)",
    ErrorCode.SERVER_SHUTDOWN: "the server is restarting; reconnect with backoff",
    ErrorCode.INTERNAL: "a bug on the server; the message had no effect",
}


class ClerkState(enum.StrEnum):
    OFFLINE = "offline"
    AVAILABLE = "available"
    RINGING = "ringing"
    BUSY = "busy"
    WRAP_UP = "wrap_up"
    AWAY = "away"


class Priority(enum.IntEnum):
    """Queue priority; higher is served first, arrival order breaks ties."""

    NORMAL = 0
    #: elderly or disabled residents (优先窗口)
    PRIORITY = 1
    #: a booked appointment that is due
    APPOINTMENT = 2


class RequestStatus(enum.StrEnum):
    WAITING = "waiting"
    #: the kiosk's connection is gone; its place is kept for the resume grace period
    HELD = "held"
    RINGING = "ringing"
    IN_CALL = "in_call"


class Role(enum.StrEnum):
    KIOSK = "kiosk"
    CLERK = "clerk"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class EndReason(enum.StrEnum):
    """Why a request or call ended."""

    HANGUP = "hangup"
    CANCELLED = "cancelled"
    KIOSK_LOST = "kiosk_lost"
    CLERK_LOST = "clerk_lost"
    NO_CLERK = "no_clerk"
    SERVER = "server"
    #: the clerk handed the resident on to another skill or clerk (the request goes on)
    TRANSFERRED = "transferred"
    #: an invited third party left the call (only their legs end)
    LEFT = "left"


class Message(msgspec.Struct, tag_field="type", kw_only=True):
    """Fields every message carries."""

    v: int = PROTOCOL_VERSION
    id: str | None = None

    sender: ClassVar[str] = "?"


# --- Session -------------------------------------------------------------------------------


class Hello(Message, tag="hello"):
    """First frame of every connection: authenticates it. ``token`` is a kiosk's device
    credential or a staff session token from ``POST /api/v1/login``."""

    sender: ClassVar[str] = "kiosk, console"
    token: str
    app: str = ""


class CallInfo(msgspec.Struct, kw_only=True):
    """One peer connection of a call (a leg). The resident and the clerk share the ``main``
    leg; an invited third party gets a ``guest`` leg with each of them, each with its own
    ``call_id`` and SDP relayed only between its two parties."""

    call_id: str
    request_id: str
    #: True for the side that must create the WebRTC offer (the kiosk; the clerk on the
    #: clerk's leg with a guest)
    you_offer: bool
    peer_name: str
    item_code: str
    item_name: str
    window_no: str | None = None
    site_name: str | None = None
    #: "main" (kiosk and clerk) or "guest" (an invited third party and one of them)
    leg: str = "main"
    #: the main call a guest leg belongs to
    parent_call_id: str | None = None
    #: who is at the other end of this leg: "kiosk", "clerk" or "guest"
    peer_role: str = ""


class QueueInfo(msgspec.Struct, kw_only=True):
    request_id: str
    item_code: str
    status: RequestStatus
    position: int
    eta_s: int | None
    staffed: int


class Welcome(Message, tag="welcome"):
    """Reply to ``hello``. A reconnecting client finds its queue place or call here."""

    sender: ClassVar[str] = "server"
    role: Role
    subject_id: str
    name: str
    center_id: str
    server_time: float
    max_frame_bytes: int = MAX_FRAME_BYTES
    #: messages a second this connection may send, sustained and in a burst, before the
    #: server drops them (0: not said); clients pace themselves below it
    rate_per_s: float = 0.0
    burst: int = 0
    clerk_state: ClerkState | None = None
    skills: list[str] = []
    queue: QueueInfo | None = None
    #: the main call (for an invited third party: none)
    call: CallInfo | None = None
    #: the guest legs this side is a party of (a third party in the call)
    legs: list[CallInfo] = []


class Ping(Message, tag="ping"):
    """Application-level round-trip probe; the server answers ``pong`` with the same ``id``."""

    sender: ClassVar[str] = "any"


class Pong(Message, tag="pong"):
    """Answer to ``ping``; ``server_time`` lets a client estimate its clock offset."""

    sender: ClassVar[str] = "server"
    ref: str | None = None
    server_time: float = 0.0


class Error(Message, tag="error"):
    """Something the client sent was refused. ``fatal`` means the server closes the
    connection after this frame."""

    sender: ClassVar[str] = "server"
    code: ErrorCode
    reason: str
    ref: str | None = None
    fatal: bool = False


# --- Queue (kiosk) -------------------------------------------------------------------------


class JoinQueue(Message, tag="queue.join"):
    """The resident chose an item, was told its materials, and wants a clerk."""

    sender: ClassVar[str] = "kiosk"
    item_code: str
    priority: Priority = Priority.NORMAL
    #: whether the resident's card was read; False means the clerk verifies identity
    identified: bool = False


class LeaveQueue(Message, tag="queue.leave"):
    """The resident gave up waiting (or walked away); answered with ``queue.left``."""

    sender: ClassVar[str] = "kiosk"
    request_id: str
    reason: str = "cancelled"


class QueueUpdate(Message, tag="queue.update"):
    """Sent on joining and on every change to the kiosk's position, estimate or status."""

    sender: ClassVar[str] = "server"
    queue: QueueInfo
    ref: str | None = None


class QueueLeft(Message, tag="queue.left"):
    """The request left the queue without a call (cancelled, lost, no clerk)."""

    sender: ClassVar[str] = "server"
    request_id: str
    reason: EndReason
    ref: str | None = None


# --- Clerk ---------------------------------------------------------------------------------


class SetClerkState(Message, tag="clerk.set_state"):
    """A clerk switches between available and away (ending wrap-up early counts)."""

    sender: ClassVar[str] = "console"
    state: Literal["available", "away"]


class ClerkStatus(Message, tag="clerk.state"):
    """The clerk's state changed (by their own request, a ring, a call, or a timer)."""

    sender: ClassVar[str] = "server"
    state: ClerkState
    since: float
    #: when wrap-up ends on its own
    until: float | None = None
    ref: str | None = None


class Ring(Message, tag="call.ring"):
    """An incoming request for this clerk; accept or decline before ``timeout_s``.
    ``kind`` says whether it is a resident from the queue (``call``), a resident handed on by
    ``from_clerk`` (``transfer``), or an invitation to join ``from_clerk``'s call as a third
    party (``invite``); accepting an invite starts the guest legs."""

    sender: ClassVar[str] = "server"
    request_id: str
    item_code: str
    item_name: str
    skill: str
    priority: Priority
    kiosk_name: str
    site_name: str | None
    waited_s: float
    timeout_s: float
    #: "call", "transfer" or "invite"
    kind: str = "call"
    note: str = ""
    #: display name of the clerk who transferred or invited
    from_clerk: str | None = None
    #: the call a guest is invited into (kind "invite")
    call_id: str | None = None


class RingCancelled(Message, tag="call.ring_cancelled"):
    """The ring stopped before it was answered: it timed out, the resident left, or the
    kiosk lost its connection."""

    sender: ClassVar[str] = "server"
    request_id: str
    #: "timeout", "cancelled", "kiosk_lost", "declined", "call_ended"
    reason: str


class AcceptCall(Message, tag="call.accept"):
    """The clerk answers the ring; both sides then get ``call.started``."""

    sender: ClassVar[str] = "console"
    request_id: str


class DeclineCall(Message, tag="call.decline"):
    """The clerk declines; the request rings the next clerk and is not offered to this one
    again for the decline cool-down."""

    sender: ClassVar[str] = "console"
    request_id: str
    reason: str = ""


# --- Call ----------------------------------------------------------------------------------


class CallStarted(Message, tag="call.started"):
    """Sent to both sides when a clerk accepts. After a reconnect the call is in
    ``welcome.call`` instead."""

    sender: ClassVar[str] = "server"
    call: CallInfo


class Sdp(Message, tag="call.sdp"):
    """An SDP offer or answer, relayed by the server to the other side of the same call."""

    sender: ClassVar[str] = "kiosk, console (server relays)"
    call_id: str
    sdp_type: Literal["offer", "answer"]
    sdp: str
    #: which peer connection of the call this belongs to; a fresh connection after a
    #: failure gets a higher number, and older ones are ignored
    generation: int = 0
    #: the sending call session; a new one (an app restart) resets the data-channel sequence
    instance: str = ""


class Hangup(Message, tag="call.hangup"):
    """Either party ends the call; a clerk states the case ``outcome``. Both sides get
    ``call.ended`` and the clerk goes into wrap-up. On a guest leg it ends only the invited
    third party's legs (the clerk removing the expert, or the expert leaving)."""

    sender: ClassVar[str] = "kiosk, console"
    call_id: str
    reason: str = "hangup"
    outcome: str | None = None


class CallEnded(Message, tag="call.ended"):
    """The call (or one leg of it: ``call_id`` says which) is over: hung up by ``by``, a
    party stayed away past the grace period, the clerk transferred the resident, or a guest
    left. When the main call ends, every guest leg ends too."""

    sender: ClassVar[str] = "server"
    call_id: str
    request_id: str
    reason: EndReason
    by: Role | None = None
    outcome: str | None = None


class TransferCall(Message, tag="call.transfer"):
    """The clerk hands the resident on: to the head of the queue of ``skill`` (keeping the
    priority and the original arrival), or to the named clerk ``clerk_id`` only (who must be
    available; unanswered, it falls back to the head of the request's queue). The clerk's call
    ends with ``transferred`` on both sides; the kiosk then gets ``queue.update`` and, when
    someone accepts, a new ``call.started``. Give exactly one of ``skill`` and ``clerk_id``."""

    sender: ClassVar[str] = "console"
    call_id: str
    skill: str | None = None
    clerk_id: str | None = None
    note: str = ""


class InviteToCall(Message, tag="call.invite"):
    """The clerk rings a third party (a department expert: the named ``clerk_id``, or the
    longest-idle available clerk of ``skill``) into the call without ending it. On accept the
    guest gets one leg with the kiosk and one with the clerk (``call.started`` for each, with
    ``leg`` "guest"). One guest at a time; the clerk hears how it goes from
    ``call.invite_status``."""

    sender: ClassVar[str] = "console"
    call_id: str
    clerk_id: str | None = None
    skill: str | None = None
    note: str = ""


class LeaveCall(Message, tag="call.leave"):
    """An invited third party leaves: their legs end (``left``), the main call goes on.
    ``call_id`` is the main call or one of the guest's legs."""

    sender: ClassVar[str] = "console"
    call_id: str


class InviteStatus(Message, tag="call.invite_status"):
    """How the clerk's invitation goes: ``ringing``, ``joined``, ``declined``, ``timeout``,
    ``lost`` (the guest's connection), ``left`` or ``removed`` (a party hung up the guest's
    leg)."""

    sender: ClassVar[str] = "server"
    call_id: str
    guest_id: str
    guest_name: str
    status: str


class PeerPresence(Message, tag="call.peer"):
    """The other side of the call lost or regained its server connection."""

    sender: ClassVar[str] = "server"
    call_id: str
    connected: bool


# --- Supervisor ----------------------------------------------------------------------------


class WatchCenter(Message, tag="supervisor.watch"):
    """Staff subscribe to live snapshots of their own center: a clerk's console shows the
    queue per skill with waiting times, a supervisor's dashboard also every clerk's state."""

    sender: ClassVar[str] = "console"
    on: bool = True


class QueueEntryView(msgspec.Struct, kw_only=True):
    request_id: str
    item_code: str
    skill: str
    priority: Priority
    status: RequestStatus
    waited_s: float
    kiosk_name: str
    clerk_id: str | None = None
    #: an invited third party ringing or in the call
    guest_id: str | None = None


class ClerkView(msgspec.Struct, kw_only=True):
    staff_id: str
    name: str
    state: ClerkState
    since: float
    skills: list[str]
    request_id: str | None = None
    #: the main call the clerk is in (or rung into, as a guest)
    call_id: str | None = None
    #: in (or rung into) ``call_id`` as an invited third party, not as its clerk
    guest: bool = False


class CenterSnapshot(Message, tag="supervisor.snapshot"):
    """The center's live queue and every clerk's state; pushed on change, at most a few
    times a second."""

    sender: ClassVar[str] = "server"
    center_id: str
    at: float
    queue: list[QueueEntryView]
    clerks: list[ClerkView]


ClientMessage = (
    Hello
    | Ping
    | JoinQueue
    | LeaveQueue
    | SetClerkState
    | AcceptCall
    | DeclineCall
    | Sdp
    | Hangup
    | TransferCall
    | InviteToCall
    | LeaveCall
    | WatchCenter
)
ServerMessage = (
    Welcome
    | Pong
    | Error
    | QueueUpdate
    | QueueLeft
    | ClerkStatus
    | Ring
    | RingCancelled
    | CallStarted
    | Sdp
    | CallEnded
    | PeerPresence
    | InviteStatus
    | CenterSnapshot
)

CLIENT_MESSAGES: tuple[type[Message], ...] = ClientMessage.__args__
SERVER_MESSAGES: tuple[type[Message], ...] = ServerMessage.__args__


class ProtocolError(Exception):
    """A frame that cannot be accepted; carries the error code sent back."""

    def __init__(self, code: ErrorCode, reason: str, ref: str | None = None) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason
        self.ref = ref

    def to_message(self, *, fatal: bool = False) -> Error:
        return Error(code=self.code, reason=self.reason, ref=self.ref, fatal=fatal)


_encoder = msgspec.json.Encoder()
_client_decoder = msgspec.json.Decoder(ClientMessage)
_server_decoder = msgspec.json.Decoder(ServerMessage)
_raw_decoder = msgspec.json.Decoder(dict[str, Any])


def encode(message: Message) -> bytes:
    return _encoder.encode(message)


def decode_client(data: str | bytes) -> ClientMessage:
    """Decode a frame sent by a kiosk or console, or raise ProtocolError."""
    return cast(ClientMessage, _decode(data, _client_decoder))


def decode_server(data: str | bytes) -> ServerMessage:
    """Decode a frame sent by the server, or raise ProtocolError."""
    return cast(ServerMessage, _decode(data, _server_decoder))


def _decode(data: str | bytes, decoder: msgspec.json.Decoder[Any]) -> Message:
    if len(data) > MAX_FRAME_BYTES:
        raise ProtocolError(
            ErrorCode.FRAME_TOO_LARGE, f"frame of {len(data)} bytes exceeds {MAX_FRAME_BYTES}"
        )
    try:
        message: Message = decoder.decode(data)
    except msgspec.ValidationError as exc:
        raise _classify_invalid(data, exc) from None
    except msgspec.DecodeError as exc:
        raise ProtocolError(ErrorCode.BAD_JSON, f"not valid JSON: {exc}") from None
    if message.v != PROTOCOL_VERSION:
        raise ProtocolError(
            ErrorCode.UNSUPPORTED_VERSION,
            f"protocol version {message.v} is not supported (this side speaks {PROTOCOL_VERSION})",
            message.id,
        )
    return message


def _classify_invalid(data: str | bytes, exc: msgspec.ValidationError) -> ProtocolError:
    """Tell an unknown type or a foreign version apart from a malformed known message."""
    try:
        raw = _raw_decoder.decode(data)
    except msgspec.DecodeError:
        return ProtocolError(ErrorCode.INVALID_MESSAGE, "a message must be a JSON object")
    ref = raw.get("id") if isinstance(raw.get("id"), str) else None
    version = raw.get("v", PROTOCOL_VERSION)
    if version != PROTOCOL_VERSION:
        return ProtocolError(
            ErrorCode.UNSUPPORTED_VERSION,
            f"protocol version {version!r} is not supported (this side speaks {PROTOCOL_VERSION})",
            ref,
        )
    kind = raw.get("type")
    if not isinstance(kind, str):
        return ProtocolError(ErrorCode.INVALID_MESSAGE, "missing string field 'type'", ref)
    if "$.type" in str(exc):
        return ProtocolError(ErrorCode.UNKNOWN_TYPE, f"unknown message type {kind[:64]!r}", ref)
    return ProtocolError(ErrorCode.INVALID_MESSAGE, f"invalid {kind!r} message: {exc}", ref)


def type_name(message_type: type[Message]) -> str:
    """The wire ``type`` of a message class."""
    tag = message_type.__struct_config__.tag
    assert isinstance(tag, str)
    return tag
