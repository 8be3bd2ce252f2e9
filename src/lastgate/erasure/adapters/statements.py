"""The erasure plan's statements, built once: a closure runs about a hundred of them, and
building a SQLAlchemy statement again for each step cost more than running it. Values
are bound at execution (``cid``: the customer's id, ``uid``: their UID)."""

from __future__ import annotations

import json
from typing import Any, NamedTuple

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    CompoundSelect,
    Delete,
    Select,
    String,
    Table,
    Update,
    and_,
    any_,
    bindparam,
    delete,
    insert,
    not_,
    or_,
    select,
    update,
)

from lastgate.closure.adapters import tables as wt
from lastgate.erasure.adapters.tables import (
    customer_keys,
    identifier_quarantine,
    retained_records,
)
from lastgate.ledger.adapters import tables as ledger
from lastgate.notices.adapters.outbox import WEBHOOK
from lastgate.remediation.adapters.tables import dust_quotes, ledger_entries

CHUNK_ROWS = 10_000

#: What the customer traded: sealed into the vault, then moved to the anonymous holder.
TRADE_TABLES = (ledger.orders, ledger.p2p_orders, ledger.transfers, ledger_entries)

#: The customer's account data, deleted outright.
ACCOUNT_DATA_TABLES = (
    ledger.security_events,
    ledger.balances,
    ledger.positions,
    ledger.loans,
    ledger.earn_subscriptions,
    ledger.automations,
    ledger.disputes,
    ledger.api_keys,
    ledger.sub_accounts,
    dust_quotes,
)


def _rows_after(table: Table) -> Select[tuple[object, ...]]:
    c = table.c
    return (
        select(table)
        .where(c.customer_id == bindparam("cid"), c.id > bindparam("last"))
        .order_by(c.id)
        .limit(CHUNK_ROWS)
    )


def _moved(table: Table) -> Update:
    values: dict[str, object] = {"customer_id": bindparam("target")}
    if table is ledger.transfers:
        values["address"] = None
    return update(table).where(table.c.customer_id == bindparam("cid")).values(values)


#: A chunk of a customer's rows of a table, in id order after ``last``.
ROWS_AFTER = {t.name: _rows_after(t) for t in (*TRADE_TABLES, ledger.holds)}
#: A customer's trade rows moved to the anonymous holder ``target`` (addresses dropped).
MOVE_TRADES = tuple(_moved(t) for t in TRADE_TABLES)
DELETE_ACCOUNT_DATA = tuple(
    delete(t).where(t.c.customer_id == bindparam("cid")) for t in ACCOUNT_DATA_TABLES
)

_requests = select(wt.closure_requests.c.id).where(wt.closure_requests.c.uid == bindparam("uid"))
EVIDENCE_KEYS = select(wt.evidence_files.c.storage_key).where(
    wt.evidence_files.c.request_id.in_(_requests)
)
#: The customer's preferences, factors, challenges, evidence and freezes (the outbox
#: rows about them are matched on their contact, so that statement is built per run).
DELETE_PREFERENCES: tuple[Delete, ...] = (
    delete(wt.customer_settings).where(wt.customer_settings.c.uid == bindparam("uid")),
    delete(wt.second_factors).where(wt.second_factors.c.uid == bindparam("uid")),
    delete(wt.verification_attempts).where(wt.verification_attempts.c.uid == bindparam("uid")),
    delete(wt.verification_challenges).where(
        wt.verification_challenges.c.request_id.in_(_requests)
    ),
    delete(wt.evidence_files).where(wt.evidence_files.c.request_id.in_(_requests)),
    delete(wt.account_freezes).where(wt.account_freezes.c.uid == bindparam("uid")),
)

# -- the steps' own statements ------------------------------------------------------------

