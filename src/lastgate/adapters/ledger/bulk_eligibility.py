"""Eligibility of many accounts at once, set-based: a few statements per chunk of customers.

``sweep`` gives, for every account (or a subset), the check codes that do not pass and
their status, exactly as ``check_account`` would, without loading any account's state:
customers are read in keyset-paginated chunks of ``chunk_size`` ids, and for each chunk
one ``UNION ALL`` statement flags the failing (customer, code) pairs, one more sums the
balances per asset. Memory is bounded by the chunk, whatever the ledger's size.

Exactness. Amounts are NUMERIC on PostgreSQL and text on SQLite, and the per-account
checks compute in Python ``Decimal`` (28 significant digits). Value comparisons (a
balance against the dust tolerance, the withdrawals of the window against the review
threshold) are decided in SQL only when they are clear by a margin: beyond a relative
``1e-20`` of the line on PostgreSQL (NUMERIC is exact; the margin covers the checks'
28-digit rounding), beyond ``1e-9`` on SQLite (amounts cast to REAL: a double's error is
below ``1e-13`` here). Rows inside the margin, or with a negative amount, are sent back
as they are and finished in Python with the checks' own arithmetic, in the same order.
Asset totals are exact too: NUMERIC sums on PostgreSQL; on SQLite the text is split into
integer parts summed as 64-bit integers and joined in Python (docs/bulk.md).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Engine, text

from lastgate.adapters.ledger import bulk_sql as q
from lastgate.domain.account import KycStatus
from lastgate.domain.checks import CHECKS
from lastgate.domain.eligibility import CheckCode, CheckStatus
from lastgate.domain.money import ZERO
from lastgate.domain.policy import Policy
from lastgate.services.ports import PolicyBook

CHUNK_SIZE = 50_000
#: Relative distance from a line inside which SQL defers the comparison to Python.
MARGIN = {"postgresql": Decimal("1e-20"), "sqlite": Decimal("1e-9")}

_ORDER = {code: position for position, (code, _) in enumerate(CHECKS)}
_REVIEW_CODES = frozenset({CheckCode.WITHDRAWAL_REVIEW})
_KYC_INCOMPLETE = frozenset(
    {KycStatus.NOT_STARTED, KycStatus.PENDING, KycStatus.REJECTED, KycStatus.EXPIRED}
)


@dataclass(frozen=True, slots=True)
class BulkRow:
    """One account's verdict: the codes that do not pass, in the checks' order."""

    uid: str
    jurisdiction: str
    failures: dict[CheckCode, CheckStatus]

    @property
    def outcome(self) -> CheckStatus:
        statuses = set(self.failures.values())
        if CheckStatus.BLOCK in statuses:
            return CheckStatus.BLOCK
        return CheckStatus.REVIEW if statuses else CheckStatus.PASS


@dataclass
class SweepSummary:
    """Aggregates for reports, complete once the sweep has been iterated to the end."""

    accounts: int = 0
    passing: int = 0  # nothing fails
    eligible: int = 0  # nothing blocks (some may still be reviewed)
    by_code: Counter[CheckCode] = field(default_factory=Counter)
    assets: dict[str, Decimal] = field(default_factory=dict)  # total held per asset

    def add(self, row: BulkRow) -> None:
        self.accounts += 1
        outcome = row.outcome
        self.passing += outcome is CheckStatus.PASS
        self.eligible += outcome is not CheckStatus.BLOCK
        self.by_code.update(row.failures.keys())


@dataclass(frozen=True)
class _Lines:
    """One jurisdiction's policy as the statements use it."""

    policy: Policy
    dust: tuple[Any, Any]  # (low, high) around the dust tolerance
    review: tuple[Any, Any]  # (low, high) around the review threshold
    cooldown_since: datetime
    window_since: datetime


