"""The ``vwindow`` command: one entry point, a subcommand per part of the system."""

from __future__ import annotations

import argparse
import sys

from center.records.cli import add_records_parser
from signaling import cli as server_cli
from vwindow import apps, demo
from vwindow.server import create_server


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vwindow", description="Remote virtual service window (远程虚拟窗口)"
    )
    sub = parser.add_subparsers(dest="subcommand", required=True)
    server_cli.add_serve_parser(sub, create_server)
    server_cli.add_admin_parser(sub)
    apps.add_kiosk_parser(sub)
    apps.add_console_parser(sub)
    demo.add_demo_parser(sub)
    add_records_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    result: int = args.run(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
