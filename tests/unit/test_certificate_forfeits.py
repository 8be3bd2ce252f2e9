"""The balances a customer gave up, on the certificate: listed when there are any, signed
with the rest, checked when read back; absent otherwise, so that every certificate issued
without them keeps the bytes it was signed over."""

from __future__ import annotations

import copy
import io
from datetime import timedelta

import pytest
from pypdf import PdfReader

from lastgate.erasure.adapters.certificate_pdf import embedded_document, render_pdf
from lastgate.erasure.adapters.certificate_signing import public_key_pem, sign, verify
from lastgate.erasure.model.certificate import (
    ForfeitedBalance,
    InvalidCertificate,
    from_document,
    to_document,
)
from tests.unit.test_certificate import CLOSED_AT, SETTINGS, certificate

GIVEN_UP = (
    ForfeitedBalance("funding", "LUNC", "15000", CLOSED_AT - timedelta(days=15), "account_holder"),
    ForfeitedBalance("funding", "USDT", "1.519", CLOSED_AT - timedelta(days=15), "account_holder"),
)


def test_a_certificate_without_forfeits_has_no_forfeited_field() -> None:
    assert "forfeited" not in to_document(certificate())


def test_the_forfeits_are_signed_listed_and_read_back() -> None:
    signed = sign(certificate(forfeited=GIVEN_UP), SETTINGS)
    assert signed["certificate"]["forfeited"][1] == {
        "account_type": "funding",
        "asset": "USDT",
        "amount": "1.519",
        "forfeited_at": "2026-11-08T12:00:00Z",
        "consent_by": "account_holder",
    }
    assert verify(signed, public_key_pem(SETTINGS)).forfeited == GIVEN_UP


def test_a_changed_forfeit_breaks_the_signature() -> None:
    signed = sign(certificate(forfeited=GIVEN_UP), SETTINGS)
    altered = copy.deepcopy(signed)
    altered["certificate"]["forfeited"][1]["amount"] = "0.519"
    with pytest.raises(InvalidCertificate, match="altered"):
        verify(altered, public_key_pem(SETTINGS))
    dropped = copy.deepcopy(signed)
    del dropped["certificate"]["forfeited"]
    with pytest.raises(InvalidCertificate, match="altered"):
        verify(dropped, public_key_pem(SETTINGS))


@pytest.mark.parametrize("amount", ["0", "-1", "1.50", "1e3", "abc", ""])
def test_a_forfeit_amount_must_be_a_positive_plain_decimal(amount: str) -> None:
    with pytest.raises(InvalidCertificate, match="amount"):
        ForfeitedBalance("funding", "USDT", amount, CLOSED_AT, "account_holder")


def test_an_empty_or_malformed_forfeited_list_is_refused() -> None:
    document = to_document(certificate(forfeited=GIVEN_UP))
    for bad in ([], [{"asset": "USDT"}], "USDT"):
        with pytest.raises(InvalidCertificate, match="forfeited"):
            from_document({**document, "forfeited": bad})


def _page_text(pdf: bytes) -> str:
    """The text of the PDF's pages, as a reader extracts it."""
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_pdf_lists_the_forfeits_and_carries_them_signed() -> None:
    pdf = render_pdf(sign(certificate(forfeited=GIVEN_UP), SETTINGS))
    assert verify(embedded_document(pdf), public_key_pem(SETTINGS)).forfeited == GIVEN_UP
    text = _page_text(pdf)
    assert "Small balances given up" in text and "1.519" in text
    assert "Small balances given up" not in _page_text(render_pdf(sign(certificate(), SETTINGS)))
