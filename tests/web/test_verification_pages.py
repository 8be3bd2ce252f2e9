"""The closure's verification, the authenticator set-up and the freeze offered instead,
through HTTP on both databases: only the customer's own methods are offered, with the
place a code goes masked; a wrong code keeps the chosen method; the freeze states its
conditions and asks for confirmation, and is never offered to a frozen account."""

from __future__ import annotations

import re
from datetime import timedelta

import pyotp
import pytest

from lastgate.app.api import create_app
from lastgate.closure.adapters.unit_of_work import SqlUnitOfWork
from lastgate.closure.model.lifecycle import ClosureState
from lastgate.kernel.present import formats
from tests.builders import account, load
from tests.web_support import LANGS, browser, csrf
from tests.workflow_support import (
    customer_status,
    outbox_rows,
    request_in,
    set_up_long_ago,
    settings,
    workflow,
)

EMAIL_SHOWN, PHONE_SHOWN = "u•••@example.com", "+49 •••• ••78"


@pytest.fixture
def config():
    return settings()


@pytest.fixture
def app(engine, clock, config):
    load(engine, account("U1"), account("U2", email=None))
    return create_app(config, engine=engine, clock=clock)


def authenticator(engine, clock, config, uid: str = "U1") -> pyotp.TOTP:
    with SqlUnitOfWork(engine, clock, config) as uow:
        totp = pyotp.TOTP(uow.step_up.enroll_totp(uid).secret)
    with SqlUnitOfWork(engine, clock, config) as uow:
        uow.step_up.confirm_totp(uid, totp.at(clock()))
    set_up_long_ago(engine, uid)  # an established one (a new one confirms no closure)
    clock.advance(seconds=30)  # the next code differs: each is accepted once
    return totp


def open_closure(client) -> str:
    submitted = client.post(
        "/web/me/close", data={"csrf": csrf(client.get("/web/me").text), "reason": "fees"}
    )
    assert submitted.url.path.startswith("/web/closure/"), submitted.text
    return submitted.url.path


def radios(html: str) -> dict[str, bool]:
    """The verification methods offered as radio buttons, and which one is checked."""
    found = re.findall(
        r'<input type="radio" id="m-\w+" name="method" value="(\w+)"( checked)?', html
    )
    return {value: bool(checked) for value, checked in found}


def code_form_method(html: str) -> str:
    form = re.search(r'action="[^"]*/verification/check".*?</form>', html, flags=re.S)
    assert form, "no form for the code"
    match = re.search(r'name="method" value="(\w+)"', form.group(0))
    assert match
    return match.group(1)


def sent_code(engine) -> str:
    """The last code sent, from the outbox row that carries it to the customer."""
    return str(outbox_rows(engine, "verification_code")[-1]["payload"]["params"]["code"])


def test_without_an_authenticator_only_email_and_sms_are_offered_masked(app, clock, config):
    client = browser(app, clock, config, "U1")
    page = client.get(open_closure(client)).text
    assert radios(page) == {"email": True, "sms": False}
    assert EMAIL_SHOWN in page and PHONE_SHOWN in page
    assert "u1@example.com" not in page and "+4915112345678" not in page


def test_a_customer_without_an_email_address_is_offered_sms_alone(app, clock, config):
    client = browser(app, clock, config, "U2")
    page = client.get(open_closure(client)).text
    assert radios(page) == {"sms": True}


def test_a_confirmed_authenticator_is_offered_first(app, engine, clock, config):
    authenticator(engine, clock, config)
    client = browser(app, clock, config, "U1")
    page = client.get(open_closure(client)).text
    assert radios(page) == {"totp": True, "email": False, "sms": False}


def test_a_wrong_code_keeps_the_chosen_method_and_says_the_tries_left(app, engine, clock, config):
    client = browser(app, clock, config, "U1")
    path = open_closure(client)
    token = csrf(client.get(path).text)
    started = client.post(f"{path}/verification", data={"csrf": token, "method": "sms"})
    assert f"We sent a code to {PHONE_SHOWN}" in started.text
    assert code_form_method(started.text) == "sms"
    right = sent_code(engine)
    wrong = f"{(int(right) + 1) % 10**6:06d}"

    refused = client.post(
        f"{path}/verification/check", data={"csrf": token, "method": "sms", "code": wrong}
    )
    assert refused.status_code == 200 and refused.url.path == path
    assert code_form_method(refused.text) == "sms"
    assert "That code is not valid." in refused.text and "You have 4 tries left." in refused.text
    assert f"The code we sent to {PHONE_SHOWN}" in refused.text
    forged = client.get(f"{path}?method=sms&failed=1&tries_left=99").text  # a crafted link
    assert "You have 4 tries left." in forged and "99 tries" not in forged

    done = client.post(
        f"{path}/verification/check", data={"csrf": token, "method": "sms", "code": right}
    )
    assert "state-cooling_off" in done.text
    assert customer_status(engine, "U1") == "frozen"


