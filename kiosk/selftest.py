"""``vwindow kiosk selftest``: is this kiosk ready to serve residents?

Checks each configured device (opened, then closed again), the server (reachable, and this
kiosk's enrollment credential accepted) and every TURN server the server hands out (a real
relay allocation). Each check gives one line a technician can act on; any failure makes
the exit status non-zero.

Device backends are written and chosen elsewhere: the self-test gets them as
:class:`DeviceProbe` entries (a kind, a name, and a function that opens the device), so it
imports none of them and works with whatever backends the kiosk is configured with.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import aiohttp

from kiosk.devices.base import DeviceError, DeviceKind
from shared.call.media import MediaConfig, MediaSources, MediaUnavailable

#: opens a device: returns the device object (or an awaitable of it), raises on failure
DeviceOpener = Callable[[], Any]


@dataclass(frozen=True)
class DeviceProbe:
    """One configured device. ``open`` is called (on a worker thread if it is a plain
    function, since opening may block); if the result has an async ``check()`` it is
    awaited and its text becomes the detail; then its ``close()`` (async or not) is
    called. Any exception fails the check; a DeviceError's ``reason`` is shown as is."""

    kind: DeviceKind
    name: str
    open: DeviceOpener


@dataclass(frozen=True)
class SelftestConfig:
    server_url: str
    credential: str
    devices: Sequence[DeviceProbe] = ()
    #: the camera and microphone the kiosk calls with ("" in a field: none configured)
    media: MediaConfig = field(default_factory=lambda: MediaConfig(send_video=False))
    timeout_s: float = 10.0
    check_turn: bool = True


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    #: what was checked: "camera", "receipt printer (escpos)", "server", "TURN turn:h:p"
    check: str
    #: plain language: what works, or what is wrong and where to look
    reason: str
    kind: str = ""


async def run_selftest(config: SelftestConfig) -> list[CheckResult]:
    results: list[CheckResult] = []
    for probe in config.devices:
        results.append(await _check_device(probe, config.timeout_s))
    results.extend(await _check_media(config))
    results.extend(await _check_server(config))
    return results


def exit_code(results: Sequence[CheckResult]) -> int:
    return 0 if all(result.ok for result in results) else 1


def format_text(results: Sequence[CheckResult]) -> str:
    lines = [f"{'✓' if r.ok else '✗'} {r.check}: {r.reason}" for r in results]
    failed = sum(not r.ok for r in results)
    lines.append("all checks passed" if not failed else f"{failed} of {len(results)} checks failed")
    return "\n".join(lines)


def format_json(results: Sequence[CheckResult]) -> str:
    body = {"ok": exit_code(results) == 0, "checks": [asdict(r) for r in results]}
    return json.dumps(body, ensure_ascii=False, indent=2)


# --- devices -------------------------------------------------------------------------------


async def _check_device(probe: DeviceProbe, timeout_s: float) -> CheckResult:
    label = f"{_KIND_WORDS.get(probe.kind, str(probe.kind))} {probe.name}".strip()
    try:
        detail = await asyncio.wait_for(_open_and_close(probe), timeout_s)
    except TimeoutError:
        return CheckResult(False, label, f"no answer within {timeout_s:g} s", probe.kind)
    except DeviceError as exc:
        return CheckResult(False, label, exc.reason, probe.kind)
    except Exception as exc:
        return CheckResult(False, label, _describe(exc), probe.kind)
    return CheckResult(True, label, detail, probe.kind)


async def _open_and_close(probe: DeviceProbe) -> str:
    if inspect.iscoroutinefunction(probe.open):
        device = await probe.open()
    else:
        device = await asyncio.to_thread(probe.open)
        if inspect.isawaitable(device):
            device = await device
    try:
        check = getattr(device, "check", None)
        if check is not None:
            return str(await check())
        info = getattr(device, "info", None)
        return f"opened ({info.backend}: {info.name})" if info is not None else "opened"
    finally:
        close = getattr(device, "close", None)
        if close is not None:
            closing = close()
            if inspect.isawaitable(closing):
                await closing


