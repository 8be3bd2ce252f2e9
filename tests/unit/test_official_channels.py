"""'Is this official?': exact hosts, look-alikes, userinfo tricks, e-mail, phones."""

from __future__ import annotations

import pytest

from lastgate.desk.model.official import ChannelKind, OfficialChannels, check
from lastgate.desk.wiring import official_channels
from lastgate.kernel.settings import Settings

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
