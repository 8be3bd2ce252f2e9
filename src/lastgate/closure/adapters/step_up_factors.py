"""Authenticator apps (TOTP) on lastgate's database: enrolment (and the pending one, read
back while it is set up), the first code that confirms a factor, codes outside a closure
(lifting a freeze), and the check of a code.

Storage: ``second_factors``, one authenticator per customer, its secret sealed with the
master key (``secret_box``); ``last_used_step`` is the last accepted time step, so a code
is accepted once. A factor is confirmed once a first code was accepted (the step is set).
Wrong codes count on the account, with those of its closure requests (``step_up_limits``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pyotp
from sqlalchemy import Row, insert, select, update

from lastgate.closure.adapters.step_up_limits import AttemptLimits
from lastgate.closure.adapters.tables import second_factors
from lastgate.closure.model import attempts
from lastgate.closure.model import verification as rules
from lastgate.kernel.errors import Conflict, InvalidInput, NotFound, VerificationFailed
from lastgate.kernel.policy import VerificationPolicy

_sf = second_factors.c


def _totp_context(uid: str) -> bytes:
    return f"second_factors.secret:{uid}".encode()


class TotpFactors(AttemptLimits):
    """Authenticator enrolment and the check of its codes."""

    def enroll_totp(self, uid: str) -> rules.TotpEnrolment:
        """A new authenticator secret for ``uid``, replacing one not yet confirmed;
        ``Conflict`` if a confirmed authenticator exists (replacing it is a reset that
        goes through support, not a self-service step)."""
        row = self._factor(uid)
        if row is not None and row.last_used_step is not None:
            raise Conflict("an authenticator app is already set up for this account")
        secret = pyotp.random_base32()
        values = {
            "kind": rules.TOTP,
            "secret": self._box.seal(secret.encode(), context=_totp_context(uid)),
            "enrolled_at": self._clock(),
            "last_used_step": None,
        }
        if row is None:
            self._conn.execute(insert(second_factors).values(uid=uid, **values))
        else:
            self._conn.execute(update(second_factors).where(_sf.uid == uid).values(**values))
        self._record(uid, "verification.totp_enrolled", f"customer:{uid}", {})
        return self._enrolment(uid, secret)

    def pending_totp(self, uid: str) -> rules.TotpEnrolment | None:
        """The authenticator being set up for ``uid``: its stored secret, opened, so the
        set-up page shows the same key however often it is opened; None when none is
        pending, or once it is confirmed (a working factor's secret is never shown)."""
        row = self._factor(uid)
        if row is None or row.last_used_step is not None:
            return None
        return self._enrolment(
            uid, self._box.open_(row.secret, context=_totp_context(uid)).decode()
        )

    def _enrolment(self, uid: str, secret: str) -> rules.TotpEnrolment:
        uri = pyotp.TOTP(secret).provisioning_uri(
            name=uid, issuer_name=self._settings.certificate_issuer
        )
        return rules.TotpEnrolment(secret=secret, provisioning_uri=uri)

    def confirm_totp(self, uid: str, code: str) -> None:
        """Accept the first code of a new authenticator, which makes it usable."""
        row = self._factor(uid)
        if row is None:
            raise NotFound("no authenticator app is being set up for this account")
        if row.last_used_step is not None:
            raise Conflict("the authenticator app is already confirmed")
        if not self._accept_totp(row, rules.normalise_code(code), self._policy_for(uid)):
            self._record(uid, "verification.totp_confirm_failed", f"customer:{uid}", {})
            raise VerificationFailed(
                "the code is not valid; check the time on your phone and try again",
                details=[{"path": "code", "reason": "invalid"}],
            )
        self._record(uid, "verification.totp_confirmed", f"customer:{uid}", {})

    def check_account_totp(self, uid: str, code: str) -> None:
        """Accept ``uid``'s authenticator code outside a closure (lifting a freeze).

        Wrong tries count on the account, together with those of its closure requests,
        under the same limits and locks."""
        now, policy = self._clock(), self._policy_for(uid)
        self._refuse_if_too_new(uid, now)  # a new one vouches for nothing yet
        subject = f"account:{uid}"
        count = self._locked_count(uid)
        attempts.ensure_may_try(count, policy, now)
        if self._accept_totp(self._confirmed_factor(uid), rules.normalise_code(code), policy):
            self._count_success(uid, now)
            self._record(uid, "verification.succeeded", subject, {"method": rules.TOTP})
            return
        self._count_failure(uid, count, subject=subject, method=rules.TOTP, policy=policy, now=now)

    def _refuse_if_too_new(self, uid: str, now: datetime) -> None:
        """An authenticator set up too recently confirms no closure and lifts no freeze
        yet (not a wrong try: the pages do not offer it; ``verification.authenticator_matures``)."""
        row = self._factor(uid)
        since = None if row is None or row.last_used_step is None else row.enrolled_at
        usable_from = rules.authenticator_matures(since, self._authenticator_wait(uid), now)
        if usable_from is not None:
            raise InvalidInput(
                "the authenticator app was set up too recently to vouch for this; it can "
                f"from {usable_from.isoformat()}",
                details=[{"path": "method", "reason": "authenticator_too_new"}],
            )

    def _check_totp(self, uid: str, code: str, policy: VerificationPolicy) -> bool:
        return self._accept_totp(self._confirmed_factor(uid), code, policy)

    def _confirmed_factor(self, uid: str) -> Row[Any]:
        row = self._factor(uid)
        if row is None or row.last_used_step is None:
            raise VerificationFailed(
                "no authenticator app is set up for this account",
                details=[{"path": "method", "reason": "not_enrolled"}],
            )
        return row

    def _accept_totp(self, row: Row[Any], code: str, policy: VerificationPolicy) -> bool:
        """Whether ``code`` is a fresh code of the factor in ``row``; spends its step.
        A code already accepted is refused as such (``REUSED_CODE``), without a try counted."""
        if not rules.is_well_formed(code):
            return False
        context = _totp_context(row.uid)
        totp = pyotp.TOTP(self._box.open_(row.secret, context=context).decode())
        matched = None
        for step in rules.candidate_steps(self._clock(), policy):
            # Every candidate is compared, in constant time, whatever matched before.
            if rules.constant_time_equal(totp.generate_otp(step), code) and matched is None:
                matched = step
        if matched is None:
            return False
        if rules.is_replay(matched, row.last_used_step):
            # The code the customer just used (setting the app up, say) is still on the
            # screen: not a guess, so no try is counted; they need to wait for the next.
            raise VerificationFailed(
                "this code was already used: wait for the next code of your authenticator "
                "app (a new one every 30 seconds)",
                details=[{"path": "code", "reason": rules.REUSED_CODE}],
            )
        values: dict[str, Any] = {"last_used_step": matched}
        if self._box.needs_reseal(row.secret):
            values["secret"] = self._box.reseal(row.secret, context=context)
        # The guard on the stored step makes two concurrent uses of one code spend it once.
        spent = self._conn.execute(
            update(second_factors)
            .where(
                _sf.uid == row.uid,
                (_sf.last_used_step.is_(None)) | (_sf.last_used_step < matched),
            )
            .values(**values)
        ).rowcount
        return spent == 1

    def _factor(self, uid: str) -> Row[Any] | None:
        return self._conn.execute(
            select(second_factors).where(_sf.uid == uid, _sf.kind == rules.TOTP)
        ).first()
