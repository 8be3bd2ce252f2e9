"""Alembic environment: runs against the engine handed over in ``config.attributes``."""

from __future__ import annotations

from alembic import context

from lastgate.erasure.adapters.catalogue import metadata
from lastgate.platform.db import textsearch

config = context.config
engine = config.attributes.get("engine")
if engine is None:  # run from the alembic command line: build from settings
    from lastgate.kernel.settings import Settings
    from lastgate.platform.db.engine import make_engine

    engine = make_engine(Settings().database_url)

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_name=textsearch.include_name,
    )
    with context.begin_transaction():
        context.run_migrations()
