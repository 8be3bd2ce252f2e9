"""The "is this official?" check: whether a URL, e-mail address or phone number is one of the
platform's official channels.

Hosts are compared exactly, label by label, after IDNA encoding, so look-alikes
(``examp1e.com``, ``ex\u0430mple.com`` with a Cyrillic a, ``example.com.evil.io``) are not
official; a listed domain covers its own subdomains only. Links carrying user
information (``https://example.com@evil.io``), a backslash, an IP address, an unusual
port or a scheme other than http(s) are never official, whatever host they end at.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from email.utils import parseaddr
from enum import StrEnum
from urllib.parse import urlsplit

import idna

from lastgate.kernel.messages import N_


class ChannelKind(StrEnum):
    URL = "url"
    EMAIL = "email"
    PHONE = "phone"


@dataclass(frozen=True, slots=True)
class OfficialChannels:
    """The configured list: registrable domains, e-mail domains, E.164 phone numbers."""

    domains: frozenset[str]
    email_domains: frozenset[str]
    phones: frozenset[str]


@dataclass(frozen=True, slots=True)
class Verdict:
    kind: ChannelKind
    official: bool
    normalised: str
    reason: str


_PHONE = re.compile(r"^\+?[\d\s().-]{6,24}$")


def host_key(host: str) -> str | None:
    """``host`` as a browser resolves it: UTS-46 non-transitional mapping then IDNA 2008
    (``straße.com`` is ``xn--strae-oqa.com``, another domain than ``strasse.com``;
    full-width letters and ``。`` fold to ASCII), without a trailing dot; None if invalid.

    Python's own ``"idna"`` codec is IDNA 2003 (transitional: ß becomes ss), which is
    not what browsers do, so a look-alike would pass as official with it."""
    host = host.strip().rstrip(".")
    if not host:
        return None
    try:
        return idna.encode(host, uts46=True, transitional=False).decode("ascii")
    except (idna.IDNAError, UnicodeError):
        return None


def _under(host: str, domains: frozenset[str]) -> bool:
    return any(host == d or host.endswith("." + d) for d in domains)


def normalise_phone(value: str) -> str:
    digits = re.sub(r"[\s().-]", "", value)
    return "+" + digits[2:] if digits.startswith("00") else digits


def _url(value: str, channels: OfficialChannels) -> Verdict:
    def no(reason: str, shown: str = value) -> Verdict:
        return Verdict(ChannelKind.URL, False, shown, reason)

    if "\\" in value or any(ch.isspace() for ch in value):
        return no(N_("the link contains a backslash or a space"))
    text = value if "://" in value else "https://" + value
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return no(N_("not a valid link"))
    if parts.scheme not in ("http", "https"):
        return no(N_("only http and https links can be official"))
    if "@" in parts.netloc:
        return no(N_("the link hides its real destination behind user information"))
    host = host_key(parts.hostname or "")
    if host is None:
        return no(N_("no host"))
    try:
        ipaddress.ip_address(host)
        return no(N_("an IP address is never official"), host)
    except ValueError:
        pass
    if port not in (None, 80, 443):
        return no(N_("an unusual port is never official"), host)
    official = _under(host, channels.domains)
    return Verdict(
        ChannelKind.URL,
        official,
        host,
        N_("an official domain") if official else N_("not one of our domains"),
    )


def _email(value: str, channels: OfficialChannels) -> Verdict:
    _, address = parseaddr(value)
    local, at, domain = address.rpartition("@")
    host = host_key(domain) if at and local and "@" not in local else None
    if host is None:
        return Verdict(ChannelKind.EMAIL, False, value, N_("not a valid e-mail address"))
    official = host in channels.email_domains
    return Verdict(
        ChannelKind.EMAIL,
        official,
        f"{local}@{host}",
        N_("an official e-mail domain") if official else N_("not one of our e-mail domains"),
    )


def check(value: str, channels: OfficialChannels) -> Verdict:
    """Whether ``value`` (a link, an e-mail address or a phone number) is official."""
    value = value.strip()
    if _PHONE.fullmatch(value) and sum(ch.isdigit() for ch in value) >= 6:
        phone = normalise_phone(value)
        official = phone in channels.phones
        return Verdict(
            ChannelKind.PHONE,
            official,
            phone,
            N_("an official number") if official else N_("not one of our numbers"),
        )
    if "@" in value and "/" not in value and not value.lower().startswith(("http:", "https:")):
        return _email(value, channels)
    return _url(value, channels)
