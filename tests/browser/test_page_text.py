"""Every main page, read as a person reads it, in English and in Chinese: no raw code as a
heading, no snake_case token, no amount with meaningless trailing zeros, no ISO timestamp
in prose and, on a Chinese page, no English sentence from the catalog (nor English prose
the catalog lacks).

One server, one browser; each person signs in once and reads their pages in both
languages. Text inside an element marked as a code reference (``<code>``, ``.code``,
``<kbd>``, ``<samp>``) is a reference for support, and text marked ``.typed`` is shown
as a person typed it (a hold's reason, a note, a ticket message): neither is read. The
failures are listed all at once, page by page.
"""

from __future__ import annotations

import re
from datetime import timedelta
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

from lastgate.closure.model.lifecycle import ClosureReason, ClosureState
from lastgate.closure.service import review
from lastgate.closure.service import workflow as closure
from lastgate.demo.customers import demo_snapshot
from lastgate.desk.model.tickets import TicketCategory
from lastgate.desk.service import desk as desk_service
from lastgate.desk.wiring import build_desk
from lastgate.kernel.access import Role
from lastgate.ledger.adapters.snapshot_io import import_snapshot
from lastgate.ledger.model import HoldKind
from lastgate.platform.auth_tokens import issue_token
from tests.browser.conftest import VIEWPORT
from tests.builders import account, load
from tests.workflow_support import (
    AGENT_A,
    OFFICER_A,
    close_as_customer,
    closed_with_certificate,
    customer,
    request_in,
    workflow,
)

CATALOG = Path(__file__).resolve().parents[2] / (
    "src/lastgate/locale/zh_Hans/LC_MESSAGES/lastgate.po"
)
LANGUAGES = ("en", "zh-Hans")
CLOSED = "U-CLOSED"
DUST_FIX = "#check-DUST_REMAINING form[data-way='fix']"  # its sweep quote
ASK = "ask the assistant"  # an action: the help page's answer
QUESTION = {"en": "Why can I not close my account?", "zh-Hans": "为什么不能注销"}

#: A check code (``DUST_REMAINING``) standing where a person's words should.
RAW_CODE = re.compile(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b")
#: ``account_type``, ``no_longer_needed``: a field or value name, not a word.
SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
#: ``3.292800000000000000``, ``0.90000``: zeros that mean nothing (or 9+ decimals at all).
ZEROS = re.compile(r"(?<![\d.])\d+\.(?:\d*[1-9])?000+(?!\d)|(?<![\d.])\d+\.\d{9,}(?!\d)")
#: ``2026-12-07T09:25:04.779750+00:00``, or a time to the microsecond.
ISO = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}|\d{2}:\d{2}:\d{2}\.\d{3,}|[+-]00:00\b")
#: Four English words in a row on a Chinese page: prose the catalog does not translate.
PROSE = re.compile(r"\b[A-Za-z]+(?:[ ,;:'-]+[a-z]+){3,}\b")
URL = re.compile(r"\b(?:https?://|/web/|/v1/)\S*|\S+@\S+")
#: English that stays English on a Chinese page: names, protocols, standards.
KEPT = re.compile(
    r"GDPR[^\u4e00-\u9fff]*|FATF[^\u4e00-\u9fff]*|AMLR[^\u4e00-\u9fff]*|BSA 31 CFR[\d. ]*|"
    r"Google Authenticator|lastgate certificate[ a-z-]*|Example Exchange[ A-Za-z]*"
)
#: Catalog ids too short or too general to tell a missing translation (or names).
AMBIGUOUS = {"OK", "UID", "API", "P2P", "USD", "USDT", "BTC", "ETH", "TOTP", "SMS", "JSON", "PDF"}

VISIBLE_TEXT = """() => {
  const skip =
    "script,style,noscript,template,code,kbd,samp,.code,.typed,[hidden],[aria-hidden=true]";
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!el || el.closest(skip) || !n.nodeValue.trim()) continue;
    out.push(n.nodeValue.replace(/\\s+/g, " ").trim());
  }
  for (const el of document.querySelectorAll("[placeholder],[aria-label],[title],img[alt]")) {
    if (el.closest(skip)) continue;
    for (const a of ["placeholder", "aria-label", "title", "alt"]) {
      const v = el.getAttribute(a);
      if (v && v.trim()) out.push(v.trim());
    }
  }
  out.push(document.title);
  return out;
}"""
HEADINGS = """() => {
  const skip = "code,kbd,samp,.code";
  return [...document.querySelectorAll("h1,h2,h3,h4,.card-title,legend,caption,summary")]
    .map((h) => {
      const c = h.cloneNode(true);
      c.querySelectorAll(skip).forEach((e) => e.remove());
      return c.textContent.replace(/\\s+/g, " ").trim();
    });
}"""


