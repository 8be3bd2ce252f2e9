"""The customer's notice preferences: the anti-phishing code printed on every notice.

Only the customer sets their own code. Staff may see whether one is set, never its
value: a code a support agent could read is a code a phisher could learn from one.
Each change is audited, without the value.

The language notices are written in is remembered from what the customer does on the
pages (``remember_customer_language``); staff actions never change it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Engine, select
from sqlalchemy.dialects import postgresql, sqlite

from lastgate.closure.adapters.tables import customer_settings
from lastgate.kernel.access import (
    Principal,
    Role,
    ensure_account_holder,
    ensure_may_read_account,
)
from lastgate.kernel.clock import Clock
from lastgate.kernel.errors import AccountNotFound
from lastgate.kernel.i18n import SUPPORTED_LANGUAGES
from lastgate.kernel.settings import Settings
from lastgate.ledger.adapters import tables as ledger
from lastgate.ledger.model import CustomerStatus, refuse_if_closed
from lastgate.notices.adapters.outbox import SqlNotifier
from lastgate.notices.model import validate_anti_phishing_code
from lastgate.platform import audit_log


@dataclass(frozen=True, slots=True)
class AntiPhishingCodeStatus:
    """Whether a code is set, and the code itself only when the reader is its owner."""

    uid: str
    is_set: bool
    code: str | None
    updated_at: datetime | None


def read_anti_phishing_code(
    engine: Engine, principal: Principal, uid: str
) -> AntiPhishingCodeStatus:
    """The customer reads their code; staff learn only whether one is set."""
    ensure_may_read_account(principal, uid)
    with engine.connect() as conn:
        _ensure_account(conn, uid)
        row = conn.execute(
            select(customer_settings.c.anti_phishing_code, customer_settings.c.updated_at).where(
                customer_settings.c.uid == uid
            )
        ).first()
    code = row.anti_phishing_code if row is not None else None
    return AntiPhishingCodeStatus(
        uid=uid,
        is_set=bool(code),
        code=code if principal.subject == uid and not principal.is_staff else None,
        updated_at=row.updated_at if row is not None and code else None,
    )


def set_anti_phishing_code(
    engine: Engine, clock: Clock, principal: Principal, uid: str, code: str
) -> AntiPhishingCodeStatus:
    """Set the customer's own code (4 to 20 letters or digits); audited without the value."""
    ensure_account_holder(principal, uid)
    validate_anti_phishing_code(code)
    now = clock()
    with engine.begin() as conn:
        _ensure_open(conn, uid)
        dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
        upsert = dialect.insert(customer_settings).values(
            uid=uid, anti_phishing_code=code, updated_at=now
        )
        conn.execute(
            upsert.on_conflict_do_update(
                index_elements=[customer_settings.c.uid],
                set_={"anti_phishing_code": code, "updated_at": now},
            )
        )
        audit_log.append(
            conn,
            now=now,
            actor=principal.subject,
            action="anti_phishing_code.set",
            subject=f"account:{uid}",
            payload={"is_set": True},
        )
    return AntiPhishingCodeStatus(uid=uid, is_set=True, code=code, updated_at=now)


def remember_customer_language(
    engine: Engine, clock: Clock, settings: Settings, principal: Principal, language: str
) -> None:
    """Remember ``language`` as the customer's own when they act on the pages in it (sign
    in, switch language, write to support); every notice decided later is written in it.
    Only a customer's own action counts: staff never change a customer's language."""
    if principal.role is not Role.CUSTOMER or language not in SUPPORTED_LANGUAGES:
        return
    with engine.begin() as conn:
        SqlNotifier(conn, clock, settings).remember_language(principal.subject, language)


def customer_language(engine: Engine, settings: Settings, principal: Principal, uid: str) -> str:
    """The language the customer's notices are written in (the one they last used on the
    pages, else the default): the one staff answer them in. Staff may read it."""
    ensure_may_read_account(principal, uid)
    with engine.connect() as conn:
        stored = conn.execute(
            select(customer_settings.c.language).where(customer_settings.c.uid == uid)
        ).scalar_one_or_none()
    return stored if stored in SUPPORTED_LANGUAGES else settings.default_language


def _ensure_open(conn: Connection, uid: str) -> None:
    """``AccountNotFound`` for an unknown UID; ``AccountClosed`` for a closed account:
    nothing new is kept for it."""
    status = conn.execute(
        select(ledger.customers.c.status).where(ledger.customers.c.uid == uid)
    ).scalar_one_or_none()
    if status is None:
        raise AccountNotFound(f"no account with UID {uid}")
    refuse_if_closed(CustomerStatus(status))


def _ensure_account(conn: Connection, uid: str) -> None:
    found = conn.execute(select(ledger.customers.c.id).where(ledger.customers.c.uid == uid)).first()
    if found is None:
        raise AccountNotFound(f"no account with UID {uid}")
