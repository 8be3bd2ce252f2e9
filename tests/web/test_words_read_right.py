"""Words the page walk found wrong, read right: an order's "open" is not a ticket's, the
order's market is its trading pair, hold kinds in staff evidence have labels, the state
just after submitting is waiting for verification, the system as an actor, and the
"is this official?" answer's label ends in the reader's colon."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from lastgate.app.api import create_app
from lastgate.kernel.present import Kind, label
from tests.desk_support import desk_settings

ZH = "zh_Hans"


@pytest.fixture
def app(engine, clock, tmp_path):
    return create_app(desk_settings(tmp_path), engine=engine, clock=clock)


def test_codes_that_read_wrong_in_chinese_have_their_own_words() -> None:
    assert label(Kind.VALUE, "open", ZH) == "未成交"  # an order not filled yet
    assert label(Kind.TICKET_STATE, "open", ZH) == "处理中"  # a ticket being handled
    assert label(Kind.FIELD, "symbol", ZH) == "交易对"
    assert label(Kind.VALUE, "market", ZH) == "市价"  # the order kind keeps its word
    assert label(Kind.VALUE, "risk_lock", ZH) == label(Kind.HOLD_KIND, "risk_lock", ZH)
    assert label(Kind.VALUE, "risk_lock", "en") == "Risk control lock"
    assert label(Kind.CLOSURE_STATE, "draft", ZH) == "待安全验证"
    assert label(Kind.CLOSURE_STATE, "draft", "en") == "Waiting for verification"
    assert label(Kind.ROLE, "system", ZH) == "系统"


def test_the_official_check_labels_the_value_with_the_readers_colon(app) -> None:
    anyone = TestClient(app, base_url="http://127.0.0.1")
    params = {"value": "help@examp1e.com"}
    chinese = anyone.get("/web/official", params={**params, "lang": "zh-Hans"}).text
    assert "电子邮件地址：" in chinese and "电子邮件地址:" not in chinese  # noqa: RUF001
    english = TestClient(app, base_url="http://127.0.0.1")  # no language cookie
    assert "E-mail address:" in english.get("/web/official", params=params).text
