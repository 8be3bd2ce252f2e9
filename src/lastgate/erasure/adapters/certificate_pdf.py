"""The closure certificate as a PDF for people, with the signed JSON attached inside.

The attached ``closure-certificate.json`` is the authoritative document; the printed
pages are its reading copy. ``embedded_document`` takes the JSON back out so that the PDF
alone can be verified. The same signed document always renders to the same bytes.
"""

from __future__ import annotations

import json
import re
import zlib
from datetime import datetime
from typing import Any

from fpdf import FPDF
from fpdf.fonts import FontFace

from lastgate.erasure.model.certificate import (
    ClosureCertificate,
    InvalidCertificate,
    canonical_json,
    format_instant,
    from_document,
)

ATTACHMENT_NAME = "closure-certificate.json"
VERIFY_COMMAND = "lastgate certificate verify FILE --public-key KEY.pem"

_ACTION_LABELS = {"delete": "Deleted", "anonymise": "Anonymised", "retain": "Retained"}
# Core PDF fonts cover Latin-1 only; the JSON keeps the exact text.
_PUNCTUATION = str.maketrans({"\u2014": "-", "\u2013": "-", "\u2018": "'", "\u2019": "'"})
_EMBEDDED_FILE = re.compile(rb"/Type\s*/EmbeddedFile\b")


def render_pdf(signed_document: dict[str, Any]) -> bytes:
    """A one-to-two page certificate for the customer and the auditor."""
    cert = from_document(signed_document["certificate"])
    signature = signed_document["signature"]
    pdf = _Certificate(cert)
    pdf.set_title("Closure certificate")
    pdf.set_author(_latin(cert.issuer))
    pdf.set_subject(f"Closure certificate for UID {_latin(cert.uid)}")
    pdf.set_creator("lastgate")
    pdf.set_creation_date(cert.issued_at)
    pdf.set_margins(18, 14, 18)
    pdf.set_auto_page_break(True, margin=16)
    pdf.add_page()
    _heading(pdf, cert)
    _categories(pdf, cert)
    _forfeited(pdf, cert)
    _scan(pdf, cert)
    _signature(pdf, signature)
    _how_to_verify(pdf)
    pdf.embed_file(
        bytes=_attachment(signed_document),
        basename=ATTACHMENT_NAME,
        desc="The signed closure certificate (authoritative)",
        mime_type="application/json",
        creation_date=cert.issued_at,
        modification_date=cert.issued_at,
    )
    return bytes(pdf.output())


def embedded_document(pdf: bytes) -> bytes:
    """The signed JSON attached to a certificate PDF; ``InvalidCertificate`` if none is."""
    streams = [_stream_after(pdf, match.end()) for match in _EMBEDDED_FILE.finditer(pdf)]
    if len(streams) != 1:
        raise InvalidCertificate(
            "the PDF does not carry exactly one attached certificate: verify the JSON file"
        )
    return streams[0]


class _Certificate(FPDF):
    def __init__(self, cert: ClosureCertificate) -> None:
        super().__init__(format="A4")
        self._footer_text = _latin(f"{cert.issuer} - closure certificate {cert.certificate_id}")

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", size=7)
        self.set_text_color(110)
        self.cell(0, 5, self._footer_text, align="L")
        self.cell(0, 5, f"page {self.page_no()}/{{nb}}", align="R")
        self.set_text_color(0)


