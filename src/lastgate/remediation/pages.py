"""The customer's pages for the small balances left: a sweep's quote, shown by its id (the
quote form in ``closure.pages.customer`` answers with its address), and giving them up:
every one named and valued, the consent asked in words, and nothing converted or given up
until the customer confirms."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Form
from fastapi.responses import Response

from lastgate.closure.service.closed import open_account
from lastgate.closure.service.workflow import Workflow
from lastgate.eligibility.model import dust_line
from lastgate.eligibility.model.checks.small_balances import UNPRICED
from lastgate.eligibility.model.checks.transfers import LANDS_AS
from lastgate.eligibility.model.report import CheckCode, Evidence
from lastgate.eligibility.service import Eligibility
from lastgate.kernel.errors import InvalidInput
from lastgate.kernel.messages import N_
from lastgate.kernel.money import to_wire
from lastgate.platform.web.pages import CustomerPage, Page, PageRoute, see_other
from lastgate.remediation import service as remediation
from lastgate.remediation.model import GIVE_UP, SWEEP_LEAVES_DUST, ForfeitLine, ForfeitOffer

router = APIRouter(prefix="/web", route_class=PageRoute, include_in_schema=False)
#: A balance as the form carries it: what the customer read, and consents to give up.
SEPARATOR = "|"
MAX_BALANCES = 500


def balance_field(line: ForfeitLine) -> str:
    return SEPARATOR.join((line.account_type, line.asset, to_wire(line.amount)))


def _row(line: ForfeitLine) -> dict[str, str | None]:
    value = None if line.value_usd is None else to_wire(line.value_usd)
    return {
        "account_type": line.account_type,
        "asset": line.asset,
        "amount": to_wire(line.amount),
        "value_usd": value,
        "field": balance_field(line),
    }


def _named(fields: list[str]) -> list[tuple[str, str, Decimal]]:
    named = []
    if len(fields) > MAX_BALANCES:
        raise InvalidInput(f"at most {MAX_BALANCES} balances at once")
    for field in fields:
        parts = field.split(SEPARATOR)
        try:
            if len(parts) != 3:
                raise InvalidOperation
            named.append((parts[0], parts[1], Decimal(parts[2])))
        except InvalidOperation:
            raise InvalidInput(
                "the list of balances is damaged; open the page again",
                details=[{"path": "balance", "reason": field[:100]}],
            ) from None
    return named


def arriving_small(page: Page, uid: str) -> list[Evidence]:
    """The deposits on their way that are small balances once they land: the deposit
    check's own verdict (its evidence), settled here once they arrive."""
    report = page.service(Eligibility).customer_report(page.me, uid)
    pending = report.result(CheckCode.DEPOSIT_PENDING).evidence
    return [e for e in pending if e.get(LANDS_AS) == dust_line.Side.DUST.value]


#: The page's heading when nothing can be given up on it (none left, or over the limit).
SMALL_BALANCES = N_("Small balances")


def heading(offer: ForfeitOffer) -> tuple[str, str] | str:
    """What the page is for, true of what it lists: the card's own button, a plural pair
    counted by the balances ("Give up this balance" / "these balances", whatever they are),
    while they can be given up here; otherwise only what it is about."""
    return GIVE_UP if offer.lines and offer.within_limit else SMALL_BALANCES


@router.get("/me/dust-sweep/{quote_id:uuid}")
def sweep_quote(page: CustomerPage, quote_id: UUID) -> Response:
    """The quote the sweep's form asked for (it answers with this address): the same
    quote on a reload, Back or Forward, never a new one, and the button that executes it;
    nothing moves until the customer confirms. Only the customer's own: another's is not
    found. An expired one says so and offers a new quote (``QUOTE_EXPIRED``); once
    executed, the self-check says what it converted, read from the executed quote."""
    wf, uid = page.service(Workflow), page.me.subject
    try:
        quote = remediation.quote_to_confirm(wf, page.me, uid, str(quote_id))
    except remediation.QuoteAlreadyUsed:
        return see_other(f"/web/me?done=swept&quote={quote_id}")
    # Giving them up instead is offered here too, when the policy allows it now.
    return page.render(
        "customer/sweep.html", quote=quote, plan=remediation.dust_plan(wf, page.me, uid)
    )


@router.get("/me/dust-forfeit")
def forfeit_page(page: CustomerPage) -> Response:
    """Every small balance, valued now, the policy's limit, and the consent form (when
    giving them up is allowed); the sweep is offered first when it converts something."""
    wf, uid = page.service(Workflow), page.me.subject
    open_account(wf, page.me, uid)  # closed: the closed account's page, as on every page
    plan = remediation.dust_plan(wf, page.me, uid)
    offer = plan.forfeit
    arriving = arriving_small(page, uid)
    return page.render(
        "customer/forfeit.html",
        heading=heading(offer),
        offer=offer,
        plan=plan,
        rows=[_row(line) for line in offer.lines],
        total_usd=to_wire(offer.total_usd),
        limit_usd=to_wire(offer.limit_usd),
        arriving=[e for e in arriving if e.get("value_usd") != UNPRICED],
        arriving_unpriced=[e for e in arriving if e.get("value_usd") == UNPRICED],
        sweep_leaves_dust=SWEEP_LEAVES_DUST,  # the card's own words, when it is not offered
    )


@router.post("/me/dust-forfeit")
def forfeit(
    page: CustomerPage,
    balance: Annotated[list[str], Form()],
    consent: Annotated[bool, Form()] = False,
) -> Response:
    """Give up exactly the balances the page listed, with the consent ticked, or refuse."""
    done = remediation.forfeit_dust(
        page.service(Workflow), page.me, page.me.subject, _named(balance), consent=consent
    )
    return see_other(f"/web/me?done={forfeited(len(done.offer.lines))}")


def forfeited(count: int) -> str:
    """The self-check's note after a forfeit (``platform.web.done``), in the number given up."""
    return "forfeited_one" if count == 1 else "forfeited"
