"""'Is this official?' over HTTP, on both databases: the links this service's own notices
carry (built on ``public_base_url``, the demo's ``http://127.0.0.1:8000`` among them) are
official; an IP address, a port, a scheme or a host that is not exactly that origin is not."""

from __future__ import annotations

from html import unescape

import pytest
from fastapi.testclient import TestClient

from lastgate.app.api import create_app
from lastgate.closure.model.lifecycle import ClosureState
from lastgate.closure.wiring import build_workflow
from tests.builders import account, load
from tests.workflow_support import request_in, settings

DEMO = "http://127.0.0.1:8000"


def _served(engine, clock, base: str) -> tuple[TestClient, str]:
    """The app with ``base`` as its public origin, and the cancel link its cooling-off
    notice carries (built by the code the notice uses)."""
    config = settings().model_copy(update={"public_base_url": base})
    load(engine, account("U1"))
    request = request_in(build_workflow(config, engine, clock), ClosureState.COOLING_OFF, "U1")
    cancel = build_workflow(config, engine, clock).cancel_url(request)
    app = create_app(config, engine=engine, clock=clock)
    return TestClient(app, base_url="http://127.0.0.1"), cancel


def _verdict(client: TestClient, value: str, lang: str = "en") -> dict:
    answer = client.get("/v1/official-channels/check", params={"value": value, "lang": lang})
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_the_demo_cancel_link_is_official_in_both_languages(engine, clock) -> None:
    client, cancel = _served(engine, clock, DEMO)
    assert cancel.startswith(DEMO + "/closure/")

    assert _verdict(client, cancel)["official"] is True
    assert _verdict(client, cancel)["reason"] == "the address of this service"
    english = unescape(client.get("/web/official", params={"value": cancel}).text)
    assert 'class="verdict ok"' in english and "IP address" not in english
    chinese = unescape(
        client.get("/web/official", params={"value": cancel, "lang": "zh-Hans"}).text
    )
    assert 'class="verdict ok"' in chinese and "IP 地址" not in chinese
    assert "本服务自己的地址" in chinese


@pytest.mark.parametrize(
    "value",
    [
        "http://127.0.0.1:8001/closure/x/cancel",  # another port
        "http://127.0.0.2:8000/closure/x/cancel",  # another address
        "https://127.0.0.1:8000/closure/x/cancel",  # another scheme is another origin
        "http://127.0.0.1/closure/x/cancel",
        "http://10.0.0.1:8000/closure/x/cancel",
        "http://evil.io@127.0.0.1:8000/closure/x/cancel",  # user information
        "http://127.0.0.1:8000.evil.io/closure/x/cancel",
        "http://localhost:8000/closure/x/cancel",  # not the configured host
    ],
)
def test_addresses_near_the_demo_origin_are_not_official(engine, clock, value) -> None:
    client, _ = _served(engine, clock, DEMO)
    assert _verdict(client, value)["official"] is False


def test_a_deployed_origin_is_official_and_its_look_alikes_are_not(engine, clock) -> None:
    client, cancel = _served(engine, clock, "https://close.example")
    assert cancel.startswith("https://close.example/closure/")
    assert _verdict(client, cancel)["official"] is True
    for fake in (
        "https://close.example.evil.io/closure/x/cancel",
        "https://c1ose.example/closure/x/cancel",
        "https://close.example:8443/closure/x/cancel",
        "http://close.example/closure/x/cancel",
    ):
        assert _verdict(client, fake)["official"] is False, fake
    # The demo's own address is not official once the service lives elsewhere.
    assert _verdict(client, DEMO + "/closure/x/cancel")["official"] is False