class Sweep:
    """The accounts' verdicts, streamed chunk by chunk; ``summary`` fills as they go."""

    def __init__(
        self,
        engine: Engine,
        policies: PolicyBook,
        now: datetime,
        *,
        uids: Sequence[str] | None = None,
        jurisdiction: str | None = None,
        chunk_size: int = CHUNK_SIZE,
    ) -> None:
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        self._engine = engine
        self._policies = policies
        self._now = now
        self._uids = uids
        self._jurisdiction = jurisdiction.upper() if jurisdiction else None
        self._chunk_size = chunk_size
        self._dialect = q.dialect(engine.dialect.name)
        self._lines: dict[str, _Lines] = {}
        self.summary = SweepSummary()
        self.total = self._count()

    def __iter__(self) -> Iterator[BulkRow]:
        for customers in self._chunks():
            yield from self._verdicts(customers)

    # -- chunks of customers ----------------------------------------------------------

    def _count(self) -> int:
        with self._engine.connect() as conn:
            if self._uids is not None:
                return len(self._resolved_ids(conn))
            sql = "SELECT count(*) FROM customers" + self._where_jurisdiction(" WHERE ")
            return int(conn.execute(text(sql), {"j": self._jurisdiction}).scalar_one())

    def _where_jurisdiction(self, prefix: str) -> str:
        return f"{prefix}UPPER(jurisdiction) = :j" if self._jurisdiction else ""

    def _resolved_ids(self, conn: Connection) -> list[int]:
        uids = sorted(set(self._uids or ()))
        ids: list[int] = []
        for start in range(0, len(uids), 10_000):
            batch = uids[start : start + 10_000]
            sql = f"SELECT id FROM customers WHERE uid {self._dialect.in_list('uids', 'TEXT')}"
            ids += conn.execute(text(sql), {"uids": self._dialect.list_param(batch)}).scalars()
        return sorted(ids)

    def _chunks(self) -> Iterator[list[Any]]:
        columns = "SELECT id, uid, jurisdiction, kyc_status, kyc_applicant_mismatch FROM customers"
        with self._engine.connect() as conn:
            if self._uids is not None:
                ids = self._resolved_ids(conn)
                for start in range(0, len(ids), self._chunk_size):
                    batch = ids[start : start + self._chunk_size]
                    sql = f"{columns} WHERE id {self._dialect.in_list('ids')} ORDER BY id"
                    yield list(conn.execute(text(sql), {"ids": self._dialect.list_param(batch)}))
                return
            after = 0
            while True:
                sql = (
                    f"{columns} WHERE id > :after{self._where_jurisdiction(' AND ')} "
                    "ORDER BY id LIMIT :n"
                )
                params = {"after": after, "n": self._chunk_size, "j": self._jurisdiction}
                customers = list(conn.execute(text(sql), params))
                if not customers:
                    return
                yield customers
                after = customers[-1][0]

    # -- one chunk ----------------------------------------------------------------------

    def _verdicts(self, customers: list[Any]) -> Iterator[BulkRow]:
        jurisdiction_of = {c[0]: c[2] for c in customers}
        lines = {j: self._lines_of(j) for j in set(jurisdiction_of.values())}
        ids = None if self._uids is None and self._jurisdiction is None else list(jurisdiction_of)
        params = q.chunk_params(
            self._dialect,
            lo=customers[0][0],
            hi=customers[-1][0],
            ids=ids,
            now=self._now,
            lines={
                j: (v.dust, v.review, v.cooldown_since, v.window_since) for j, v in lines.items()
            },
            default=self._default_lines(),
        )
        failures: dict[int, dict[CheckCode, CheckStatus]] = {c[0]: {} for c in customers}
        withdrawal_border: list[int] = []
        with self._engine.connect() as conn:
            for cid, tag, available, frozen, price in conn.execute(
                text(q.flags_sql(self._dialect, list(lines), filtered=ids is not None)), params
            ):
                found = failures.get(cid)
                if found is None:  # a customer created since the chunk was read
                    continue
                if tag == q.BALANCE_BORDER:
                    tolerance = lines[jurisdiction_of[cid]].policy.eligibility.dust_tolerance_usd
                    code = _exact_balance(available, frozen, price, tolerance)
                    if code is not None:
                        found[code] = CheckStatus.BLOCK
                elif tag == q.WITHDRAWAL_BORDER:
                    withdrawal_border.append(cid)
                else:
                    code = q.TAG_CODES[tag]
                    found[code] = CheckStatus.REVIEW if code in _REVIEW_CODES else CheckStatus.BLOCK
            for cid in self._exact_reviews(conn, withdrawal_border, jurisdiction_of, lines):
                failures[cid][CheckCode.WITHDRAWAL_REVIEW] = CheckStatus.REVIEW
            self._add_totals(conn, params, filtered=ids is not None)
        for cid, uid, jurisdiction, kyc_status, mismatch in customers:
            found = failures[cid]
            status = KycStatus(kyc_status)
            if status in _KYC_INCOMPLETE:
                found[CheckCode.KYC_INCOMPLETE] = CheckStatus.BLOCK
            if status is KycStatus.DISPUTED or mismatch:
                found[CheckCode.KYC_DISPUTED] = CheckStatus.BLOCK
            row = BulkRow(uid, jurisdiction, dict(sorted(found.items(), key=_position)))
            self.summary.add(row)
            yield row

    def _lines_of(self, jurisdiction: str) -> _Lines:
        if jurisdiction not in self._lines:
            policy = self._policies.for_jurisdiction(jurisdiction)
            rules = policy.eligibility
            margin = MARGIN[self._dialect.name]
            self._lines[jurisdiction] = _Lines(
                policy=policy,
                dust=self._dialect.around(rules.dust_tolerance_usd, margin),
                review=self._dialect.around(rules.withdrawal_review_threshold_usd, margin),
                cooldown_since=self._now - timedelta(days=rules.security_cooldown_days),
                window_since=self._now - timedelta(days=rules.withdrawal_review_window_days),
            )
        return self._lines[jurisdiction]

    def _default_lines(self) -> tuple[Any, Any, datetime, datetime]:
        # For a customer whose jurisdiction was not in the chunk (created meanwhile).
        fallback = self._lines_of("DEFAULT")
        return fallback.dust, fallback.review, fallback.cooldown_since, fallback.window_since

    def _exact_reviews(
        self,
        conn: Connection,
        border: list[int],
        jurisdiction_of: dict[int, str],
        lines: dict[str, _Lines],
    ) -> Iterator[int]:
        """Customers near the review line: their withdrawals summed as the check sums them."""
        if not border:
            return
        since = min(v.window_since for v in lines.values())
        params = {"ids": self._dialect.list_param(border), "since": self._dialect.time(since)}
        totals: dict[int, Decimal] = {}
        for cid, amount, price, created_at in conn.execute(
            text(q.withdrawals_sql(self._dialect)), params
        ):
            window_since = lines[jurisdiction_of[cid]].window_since
            if q.read_time(created_at) >= window_since:
                totals[cid] = totals.get(cid, ZERO) + _decimal(amount) * _decimal(price)
        for cid in border:
            rules = lines[jurisdiction_of[cid]].policy.eligibility
            if totals.get(cid, ZERO) > rules.withdrawal_review_threshold_usd:
                yield cid

    def _add_totals(self, conn: Connection, params: dict[str, Any], *, filtered: bool) -> None:
        assets = self.summary.assets
        for asset, amount in q.asset_totals(conn, self._dialect, params, filtered=filtered):
            total = q.exact_add(assets.get(asset, ZERO), amount)
            if total == ZERO:
                assets.pop(asset, None)
            else:
                assets[asset] = total


def sweep(
    engine: Engine,
    policies: PolicyBook,
    now: datetime,
    *,
    uids: Sequence[str] | None = None,
    jurisdiction: str | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> Sweep:
    """Every account's (or the given UIDs', or one jurisdiction's) verdict as of ``now``.

    Iterate the result for ``BulkRow``s in customer order; ``result.total`` is known at
    once (for a progress bar), ``result.summary`` is complete after the last row.
    """
    return Sweep(engine, policies, now, uids=uids, jurisdiction=jurisdiction, chunk_size=chunk_size)


def _position(item: tuple[CheckCode, CheckStatus]) -> int:
    return _ORDER[item[0]]


def _decimal(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(value)


def _exact_balance(available: Any, frozen: Any, price: Any, tolerance: Decimal) -> CheckCode | None:
    """A balance near the dust line, classified with the checks' own arithmetic."""
    total = _decimal(available) + _decimal(frozen)
    if total == ZERO:
        return None
    if price is not None and total * _decimal(price) > tolerance:
        return CheckCode.ASSETS_REMAINING
    return CheckCode.DUST_REMAINING


__all__ = ["CHUNK_SIZE", "BulkRow", "Sweep", "SweepSummary", "sweep"]
