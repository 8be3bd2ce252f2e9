"""The domain's exceptions: a small hierarchy, each carrying a stable ``code``.

Entry points map these to HTTP statuses and exit codes in one place each.
"""

from __future__ import annotations


class LastgateError(Exception):
    """Base of every error lastgate raises on purpose."""

    code = "LASTGATE_ERROR"

    def __init__(self, message: str, *, details: list[dict[str, str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []


class NotFound(LastgateError):
    """The thing asked for does not exist (or the caller may not know it does)."""

    code = "NOT_FOUND"


class AccountNotFound(NotFound):
    """No customer with that UID."""

    code = "ACCOUNT_NOT_FOUND"


class InvalidInput(LastgateError):
    """Input that fails validation; ``details`` lists each error with its path."""

    code = "INVALID_INPUT"


class UnsafeSettings(LastgateError):
    """A production start with a development default or a weak secret; ``details``
    names each setting and how to generate a good value."""

    code = "UNSAFE_SETTINGS"


class InvalidPolicy(InvalidInput):
    """A policy file that cannot be used."""

    code = "INVALID_POLICY"


class InvalidSnapshot(InvalidInput):
    """An account snapshot refused whole."""

    code = "INVALID_SNAPSHOT"


class NotAuthenticated(LastgateError):
    """No credentials, or credentials that cannot be trusted."""

    code = "NOT_AUTHENTICATED"


class Forbidden(LastgateError):
    """Authenticated, but not allowed to do this."""

    code = "FORBIDDEN"


class Conflict(LastgateError):
    """The request clashes with the current state (often: someone got there first)."""

    code = "CONFLICT"


class IllegalTransition(Conflict):
    """The thing is not in a state where this can happen (often: someone got there first)."""

    code = "ILLEGAL_TRANSITION"


class ConcurrentUpdate(Conflict):
    """The record changed between read and write; nothing was written."""

    code = "CONCURRENT_UPDATE"


class ClosureAlreadyOpen(Conflict):
    """The customer already has an open closure request."""

    code = "CLOSURE_ALREADY_OPEN"


class AccountClosed(Conflict):
    """The account is closed: nothing more is done to it (no closure, freeze, fix or new
    factor); its certificate and support remain."""

    code = "ACCOUNT_CLOSED"


class AccountProtected(Conflict):
    """The account is under a protective freeze (someone else may be in it): it cannot be
    closed until compliance, having checked with the customer, lifts the freeze."""

    code = "ACCOUNT_PROTECTED"


class AlreadyFrozen(Conflict):
    """The account is frozen already (at the customer's request or for a closure's
    cooling-off): it cannot be frozen again."""

    code = "ALREADY_FROZEN"


class NotEligible(Conflict):
    """The account has blockers; ``details`` lists their codes."""

    code = "NOT_ELIGIBLE"


class VerificationFailed(InvalidInput):
    """A wrong, expired or already used code; ``details`` may say how many tries remain."""

    code = "VERIFICATION_FAILED"


class CodeSendLimited(LastgateError):
    """A one-time code asked for too soon after the last one, or past the limit per
    hour; nothing was sent, and ``details`` says when the next one can be."""

    code = "CODE_SEND_LIMITED"


class VerificationLocked(Forbidden):
    """Too many wrong codes on the account: every verification of it is locked for a
    while (``details`` says until when), or, past the limit of consecutive failures,
    until the customer recovers their account through support."""

    code = "VERIFICATION_LOCKED"
