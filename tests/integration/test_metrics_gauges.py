"""The gauges of what needs a person: tickets past their SLA, accounts locked out of
step-up, and the members of each live campaign, read from the tables at scrape time."""

from __future__ import annotations

import pytest
from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families

from lastgate.app.metrics import build_metrics
from lastgate.campaign.service import campaigns as campaign
from lastgate.closure.model.lifecycle import ClosureReason
from lastgate.closure.service import workflow as closure
from lastgate.desk.model.tickets import TicketCategory
from lastgate.desk.service import desk as d
from lastgate.kernel.errors import LastgateError
from tests.builders import account, load
from tests.campaign_support import DEADLINE, campaigns, leaving_market
from tests.desk_support import make_desk
from tests.workflow_support import OFFICER_A, customer, settings, workflow


def scrape(engine, clock) -> dict[tuple[str, tuple], float]:
    text = generate_latest(build_metrics(engine, clock).registry).decode()
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def test_a_ticket_past_its_first_response_deadline_is_a_breach(engine, clock, tmp_path) -> None:
    load(engine, account("U1000"))
    desk = make_desk(engine, clock, tmp_path)
    ticket, _ = d.open_ticket(desk, customer(), "U1000", TicketCategory.OTHER, "Help", "Hello")
    assert (
        scrape(engine, clock)[("lastgate_tickets_sla_breached", (("deadline", "first_response"),))]
        == 0
    )

    assert ticket.first_response_due is not None
    clock.advance(seconds=(ticket.first_response_due - clock()).total_seconds() + 1)
    samples = scrape(engine, clock)

    assert samples[("lastgate_tickets_sla_breached", (("deadline", "first_response"),))] == 1


def test_wrong_codes_lock_the_account_out_of_step_up(engine, clock) -> None:
    load(engine, account("U1000"))
    wf = workflow(engine, clock, settings())
    request = closure.submit(wf, customer(), "U1000", ClosureReason.FEES, "")
    closure.start_verification(wf, customer(), request.id, "email")
    for _ in range(5):
        with pytest.raises(LastgateError):
            closure.verify(wf, customer(), request.id, "email", "000000")

    samples = scrape(engine, clock)

    assert samples[("lastgate_step_up_locked_accounts", ())] == 1
    assert samples[("lastgate_step_up_failing_accounts", ())] == 1


def test_the_members_of_a_live_campaign_by_status(engine, clock) -> None:
    leaving_market(engine)
    cs = campaigns(engine, clock)
    plan = campaign.plan(cs, OFFICER_A, name="Leaving NL", deadline=DEADLINE, jurisdiction="nl")

    samples = scrape(engine, clock)
    planned = {
        labels: value
        for (name, labels), value in samples.items()
        if name == "lastgate_campaign_members"
    }

    # The four NL accounts of ``leaving_market``; the EU one is outside the scope.
    assert planned == {(("campaign", plan.id), ("status", "planned")): 4}


def test_transitions_are_counted_by_kind_with_the_time_spent_in_each_state(engine, clock) -> None:
    load(engine, account("U1000"))
    wf = workflow(engine, clock, settings())
    before = scrape(engine, clock)

    request = closure.submit(wf, customer(), "U1000", ClosureReason.FEES, "")
    clock.advance(minutes=5)
    closure.start_verification(wf, customer(), request.id, "email")
    after = scrape(engine, clock)

    def delta(name: str, **labels: str) -> float:
        key = (name, tuple(sorted(labels.items())))
        return after.get(key, 0.0) - before.get(key, 0.0)

    started = {"transition": "start_verification", "to_state": "verifying"}
    assert delta("lastgate_closure_transitions_total", **started) == 1
    # Five minutes in draft, observed when the request left it.
    assert delta("lastgate_closure_state_duration_seconds_count", state="draft") == 1
    assert delta("lastgate_closure_state_duration_seconds_sum", state="draft") == 300
    assert delta("lastgate_closure_state_duration_seconds_bucket", state="draft", le="60.0") == 0
    assert delta("lastgate_closure_state_duration_seconds_bucket", state="draft", le="600.0") == 1
