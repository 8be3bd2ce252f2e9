"""Where each blocker's card leads: never nowhere, the right ticket topic, a date when time
resolves it, and a confidential hold only where any ordinary support case leads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from lastgate.closure.pages.ways_forward import (
    ARRIVES_BY,
    COOLDOWN_ENDS,
    FORFEIT_INSTEAD,
    FORFEIT_OVER_LIMIT,
    OVERDUE,
    RESOLVES_BY,
    SWEEP_AGAIN_FROM,
    SWEEP_LEAVES_DUST,
    Way,
    WayKind,
    ways_forward,
)
from lastgate.desk.model.tickets import TicketCategory, topic_for
from lastgate.eligibility.model import dust_line
from lastgate.eligibility.model.checks import evaluate
from lastgate.eligibility.model.on_the_exchange import STEPS as DONE_THERE
from lastgate.eligibility.model.report import (
    SUPPORT_ONLY_CODES,
    Action,
    CheckCode,
    CheckStatus,
    CustomerCheck,
    Remediation,
    Resolver,
    customer_view,
)
from lastgate.kernel.messages import Message
from lastgate.kernel.policy import ExchangePages
from lastgate.remediation.model import DustPlan, ForfeitLine, ForfeitOffer, SweepResult
from tests.account_states import CLEAN, POLICY

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
CUSTOMER_CODES = [c for c in CheckCode if c not in SUPPORT_ONLY_CODES]


def blocking(code: CheckCode, action: Action, resolves_at: datetime | None = None):
    return CustomerCheck(
        code=code,
        status=CheckStatus.BLOCK,
        resolver=Resolver.USER,
        message=Message("blocked"),
        remediation=Remediation(action, Message("fix it"), resolves_at),
    )


def result(usd: str) -> SweepResult:
    """What a sweep leaves: ``usd`` USDT at 1 USD, judged by the dust line of 10 USD."""
    side = dust_line.side(Decimal(usd), Decimal("10"))
    return SweepResult("USDT", Decimal(usd), Decimal(usd), Decimal("10"), side)


def plan(
    *, sweep=False, convertible=False, frozen=False, total="1", next_at=None, leaves="20"
) -> DustPlan:
    line = ForfeitLine("funding", "USDT", Decimal(total), Decimal(total))
    offer = ForfeitOffer("U1", (line,), Decimal(total), Decimal("10"))
    return DustPlan(
        convertible=convertible or sweep,
        sweep=sweep,
        next_sweep_at=next_at,
        frozen=frozen,
        forfeit=offer,
        result=result(leaves),
    )


def kinds(ways: tuple[Way, ...]) -> list[WayKind]:
    return [way.kind for way in ways]


@pytest.mark.parametrize("code", CUSTOMER_CODES)
@pytest.mark.parametrize("action", list(Action))
def test_no_blocking_card_leads_nowhere(code: CheckCode, action: Action) -> None:
    for resolves_at in (None, NOW - timedelta(hours=1), NOW + timedelta(days=2)):
        ways = ways_forward(blocking(code, action, resolves_at), now=NOW, dust=plan())
        assert ways, f"{code} with {action} leads nowhere"
        assert any(w.kind is not WayKind.NOTE for w in ways), f"{code}: only a note"
        leads = [w for w in ways if w.kind not in (WayKind.WAIT, WayKind.NOTE)]
        assert all(w.href.startswith("/web/") for w in leads)
        assert all(w.at is not None and w.at > NOW for w in ways if w.kind is WayKind.WAIT)


def test_the_cards_of_a_clean_account_offer_nothing() -> None:
    report = customer_view(evaluate(CLEAN, POLICY, NOW))
    assert all(ways_forward(c, now=NOW, dust=None) == () for c in report.checks)


@pytest.mark.parametrize(
    ("code", "topic"),
    [
        (CheckCode.RISK_LOCK, TicketCategory.ACCOUNT_LOCKED),
        (CheckCode.KYC_INCOMPLETE, TicketCategory.IDENTITY),
        (CheckCode.DISPUTE_OPEN, TicketCategory.DISPUTE),
        (CheckCode.LEGAL_HOLD, TicketCategory.CLOSURE_BLOCKED),
        (CheckCode.ASSETS_REMAINING, TicketCategory.CLOSURE_BLOCKED),
        (CheckCode.SUPPORT_REQUIRED, TicketCategory.CLOSURE_BLOCKED),
    ],
)
def test_a_person_resolves_it_through_a_ticket_with_the_right_topic(code, topic) -> None:
    [way] = ways_forward(blocking(code, Action.CONTACT_SUPPORT), now=NOW, dust=None)
    assert way.kind is WayKind.TICKET
    assert way.href == f"/web/tickets?category={topic.value}#new"


def test_the_confidential_stand_in_leads_where_ordinary_support_cases_lead() -> None:
    hidden = ways_forward(
        blocking(CheckCode.SUPPORT_REQUIRED, Action.CONTACT_SUPPORT), now=NOW, dust=None
    )
    legal = ways_forward(blocking(CheckCode.LEGAL_HOLD, Action.NONE), now=NOW, dust=None)
    assert hidden == legal
    for folded in (CheckCode.COMPLIANCE_REVIEW, CheckCode.KYC_DISPUTED):
        with pytest.raises(ValueError, match="support-only"):
            topic_for(folded)


def test_time_alone_ends_a_cooldown_on_its_date_and_no_person_is_offered_to_lift_it() -> None:
    """No one can lift a cooldown early: the card gives its end, and, should the change not
    be the customer's, how to secure the account: the freeze that needs no authenticator,
    and the security team (not a credential recovery, which asks for an ID)."""
    ends = NOW + timedelta(days=5)
    ways = ways_forward(
        blocking(CheckCode.SECURITY_COOLDOWN, Action.WAIT, ends), now=NOW, dust=None
    )
    assert [(w.kind, w.href, w.at) for w in ways] == [
        (WayKind.WAIT, "", ends),
        (WayKind.PAGE, "/web/me/secure", None),
        (WayKind.TICKET, "/web/tickets?category=account_takeover#new", None),
    ]
    assert ways[0].label == COOLDOWN_ENDS
    # the only ticket is the account-takeover path, never the closure_blocked one
    assert not any("closure_blocked" in w.href for w in ways)


def test_an_undated_transfer_leads_to_support() -> None:
    for code in (CheckCode.DEPOSIT_PENDING, CheckCode.WITHDRAWAL_PENDING):
        check = blocking(code, Action.WAIT, None)
        assert kinds(ways_forward(check, now=NOW, dust=None)) == [WayKind.TICKET]


@pytest.mark.parametrize("code", [CheckCode.DEPOSIT_PENDING, CheckCode.WITHDRAWAL_PENDING])
def test_an_overdue_transfer_says_it_is_late_and_leads_to_support(code) -> None:
    for expected in (NOW, NOW - timedelta(minutes=1), NOW - timedelta(days=3)):
        late, ticket = ways_forward(blocking(code, Action.WAIT, expected), now=NOW, dust=None)
        assert (late.kind, late.label, late.at) == (WayKind.NOTE, OVERDUE, expected)
        assert ticket.kind is WayKind.TICKET


def test_a_locked_product_can_be_waited_for_or_asked_about() -> None:
    matures = NOW + timedelta(days=45)
    check = blocking(CheckCode.ACTIVE_EARN, Action.REDEEM_EARN, matures)
    assert kinds(ways_forward(check, now=NOW, dust=None)) == [
        WayKind.NOTE,  # redeemed on the exchange, not here
        WayKind.WAIT,
        WayKind.TICKET,
    ]


#: The steps taken on the exchange itself, each with the check whose card names it.
ON_THE_EXCHANGE = [
    (CheckCode.ASSETS_REMAINING, Action.WITHDRAW, "withdrawal_url"),
    (CheckCode.OPEN_POSITIONS, Action.CLOSE_POSITIONS, "positions_url"),
    (CheckCode.OUTSTANDING_LOANS, Action.REPAY_LOANS, "loans_url"),
    (CheckCode.ACTIVE_EARN, Action.REDEEM_EARN, "earn_url"),
    (CheckCode.P2P_ORDER_OPEN, Action.SETTLE_P2P, "p2p_url"),
    (CheckCode.SUB_ACCOUNTS_OPEN, Action.CLOSE_SUB_ACCOUNTS, "sub_accounts_url"),
    (CheckCode.KYC_INCOMPLETE, Action.COMPLETE_KYC, "identity_verification_url"),
]


@pytest.mark.parametrize(("code", "action", "page"), ON_THE_EXCHANGE)
def test_a_step_done_on_the_exchange_says_so_then_offers_support(code, action, page) -> None:
    """Not a bare "write to support": the card says where the step is done (lastgate has
    no page for it), and support besides."""
    note, ticket = ways_forward(blocking(code, action), now=NOW, dust=None)
    assert (note.kind, note.label) == (WayKind.NOTE, DONE_THERE[action].note)
    assert "exchange's own app or website" in note.label
    assert ticket.kind is WayKind.TICKET and topic_for(code).value in ticket.href


@pytest.mark.parametrize(("code", "action", "page"), ON_THE_EXCHANGE)
def test_a_step_done_on_the_exchange_links_to_the_page_the_policy_names(code, action, page):
    address = f"https://exchange.example/{page}"
    pages = ExchangePages.model_validate({page: address})
    there, ticket = ways_forward(blocking(code, action), now=NOW, dust=None, exchange=pages)
    assert (there.kind, there.label, there.href) == (
        WayKind.ELSEWHERE,
        DONE_THERE[action].button,
        address,
    )
    assert ticket.kind is WayKind.TICKET
    others = ExchangePages.model_validate(
        {f: "https://exchange.example/other" for f in ExchangePages.model_fields if f != page}
    )
    assert (
        ways_forward(blocking(code, action), now=NOW, dust=None, exchange=others)[0].kind
        is WayKind.NOTE
    )  # another step's page is never this one's


@pytest.mark.parametrize(
    "action", [Action.CANCEL_ORDERS, Action.REVOKE_API_KEYS, Action.STOP_AUTOMATIONS]
)
def test_a_one_step_fix_asks_for_confirmation_first(action: Action) -> None:
    [way] = ways_forward(blocking(CheckCode.OPEN_ORDERS, action), now=NOW, dust=None)
    assert (way.kind, way.href) == (WayKind.CONFIRM, f"/web/me/fix/{action.value}")


DUST = blocking(CheckCode.DUST_REMAINING, Action.SWEEP_DUST)


def test_dust_is_swept_first_and_giving_it_up_instead_is_offered_from_the_start() -> None:
    ways = ways_forward(DUST, now=NOW, dust=plan(sweep=True))
    assert [(w.kind, w.href) for w in ways] == [
        (WayKind.FIX, "/web/me/dust-sweep"),
        (WayKind.PAGE, "/web/me/dust-forfeit"),
    ]
    assert (ways[1].label, ways[1].plural) == FORFEIT_INSTEAD


def test_dust_worth_more_than_may_be_given_up_is_only_swept_and_the_card_says_why() -> None:
    """The card's text names giving up as a way; over the limit, a note says why it is not
    offered, with the offer (its total and the limit) for the page to show."""
    sweep, note = ways_forward(DUST, now=NOW, dust=plan(sweep=True, total="10.01"))
    assert (sweep.kind, sweep.href) == (WayKind.FIX, "/web/me/dust-sweep")
    assert (note.kind, note.label) == (WayKind.NOTE, FORFEIT_OVER_LIMIT)
    assert note.forfeit is not None and note.forfeit.total_usd == Decimal("10.01")


def test_what_the_sweep_cannot_convert_is_offered_to_give_up() -> None:
    [way] = ways_forward(DUST, now=NOW, dust=plan())
    assert (way.kind, way.href) == (WayKind.PAGE, "/web/me/dust-forfeit")


def test_dust_a_sweep_could_convert_tomorrow_can_be_given_up_now_or_waited_for() -> None:
    tomorrow = NOW + timedelta(hours=24)
    ways = ways_forward(DUST, now=NOW, dust=plan(convertible=True, next_at=tomorrow))
    assert kinds(ways) == [WayKind.PAGE, WayKind.WAIT] and ways[1].at == tomorrow


def test_a_sweep_whose_result_is_still_dust_is_not_offered_and_the_card_says_why() -> None:
    """Converting 1.55 USD of dust leaves 1.519 USDT: the fee paid and still blocked. The
    card offers no sweep; it says what would be left, and leads to giving them up."""
    ways = ways_forward(DUST, now=NOW, dust=plan(convertible=True, leaves="1.519"))
    assert [(w.kind, w.href) for w in ways] == [
        (WayKind.NOTE, ""),
        (WayKind.PAGE, "/web/me/dust-forfeit"),
    ]
    assert ways[0].label == SWEEP_LEAVES_DUST and ways[0].result == result("1.519")


def test_a_sweep_leaving_exactly_the_line_is_not_offered_either() -> None:
    ways = ways_forward(DUST, now=NOW, dust=plan(convertible=True, leaves="10"))
    assert WayKind.FIX not in kinds(ways) and kinds(ways)[0] is WayKind.NOTE


def test_no_date_is_given_for_a_sweep_that_would_leave_dust() -> None:
    tomorrow = NOW + timedelta(hours=24)
    ways = ways_forward(DUST, now=NOW, dust=plan(convertible=True, next_at=tomorrow, leaves="3"))
    assert kinds(ways) == [WayKind.NOTE, WayKind.PAGE]
    assert SWEEP_AGAIN_FROM not in [w.label for w in ways]


def test_a_sweep_leaving_dust_over_the_forfeit_limit_leads_to_support_after_the_note() -> None:
    ways = ways_forward(DUST, now=NOW, dust=plan(convertible=True, total="10.1", leaves="9.9"))
    assert kinds(ways) == [WayKind.NOTE, WayKind.NOTE, WayKind.TICKET]
    assert [w.label for w in ways[:2]] == [SWEEP_LEAVES_DUST, FORFEIT_OVER_LIMIT]


def test_dust_worth_more_than_may_be_given_up_leads_to_support() -> None:
    note, way = ways_forward(DUST, now=NOW, dust=plan(total="10.01"))
    assert (note.kind, note.label) == (WayKind.NOTE, FORFEIT_OVER_LIMIT)
    assert way.kind is WayKind.TICKET and "closure_blocked" in way.href


def test_a_frozen_account_is_sent_to_unfreeze_first() -> None:
    [way] = ways_forward(DUST, now=NOW, dust=plan(frozen=True))
    assert (way.kind, way.href) == (WayKind.PAGE, "/web/me/settings")


def test_a_review_asks_nothing_of_the_customer() -> None:
    review = CustomerCheck(
        code=CheckCode.WITHDRAWAL_REVIEW,
        status=CheckStatus.REVIEW,
        resolver=Resolver.SUPPORT,
        message=Message("reviewed"),
        remediation=Remediation(Action.NONE, Message("")),
    )
    assert ways_forward(review, now=NOW, dust=None) == ()


def deposit(**evidence: str) -> CustomerCheck:
    return CustomerCheck(
        code=CheckCode.DEPOSIT_PENDING,
        status=CheckStatus.BLOCK,
        resolver=Resolver.USER,
        message=Message("blocked"),
        remediation=Remediation(Action.WAIT, Message("wait"), NOW + timedelta(hours=1)),
        evidence=({"id": "T1", "asset": "ETH", "amount": "0.001", **evidence},),
    )


def test_a_deposit_that_lands_as_dust_offers_no_button_only_when_settling_is_possible() -> None:
    """Nothing can be settled before it lands: the card gives the date it is expected by,
    and that settling it as a small balance is possible then; no link to a fix."""
    [way] = ways_forward(deposit(lands_as="dust"), now=NOW, dust=None)
    assert (way.kind, way.href, way.label) == (WayKind.WAIT, "", ARRIVES_BY)
    assert way.at == NOW + timedelta(hours=1)


def test_a_deposit_that_lands_as_an_asset_is_only_waited_for() -> None:
    [way] = ways_forward(deposit(lands_as="asset"), now=NOW, dust=None)
    assert (way.kind, way.label) == (WayKind.WAIT, RESOLVES_BY)
