"""Demo customers each blocked (or sent to review) by exactly one check.

Together they cover every check code, so the demo and its test show each one alone.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from lastgate.demo import records as r
from lastgate.demo.catalogue import demo, person
from lastgate.eligibility.model.report import CheckCode as C
from lastgate.kernel.messages import N_

D = timedelta(days=1)
H = timedelta(hours=1)


@demo("DEMO-ASSETS", N_("Holds 0.25 BTC (part frozen) and EUR 800 in fiat."), C.ASSETS_REMAINING)
def assets(uid: str, now: datetime) -> r.Record:
    return person(
        uid,
        "Jonas Weber",
        now,
        balances=[r.balance("BTC", "0.2", frozen="0.05"), r.balance("EUR", "800", "0", "fiat")],
    )


@demo(
    "DEMO-DUST",
    N_("Small leftovers: SHIB and DOGE worth cents, and a delisted token with no price."),
    C.DUST_REMAINING,
)
def dust(uid: str, now: datetime) -> r.Record:
    return person(
        uid,
        "Marie Dubois",
        now,
        place="FR",
        balances=[
            r.balance("SHIB", "120000"),
            r.balance("DOGE", "3.5", account_type="trading"),
            r.balance("LUNC", "15000"),
        ],
    )


@demo(
    "DEMO-DUST-CONVERT",
    N_(
        "Small balances worth 12 USD together (SHIB and DOGE): converted into USDT, then "
        "withdrawn; a delisted token with no price is decided about on its own."
    ),
    C.DUST_REMAINING,
)
def dust_convert(uid: str, now: datetime) -> r.Record:
    return person(
        uid,
        "Lina Vogel",
        now,
        balances=[
            r.balance("SHIB", "800000"),
            r.balance("DOGE", "40", account_type="trading"),
            r.balance("LUNC", "15000"),
        ],
    )


@demo("DEMO-DEPOSIT-PENDING", N_("An ETH deposit is still confirming on chain."), C.DEPOSIT_PENDING)
def deposit_pending(uid: str, now: datetime) -> r.Record:
    return person(
        uid,
        "Noah Becker",
        now,
        transfers=[
            r.transfer(
                "DP-T1",
                "deposit",
                "ETH",
                "0.75",
                "confirming",
                now - 0.2 * H,
                expected_completion_at=now + 0.3 * H,
            )
        ],
    )


@demo(
    "DEMO-DUST-DEPOSIT",
    N_("Only a small DOGE deposit, worth 3 USD, is still on its way: dust once it lands."),
    C.DEPOSIT_PENDING,
)
def dust_deposit(uid: str, now: datetime) -> r.Record:
    return person(
        uid,
        "Julia Meyer",
        now,
        transfers=[
            r.transfer(
                "DD-T1",
                "deposit",
                "DOGE",
                "30",
                "confirming",
                now - 0.1 * H,
                network="DOGE",
                expected_completion_at=now + 0.4 * H,
            )
        ],
    )


@demo(
    "DEMO-WITHDRAWAL-PENDING",
    N_("A USDT withdrawal of 500 is still processing."),
    C.WITHDRAWAL_PENDING,
)
def withdrawal_pending(uid: str, now: datetime) -> r.Record:
    return person(
        uid,
        "Emma Fischer",
        now,
        transfers=[
            r.transfer(
                "WP-T1",
                "withdrawal",
                "USDT",
                "500",
                "processing",
                now - 2 * H,
                network="TRC20",
                expected_completion_at=now + H,
            )
        ],
    )


@demo(
    "DEMO-OPEN-ORDERS",
    N_("A resting limit order and a stop-loss waiting to trigger, among filled history."),
    C.OPEN_ORDERS,
)
def open_orders(uid: str, now: datetime) -> r.Record:
    return person(
        uid,
        "Camille Laurent",
        now,
        place="FR",
        orders=[
            r.order("OO-O1", "BTC/USDT", "filled", now - 60 * D),
            r.order("OO-O2", "ETH/USDT", "partially_filled", now - 3 * D, price="2500"),
            r.order(
                "OO-O3",
                "SOL/USDT",
                "trigger_pending",
                now - D,
                side="sell",
                kind="stop",
                price="120",
            ),
        ],
    )


@demo("DEMO-POSITIONS", N_("A short BTC perpetual position is open."), C.OPEN_POSITIONS)
def positions(uid: str, now: datetime) -> r.Record:
    return person(
        uid,
        "Lukas Hoffmann",
        now,
        positions=[
            r.position("PO-P1", "perpetual", "BTCUSDT-PERP", "-0.05", now - 4 * D),
            r.position("PO-P2", "futures", "ETHUSDT-0326", "0", now - 50 * D),
        ],
    )


@demo("DEMO-LOANS", N_("A collateralised USDT loan of 1,200 is not repaid."), C.OUTSTANDING_LOANS)
def loans(uid: str, now: datetime) -> r.Record:
    return person(
        uid,
        "Elena Rossi",
        now,
        place="ES",
        loans=[
            r.loan("LO-L1", "collateralised", "USDT", "1200", now - 20 * D),
            r.loan("LO-L2", "margin_borrow", "BTC", "0", now - 90 * D),
        ],
    )


@demo("DEMO-EARN", N_("ETH locked in staking until 45 days from now."), C.ACTIVE_EARN)
def active_earn(uid: str, now: datetime) -> r.Record:
    return person(
        uid,
        "Paul Wagner",
        now,
        earn=[
            r.earn("EA-E1", "staking", "ETH", "2", "active", now + 45 * D),
            r.earn("EA-E2", "flexible", "USDT", "300", "redeemed", None),
        ],
    )


@demo(
    "DEMO-AUTOMATION",
    N_("A weekly BTC recurring buy, paused but not stopped."),
    C.ACTIVE_AUTOMATION,
)
def automation(uid: str, now: datetime) -> r.Record:
    return person(
        uid,
        "Laura Schulz",
        now,
        automations=[
            r.automation("AU-A1", "recurring_buy", "paused", now - 180 * D),
            r.automation("AU-A2", "trading_bot", "stopped", now - 300 * D),
        ],
    )


@demo(
    "DEMO-P2P", N_("A P2P sale: the buyer has paid, the seller has not released."), C.P2P_ORDER_OPEN
)
def p2p(uid: str, now: datetime) -> r.Record:
    return person(
        uid,
        "Carlos Navarro",
        now,
        place="ES",
        p2p_orders=[r.p2p_order("PP-P1", "paid", "USDT", "250", now - 3 * H)],
    )


@demo("DEMO-DISPUTE", N_("A card chargeback is open."), C.DISPUTE_OPEN)
def dispute(uid: str, now: datetime) -> r.Record:
    return person(
        uid,
        "Olivia Brown",
        now,
        place="US",
        disputes=[r.dispute("DI-D1", "chargeback", "open", now - 6 * D)],
    )


@demo(
    "DEMO-API-KEYS",
    N_("An API key without expiry and a portfolio-tracker authorisation are active."),
    C.API_KEYS_ACTIVE,
)
def api_keys(uid: str, now: datetime) -> r.Record:
    return person(
        uid,
        "Felix Schneider",
        now,
        api_keys=[
            r.api_key("AK-K1", "grid bot", now - 90 * D),
            r.api_key(
                "AK-K2", "Portfolio tracker", now - 30 * D, kind="third_party", expires_at=now + D
            ),
        ],
    )


@demo("DEMO-SUB-ACCOUNTS", N_("One of two sub-accounts is still active."), C.SUB_ACCOUNTS_OPEN)
def sub_accounts(uid: str, now: datetime) -> r.Record:
    return person(
        uid,
        "Hannah Koch",
        now,
        sub_accounts=[
            r.sub_account("DEMO-SUB-ACCOUNTS-S1", "active"),
            r.sub_account("DEMO-SUB-ACCOUNTS-S2", "closed"),
        ],
    )


@demo("DEMO-SECURITY-COOLDOWN", N_("Changed their 2FA two days ago."), C.SECURITY_COOLDOWN)
def security_cooldown(uid: str, now: datetime) -> r.Record:
    return person(
        uid, "Maximilian Braun", now, security_events=[r.security_event("2fa", now - 2 * D)]
    )


@demo("DEMO-RISK-LOCK", N_("Restricted by risk control after an abnormal login."), C.RISK_LOCK)
def risk_lock(uid: str, now: datetime) -> r.Record:
    reason = "Abnormal login from a new device and country, then a password reset attempt"
    return person(
        uid,
        "Mia Zimmermann",
        now,
        holds=[r.hold("RL-H1", "risk_lock", reason, now - 2 * D, placed_by="risk-engine")],
    )


@demo(
    "DEMO-WITHDRAWAL-REVIEW",
    N_("Withdrew 0.15 BTC (USD 13,500) this month: closure goes to a human review."),
    C.WITHDRAWAL_REVIEW,
)
def withdrawal_review(uid: str, now: datetime) -> r.Record:
    return person(
        uid,
        "Daniel Clark",
        now,
        place="US",
        transfers=[
            r.transfer("WR-T1", "withdrawal", "BTC", "0.15", "completed", now - 10 * D),
        ],
    )


@demo(
    "DEMO-KYC-INCOMPLETE",
    N_("Identity verification was started but never finished."),
    C.KYC_INCOMPLETE,
)
def kyc_incomplete(uid: str, now: datetime) -> r.Record:
    return person(uid, "Leon Richter", now, years=0.1, kyc_status="pending")


@demo("DEMO-KYC-DISPUTED", N_("Identity is in dispute: documents do not match."), C.KYC_DISPUTED)
def kyc_disputed(uid: str, now: datetime) -> r.Record:
    return person(uid, "Lea Wolf", now, kyc_status="disputed")


@demo("DEMO-LEGAL-HOLD", N_("A court-ordered freeze is in force."), C.LEGAL_HOLD)
def legal_hold(uid: str, now: datetime) -> r.Record:
    reason = "Judicial freeze order, Amtsgericht Berlin, case 12 AR 345/26"
    return person(
        uid,
        "Tim Schäfer",
        now,
        holds=[r.hold("LH-H1", "judicial_freeze", reason, now - 20 * D, placed_by="compliance")],
    )


@demo(
    "DEMO-COMPLIANCE-REVIEW",
    N_("An AML investigation is open (the customer sees only 'contact support')."),
    C.COMPLIANCE_REVIEW,
)
def compliance_review(uid: str, now: datetime) -> r.Record:
    reason = "Structuring pattern: repeated deposits just under the reporting threshold"
    return person(
        uid,
        "Nina Krüger",
        now,
        holds=[r.hold("CR-H1", "aml_investigation", reason, now - 8 * D, placed_by="mlro")],
    )
