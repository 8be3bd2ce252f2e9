"""When the security team lifts a protective freeze and another freeze still holds the
account, the customer is told so, through HTTP on both databases, in English and
Chinese: ``protective_freeze_lifted``, in the words of /web/me/secure (their own freeze,
their closure's cooling-off), with a link to that page; never "unfrozen". With nothing
else frozen, ``account_unfrozen`` alone, as before."""

from __future__ import annotations

from functools import partial

import pytest

from lastgate.closure.model.freezes import CLOSURE_FREEZE, OTHER_FREEZE, freeze_left
from lastgate.closure.service import freeze
from lastgate.kernel.i18n import translate
from lastgate.kernel.present.labels import label
from lastgate.kernel.present.vocabulary import Kind
from lastgate.notices.model import SECURE_PATH, compose, delivery_links, render
from tests.web import test_takeover_lifted as lifted
from tests.web_support import LANGS, text
from tests.workflow_support import customer, customer_status, outbox_rows, workflow

UID = lifted.UID
config = lifted.config
app = lifted.app
TOPIC = "protective_freeze_lifted"
SUBJECT = lifted.LIFTED
OWN = {"en": "stays frozen at your own request", "zh-Hans": "仍处于您本人申请的冻结状态"}
COOLING_OFF = {"en": "cooling-off period of your closure request", "zh-Hans": "冷静期"}


def emails(engine, config, topic: str) -> list[tuple[str, str]]:
    """(subject, body) of each e-mail of ``topic``, as delivery renders it, links added."""
    found = []
    for row in outbox_rows(engine, topic):
        if row["channel"] != "email":
            continue
        payload, language = row["payload"], row["payload"]["language"]
        params = {**payload["params"], **delivery_links(config.public_base_url)}
        notice = compose(topic, params, anti_phishing_code=None, language=language)
        rendered = render(notice, partial(translate, lang=language))
        found.append((rendered.subject, rendered.body))
    return found


def told(engine, config, client, lang: str, left: str) -> str:
    """The one notice's body, after checking its subject, its link, that nothing says
    "unfrozen", and that it says in the secure page's words what still freezes it."""
    sent = emails(engine, config, TOPIC)
    assert len(sent) == 1, sent
    subject, body = sent[0]
    assert subject == SUBJECT[lang]
    assert config.public_base_url.rstrip("/") + SECURE_PATH in body
    assert emails(engine, config, "account_unfrozen") == []
    page = client.get(f"/web/me/secure?lang={lang}").text
    said = text(page.split('id="secure-still-frozen">')[1].split("</p>")[0])
    words = label(Kind.FREEZE_LEFT, left, LANGS[lang])
    assert words in said and words in body  # the page's own words
    assert customer_status(engine, UID) == "frozen"
    return body


@pytest.mark.parametrize("lang", LANGS)
def test_the_customer_s_own_freeze_left_is_told(app, clock, config, engine, lang) -> None:
    freeze.freeze(workflow(engine, clock, config), customer(UID), UID)
    client, _ = lifted.frozen_then_lifted(app, clock, config, lang)
    body = told(engine, config, client, lang, freeze.CUSTOMER_FREEZE)
    assert OWN[lang] in body and COOLING_OFF[lang] not in body


@pytest.mark.parametrize("lang", LANGS)
def test_a_closure_s_cooling_off_left_is_told(app, clock, config, engine, lang) -> None:
    wf = workflow(engine, clock, config)
    with wf.unit_of_work() as uow:  # as an approved closure leaves it
        uow.freezes.add(UID, CLOSURE_FREEZE, at=clock(), unfreeze_after=None)
        uow.actions.freeze(UID)
    client, _ = lifted.frozen_then_lifted(app, clock, config, lang)
    body = told(engine, config, client, lang, CLOSURE_FREEZE)
    assert COOLING_OFF[lang] in body and OWN[lang] not in body


@pytest.mark.parametrize("lang", LANGS)
def test_with_nothing_else_frozen_only_unfrozen_is_sent(app, clock, config, engine, lang) -> None:
    lifted.frozen_then_lifted(app, clock, config, lang)
    assert emails(engine, config, TOPIC) == []
    assert len(emails(engine, config, "account_unfrozen")) == 1
    assert customer_status(engine, UID) == "active"


def test_what_is_told_to_hold_the_account_never_names_an_unknown_cause() -> None:
    assert freeze_left([]) is None and freeze_left(["protective"]) is None
    assert freeze_left(["closure", "customer", "protective"]) == freeze.CUSTOMER_FREEZE
    assert freeze_left(["closure"]) == CLOSURE_FREEZE
    assert freeze_left(["some_new_cause"]) == OTHER_FREEZE
