"""Step-up verification on both databases: authenticator codes, one-time codes with
expiry and lockout, sealed secrets, and identity evidence files on disk."""

from __future__ import annotations

import base64
import hashlib
import uuid
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pyotp
import pytest
from pydantic import SecretStr
from sqlalchemy import Engine, select

from lastgate.closure.adapters.tables import (
    evidence_files,
    outbox,
    second_factors,
    verification_challenges,
)
from lastgate.closure.adapters.unit_of_work import SqlUnitOfWork
from lastgate.closure.model.lifecycle import ClosureReason, ClosureRequest, ClosureState
from lastgate.closure.model.verification import EvidenceRefused
from lastgate.closure.service import step_up
from lastgate.closure.service import workflow as closure
from lastgate.erasure.adapters.catalogue import metadata
from lastgate.kernel.access import Principal, Role
from lastgate.kernel.errors import (
    Conflict,
    InvalidInput,
    LastgateError,
    NotFound,
    VerificationFailed,
    VerificationLocked,
)
from lastgate.kernel.settings import Settings
from lastgate.platform.secret_box import SecretBox, SecretUnavailable
from lastgate.platform.uploads import sniff
from tests import upload_samples
from tests.builders import account, load
from tests.workflow_support import set_up_long_ago

KEY_A = base64.b64encode(b"A" * 32).decode()
HOLDER, OTHER = Principal("U1000", Role.CUSTOMER), Principal("U2000", Role.CUSTOMER)
KEY_B = base64.b64encode(b"B" * 32).decode()


@dataclass
class Ctx:
    engine: Engine
    clock: Any
    settings: Settings
    request: ClosureRequest

    def uow(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine, self.clock, self.settings)

    def check(self, method: str, code: str, request: ClosureRequest | None = None) -> None:
        """As the closure use case does: a failed try is committed, then raised."""
        failure: LastgateError | None = None
        with self.uow() as uow:
            try:
                uow.step_up.check(request or self.request, method, code)
            except LastgateError as exc:
                failure = exc
        if failure is not None:
            raise failure

    def send(self, channel: str = "email") -> str:
        """Send a code; the code, read back from the outbox as the deliverer would."""
        before = set(sent_codes(self.engine))
        with self.uow() as uow:
            uow.step_up.send_code(self.request, channel)
        (new,) = set(sent_codes(self.engine)) - before
        return new


def new_request(ctx_engine: Engine, clock: Any, settings: Settings, uid: str) -> ClosureRequest:
    request = ClosureRequest(
        id=str(uuid.uuid4()),
        uid=uid,
        state=ClosureState.VERIFYING,
        reason=ClosureReason.FEES,
        reason_text="",
        created_at=clock(),
        updated_at=clock(),
        needs_evidence=True,
    )
    with SqlUnitOfWork(ctx_engine, clock, settings) as uow:
        uow.closures.add(request)
    return request


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(evidence_dir=tmp_path / "evidence", master_key=SecretStr(KEY_A))


@pytest.fixture
def ctx(engine, clock, settings) -> Ctx:
    load(engine, account("U1000"), account("U2000"))
    return Ctx(engine, clock, settings, new_request(engine, clock, settings, "U1000"))


def sent_codes(engine: Engine, settings: Settings | None = None) -> list[str]:
    """Every code still in the outbox (a superseded one is scrubbed), opened from its
    seal as delivery does; under ``KEY_A``, the master key of these tests' settings."""
    import json

    from lastgate.notices.adapters.sealed import open_params

    box = SecretBox.from_settings(settings or Settings(master_key=SecretStr(KEY_A)))
    with engine.connect() as conn:
        rows = conn.execute(
            select(outbox.c.id, outbox.c.payload)
            .where(outbox.c.topic == "verification_code")
            .order_by(outbox.c.created_at)
        ).all()
    payloads = [(r.id, json.loads(r.payload)) for r in rows]
    return [
        open_params(box, row_id, "verification_code", payload["params"])["code"]
        for row_id, payload in payloads
        if "params" in payload
    ]


