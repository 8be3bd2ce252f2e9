"""Eligibility of many accounts at once, set-based: a few statements per chunk of customers.

``sweep`` gives, for every account (or a subset), the check codes that do not pass and
their status, exactly as ``check_account`` would, without loading any account's state:
customers are read in keyset-paginated chunks of ``chunk_size`` ids, and for each chunk
one statement gives a bit mask of the failing checks per customer, one more sums the
balances per asset. Memory is bounded by the chunk, whatever the ledger's size.

Exactness. Amounts are NUMERIC on PostgreSQL and text on SQLite; the per-account checks
value balances exactly (``dust_line``) and sum withdrawals in Python ``Decimal`` (28
significant digits). Value comparisons (a balance against the dust tolerance, the
withdrawals of the window against the review threshold) are decided in SQL only when they
are clear by a margin: beyond a relative ``1e-20`` of the line on PostgreSQL (NUMERIC is
exact; the margin covers the review's 28-digit rounding), beyond ``1e-9`` on SQLite
(amounts cast to REAL: a double's error is below ``1e-13`` here). Rows inside the margin,
or with a negative amount, are sent back as they are and finished in Python with the
checks' own functions (``dust_line.judge`` for a balance), in the same order.
Asset totals are exact too: NUMERIC sums on PostgreSQL; on SQLite the text is split into
integer parts summed as 64-bit integers and joined in Python (docs/bulk.md).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import Connection, Engine

from lastgate.eligibility.adapters import bulk_sql as q
from lastgate.eligibility.adapters import bulk_totals
from lastgate.eligibility.adapters.bulk_readers import read_ahead
from lastgate.eligibility.adapters.bulk_verdicts import REVIEW_CODES, Verdict, exact_balance
from lastgate.eligibility.adapters.bulk_verdicts import verdict as verdict_of
from lastgate.eligibility.model.report import CheckCode, CheckStatus
from lastgate.kernel.money import ZERO
from lastgate.kernel.policy import Policy
from lastgate.ledger.ports import PolicyBook
from lastgate.platform.db.types import read_amount, read_time
from lastgate.platform.policy_files import DEFAULT_JURISDICTION

CHUNK_SIZE = 50_000
#: Connections reading chunks at once on PostgreSQL (one snapshot); SQLite reads on one.
READERS = 2
#: Relative distance from a line inside which SQL defers the comparison to Python.
MARGIN = {"postgresql": Decimal("1e-20"), "sqlite": Decimal("1e-9")}

_BLOCK, _REVIEW, _PASS = CheckStatus.BLOCK, CheckStatus.REVIEW, CheckStatus.PASS
_BORDERS = q.BALANCE_BORDER | q.WITHDRAWAL_BORDER


class BulkRow(NamedTuple):
    """One account's verdict: the codes that do not pass (in the checks' order), and the
    outcome they make: ``block`` if any blocks, ``review`` if one only asks for a review.
    """

    uid: str
    jurisdiction: str
    failures: dict[CheckCode, CheckStatus]
    outcome: CheckStatus


@dataclass
class SweepSummary:
    """Aggregates for reports, complete once the sweep has been iterated to the end."""

    accounts: int = 0
    passing: int = 0  # nothing fails
    eligible: int = 0  # nothing blocks (some may still be reviewed)
    by_code: Counter[CheckCode] = field(default_factory=Counter)
    assets: dict[str, Decimal] = field(default_factory=dict)  # total held per asset


class _Chunk(NamedTuple):
    """A chunk of customers: these ids, or those after ``after`` up to ``upto``."""

    ids: list[int] | None
    after: int
    upto: int | None


@dataclass(frozen=True)
class _Lines:
    """One jurisdiction's policy as the statements use it."""

    policy: Policy
    dust: tuple[Any, Any]  # (low, high) around the dust tolerance
    review: tuple[Any, Any]  # (low, high) around the review threshold
    cooldown_since: datetime
    window_since: datetime

    @property
    def bound(self) -> q.Lines:
        return self.dust, self.review, self.cooldown_since, self.window_since


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
        readers: int = READERS,
    ) -> None:
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        self._engine = engine
        self._policies = policies
        self._now = now
        self._uids = uids
        self._jurisdiction = jurisdiction.upper() if jurisdiction else None
        self._chunk_size = chunk_size
        self._readers = readers
        self._dialect = q.dialect(engine.dialect.name)
        self._lines: dict[str, _Lines] = {}
        self._verdicts: dict[int, Verdict] = {}
        self._summary = SweepSummary()
        self._shown: dict[int, int] = {}  # accounts per mask handed out, not yet summed
        self.total = self._count()

    @property
    def summary(self) -> SweepSummary:
        """The counts of every row handed out so far; complete after the last one."""
        summary, shown = self._summary, self._shown
        for mask, accounts in shown.items():
            failures, outcome = self._verdicts[mask]
            summary.accounts += accounts
            if outcome is not _BLOCK:
                summary.eligible += accounts
                if outcome is _PASS:
                    summary.passing += accounts
            for code in failures:
                summary.by_code[code] += accounts
        shown.clear()
        return summary

    def __iter__(self) -> Iterator[BulkRow]:
        # Reader threads run the statements of the next chunks while this one turns the
        # current chunk into rows: the database works while Python does (both drivers
        # release the GIL while a statement runs); on PostgreSQL, ``readers`` chunks at
        # once, on as many connections sharing one snapshot (bulk_readers).
        self._summary, self._shown = SweepSummary(), {}  # iterating again starts afresh
        for _, (customers, masks, totals) in read_ahead(
            self._engine, self._chunks, self._read_chunk, readers=self._readers
        ):
            self._add_totals(totals)
            yield from self._rows_of(customers, masks)

    def _rows(self, conn: Connection, sql: str, params: dict[str, Any]) -> list[Any]:
        # The driver's own cursor, in the connection's transaction: these statements
        # return many small rows, and SQLAlchemy's per-row work would cost as much.
        return q.fetch(conn, self._dialect, sql, params)

    # -- chunks of customers ----------------------------------------------------------

    def _count(self) -> int:
        with self._engine.connect() as conn:
            if self._uids is not None:
                return len(self._resolved_ids(conn))
            sql = "SELECT count(*) FROM customers" + self._where_jurisdiction(" WHERE ")
            return int(self._rows(conn, sql, {"j": self._jurisdiction})[0][0])

    def _where_jurisdiction(self, prefix: str) -> str:
        return f"{prefix}UPPER(jurisdiction) = :j" if self._jurisdiction else ""

    def _resolved_ids(self, conn: Connection) -> list[int]:
        uids = sorted(set(self._uids or ()))
        ids: list[int] = []
        sql = f"SELECT id FROM customers WHERE uid {self._dialect.in_list('uids', 'TEXT')}"
        for start in range(0, len(uids), 10_000):
            batch = self._dialect.list_param(uids[start : start + 10_000])
            ids += [row[0] for row in self._rows(conn, sql, {"uids": batch})]
        return sorted(ids)

    def _chunks(self, conn: Connection) -> Iterator[_Chunk]:
        """Where each chunk starts and ends, from the primary key alone: the reader that
        works on a chunk reads its customers (so that several readers start at once)."""
        if self._uids is not None:
            ids = self._resolved_ids(conn)
            for start in range(0, len(ids), self._chunk_size):
                yield _Chunk(ids[start : start + self._chunk_size], 0, None)
            return
        where = self._where_jurisdiction(" AND ")
        sql = f"SELECT id FROM customers WHERE id > :after{where} ORDER BY id LIMIT 1 OFFSET :skip"
        after = 0
        while True:
            params = {"after": after, "skip": self._chunk_size - 1, "j": self._jurisdiction}
            if not (last := self._rows(conn, sql, params)):
                yield _Chunk(None, after, None)  # the rest, fewer than a chunk (maybe none)
                return
            yield _Chunk(None, after, last[0][0])
            after = last[0][0]

    def _read_chunk(
        self, conn: Connection, chunk: _Chunk
    ) -> tuple[list[Any], dict[int, int], list[tuple[str, Decimal]]]:
        """The chunk's customers, the mask of what fails for each, its totals per asset."""
        if chunk.ids is not None:
            sql = f"{q.CUSTOMERS} WHERE id {self._dialect.in_list('ids')} ORDER BY id"
            params: dict[str, Any] = {"ids": self._dialect.list_param(chunk.ids)}
        else:
            upto = "" if chunk.upto is None else " AND id <= :upto"
            where = self._where_jurisdiction(" AND ")
            sql = f"{q.CUSTOMERS} WHERE id > :after{upto}{where} ORDER BY id"
            params = {"after": chunk.after, "upto": chunk.upto, "j": self._jurisdiction}
        customers = self._rows(conn, sql, params)
        if not customers:
            return customers, {}, []
        return customers, *self._failures(conn, customers)

    # -- one chunk ----------------------------------------------------------------------

    def _failures(
        self, conn: Connection, customers: list[Any]
    ) -> tuple[dict[int, int], list[tuple[str, Decimal]]]:
        """The mask of what fails per customer of the chunk (KYC aside, it comes with the
        customers; none: nothing fails), and the chunk's total held per asset."""
        jurisdiction_of = {c[0]: c[2] for c in customers}
        lines = {j: self._lines_of(j) for j in set(jurisdiction_of.values())}
        filtered = self._uids is not None or self._jurisdiction is not None
        default = self._lines_of(DEFAULT_JURISDICTION)
        # A rule whose line is the same for every jurisdiction of the chunk is compared
        # with that one line (bound as the default), sparing the join to the policies.
        joined = {
            rule
            for rule, line in (
                ("dust", lambda v: v.dust),
                ("review", lambda v: (v.review, v.window_since)),
                ("cooldown", lambda v: v.cooldown_since),
            )
            if len({line(v) for v in lines.values()}) > 1
        }
        one = next(iter(lines.values()))
        params = q.chunk_params(
            self._dialect,
            lo=customers[0][0],
            hi=customers[-1][0],
            ids=list(jurisdiction_of) if filtered else None,
            now=self._now,
            lines={j: v.bound for j, v in lines.items()},
            default=(
                (default if "dust" in joined else one).dust,
                (default if "review" in joined else one).review,
                (default if "cooldown" in joined else one).cooldown_since,
                (default if "review" in joined else one).window_since,
            ),
        )
        flags = q.flags_sql(self._dialect, list(lines), filtered=filtered, joined=frozenset(joined))
        masks: dict[int, int] = dict(self._rows(conn, flags, params))
        border = [cid for cid, mask in masks.items() if mask & _BORDERS]
        if border:
            balances = [cid for cid in border if masks[cid] & q.BALANCE_BORDER]
            withdrawals = [cid for cid in border if masks[cid] & q.WITHDRAWAL_BORDER]
            for cid in border:
                masks[cid] &= ~_BORDERS
            for cid, codes in self._exact_balances(conn, balances, jurisdiction_of):
                for code in codes:
                    masks[cid] |= q.BIT[code]
            for cid in self._exact_reviews(conn, withdrawals, jurisdiction_of):
                masks[cid] |= q.BIT[CheckCode.WITHDRAWAL_REVIEW]
        totals = bulk_totals.asset_totals(conn, self._dialect, params, filtered=filtered)
        return masks, list(totals)

    def _rows_of(self, customers: list[Any], masks: dict[int, int]) -> Iterator[BulkRow]:
        # The hot loop of the sweep: a few dictionary look-ups per account. The summary
        # counts masks, and turns them into codes only when it is read.
        verdicts, shown, failing, row = self._verdicts, self._shown, masks.get, tuple.__new__
        for cid, uid, jurisdiction, kyc in customers:
            mask = failing(cid, 0) | kyc
            if (verdict := verdicts.get(mask)) is None:
                verdict = verdicts[mask] = verdict_of(mask)
            shown[mask] = shown.get(mask, 0) + 1
            # BulkRow(...) without its Python-level __new__: a sixth of the loop
            yield row(BulkRow, (uid, jurisdiction, dict(verdict.failures), verdict.outcome))

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

    def _exact_balances(
        self, conn: Connection, border: list[int], jurisdiction_of: dict[int, str]
    ) -> Iterator[tuple[int, set[CheckCode]]]:
        """Customers with a balance near the dust line: every balance, as the checks see it."""
        if not border:
            return
        found: dict[int, set[CheckCode]] = {cid: set() for cid in border}
        params = {"ids": self._dialect.list_param(border)}
        for cid, available, frozen, price in self._rows(
            conn, q.balances_sql(self._dialect), params
        ):
            tolerance = self._lines[jurisdiction_of[cid]].policy.eligibility.dust_tolerance_usd
            code = exact_balance(available, frozen, price, tolerance)
            if code is not None:
                found[cid].add(code)
        yield from found.items()

    def _exact_reviews(
        self, conn: Connection, border: list[int], jurisdiction_of: dict[int, str]
    ) -> Iterator[int]:
        """Customers near the review line: their withdrawals summed as the check sums them."""
        if not border:
            return
        lines = {cid: self._lines[jurisdiction_of[cid]] for cid in border}
        since = min(line.window_since for line in lines.values())
        params = {"ids": self._dialect.list_param(border), "since": self._dialect.time(since)}
        totals: dict[int, Decimal] = {}
        sql = q.withdrawals_sql(self._dialect)
        for cid, amount, price, created_at in self._rows(conn, sql, params):
            if read_time(created_at) >= lines[cid].window_since:
                totals[cid] = totals.get(cid, ZERO) + read_amount(amount) * read_amount(price)
        for cid in border:
            if (
                totals.get(cid, ZERO)
                > lines[cid].policy.eligibility.withdrawal_review_threshold_usd
            ):
                yield cid

    def _add_totals(self, totals: list[tuple[str, Decimal]]) -> None:
        assets = self._summary.assets
        for asset, amount in totals:
            total = bulk_totals.exact_add(assets.get(asset, ZERO), amount)
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
    readers: int = READERS,
) -> Sweep:
    """Every account's (or the given UIDs', or one jurisdiction's) verdict as of ``now``.

    Iterate the result for ``BulkRow``s in customer order; ``result.total`` is known at
    once (for a progress bar), ``result.summary`` is complete after the last row.
    """
    return Sweep(
        engine,
        policies,
        now,
        uids=uids,
        jurisdiction=jurisdiction,
        chunk_size=chunk_size,
        readers=readers,
    )


__all__ = ["CHUNK_SIZE", "REVIEW_CODES", "BulkRow", "Sweep", "SweepSummary", "sweep"]
