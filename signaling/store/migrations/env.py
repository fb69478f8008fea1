"""Alembic environment: runs on the connection the server (or a test) hands over, or on the
URL in VWINDOW_DATABASE_URL when called from the alembic command line."""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import Connection, create_engine

from signaling.store.models import Base

target_metadata = Base.metadata


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


given = context.config.attributes.get("connection")
if given is not None:
    run(given)
else:
    url = os.environ["VWINDOW_DATABASE_URL"].replace("+aiosqlite", "")
    with create_engine(url).connect() as connection:
        run(connection)
        connection.commit()
