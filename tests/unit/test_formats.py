"""How a policy's line or limit reads on the pages (``formats.threshold``)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from lastgate.kernel.present import formats


@pytest.mark.parametrize("lang", ["en", "zh_Hans"])
def test_a_threshold_reads_as_the_checks_sentences_name_it(lang) -> None:
    """A policy's line or limit keeps its own digits, as ``to_wire`` writes it into the
    checks' sentences ("worth at most 10 USD"): never "10.00 USD" beside "10 USD"."""
    assert formats.threshold(Decimal("10"), lang) == "10\u00a0USD"
    assert formats.threshold(Decimal("10.00"), lang) == "10\u00a0USD"
    assert formats.threshold(Decimal("10.21"), lang) == "10.21\u00a0USD"
    assert formats.threshold(Decimal("1500"), lang) == "1,500\u00a0USD"
    assert formats.money(Decimal("10"), lang) == "10.00\u00a0USD"  # a value stays to the cent
