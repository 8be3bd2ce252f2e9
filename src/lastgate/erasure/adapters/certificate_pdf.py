"""The closure certificate as a PDF for people, with the signed JSON attached inside.

The attached ``closure-certificate-<id>.json`` (``file_name``: the name the JSON is also
downloaded under) is the authoritative document; the printed pages are its reading copy,
in the reader's language (English or Simplified Chinese).
``embedded_document`` takes the JSON back out so that the PDF alone can be verified. The
same signed document in the same language always renders to the same bytes.

Text is set in Noto Sans SC (SIL OFL 1.1), shipped in ``fonts/`` as a subset that
``scripts/build_cjk_font.py`` regenerates from the Chinese catalog, so no system font is
needed. Signatures and commands are in the core Courier font (ASCII).
"""

from __future__ import annotations

import json
import re
import zlib
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.enums import WrapMode
from fpdf.fonts import FontFace

from lastgate.erasure.model.certificate import (
    ClosureCertificate,
    InvalidCertificate,
    canonical_json,
    file_name,
    from_document,
)
from lastgate.erasure.model.data_map import category_label
from lastgate.kernel.i18n import ENGLISH, translations
from lastgate.kernel.messages import N_, N_plural
from lastgate.kernel.present import formats
from lastgate.kernel.present.labels import label as code_label
from lastgate.kernel.present.vocabulary import VALUES, Kind

VERIFY_COMMAND = "lastgate certificate verify FILE --public-key KEY.pem"
FONT_DIR = Path(__file__).with_name("fonts")
FONT = "NotoSansSC"
FONT_FILES = {"": "NotoSansSC-Regular-subset.ttf", "B": "NotoSansSC-Bold-subset.ttf"}

_ACTION_LABELS = {
    "delete": N_("Deleted"),
    "anonymise": N_("Anonymised"),
    "retain": N_("Retained"),
}
_CONSENT_LABELS = {"account_holder": N_("The account holder")}
_EMBEDDED_FILE = re.compile(rb"/Type\s*/EmbeddedFile\b")

TITLE = N_("Closure certificate")
HEADING = N_("Certificate of account closure and data erasure")
ISSUED_BY = N_("Issued by {issuer}")
SUBJECT = N_("Closure certificate for UID {uid}")
FOOTER = N_("{issuer} - closure certificate {certificate_id}")
PAGE = N_("page {page} of {pages}")
ROW_LABELS = (
    N_("Your UID"),
    N_("Closure request"),
    N_("Account closed at"),
    N_("Certificate number"),
    N_("Issued at"),
)
SUMMARY = N_(
    "{issuer} closed your account. Each category of your data was deleted, anonymised "
    "(kept with no link to you), or retained because the law requires it, until the date "
    "shown; then it is destroyed."
)
CATEGORIES_TITLE = N_("What happened to each category of data")
CATEGORY_HEADINGS = (N_("Category"), N_("Action taken"), N_("Legal basis"), N_("Retained until"))
FORFEITED_TITLE = N_("Small balances given up with your consent")
FORFEITED_HEADINGS = (
    N_("Account"),
    N_("Asset"),
    N_("Amount"),
    N_("Given up at"),
    N_("Consent by"),
)
SCAN_TITLE = N_("Verification scan")
SCAN_PASSED = N_(
    "Passed. {tables} tables were checked independently of the erasure: no row outside "
    "the retained categories still names you."
)
SCAN_FAILED = N_plural(
    "Failed. {tables} tables were checked; {count} finding still names you outside the "
    "retained categories:",
    "Failed. {tables} tables were checked; {count} findings still name you outside the "
    "retained categories:",
)
SIGNATURE_TITLE = N_("Signature")
SIGNATURE_LABELS = (N_("Algorithm"), N_("Key id"), N_("Signature value"))
VERIFY_TITLE = N_("How to verify")
VERIFY_ONLINE = N_("In a browser: open {url} and choose this PDF.")
VERIFY_INTRO = N_(
    "The signed JSON document ({attachment}, also attached to this PDF) is the "
    "authoritative certificate; this page is its reading copy. Get the issuer's public key "
    "(GET /v1/certificate-key, or lastgate certificate public-key), check that its key id "
    "matches the one above, then run:"
)
VERIFY_OUTRO = N_(
    "FILE may be the JSON document or this PDF. Any Ed25519 implementation can check it "
    "too: the signature covers the certificate object serialised as JSON with sorted keys, "
    "no whitespace, UTF-8. Any change to any field makes verification fail."
)
ATTACHMENT_DESCRIPTION = "The signed closure certificate (authoritative)"