def test_a_new_code_is_offered_for_email_but_not_for_the_authenticator(app, engine, clock, config):
    totp = authenticator(engine, clock, config)
    client = browser(app, clock, config, "U1")
    path = open_closure(client)
    token = csrf(client.get(path).text)
    with_app = client.post(f"{path}/verification", data={"csrf": token, "method": "totp"})
    assert code_form_method(with_app.text) == "totp"
    assert 'id="resend"' not in with_app.text and "Send a new code" not in with_app.text
    assert f"Send a code to {EMAIL_SHOWN} instead" in with_app.text
    assert not outbox_rows(engine, "verification_code")  # no message for the authenticator

    by_email = client.post(f"{path}/verification", data={"csrf": token, "method": "email"})
    assert code_form_method(by_email.text) == "email" and 'id="resend"' in by_email.text
    assert 'id="use-totp"' in by_email.text
    done = client.post(
        f"{path}/verification/check",
        data={"csrf": token, "method": "totp", "code": totp.at(clock())},
    )
    assert "state-cooling_off" in done.text


def test_once_locked_no_new_code_is_sent_and_the_page_says_until_when(app, engine, clock, config):
    client = browser(app, clock, config, "U1")
    path = open_closure(client)
    token = csrf(client.get(path).text)
    client.post(f"{path}/verification", data={"csrf": token, "method": "email"})
    wrong = f"{(int(sent_code(engine)) + 1) % 10**6:06d}"
    for _ in range(5):
        page = client.post(
            f"{path}/verification/check", data={"csrf": token, "method": "email", "code": wrong}
        )
    assert "Every verification of your account is locked until Nov 23, 2026, 12:15 UTC" in page.text
    assert 'id="resend"' not in page.text and "/verification/check" not in page.text
    resend = client.post(f"{path}/verification", data={"csrf": token, "method": "email"})
    assert "Too many wrong codes on your account" in resend.text
    assert len(outbox_rows(engine, "verification_code")) == 1


def test_a_new_request_shows_the_accounts_lock(app, engine, clock, config):
    client = browser(app, clock, config, "U1")
    path = open_closure(client)
    token = csrf(client.get(path).text)
    client.post(f"{path}/verification", data={"csrf": token, "method": "email"})
    wrong = f"{(int(sent_code(engine)) + 1) % 10**6:06d}"
    for _ in range(5):
        client.post(
            f"{path}/verification/check", data={"csrf": token, "method": "email", "code": wrong}
        )
    client.post(f"{path}/cancel", data={"csrf": token})
    again = client.get(open_closure(client)).text
    assert 'id="locked"' in again and "locked until Nov 23, 2026, 12:15 UTC" in again


def test_a_new_code_waits_a_minute_and_the_page_says_from_when(app, engine, clock, config):
    client = browser(app, clock, config, "U1")
    path = open_closure(client)
    token = csrf(client.get(path).text)
    sent = client.post(f"{path}/verification", data={"csrf": token, "method": "email"})
    assert re.search(r'id="resend">.*?<button[^>]* disabled', sent.text, flags=re.S)
    assert "You can ask for a new code from Nov 23, 2026, 12:01 UTC." in sent.text
    refused = client.post(f"{path}/verification", data={"csrf": token, "method": "email"})
    assert 'id="send-limited"' in refused.text
    assert len(outbox_rows(engine, "verification_code")) == 1
    assert code_form_method(refused.text) == "email"  # the code sent still works
    clock.advance(seconds=60)
    later = client.get(f"{path}?method=email").text
    assert re.search(
        r'id="resend">\s*<input[^>]*>\s*<input[^>]*>\s*<button type="submit" class="link">', later
    )


