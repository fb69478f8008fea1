"""``vwindow serve`` and ``vwindow admin``: run the server and administer its data."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import getpass
import logging
import sys
from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import qrcode
from aiohttp import web
from sqlalchemy.engine import make_url

from shared import catalog
from shared.logs import configure_logging
from signaling.app import create_app
from signaling.config import DEFAULT_PORT, ConfigError, ServerConfig, load_config
from signaling.store.db import Database
from signaling.store.repo import Store, StoreError

log = logging.getLogger(__name__)


AppFactory = Callable[[ServerConfig], web.Application]


def add_serve_parser(sub: Any, app_factory: AppFactory = create_app) -> None:
    serve = sub.add_parser("serve", help="run the signaling and records server")
    serve.set_defaults(app_factory=app_factory)
    _add_config_options(serve)
    serve.add_argument("--host", help="address to listen on (default from config: 127.0.0.1)")
    serve.add_argument("--port", type=int, help=f"port (default {DEFAULT_PORT})")
    serve.set_defaults(run=run_serve)


def _add_config_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, help="TOML config file (or VWINDOW_CONFIG)")
    parser.add_argument("--database-url", help="SQLAlchemy URL (or VWINDOW_DATABASE_URL)")
    parser.add_argument("--data-dir", type=Path, help="where SQLite and stored pages live")


def config_from_args(args: argparse.Namespace) -> ServerConfig:
    config = load_config(args.config)
    if args.database_url:
        config = replace(config, database_url=args.database_url)
    if args.data_dir:
        config = replace(config, data_dir=args.data_dir)
    if getattr(args, "host", None):
        config = replace(config, host=args.host)
    if getattr(args, "port", None) is not None:
        config = replace(config, port=args.port)
    return config


def run_serve(args: argparse.Namespace) -> int:
    configure_logging()
    config = config_from_args(args)
    log.info(
        "serving on http://%s:%d (database %s)",
        config.host,
        config.port,
        _redacted(config.effective_database_url),
    )
    web.run_app(
        args.app_factory(config), host=config.host, port=config.port, print=None, shutdown_timeout=5
    )
    return 0


def _redacted(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


# --- admin ---------------------------------------------------------------------------------


def add_admin_parser(sub: Any) -> None:
    admin = sub.add_parser("admin", help="administer centers, sites, staff, kiosks, catalog")
    _add_config_options(admin)
    objects = admin.add_subparsers(dest="object", required=True)

    site = objects.add_parser("site", help="districts, streets, neighbourhood committees")
    site_cmd = site.add_subparsers(dest="command", required=True)
    create = site_cmd.add_parser("create")
    create.add_argument("--name", required=True)
    create.add_argument("--kind", required=True, choices=("district", "street", "committee"))
    create.add_argument("--parent", help="id of the enclosing site")
    create.set_defaults(action=_site_create)
    site_cmd.add_parser("list").set_defaults(action=_site_list)

    center = objects.add_parser("center", help="community affairs service centers")
    center_cmd = center.add_subparsers(dest="command", required=True)
    create = center_cmd.add_parser("create")
    create.add_argument("--name", required=True)
    create.add_argument("--site", help="id of the center's site (street or district)")
    create.set_defaults(action=_center_create)
    center_cmd.add_parser("list").set_defaults(action=_center_list)

    skill = objects.add_parser("skill", help="business lines clerks are trained for")
    skill_cmd = skill.add_subparsers(dest="command", required=True)
    create = skill_cmd.add_parser("create")
    create.add_argument("--code", required=True)
    create.add_argument("--name", required=True)
    create.set_defaults(action=_skill_create)
    skill_cmd.add_parser("list").set_defaults(action=_skill_list)

    staff = objects.add_parser("staff", help="clerks, supervisors, administrators")
    staff_cmd = staff.add_subparsers(dest="command", required=True)
    create = staff_cmd.add_parser("create")
    create.add_argument("--center", required=True, help="center id or name")
    create.add_argument("--username", required=True)
    create.add_argument("--name", required=True, help="display name shown to residents")
    create.add_argument("--role", default="clerk", choices=("clerk", "supervisor", "admin"))
    create.add_argument("--skills", default="", help="comma-separated skill codes")
    create.add_argument("--window", help="window number shown to residents")
    create.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    create.set_defaults(action=_staff_create)
    listing = staff_cmd.add_parser("list")
    listing.add_argument("--center", help="center id or name")
    listing.set_defaults(action=_staff_list)
    skills = staff_cmd.add_parser("skills", help="replace a staff member's skills")
    skills.add_argument("--username", required=True)
    skills.add_argument("--skills", required=True, help="comma-separated skill codes")
    skills.set_defaults(action=_staff_skills)

    kiosk = objects.add_parser("kiosk", help="enroll and manage kiosks")
    kiosk_cmd = kiosk.add_subparsers(dest="command", required=True)
    create = kiosk_cmd.add_parser("create", help="register a kiosk, print its enrollment code")
    create.add_argument("--center", required=True, help="center id or name")
    create.add_argument("--name", required=True)
    create.add_argument("--site", help="id of the neighbourhood committee it stands in")
    create.add_argument("--qr", type=Path, help="write the enrollment QR code to this PNG")
    create.add_argument(
        "--server-url",
        default=f"http://127.0.0.1:{DEFAULT_PORT}",
        help="server address the kiosk should enroll with (put in the QR)",
    )
    create.add_argument("--days", type=int, default=7, help="days the code stays valid")
    create.set_defaults(action=_kiosk_create)
    listing = kiosk_cmd.add_parser("list")
    listing.add_argument("--center", help="center id or name")
    listing.set_defaults(action=_kiosk_list)
    reissue = kiosk_cmd.add_parser("reissue", help="new enrollment code; old credential ends")
    reissue.add_argument("--kiosk", required=True)
    reissue.add_argument("--qr", type=Path)
    reissue.add_argument("--server-url", default=f"http://127.0.0.1:{DEFAULT_PORT}")
    reissue.set_defaults(action=_kiosk_reissue)
    disable = kiosk_cmd.add_parser("disable")
    disable.add_argument("--kiosk", required=True)
    disable.set_defaults(action=_kiosk_disable)

    cat = objects.add_parser("catalog", help="service items")
    cat_cmd = cat.add_subparsers(dest="command", required=True)
    imp = cat_cmd.add_parser("import", help="import items from CSV, XLSX or JSON")
    imp.add_argument("file", type=Path, nargs="?", help="default: the shipped sample catalog")
    imp.set_defaults(action=_catalog_import)
    cat_cmd.add_parser("list").set_defaults(action=_catalog_list)

    admin.set_defaults(run=run_admin)


AdminAction = Callable[[Store, argparse.Namespace], Awaitable[None]]


def run_admin(args: argparse.Namespace) -> int:
    configure_logging("WARNING")
    try:
        config = config_from_args(args)
        return asyncio.run(_admin(config, args.action, args))
    except (StoreError, ConfigError, catalog.CatalogError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


async def _admin(config: ServerConfig, action: AdminAction, args: argparse.Namespace) -> int:
    database = Database(config.effective_database_url)
    try:
        await database.migrate()
        await action(Store(database), args)
    finally:
        await database.close()
    return 0


async def _center_id(store: Store, key: str) -> str:
    center = await store.center_by_name_or_id(key)
    if center is None:
        raise StoreError(f"no center {key!r}")
    return center.id


def _table(rows: list[tuple[object, ...]], header: tuple[str, ...]) -> None:
    cells = [tuple("" if v is None else str(v) for v in row) for row in [header, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    for row in cells:
        print("  ".join(value.ljust(width) for value, width in zip(row, widths, strict=True)))


async def _site_create(store: Store, args: argparse.Namespace) -> None:
    site = await store.create_site(args.name, args.kind, args.parent)
    print(site.id)


async def _site_list(store: Store, args: argparse.Namespace) -> None:
    sites = await store.list_sites()
    _table([(s.id, s.kind, s.name, s.parent_id) for s in sites], ("id", "kind", "name", "parent"))


async def _center_create(store: Store, args: argparse.Namespace) -> None:
    center = await store.create_center(args.name, args.site)
    print(center.id)


async def _center_list(store: Store, args: argparse.Namespace) -> None:
    centers = await store.list_centers()
    _table([(c.id, c.name, c.site_id) for c in centers], ("id", "name", "site"))


async def _skill_create(store: Store, args: argparse.Namespace) -> None:
    await store.upsert_skill(args.code, args.name)
    print(args.code)


async def _skill_list(store: Store, args: argparse.Namespace) -> None:
    _table([(s.code, s.name) for s in await store.list_skills()], ("code", "name"))


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    if not sys.stdin.isatty():
        raise StoreError("no terminal to ask for a password: use --password-stdin")
    first = getpass.getpass("password: ")
    if first != getpass.getpass("again: "):
        raise StoreError("the passwords differ")
    return first


def _skill_list_arg(text: str) -> list[str]:
    return [s.strip() for s in text.split(",") if s.strip()]


async def _staff_create(store: Store, args: argparse.Namespace) -> None:
    center_id = await _center_id(store, args.center)
    staff = await store.create_staff(
        center_id=center_id,
        username=args.username,
        display_name=args.name,
        password=_read_password(args.password_stdin),
        role=args.role,
        skills=_skill_list_arg(args.skills),
        window_no=args.window,
    )
    print(staff.staff_id)


async def _staff_list(store: Store, args: argparse.Namespace) -> None:
    center_id = await _center_id(store, args.center) if args.center else None
    staff = await store.list_staff(center_id)
    _table(
        [
            (s.staff_id, s.username, s.display_name, s.role, s.window_no, ",".join(s.skills))
            for s in staff
        ],
        ("id", "username", "name", "role", "window", "skills"),
    )


async def _staff_skills(store: Store, args: argparse.Namespace) -> None:
    staff = await store.staff_by_username(args.username)
    if staff is None:
        raise StoreError(f"no staff {args.username!r}")
    updated = await store.set_staff_skills(staff.staff_id, _skill_list_arg(args.skills))
    print(",".join(updated.skills))


def enrollment_uri(server_url: str, code: str) -> str:
    """What the enrollment QR code holds; the kiosk's set-up screen reads it with its camera."""
    return "vwindow://enroll?" + urlencode({"server": server_url, "code": code})


