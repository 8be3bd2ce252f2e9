"""No secret typed by anyone is stored in clear, on both databases: a seed phrase or key
typed into a closure reason, a hold reason, a review note, a rejection reason, a lift
note or a campaign's name is stored redacted in its own table, in the outbox and in the
audit log (read raw, row by row), and the audit chain still verifies."""

from __future__ import annotations

from sqlalchemy import String, Text, func, select

from lastgate.campaign.adapters.tables import campaigns as campaigns_table
from lastgate.campaign.service import campaigns as campaign
from lastgate.closure.adapters.tables import approvals, closure_requests
from lastgate.closure.model.lifecycle import ClosureReason, ClosureState
from lastgate.closure.service import workflow as closure
from lastgate.erasure.adapters.catalogue import metadata
from lastgate.kernel.audit import verify_chain
from lastgate.ledger.adapters import tables as ledger
from lastgate.ledger.model import HoldKind
from lastgate.platform import audit_log
from tests.builders import account, load
from tests.campaign_support import DEADLINE, campaigns, leaving_market
from tests.secret_corpus import hex_key, mnemonic, wif, xprv
from tests.workflow_support import (
    AGENT_A,
    OFFICER_A,
    OFFICER_B,
    customer,
    outbox_rows,
    request_in,
    workflow,
)

ENGLISH = mnemonic("stored-english", 12)
CHINESE = mnemonic("stored-chinese", 24, "chinese_simplified")
NUMBERED = "\n".join(f"{i}. {w}" for i, w in enumerate(ENGLISH.split(), 1))


def _where(conn, needle: str) -> list[tuple[str, str]]:
    """Every (table, column) of the database whose text holds ``needle``."""
    hits = []
    for table in metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, String | Text):
                count = conn.execute(
                    select(func.count()).select_from(table).where(column.contains(needle))
                ).scalar_one()
                if count:
                    hits.append((table.name, column.name))
    return hits


def _fragments(phrase: str) -> list[str]:
    """Pieces of a phrase that must not survive anywhere: three words (or characters)
    in a row, as typed."""
    words = phrase.split()
    joiner = "" if len(words[0]) == 1 else " "
    return [joiner.join(words[i : i + 3]) for i in range(0, len(words) - 2, 3)]


def _nowhere(engine, *secrets: str) -> None:
    with engine.connect() as conn:
        for secret in secrets:
            for piece in _fragments(secret) if " " in secret else [secret]:
                assert _where(conn, piece) == [], piece


def _audit_payloads(engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.execute(select(audit_log.audit_log.c.payload)).scalars())


def _chain_verifies(engine) -> None:
    with engine.connect() as conn:
        assert verify_chain(audit_log.entries(conn)) == []


def test_a_seed_phrase_in_the_closure_reason_is_stored_redacted(engine, clock) -> None:
    load(engine, account("U1000"))
    wf = workflow(engine, clock)
    typed = f"Leaving for good. My old wallet words:\n{NUMBERED}\n谢谢"
    request = closure.submit(wf, customer(), "U1000", ClosureReason.OTHER, typed)
    assert (
        request.reason_text
        == "Leaving for good. My old wallet words:\n1. [REDACTED:seed_phrase]\n谢谢"
    )
    with engine.connect() as conn:
        raw = conn.execute(
            select(closure_requests.c.reason_text).where(closure_requests.c.id == request.id)
        ).scalar_one()
    assert raw == request.reason_text
    _nowhere(engine, ENGLISH, NUMBERED)
    _chain_verifies(engine)


def test_a_chinese_phrase_without_spaces_in_the_reason_is_stored_redacted(engine, clock) -> None:
    load(engine, account("U1000"))
    wf = workflow(engine, clock)
    unspaced = CHINESE.replace(" ", "")
    typed = f"我不用了。助记词：{unspaced}，麻烦尽快注销。"  # noqa: RUF001
    request = closure.submit(wf, customer(), "U1000", ClosureReason.OTHER, typed)
    assert request.reason_text == "我不用了。助记词：[REDACTED:seed_phrase]，麻烦尽快注销。"  # noqa: RUF001
    with engine.connect() as conn:
        assert _where(conn, unspaced[:6]) == [] and _where(conn, unspaced[-6:]) == []


