"""The protocol definition on its own: round trips, error classification, the doc page."""

from __future__ import annotations

from pathlib import Path

import msgspec
import pytest

from shared import protocol as p
from shared.protocol_doc import render

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "message",
    [
        p.Hello(token="vk_x", app="kiosk/1", id="1"),
        p.JoinQueue(item_code="YB-003", priority=p.Priority.APPOINTMENT, identified=True),
        p.SetClerkState(state="away"),
        p.Sdp(call_id="c", sdp_type="offer", sdp="v=0\r\n中文"),
        p.Hangup(call_id="c", outcome="accepted"),
    ],
)
def test_client_messages_round_trip(message: p.Message) -> None:
    assert p.decode_client(p.encode(message)) == message


def test_server_messages_round_trip() -> None:
    info = p.QueueInfo(
        request_id="r",
        item_code="YB-003",
        status=p.RequestStatus.WAITING,
        position=2,
        eta_s=None,
        staffed=0,
    )
    for message in (
        p.QueueUpdate(queue=info, ref="j"),
        p.CallStarted(
            call=p.CallInfo(
                call_id="c",
                request_id="r",
                you_offer=True,
                peer_name="王老师",
                item_code="YB-003",
                item_name="长护险",
            )
        ),
        p.Error(code=p.ErrorCode.FORBIDDEN, reason="no", fatal=True),
    ):
        assert p.decode_server(p.encode(message)) == message


def test_wire_form_is_plain_json_with_type_and_version() -> None:
    wire = msgspec.json.decode(p.encode(p.Ping(id="x")))
    assert wire == {"type": "ping", "v": 1, "id": "x"}


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        (b"", p.ErrorCode.BAD_JSON),
        (b"{", p.ErrorCode.BAD_JSON),
        (b'"hello"', p.ErrorCode.INVALID_MESSAGE),
        (b"{}", p.ErrorCode.INVALID_MESSAGE),
        (b'{"type": 7}', p.ErrorCode.INVALID_MESSAGE),
        (b'{"type": "nope"}', p.ErrorCode.UNKNOWN_TYPE),
        (b'{"type": "call.ring"}', p.ErrorCode.UNKNOWN_TYPE),
        (b'{"type": "queue.join", "priority": 1}', p.ErrorCode.INVALID_MESSAGE),
        (b'{"type": "queue.join", "item_code": "a", "priority": 9}', p.ErrorCode.INVALID_MESSAGE),
        (b'{"type": "ping", "v": 2}', p.ErrorCode.UNSUPPORTED_VERSION),
        (b'{"type": "future.thing", "v": 2}', p.ErrorCode.UNSUPPORTED_VERSION),
        (
            b'{"type": "ping", "pad": "' + b"x" * p.MAX_FRAME_BYTES + b'"}',
            p.ErrorCode.FRAME_TOO_LARGE,
        ),
    ],
)
def test_bad_frames_are_classified(frame: bytes, code: p.ErrorCode) -> None:
    with pytest.raises(p.ProtocolError) as err:
        p.decode_client(frame)
    assert err.value.code == code
    assert err.value.reason


def test_error_keeps_the_callers_id() -> None:
    with pytest.raises(p.ProtocolError) as err:
        p.decode_client(b'{"type": "queue.join", "id": "abc"}')
    assert err.value.ref == "abc"


def test_unknown_extra_fields_are_tolerated_for_forward_compatibility() -> None:
    assert p.decode_client(b'{"type": "ping", "hint": 1}') == p.Ping()


def test_every_error_code_is_explained() -> None:
    assert set(p.ERROR_MEANINGS) == set(p.ErrorCode)


def test_protocol_doc_is_current() -> None:
    committed = (ROOT / "docs" / "protocol.md").read_text(encoding="utf-8")
    assert committed == render(), "run: python -m shared.protocol_doc"
