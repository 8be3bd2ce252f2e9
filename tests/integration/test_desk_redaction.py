"""Secrets pasted into the desk are never stored in clear: the whole database is scanned."""

from __future__ import annotations

from sqlalchemy import String, Text, func, select

from lastgate.desk.model.tickets import TicketCategory
from lastgate.desk.service import desk as d
from lastgate.erasure.adapters.catalogue import metadata
from tests.builders import account, load
from tests.desk_support import make_desk
from tests.secret_corpus import corpus
from tests.workflow_support import AGENT_A, customer


def _found_anywhere(conn, needle: str) -> list[tuple[str, str]]:
    hits = []
    for table in metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, String | Text):
                n = conn.execute(
                    select(func.count()).select_from(table).where(column.contains(needle))
                ).scalar_one()
                if n:
                    hits.append((table.name, column.name))
    return hits


def test_no_secret_of_the_corpus_is_stored_anywhere(engine, clock, tmp_path) -> None:
    load(engine, account("U1000"))
    desk = make_desk(engine, clock, tmp_path)
    pairs = corpus()
    first, _ = pairs[0]
    ticket, posted = d.open_ticket(
        desk, customer(), "U1000", TicketCategory.OTHER, "password: subj3ctSecret", first
    )
    assert posted.secrets_removed == ("seed_phrase",)
    for message, _ in pairs[1:]:
        reply = d.reply(desk, customer(), ticket.id, message)
        assert reply.secrets_removed
        d.reply(desk, AGENT_A, ticket.id, f"customer said: {message}", internal=True)
    with engine.connect() as conn:
        for _, secret in [*pairs, ("", "subj3ctSecret")]:
            assert _found_anywhere(conn, secret) == [], secret
