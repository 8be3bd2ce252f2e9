"""Decimal helpers. Money and quantities are ``Decimal`` end to end, never float."""

from __future__ import annotations

from decimal import Decimal

ZERO = Decimal(0)


def to_wire(value: Decimal) -> str:
    """Render a Decimal for the wire: plain notation, no exponent, no trailing zeros."""
    if value == ZERO:
        return "0"
    # normalize() would round to the context's 28 digits; formatting keeps every digit.
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text
