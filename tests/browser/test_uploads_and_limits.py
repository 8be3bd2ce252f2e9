"""Uploads and limits in the browser, in English and in Chinese: a customer attaches a
real photo to a ticket and it is received; a PDF with a script in it is refused with a
clear reason on the same page; identity evidence is received on the closure page, and
one too large for the form answers an error page saying so; a flood of "is this
official?" checks ends on a page that says to wait; another site's page cannot send a
signed-in customer's browser's upload."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from lastgate.closure.model.lifecycle import ClosureState
from lastgate.desk.model.tickets import TicketCategory
from lastgate.desk.service import desk as d
from lastgate.desk.wiring import build_desk
from lastgate.kernel.settings import Settings
from tests import upload_samples as sample
from tests.browser.conftest import follow, screenshot
from tests.builders import account, load
from tests.workflow_support import customer, request_in, settings, workflow

EVIDENCE_MAX = 64 * 1024
TEXT = {
    "en": {
        "received": "File received.",
        "script": "This PDF contains scripts or embedded files",
        "evidence": "File received. An agent will review it.",
        "document_received": "ID document: received; an agent will check it",
        "selfie_missing": "Selfie: not sent yet",
        "too_large": "What you sent is too large. Choose a smaller file.",
        "wait": "Too many requests in a short time. Wait a little, then try again.",
    },
    "zh-Hans": {
        "received": "文件已收到",
        "script": "此 PDF 含有脚本或嵌入文件",
        "evidence": "文件已收到",
        "document_received": "身份证件：已收到，工作人员将进行审核",  # noqa: RUF001
        "selfie_missing": "自拍：尚未提交",  # noqa: RUF001
        "too_large": "您提交的内容过大，请选择较小的文件。",  # noqa: RUF001
        "wait": "操作过于频繁，请稍后再试。",  # noqa: RUF001
    },
}


@pytest.fixture
def config() -> Settings:
    return settings().model_copy(
        update={
            "demo_login": True,
            "evidence_max_bytes": EVIDENCE_MAX,
            "rate_limit_official_check": "3/hour",
        }
    )


@pytest.fixture
def files(tmp_path):
    folder = tmp_path / "files"
    folder.mkdir()
    for name, content in (
        ("passport.png", sample.png((300, 200))),
        ("statement.pdf", sample.pdf(javascript=True)),
        ("selfie.jpg", sample.jpeg_with_html()),
        # A real photo, but a noisy one several times the evidence form's limit.
        ("huge.png", sample.png((400, 400)) + b"\x00" * (4 * EVIDENCE_MAX)),
    ):
        (folder / name).write_bytes(content)
    return folder


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_a_customer_attaches_a_photo_and_a_pdf_with_a_script_is_refused(
    engine, clock, config, person, files, lang
) -> None:
    load(engine, account("U1"))
    desk = build_desk(config, engine, clock)
    ticket, _ = d.open_ticket(
        desk, customer("U1"), "U1", TicketCategory.OTHER, "Documents", "Here they are"
    )
    me = person("U1", lang=lang)
    me.goto(me.url.split("/web/")[0] + f"/web/tickets/{ticket.id}")
    me.set_input_files("#attachment-file", str(files / "passport.png"))
    follow(me, "form[action*='/attachments'] button")
    assert "done=attached" in me.url and TEXT[lang]["received"] in me.inner_text("main")

    me.set_input_files("#attachment-file", str(files / "statement.pdf"))
    follow(me, "form[action*='/attachments'] button")
    error = me.locator("#upload-error")
    assert error.is_visible() and TEXT[lang]["script"] in error.inner_text()
    screenshot(me, "desk-upload-refused" if lang == "en" else "desk-upload-refused-zh")
    assert len(d.view(desk, customer("U1"), ticket.id).attachments) == 1


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_identity_evidence_is_received_and_one_too_large_says_so(
    engine, clock, config, person, files, lang
) -> None:
    load(engine, account("U1"))
    request = request_in(
        workflow(engine, clock, config), ClosureState.VERIFYING, "U1", needs_evidence=True
    )
    me = person("U1", lang=lang)
    page_url = me.url.split("/web/")[0] + f"/web/closure/{request.id}"
    me.goto(page_url)
    me.set_input_files("#file", str(files / "selfie.jpg"))
    follow(me, "form[action*='/evidence'] button")
    assert "done=uploaded" in me.url and TEXT[lang]["evidence"] in me.inner_text("main")
    # What was received is listed, and only what is still missing is asked for.
    standing = me.inner_text("#evidence-standing")
    assert TEXT[lang]["document_received"] in standing and TEXT[lang]["selfie_missing"] in standing
    assert me.eval_on_selector_all("#kind option", "os => os.map(o => o.value)") == ["selfie"]
    screenshot(me, "evidence-received" if lang == "en" else "evidence-received-zh")

    me.goto(page_url)
    me.set_input_files("#file", str(files / "huge.png"))
    follow(me, "form[action*='/evidence'] button")
    assert TEXT[lang]["too_large"] in me.inner_text("main")
    assert "BODY_TOO_LARGE" in me.inner_text("main")


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_a_flood_of_official_checks_ends_on_a_page_that_says_to_wait(
    base_url, chromium, lang
) -> None:
    context = chromium.new_context(locale="zh-CN" if lang == "zh-Hans" else "en-US")
    page = context.new_page()
    url = f"{base_url}/web/official?value=https://example.com/login&lang={lang}"
    statuses = [page.goto(url).status for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert TEXT[lang]["wait"] in page.inner_text("main")
    if lang == "en":
        screenshot(page, "rate-limited")
    context.close()


@pytest.fixture
def other_site(tmp_path) -> Iterator[Callable[[str], str]]:
    """Serves pages from another origin (127.0.0.1 on another port: the same site to
    SameSite cookies, so the customer's session cookie still goes with its forms)."""
    folder = tmp_path / "other-site"
    folder.mkdir()
    handler = partial(SimpleHTTPRequestHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()

    def page(html: str) -> str:
        (folder / "index.html").write_text(html)
        return f"http://127.0.0.1:{server.server_address[1]}/index.html"

    yield page
    server.shutdown()
    server.server_close()


def test_a_signed_in_customers_browser_sends_no_upload_from_another_sites_page(
    engine, clock, config, person, files, other_site
) -> None:
    """Another page posts a file too large for the evidence form to the customer's closure
    while they are signed in: the browser sends their cookie (same site) and says where the
    form came from; the gate refuses it before the body (403, not the 413 that the size
    would answer to a form of ours), and nothing is received."""
    load(engine, account("U1"))
    flow = workflow(engine, clock, config)
    request = request_in(flow, ClosureState.VERIFYING, "U1", needs_evidence=True)
    me = person("U1")
    ours = me.url.split("/web/")[0]
    me.goto(
        other_site(
            f'<form method="post" enctype="multipart/form-data" '
            f'action="{ours}/web/closure/{request.id}/evidence">'
            '<input type="file" id="f" name="file"><input name="kind" value="document">'
            '<button id="go">Send</button></form>'
        )
    )
    me.set_input_files("#f", str(files / "huge.png"))
    with me.expect_navigation() as sent:
        me.click("#go")
    answer = sent.value
    assert answer is not None and answer.status == 403 and "CSRF_REFUSED" in me.content()
    me.goto(f"{ours}/web/closure/{request.id}")
    assert TEXT["en"]["document_received"] not in me.inner_text("main")
