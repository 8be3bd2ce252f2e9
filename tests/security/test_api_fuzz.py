"""A bounded property-based fuzz of the whole API from its OpenAPI document
(Schemathesis): every operation, with values the schema allows and values it does not,
as each kind of caller; no answer may be a 5xx."""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from sqlalchemy import Engine

from tests.security.authorization_world import build

#: Examples per operation and database: enough to reach every parameter's edge cases
#: (Schemathesis tries boundary values first), small enough for the suite's budget.
EXAMPLES = 8
#: Ending the caller's own session would only turn the rest of the fuzz into 401s.
SKIPPED = {("DELETE", "/v1/tokens/current")}


def test_no_operation_answers_a_server_error(engine: Engine, clock, tmp_path) -> None:
    world = build(engine, clock, tmp_path)
    schema = schemathesis.openapi.from_asgi("/openapi.json", world.client.app)
    callers = st.sampled_from(["nobody", "owner", "other", "agent", "compliance"])
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 50  # the whole API, not an empty schema

    for operation in operations:
        if (operation.method.upper(), operation.path) in SKIPPED:
            continue

        cases = st.one_of(
            operation.as_strategy(GenerationMode.POSITIVE),
            operation.as_strategy(GenerationMode.NEGATIVE),
        )

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=cases, caller=callers)
        def fuzz(case: Any, caller: str) -> None:
            response = case.call(headers=world.headers(caller))
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path} as {caller}: {response.text}")

        fuzz()
    assert failures == []
