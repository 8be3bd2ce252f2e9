"""Is this database ready to serve: does it answer, and is its schema at the migrations'
head? Shared by ``GET /readyz`` and ``lastgate worker --check``."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from lastgate.platform.db.engine import MIGRATIONS


@dataclass(frozen=True)
class NotReady:
    """Which part failed (``database`` or ``migrations``) and why, in words."""

    part: str
    reason: str


@cache
def code_heads() -> frozenset[str]:
    """The head revision(s) of the migrations shipped with this code; read once, as the
    scripts do not change while the process runs."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return frozenset(ScriptDirectory.from_config(config).get_heads())


def schema_problem(conn: Connection) -> NotReady | None:
    """``NotReady("migrations", …)`` when the database's revision is not the code's head."""
    current = frozenset(MigrationContext.configure(conn).get_current_heads())
    head = code_heads()
    if current == head:
        return None
    at = ", ".join(sorted(current)) or "no revision (never migrated)"
    needs = ", ".join(sorted(head))
    return NotReady(
        "migrations", f"the database is at {at}, the code needs {needs}; run `lastgate db upgrade`"
    )


def readiness(engine: Engine) -> NotReady | None:
    """``None`` when the database answers and is migrated to head; otherwise what failed."""
    try:
        with engine.connect() as conn:
            return schema_problem(conn)
    except (SQLAlchemyError, OSError) as exc:
        return NotReady("database", f"the database does not answer ({type(exc).__name__})")
