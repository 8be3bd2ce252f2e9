"""One-time codes in the outbox, on both databases: sealed from the moment they are
written, opened only to be delivered, and gone from the row once it is delivered, given
up, expired or superseded; the customer still gets a code that works."""

from __future__ import annotations

import email
import re
from email.policy import default as email_policy
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from lastgate.closure.adapters.tables import outbox
from lastgate.closure.model.lifecycle import ClosureReason, ClosureState
from lastgate.closure.service import workflow as closure
from lastgate.kernel.settings import Settings
from lastgate.notices.adapters.channels import MailboxChannel
from lastgate.notices.adapters.delivery import Channels, CustomerMessage, deliver_due
from lastgate.notices.adapters.sealed import SCRUBBED, open_params
from lastgate.platform.secret_box import SecretBox, SecretUnavailable
from tests.builders import account, load
from tests.workflow_support import customer, settings, workflow

CODE = re.compile(r"\b(\d{6})\b")


@pytest.fixture
def config(tmp_path: Path) -> Settings:
    return settings().model_copy(update={"mailbox_dir": tmp_path / "mailbox", "webhook_url": None})


@pytest.fixture
def wf(engine, clock, config):
    load(engine, account("U1000"))
    return workflow(engine, clock, config)


def stored(engine: Engine) -> list[Any]:
    """The verification-code rows exactly as the database holds them."""
    with engine.connect() as conn:
        return list(
            conn.execute(
                select(outbox)
                .where(outbox.c.topic == "verification_code")
                .order_by(outbox.c.created_at)
            ).all()
        )


def codes_in_mailbox(mailbox: Path) -> list[str]:
    """The codes the customer received, read from the messages as they would read them."""
    found = []
    for path in sorted(mailbox.glob("*verification_code*")):
        message = email.message_from_bytes(path.read_bytes(), policy=email_policy)
        body = message.get_body(("plain",))
        text = body.get_content() if body is not None else path.read_text()
        found.extend(CODE.findall(text.split("expires at")[0]))
    return found


def mailbox(config: Settings) -> Channels:
    return Channels(
        email=MailboxChannel(config.mailbox_dir), sms=MailboxChannel(config.mailbox_dir)
    )


def asked_for_a_code(wf, method: str = "email") -> str:
    request = closure.submit(wf, customer(), "U1000", ClosureReason.FEES, "")
    closure.start_verification(wf, customer(), request.id, method)
    return request.id


class Refusing:
    """A channel that never gets through."""

    def __init__(self) -> None:
        self.tries = 0

    def send(self, message: CustomerMessage) -> None:
        self.tries += 1
        raise ConnectionError("the relay is down")


def test_a_code_is_never_in_clear_in_the_outbox_and_still_reaches_the_customer(
    wf, engine, clock, config
) -> None:
    request_id = asked_for_a_code(wf)
    [row] = stored(engine)
    sealed = row.payload
    assert '"code": "sb1.' in sealed  # sealed with the master key
    deliver_due(engine, clock, config, mailbox(config))
    [code] = codes_in_mailbox(config.mailbox_dir)
    assert code not in sealed
    [after] = stored(engine)
    assert after.delivered_at is not None and after.payload == SCRUBBED
    assert code not in after.payload and "sb1." not in after.payload
    verified = closure.verify(wf, customer(), request_id, "email", code)
    assert verified.state is not ClosureState.VERIFYING


def test_a_code_given_up_on_is_scrubbed_from_its_row(wf, engine, clock, config) -> None:
    asked_for_a_code(wf)
    [row] = stored(engine)
    code = open_params(SecretBox.from_settings(config), row.id, row.topic, _params(row))["code"]
    refusing = Refusing()
    once = config.model_copy(update={"outbox_max_attempts": 1})
    deliver_due(engine, clock, once, Channels(email=refusing, sms=refusing))
    assert refusing.tries == 3  # the code, and the e-mail and SMS saying a request came in
    [after] = stored(engine)
    assert after.failed_at is not None and "relay is down" in after.last_error
    assert after.payload == SCRUBBED and code not in after.payload


