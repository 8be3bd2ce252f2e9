"""The presentation layer's Jinja filters and globals read the page's language and clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from jinja2 import Environment

from lastgate.platform.web.present import install

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
TEMPLATE = (
    "{{ code|label('check') }} | {{ n|amount('BTC') }} | {{ v|money }} | {{ at|when }} | "
    "{{ at|when_relative }} | {{ at|countdown }} | "
    "{{ ngettext('{count} small balance', '{count} small balances', 2) }}"
)


@pytest.fixture
def env() -> Environment:
    environment = Environment(autoescape=True)
    install(environment)
    return environment


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            "Small balances left | 0.0001\u00a0BTC | 0.90\u00a0USD | Dec 7, 2026, 09:00 UTC | "
            "Dec 7, 2026, 09:00 UTC (in 6 days) | 6 days left | 2 small balances",
        ),
        (
            "zh_Hans",
            "仍有小额资产 | 0.0001\u00a0BTC | 0.90\u00a0USD | 2026年12月7日 09:00 UTC | "
            "2026年12月7日 09:00 UTC（6天后） | 还剩 6天 | 2 small balances",  # noqa: RUF001
        ),
    ],
)
def test_filters_speak_the_pages_language_on_its_clock(
    env: Environment, language: str, expected: str
) -> None:
    html = env.from_string(TEMPLATE).render(
        language=language,
        now=NOW,
        code="DUST_REMAINING",
        n=Decimal("0.000100000000000000"),
        v="0.9",
        at=NOW + timedelta(days=6),
    )
    assert html == expected


def test_a_missing_moment_renders_nothing(env: Environment) -> None:
    assert (
        env.from_string("[{{ none|when }}{{ none|countdown }}]").render(
            language="en", now=NOW, none=None
        )
        == "[]"
    )
