"""One side of a call in its own process, steered by the test over stdin/stdout (one JSON
object a line each way), so that it can live in a network namespace or be killed outright.

    python -m tests.calls.peer_process kiosk --server URL --credential C \\
        --host-address 10.213.0.2 --network 10.213.0.0/30
    python -m tests.calls.peer_process console --server URL --username alice --password P \\
        --host-address 127.0.0.1 --network 127.0.0.0/8

Events out: ``ready``, ``media``, ``message`` (type, seq, text), ``state``, ``reply`` (to a
command's ``id``), ``done``. Commands in: ``say`` (text), ``page`` (path, label), ``stats``,
``quit``. The transcript and logs go to stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

from center.headless import ConsoleOptions
from kiosk.headless import KioskOptions
from shared.call import messages as m
from shared.call.ice import IcePolicy
from shared.call.media import MediaConfig
from shared.call.session import CallSession, CallState
from shared.logs import configure_logging
from shared.transcript import Transcript
from tests.calls.peers import (
    ControlledConsole,
    ControlledKiosk,
    session_stats,
)


def emit(event: str, **fields: Any) -> None:
    print(json.dumps({"event": event, **fields}), flush=True)


def _media(label: str) -> MediaConfig:
    # small frames: two peers and a server share two cores with the test
    return MediaConfig(width=320, height=240, fps=15, synthetic_label=label)


class Steered:
    def __init__(self, side: ControlledKiosk | ControlledConsole) -> None:
        self.side = side
        self.tasks: set[asyncio.Task[None]] = set()
        original = side._on_call_message

        async def on_message(message: m.CallMessage) -> None:
            await original(message)
            emit("message", **asdict(side.messages[-1]))

        side.agent.on_message = on_message
        original_state = side.agent.on_state

        async def on_state(session: CallSession, state: CallState, why: str) -> None:
            emit("state", state=str(state), why=why)
            if original_state is not None:
                result = original_state(session, state, why)
                if result is not None:
                    await result

        side.agent.on_state = on_state

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        reader = asyncio.StreamReader()
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
        visit = loop.create_task(self.side.run())
        watcher = loop.create_task(self._watch())
        try:
            while not visit.done():
                reading = loop.create_task(reader.readline())
                await asyncio.wait({reading, visit}, return_when=asyncio.FIRST_COMPLETED)
                if not reading.done():
                    reading.cancel()
                    break
                line = reading.result()
                if not line:
                    break
                command = json.loads(line)
                if command["cmd"] == "quit":
                    break
                task = loop.create_task(self._do(command))
                self.tasks.add(task)
                task.add_done_callback(self.tasks.discard)
        finally:
            watcher.cancel()
            if not visit.done():
                visit.cancel()
            with contextlib.suppress(BaseException):
                summary = await visit
                emit("done", summary=summary)

    async def _watch(self) -> None:
        side = self.side
        while side.signaling is None:
            await asyncio.sleep(0.05)
        await side.signaling.wait_connected(timeout=30)
        emit("ready")
        while side.agent.session is None:
            await asyncio.sleep(0.05)
        await side.agent.session.wait_media(timeout=60)
        emit("media")

    async def _do(self, command: dict[str, Any]) -> None:
        reply: dict[str, Any] = {"id": command.get("id")}
        try:
            kind = command["cmd"]
            if kind == "say":
                session = self.side.agent.session
                assert session is not None
                await session.send(m.Say(text=command["text"]))
            elif kind == "page":
                assert isinstance(self.side, ControlledKiosk)
                await self.side.send_page(command["path"], command["label"])
            elif kind == "stats":
                reply.update(session_stats(self.side.agent.session))
                reply["said"] = self.side.said()
                reply["link"] = str(self.side.signaling.state) if self.side.signaling else None
                reply["connects"] = self.side.signaling.connects if self.side.signaling else 0
            else:
                raise ValueError(f"unknown command {kind!r}")
            reply["ok"] = True
        except Exception as exc:
            reply.update(ok=False, error=f"{type(exc).__name__}: {exc}")
        emit("reply", **reply)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("role", choices=("kiosk", "console"))
    parser.add_argument("--server", required=True)
    parser.add_argument("--credential", default="")
    parser.add_argument("--username", default="")
    parser.add_argument("--password", default="")
    parser.add_argument("--host-address", required=True)
    parser.add_argument("--network", required=True)
    parser.add_argument("--pages", type=int, default=1)
    parser.add_argument("--runtime-root", type=Path, default=None)
    args = parser.parse_args()
    configure_logging("INFO")
    for noisy in ("aioice", "aiortc", "aiohttp"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    policy = IcePolicy(host_addresses=(args.host_address,), allowed_networks=(args.network,))
    transcript = Transcript(args.role, sys.stderr)
    side: ControlledKiosk | ControlledConsole
    if args.role == "kiosk":
        side = ControlledKiosk(
            KioskOptions(
                server_url=args.server,
                credential=args.credential,
                pages=args.pages,
                media=_media("kiosk"),
                ice_policy=policy,
                page_dpi=100,
                timeout_s=600,
                runtime_root=args.runtime_root,
            ),
            transcript,
        )
    else:
        side = ControlledConsole(
            ConsoleOptions(
                server_url=args.server,
                username=args.username,
                password=args.password,
                media=_media("console"),
                ice_policy=policy,
                timeout_s=600,
            ),
            transcript,
        )
    asyncio.run(Steered(side).run())


if __name__ == "__main__":
    main()