def test_a_hold_reason_and_a_lift_note_are_stored_redacted(engine, clock) -> None:
    load(engine, account("U1000"))
    wf = workflow(engine, clock)
    hold_id = closure.place_hold(
        wf, OFFICER_A, "U1000", HoldKind.JUDICIAL_FREEZE, f"customer sent us {ENGLISH} by e-mail"
    )
    closure.lift_hold(wf, OFFICER_A, hold_id, f"key pasted: {wif('lift')}")
    closure.lift_hold(wf, OFFICER_B, hold_id, f"backup was {xprv('lift')}")
    with engine.connect() as conn:
        reason = conn.execute(
            select(ledger.holds.c.reason).where(ledger.holds.c.ref == hold_id)
        ).scalar_one()
        notes = set(
            conn.execute(select(approvals.c.note).where(approvals.c.subject == f"hold:{hold_id}"))
            .scalars()
            .all()
        )
    assert reason == "customer sent us [REDACTED:seed_phrase] by e-mail"
    assert notes == {
        "key pasted: [REDACTED:private_key_wif]",
        "backup was [REDACTED:extended_private_key]",
    }
    assert any("[REDACTED:private_key_wif]" in p for p in _audit_payloads(engine))
    _nowhere(engine, ENGLISH, wif("lift"), xprv("lift"))
    _chain_verifies(engine)


def test_review_notes_and_a_rejection_reason_are_stored_redacted(engine, clock) -> None:
    load(engine, account("U1000"), account("U2000"))
    wf = workflow(engine, clock)
    reviewed = request_in(wf, ClosureState.IN_REVIEW)
    closure.approve(wf, AGENT_A, reviewed.id, f"checked; customer wrote {CHINESE}")
    rejected = request_in(wf, ClosureState.IN_REVIEW, uid="U2000")
    after = closure.reject(wf, AGENT_A, rejected.id, f"the customer's key 0x{hex_key('reject')}")
    assert after.decision_note == "the customer's key [REDACTED:private_key_hex]"
    with engine.connect() as conn:
        note = conn.execute(
            select(approvals.c.note).where(approvals.c.subject == f"closure:{reviewed.id}")
        ).scalar_one()
        decision = conn.execute(
            select(closure_requests.c.decision_note).where(closure_requests.c.id == rejected.id)
        ).scalar_one()
    assert note == "checked; customer wrote [REDACTED:seed_phrase]"
    assert decision == after.decision_note
    told = [r["payload"] for r in outbox_rows(engine, "closure_rejected")]
    assert told and "[REDACTED:private_key_hex]" in str(told)
    _nowhere(engine, CHINESE, hex_key("reject"))
    _chain_verifies(engine)


def test_a_campaign_name_and_its_cancel_reason_are_stored_redacted(engine, clock) -> None:
    leaving_market(engine)
    cs = campaigns(engine, clock)
    plan = campaign.plan(
        cs, OFFICER_A, name="NL exit pwd: Hunter-2024", deadline=DEADLINE, jurisdiction="nl"
    )
    campaign.cancel(cs, OFFICER_A, plan.id, f"a customer replied with {ENGLISH}")
    with engine.connect() as conn:
        name = conn.execute(
            select(campaigns_table.c.name).where(campaigns_table.c.id == plan.id)
        ).scalar_one()
    assert name == "NL exit pwd: [REDACTED:password]"
    _nowhere(engine, "Hunter-2024", ENGLISH)
    _chain_verifies(engine)


def test_the_audit_log_redacts_every_string_before_hashing_and_keeps_digests(engine, clock) -> None:
    digest = hex_key("an export's sha256")
    with engine.begin() as conn:
        entry = audit_log.append(
            conn,
            now=clock(),
            actor="agent-ada",
            action="test.note",
            subject="account:U1000",
            payload={"note": ENGLISH, "lines": [f"wif {wif('audit')}"], "sha256": digest},
        )
    assert entry.payload == (
        '{"lines":["wif [REDACTED:private_key_wif]"],"note":"[REDACTED:seed_phrase]",'
        f'"sha256":"{digest}"}}'
    )
    assert _audit_payloads(engine) == [entry.payload]
    _nowhere(engine, ENGLISH, wif("audit"))
    _chain_verifies(engine)
