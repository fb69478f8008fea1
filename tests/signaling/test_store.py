"""Schema, migrations and configuration."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection

from signaling.config import ConfigError, load_config
from signaling.store.db import Database, async_url
from signaling.store.models import Base


async def test_migrations_match_models(database_url: str) -> None:
    database = Database(database_url)
    try:
        await database.migrate()
        await database.migrate()  # idempotent

        def diff(connection: Connection) -> list[object]:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return list(compare_metadata(context, Base.metadata))

        async with database.engine.connect() as connection:
            assert await connection.run_sync(diff) == []
    finally:
        await database.close()


def test_urls_pick_async_drivers() -> None:
    assert async_url("sqlite:////tmp/x.db") == "sqlite+aiosqlite:////tmp/x.db"
    assert async_url("postgresql://u:p@h/db") == "postgresql+psycopg://u:p@h/db"
    assert async_url("postgresql+psycopg://h/db") == "postgresql+psycopg://h/db"


def test_config_file_and_environment(tmp_path: Path) -> None:
    path = tmp_path / "vwindow.toml"
    path.write_text(
        "[server]\nport = 9000\n[routing]\nring_timeout_s = 7\n"
        '[turn]\nurls = ["turn:127.0.0.1:3478"]\nsecret = "file"\n',
        encoding="utf-8",
    )
    config = load_config(path, env={"VWINDOW_TURN_SECRET": "env", "VWINDOW_DATA_DIR": "/srv/x"})
    assert config.port == 9000
    assert config.routing.ring_timeout_s == 7
    assert config.turn.urls == ("turn:127.0.0.1:3478",) and config.turn.secret == "env"
    assert config.effective_database_url == "sqlite+aiosqlite:////srv/x/vwindow.db"
    assert load_config(None, env={}).effective_database_url.endswith("vwindow.db")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[server]\nprot = 1\n", "unknown key(s) in [server]: prot"),
        ("[routing]\nring = 1\n", "unknown key(s) in [routing]"),
        ("[server\n", "cannot read config"),
    ],
)
def test_config_errors_are_clear(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_config(path, env={})
