"""``vwindow records purge``: the retention command (see ``center.records.retention``)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from center.records.pages import PageStore
from center.records.retention import PurgeReport, purge
from shared.logs import configure_logging
from signaling.cli import config_from_args
from signaling.config import ConfigError, ServerConfig
from signaling.store.db import Database
from signaling.store.repo import Store


def add_records_parser(sub: Any) -> None:
    records = sub.add_parser("records", help="case records maintenance")
    actions = records.add_subparsers(dest="records_command", required=True)
    purge_parser = actions.add_parser(
        "purge",
        help="remove the personal data of cases closed longer ago than the retention period",
    )
    purge_parser.add_argument("--config", type=Path, help="TOML config file (or VWINDOW_CONFIG)")
    purge_parser.add_argument("--database-url", help="SQLAlchemy URL (or VWINDOW_DATABASE_URL)")
    purge_parser.add_argument("--data-dir", type=Path, help="where SQLite and stored pages live")
    purge_parser.add_argument(
        "--days", type=int, help="retention period in days (default: [records] retention_days)"
    )
    purge_parser.add_argument(
        "--dry-run", action="store_true", help="count what would go, change nothing"
    )
    purge_parser.set_defaults(run=run_purge)


def run_purge(args: argparse.Namespace) -> int:
    configure_logging("WARNING")
    try:
        config = config_from_args(args)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.days is not None:
        if args.days < 0:
            print("error: --days cannot be negative", file=sys.stderr)
            return 2
        config = replace(config, records=replace(config.records, retention_days=args.days))
    report = asyncio.run(purge_with_config(config, dry_run=args.dry_run))
    verb = "would purge" if report.dry_run else "purged"
    print(
        f"{verb}: {report.cases} case(s), {report.pages} page(s), "
        f"{report.follow_ups} follow-up(s) without a case; "
        f"closed before {report.cutoff:%Y-%m-%d %H:%M} UTC "
        f"({config.records.retention_days} days)"
    )
    return 0


async def purge_with_config(config: ServerConfig, *, dry_run: bool = False) -> PurgeReport:
    database = Database(config.effective_database_url)
    try:
        await database.migrate()
        # deleting needs no key: the files go whole
        pages = PageStore(config.data_dir / "pages")
        return await purge(Store(database), pages, config.records.retention_days, dry_run=dry_run)
    finally:
        await database.close()
