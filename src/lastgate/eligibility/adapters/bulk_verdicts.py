"""What the bulk sweep's masks and near-line rows mean, in the checks' own terms."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, NamedTuple

from lastgate.eligibility.adapters import bulk_sql as q
from lastgate.eligibility.model import dust_line
from lastgate.eligibility.model.checks import CHECKS
from lastgate.eligibility.model.report import CheckCode, CheckStatus
from lastgate.platform.db.types import read_amount

#: Codes whose failure asks for a review instead of blocking.
REVIEW_CODES = frozenset({CheckCode.WITHDRAWAL_REVIEW})
_BLOCK, _REVIEW, _PASS = CheckStatus.BLOCK, CheckStatus.REVIEW, CheckStatus.PASS


class Verdict(NamedTuple):
    """What one mask of failing checks means; the same for every account showing it."""

    failures: dict[CheckCode, CheckStatus]  # in the checks' order; each row gets a copy
    outcome: CheckStatus


def verdict(mask: int) -> Verdict:
    failures = {
        code: _REVIEW if code in REVIEW_CODES else _BLOCK
        for code, _ in CHECKS
        if mask & q.BIT[code]
    }
    statuses = set(failures.values())
    return Verdict(failures, _BLOCK if _BLOCK in statuses else _REVIEW if statuses else _PASS)


_SIDE_CODES = {
    dust_line.Side.ASSET: CheckCode.ASSETS_REMAINING,
    dust_line.Side.DUST: CheckCode.DUST_REMAINING,
}


def exact_balance(available: Any, frozen: Any, price: Any, tolerance: Decimal) -> CheckCode | None:
    """A balance near the dust line, judged by the line itself, as the check judges it."""
    amount = dust_line.total(read_amount(available), read_amount(frozen))
    judged = dust_line.judge(amount, None if price is None else read_amount(price), tolerance)
    return None if judged is None else _SIDE_CODES[judged.side]