def _heading(pdf: FPDF, cert: ClosureCertificate) -> None:
    pdf.set_font("Helvetica", "B", 17)
    pdf.cell(0, 9, "Certificate of account closure and data erasure", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)
    pdf.set_text_color(80)
    pdf.cell(0, 6, _latin(f"Issued by {cert.issuer}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0)
    pdf.ln(3)
    rows = (
        ("Customer UID", cert.uid),
        ("Closure", cert.closure_id),
        ("Account closed at", _when(cert.closed_at)),
        ("Certificate", cert.certificate_id),
        ("Issued at", _when(cert.issued_at)),
    )
    for label, value in rows:
        pdf.set_font("Helvetica", "B", 9.5)
        pdf.cell(38, 5, label)
        pdf.set_font("Helvetica", size=9.5)
        pdf.cell(0, 5, _latin(value), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font("Helvetica", size=9.5)
    pdf.multi_cell(
        0,
        5,
        _latin(
            f"{cert.issuer} closed this account. Each category of the customer's data was "
            "deleted, anonymised (kept with no link to the person), or retained because the "
            "law requires it, until the date shown; then it is destroyed."
        ),
        new_x="LMARGIN",
        new_y="NEXT",
        align="L",
    )
    pdf.ln(3)


def _categories(pdf: FPDF, cert: ClosureCertificate) -> None:
    _section(pdf, "What happened to each category of data")
    header = FontFace(emphasis="BOLD", fill_color=(232, 236, 241))
    pdf.set_font("Helvetica", size=7.5)
    with pdf.table(
        col_widths=(56, 18, 80, 20),
        text_align=("LEFT", "LEFT", "LEFT", "LEFT"),
        headings_style=header,
        line_height=3.5,
        padding=(1, 1.2),
        borders_layout="HORIZONTAL_LINES",
        repeat_headings=1,
    ) as table:
        table.row(("Category", "Action", "Legal basis", "Retained until"))
        for entry in cert.entries:
            row = table.row()
            row.cell(_latin(f"{entry.category}\n{entry.description}"))
            row.cell(_ACTION_LABELS.get(entry.action, entry.action))
            row.cell(_latin(entry.legal_basis))
            row.cell(entry.retained_until.isoformat() if entry.retained_until else "-")
    pdf.ln(3)


def _forfeited(pdf: FPDF, cert: ClosureCertificate) -> None:
    if not cert.forfeited:
        return
    _section(pdf, "Small balances given up with the customer's consent")
    header = FontFace(emphasis="BOLD", fill_color=(232, 236, 241))
    pdf.set_font("Helvetica", size=7.5)
    with pdf.table(
        col_widths=(24, 24, 50, 44, 32),
        text_align=("LEFT", "LEFT", "RIGHT", "LEFT", "LEFT"),
        headings_style=header,
        line_height=3.5,
        padding=(1, 1.2),
        borders_layout="HORIZONTAL_LINES",
        repeat_headings=1,
    ) as table:
        table.row(("Account", "Asset", "Amount", "Given up at", "Consent by"))
        for f in cert.forfeited:
            table.row(
                (
                    _latin(f.account_type),
                    _latin(f.asset),
                    f.amount,
                    _when(f.forfeited_at),
                    _latin(f.consent_by),
                )
            )
    pdf.ln(3)


def _scan(pdf: FPDF, cert: ClosureCertificate) -> None:
    _section(pdf, "Verification scan")
    pdf.set_font("Helvetica", size=9.5)
    scan = cert.scan
    if scan.passed:
        text = (
            f"Passed. {scan.tables_checked} tables were checked independently of the erasure: "
            "no row outside the retained categories still names the customer."
        )
    else:
        text = (
            f"Failed. {scan.tables_checked} tables were checked; {len(scan.findings)} "
            "finding(s) still name the customer outside the retained categories:"
        )
    pdf.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT", align="L")
    for finding in scan.findings:
        pdf.multi_cell(0, 5, _latin(f"  - {finding}"), new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.ln(3)


def _signature(pdf: FPDF, signature: dict[str, Any]) -> None:
    _section(pdf, "Signature")
    for label, value in (
        ("Algorithm", signature["algorithm"]),
        ("Key id", signature["key_id"]),
    ):
        pdf.set_font("Helvetica", "B", 9.5)
        pdf.cell(38, 5, label)
        pdf.set_font("Courier", size=9.5)
        pdf.cell(0, 5, _latin(str(value)), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "B", 9.5)
    pdf.cell(38, 5, "Value")
    pdf.set_font("Courier", size=8.5)
    pdf.multi_cell(
        0, 4.5, _latin(str(signature["value"])), new_x="LMARGIN", new_y="NEXT", align="L"
    )
    pdf.ln(3)


def _how_to_verify(pdf: FPDF) -> None:
    _section(pdf, "How to verify")
    pdf.set_font("Helvetica", size=9.5)
    pdf.multi_cell(
        0,
        5,
        f"The signed JSON document ({ATTACHMENT_NAME}, also attached to this PDF) is the "
        "authoritative certificate; this page is its reading copy. Get the issuer's public "
        "key (GET /v1/certificate-key, or `lastgate certificate public-key`), check that its "
        "key id matches the one above, then run:",
        new_x="LMARGIN",
        new_y="NEXT",
        align="L",
    )
    pdf.set_font("Courier", "B", 9.5)
    pdf.cell(0, 7, f"    {VERIFY_COMMAND}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=9.5)
    pdf.multi_cell(
        0,
        5,
        "FILE may be the JSON document or this PDF. Any Ed25519 implementation can check it "
        "too: the signature covers the certificate object serialised as JSON with sorted "
        "keys, no whitespace, UTF-8. Any change to any field makes verification fail.",
        new_x="LMARGIN",
        new_y="NEXT",
        align="L",
    )


def _section(pdf: FPDF, title: str) -> None:
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(0, 6.5, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_draw_color(180)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(2)


def _when(value: datetime) -> str:
    return format_instant(value).replace("T", " ").replace("Z", " UTC")


def _latin(text: str) -> str:
    return text.translate(_PUNCTUATION).encode("latin-1", "replace").decode("latin-1")


def _attachment(signed_document: dict[str, Any]) -> bytes:
    # Indented for people who open the attachment; verification re-canonicalises it.
    canonical_json(signed_document)  # refuses NaN and other non-JSON values early
    return (json.dumps(signed_document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _stream_after(pdf: bytes, position: int) -> bytes:
    """The decoded stream of the PDF object whose dictionary contains ``position``."""
    start = pdf.find(b"stream", position)
    object_start = pdf.rfind(b" obj", 0, position)
    if start < 0 or object_start < 0:
        raise InvalidCertificate("the PDF's attached certificate cannot be read")
    dictionary = pdf[object_start:start]
    length = re.search(rb"/Length\s+(\d+)\b", dictionary)
    body_start = start + len(b"stream")
    body_start += 2 if pdf[body_start : body_start + 2] == b"\r\n" else 1
    if length is None:
        raise InvalidCertificate("the PDF's attached certificate has no length")
    body = pdf[body_start : body_start + int(length.group(1))]
    if re.search(rb"/Filter\s*/FlateDecode\b", dictionary):
        try:
            body = zlib.decompress(body)
        except zlib.error:
            raise InvalidCertificate("the PDF's attached certificate is corrupt") from None
    return body