_c = ledger.customers.c
KEY_OF_RUN = select(customer_keys).where(customer_keys.c.run_id == bindparam("run_id"))
INSERT_KEY = insert(customer_keys).values(
    key_id=bindparam("key_id"),
    run_id=bindparam("run_id"),
    wrapped_key=bindparam("wrapped_key"),
    master_key_id=bindparam("master_key_id"),
    created_at=bindparam("created_at"),
    retain_until=bindparam("retain_until"),
)
INSERT_RECORD = insert(retained_records).values(
    key_id=bindparam("key_id"),
    category=bindparam("category"),
    source=bindparam("source"),
    rows=bindparam("rows"),
    ciphertext=bindparam("ciphertext"),
)
INSERT_QUARANTINE = insert(identifier_quarantine).values(
    kind=bindparam("kind"), digest=bindparam("digest"), until=bindparam("until")
)
CUSTOMER = select(ledger.customers).where(_c.id == bindparam("cid"))
IDENTIFIERS = select(_c.email, _c.phone, _c.id_number).where(_c.id == bindparam("cid"))
REQUESTS = select(wt.closure_requests).where(wt.closure_requests.c.uid == bindparam("uid"))
#: A closed customer's free-text reason is cleared and their holds deleted (after sealing).
CLEAR_COMPLIANCE = (
    update(wt.closure_requests)
    .where(wt.closure_requests.c.uid == bindparam("request_uid"))
    .values(reason_text=""),
    delete(ledger.holds).where(ledger.holds.c.customer_id == bindparam("cid")),
)
ANONYMOUS_HOLDER = select(_c.id).where(_c.uid == bindparam("anonymised_uid"))

# -- the outbox rows about the customer ---------------------------------------------------

_o = wt.outbox.c


#: Outbox rows about the customer: to their address or phone (``recipients``, expanded),
#: or naming their UID as a quoted JSON value (``uid_json``, LIKE-escaped by
#: ``outbox_params``: ``U_1`` must not match ``UX1``) — a webhook event, or a notice.
def _about(recipient: ColumnElement[bool]) -> ColumnElement[bool]:
    """To the customer (``recipient``: the row's recipient is one of their contacts), or
    naming their UID."""
    return or_(recipient, _o.payload.contains(bindparam("uid_json"), escape="/"))


def _unsettled(about: ColumnElement[bool]) -> ColumnElement[bool]:
    return and_(_o.delivered_at.is_(None), _o.voided_at.is_(None), _o.failed_at.is_(None), about)


#: Scheduled for later and never tried (``now``: the step's): what erasure voids.
_VOIDABLE = and_(_o.channel != WEBHOOK, _o.attempts == 0, _o.deliver_after > bindparam("now"))


class OutboxAbout(NamedTuple):
    """The statements on the outbox rows about one customer (``outbox_params``)."""

    #: Notices about the customer scheduled for later and never tried: voided.
    void_scheduled: Update
    #: One row about the customer still on its way, if any.
    one_unsettled: Select[tuple[Any]]
    #: One row about them that voiding the scheduled ones leaves on its way: erasure
    #: waits for it (the columns are NOT NULL, so ``NOT`` is exact).
    one_awaited: Select[tuple[Any]]
    delete: Delete


def _outbox_about(recipient: ColumnElement[bool]) -> OutboxAbout:
    about = _about(recipient)
    unsettled = _unsettled(about)
    return OutboxAbout(
        update(wt.outbox).where(unsettled, _VOIDABLE).values(voided_at=bindparam("now")),
        select(_o.id).where(unsettled).limit(1),
        select(_o.id).where(unsettled, not_(_VOIDABLE)).limit(1),
        delete(wt.outbox).where(about),
    )


#: The contacts bound as a list: expanded into ``IN (…)``, or on PostgreSQL one array
#: (``= ANY``), so the statement's text is the same whatever their number (it can then
#: be sent with others, ``platform.db.pipeline``).
OUTBOX_ABOUT = _outbox_about(_o.recipient.in_(bindparam("recipients", expanding=True)))
OUTBOX_ABOUT_PG = _outbox_about(
    _o.recipient == any_(bindparam("recipients", type_=ARRAY(String())))
)
VOID_SCHEDULED, ONE_UNSETTLED, ONE_AWAITED, DELETE_OUTBOX_ABOUT = OUTBOX_ABOUT


def one_awaited_by_uid(contact: CompoundSelect[Any]) -> Select[tuple[Any]]:
    """``ONE_AWAITED`` with the customer's contact read by the statement itself
    (``contact``: a select of their non-empty e-mail and phone) rather than bound."""
    awaited = _unsettled(_about(_o.recipient.in_(contact)))
    return select(_o.id).where(awaited, not_(_VOIDABLE)).limit(1)


def outbox_params(uid: str, contact: tuple[str, ...]) -> dict[str, object]:
    """The bound values of the outbox statements above, for one customer."""
    quoted = json.dumps(uid)
    escaped = quoted.replace("/", "//").replace("%", "/%").replace("_", "/_")
    return {"recipients": list(contact), "uid_json": escaped}
