"""Amounts on the wire keep every digit."""

from decimal import Decimal

import pytest

from lastgate.kernel.money import to_wire


@pytest.mark.parametrize(
    ("value", "wire"),
    [
        ("12345678901234567890.123456789012345678", "12345678901234567890.123456789012345678"),
        ("0.000000000000000001", "0.000000000000000001"),
        ("1.50000", "1.5"),
        ("100", "100"),
        ("1E+3", "1000"),
        ("0.000", "0"),
    ],
)
def test_to_wire_is_plain_and_exact(value: str, wire: str) -> None:
    assert to_wire(Decimal(value)) == wire
