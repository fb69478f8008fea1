"""The whole server: signaling, the clerk directory, and the service center's records and
figures."""

from __future__ import annotations

from aiohttp import web

from center.records.routes import add_records_routes
from center.records.stats_api import add_stats_routes
from signaling.app import create_app
from signaling.config import ServerConfig
from signaling.directory import add_directory_routes


def create_server(config: ServerConfig) -> web.Application:
    return create_app(
        config, extensions=[add_records_routes, add_stats_routes, add_directory_routes]
    )