def write_qr(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    qrcode.make(text).save(str(path))


async def _kiosk_create(store: Store, args: argparse.Namespace) -> None:
    center_id = await _center_id(store, args.center)
    kiosk, code = await store.create_kiosk(
        center_id=center_id,
        name=args.name,
        site_id=args.site,
        code_ttl=dt.timedelta(days=args.days),
    )
    _print_code(kiosk.id, code, args.server_url, args.qr)


def _print_code(kiosk_id: str, code: str, server_url: str, qr: Path | None) -> None:
    print(f"kiosk:           {kiosk_id}")
    print(f"enrollment code: {code}")
    uri = enrollment_uri(server_url, code)
    print(f"enrollment URI:  {uri}")
    if qr is not None:
        write_qr(qr, uri)
        print(f"QR code:         {qr}")


async def _kiosk_list(store: Store, args: argparse.Namespace) -> None:
    center_id = await _center_id(store, args.center) if args.center else None
    kiosks = await store.list_kiosks(center_id)

    def status(k: Any) -> str:
        if k.disabled_at:
            return "disabled"
        return "enrolled" if k.credential_hash else "awaiting enrollment"

    _table(
        [
            (
                k.id,
                k.name,
                k.center_id,
                k.site_id,
                status(k),
                k.last_seen_at.isoformat(timespec="seconds") if k.last_seen_at else "",
            )
            for k in kiosks
        ],
        ("id", "name", "center", "site", "status", "last seen"),
    )


async def _kiosk_reissue(store: Store, args: argparse.Namespace) -> None:
    code = await store.reissue_enrollment(args.kiosk)
    _print_code(args.kiosk, code, args.server_url, args.qr)


async def _kiosk_disable(store: Store, args: argparse.Namespace) -> None:
    await store.disable_kiosk(args.kiosk)
    print(f"disabled {args.kiosk}")


async def _catalog_import(store: Store, args: argparse.Namespace) -> None:
    path = args.file or catalog.default_catalog_path()
    items = catalog.load_catalog(path)
    created, updated = await store.import_catalog(items)
    print(f"imported {len(items)} item(s) from {path}: {created} new, {updated} updated")


async def _catalog_list(store: Store, args: argparse.Namespace) -> None:
    items = await store.catalog_items()
    _table(
        [
            (
                i.code,
                i.skill,
                i.name,
                len(i.materials),
                {True: "yes", False: "no", None: "?"}[i.remote_eligible],
            )
            for i in items
        ],
        ("code", "skill", "name", "materials", "remote"),
    )
