"""The one-step fixes over HTTP: dust sweep (quote, then execute), the forfeit of the small
balances left (offer, then consent), revoke every API key, cancel every open order, stop
every automation. Amounts are decimal strings."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Path, status
from pydantic import BaseModel, ConfigDict, Field

from lastgate.closure.service.workflow import Workflow
from lastgate.kernel.money import to_wire
from lastgate.platform.http.deps import Context, CurrentPrincipal
from lastgate.platform.http.errors import ErrorOut
from lastgate.remediation import service as remediation
from lastgate.remediation.model import DustQuote, ForfeitOffer

router = APIRouter(prefix="/v1", tags=["remediation"])

Uid = Annotated[str, Path(pattern=r"^[A-Za-z0-9_.:-]{1,64}$")]
_ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorOut} for code in (401, 403, 404, 409, 422)
}


class SweepIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    quote_id: str = Field(min_length=36, max_length=36)
    forfeit_consent: bool = Field(
        default=False,
        description="Consent to give up the quote's assets that cannot be sold (forfeits).",
    )


class QuoteLineOut(BaseModel):
    account_type: str
    asset: str
    amount: str
    price_usd: str | None = Field(description="None: no tradeable price; forfeited.")
    value_usd: str
    forfeit: bool


class KeptOut(BaseModel):
    """A small balance the sweep cannot sell: left in the account, to give up on its own."""

    account_type: str
    asset: str
    amount: str


class LeavesOut(BaseModel):
    """The target asset's funding balance once the sweep is done: above the dust line."""

    asset: str
    amount: str
    value_usd: str


class QuoteOut(BaseModel):
    """A dust-sweep quote: what it takes, at which prices, and the net credit."""

    id: str
    uid: str
    created_at: datetime
    expires_at: datetime
    target_asset: str
    target_price_usd: str
    fee_percent: str
    lines: list[QuoteLineOut]
    gross: str = Field(description="Total in the target asset before the fee.")
    fee: str
    net: str = Field(description="Credited to the funding account.")
    needs_forfeit_consent: bool
    kept: list[KeptOut] = Field(
        default=[], description="Dust it cannot sell, not given up: see dust-forfeit. At quoting."
    )
    leaves: LeavesOut | None = Field(
        default=None,
        description="What the funding account then holds of the target, at quoting; a sweep "
        "that would leave dust is refused (SWEEP_RESULT_DUST).",
    )


class SweepOut(BaseModel):
    quote: QuoteOut
    executed_at: datetime
    forfeit_consent_by: str | None


class ForfeitBalance(BaseModel):
    """One small balance, named exactly as the offer lists it."""

    model_config = ConfigDict(extra="forbid")

    account_type: str = Field(min_length=1, max_length=16)
    asset: str = Field(min_length=1, max_length=32)
    amount: Decimal = Field(gt=0, max_digits=38, decimal_places=18)


class ForfeitIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    balances: list[ForfeitBalance] = Field(
        min_length=1, max_length=500, description="Every balance of the offer, as listed."
    )
    consent: bool = Field(
        default=False, description="The customer's explicit consent to give them up for good."
    )


class ForfeitLineOut(BaseModel):
    account_type: str
    asset: str
    amount: str
    value_usd: str | None = Field(description="None: the asset has no market price.")


class ForfeitOfferOut(BaseModel):
    """Every small balance, valued now, and whether they may be given up."""

    uid: str
    balances: list[ForfeitLineOut]
    total_usd: str = Field(description="Sum of the priced values; unpriced balances count 0.")
    limit_usd: str = Field(description="The most the policy lets a customer give up.")
    allowed: bool = Field(description="Something to give up, within the limit.")


class ForfeitOut(BaseModel):
    id: str
    offer: ForfeitOfferOut
    forfeited_at: datetime
    consent_by: str


class FixOut(BaseModel):
    """What a one-step fix changed; ``affected`` is 0 when nothing was left to do."""

    action: str
    affected: int
    refs: list[str]


def _quote_out(quote: DustQuote) -> QuoteOut:
    return QuoteOut(
        id=quote.id,
        uid=quote.uid,
        created_at=quote.created_at,
        expires_at=quote.expires_at,
        target_asset=quote.target_asset,
        target_price_usd=to_wire(quote.target_price_usd),
        fee_percent=to_wire(quote.fee_percent),
        lines=[
            QuoteLineOut(
                account_type=x.account_type,
                asset=x.asset,
                amount=to_wire(x.amount),
                price_usd=None if x.price_usd is None else to_wire(x.price_usd),
                value_usd=to_wire(x.value_usd),
                forfeit=x.forfeit,
            )
            for x in quote.lines
        ],
        gross=to_wire(quote.gross),
        fee=to_wire(quote.fee),
        net=to_wire(quote.net),
        needs_forfeit_consent=bool(quote.forfeits),
        kept=[
            KeptOut(account_type=h.account_type, asset=h.asset, amount=to_wire(h.amount))
            for h in quote.kept
        ],
        leaves=None
        if quote.result is None
        else LeavesOut(
            asset=quote.result.asset,
            amount=to_wire(quote.result.amount),
            value_usd=to_wire(quote.result.value_usd),
        ),
    )