def test_an_sms_code_is_refused_for_an_account_without_a_phone(engine, clock, config):
    load(engine, account("U3", phone=None))
    client = browser(create_app(config, engine=engine, clock=clock), clock, config, "U3")
    path = open_closure(client)
    page = client.get(path).text
    assert radios(page) == {"email": True}
    refused = client.post(f"{path}/verification", data={"csrf": csrf(page), "method": "sms"})
    assert refused.status_code == 422 and "INVALID_INPUT" in refused.text
    assert "state-draft" in client.get(path).text  # nothing changed
    assert not outbox_rows(engine, "verification_code")


# -- the authenticator on the settings page ------------------------------------------------


def test_setting_up_an_authenticator_shows_a_qr_code_and_then_since_when(app, clock, config):
    client = browser(app, clock, config, "U1")
    settings_page = client.get("/web/me/settings").text
    assert 'id="totp-status"' not in settings_page
    enrolment = client.post("/web/me/authenticator", data={"csrf": csrf(settings_page)}).text
    svg = re.search(r'<figure class="qr"><svg [^>]*class="qr".*?</svg></figure>', enrolment, re.S)
    assert svg and "<title>" in svg.group(0) and "<path" in svg.group(0)
    assert "http" not in svg.group(0)  # drawn inline: nothing fetched from anywhere
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', enrolment)
    assert secret
    # The set-up's address opened again (reload, back) shows the same key, never a new one
    # (tests/web/test_post_redirect_get.py).
    assert secret.group(1) in client.get("/web/me/authenticator").text
    confirmed = client.post(
        "/web/me/authenticator/confirm",
        data={"csrf": csrf(enrolment), "code": pyotp.TOTP(secret.group(1)).at(clock())},
    )
    assert "done=authenticator" in str(confirmed.url)
    assert "An authenticator app is set up for your account, since Nov 23, 2026, 12:00 UTC." in (
        confirmed.text
    )
    assert 'action="/web/me/authenticator"' not in confirmed.text  # no second set-up
    # Once confirmed, the set-up's address leads to the settings: the key is not shown.
    again = client.get("/web/me/authenticator", follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"] == "/web/me/settings#totp"
    assert secret.group(1) not in client.get("/web/me/authenticator").text


# -- freezing instead of closing -----------------------------------------------------------


def test_without_an_authenticator_the_freeze_offers_to_set_one_up_first(app, clock, config):
    client = browser(app, clock, config, "U1")
    close = client.get("/web/me/close").text
    assert 'id="freeze-setup"' in close and 'href="/web/me/freeze"' not in close
    assert "you can undo it later" not in close
    confirm = client.get("/web/me/freeze").text
    assert 'id="freeze-needs-factor"' in confirm and 'action="/web/me/freeze"' not in confirm


def test_the_freeze_states_its_conditions_and_waits_for_confirmation(app, engine, clock, config):
    authenticator(engine, clock, config)
    client = browser(app, clock, config, "U1")
    close = client.get("/web/me/close").text
    assert 'href="/web/me/freeze"' in close and 'action="/web/me/freeze"' not in close
    assert customer_status(engine, "U1") == "active"  # opening the offer freezes nothing

    confirm = client.get("/web/me/freeze").text
    assert customer_status(engine, "U1") == "active"
    assert "Trading, deposits and withdrawals stop at once" in confirm
    assert (
        "from Nov 24, 2026, 12:00 UTC (in 24 hours) at the earliest" in confirm
    )  # the policy's 24 hours
    assert "72 hours have passed" in confirm  # a lost authenticator: the recovery wait
    done = client.post("/web/me/freeze", data={"csrf": csrf(confirm)})
    assert "done=frozen" in str(done.url) and customer_status(engine, "U1") == "frozen"

    again = client.get("/web/me/close").text
    assert 'id="freeze"' not in again and "/web/me/freeze" not in again
    assert 'id="freeze-unavailable"' in client.get("/web/me/freeze").text
    refused = client.post("/web/me/freeze", data={"csrf": csrf(again)})
    assert refused.status_code == 409 and "ALREADY_FROZEN" in refused.text


def test_an_account_in_cooling_off_is_not_offered_the_freeze(app, engine, clock, config):
    client = browser(app, clock, config, "U1")
    path = open_closure(client)
    token = csrf(client.get(path).text)
    client.post(f"{path}/verification", data={"csrf": token, "method": "email"})
    client.post(
        f"{path}/verification/check",
        data={"csrf": token, "method": "email", "code": sent_code(engine)},
    )
    assert customer_status(engine, "U1") == "frozen"
    assert 'id="freeze-unavailable"' in client.get("/web/me/freeze").text
    refused = client.post("/web/me/freeze", data={"csrf": token})
    assert refused.status_code == 409 and "ALREADY_FROZEN" in refused.text


def test_unfreezing_shares_the_accounts_count_and_says_the_lock(app, engine, clock, config):
    totp = authenticator(engine, clock, config)
    client = browser(app, clock, config, "U1")
    path = open_closure(client)
    token = csrf(client.get(path).text)
    client.post(f"{path}/verification", data={"csrf": token, "method": "totp"})
    wrong = f"{(int(totp.at(clock())) + 1) % 10**6:06d}"
    for _ in range(3):
        client.post(
            f"{path}/verification/check", data={"csrf": token, "method": "totp", "code": wrong}
        )
    client.post(f"{path}/cancel", data={"csrf": token})
    client.post("/web/me/freeze", data={"csrf": token})
    clock.advance(hours=24)
    client = browser(app, clock, config, "U1")  # signed in again, a day later
    token = csrf(client.get("/web/me/settings").text)
    refused = client.post("/web/me/unfreeze", data={"csrf": token, "code": wrong})
    assert refused.url.path == "/web/me/settings"
    assert "That code is not valid." in refused.text and "You have 1 try left." in refused.text
    locked = client.post("/web/me/unfreeze", data={"csrf": token, "code": wrong})
    assert 'id="locked"' in locked.text and 'id="unfreeze-code"' not in locked.text
    assert "locked until Nov 24, 2026, 12:15 UTC" in locked.text
    assert customer_status(engine, "U1") == "frozen"


# -- what comes after verifying ------------------------------------------------------------

EXPECTED = re.compile(r'<p id="expected-times">(.*?)</p>', re.S)


@pytest.mark.parametrize(
    ("needs_review", "state", "words"),
    [
        (False, ClosureState.VERIFYING, "Once you have confirmed that it is you, a cooling-off"),
        (True, ClosureState.VERIFYING, "Once your request is approved, a cooling-off"),
        (True, ClosureState.IN_REVIEW, "Once your request is approved, a cooling-off"),
    ],
)
def test_the_request_says_what_comes_before_the_cooling_off(
    app, engine, clock, config, needs_review, state, words
) -> None:
    """Nobody approves a request that needs no review: it is not promised an approval."""
    wf = workflow(engine, clock, config)
    request = request_in(wf, state, uid="U1", needs_review=needs_review)
    page = browser(app, clock, config, "U1").get(f"/web/closure/{request.id}").text
    said = EXPECTED.search(page)
    assert said and said.group(1).startswith(words), page


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_an_authenticator_set_up_just_now_lifts_no_freeze_yet(app, engine, clock, config, lang):
    """A session alone sets an authenticator up: one set up less than the security wait
    ago does not lift the customer's own freeze, and the settings say from when it can
    (the later of the freeze's end and its coming of age)."""
    client = browser(app, clock, config, "U1")
    token = csrf(client.get("/web/me/settings").text)
    client.post("/web/me/freeze", data={"csrf": token})
    with SqlUnitOfWork(engine, clock, config) as uow:
        totp = pyotp.TOTP(uow.step_up.enroll_totp("U1").secret)
    with SqlUnitOfWork(engine, clock, config) as uow:
        uow.step_up.confirm_totp("U1", totp.at(clock()))
    clock.advance(hours=24, seconds=30)  # past the freeze's least time, not the wait
    client = browser(app, clock, config, "U1")
    page = client.get(f"/web/me/settings?lang={lang}").text
    matures = formats.datetime_text(
        clock() - timedelta(hours=24, seconds=30) + timedelta(days=7), LANGS[lang]
    )
    frozen = page.split('id="frozen"')[1].split("</section>")[0]
    assert matures in frozen
    refused = client.post("/web/me/unfreeze", data={"csrf": csrf(page), "code": totp.at(clock())})
    assert refused.status_code == 422 and "INVALID_INPUT" in refused.text
    assert customer_status(engine, "U1") == "frozen"