_KIND_WORDS = {
    DeviceKind.CARD_READER: "card reader",
    DeviceKind.SCANNER: "scanner",
    DeviceKind.PRINTER: "receipt printer",
    DeviceKind.CAMERA: "camera",
    DeviceKind.MICROPHONE: "microphone",
}


async def _check_media(config: SelftestConfig) -> list[CheckResult]:
    """Open the configured camera and microphone exactly as a call would, then let go."""
    results = []
    wanted = (
        (DeviceKind.CAMERA, config.media.video_device),
        (DeviceKind.MICROPHONE, config.media.audio_device),
    )
    for kind, device in wanted:
        if not device:
            continue
        only = MediaConfig(
            video_device=device if kind == DeviceKind.CAMERA else "",
            audio_device=device if kind == DeviceKind.MICROPHONE else "",
            width=config.media.width,
            height=config.media.height,
            fps=config.media.fps,
            send_video=kind == DeviceKind.CAMERA,
            send_audio=kind == DeviceKind.MICROPHONE,
        )
        label = _KIND_WORDS[kind]
        try:
            sources = await asyncio.wait_for(
                asyncio.to_thread(MediaSources, only), config.timeout_s
            )
        except MediaUnavailable as exc:
            results.append(CheckResult(False, label, str(exc), kind))
            continue
        except TimeoutError:
            reason = f"{label} {device!r} did not open within {config.timeout_s:g} s"
            results.append(CheckResult(False, label, reason, kind))
            continue
        sources.stop()
        results.append(CheckResult(True, label, f"{device!r} opens", kind))
    return results


# --- server and TURN -----------------------------------------------------------------------


async def _check_server(config: SelftestConfig) -> list[CheckResult]:
    base = config.server_url.rstrip("/")
    timeout = aiohttp.ClientTimeout(total=config.timeout_s)
    auth = {"Authorization": f"Bearer {config.credential}"}
    async with aiohttp.ClientSession(timeout=timeout) as http:
        try:
            async with http.get(f"{base}/healthz") as response:
                health = await _json_or_empty(response)
                status = response.status
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            reason = f"cannot reach {base}: {_describe(exc)}; check the network and server URL"
            return [
                CheckResult(False, "server", reason, "server"),
                CheckResult(False, "enrollment", "not checked: server unreachable", "server"),
            ]
        if status == 200:
            version = health.get("version", "?")
            results = [CheckResult(True, "server", f"{base} answers (version {version})", "server")]
        else:
            database = health.get("database", "unknown")
            reason = f"{base}/healthz answered HTTP {status} (database: {database})"
            results = [CheckResult(False, "server", reason, "server")]
        enrolled, me_reason = await _check_enrollment(http, base, auth)
        results.append(CheckResult(enrolled, "enrollment", me_reason, "server"))
        if enrolled and config.check_turn:
            results.extend(await _check_turn(http, base, auth, config.timeout_s))
        return results


async def _check_enrollment(
    http: aiohttp.ClientSession, base: str, auth: dict[str, str]
) -> tuple[bool, str]:
    try:
        async with http.get(f"{base}/api/v1/me", headers=auth) as response:
            body = await _json_or_empty(response)
            status = response.status
    except (aiohttp.ClientError, TimeoutError, OSError) as exc:
        return False, f"cannot ask {base}/api/v1/me: {_describe(exc)}"
    if status in (401, 403):
        return False, (
            f"the server refused this kiosk's credential (HTTP {status}); the kiosk may "
            "have been removed or re-enrolled: enrol it again with a new code"
        )
    if status != 200:
        return False, f"{base}/api/v1/me answered HTTP {status}"
    if body.get("kind") != "kiosk":
        return False, "the credential belongs to a staff member, not to a kiosk"
    return True, f"credential accepted: kiosk {body.get('name', '?')} ({body.get('site_name')})"


