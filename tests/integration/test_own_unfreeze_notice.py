"""The customer lifts their own freeze while another freeze still holds the account (a
closure's cooling-off, a protective freeze): they are told what is true, on both
databases, in English and Chinese: ``own_freeze_lifted``, saying what still holds it in
the words of ``freezes.freeze_left`` (never "available again"); with nothing
else frozen, ``account_unfrozen`` as before."""

from __future__ import annotations

from functools import partial

import pyotp
import pytest

from lastgate.closure.model import freezes
from lastgate.closure.model.freezes import CLOSURE_FREEZE
from lastgate.closure.service import freeze, step_up
from lastgate.closure.service import protective_freeze as protection
from lastgate.kernel.i18n import translate
from lastgate.kernel.present.labels import label
from lastgate.kernel.present.vocabulary import Kind
from lastgate.notices.model import compose, render
from tests.builders import account, load
from tests.workflow_support import (
    OFFICER_A,
    customer,
    customer_status,
    outbox_rows,
    set_up_long_ago,
    workflow,
)

UID = "U1000"
ME = customer(UID)
LANGS = {"en": "en", "zh-Hans": "zh_Hans"}
TOPIC = "own_freeze_lifted"
AVAILABLE = {"en": "available again", "zh-Hans": "恢复"}
STAYS = {"en": "stays frozen", "zh-Hans": "仍处于"}


def _bodies(engine, topic: str, lang: str) -> list[str]:
    """The e-mail body of each ``topic`` notice, rendered in ``lang``."""
    language = LANGS[lang]
    bodies = []
    for row in outbox_rows(engine, topic):
        if row["channel"] == "email":
            notice = compose(
                topic, row["payload"]["params"], anti_phishing_code=None, language=language
            )
            bodies.append(render(notice, partial(translate, lang=language)).body)
    return bodies


def _frozen_then_unfrozen(engine, clock, other: str | None) -> None:
    """The customer freezes their account, ``other`` (a cause) freezes it too, and after
    the delay they lift their own freeze with their authenticator."""
    wf = workflow(engine, clock)
    load(engine, account(UID))
    totp = pyotp.TOTP(step_up.enroll_totp(wf.unit_of_work(), ME, UID).secret)
    step_up.confirm_totp(wf.unit_of_work(), ME, UID, totp.at(clock()))
    set_up_long_ago(engine, UID)  # an established one: a new one lifts no freeze yet
    freeze.freeze(wf, ME, UID)
    if other == freezes.PROTECTIVE_FREEZE:
        protection.protective_freeze(wf, OFFICER_A, UID, "suspected takeover")
    elif other is not None:
        with wf.unit_of_work() as uow:  # as an approved closure leaves it
            uow.freezes.add(UID, other, at=clock(), unfreeze_after=None)
            uow.actions.freeze(UID)
    clock.advance(hours=25)
    freeze.unfreeze(wf, ME, UID, totp.at(clock()))


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("other", [CLOSURE_FREEZE, freezes.PROTECTIVE_FREEZE])
def test_another_freeze_left_is_told_not_unfrozen(engine, clock, lang, other) -> None:
    _frozen_then_unfrozen(engine, clock, other)
    assert customer_status(engine, UID) == "frozen"
    assert _bodies(engine, "account_unfrozen", lang) == []
    [body] = _bodies(engine, TOPIC, lang)
    assert label(Kind.FREEZE_LEFT, other, LANGS[lang]) in body
    assert STAYS[lang] in body and AVAILABLE[lang] not in body
    [row] = [r for r in outbox_rows(engine, TOPIC) if r["channel"] == "email"]
    assert row["payload"]["params"] == {"freeze_left": other}


@pytest.mark.parametrize("lang", LANGS)
def test_with_nothing_else_frozen_unfrozen_is_told(engine, clock, lang) -> None:
    _frozen_then_unfrozen(engine, clock, None)
    assert customer_status(engine, UID) == "active"
    assert _bodies(engine, TOPIC, lang) == []
    [body] = _bodies(engine, "account_unfrozen", lang)
    assert AVAILABLE[lang] in body


def test_what_stays_after_the_customer_s_own_freeze_goes() -> None:
    left = partial(freezes.freeze_left, lifted=freeze.CUSTOMER_FREEZE)
    assert left([]) is None and left([freeze.CUSTOMER_FREEZE]) is None
    assert left([CLOSURE_FREEZE, freezes.PROTECTIVE_FREEZE]) == freezes.PROTECTIVE_FREEZE
    assert left([CLOSURE_FREEZE]) == CLOSURE_FREEZE
    assert left(["some_new_cause"]) == freezes.OTHER_FREEZE