def test_a_code_still_retrying_stays_sealed_and_is_sent_when_the_channel_is_back(
    wf, engine, clock, config
) -> None:
    asked_for_a_code(wf)
    deliver_due(engine, clock, config, Channels(email=Refusing(), sms=Refusing()))
    [retrying] = stored(engine)
    assert retrying.failed_at is None and '"code": "sb1.' in retrying.payload
    clock.advance(minutes=2)
    deliver_due(engine, clock, config, mailbox(config))
    [code] = codes_in_mailbox(config.mailbox_dir)
    assert code not in retrying.payload
    assert stored(engine)[0].payload == SCRUBBED


def test_a_code_that_expired_before_delivery_is_given_up_not_sent(
    wf, engine, clock, config
) -> None:
    asked_for_a_code(wf)
    clock.advance(hours=2)  # far past the code's life (minutes)
    deliver_due(engine, clock, config, mailbox(config))
    assert codes_in_mailbox(config.mailbox_dir) == []
    [after] = stored(engine)
    assert "expired" in after.last_error and after.payload == SCRUBBED


def test_a_new_code_voids_and_scrubs_the_undelivered_older_one(wf, engine, clock, config) -> None:
    request_id = asked_for_a_code(wf)
    clock.advance(seconds=61)
    closure.start_verification(wf, customer(), request_id, "email")  # asks again
    first, second = stored(engine)
    assert first.voided_at is not None and first.payload == SCRUBBED
    assert second.voided_at is None and '"code": "sb1.' in second.payload
    deliver_due(engine, clock, config, mailbox(config))
    [code] = codes_in_mailbox(config.mailbox_dir)  # only the live code goes out
    assert closure.verify(wf, customer(), request_id, "email", code).state is not (
        ClosureState.VERIFYING
    )


def test_a_sealed_code_opens_only_in_its_own_row(wf, engine, config) -> None:
    asked_for_a_code(wf)
    [row] = stored(engine)
    box = SecretBox.from_settings(config)
    assert CODE.fullmatch(open_params(box, row.id, row.topic, _params(row))["code"])
    with pytest.raises(SecretUnavailable):
        open_params(box, "another-row", row.topic, _params(row))


def test_a_code_sealed_under_a_master_key_no_longer_configured_is_given_up(
    wf, engine, clock, config
) -> None:
    import base64

    from pydantic import SecretStr

    asked_for_a_code(wf)
    rotated = config.model_copy(
        update={"master_key": SecretStr(base64.b64encode(b"N" * 32).decode())}
    )
    deliver_due(engine, clock, rotated, mailbox(config))
    assert codes_in_mailbox(config.mailbox_dir) == []
    [after] = stored(engine)
    assert "does not open" in after.last_error and after.payload == SCRUBBED


def _params(row: Any) -> dict[str, str]:
    import json

    params: dict[str, str] = json.loads(row.payload)["params"]
    return params


def test_migrating_scrubs_codes_stored_in_clear_before_and_voids_the_undelivered(
    engine, clock
) -> None:
    from alembic import command
    from sqlalchemy import insert

    from lastgate.platform.db.engine import alembic_config, migrate

    command.downgrade(alembic_config(engine), "0006")
    try:
        with engine.begin() as conn:
            for row_id, delivered in (("old-delivered", clock()), ("old-pending", None)):
                conn.execute(
                    insert(outbox).values(
                        id=row_id,
                        created_at=clock(),
                        channel="email",
                        topic="verification_code",
                        recipient="u1000@example.com",
                        subject_ref="closure:c1",
                        payload='{"params": {"code": "424242", "expires_at": "x"}}',
                        deliver_after=clock(),
                        attempts=0,
                        delivered_at=delivered,
                    )
                )
    finally:
        migrate(engine)
    rows = {row.id: row for row in stored(engine)}
    assert all("424242" not in row.payload for row in rows.values())
    assert rows["old-pending"].voided_at is not None
    assert rows["old-delivered"].voided_at is None