async def _check_turn(
    http: aiohttp.ClientSession, base: str, auth: dict[str, str], timeout_s: float
) -> list[CheckResult]:
    try:
        async with http.get(f"{base}/api/v1/turn", headers=auth) as response:
            body = await _json_or_empty(response)
            status = response.status
    except (aiohttp.ClientError, TimeoutError, OSError) as exc:
        return [CheckResult(False, "TURN", f"cannot fetch credentials: {_describe(exc)}", "turn")]
    if status != 200:
        return [CheckResult(False, "TURN", f"credentials request got HTTP {status}", "turn")]
    results = []
    for server in body.get("ice_servers", []):
        for url in server.get("urls", []):
            if not str(url).startswith(("turn:", "turns:")):
                continue
            ok, reason = await allocate_relay(
                str(url), server.get("username"), server.get("credential"), timeout_s
            )
            results.append(CheckResult(ok, f"TURN {url}", reason, "turn"))
    if not results:
        results.append(
            CheckResult(
                True,
                "TURN",
                "no TURN server configured: calls need a direct path between kiosk and center",
                "turn",
            )
        )
    return results


@dataclass(frozen=True)
class TurnAddress:
    host: str
    port: int
    transport: str
    secure: bool


def parse_turn_url(url: str) -> TurnAddress:
    """``turn:host[:port][?transport=udp|tcp]`` and ``turns:`` (RFC 7065)."""
    scheme, _, rest = url.partition(":")
    secure = scheme == "turns"
    location, _, query = rest.partition("?")
    params = urllib.parse.parse_qs(query)
    transport = params.get("transport", ["tcp" if secure else "udp"])[0].lower()
    if location.startswith("["):
        host, _, port_text = location[1:].partition("]")
        port_text = port_text.removeprefix(":")
    else:
        host, _, port_text = location.rpartition(":") if ":" in location else (location, "", "")
    port = int(port_text) if port_text else (5349 if secure else 3478)
    return TurnAddress(host, port, transport, secure)


class _DiscardDatagrams(asyncio.DatagramProtocol):
    """The relay is only allocated, never used: nothing arrives worth keeping."""


async def allocate_relay(
    url: str, username: str | None, password: str | None, timeout_s: float
) -> tuple[bool, str]:
    """Allocate (and release) one relay on a TURN server with the given credentials."""
    from aioice import stun
    from aioice.turn import create_turn_endpoint

    try:
        address = parse_turn_url(url)
    except ValueError as exc:
        return False, f"cannot read the TURN URL: {exc}"
    try:
        transport, _ = await asyncio.wait_for(
            create_turn_endpoint(
                _DiscardDatagrams,
                server_addr=(address.host, address.port),
                username=username,
                password=password,
                ssl=address.secure,
                transport=address.transport,
            ),
            timeout_s,
        )
    except stun.TransactionFailed as exc:
        code = exc.response.attributes.get("ERROR-CODE", (0, ""))
        if code[0] == 401:
            return False, (
                "the TURN server refused the credentials (401): the server's [turn] "
                "secret does not match coturn's static-auth-secret, or the clocks differ"
            )
        return False, f"the TURN server refused the allocation ({code[0]} {code[1]})"
    except stun.TransactionTimeout:
        return False, f"no answer from {address.host}:{address.port}/{address.transport}"
    except TimeoutError:
        return False, f"no relay within {timeout_s:g} s from {address.host}:{address.port}"
    except (OSError, ConnectionError) as exc:
        return False, f"cannot reach {address.host}:{address.port}: {_describe(exc)}"
    try:
        relayed = transport.get_extra_info("sockname")
    finally:
        transport.close()
    return True, f"relay allocated at {relayed[0]}:{relayed[1]}"


async def _json_or_empty(response: aiohttp.ClientResponse) -> dict[str, Any]:
    try:
        body = await response.json(content_type=None)
    except (ValueError, aiohttp.ContentTypeError):
        return {}
    return body if isinstance(body, dict) else {}


def _describe(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text or type(exc).__name__


def selftest_main(config: SelftestConfig, *, as_json: bool = False) -> int:
    """For the CLI: run, print, and return the exit status."""
    results = asyncio.run(run_selftest(config))
    print(format_json(results) if as_json else format_text(results))
    return exit_code(results)


__all__ = [
    "CheckResult",
    "DeviceProbe",
    "SelftestConfig",
    "exit_code",
    "format_json",
    "format_text",
    "run_selftest",
    "selftest_main",
]
