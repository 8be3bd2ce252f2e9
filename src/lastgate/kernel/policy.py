"""The policy of one jurisdiction: every threshold and duration lastgate applies.

Policies are TOML files (see ``docs/policy.md``); this module holds only their shape and
validation, so that a bad file is refused with the path and reason of each error.
"""

from __future__ import annotations

from decimal import ROUND_UP, Context, Decimal, localcontext
from itertools import pairwise
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from lastgate.kernel.messages import N_

_HUNDRED, _CENT = Decimal(100), Decimal("0.01")
NonNegativeMoney = Annotated[Decimal, Field(ge=0, max_digits=38, decimal_places=18)]
PositiveDays = Annotated[int, Field(ge=1, le=3650, strict=True)]
Days = Annotated[int, Field(ge=0, le=3650, strict=True)]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EligibilityPolicy(_Section):
    """Numbers the eligibility checks use."""

    dust_tolerance_usd: NonNegativeMoney = Decimal("10")
    security_cooldown_days: Days = 7
    withdrawal_review_threshold_usd: NonNegativeMoney = Decimal("10000")
    withdrawal_review_window_days: PositiveDays = 30


class WorkflowPolicy(_Section):
    """Numbers of the closure workflow."""

    cooling_off_days: Days = 14
    unfreeze_delay_hours: Annotated[int, Field(ge=0, le=24 * 365, strict=True)] = 24
    high_value_usd: NonNegativeMoney = Decimal("100000")
    risk_lookback_days: Days = 90


LegalBasisText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class LegalBases(_Section):
    """What the closure certificate cites as the legal basis of each action on the data,
    in English (the signed text; the catalog translates the shipped ones). The defaults
    name no jurisdiction's law but FATF's; a jurisdiction's file cites its own."""

    aml_records: LegalBasisText = N_(
        "AML record-keeping: FATF Recommendation 11 (customer due diligence and "
        "transaction records are kept after the relationship ends)."
    )
    erasure: LegalBasisText = N_("Erased on closure: no legal obligation to keep it.")
    ledger_integrity: LegalBasisText = N_(
        "Kept without any link to the person, so that the exchange's books and "
        "counterparties' histories stay consistent."
    )
    accountability: LegalBasisText = N_(
        "Accountability: the append-only, hash-chained record of how the closure was "
        "decided and carried out, and by whom. Entries name you only by your UID, a "
        "pseudonym: as the actor of the steps you took, and as their subject. The link from "
        "the UID to you is your identity record, sealed in the vault and destroyed when "
        "retention ends; from then on the entries name no one."
    )


class RetentionPolicy(_Section):
    """How long records are kept after the relationship ends, and under which law."""

    aml_records_years: Annotated[int, Field(ge=0, le=100, strict=True)] = 5
    identifier_quarantine_days: Days = 30
    legal_basis: LegalBases = LegalBases()


LockoutMinutes = Annotated[int, Field(ge=1, le=30 * 24 * 60, strict=True)]


class VerificationPolicy(_Section):
    """Limits of step-up verification (second factor): wrong tries count per account,
    across closure requests and methods, with lockouts that grow; one-time code sends
    are limited per account and channel."""

    otp_ttl_minutes: Annotated[int, Field(ge=1, le=60, strict=True)] = 10
    otp_max_attempts: Annotated[int, Field(ge=1, le=100, strict=True)] = 5
    #: The n-th lock lasts the n-th figure; the last one repeats.
    lockout_minutes: tuple[LockoutMinutes, ...] = Field(default=(15, 60, 1440), min_length=1)
    max_consecutive_failures: Annotated[int, Field(ge=1, le=100, strict=True)] = 100
    totp_valid_window: Annotated[int, Field(ge=0, le=2, strict=True)] = 1
    code_sends_per_hour: Annotated[int, Field(ge=1, le=60, strict=True)] = 5
    code_resend_seconds: Annotated[int, Field(ge=0, le=3600, strict=True)] = 60

    @model_validator(mode="after")
    def _lockouts_grow(self) -> VerificationPolicy:
        minutes = self.lockout_minutes
        if any(later < earlier for earlier, later in pairwise(minutes)):
            raise ValueError("lockout_minutes must not get shorter from one lock to the next")
        if self.max_consecutive_failures < self.otp_max_attempts:
            raise ValueError("max_consecutive_failures must be at least otp_max_attempts")
        return self


Percent = Annotated[Decimal, Field(ge=0, le=100, decimal_places=18)]


class RemediationPolicy(_Section):
    """Terms of the one-step fixes: the dust sweep's target, fee and limits, and how much
    dust a customer may give up with their consent."""

    dust_target_asset: Annotated[str, StringConstraints(pattern=r"^[A-Z0-9.]{1,32}$")] = "USDT"
    dust_sweep_fee_percent: Percent = Decimal("2")
    max_price_move_percent: Percent = Decimal("2")
    sweep_min_interval_hours: Annotated[int, Field(ge=0, le=24 * 365, strict=True)] = 24
    quote_ttl_seconds: Annotated[int, Field(ge=1, le=3600, strict=True)] = 60
    dust_forfeit_max_usd: NonNegativeMoney = Decimal("10")