def pdf_msgids() -> tuple[str, ...]:
    """Every catalog id the PDF may print (the font subset must cover their translations);
    the plural pair ``SCAN_FAILED`` by its singular."""
    from lastgate.erasure.model.data_map import CATEGORIES
    from lastgate.platform.policy_files import PolicyDirectory

    ids = [TITLE, HEADING, ISSUED_BY, SUBJECT, FOOTER, PAGE, SUMMARY, CATEGORIES_TITLE]
    ids += [FORFEITED_TITLE, SCAN_TITLE, SCAN_PASSED, SCAN_FAILED[0], SIGNATURE_TITLE]
    ids += [VERIFY_TITLE, VERIFY_ONLINE, VERIFY_INTRO, VERIFY_OUTRO, *ROW_LABELS]
    ids += [*CATEGORY_HEADINGS]
    ids += [*FORFEITED_HEADINGS, *SIGNATURE_LABELS, *_ACTION_LABELS.values()]
    ids += [*_CONSENT_LABELS.values(), *VALUES.values()]  # account types among the values
    for c in CATEGORIES:
        ids += [c.label, c.description]
    for policy in PolicyDirectory.load().policies.values():  # the shipped legal bases
        ids += [c.legal_basis(policy.retention.legal_basis) for c in CATEGORIES]
    return tuple(dict.fromkeys(ids))


class _Text:
    """The catalog of one language, for the PDF's words."""

    def __init__(self, language: str) -> None:
        self.language = language
        self._t = translations(language)
        #: Chinese has no spaces to break lines at: break between any two characters.
        self.wrap = WrapMode.WORD if language == ENGLISH else WrapMode.CHAR

    def __call__(self, msgid: str, **params: object) -> str:
        return self._t.gettext(msgid).format(**params)

    def data(self, text: str) -> str:
        """A text from the signed document: its translation when the catalog has one."""
        return self._t.gettext(text) if text else text

    def plural(self, forms: tuple[str, str], count: int, **params: object) -> str:
        return self._t.ngettext(forms[0], forms[1], count).format(count=count, **params)


def render_pdf(
    signed_document: dict[str, Any], language: str = ENGLISH, *, check_url: str = ""
) -> bytes:
    """A one-to-two page certificate for the customer and the auditor, in ``language``;
    its "How to verify" names ``check_url``, the issuer's check page, when given."""
    cert = from_document(signed_document["certificate"])
    signature = signed_document["signature"]
    _ = _Text(language)
    pdf = _Certificate(cert, _)
    pdf.set_lang("zh-Hans" if language != ENGLISH else "en")
    pdf.set_title(_(TITLE))
    pdf.set_author(cert.issuer)
    pdf.set_subject(_(SUBJECT, uid=cert.uid))
    pdf.set_creator("lastgate")
    pdf.set_creation_date(cert.issued_at)
    pdf.set_margins(18, 14, 18)
    pdf.set_auto_page_break(True, margin=16)
    pdf.add_page()
    _heading(pdf, cert, _)
    _categories(pdf, cert, _)
    _forfeited(pdf, cert, _)
    _scan(pdf, cert, _)
    _signature(pdf, signature, _)
    attached = file_name(cert.certificate_id, "json")  # as the JSON is downloaded
    _how_to_verify(pdf, _, check_url, attached)
    pdf.embed_file(
        bytes=_attachment(signed_document),
        basename=attached,
        desc=ATTACHMENT_DESCRIPTION,
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
    def __init__(self, cert: ClosureCertificate, text: _Text) -> None:
        super().__init__(format="A4")
        for style, name in FONT_FILES.items():
            self.add_font(FONT, style, str(FONT_DIR / name))
        self._text = text
        self._footer_text = text(FOOTER, issuer=cert.issuer, certificate_id=cert.certificate_id)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, size=7)
        self.set_text_color(110)
        self.cell(0, 5, self._footer_text, align="L")
        self.cell(0, 5, self._text(PAGE, page=self.page_no(), pages="{nb}"), align="R")
        self.set_text_color(0)


