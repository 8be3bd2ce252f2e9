"""The erasure plan's prebuilt outbox statements (erasure/adapters/statements.py) match the
rows about one customer only: their address or phone, or their UID as a quoted JSON value
with LIKE's wildcards taken literally. Both databases."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

from sqlalchemy import insert

from lastgate.closure.adapters.tables import outbox
from lastgate.erasure.adapters.statements import (
    ONE_UNSETTLED,
    OUTBOX_ABOUT,
    OUTBOX_ABOUT_PG,
    outbox_params,
)

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)


def _queue(conn, *, recipient: str, payload: dict[str, str]) -> str:
    row_id = str(uuid.uuid4())
    conn.execute(
        insert(outbox).values(
            id=row_id,
            created_at=NOW,
            channel="webhook",
            topic="account.closed",
            recipient=recipient,
            subject_ref="test",
            payload=json.dumps(payload),
            deliver_after=NOW,
            attempts=0,
        )
    )
    return row_id


def test_the_outbox_rows_about_a_customer_are_theirs_alone(engine) -> None:
    with engine.begin() as conn:
        namesake = _queue(conn, recipient="https://x.test/hook", payload={"uid": "UX1"})
        assert conn.execute(ONE_UNSETTLED, outbox_params("U_1", ())).first() is None
        assert conn.execute(ONE_UNSETTLED, outbox_params("U%", ())).first() is None
        assert conn.execute(ONE_UNSETTLED, outbox_params("UX", ())).first() is None
        assert conn.execute(ONE_UNSETTLED, outbox_params("UX1", ())).scalar_one() == namesake

        theirs = _queue(conn, recipient="https://x.test/hook", payload={"uid": "U_1"})
        assert conn.execute(ONE_UNSETTLED, outbox_params("U_1", ())).scalar_one() == theirs

        mailed = _queue(conn, recipient="u2@example.com", payload={"name": "Ada"})
        found = conn.execute(ONE_UNSETTLED, outbox_params("U2", ("u2@example.com",)))
        assert found.scalar_one() == mailed
        assert conn.execute(ONE_UNSETTLED, outbox_params("U2", ("+4900",))).first() is None


def test_the_postgresql_statements_match_the_same_rows(engine) -> None:
    """PostgreSQL's variant binds the contacts as one array (``= ANY``) so that it can be
    sent with other statements; it matches exactly what the expanded ``IN`` matches."""
    variants = [OUTBOX_ABOUT] + ([OUTBOX_ABOUT_PG] if engine.dialect.name == "postgresql" else [])
    with engine.begin() as conn:
        _queue(conn, recipient="https://x.test/hook", payload={"uid": "UX1"})
        mailed = _queue(conn, recipient="u2@example.com", payload={"name": "Ada"})
        for about in variants:
            for uid, contact, found in [
                ("U2", ("u2@example.com", "+4900"), mailed),
                ("U2", ("+4900",), None),
                ("U2", (), None),
                ("U_1", (), None),
            ]:
                row = conn.execute(about.one_unsettled, outbox_params(uid, contact)).first()
                assert (row[0] if row else None) == found, (about, uid, contact)