class SlaTarget(_Section):
    """Hours to the first staff response and to resolution of one ticket category."""

    first_response_hours: Annotated[int, Field(ge=1, le=24 * 90, strict=True)] = 24
    resolution_hours: Annotated[int, Field(ge=1, le=24 * 365, strict=True)] = 120


class DeskPolicy(_Section):
    """Numbers of the appeals desk: SLA targets, reopening, attachments, recovery."""

    sla: dict[str, SlaTarget] = Field(default_factory=dict)
    sla_default: SlaTarget = SlaTarget()
    reopen_window_days: Days = 14
    attachment_max_bytes: Annotated[int, Field(ge=1024, le=1024**3, strict=True)] = 25 * 1024**2
    recovery_waiting_hours: Annotated[int, Field(ge=0, le=24 * 90, strict=True)] = 72

    def sla_for(self, category: str) -> SlaTarget:
        return self.sla.get(category, self.sla_default)


class OffboardingPolicy(_Section):
    """Terms of a forced offboarding campaign (the platform leaves a market)."""

    min_notice_days: Annotated[int, Field(ge=1, le=3650, strict=True)] = 62
    reminder_days: tuple[Annotated[int, Field(ge=1, le=3650, strict=True)], ...] = (14, 7, 1)
    closure_cooling_off_days: Days = 0
    support_recheck_hours: Annotated[int, Field(ge=1, le=24 * 90, strict=True)] = 24

    @model_validator(mode="after")
    def _reminders_inside_the_notice(self) -> OffboardingPolicy:
        days = self.reminder_days
        if len(set(days)) != len(days):
            raise ValueError("reminder_days must not repeat a day")
        if any(d >= self.min_notice_days for d in days):
            raise ValueError("every reminder must fall inside the notice (< min_notice_days)")
        return self

    @property
    def reminders(self) -> tuple[int, ...]:
        """Reminder offsets in days before the deadline, earliest reminder first."""
        return tuple(sorted(self.reminder_days, reverse=True))


#: An address of the exchange's own pages (http or https), or empty.
_PageAddress = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^(https?://\S+)?$")
]


class ExchangePages(_Section):
    """Where the exchange's own pages are, for what lastgate has no page of its own: an
    address (http or https) or empty, when there is none to link to."""

    #: Where a customer finishes identity verification (the exchange's app or website);
    #: empty: the self-check and the assistant say it is done there, without a link.
    identity_verification_url: _PageAddress = ""
    #: Where the customer withdraws or transfers balances, closes futures and options
    #: positions, repays loans, redeems savings and staking, finishes P2P orders and
    #: closes sub-accounts; each empty: the card says it is done there, without a link.
    withdrawal_url: _PageAddress = ""
    positions_url: _PageAddress = ""
    loans_url: _PageAddress = ""
    earn_url: _PageAddress = ""
    p2p_url: _PageAddress = ""
    sub_accounts_url: _PageAddress = ""


class Policy(_Section):
    """A whole policy file."""

    jurisdiction: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2,8}$")]
    name: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    eligibility: EligibilityPolicy = EligibilityPolicy()
    workflow: WorkflowPolicy = WorkflowPolicy()
    retention: RetentionPolicy = RetentionPolicy()
    verification: VerificationPolicy = VerificationPolicy()
    remediation: RemediationPolicy = RemediationPolicy()
    desk: DeskPolicy = DeskPolicy()
    exchange: ExchangePages = ExchangePages()
    offboarding: OffboardingPolicy = OffboardingPolicy()

    @property
    def dust_forfeit_limit_usd(self) -> Decimal:
        """The most small balances may be worth, together, for the customer to give them
        up with consent: ``remediation.dust_forfeit_max_usd``, raised where it would leave
        small balances stuck between the two ways out. Dust worth up to the dust tolerance
        grossed up by the sweep's fee (10 / 0.98 = 10.21 USD, to the cent above, under the
        shipped files) is still dust once converted, so the sweep is not offered; a limit
        below that figure would refuse giving it up too, and nothing would be left but a
        ticket. Rounded up to the cent, so the figure is one a page can show."""
        r, line = self.remediation, self.eligibility.dust_tolerance_usd
        if r.dust_sweep_fee_percent >= _HUNDRED:  # nothing ever converts into an asset
            return r.dust_forfeit_max_usd
        with localcontext(Context(prec=80)):
            stuck_below = line * _HUNDRED / (_HUNDRED - r.dust_sweep_fee_percent)
            stuck_below = stuck_below.quantize(_CENT, rounding=ROUND_UP)
        return max(r.dust_forfeit_max_usd, stuck_below)
