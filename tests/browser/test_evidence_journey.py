"""Identity evidence refused, told, sent again and accepted, in the browser, in English
and in Chinese: a customer whose risk lock was lifted lately asks to close, confirms it
is them with an e-mailed code and sends an ID document and a selfie; an agent accepts the
document and refuses the selfie with a reason; the e-mail in the customer's language says
why and links to the request's page, which says the same above the form; the customer
sends a new selfie, the agent accepts it, and the request goes on to its cooling-off."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest

from lastgate.kernel.access import Role
from lastgate.notices.adapters.channels import channels_from_settings
from lastgate.notices.adapters.delivery import deliver_due
from tests import upload_samples as sample
from tests.browser import test_appeal_from_email as served
from tests.browser.conftest import VIEWPORT, follow, screenshot
from tests.builders import account, iso, load
from tests.workflow_support import outbox_rows

#: The app served at the public URL its notices' links start with, the mailbox beside it.
config = served.config
base_url = served.base_url

UID = "U-EVIDENCE"
SUBJECT = {"en": "We could not accept a file you sent", "zh-Hans": "您提交的文件未通过审核"}
WHY = {
    "en": "Your face is not fully visible.",
    "zh-Hans": "您的面部未完全露出。",
}


def lately_locked(now) -> dict[str, object]:
    """A clean account whose risk lock was lifted 20 days ago: closing asks for evidence."""
    lock = {
        "id": "h-ev",
        "kind": "risk_lock",
        "reason": "login from a new device",
        "placed_by": "risk-engine",
        "placed_at": iso(now - timedelta(days=21)),
        "lifted_at": iso(now - timedelta(days=20)),
    }
    return account(UID, holds=[lock])


def send(page, path: Path, kind: str) -> None:
    page.select_option("#kind", kind)
    page.set_input_files("#file", str(path))
    follow(page, "form[action*='/evidence'] button")
    assert "done=uploaded" in page.url


def decide(agent, kind_label: str, refusal: str = "") -> None:
    """The agent accepts, or refuses with ``refusal``, the undecided file of that label."""
    item = agent.locator("section[aria-labelledby=ev] li", has_text=kind_label).filter(
        has=agent.locator("form")
    )
    if refusal:
        item.locator("select[name=refusal]").select_option(refusal)
    button = "form[id^=refuse-] button" if refusal else "button[value=approve]"
    with agent.expect_navigation():
        item.locator(button).click()
    assert "done=reviewed" in agent.url


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_a_refused_selfie_is_told_sent_again_and_the_closure_goes_on(
    engine, clock, config, base_url, person, tmp_path, lang
) -> None:
    load(engine, lately_locked(clock()))
    photo, selfie = tmp_path / "passport.png", tmp_path / "selfie.jpg"
    photo.write_bytes(sample.png((300, 200)))
    selfie.write_bytes(sample.jpeg())

    me = person(UID, lang=lang)
    follow(me, "a[href='/web/me/close']")
    me.check("#reason-fees")
    follow(me, "form[action='/web/me/close'] button[type=submit]")
    request_id = me.url.rsplit("/", 1)[1].split("?")[0]
    me.check("#m-email")
    follow(me, "form[action$='/verification'] button")
    [code] = [r["payload"]["params"]["code"] for r in outbox_rows(engine, "verification_code")][:1]
    me.fill("#code", code)
    follow(me, "form[action$='/verification/check'] button")
    send(me, photo, "document")
    send(me, selfie, "selfie")

    agent = person("agent-ada", Role.AGENT, lang="en")
    for agent_lang in ("zh-Hans", "en"):  # two files wait: each with its reasons' <select>
        agent.goto(f"{base_url}/web/agent/requests/{request_id}?lang={agent_lang}")
        assert agent.locator("select[name=refusal]").count() == 2
        assert agent.evaluate("document.documentElement.scrollWidth") <= VIEWPORT["width"]
    decide(agent, "Identity document")
    decide(agent, "Selfie", "face_not_visible")
    assert deliver_due(engine, clock, config, channels_from_settings(config)).failed == 0

    mail = served.the_email(config.mailbox_dir or Path(), "evidence_refused")
    assert mail["Subject"] == SUBJECT[lang] and mail["Content-Language"] == lang
    body = mail.get_content()
    assert WHY[lang] in body
    [link] = [u.rstrip(".。") for u in re.findall(r"https?://[!-~]+", body)]
    assert link == f"{base_url}/web/closure/{request_id}"

    me.goto(link)
    assert WHY[lang] in me.inner_text("#refused-selfie")
    assert me.eval_on_selector_all("#kind option", "os => os.map(o => o.value)") == ["selfie"]
    screenshot(me, "evidence-refused" if lang == "en" else "evidence-refused-zh")
    clock.advance(minutes=5)  # a new photo takes a while: the new file is the latest
    send(me, selfie, "selfie")
    assert me.locator("#refused-selfie").count() == 0

    agent.goto(f"{base_url}/web/agent/requests/{request_id}")
    decide(agent, "Selfie")
    # Moved on by itself once the evidence was accepted: said so, naming who accepted it.
    decided = agent.locator("#decided-by").inner_text()
    assert decided == "Automatically, once agent-ada accepted the identity evidence: " + (
        "no closure review was needed"
    )
    me.goto(link)
    assert me.locator(".badge.state-cooling_off").is_visible()
