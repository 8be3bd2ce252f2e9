"""The notices about the account's own security: an authenticator app set up on it, and
a freeze lifted (the customer's own, or the one that protected it). Part of
``lastgate.notices.model.TOPICS``, kept here by meaning. The authenticator's says where
to freeze the account should it not have been the customer (``secure_url``, which
delivery adds): a session alone sets one up."""

from __future__ import annotations

from collections.abc import Mapping

from lastgate.kernel.messages import N_
from lastgate.notices.template import NoticeTemplate

SECURITY_TOPICS: Mapping[str, NoticeTemplate] = {
    "authenticator_added": NoticeTemplate(
        N_("An authenticator app was set up on your account"),
        N_(
            "An authenticator app was set up on your account on {added_at}. For your "
            "safety it can confirm closing your account from {usable_at}. If this was not "
            "you, freeze your account now: {secure_url}"
        ),
        ("added_at", "usable_at", "secure_url"),
    ),
    "own_freeze_lifted": NoticeTemplate(
        N_("Your freeze is lifted, but your account stays frozen"),
        N_("You lifted the freeze you placed on your account. {freeze_left}"),
        ("freeze_left",),
    ),
    "protective_freeze_lifted": NoticeTemplate(
        N_("The freeze that protected your account is lifted"),
        N_(
            "Our security team lifted the freeze that protected your account. {freeze_left} "
            "What this means and what you can do now: {secure_url}"
        ),
        ("freeze_left", "secure_url"),
    ),
}
