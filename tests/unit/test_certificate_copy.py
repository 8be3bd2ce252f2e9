"""A customer's copy of their certificate PDF, attached to a ticket: kept as lastgate
draws it again once it verifies against lastgate's key (in the copy's language), with
nothing else of the copy; anything that does not verify is not a certificate of ours."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from lastgate.erasure.adapters.certificate_copy import as_issued
from lastgate.erasure.adapters.certificate_pdf import embedded_document, render_pdf
from lastgate.erasure.adapters.certificate_signing import public_key_pem, sign, verify
from tests.unit.test_certificate import SETTINGS, certificate


@pytest.fixture(scope="module")
def signed() -> dict[str, object]:
    return sign(certificate(), SETTINGS)


@pytest.mark.parametrize(("language", "lang"), [("en", "en"), ("zh_Hans", "zh-Hans")])
def test_a_genuine_copy_is_drawn_again_in_its_own_language(signed, language, lang) -> None:
    copy = render_pdf(signed, language)
    kept = as_issued(copy, SETTINGS)
    assert kept is not None and kept.startswith(b"%PDF")
    assert verify(kept, public_key_pem(SETTINGS)).uid == certificate().uid
    assert embedded_document(kept) == embedded_document(copy)
    assert f"/Lang ({lang})".encode() in kept


def test_what_was_added_to_a_genuine_copy_does_not_survive(signed) -> None:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(render_pdf(signed))))
    _with_script(writer)
    writer.add_attachment("payload.exe", b"MZ not a certificate")
    out = io.BytesIO()
    writer.write(out)
    added = out.getvalue()
    root = PdfReader(io.BytesIO(added)).trailer["/Root"]
    assert "/OpenAction" in root and len(PdfReader(io.BytesIO(added)).attachments) == 2
    # The copy now carries two attached files: not exactly one certificate, so not ours.
    assert as_issued(added, SETTINGS) is None


def test_a_script_added_to_a_genuine_copy_is_gone_from_what_is_kept(signed) -> None:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(render_pdf(signed))))
    _with_script(writer)
    out = io.BytesIO()
    writer.write(out)
    assert "/OpenAction" in PdfReader(io.BytesIO(out.getvalue())).trailer["/Root"]
    kept = as_issued(out.getvalue(), SETTINGS)
    assert kept is not None and b"app.alert" not in kept
    action = PdfReader(io.BytesIO(kept)).trailer["/Root"]["/OpenAction"]
    assert "/JS" not in str(action) and "/JavaScript" not in str(action)  # fpdf's own view


def test_a_certificate_signed_by_another_key_or_altered_is_not_ours(signed) -> None:
    other = SETTINGS.model_copy(update={"certificate_signing_key": _key()})
    assert as_issued(render_pdf(sign(certificate(), other)), SETTINGS) is None
    altered = {**signed, "certificate": {**signed["certificate"], "uid": "SOMEONE-ELSE"}}
    assert as_issued(render_pdf(altered), SETTINGS) is None


def test_an_ordinary_pdf_or_another_file_is_not_a_certificate() -> None:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    out = io.BytesIO()
    writer.write(out)
    assert as_issued(out.getvalue(), SETTINGS) is None
    assert as_issued(b"\x89PNG\r\n\x1a\n", SETTINGS) is None


def _with_script(writer: PdfWriter) -> None:
    """A JavaScript open action, as a tampered copy would carry."""
    writer.root_object[NameObject("/OpenAction")] = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('hello');"),
        }
    )


def _key():
    import base64
    import os

    from pydantic import SecretStr

    return SecretStr(base64.b64encode(os.urandom(32)).decode())