def _heading(pdf: FPDF, cert: ClosureCertificate, _: _Text) -> None:
    pdf.set_font(FONT, "B", 17)
    pdf.cell(0, 9, _(HEADING), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=10)
    pdf.set_text_color(80)
    pdf.cell(0, 6, _(ISSUED_BY, issuer=cert.issuer), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0)
    pdf.ln(3)
    values = (
        cert.uid,
        cert.closure_id,
        formats.datetime_text(cert.closed_at, _.language),
        cert.certificate_id,
        formats.datetime_text(cert.issued_at, _.language),
    )
    for label, value in zip(ROW_LABELS, values, strict=True):
        pdf.set_font(FONT, "B", 9.5)
        pdf.cell(38, 5, _(label))
        pdf.set_font(FONT, size=9.5)
        pdf.cell(0, 5, value, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font(FONT, size=9.5)
    summary = _(SUMMARY, issuer=cert.issuer)
    pdf.multi_cell(0, 5, summary, new_x="LMARGIN", new_y="NEXT", align="L", wrapmode=_.wrap)
    pdf.ln(3)


def _table(pdf: FPDF, widths: tuple[int, ...], align: tuple[str, ...]) -> Any:
    return pdf.table(
        col_widths=widths,
        text_align=align,
        headings_style=FontFace(emphasis="BOLD", fill_color=(232, 236, 241)),
        line_height=3.8,
        padding=(1, 1.2),
        borders_layout="HORIZONTAL_LINES",
        repeat_headings=1,
    )


def _categories(pdf: FPDF, cert: ClosureCertificate, _: _Text) -> None:
    _section(pdf, _(CATEGORIES_TITLE))
    pdf.set_font(FONT, size=7.5)
    with _table(pdf, (52, 18, 78, 26), ("LEFT", "LEFT", "LEFT", "LEFT")) as table:
        table.row(tuple(_(h) for h in CATEGORY_HEADINGS))
        for entry in cert.entries:
            row = table.row()
            row.cell(f"{_.data(category_label(entry.category))}\n{_.data(entry.description)}")
            row.cell(_.data(_ACTION_LABELS.get(entry.action, entry.action)))
            row.cell(_.data(entry.legal_basis))
            until = entry.retained_until
            row.cell(
                formats.date(datetime.combine(until, time(), UTC), _.language) if until else "-"
            )
    pdf.ln(3)


def _forfeited(pdf: FPDF, cert: ClosureCertificate, _: _Text) -> None:
    if not cert.forfeited:
        return
    _section(pdf, _(FORFEITED_TITLE))
    pdf.set_font(FONT, size=7.5)
    align = ("LEFT", "LEFT", "RIGHT", "LEFT", "LEFT")
    with _table(pdf, (24, 24, 50, 44, 32), align) as table:
        table.row(tuple(_(h) for h in FORFEITED_HEADINGS))
        for f in cert.forfeited:
            consent = _CONSENT_LABELS.get(f.consent_by)
            table.row(
                (
                    code_label(Kind.VALUE, f.account_type, _.language),
                    f.asset,
                    formats.amount(f.amount, _.language),  # every digit signed, grouped
                    formats.datetime_text(f.forfeited_at, _.language),
                    _(consent) if consent else f.consent_by,
                )
            )
    pdf.ln(3)


def _scan(pdf: FPDF, cert: ClosureCertificate, _: _Text) -> None:
    _section(pdf, _(SCAN_TITLE))
    pdf.set_font(FONT, size=9.5)
    scan = cert.scan
    if scan.passed:
        text = _(SCAN_PASSED, tables=scan.tables_checked)
    else:
        text = _.plural(SCAN_FAILED, len(scan.findings), tables=scan.tables_checked)
    pdf.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT", align="L", wrapmode=_.wrap)
    for finding in scan.findings:
        pdf.multi_cell(0, 5, f"  - {finding}", new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.ln(3)


def _signature(pdf: FPDF, signature: dict[str, Any], _: _Text) -> None:
    _section(pdf, _(SIGNATURE_TITLE))
    algorithm, key, value = SIGNATURE_LABELS
    for label, text in ((algorithm, signature["algorithm"]), (key, signature["key_id"])):
        pdf.set_font(FONT, "B", 9.5)
        pdf.cell(38, 5, _(label))
        pdf.set_font("Courier", size=9.5)
        pdf.cell(0, 5, _ascii(str(text)), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "B", 9.5)
    pdf.cell(38, 5, _(value))
    pdf.set_font("Courier", size=8.5)
    pdf.multi_cell(
        0, 4.5, _ascii(str(signature["value"])), new_x="LMARGIN", new_y="NEXT", align="L"
    )
    pdf.ln(3)


def _how_to_verify(pdf: FPDF, _: _Text, check_url: str, attached: str) -> None:
    _section(pdf, _(VERIFY_TITLE))
    pdf.set_font(FONT, size=9.5)
    if check_url:  # anyone handed the PDF, with nothing to install
        online = _(VERIFY_ONLINE, url=check_url)
        pdf.multi_cell(0, 5, online, new_x="LMARGIN", new_y="NEXT", align="L", wrapmode=_.wrap)
        pdf.ln(1)
    intro = _(VERIFY_INTRO, attachment=attached)
    pdf.multi_cell(0, 5, intro, new_x="LMARGIN", new_y="NEXT", align="L", wrapmode=_.wrap)
    pdf.set_font("Courier", "B", 9.5)
    pdf.cell(0, 7, f"    {VERIFY_COMMAND}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=9.5)
    outro = _(VERIFY_OUTRO)
    pdf.multi_cell(0, 5, outro, new_x="LMARGIN", new_y="NEXT", align="L", wrapmode=_.wrap)


#: A heading with its rule and first three lines (mm): a section starts on a new page
#: rather than leave its heading alone at the foot of one.
KEEP_WITH_HEADING = 6.5 + 2 + 3 * 5


def _section(pdf: FPDF, title: str) -> None:
    if pdf.will_page_break(KEEP_WITH_HEADING):
        pdf.add_page()
    pdf.set_font(FONT, "B", 11)
    pdf.cell(0, 6.5, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_draw_color(180)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(2)


def _ascii(text: str) -> str:
    """Courier covers Latin-1 only; signatures and key ids are ASCII anyway."""
    return text.encode("latin-1", "replace").decode("latin-1")


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
