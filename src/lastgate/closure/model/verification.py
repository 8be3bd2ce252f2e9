"""Rules of step-up verification: one-time codes, authenticator time steps, what the
customer is offered, and which evidence files each kind accepts. How wrong tries count
and lock, and how often codes go out, is in ``lastgate.closure.model.attempts``.

Pure functions over plain values; the adapter (``lastgate.closure.adapters.step_up``) stores
the state and does the cryptography.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from lastgate.closure.model.attempts import AttemptCount, lock_in_force, locked_for_good, tries_left
from lastgate.kernel.errors import InvalidInput
from lastgate.kernel.policy import VerificationPolicy

EMAIL, SMS, TOTP = "email", "sms", "totp"
OTP_METHODS = frozenset({EMAIL, SMS})
METHODS = OTP_METHODS | {TOTP}
#: Six decimal digits: about 20 bits, the least NIST SP 800-63B §5.1.3.2 allows.
OTP_DIGITS = 6
#: RFC 6238's default time step, which every authenticator app uses.
TOTP_STEP_SECONDS = 30

JPEG, PNG, PDF, HEIC = "image/jpeg", "image/png", "application/pdf", "image/heic"
IMAGE_TYPES = frozenset({JPEG, PNG, HEIC})
#: What each kind of identity evidence may be: a document may be a scan (PDF) or a
#: photo; a selfie must be a photo. A file of every kind must be approved before the
#: evidence is complete, and the customer is asked for them in this order.
EVIDENCE_TYPES: dict[str, frozenset[str]] = {
    "document": IMAGE_TYPES | {PDF},
    "selfie": IMAGE_TYPES,
}
APPROVED, REJECTED = "approved", "rejected"


class EvidenceRefusal(StrEnum):
    """Why an agent refused an evidence file, as its customer can act on it: each has a
    label (``kernel.present.vocabulary``, kind ``evidence_refusal``) that the customer's
    page and notice say, with what to send instead. A closed list, never an agent's
    typed words, so nothing of an investigation or a staff note can reach the customer."""

    UNREADABLE = "unreadable"  # blurred, too dark, cut off
    INCOMPLETE = "incomplete"  # the photo page or a side of the card missing
    EXPIRED = "expired"
    NOT_ACCEPTED = "not_accepted"  # not a passport, identity card or driving licence
    NAME_MISMATCH = "name_mismatch"  # not the account holder's name
    FACE_NOT_VISIBLE = "face_not_visible"
    FACE_MISMATCH = "face_mismatch"  # the selfie does not match the document's photo


#: The reasons an agent may give for refusing a file of each kind, in the form's order.
REFUSALS: dict[str, tuple[EvidenceRefusal, ...]] = {
    "document": (
        EvidenceRefusal.UNREADABLE,
        EvidenceRefusal.INCOMPLETE,
        EvidenceRefusal.EXPIRED,
        EvidenceRefusal.NOT_ACCEPTED,
        EvidenceRefusal.NAME_MISMATCH,
    ),
    "selfie": (
        EvidenceRefusal.UNREADABLE,
        EvidenceRefusal.FACE_NOT_VISIBLE,
        EvidenceRefusal.FACE_MISMATCH,
    ),
}


class EvidenceRefused(InvalidInput):
    """An evidence file of a type, size or kind that is not accepted."""

    code = "EVIDENCE_REFUSED"


# --- one-time codes -------------------------------------------------------------------


def new_code() -> str:
    """A fresh one-time code: ``OTP_DIGITS`` uniformly random decimal digits."""
    return f"{secrets.randbelow(10**OTP_DIGITS):0{OTP_DIGITS}d}"


#: A code as a person types or pastes it into a page: digits, with the spaces and dashes
#: ``normalise_code`` takes out (the API takes the digits alone).
TYPED_CODE = r"^[0-9 \t-]+$"


def normalise_code(code: str) -> str:
    """The code as typed, without the spaces and dashes people add when copying it."""
    return "".join(ch for ch in code if ch not in " -\t")


def constant_time_equal(expected: str, given: str) -> bool:
    """Compare codes without leaking, through timing, how many leading digits match."""
    return hmac.compare_digest(expected.encode(), given.encode())


def is_well_formed(code: str) -> bool:
    return len(code) == OTP_DIGITS and code.isascii() and code.isdigit()


def code_expires_at(now: datetime, policy: VerificationPolicy) -> datetime:
    return now + timedelta(minutes=policy.otp_ttl_minutes)


@dataclass(frozen=True, slots=True)
class TotpEnrolment:
    """A new authenticator secret: shown once, as a QR code of ``provisioning_uri``
    (``otpauth://``) and as text for typing in."""

    secret: str
    provisioning_uri: str


# --- the methods a customer is offered -----------------------------------------------

MASK = "•"
#: E.164 country calling codes are prefix-free: 1 and 7 are one digit, these are two,
#: every other is three (ITU-T E.164 list of assigned codes).
_TWO_DIGIT_CALLING_CODES = frozenset(
    {20, 27, 30, 31, 32, 33, 34, 36, 39, 40, 41, 43, 44, 45, 46, 47, 48, 49, 51, 52, 53, 54}
    | {55, 56, 57, 58, 60, 61, 62, 63, 64, 65, 66, 81, 82, 84, 86, 90, 91, 92, 93, 94, 95, 98}
)
#: A phone number shows its last two digits only when it has at least this many digits
#: after the country code, so that at most a third of it is shown.
_PHONE_DIGITS_SHOWN_FROM = 6


def mask_destination(channel: str, address: str) -> str:
    """Where a code goes, shown so that the customer recognises it while an onlooker
    learns little: an e-mail keeps its first character and its domain
    (``a•••@example.com``), a phone number its country code and last two digits
    (``+44 •••• ••12``). The number of dots is fixed: it does not
    tell the length."""
    if channel == EMAIL:
        local, at, domain = address.strip().rpartition("@")
        return f"{local[0]}{MASK * 3}@{domain}" if at and local and domain else MASK * 3
    if channel != SMS:
        raise InvalidInput(f"channel must be one of {', '.join(sorted(OTP_METHODS))}")
    digits = "".join(ch for ch in address if ch.isascii() and ch.isdigit())
    prefix = ""
    if address.strip().startswith("+") and digits:
        size = 1 if digits[0] in "17" else 2 if int(digits[:2]) in _TWO_DIGIT_CALLING_CODES else 3
        prefix, digits = f"+{digits[:size]} ", digits[size:]
    tail = digits[-2:] if len(digits) >= _PHONE_DIGITS_SHOWN_FROM else MASK * 2
    return f"{prefix}{MASK * 4} {MASK * 2}{tail}"


@dataclass(frozen=True, slots=True)
class Method:
    """One way the customer can prove it is them: ``totp``, or a code sent by ``email``
    or ``sms`` to ``destination`` (masked), the next one from ``next_code_at`` when
    sends are limited now."""

    name: str
    destination: str = ""
    next_code_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class VerificationOptions:
    """What a customer can verify with: their confirmed authenticator (set up at
    ``authenticator_since``) and the channels they have, in the order offered; a code
    sent lives ``code_ttl_minutes``. ``locked_until``: the end of the account's lock in
    force, if any; ``locked_for_good``: locked until the account is recovered;
    ``tries_left``: wrong tries before the next lock (what a page says after one);
    ``authenticator_usable_from``: when an authenticator set up too recently to confirm a
    closure (``authenticator_matures``) can, and until then it is not offered."""

    authenticator_since: datetime | None
    methods: tuple[Method, ...]
    code_ttl_minutes: int
    locked_until: datetime | None = None
    locked_for_good: bool = False
    tries_left: int | None = None  # wrong tries before the next lock, read from the account
    authenticator_usable_from: datetime | None = None

    def choose(self, wanted: str | None) -> Method | None:
        """The method ``wanted`` if it is offered, else the first one offered (None
        when nothing is): a method the customer does not have is never selected."""
        return next((m for m in self.methods if m.name == wanted), None) or next(
            iter(self.methods), None
        )


def verification_options(
    policy: VerificationPolicy,
    *,
    authenticator_since: datetime | None,
    email: str | None,
    phone: str | None,
    now: datetime | None = None,
    count: AttemptCount | None = None,
    next_code_at: Mapping[str, datetime] | None = None,
    authenticator_wait: timedelta = timedelta(0),
) -> VerificationOptions:
    """The authenticator first when one is confirmed and old enough (no message to wait
    for; ``authenticator_matures``), then a code by e-mail, then by SMS, each only when
    the customer has that channel; with the account's lock at ``now`` (from ``count``)
    and when each channel can send again."""
    waits = next_code_at or {}
    usable_from = authenticator_matures(authenticator_since, authenticator_wait, now)
    offered = authenticator_since is not None and usable_from is None
    methods = [Method(TOTP)] if offered else []
    for channel, address in ((EMAIL, email), (SMS, phone)):
        if address and address.strip():
            masked = mask_destination(channel, address)
            methods.append(Method(channel, masked, waits.get(channel)))
    count = count or AttemptCount()
    return VerificationOptions(
        authenticator_since,
        tuple(methods),
        policy.otp_ttl_minutes,
        locked_until=None if now is None else lock_in_force(count, now),
        locked_for_good=locked_for_good(count, policy),
        tries_left=tries_left(count, policy),
        authenticator_usable_from=usable_from,
    )


def authenticator_matures(
    since: datetime | None, wait: timedelta, now: datetime | None
) -> datetime | None:
    """When an authenticator set up at ``since`` may confirm a closure, if not yet at
    ``now``; None when it may (or there is none). An authenticator is set up with the
    session alone, so one set up less than ``wait`` ago (the security wait after a change
    to the account's security, ``eligibility.security_cooldown_days``) would let whoever
    holds a session confirm what a second factor is there to confirm: until then the
    codes go to the e-mail and phone the exchange has on file."""
    if since is None or now is None or since + wait <= now:
        return None
    return since + wait


def lifts_freeze_from(
    unfreeze_after: datetime | None, options: VerificationOptions
) -> datetime | None:
    """When the customer's authenticator can lift their freeze: the freeze's own end, or
    later when the authenticator is too new to vouch for it (``authenticator_matures``)."""
    dates = [d for d in (unfreeze_after, options.authenticator_usable_from) if d is not None]
    return max(dates) if dates else None


# --- authenticator (TOTP) time steps --------------------------------------------------


def time_step(at: datetime) -> int:
    """The RFC 6238 counter of ``at``: whole 30-second steps since the Unix epoch."""
    return int(at.timestamp()) // TOTP_STEP_SECONDS


def candidate_steps(at: datetime, policy: VerificationPolicy) -> list[int]:
    """Time steps whose code is accepted at ``at``, the current one first."""
    now = time_step(at)
    window = policy.totp_valid_window
    return [now, *(s for offset in range(1, window + 1) for s in (now - offset, now + offset))]


#: Why a replayed code is refused (``VerificationFailed``'s reason): not a guess, so no
#: try is counted, and the customer is told to wait for the next code.
REUSED_CODE = "already_used"


def is_replay(step: int, last_used_step: int | None) -> bool:
    """A code of a step at or before the last one accepted is refused: each code counts
    once (RFC 6238 §5.2), and an older code must not come back after a newer one."""
    return last_used_step is not None and step <= last_used_step


# --- evidence -------------------------------------------------------------------------


def decision_reason(kind: str, *, approve: bool, refusal: str | None) -> EvidenceRefusal | None:
    """The reason a decision on a file of ``kind`` records: none for an approval; for a
    refusal one of ``REFUSALS[kind]``, required, since it is what the customer is told."""
    if approve:
        if refusal:
            raise InvalidInput(
                "an accepted file has no reason for refusal",
                details=[{"path": "refusal", "reason": "not_refused"}],
            )
        return None
    allowed = REFUSALS.get(kind, ())
    if not refusal:
        raise InvalidInput(
            "say why the file is refused: the customer is told",
            details=[{"path": "refusal", "reason": "missing"}],
        )
    if refusal not in allowed:
        raise InvalidInput(
            f"a {kind} is refused for one of: {', '.join(allowed)}",
            details=[{"path": "refusal", "reason": "unknown_refusal"}],
        )
    return EvidenceRefusal(refusal)


def check_evidence(kind: str, content_type: str | None, size: int, max_bytes: int) -> str:
    """The content type of an acceptable file; ``EvidenceRefused`` naming the reason."""
    allowed = EVIDENCE_TYPES.get(kind)
    if allowed is None:
        raise EvidenceRefused(
            f"kind must be one of {', '.join(sorted(EVIDENCE_TYPES))}",
            details=[{"path": "kind", "reason": "unknown_kind"}],
        )
    if size == 0:
        raise EvidenceRefused("the file is empty", details=[{"path": "file", "reason": "empty"}])
    if size > max_bytes:
        raise EvidenceRefused(
            f"the file is larger than {max_bytes} bytes",
            details=[{"path": "file", "reason": "too_large", "max_bytes": str(max_bytes)}],
        )
    if content_type is None or content_type not in allowed:
        names = ", ".join(sorted(_LABELS[t] for t in allowed))
        raise EvidenceRefused(
            f"a {kind} must be one of: {names}",
            details=[{"path": "file", "reason": "unsupported_type"}],
        )
    return content_type


_LABELS = {JPEG: "JPEG", PNG: "PNG", PDF: "PDF", HEIC: "HEIC"}


@dataclass(frozen=True, slots=True)
class EvidenceFile:
    """One uploaded evidence file, as agents see it, and their decision on it if any."""

    id: str
    kind: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime
    decision: str | None = None
    reviewed_by: str | None = None
    refusal: str | None = None  # an ``EvidenceRefusal``, when refused with a reason


class EvidenceStanding(StrEnum):
    """Where one required kind of evidence stands, as its customer is told."""

    MISSING = "missing"  # nothing uploaded yet
    RECEIVED = "received"  # uploaded, an agent has not decided
    ACCEPTED = "accepted"  # an agent approved a file of this kind
    REFUSED = "refused"  # the latest file was refused: a new one is needed


def evidence_standing(files: Sequence[EvidenceFile]) -> dict[str, EvidenceStanding]:
    """Each required kind, in the upload form's order, and where it stands: an approved
    file settles its kind; otherwise the latest upload of the kind decides."""
    standing = {}
    for kind in EVIDENCE_TYPES:
        of_kind = sorted((f for f in files if f.kind == kind), key=lambda f: f.uploaded_at)
        if any(f.decision == APPROVED for f in of_kind):
            standing[kind] = EvidenceStanding.ACCEPTED
        elif not of_kind:
            standing[kind] = EvidenceStanding.MISSING
        elif of_kind[-1].decision == REJECTED:
            standing[kind] = EvidenceStanding.REFUSED
        else:
            standing[kind] = EvidenceStanding.RECEIVED
    return standing


def refusals(files: Sequence[EvidenceFile]) -> dict[str, EvidenceRefusal]:
    """Each kind whose latest file was refused (its standing ``REFUSED``) and why, when
    the agent said (files refused before reasons were recorded have none)."""
    found = {}
    for kind, stands in evidence_standing(files).items():
        if stands is not EvidenceStanding.REFUSED:
            continue
        latest = sorted((f for f in files if f.kind == kind), key=lambda f: f.uploaded_at)[-1]
        if latest.refusal in _REFUSAL_CODES:
            found[kind] = EvidenceRefusal(latest.refusal)
    return found


_REFUSAL_CODES = frozenset(r.value for r in EvidenceRefusal)


def evidence_complete(files: Sequence[EvidenceFile]) -> bool:
    """At least one approved file of every required kind."""
    return all(s is EvidenceStanding.ACCEPTED for s in evidence_standing(files).values())


#: The standings after which the customer still has to send a file of that kind.
STILL_NEEDED = frozenset({EvidenceStanding.MISSING, EvidenceStanding.REFUSED})
