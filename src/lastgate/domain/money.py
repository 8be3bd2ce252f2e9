"""Decimal helpers. Money and quantities are ``Decimal`` end to end, never float."""

from __future__ import annotations

from decimal import Decimal

ZERO = Decimal(0)


def to_wire(value: Decimal) -> str:
    """Render a Decimal for the wire: plain notation, no exponent, no trailing zeros."""
    if value == ZERO:
        return "0"
    text = format(value.normalize(), "f")
    return text
