"""Demo customers as support meets them: several blockers at once."""

from __future__ import annotations

from datetime import datetime, timedelta

from lastgate.demo import records as r
from lastgate.demo.catalogue import demo, person
from lastgate.eligibility.model.report import CheckCode as C
from lastgate.kernel.messages import N_

D = timedelta(days=1)
H = timedelta(hours=1)


@demo(
    "DEMO-ACTIVE-TRADER",
    N_("Typical active trader: balances, open orders, API keys and a recurring buy."),
    C.ASSETS_REMAINING,
    C.OPEN_ORDERS,
    C.API_KEYS_ACTIVE,
    C.ACTIVE_AUTOMATION,
)
def active_trader(uid: str, now: datetime) -> r.Record:
    return person(
        uid,
        "Ben Carter",
        now,
        place="US",
        years=4,
        balances=[
            r.balance("BTC", "0.8", frozen="0.1", account_type="trading"),
            r.balance("ETH", "4.2", account_type="trading"),
            r.balance("USDT", "12500", frozen="2500", account_type="trading"),
            r.balance("USD", "300", account_type="fiat"),
        ],
        orders=[
            r.order("AT-O1", "BTC/USDT", "filled", now - 3 * D),
            r.order("AT-O2", "BTC/USDT", "open", now - 5 * H, quantity="0.1", price="84000"),
            r.order("AT-O3", "ETH/USDT", "cancelled", now - 2 * D, price="2900"),
            r.order(
                "AT-O4",
                "BTC/USDT",
                "trigger_pending",
                now - D,
                side="sell",
                kind="oco",
                price="99000",
            ),
        ],
        api_keys=[r.api_key("AT-K1", "market maker bot", now - 500 * D)],
        automations=[r.automation("AT-A1", "recurring_buy", "active", now - 365 * D)],
    )


@demo(
    "DEMO-MARGIN-TRADER",
    N_("Margin trader: collateral in the margin account, a leveraged position and a borrow."),
    C.ASSETS_REMAINING,
    C.OPEN_POSITIONS,
    C.OUTSTANDING_LOANS,
)
def margin_trader(uid: str, now: datetime) -> r.Record:
    return person(
        uid,
        "Kai Neumann",
        now,
        balances=[r.balance("USDT", "4000", frozen="1000", account_type="margin")],
        positions=[r.position("MT-P1", "margin", "ETH/USDT", "3.5", now - 6 * D)],
        loans=[r.loan("MT-L1", "margin_borrow", "USDT", "7000", now - 6 * D)],
    )


@demo(
    "DEMO-STUCK",
    N_("Stuck customer: dust left over, a deposit still confirming, and a new phone yesterday."),
    C.DUST_REMAINING,
    C.DEPOSIT_PENDING,
    C.SECURITY_COOLDOWN,
)
def stuck(uid: str, now: datetime) -> r.Record:
    return person(
        uid,
        "Sarah Lange",
        now,
        balances=[r.balance("XRP", "4.1"), r.balance("SHIB", "90000", account_type="trading")],
        transfers=[
            r.transfer(
                "ST-T1",
                "deposit",
                "BTC",
                "0.00005",
                "confirming",
                now - 3 * H,
                network="BTC",
                expected_completion_at=now + H,
            )
        ],
        security_events=[r.security_event("phone", now - D)],
    )


@demo(
    "DEMO-RISK-AML",
    N_("Locked by risk control and under an AML investigation at the same time."),
    C.RISK_LOCK,
    C.COMPLIANCE_REVIEW,
)
def risk_and_aml(uid: str, now: datetime) -> r.Record:
    return person(
        uid,
        "Viktor Petrov",
        now,
        years=0.8,
        holds=[
            r.hold(
                "RA-H1",
                "risk_lock",
                "Large withdrawals to a newly added address",
                now - 4 * D,
                placed_by="risk-engine",
            ),
            r.hold(
                "RA-H2",
                "aml_investigation",
                "Funds traced to a sanctioned mixer",
                now - 3 * D,
                placed_by="mlro",
            ),
        ],
    )


@demo(
    "DEMO-LEAVING",
    N_("Moving funds out: USD 25,000 withdrawn this month and a last withdrawal in flight."),
    C.WITHDRAWAL_PENDING,
    C.WITHDRAWAL_REVIEW,
)
def leaving(uid: str, now: datetime) -> r.Record:
    return person(
        uid,
        "Grace Wilson",
        now,
        place="US",
        transfers=[
            r.transfer("LV-T1", "withdrawal", "USDT", "20000", "completed", now - 8 * D),
            r.transfer(
                "LV-T2",
                "withdrawal",
                "USDT",
                "5000",
                "pending",
                now - H,
                expected_completion_at=now + 2 * H,
            ),
        ],
    )