def audit_rows(engine: Engine) -> list[dict[str, Any]]:
    from lastgate.platform import audit_log

    with engine.connect() as conn:
        return [
            {"action": e.action, "subject": e.subject, "actor": e.actor, "payload": e.payload}
            for e in audit_log.entries(conn)
        ]


def actions(engine: Engine) -> list[str]:
    return [row["action"] for row in audit_rows(engine)]


def other(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


# -- authenticator apps (TOTP) -----------------------------------------------------------


@pytest.fixture
def totp(ctx: Ctx) -> pyotp.TOTP:
    """An authenticator confirmed five minutes ago, set up long before (past the wait
    before a new one may confirm a closure)."""
    enrolment = step_up.enroll_totp(ctx.uow(), HOLDER, "U1000")
    app = pyotp.TOTP(enrolment.secret)
    step_up.confirm_totp(ctx.uow(), HOLDER, "U1000", app.at(ctx.clock()))
    set_up_long_ago(ctx.engine)
    ctx.clock.advance(minutes=5)
    return app


def at_step(app: pyotp.TOTP, ctx: Ctx, steps: int) -> str:
    return app.at(ctx.clock() + timedelta(seconds=30 * steps))


def test_enrolment_gives_a_provisioning_uri_for_a_qr_code(ctx: Ctx) -> None:
    enrolment = step_up.enroll_totp(ctx.uow(), HOLDER, "U1000")
    assert enrolment.provisioning_uri.startswith("otpauth://totp/")
    assert f"secret={enrolment.secret}" in enrolment.provisioning_uri
    assert "issuer=" in enrolment.provisioning_uri
    assert len(enrolment.secret) == 32  # 160 bits, as RFC 4226 recommends


def test_the_authenticator_secret_is_stored_sealed(ctx: Ctx) -> None:
    enrolment = step_up.enroll_totp(ctx.uow(), HOLDER, "U1000")
    with ctx.engine.connect() as conn:
        stored = conn.execute(select(second_factors.c.secret)).scalar_one()
    assert enrolment.secret not in stored
    box = SecretBox.from_settings(ctx.settings)
    opened = box.open_(stored, context=b"second_factors.secret:U1000")
    assert opened == enrolment.secret.encode()


def test_an_authenticator_code_is_accepted(ctx: Ctx, totp: pyotp.TOTP) -> None:
    ctx.check("totp", totp.at(ctx.clock()))
    assert actions(ctx.engine)[-1] == "verification.succeeded"


def test_a_wrong_authenticator_code_is_refused_and_counts(ctx: Ctx, totp: pyotp.TOTP) -> None:
    with pytest.raises(VerificationFailed) as failure:
        ctx.check("totp", other(totp.at(ctx.clock())))
    assert failure.value.details[0]["tries_left"] == "4"


def test_a_replayed_authenticator_code_is_refused_as_used_without_a_try_counted(
    ctx: Ctx, totp: pyotp.TOTP
) -> None:
    code = totp.at(ctx.clock())
    ctx.check("totp", code)
    with pytest.raises(VerificationFailed) as replayed:
        ctx.check("totp", code)  # still on the screen: not a guess
    assert replayed.value.details == [{"path": "code", "reason": "already_used"}]
    with pytest.raises(VerificationFailed) as wrong:
        ctx.check("totp", other(totp.at(ctx.clock())))
    assert wrong.value.details[0]["tries_left"] == "4"  # the replay took none


def test_the_code_that_confirmed_the_app_is_refused_as_used_right_after(ctx: Ctx) -> None:
    # What a customer does: sets the app up, then types the code still showing.
    enrolment = step_up.enroll_totp(ctx.uow(), HOLDER, "U1000")
    app = pyotp.TOTP(enrolment.secret)
    step_up.confirm_totp(ctx.uow(), HOLDER, "U1000", app.at(ctx.clock()))
    set_up_long_ago(ctx.engine)
    with pytest.raises(VerificationFailed) as replayed:
        ctx.check("totp", app.at(ctx.clock()))
    assert replayed.value.details[0]["reason"] == "already_used"
    ctx.clock.advance(seconds=30)
    ctx.check("totp", app.at(ctx.clock()))  # the next code works


def test_an_older_code_after_a_newer_one_is_refused(ctx: Ctx, totp: pyotp.TOTP) -> None:
    ctx.check("totp", at_step(totp, ctx, 0))
    with pytest.raises(VerificationFailed):
        ctx.check("totp", at_step(totp, ctx, -1))


@pytest.mark.parametrize("steps", [-1, 1])
def test_codes_one_step_either_side_are_accepted(ctx: Ctx, totp: pyotp.TOTP, steps: int) -> None:
    ctx.check("totp", at_step(totp, ctx, steps))


@pytest.mark.parametrize("steps", [-2, 2])
def test_codes_two_steps_away_are_refused(ctx: Ctx, totp: pyotp.TOTP, steps: int) -> None:
    with pytest.raises(VerificationFailed):
        ctx.check("totp", at_step(totp, ctx, steps))


def test_a_code_lives_until_the_end_of_the_next_step(ctx: Ctx, totp: pyotp.TOTP) -> None:
    code = totp.at(ctx.clock())  # the clock stands at the start of a step
    ctx.clock.advance(seconds=59)
    ctx.check("totp", code)


def test_a_code_dies_when_the_second_step_after_it_begins(ctx: Ctx, totp: pyotp.TOTP) -> None:
    code = totp.at(ctx.clock())
    ctx.clock.advance(seconds=60)
    with pytest.raises(VerificationFailed):
        ctx.check("totp", code)


def test_an_unconfirmed_authenticator_cannot_verify(ctx: Ctx) -> None:
    app = pyotp.TOTP(step_up.enroll_totp(ctx.uow(), HOLDER, "U1000").secret)
    with pytest.raises(VerificationFailed) as failure:
        ctx.check("totp", app.at(ctx.clock()))
    assert failure.value.details[0]["reason"] == "not_enrolled"


def test_confirming_with_a_wrong_code_is_refused(ctx: Ctx) -> None:
    app = pyotp.TOTP(step_up.enroll_totp(ctx.uow(), HOLDER, "U1000").secret)
    with pytest.raises(VerificationFailed):
        step_up.confirm_totp(ctx.uow(), HOLDER, "U1000", other(app.at(ctx.clock())))


def test_a_confirmed_authenticator_is_not_replaced_by_enrolling_again(
    ctx: Ctx, totp: pyotp.TOTP
) -> None:
    with pytest.raises(Conflict):
        step_up.enroll_totp(ctx.uow(), HOLDER, "U1000")
    ctx.check("totp", totp.at(ctx.clock()))


def test_an_authenticator_sealed_under_a_retired_key_works_and_is_resealed(
    ctx: Ctx, totp: pyotp.TOTP
) -> None:
    ctx.settings = Settings(
        evidence_dir=ctx.settings.evidence_dir,
        master_key=SecretStr(KEY_B),
        previous_master_keys=[SecretStr(KEY_A)],
    )
    ctx.check("totp", totp.at(ctx.clock()))
    with ctx.engine.connect() as conn:
        token = conn.execute(select(second_factors.c.secret)).scalar_one()
    assert not SecretBox.from_settings(ctx.settings).needs_reseal(token)


def check_account(ctx: Ctx, code: str) -> None:
    """As lifting a freeze does: a failed try is committed, then raised."""
    failure: LastgateError | None = None
    with ctx.uow() as uow:
        try:
            uow.step_up.check_account_totp("U1000", code)
        except LastgateError as exc:
            failure = exc
    if failure is not None:
        raise failure


def test_an_authenticator_code_is_accepted_outside_a_closure(ctx: Ctx, totp: pyotp.TOTP) -> None:
    code = totp.at(ctx.clock())
    check_account(ctx, code)
    with pytest.raises(VerificationFailed):
        check_account(ctx, code)  # spent: refused as used, which counts no try
    assert audit_rows(ctx.engine)[-1]["subject"] == "account:U1000"  # the success


def test_wrong_codes_outside_a_closure_lock_the_factor_for_a_while(
    ctx: Ctx, totp: pyotp.TOTP
) -> None:
    for left in ("4", "3", "2", "1"):
        with pytest.raises(VerificationFailed) as failure:
            check_account(ctx, other(totp.at(ctx.clock())))
        assert failure.value.details[0]["tries_left"] == left
    with pytest.raises(VerificationLocked):
        check_account(ctx, other(totp.at(ctx.clock())))
    with pytest.raises(VerificationLocked):
        check_account(ctx, totp.at(ctx.clock()))
    ctx.clock.advance(minutes=30)
    with pytest.raises(VerificationFailed) as fresh:
        check_account(ctx, other(totp.at(ctx.clock())))
    assert fresh.value.details[0]["tries_left"] == "4"
    check_account(ctx, totp.at(ctx.clock()))
    ctx.clock.advance(seconds=30)
    with pytest.raises(VerificationFailed) as after_success:
        check_account(ctx, other(totp.at(ctx.clock())))
    assert after_success.value.details[0]["tries_left"] == "4"


def test_no_authenticator_no_check_outside_a_closure(ctx: Ctx) -> None:
    with pytest.raises(VerificationFailed):
        check_account(ctx, "123456")


# -- one-time codes by e-mail or SMS -----------------------------------------------------


def test_a_sent_code_is_accepted(ctx: Ctx) -> None:
    ctx.check("email", ctx.send())
    assert actions(ctx.engine)[-2:] == ["verification.code_sent", "verification.succeeded"]


def test_the_code_goes_out_through_the_outbox_about_the_request(ctx: Ctx) -> None:
    ctx.send("sms")
    with ctx.engine.connect() as conn:
        refs = set(
            conn.execute(
                select(outbox.c.subject_ref).where(outbox.c.topic == "verification_code")
            ).scalars()
        )
    assert refs == {f"closure:{ctx.request.id}"}


def test_a_spent_code_is_refused(ctx: Ctx) -> None:
    code = ctx.send()
    ctx.check("email", code)
    with pytest.raises(VerificationFailed):
        ctx.check("email", code)


def test_a_code_of_one_channel_does_not_verify_another(ctx: Ctx) -> None:
    code = ctx.send("email")
    with pytest.raises(VerificationFailed):
        ctx.check("sms", code)


def test_a_wrong_code_says_how_many_tries_remain(ctx: Ctx) -> None:
    code = ctx.send()
    with pytest.raises(VerificationFailed) as first:
        ctx.check("email", other(code))
    with pytest.raises(VerificationFailed) as second:
        ctx.check("email", "12")
    assert first.value.details[0]["tries_left"] == "4"
    assert second.value.details[0]["tries_left"] == "3"
    assert "3 tries left" in second.value.message


def test_an_expired_code_fails_like_a_wrong_one(ctx: Ctx) -> None:
    code = ctx.send()
    ctx.clock.advance(minutes=10)
    with pytest.raises(VerificationFailed) as expired:
        ctx.check("email", code)
    with pytest.raises(VerificationFailed) as wrong:
        ctx.check("email", other(code))
    assert expired.value.details[0]["reason"] == wrong.value.details[0]["reason"] == "invalid"
    assert expired.value.message.split(";")[0] == wrong.value.message.split(";")[0]


def test_a_code_is_good_until_just_before_it_expires(ctx: Ctx) -> None:
    code = ctx.send()
    ctx.clock.advance(minutes=9, seconds=59)
    ctx.check("email", code)


def test_a_superseded_code_is_refused(ctx: Ctx) -> None:
    first = ctx.send()
    ctx.clock.advance(seconds=60)  # the wait between two codes of a channel
    second = ctx.send()
    if first == second:  # one chance in a million
        pytest.skip("the two random codes happen to be equal")
    with pytest.raises(VerificationFailed):
        ctx.check("email", first)
    ctx.check("email", second)


def test_wrong_tries_lock_verification_after_the_limit(ctx: Ctx) -> None:
    code = ctx.send()
    for _ in range(4):
        with pytest.raises(VerificationFailed):
            ctx.check("email", other(code))
    with pytest.raises(VerificationLocked) as locked:
        ctx.check("email", other(code))
    assert (
        locked.value.details[0]["locked_until"] == (ctx.clock() + timedelta(minutes=15)).isoformat()
    )
    with pytest.raises(VerificationLocked):
        ctx.check("email", code)  # even the right code, while locked
    with pytest.raises(VerificationLocked):
        ctx.send()
    assert "verification.locked" in actions(ctx.engine)


def test_authenticator_and_code_failures_count_together(ctx: Ctx, totp: pyotp.TOTP) -> None:
    code = ctx.send()
    for _ in range(2):
        with pytest.raises(VerificationFailed):
            ctx.check("totp", other(totp.at(ctx.clock())))
    with pytest.raises(VerificationFailed) as third:
        ctx.check("email", other(code))
    assert third.value.details[0]["tries_left"] == "2"


def test_resending_a_code_does_not_reset_the_count(ctx: Ctx) -> None:
    for _ in range(4):
        code = ctx.send()
        with pytest.raises(VerificationFailed):
            ctx.check("email", other(code))
        ctx.clock.advance(seconds=60)
    code = ctx.send()
    with pytest.raises(VerificationLocked):
        ctx.check("email", other(code))


def test_the_lock_is_released_after_the_lockout_time(ctx: Ctx) -> None:
    code = ctx.send()
    for _ in range(5):
        with pytest.raises(LastgateError):
            ctx.check("email", other(code))
    ctx.clock.advance(minutes=14, seconds=59)  # the first lock: 15 minutes
    with pytest.raises(VerificationLocked):
        ctx.send()
    ctx.clock.advance(seconds=1)
    code = ctx.send()
    with pytest.raises(VerificationFailed) as fresh:
        ctx.check("email", other(code))
    assert fresh.value.details[0]["tries_left"] == "4"  # a new run of five tries
    ctx.check("email", code)


def test_an_unknown_method_is_refused(ctx: Ctx) -> None:
    with pytest.raises(InvalidInput):
        ctx.check("pigeon", "123456")
    with pytest.raises(InvalidInput), ctx.uow() as uow:
        uow.step_up.send_code(ctx.request, "pigeon")


def test_codes_are_never_stored_in_clear(ctx: Ctx, totp: pyotp.TOTP) -> None:
    codes = [ctx.send("email"), ctx.send("sms")]
    with pytest.raises(VerificationFailed):
        ctx.check("sms", other(codes[-1]))
    ctx.check("sms", codes[-1])
    typed = [other(codes[-1]), totp.at(ctx.clock())]
    ctx.check("totp", typed[-1])
    with ctx.engine.connect() as conn:
        for table in metadata.sorted_tables:  # the outbox too: it holds the code sealed
            for row in conn.execute(select(table)):
                text = repr(tuple(row))
                for code in (*codes, *typed):
                    assert code not in text, f"{code} found in {table.name}"
    audit = repr(audit_rows(ctx.engine))
    assert all(code not in audit for code in (*codes, *typed))
    assert "verification.failed" in audit


def test_a_code_digest_does_not_verify_another_challenge(ctx: Ctx) -> None:
    ctx.send()
    with ctx.engine.connect() as conn:
        row = conn.execute(select(verification_challenges)).first()
    assert row is not None and row.code_hash.startswith(
        SecretBox.from_settings(ctx.settings).current_key_id + "$"
    )


# -- the secret box ----------------------------------------------------------------------


def box(current: str = KEY_A, *retired: str) -> SecretBox:
    return SecretBox.from_settings(
        Settings(
            master_key=SecretStr(current), previous_master_keys=[SecretStr(k) for k in retired]
        )
    )


def test_a_sealed_secret_opens_with_its_context() -> None:
    token = box().seal(b"JBSWY3DPEHPK3PXP", context=b"second_factors.secret:U1")
    assert b"JBSWY3DPEHPK3PXP" not in token.encode()
    assert box().open_(token, context=b"second_factors.secret:U1") == b"JBSWY3DPEHPK3PXP"


def test_sealing_twice_gives_different_tokens() -> None:
    assert box().seal(b"s", context=b"c") != box().seal(b"s", context=b"c")


def test_a_flipped_byte_is_detected() -> None:
    token = box().seal(b"secret", context=b"ctx")
    prefix, data = token.rsplit(".", 1)
    raw = bytearray(base64.urlsafe_b64decode(data))
    for position in (0, len(raw) // 2, len(raw) - 1):
        altered = bytearray(raw)
        altered[position] ^= 0x01
        forged = f"{prefix}.{base64.urlsafe_b64encode(bytes(altered)).decode()}"
        with pytest.raises(SecretUnavailable):
            box().open_(forged, context=b"ctx")


def test_a_token_does_not_open_in_another_context() -> None:
    token = box().seal(b"secret", context=b"second_factors.secret:U1")
    with pytest.raises(SecretUnavailable):
        box().open_(token, context=b"second_factors.secret:U2")


def test_a_token_of_a_retired_key_opens_and_can_be_resealed() -> None:
    old = box(KEY_A).seal(b"secret", context=b"ctx")
    rotated = box(KEY_B, KEY_A)
    assert rotated.needs_reseal(old)
    new = rotated.reseal(old, context=b"ctx")
    assert not rotated.needs_reseal(new)
    assert box(KEY_B).open_(new, context=b"ctx") == b"secret"


def test_a_token_of_a_key_no_longer_configured_does_not_open() -> None:
    with pytest.raises(SecretUnavailable):
        box(KEY_B).open_(box(KEY_A).seal(b"secret", context=b"ctx"), context=b"ctx")


@pytest.mark.parametrize("token", ["", "sb1", "sb1.x.", "v0.abc.AAAA", "sb1.abc.%%%"])
def test_garbage_is_not_a_token(token: str) -> None:
    with pytest.raises(SecretUnavailable):
        box().open_(token, context=b"ctx")


def test_digests_match_their_message_and_context_only() -> None:
    digest = box().digest(b"123456", context=b"challenge-1")
    assert box().digest_matches(b"123456", digest, context=b"challenge-1")
    assert not box().digest_matches(b"123457", digest, context=b"challenge-1")
    assert not box().digest_matches(b"123456", digest, context=b"challenge-2")
    assert box(KEY_B, KEY_A).digest_matches(b"123456", digest, context=b"challenge-1")
    assert not box(KEY_B).digest_matches(b"123456", digest, context=b"challenge-1")


# -- identity evidence -------------------------------------------------------------------


JPEG = upload_samples.jpeg()
PNG = upload_samples.png()
PDF = upload_samples.pdf()
HEIC = upload_samples.heic()
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64
HTML = b"<!DOCTYPE html><script>alert(document.cookie)</script>"


def upload(ctx: Ctx, kind: str, content: bytes, **kwargs: Any) -> str:
    return step_up.upload_evidence(
        ctx.uow(),
        Principal(ctx.request.uid, Role.CUSTOMER),
        ctx.request.id,
        kind,
        content,
        **kwargs,
    )


def evidence_row(ctx: Ctx, evidence_id: str) -> Any:
    with ctx.engine.connect() as conn:
        return conn.execute(select(evidence_files).where(evidence_files.c.id == evidence_id)).one()


def review(ctx: Ctx, evidence_id: str, *, approve: bool = True, request_id: str = "") -> None:
    with ctx.uow() as uow:
        uow.step_up.review_evidence(
            request_id or ctx.request.id, evidence_id, agent="agent-ada", approve=approve
        )


def complete(ctx: Ctx) -> bool:
    with ctx.uow() as uow:
        return uow.step_up.evidence_complete(ctx.request.id)


@pytest.mark.parametrize(
    ("content", "content_type"),
    [(JPEG, "image/jpeg"), (PNG, "image/png"), (PDF, "application/pdf"), (HEIC, "image/jpeg")],
)
def test_document_files_of_accepted_types_are_stored_as_the_parser_reads_them(
    ctx: Ctx, content: bytes, content_type: str
) -> None:
    """Photos are decoded and encoded again (a HEIC photo kept as a JPEG), PDFs written
    again; what is stored, hashed and served back is that clean file."""
    evidence_id = upload(ctx, "document", content, filename="passport.bin")
    row = evidence_row(ctx, evidence_id)
    stored = (ctx.settings.evidence_dir / row.storage_key).read_bytes()
    assert (row.content_type, row.size) == (content_type, len(stored))
    assert row.sha256 == hashlib.sha256(stored).hexdigest()
    assert sniff(stored) == content_type
    with ctx.uow() as uow:
        served_type, chunks = uow.step_up.read_evidence(ctx.request.id, evidence_id)
    assert (served_type, b"".join(chunks)) == (content_type, stored)


@pytest.mark.parametrize("content", [EXE, HTML, b"GIF89a" + b"\x00" * 32, b"%PDF-1.4 no end"])
def test_other_files_are_refused_whatever_their_name(ctx: Ctx, content: bytes) -> None:
    with pytest.raises(EvidenceRefused) as refused:
        upload(ctx, "document", content, filename="passport.jpg")
    assert refused.value.details[0]["reason"] == "unsupported_type"
    assert not list(ctx.settings.evidence_dir.glob("*"))


def test_a_selfie_must_be_a_photo(ctx: Ctx) -> None:
    with pytest.raises(EvidenceRefused):
        upload(ctx, "selfie", PDF)
    upload(ctx, "selfie", JPEG)


def test_an_unknown_kind_is_refused(ctx: Ctx) -> None:
    with pytest.raises(EvidenceRefused):
        upload(ctx, "utility_bill", PDF)


def test_a_file_over_the_size_limit_is_refused(ctx: Ctx) -> None:
    ctx.settings = Settings(evidence_dir=ctx.settings.evidence_dir, evidence_max_bytes=2048)
    upload(ctx, "document", JPEG + b"\x00" * (2048 - len(JPEG)))
    with pytest.raises(EvidenceRefused) as refused:
        upload(ctx, "document", JPEG + b"\x00" * (2049 - len(JPEG)))
    assert refused.value.details[0]["reason"] == "too_large"


def test_a_given_filename_never_places_the_file(ctx: Ctx, tmp_path: Path) -> None:
    before = {p for p in tmp_path.rglob("*")}
    evidence_id = upload(ctx, "document", PNG, filename="../../../outside/evil.png")
    upload(ctx, "selfie", PNG, filename="/etc/cron.d/evil.jpg")
    written = {p for p in tmp_path.rglob("*")} - before
    root = ctx.settings.evidence_dir.resolve()
    assert written and all(p.resolve().is_relative_to(root) for p in written)
    names = {p.name for p in written if p.is_file()}
    assert evidence_row(ctx, evidence_id).storage_key in names
    assert all(len(name) == 32 and "evil" not in name for name in names)


def test_an_upload_rolled_back_leaves_no_file(ctx: Ctx) -> None:
    with pytest.raises(RuntimeError), ctx.uow() as uow:
        uow.step_up.add_evidence(ctx.request, "document", JPEG)
        raise RuntimeError("the use case fails after the upload")
    assert not [p for p in ctx.settings.evidence_dir.glob("*") if p.is_file()]


def test_evidence_is_taken_only_for_the_customers_own_request(ctx: Ctx) -> None:
    with pytest.raises(NotFound):
        step_up.upload_evidence(ctx.uow(), OTHER, ctx.request.id, "document", JPEG)


def test_evidence_is_refused_when_the_request_needs_none(ctx: Ctx) -> None:
    request = new_request(ctx.engine, ctx.clock, ctx.settings, "U2000")
    with ctx.uow() as uow:
        uow.closures.save(
            ClosureRequest(
                **{
                    **{f: getattr(request, f) for f in request.__dataclass_fields__},
                    "needs_evidence": False,
                    "version": request.version + 1,
                }
            )
        )
    with pytest.raises(Conflict):
        step_up.upload_evidence(ctx.uow(), OTHER, request.id, "document", JPEG)


def test_an_upload_is_audited_without_its_content(ctx: Ctx) -> None:
    evidence_id = upload(ctx, "document", PDF)
    entry = audit_rows(ctx.engine)[-1]
    assert entry["action"] == "verification.evidence_uploaded"
    assert evidence_id in entry["payload"] and "%PDF" not in entry["payload"]


def test_evidence_is_complete_once_a_document_and_a_selfie_are_approved(ctx: Ctx) -> None:
    document = upload(ctx, "document", PDF)
    selfie = upload(ctx, "selfie", JPEG)
    assert not complete(ctx)
    review(ctx, document)
    assert not complete(ctx)
    review(ctx, selfie)
    assert complete(ctx)
    row = evidence_row(ctx, selfie)
    assert (row.reviewed_by, row.review_decision) == ("agent-ada", "approved")
    assert row.reviewed_at == ctx.clock()
    assert actions(ctx.engine)[-1] == "verification.evidence_reviewed"


def test_a_rejected_selfie_leaves_evidence_incomplete(ctx: Ctx) -> None:
    review(ctx, upload(ctx, "document", PDF))
    review(ctx, upload(ctx, "selfie", PNG), approve=False)
    assert not complete(ctx)
    review(ctx, upload(ctx, "selfie", PNG))
    assert complete(ctx)


def test_evidence_is_reviewed_once(ctx: Ctx) -> None:
    evidence_id = upload(ctx, "document", PDF)
    review(ctx, evidence_id, approve=False)
    with pytest.raises(Conflict):
        review(ctx, evidence_id)


def test_evidence_of_another_request_is_not_found(ctx: Ctx) -> None:
    evidence_id = upload(ctx, "document", PDF)
    elsewhere = new_request(ctx.engine, ctx.clock, ctx.settings, "U2000")
    with pytest.raises(NotFound):
        review(ctx, evidence_id, request_id=elsewhere.id)
    with pytest.raises(NotFound), ctx.uow() as uow:
        uow.step_up.read_evidence(elsewhere.id, evidence_id)


def test_content_types_come_from_magic_bytes() -> None:
    assert sniff(JPEG) == "image/jpeg"
    assert sniff(PNG) == "image/png"
    assert sniff(PDF) == "application/pdf"
    assert sniff(HEIC) == "image/heic"
    assert sniff(b"\x89PNG\r\n\x1a\n" + b"<html>" * 4) is None
    assert sniff(b"") is None


# -- through the closure use cases -------------------------------------------------------


def test_the_closure_use_cases_verify_with_an_emailed_code(engine, clock, tmp_path) -> None:
    from tests.workflow_support import AGENT_A, customer, request_in, workflow

    load(engine, account("U1000"))
    config = Settings(evidence_dir=tmp_path / "evidence")
    wf = workflow(engine, clock, config)
    request = request_in(wf, ClosureState.DRAFT, needs_evidence=True)
    closure.start_verification(wf, customer(), request.id, "email")
    with pytest.raises(VerificationFailed):
        closure.verify(wf, customer(), request.id, "email", "000000x")
    code = sent_codes(engine, config)[-1]
    request = closure.verify(wf, customer(), request.id, "email", code)
    assert request.state is ClosureState.VERIFYING  # evidence still missing
    ctx = Ctx(engine, clock, config, request)
    document, selfie = upload(ctx, "document", PDF), upload(ctx, "selfie", JPEG)
    closure.review_evidence(wf, AGENT_A, request.id, document, approve=True)
    request = closure.review_evidence(wf, AGENT_A, request.id, selfie, approve=True)
    assert request.state is not ClosureState.VERIFYING