@cache
def english_msgids() -> tuple[str, ...]:
    """The catalog's English sentences and phrases that have a translation, as fragments
    that appear verbatim on a page (placeholders cut out)."""
    with CATALOG.open("rb") as f:
        catalog = read_po(f)
    found = set()
    for message in catalog:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not message.id or not any(strings) or message.fuzzy:
            continue
        for msgid in ids:
            for fragment in re.split(r"\{[^}]*\}", msgid):
                fragment = fragment.strip(" .,:;()-")
                if _telling(fragment):
                    found.add(fragment)
    return tuple(sorted(found, key=len, reverse=True))


def _telling(fragment: str) -> bool:
    if fragment in AMBIGUOUS or not re.search(r"[a-z]", fragment):
        return False
    words = fragment.split()
    return len(words) >= 2 or (len(words) == 1 and len(fragment) >= 5 and fragment[0].isupper())


def _problems(lang: str, texts: list[str], headings: list[str]) -> list[str]:
    problems = []
    for heading in headings:
        for code in RAW_CODE.findall(heading):
            problems.append(f"code as a heading: {code!r} in {heading[:80]!r}")
    seen = set()
    for raw in texts:
        text = URL.sub(" ", raw)
        for pattern, what in ((SNAKE, "snake_case"), (ZEROS, "trailing zeros"), (ISO, "ISO time")):
            for match in pattern.finditer(text):
                problems.append(f"{what}: {match.group(0)!r} in {raw[:100]!r}")
        if lang == "zh-Hans" and raw not in seen:
            seen.add(raw)
            problems += _english(KEPT.sub(" ", text), raw)
    return problems


def _english(text: str, raw: str) -> list[str]:
    """At most one finding per text: the catalog string it contains, or its English prose."""
    for msgid in english_msgids():  # longest first; a substring test before the regex
        if msgid in text and re.search(rf"(?<![A-Za-z]){re.escape(msgid)}(?![a-z])", text):
            return [f"English msgid {msgid!r}: {raw[:120]!r}"]
    prose = PROSE.search(text)
    return [f"English prose {prose.group(0)[:40]!r}: {raw[:120]!r}"] if prose else []


def _world(engine, clock, config) -> dict[str, str]:
    """The demo customers plus a closed account with its certificate, a request in review
    (one approval of two), one in cooling-off, a hold, and a ticket with a reply."""
    load(engine, account(CLOSED))
    wf = workflow(engine, clock, config)
    closed_with_certificate(wf, engine, clock, config, CLOSED)
    import_snapshot(engine, demo_snapshot(clock()))
    cooling = close_as_customer(wf, engine, "DEMO-CLEAN-EU")
    in_review = request_in(wf, ClosureState.IN_REVIEW, uid="DEMO-CLEAN-US", needs_review=True)
    closure.approve(wf, AGENT_A, in_review.id, "身份已核实。")
    review.place_hold(wf, OFFICER_A, "DEMO-CLEAN-DORMANT", HoldKind.JUDICIAL_FREEZE, "法院令 117。")
    verifying = closure.submit(
        wf, customer("DEMO-CLEAN-COOLDOWN-OVER"), "DEMO-CLEAN-COOLDOWN-OVER", ClosureReason.FEES, ""
    )
    rejected = request_in(wf, ClosureState.IN_REVIEW, uid="DEMO-WITHDRAWAL-REVIEW")
    closure.reject(wf, AGENT_A, rejected.id, "提现记录需要进一步核实。")
    desk = build_desk(config, engine, clock)
    ticket, _ = desk_service.open_ticket(
        desk,
        customer("DEMO-ASSETS"),
        "DEMO-ASSETS",
        TicketCategory.CLOSURE_BLOCKED,
        "无法注销",  # what a Chinese customer writes (the pages show it in both languages)
        "请帮我注销账户。",
    )
    desk_service.reply_canned(desk, AGENT_A, ticket.id, "withdraw_first", "zh_Hans")
    return {
        "cooling": cooling.id,
        "review": in_review.id,
        "ticket": ticket.id,
        "verifying": verifying.id,
        "rejected": rejected.id,
    }


