"""The demo data set: each demo customer fails exactly the checks its description promises."""

from __future__ import annotations

from lastgate.demo.customers import demo_descriptions, demo_expectations, demo_snapshot
from lastgate.eligibility.model.report import CheckCode, CheckStatus
from lastgate.eligibility.service import check_account
from lastgate.ledger.adapters.snapshot_io import import_snapshot
from lastgate.ledger.adapters.state_reader import LedgerStateReader
from lastgate.platform.policy_files import PolicyDirectory


def test_every_demo_customer_fails_exactly_the_expected_checks(engine, clock) -> None:
    import_snapshot(engine, demo_snapshot(clock()))
    reader = LedgerStateReader(engine)
    policies = PolicyDirectory.load()

    found = {}
    for uid in demo_expectations():
        report = check_account(uid, accounts=reader, policies=policies, clock=clock)
        found[uid] = {c.code.value for c in report.checks if c.status is not CheckStatus.PASS}

    assert found == demo_expectations()


def test_withdrawal_review_customer_is_reviewed_not_blocked(engine, clock) -> None:
    import_snapshot(engine, demo_snapshot(clock()))
    report = check_account(
        "DEMO-WITHDRAWAL-REVIEW",
        accounts=LedgerStateReader(engine),
        policies=PolicyDirectory.load(),
        clock=clock,
    )
    failing = [c for c in report.checks if c.status is not CheckStatus.PASS]
    assert [(c.code, c.status) for c in failing] == [
        (CheckCode.WITHDRAWAL_REVIEW, CheckStatus.REVIEW)
    ]


def test_every_check_code_is_shown_alone_by_some_demo_customer() -> None:
    alone = {next(iter(codes)) for codes in demo_expectations().values() if len(codes) == 1}
    assert alone == {c.value for c in CheckCode} - {CheckCode.SUPPORT_REQUIRED.value}


def test_demo_has_clean_customers_and_realistic_combinations() -> None:
    sizes = [len(codes) for codes in demo_expectations().values()]
    assert len(sizes) >= 24
    assert sizes.count(0) >= 5
    assert sum(1 for n in sizes if n > 1) >= 4


def test_every_demo_customer_has_a_description() -> None:
    descriptions = demo_descriptions()
    assert descriptions.keys() == demo_expectations().keys()
    assert all(text.strip() and "\n" not in text for text in descriptions.values())


def test_cooldown_that_just_ended_still_blocks_one_second_earlier(engine, clock) -> None:
    import_snapshot(engine, demo_snapshot(clock()))
    clock.advance(seconds=-1)
    report = check_account(
        "DEMO-CLEAN-COOLDOWN-OVER",
        accounts=LedgerStateReader(engine),
        policies=PolicyDirectory.load(),
        clock=clock,
    )
    assert {c.code for c in report.checks if c.status is not CheckStatus.PASS} == {
        CheckCode.SECURITY_COOLDOWN
    }
