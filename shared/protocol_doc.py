"""Writes docs/protocol.md from shared/protocol.py: ``python -m shared.protocol_doc [path]``.

The protocol module is the single definition; this keeps its reference page from drifting
(a test fails when the committed page differs from what this prints).
"""

from __future__ import annotations

import inspect
import sys
from pathlib import Path
from typing import Any

import msgspec

from shared import protocol as p
from shared.call import messages as m


def _type_name(annotation: Any) -> str:
    text = getattr(annotation, "__name__", None) if isinstance(annotation, type) else None
    text = text or str(annotation)
    for prefix in ("shared.protocol.", "typing.", "<class '", "'>"):
        text = text.replace(prefix, "")
    return text.replace("|", "\\|")


def _fields(cls: type[msgspec.Struct]) -> str:
    rows = []
    hints = msgspec.structs.fields(cls)
    for field in hints:
        if field.name in ("v", "id", "seq"):
            continue
        text = f"`{field.name}`: {_type_name(field.type)}"
        if not field.required:
            value = (
                field.default if field.default is not msgspec.NODEFAULT else field.default_factory()
            )
            text += f" = {getattr(value, 'value', value)!r}"
        rows.append(text)
    return "<br>".join(rows) or "—"


def _doc(cls: type) -> str:
    return " ".join((inspect.getdoc(cls) or "").split()) if cls.__doc__ else ""


def render() -> str:
    lines = [
        "# Signaling protocol",
        "",
        "Generated from `shared/protocol.py` by `python -m shared.protocol_doc`; do not edit.",
        "",
        f"Version **{p.PROTOCOL_VERSION}**. One JSON object per WebSocket text frame at `/ws`, "
        f"at most {p.MAX_FRAME_BYTES // 1024} KiB. Every message has `type`, `v` (protocol "
        "version) and an optional `id`; replies and errors caused by a message carry its `id` "
        "as `ref`. The first frame of a connection must be `hello`.",
        "",
        "## Messages",
        "",
        "| type | sent by | fields | meaning |",
        "| --- | --- | --- | --- |",
    ]
    seen: set[type] = set()
    for cls in (*p.CLIENT_MESSAGES, *p.SERVER_MESSAGES):
        if cls in seen:
            continue
        seen.add(cls)
        lines.append(f"| `{p.type_name(cls)}` | {cls.sender} | {_fields(cls)} | {_doc(cls)} |")
    lines += ["", "## Nested structures", "", "| name | fields | meaning |", "| --- | --- | --- |"]
    nested: tuple[type[msgspec.Struct], ...] = (
        p.QueueInfo,
        p.CallInfo,
        p.QueueEntryView,
        p.ClerkView,
    )
    for struct in nested:
        lines.append(f"| `{struct.__name__}` | {_fields(struct)} | {_doc(struct)} |")
    lines += ["", "## Enumerations", ""]
    for enum_cls in (p.ClerkState, p.RequestStatus, p.Priority, p.Role, p.EndReason):
        values = ", ".join(f"`{m.value}`" for m in enum_cls)
        lines.append(f"- **{enum_cls.__name__}**: {values}. {_doc(enum_cls)}".rstrip())
    lines += ["", "## Errors", "", "| code | meaning |", "| --- | --- |"]
    for code in p.ErrorCode:
        lines.append(f"| `{code.value}` | {p.ERROR_MEANINGS[code]} |")
    lines += [
        "",
        "## Call data channel",
        "",
        " ".join((inspect.getdoc(m) or "").split("\n\n")[0].split()),
        "",
        f"Version **{m.CALL_PROTOCOL_VERSION}**; channel label `vwindow`, reliable and ordered; "
        f"at most {m.MAX_CHANNEL_MESSAGE // 1024} KiB per message. Every message has `type`, "
        "`v`, optional `id`, and `seq` (the sender's running number; the receiver answers "
        "`ack`, drops repeats, and the sender resends unacknowledged messages on a fresh "
        "connection).",
        "",
        "| type | sent by | fields | meaning |",
        "| --- | --- | --- | --- |",
    ]
    for message in m.CALL_MESSAGES:
        lines.append(
            f"| `{message.__struct_config__.tag}` | {message.sender} | {_fields(message)} "
            f"| {_doc(message)} |"
        )
    codes = ", ".join(f"`{code.value}`" for code in m.ChannelErrorCode)
    lines += ["", f"Data-channel error codes: {codes}."]
    lines += [
        "",
        "## Close codes",
        "",
        "| code | when |",
        "| --- | --- |",
        "| 1001 | the server is shutting down or restarting: reconnect with backoff |",
        "| 1008 | flooding went on after `rate_limited` |",
        "| 1009 | a frame over the hard limit |",
        "| 4401 | authentication failed or the first frame was not `hello` |",
        "| 4408 | no `hello` in time |",
        "| 4409 | replaced by a newer connection of the same kiosk or clerk |",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/protocol.md")
    target.write_text(render(), encoding="utf-8")
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
