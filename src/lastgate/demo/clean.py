"""Demo customers who may close their account now: every check passes.

Their histories are full of things that no longer block (filled orders, revoked keys,
lifted holds, redeemed products), so the demo shows that only open items count.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from lastgate.demo import records as r
from lastgate.demo.catalogue import demo, person
from lastgate.kernel.messages import N_

D = timedelta(days=1)


@demo(
    "DEMO-CLEAN-EU",
    N_("EU customer who wound everything down: past orders, keys, holds and products all closed."),
)
def clean_eu(uid: str, now: datetime) -> r.Record:
    return person(
        uid,
        "Anna Schmidt",
        now,
        balances=[r.balance("BTC", "0"), r.balance("USDT", "0", account_type="trading")],
        orders=[
            r.order("CE-O1", "BTC/USDT", "filled", now - 200 * D),
            r.order("CE-O2", "ETH/USDT", "cancelled", now - 90 * D, price="2800", quantity="1"),
        ],
        transfers=[
            r.transfer("CE-T1", "deposit", "USDT", "5000", "completed", now - 400 * D),
            r.transfer("CE-T2", "withdrawal", "USDT", "2000", "completed", now - 5 * D),
            r.transfer("CE-T3", "withdrawal", "USDT", "50000", "failed", now - 3 * D),
        ],
        earn=[r.earn("CE-E1", "flexible", "USDT", "1000", "redeemed", None)],
        automations=[r.automation("CE-A1", "recurring_buy", "stopped", now - 300 * D)],
        p2p_orders=[r.p2p_order("CE-P1", "completed", "USDT", "300", now - 100 * D)],
        disputes=[r.dispute("CE-D1", "complaint", "resolved", now - 150 * D)],
        sub_accounts=[r.sub_account("DEMO-CLEAN-EU-SUB1", "closed")],
        holds=[
            r.hold(
                "CE-H1",
                "risk_lock",
                "Login from a new country; confirmed by the customer",
                now - 120 * D,
                placed_by="risk-engine",
                lifted_at=now - 119 * D,
            )
        ],
    )


@demo(
    "DEMO-CLEAN-US",
    N_("US customer who withdrew exactly the review threshold (USD 10,000) this month: no review."),
)
def clean_us(uid: str, now: datetime) -> r.Record:
    return person(
        uid,
        "James Miller",
        now,
        place="US",
        years=1.2,
        balances=[r.balance("USD", "0", account_type="fiat"), r.balance("ETH", "0")],
        orders=[r.order("CU-O1", "ETH/USD", "filled", now - 40 * D, price="3100", quantity="2")],
        transfers=[
            r.transfer("CU-T1", "withdrawal", "USD", "6000", "completed", now - 12 * D),
            r.transfer("CU-T2", "withdrawal", "USDC", "4000", "completed", now - 2 * D),
            r.transfer("CU-T3", "withdrawal", "USD", "9000", "completed", now - 45 * D),
        ],
    )


@demo(
    "DEMO-CLEAN-DORMANT",
    N_("Dormant customer (default policy): only zero balances and history from years ago."),
)
def clean_dormant(uid: str, now: datetime) -> r.Record:
    return person(
        uid,
        "Wei Ling Tan",
        now,
        place="SG",
        years=6,
        balances=[
            r.balance("BTC", "0"),
            r.balance("ETH", "0", account_type="trading"),
            r.balance("USDT", "0", account_type="earn"),
        ],
        orders=[r.order("CD-O1", "BTC/USDT", "filled", now - 1900 * D, price="9000")],
        transfers=[
            r.transfer("CD-T1", "deposit", "BTC", "0.1", "completed", now - 1950 * D),
            r.transfer("CD-T2", "withdrawal", "BTC", "0.1", "completed", now - 1500 * D),
        ],
        security_events=[r.security_event("password", now - 1400 * D)],
    )


@demo(
    "DEMO-CLEAN-KEYS",
    N_("Customer whose only API key expired last week and whose tax-app access is revoked."),
)
def clean_keys(uid: str, now: datetime) -> r.Record:
    return person(
        uid,
        "Lucas Martin",
        now,
        place="FR",
        api_keys=[
            r.api_key("CK-K1", "trading bot", now - 400 * D, expires_at=now - 7 * D),
            r.api_key(
                "CK-K2",
                "Tax report sync",
                now - 200 * D,
                kind="third_party",
                revoked_at=now - 3 * D,
            ),
        ],
    )


@demo(
    "DEMO-CLEAN-COOLDOWN-OVER",
    N_("Customer who changed their password exactly 7 days ago: the cooldown has just ended."),
)
def clean_cooldown_over(uid: str, now: datetime) -> r.Record:
    return person(
        uid,
        "Sofia Garcia",
        now,
        place="ES",
        security_events=[
            r.security_event("password", now - 7 * D),
            r.security_event("email", now - 30 * D),
        ],
    )


@demo(
    "DEMO-CLEAN-VERIFY",
    N_(
        "Customer whose risk-control lock was lifted 20 days ago: closing asks for an ID "
        "document and a selfie, which an agent checks."
    ),
)
def clean_verify(uid: str, now: datetime) -> r.Record:
    # A risk lock within the policy's risk_lookback_days makes a closure request risky
    # (closure.model.risk): the journey of identity evidence, refused and sent again.
    return person(
        uid,
        "Marie Dubois",
        now,
        place="FR",
        years=3,
        holds=[
            r.hold(
                "CV-H1",
                "risk_lock",
                "Login from a new device; confirmed by the customer",
                now - 21 * D,
                placed_by="risk-engine",
                lifted_at=now - 20 * D,
            )
        ],
    )
