"""Server configuration: a TOML file, then environment overrides, then defaults.

Example ``vwindow.toml``::

    [server]
    host = "0.0.0.0"
    port = 8420
    database_url = "postgresql://vwindow@db/vwindow"

    [routing]
    ring_timeout_s = 20
    wrap_up_s = 30

    [turn]
    urls = ["turn:turn.example.org:3478", "turn:turn.example.org:3478?transport=tcp"]
    secret = "the coturn static-auth-secret"
    ttl_s = 3600

    [records]
    retention_days = 1095
    key_file = "/etc/vwindow/records.key"
    public_url = "https://vwindow.example.org"
    center_phones = { "徐汇区社区事务受理服务中心" = "021-64870000" }
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import platformdirs

from signaling.routing import RoutingConfig
from signaling.store.db import sqlite_url_for

DEFAULT_PORT = 8420


@dataclass(frozen=True)
class TurnConfig:
    urls: tuple[str, ...] = ()
    secret: str = ""
    ttl_s: int = 3600
    #: STUN servers handed out with the TURN ones (empty: host candidates only)
    stun_urls: tuple[str, ...] = ()


@dataclass(frozen=True)
class LimitsConfig:
    #: messages a connection may send per second, sustained, and in a burst
    rate_per_s: float = 20.0
    burst: int = 60
    #: a connection that keeps flooding after being told is closed
    flood_close_after: int = 200
    hello_timeout_s: float = 10.0
    #: the server pings each socket this often to find dead ones (clients ping every 20 s;
    #: 10,000 kiosks at 20 s would be 500 pings a second)
    heartbeat_s: float = 60.0
    #: largest HTTP body (login, enrollment JSON)
    max_body_bytes: int = 64 * 1024


@dataclass(frozen=True)
class RecordsConfig:
    #: personal data of a case (card, pages, signature, form values) is purged this long
    #: after the case closed; statistics stay
    retention_days: int = 1095
    #: the AES key of records at rest (32 random bytes, base64); created 0600 at first start
    #: when missing. Empty: ``<data_dir>/records.key``. ``VWINDOW_RECORDS_KEY`` (the base64
    #: key itself) takes precedence over the file.
    key_file: str = ""
    #: case numbers count per center and local day of this zone
    timezone: str = "Asia/Shanghai"
    #: how long after a call its kiosk may still rate it or report 办不成事
    feedback_window_min: float = 30.0
    #: the address residents' phones reach the server at, for the tracking URL of the
    #: receipt's QR code (``https://vwindow.example.org``). Empty: the address the clerk's
    #: request came to, which is right only when phones reach the server the same way.
    public_url: str = ""
    #: the phone number shown on the tracking page, by center id or center name
    center_phones: dict[str, str] = field(default_factory=dict)
    #: tracking page look-ups one client address may make per minute, and in a burst
    tracking_rate_per_min: float = 20.0
    tracking_burst: int = 10
    #: reverse proxies whose ``X-Forwarded-For`` names the real client (exact addresses)
    trusted_proxies: tuple[str, ...] = ()


@dataclass(frozen=True)
class ServerConfig:
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    data_dir: Path = field(default_factory=lambda: Path(platformdirs.user_data_dir("vwindow")))
    database_url: str = ""
    session_ttl_h: float = 12.0
    #: how often the in-memory catalog is re-read (admins import from another process)
    catalog_refresh_s: float = 30.0
    #: how long the supervisor snapshot waits to coalesce changes
    snapshot_interval_s: float = 0.25
    #: move long-lived objects (every open connection's) out of the garbage collector's
    #: reach this often, so a full collection does not pause routing for ~1 s at 10,000
    #: sockets; 0 turns it off
    gc_freeze_s: float = 10.0
    #: and collect everything once in this long (cyclic garbage of closed connections)
    gc_full_s: float = 6 * 3600.0
    routing: RoutingConfig = field(default_factory=RoutingConfig)
    turn: TurnConfig = field(default_factory=TurnConfig)
    limits: LimitsConfig = field(default_factory=LimitsConfig)
    records: RecordsConfig = field(default_factory=RecordsConfig)

    @property
    def effective_database_url(self) -> str:
        return self.database_url or sqlite_url_for(self.data_dir / "vwindow.db")


class ConfigError(ValueError):
    pass


def load_config(path: Path | None = None, env: dict[str, str] | None = None) -> ServerConfig:
    env = dict(os.environ if env is None else env)
    raw: dict[str, Any] = {}
    path = path or (Path(env["VWINDOW_CONFIG"]) if env.get("VWINDOW_CONFIG") else None)
    if path is not None:
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"cannot read config {path}: {exc}") from exc
    server = dict(raw.get("server", {}))
    if "VWINDOW_DATABASE_URL" in env:
        server["database_url"] = env["VWINDOW_DATABASE_URL"]
    if "VWINDOW_DATA_DIR" in env:
        server["data_dir"] = env["VWINDOW_DATA_DIR"]
    turn = dict(raw.get("turn", {}))
    if "VWINDOW_TURN_SECRET" in env:
        turn["secret"] = env["VWINDOW_TURN_SECRET"]
    records = dict(raw.get("records", {}))
    if "VWINDOW_RECORDS_KEY_FILE" in env:
        records["key_file"] = env["VWINDOW_RECORDS_KEY_FILE"]
    if "VWINDOW_PUBLIC_URL" in env:
        records["public_url"] = env["VWINDOW_PUBLIC_URL"]
    config: ServerConfig = _build(ServerConfig, server, "server")
    records_config: RecordsConfig = _build(RecordsConfig, records, "records")
    _check_records(records_config)
    return replace(
        config,
        data_dir=Path(config.data_dir).expanduser(),
        routing=_build(RoutingConfig, raw.get("routing", {}), "routing"),
        turn=_build(TurnConfig, turn, "turn"),
        limits=_build(LimitsConfig, raw.get("limits", {}), "limits"),
        records=replace(records_config, public_url=records_config.public_url.rstrip("/")),
    )


def _check_records(records: RecordsConfig) -> None:
    url = records.public_url
    if url and (not url.startswith(("http://", "https://")) or "?" in url or "#" in url):
        raise ConfigError(
            f"[records] public_url must be an http(s) address without query, not {url!r}"
        )
    if not isinstance(records.center_phones, dict) or not all(
        isinstance(value, str) for value in records.center_phones.values()
    ):
        raise ConfigError("[records] center_phones maps center ids or names to phone numbers")
    if records.tracking_rate_per_min <= 0 or records.tracking_burst < 1:
        raise ConfigError("[records] tracking_rate_per_min and tracking_burst must be positive")


def _build(cls: type[Any], values: dict[str, Any], section: str) -> Any:
    known = {f.name: f for f in fields(cls)}
    unknown = set(values) - set(known)
    if unknown:
        raise ConfigError(f"unknown key(s) in [{section}]: {', '.join(sorted(unknown))}")
    converted = {
        key: tuple(value) if isinstance(value, list) else value for key, value in values.items()
    }
    try:
        return cls(**converted)
    except TypeError as exc:
        raise ConfigError(f"[{section}]: {exc}") from exc