def _pages(ids: dict[str, str]) -> list[tuple[str, Role, list[str | tuple[str, str]]]]:
    ticket, review_id = ids["ticket"], ids["review"]
    return [
        (
            "DEMO-MARGIN-TRADER",
            Role.CUSTOMER,
            ["/web/me", "/web/me/settings", "/web/help", "/web/demo-login"],
        ),
        ("DEMO-DUST", Role.CUSTOMER, ["/web/me", "/web/me/dust-forfeit"]),
        ("DEMO-DUST-CONVERT", Role.CUSTOMER, ["/web/me", ("/web/me", f"{DUST_FIX} button")]),
        ("DEMO-DUST-DEPOSIT", Role.CUSTOMER, ["/web/me"]),
        ("DEMO-RISK-AML", Role.CUSTOMER, ["/web/me"]),
        ("DEMO-STUCK", Role.CUSTOMER, ["/web/me", "/web/demo-login", ("/web/help", ASK)]),
        ("DEMO-OPEN-ORDERS", Role.CUSTOMER, ["/web/me/fix/cancel_orders"]),
        (CLOSED, Role.CUSTOMER, ["/web/me/closed"]),
        ("DEMO-CLEAN-KEYS", Role.CUSTOMER, ["/web/me/close", "/web/me/freeze"]),
        (
            "DEMO-CLEAN-EU",
            Role.CUSTOMER,
            [f"/web/closure/{ids['cooling']}", f"/web/closure/{ids['cooling']}/cancel"],
        ),
        ("DEMO-CLEAN-US", Role.CUSTOMER, [f"/web/closure/{review_id}"]),
        (
            "DEMO-CLEAN-COOLDOWN-OVER",
            Role.CUSTOMER,
            [
                f"/web/closure/{ids['verifying']}",
                (f"/web/closure/{ids['verifying']}", "form.stack[action$='/verification'] button"),
            ],
        ),
        (
            "DEMO-WITHDRAWAL-REVIEW",
            Role.CUSTOMER,
            [f"/web/closure/{ids['rejected']}", "/web/tickets?category=closure_rejected"],
        ),
        (
            "DEMO-ASSETS",
            Role.CUSTOMER,
            [
                "/web/tickets",
                f"/web/tickets/{ticket}",
                "/web/official",
                "/web/certificates/verify",
                "/web/no-such-page",
            ],
        ),
        (
            "agent-bo",
            Role.AGENT,
            ["/web/agent", f"/web/agent/requests/{review_id}", "/web/desk"],
        ),
        ("agent-bo", Role.AGENT, [f"/web/desk/tickets/{ticket}", "/web/me"]),
        ("compliance-di", Role.COMPLIANCE, ["/web/compliance"]),
    ]


def _read(page, base_url: str, path: str | tuple[str, str], lang: str) -> list[str]:
    """Open ``path`` in ``lang`` (or open it, then click ``selector`` while it can be
    clicked, and read where that leads) and list what a person should not read there."""
    address, click = (path, None) if isinstance(path, str) else path
    joiner = "&" if "?" in address else "?"
    answer = page.goto(f"{base_url}{address}{joiner}lang={lang}")
    if click == ASK:
        page.fill("#question", QUESTION[lang])
        click = "form[action='/web/help/ask'] button"
    target = page.locator(click).first if click else None
    if target is not None and target.count() and target.is_enabled():  # once: a code is sent
        with page.expect_navigation():
            target.click()
    assert answer is not None
    found = [] if answer.status < 500 else [f"HTTP {answer.status}"]
    if page.locator("html").get_attribute("lang") != lang:
        found.append(f"<html lang> is not {lang}")
    return found + _problems(lang, page.evaluate(VISIBLE_TEXT), page.evaluate(HEADINGS))


def test_every_main_page_reads_as_words_in_both_languages(
    engine, clock, chromium, base_url, config
) -> None:
    ids = _world(engine, clock, config)
    report: dict[str, list[str]] = {}
    for subject, role, paths in _pages(ids):
        context = chromium.new_context(viewport=VIEWPORT)
        page = context.new_page()
        page.set_default_timeout(10_000)
        token = issue_token(config, subject, role, timedelta(hours=1), clock())
        page.goto(f"{base_url}/web/session?token={token}")
        for lang in LANGUAGES:
            for path in paths:
                found = _read(page, base_url, path, lang)
                if found:
                    report[f"{lang} {subject} {path}"] = sorted(set(found))
        context.close()
    lines = [f"{where}:\n  " + "\n  ".join(found) for where, found in report.items()]
    assert not report, "\n".join(lines)


def test_the_reader_finds_each_kind_of_raw_text() -> None:
    """The checks themselves, on texts a page must never show (no browser needed)."""
    found = _problems(
        "zh-Hans",
        [
            "账户类型 account_type",
            "余额 3.292800000000000000 USDT",
            "提交于 2026-12-07T09:25:04.779750+00:00",
            "仍有 Small balances left",
            "This was never translated at all",
            "GDPR 第 17(1) 条",  # a reference kept as it is
            "0.90 USD 价值 1,200.5 USDT",  # meaningful digits only
        ],
        ["DUST_REMAINING", "仍有小额资产"],
    )
    kinds = [f.split(":")[0].split(" '")[0] for f in found]
    assert kinds == [
        "code as a heading",
        "snake_case",
        "trailing zeros",
        "ISO time",
        "ISO time",
        "English msgid",
        "English prose",
    ], found
    assert _problems("en", ["Small balances left", "Dec 7, 2026, 09:25 UTC"], []) == []
