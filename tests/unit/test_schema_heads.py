"""The migration heads lastgate reads without alembic are alembic's own."""

from __future__ import annotations

from alembic.config import Config
from alembic.script import ScriptDirectory

from lastgate.platform.db.engine import MIGRATIONS
from lastgate.platform.db.readiness import code_heads


def test_code_heads_are_alembics_heads() -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert code_heads() == frozenset(ScriptDirectory.from_config(config).get_heads())
    assert len(code_heads()) == 1
