"""Who is asking, and what they may see: roles, the authenticated principal, the rules.

Customers read only their own account, in the customer's view; staff (support agents
and compliance officers) read any account with its internal detail. What the customer's
own consent or second factor stands for is the account holder's alone
(``ensure_account_holder``).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum

from lastgate.kernel.errors import Forbidden


class Role(StrEnum):
    CUSTOMER = "customer"
    AGENT = "agent"
    COMPLIANCE = "compliance"


STAFF_ROLES = frozenset({Role.AGENT, Role.COMPLIANCE})


@dataclass(frozen=True, slots=True)
class Principal:
    """An authenticated caller: a customer's UID or a staff member's id, and a role."""

    subject: str
    role: Role

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES


def ensure_role(principal: Principal, roles: Collection[Role], message: str | None = None) -> None:
    """Refuse a caller whose role is not among ``roles``, as ``Forbidden``."""
    if principal.role not in roles:
        raise Forbidden(message or f"{principal.role.value} may not do this")


def ensure_staff(principal: Principal, *only: Role, message: str | None = None) -> None:
    """Refuse anyone but staff; with ``only``, anyone but staff in those roles (a
    compliance officer, say)."""
    ensure_role(principal, frozenset(only) & STAFF_ROLES if only else STAFF_ROLES, message)


def ensure_account_holder(principal: Principal, uid: str) -> None:
    """Refuse anyone but the customer whose account ``uid`` is: what only they may do
    (verify, freeze and unfreeze, consent, set up a factor) is refused to staff as well,
    whatever their role, and to another customer the same way whether ``uid`` exists."""
    if principal.role is not Role.CUSTOMER:
        raise Forbidden("only the account holder may do this")
    if principal.subject != uid:
        raise Forbidden("you may only act on your own account")


def ensure_may_read_account(principal: Principal, uid: str) -> None:
    """Refuse a customer reading another UID, the same way whether that UID exists or not."""
    if not principal.is_staff and principal.subject != uid:
        raise Forbidden("you may only read your own account")


def sees_internal_detail(principal: Principal) -> bool:
    """Staff see internal detail and confidential checks; customers never do."""
    return principal.is_staff