def _offer_out(offer: ForfeitOffer) -> ForfeitOfferOut:
    return ForfeitOfferOut(
        uid=offer.uid,
        balances=[
            ForfeitLineOut(
                account_type=x.account_type,
                asset=x.asset,
                amount=to_wire(x.amount),
                value_usd=None if x.value_usd is None else to_wire(x.value_usd),
            )
            for x in offer.lines
        ],
        total_usd=to_wire(offer.total_usd),
        limit_usd=to_wire(offer.limit_usd),
        allowed=offer.allowed,
    )


def _fix_out(done: remediation.FixDone) -> FixOut:
    return FixOut(action=done.action, affected=done.affected, refs=list(done.refs))


@router.post(
    "/accounts/{uid}/dust-sweep/quote", status_code=status.HTTP_201_CREATED, responses=_ERRORS
)
def quote_dust_sweep(uid: Uid, context: Context, principal: CurrentPrincipal) -> QuoteOut:
    """Quote converting every small balance into the policy's target asset, net of the fee.
    409 SWEEP_TOO_FREQUENT, NOTHING_TO_SWEEP or ACCOUNT_FROZEN when it cannot run."""
    return _quote_out(remediation.quote_dust_sweep(context.service(Workflow), principal, uid))


@router.post("/accounts/{uid}/dust-sweep", responses=_ERRORS)
def execute_dust_sweep(
    uid: Uid, body: SweepIn, context: Context, principal: CurrentPrincipal
) -> SweepOut:
    """Execute a quote exactly, or refuse it and change nothing: 409 QUOTE_EXPIRED,
    PRICE_MOVED, SWEEP_TOO_FREQUENT, QUOTE_ALREADY_USED, BALANCES_CHANGED; 422
    FORFEIT_CONSENT_REQUIRED."""
    done = remediation.execute_dust_sweep(
        context.service(Workflow),
        principal,
        uid,
        body.quote_id,
        forfeit_consent=body.forfeit_consent,
    )
    return SweepOut(
        quote=_quote_out(done.quote),
        executed_at=done.executed_at,
        forfeit_consent_by=done.consent_by,
    )


@router.get("/accounts/{uid}/dust-forfeit", responses=_ERRORS)
def dust_forfeit_offer(uid: Uid, context: Context, principal: CurrentPrincipal) -> ForfeitOfferOut:
    """Every small balance left, valued now, and whether policy lets them be given up."""
    return _offer_out(remediation.dust_forfeit_offer(context.service(Workflow), principal, uid))


@router.post("/accounts/{uid}/dust-forfeit", responses=_ERRORS)
def forfeit_dust(
    uid: Uid, body: ForfeitIn, context: Context, principal: CurrentPrincipal
) -> ForfeitOut:
    """Give up every small balance the offer lists, with the customer's consent, or refuse
    and change nothing: 422 FORFEIT_CONSENT_REQUIRED; 409 BALANCES_CHANGED (the list is not
    the account's any more), FORFEIT_OVER_LIMIT, NOTHING_TO_FORFEIT, ACCOUNT_FROZEN."""
    done = remediation.forfeit_dust(
        context.service(Workflow),
        principal,
        uid,
        [(b.account_type, b.asset, b.amount) for b in body.balances],
        consent=body.consent,
    )
    return ForfeitOut(
        id=done.id,
        offer=_offer_out(done.offer),
        forfeited_at=done.at,
        consent_by=done.consent_by,
    )


@router.post("/accounts/{uid}/api-keys/revoke-all", responses=_ERRORS)
def revoke_all_api_keys(uid: Uid, context: Context, principal: CurrentPrincipal) -> FixOut:
    """Revoke every active API key and third-party authorisation."""
    return _fix_out(remediation.revoke_all_api_keys(context.service(Workflow), principal, uid))


@router.post("/accounts/{uid}/orders/cancel-all", responses=_ERRORS)
def cancel_all_orders(uid: Uid, context: Context, principal: CurrentPrincipal) -> FixOut:
    """Cancel every open, partly filled or pending conditional order."""
    return _fix_out(remediation.cancel_all_orders(context.service(Workflow), principal, uid))


@router.post("/accounts/{uid}/automations/stop-all", responses=_ERRORS)
def stop_all_automations(uid: Uid, context: Context, principal: CurrentPrincipal) -> FixOut:
    """Stop every recurring buy, trading bot and copy-trading plan."""
    return _fix_out(remediation.stop_all_automations(context.service(Workflow), principal, uid))
