"""Is this database ready to serve: does it answer, and is its schema at the migrations'
head? Shared by ``GET /readyz`` and ``lastgate worker --check``."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from functools import cache

from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.exc import SQLAlchemyError

from lastgate.platform.db.engine import MIGRATIONS


@dataclass(frozen=True)
class NotReady:
    """Which part failed (``database`` or ``migrations``) and why, in words."""

    part: str
    reason: str


#: ``revision = "0009"`` / ``down_revision: str | None = "0008"`` lines of a migration script.
_REVISION_LINE = re.compile(r"^(revision|down_revision)\s*(?::[^=\n]*)?=\s*(.+?)\s*$", re.M)


@cache
def code_heads() -> frozenset[str]:
    """The head revision(s) of the migrations shipped with this code; read once, as the
    scripts do not change while the process runs.

    Read from the scripts' ``revision``/``down_revision`` lines rather than through
    alembic's ``ScriptDirectory``, so that a command on an up-to-date database starts
    without importing alembic (about 0.15 s); tests/integration/test_migrations.py checks
    that both give the same heads.
    """
    revisions: set[str] = set()
    parents: set[str] = set()
    for script in (MIGRATIONS / "versions").glob("*.py"):
        fields = dict(_REVISION_LINE.findall(script.read_text(encoding="utf-8")))
        revisions.add(ast.literal_eval(fields["revision"]))
        down = ast.literal_eval(fields.get("down_revision", "None"))
        parents.update((down,) if isinstance(down, str) else down or ())
    return frozenset(revisions - parents)


def database_heads(conn: Connection) -> frozenset[str]:
    """The revision(s) alembic recorded in this database; empty if it was never migrated."""
    if not inspect(conn).has_table("alembic_version"):
        return frozenset()
    return frozenset(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())


def schema_problem(conn: Connection) -> NotReady | None:
    """``NotReady("migrations", …)`` when the database's revision is not the code's head."""
    current = database_heads(conn)
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
