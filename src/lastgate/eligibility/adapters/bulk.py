"""Eligibility of many accounts at once, set-based: a few statements per chunk of customers.

``sweep`` gives, for every account (or a subset), the check codes that do not pass and
their status, exactly as ``check_account`` would, without loading any account's state:
customers are read in keyset-paginated chunks of ``chunk_size`` ids, and for each chunk
one ``UNION ALL`` statement flags the failing (customer, code) pairs, one more sums the
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

import contextlib
import queue
import threading
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import Connection, Engine

from lastgate.eligibility.adapters import bulk_sql as q
from lastgate.eligibility.model import dust_line
from lastgate.eligibility.model.checks import CHECKS
from lastgate.eligibility.model.report import CheckCode, CheckStatus
from lastgate.kernel.money import ZERO
from lastgate.kernel.policy import Policy
from lastgate.ledger.model import KycStatus
from lastgate.ledger.ports import PolicyBook
from lastgate.platform.db.types import read_amount, read_time
from lastgate.platform.policy_files import DEFAULT_JURISDICTION

CHUNK_SIZE = 50_000
#: Relative distance from a line inside which SQL defers the comparison to Python.
MARGIN = {"postgresql": Decimal("1e-20"), "sqlite": Decimal("1e-9")}

_END = object()  # the reader's last message
_ORDER = {code: position for position, (code, _) in enumerate(CHECKS)}
#: Codes whose failure asks for a review instead of blocking.
REVIEW_CODES = frozenset({CheckCode.WITHDRAWAL_REVIEW})
_BLOCK, _REVIEW, _PASS = CheckStatus.BLOCK, CheckStatus.REVIEW, CheckStatus.PASS
_KYC_INCOMPLETE = frozenset(
    s.value
    for s in (KycStatus.NOT_STARTED, KycStatus.PENDING, KycStatus.REJECTED, KycStatus.EXPIRED)
)


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
        # A reader thread runs the statements of the next chunk while this one turns the
        # current chunk into rows: the database works while Python does (both drivers
        # release the GIL while a statement runs). At most two chunks wait in between.
        self.summary = SweepSummary()  # iterating again starts the counts afresh
        chunks: queue.Queue[Any] = queue.Queue(maxsize=2)
        stop = threading.Event()
        reader = threading.Thread(target=self._read, args=(chunks, stop), daemon=True)
        reader.start()
        try:
            while (item := chunks.get()) is not _END:
                if isinstance(item, BaseException):
                    raise item
                yield from self._rows_of(*item)
        finally:
            stop.set()
            while reader.is_alive():  # unblock a reader waiting to put
                with contextlib.suppress(queue.Empty):
                    chunks.get(timeout=0.05)

    def _read(self, chunks: queue.Queue[Any], stop: threading.Event) -> None:
        try:
            with self._engine.connect() as conn:
                # One snapshot for the whole sweep: REPEATABLE READ on PostgreSQL, and on
                # SQLite an explicit read transaction (the driver opens none for reads).
                if not self._dialect.sqlite:
                    conn = conn.execution_options(isolation_level="REPEATABLE READ")
                with conn.begin():
                    if self._dialect.sqlite:
                        conn.exec_driver_sql("BEGIN")
                    for customers in self._chunks(conn):
                        if stop.is_set():
                            return
                        chunks.put((customers, self._failures(conn, customers)))
            chunks.put(_END)
        except BaseException as exc:  # handed to the consuming thread
            chunks.put(exc)

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

    def _chunks(self, conn: Connection) -> Iterator[list[Any]]:
        columns = "SELECT id, uid, jurisdiction, kyc_status, kyc_applicant_mismatch FROM customers"
        if self._uids is not None:
            ids = self._resolved_ids(conn)
            sql = f"{columns} WHERE id {self._dialect.in_list('ids')} ORDER BY id"
            for start in range(0, len(ids), self._chunk_size):
                batch = self._dialect.list_param(ids[start : start + self._chunk_size])
                yield self._rows(conn, sql, {"ids": batch})
            return
        sql = f"{columns} WHERE id > :after{self._where_jurisdiction(' AND ')} ORDER BY id LIMIT :n"
        after = 0
        while True:
            params = {"after": after, "n": self._chunk_size, "j": self._jurisdiction}
            customers = self._rows(conn, sql, params)
            if not customers:
                return
            yield customers
            after = customers[-1][0]

    # -- one chunk ----------------------------------------------------------------------

    def _failures(
        self, conn: Connection, customers: list[Any]
    ) -> dict[int, dict[CheckCode, CheckStatus]]:
        """What fails for the chunk's customers, KYC aside; adds their assets to the totals."""
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
        failures: dict[int, dict[CheckCode, CheckStatus]] = {}
        balance_border: list[int] = []
        withdrawal_border: list[int] = []
        flags = q.flags_sql(self._dialect, list(lines), filtered=filtered, joined=frozenset(joined))
        for cid, tag in self._rows(conn, flags, params):
            found = failures.setdefault(cid, {})
            if tag >= q.BALANCES:
                bits = tag - q.BALANCES
                if bits & q.BORDER:
                    balance_border.append(cid)
                if bits & q.ASSETS:
                    found[CheckCode.ASSETS_REMAINING] = _BLOCK
                if bits & q.DUST:
                    found[CheckCode.DUST_REMAINING] = _BLOCK
            elif tag == q.WITHDRAWAL_BORDER:
                withdrawal_border.append(cid)
            elif tag == q.REVIEW_TAG:
                found[CheckCode.WITHDRAWAL_REVIEW] = _REVIEW
            else:
                found[q.TAG_CODES[tag]] = _BLOCK
        for cid, codes in self._exact_balances(conn, balance_border, jurisdiction_of):
            failures[cid].update(dict.fromkeys(codes, _BLOCK))
        for cid in self._exact_reviews(conn, withdrawal_border, jurisdiction_of):
            failures.setdefault(cid, {})[CheckCode.WITHDRAWAL_REVIEW] = _REVIEW
        self._add_totals(conn, params, filtered=filtered)
        return failures

    def _rows_of(
        self, customers: list[Any], failures: dict[int, dict[CheckCode, CheckStatus]]
    ) -> Iterator[BulkRow]:
        summary = self.summary
        by_code = summary.by_code
        for cid, uid, jurisdiction, kyc_status, mismatch in customers:
            found = failures.get(cid) or {}
            if kyc_status in _KYC_INCOMPLETE:
                found[CheckCode.KYC_INCOMPLETE] = _BLOCK
            if kyc_status == KycStatus.DISPUTED.value or mismatch:
                found[CheckCode.KYC_DISPUTED] = _BLOCK
            if not found:
                outcome = _PASS
                summary.passing += 1
                summary.eligible += 1
            else:
                if len(found) > 1:
                    found = dict(sorted(found.items(), key=_position))
                if _BLOCK in found.values():
                    outcome = _BLOCK
                else:
                    outcome = _REVIEW
                    summary.eligible += 1
                for code in found:
                    by_code[code] += 1
            summary.accounts += 1
            yield BulkRow(uid, jurisdiction, found, outcome)

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
            code = _exact_balance(available, frozen, price, tolerance)
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


_SIDE_CODES = {
    dust_line.Side.ASSET: CheckCode.ASSETS_REMAINING,
    dust_line.Side.DUST: CheckCode.DUST_REMAINING,
}


def _exact_balance(available: Any, frozen: Any, price: Any, tolerance: Decimal) -> CheckCode | None:
    """A balance near the dust line, judged by the line itself, as the check judges it."""
    amount = dust_line.total(read_amount(available), read_amount(frozen))
    judged = dust_line.judge(amount, None if price is None else read_amount(price), tolerance)
    return None if judged is None else _SIDE_CODES[judged.side]


__all__ = ["CHUNK_SIZE", "REVIEW_CODES", "BulkRow", "Sweep", "SweepSummary", "sweep"]
