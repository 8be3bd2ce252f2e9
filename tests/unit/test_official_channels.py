"""'Is this official?': exact hosts, look-alikes, userinfo tricks, e-mail, phones."""

from __future__ import annotations

import pytest

from lastgate.desk.model.official import ChannelKind, OfficialChannels, check, origin_of
from lastgate.desk.wiring import official_channels
from lastgate.kernel.settings import Settings

DEMO_BASE = "http://127.0.0.1:8000"
CHANNELS = OfficialChannels(
    domains=frozenset({"example.com"}),
    email_domains=frozenset({"example.com"}),
    phones=frozenset({"+18005550100"}),
)


@pytest.mark.parametrize(
    "value",
    [
        "https://example.com",
        "https://www.example.com/login?next=/",
        "example.com/help",
        "HTTPS://EXAMPLE.COM.",
        "http://support.example.com:443/x",
    ],
)
def test_official_links(value: str) -> None:
    verdict = check(value, CHANNELS)
    assert verdict.kind is ChannelKind.URL and verdict.official, verdict


@pytest.mark.parametrize(
    "value",
    [
        "https://example.com@evil.io",  # userinfo: the real host is evil.io
        "https://evil.io@example.com",  # userinfo at all is a trick
        "https://example.com.evil.io/login",
        "https://evilexample.com",
        "https://examp1e.com",
        "https://ex\u0430mple.com",  # Cyrillic a
        "https://xn--exmple-4nf.com",
        "https://example.co",
        "https://example.com\\@evil.io",
        "javascript:alert(1)//example.com",
        "ftp://example.com",
        "https://93.184.216.34",
        "https://example.com:8443/",
        "https://example.com%2eevil.io",
        "",
    ],
)
def test_look_alikes_and_tricks_are_not_official(value: str) -> None:
    assert not check(value, CHANNELS).official, value


@pytest.mark.parametrize(
    ("value", "official"),
    [
        ("support@example.com", True),
        ("Support Team <Support@EXAMPLE.com>", True),
        ("support@mail.example.com", False),  # e-mail domains are exact
        ("support@example.com.evil.io", False),
        ("example.com@evil.io", False),
        ("support@examp1e.com", False),
    ],
)
def test_email_addresses(value: str, official: bool) -> None:
    verdict = check(value, CHANNELS)
    assert verdict.kind is ChannelKind.EMAIL and verdict.official is official


@pytest.mark.parametrize(
    ("value", "official"),
    [
        ("+1 800 555 0100", True),
        ("+1 (800) 555-0100", True),
        ("001-800-555-0100", True),
        ("+1 800 555 0101", False),
        ("+44 800 555 0100", False),
    ],
)
def test_phone_numbers(value: str, official: bool) -> None:
    verdict = check(value, CHANNELS)
    assert verdict.kind is ChannelKind.PHONE and verdict.official is official


def test_the_configured_file_replaces_the_demo_list(tmp_path) -> None:
    path = tmp_path / "official.toml"
    path.write_text('domains = ["Exchange.EXAMPLE"]\nemail_domains = []\nphones = []\n')
    channels = official_channels(Settings(official_channels_file=path))
    assert channels.domains == frozenset({"exchange.example"})
    assert "example.com" in official_channels(Settings()).domains


STRASSE = OfficialChannels(
    domains=frozenset({"strasse.com", "example.com"}),
    email_domains=frozenset({"strasse.com"}),
    phones=frozenset(),
)


@pytest.mark.parametrize(
    ("value", "resolves_to"),
    [
        ("https://stra\u00dfe.com/login", "xn--strae-oqa.com"),  # UTS-46: ß stays, not "ss"
        ("https://STRA\u1e9eE.com", "xn--strae-oqa.com"),  # capital sharp s
        ("https://ex\u0430mple.com", "xn--exmple-4nf.com"),  # a Cyrillic a among Latin letters
        ("https://\u0435\u0445\u0430m\u0440l\u0435.com", "xn--ml-6kctd8d6a.com"),  # mostly Cyrillic
        ("https://examp\u0142e.com", "xn--exampe-7db.com"),  # ł for l
        ("https://xn--strae-oqa.com", "xn--strae-oqa.com"),  # the punycode form itself
    ],
)
def test_look_alike_hosts_are_the_other_domain_a_browser_opens(
    value: str, resolves_to: str
) -> None:
    verdict = check(value, STRASSE)

    assert (verdict.official, verdict.normalised) == (False, resolves_to)


@pytest.mark.parametrize(
    "value",
    [
        # Full-width letters: browsers fold them to ASCII.
        "https://\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45.com",
        "https://example。com/help",  # ideographic full stop is a dot to a browser
        "https://STRASSE.COM",
    ],
)
def test_forms_a_browser_folds_to_the_official_host_are_official(value: str) -> None:
    assert check(value, STRASSE).official


def test_e_mail_domains_are_compared_the_same_way() -> None:
    assert not check("support@stra\u00dfe.com", STRASSE).official
    assert check("support@STRASSE.com", STRASSE).official


@pytest.mark.parametrize("value", ["https://exa_mple.com", "https://-example.com", "https://a..b"])
def test_hosts_a_resolver_refuses_are_never_official(value: str) -> None:
    assert not check(value, STRASSE).official


OWN = OfficialChannels(frozenset({"example.com"}), frozenset(), frozenset(), origin_of(DEMO_BASE))


@pytest.mark.parametrize(
    ("value", "official"),
    [
        (DEMO_BASE + "/closure/abc/cancel", True),
        ("HTTP://127.0.0.1:8000", True),
        ("http://127.0.0.1:8001/closure/abc/cancel", False),
        ("https://127.0.0.1:8000/", False),
        ("http://127.0.0.2:8000/", False),
        ("http://x@127.0.0.1:8000/", False),
        ("127.0.0.1:8000/closure/abc/cancel", False),  # read as https: another origin
        ("https://www.example.com/login", True),  # the listed domains still count
    ],
)
def test_this_services_own_origin_is_official_and_nothing_beside_it(value, official) -> None:
    assert check(value, OWN).official is official, value


def test_the_settings_public_base_url_is_the_origin() -> None:
    channels = official_channels(Settings(public_base_url="https://close.example/"))
    assert channels.origin == origin_of("https://close.example:443")
    assert origin_of("ftp://close.example") is None
    assert origin_of("https://a@close.example") is None
