"""Which verification methods a customer is offered, and how the place a code goes is
shown: masked, so that the customer recognises it and an onlooker learns little."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from lastgate.closure.model import verification as rules
from lastgate.kernel.errors import InvalidInput
from lastgate.kernel.policy import VerificationPolicy

POLICY = VerificationPolicy()
SINCE = datetime(2026, 10, 1, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("address", "shown"),
    [
        ("alice@example.com", "a•••@example.com"),
        ("a@example.com", "a•••@example.com"),  # the dots do not tell the length
        ("  bob.smith+closing@mail.example.org ", "b•••@mail.example.org"),
        ("odd@name@example.com", "o•••@example.com"),  # the last @ starts the domain
        ("no-at-sign", "•••"),
        ("@example.com", "•••"),
        ("", "•••"),
    ],
)
def test_an_email_keeps_its_first_character_and_its_domain(address: str, shown: str) -> None:
    assert rules.mask_destination("email", address) == shown


@pytest.mark.parametrize(
    ("number", "shown"),
    [
        ("+447700900912", "+44 •••• ••12"),  # UK: a two-digit country code
        ("+44 7700 900912", "+44 •••• ••12"),  # spaces as people type them
        ("+4915112345678", "+49 •••• ••78"),
        ("+1 (415) 555-0134", "+1 •••• ••34"),  # North America: one digit
        ("+79161234567", "+7 •••• ••67"),
        ("+8613912345678", "+86 •••• ••78"),  # China: two digits
        ("+85291234567", "+852 •••• ••67"),  # Hong Kong: three digits
        ("+35312345678", "+353 •••• ••78"),
        ("07700900912", "•••• ••12"),  # no country code: none is guessed
        ("+44 12345", "+44 •••• ••••"),  # too short to show any digit of it
        ("", "•••• ••••"),
    ],
)
def test_a_phone_number_keeps_its_country_code_and_last_two_digits(number: str, shown: str) -> None:
    assert rules.mask_destination("sms", number) == shown


def test_the_mask_shows_no_more_of_a_long_address_than_of_a_short_one() -> None:
    short = rules.mask_destination("email", "al@example.com")
    long = rules.mask_destination("email", "alexandra.longname@example.com")
    assert short == long == "a•••@example.com"
    assert len(rules.mask_destination("sms", "+4477009009121234")) == len(
        rules.mask_destination("sms", "+447700900912")
    )


def test_only_email_and_sms_have_a_destination_to_mask() -> None:
    with pytest.raises(InvalidInput):
        rules.mask_destination("totp", "anything")


def test_a_customer_with_everything_is_offered_the_authenticator_first() -> None:
    options = rules.verification_options(
        POLICY, authenticator_since=SINCE, email="alice@example.com", phone="+447700900912"
    )
    assert options.methods == (
        rules.Method("totp"),
        rules.Method("email", "a•••@example.com"),
        rules.Method("sms", "+44 •••• ••12"),
    )
    assert options.authenticator_since == SINCE
    assert options.code_ttl_minutes == POLICY.otp_ttl_minutes


def test_without_a_confirmed_authenticator_it_is_not_offered() -> None:
    options = rules.verification_options(
        POLICY, authenticator_since=None, email="alice@example.com", phone="+447700900912"
    )
    assert [m.name for m in options.methods] == ["email", "sms"]
    assert options.authenticator_since is None


@pytest.mark.parametrize(("email", "phone"), [(None, None), ("", "  ")])
def test_a_channel_the_customer_does_not_have_is_not_offered(
    email: str | None, phone: str | None
) -> None:
    options = rules.verification_options(POLICY, authenticator_since=None, email=email, phone=phone)
    assert options.methods == ()
    assert options.choose("email") is None


def test_only_a_phone_offers_sms_alone() -> None:
    options = rules.verification_options(
        POLICY, authenticator_since=None, email=None, phone="+4915112345678"
    )
    assert [m.name for m in options.methods] == ["sms"]


def test_the_method_chosen_is_kept_when_offered_and_never_one_not_offered() -> None:
    options = rules.verification_options(
        POLICY, authenticator_since=None, email="alice@example.com", phone="+447700900912"
    )
    assert options.choose("sms") == rules.Method("sms", "+44 •••• ••12")
    assert options.choose("email") == rules.Method("email", "a•••@example.com")
    # Asked for the authenticator the customer does not have: the first method they do.
    assert options.choose("totp") == rules.Method("email", "a•••@example.com")
    assert options.choose(None) == options.choose("") == options.methods[0]
