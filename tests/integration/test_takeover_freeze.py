"""The freeze a customer places for a suspected takeover, on both databases: the account
holder alone, with nothing but who they are (no authenticator code); idempotent; a
protective freeze that their authenticator cannot lift and compliance can; staff cannot
place it in a customer's name."""

from __future__ import annotations

import pyotp
import pytest

from lastgate.closure.model.freezes import PROTECTIVE_FREEZE
from lastgate.closure.service import freeze, step_up
from lastgate.closure.service import protective_freeze as protection
from lastgate.closure.service.workflow import Workflow
from lastgate.kernel.errors import Forbidden, LastgateError
from tests.builders import account, load
from tests.workflow_support import (
    AGENT_A,
    OFFICER_A,
    customer,
    customer_status,
    set_up_long_ago,
    workflow,
)

UID = "U1000"
ME = customer(UID)


@pytest.fixture
def wf(engine, clock) -> Workflow:
    load(engine, account(UID), account("U2000"))
    return workflow(engine, clock)


def test_the_owner_freezes_with_no_code_once_and_only_compliance_lifts_it(wf, engine) -> None:
    assert protection.report_takeover(wf, ME, UID) is True
    assert customer_status(engine, UID) == "frozen"
    assert protection.report_takeover(wf, ME, UID) is False  # twice: nothing changes
    with wf.unit_of_work() as uow:
        assert list(uow.freezes.active_causes(UID)) == [PROTECTIVE_FREEZE]
    protection.lift_protective_freeze(wf, OFFICER_A, UID, "checked with the customer")
    assert customer_status(engine, UID) == "active"


def test_it_holds_on_top_of_the_customer_s_own_freeze_which_a_code_would_lift(
    wf, engine, clock
) -> None:
    totp = pyotp.TOTP(step_up.enroll_totp(wf.unit_of_work(), ME, UID).secret)
    step_up.confirm_totp(wf.unit_of_work(), ME, UID, totp.at(clock()))
    set_up_long_ago(engine, UID)  # an established one: a new one lifts no freeze yet
    freeze.freeze(wf, ME, UID)
    assert protection.report_takeover(wf, ME, UID) is True
    clock.advance(hours=25)
    freeze.unfreeze(wf, ME, UID, totp.at(clock()))  # whoever holds the code lifts that one
    assert customer_status(engine, UID) == "frozen"  # not this one


@pytest.mark.parametrize("who", [customer("U2000"), AGENT_A, OFFICER_A])
def test_nobody_but_the_account_holder_places_it(wf, engine, who) -> None:
    with pytest.raises((Forbidden, LastgateError)):
        protection.report_takeover(wf, who, UID)
    assert customer_status(engine, UID) == "active"
