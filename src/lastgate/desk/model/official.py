"""The "is this official?" check: whether a URL, e-mail address or phone number is one of the
platform's official channels.

Hosts are compared exactly, label by label, after IDNA encoding, so look-alikes
(``examp1e.com``, ``ex\u0430mple.com`` with a Cyrillic a, ``example.com.evil.io``) are not
official; a listed domain covers its own subdomains only. Links carrying user
information (``https://example.com@evil.io``), a backslash or a scheme other than
http(s) are never official, whatever host they end at. An IP address or an unusual port
is never official either, except on this service's own public origin (the scheme, host
and port its notices' links are built with, ``public_base_url``): a link at exactly
that origin is ours, whatever its host looks like.
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
class Origin:
    """A web origin as a browser compares it: scheme, host (as ``host_key`` or an IP
    address in its canonical form) and port, the scheme's default when none is given."""

    scheme: str
    host: str
    port: int


@dataclass(frozen=True, slots=True)
class OfficialChannels:
    """The configured list: registrable domains, e-mail domains, E.164 phone numbers,
    and this service's own public origin (its notices' links start there)."""

    domains: frozenset[str]
    email_domains: frozenset[str]
    phones: frozenset[str]
    origin: Origin | None = None


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


_DEFAULT_PORTS = {"http": 80, "https": 443}


def _host(hostname: str) -> str | None:
    try:
        return str(ipaddress.ip_address(hostname))
    except ValueError:
        return host_key(hostname)


def origin_of(url: str) -> Origin | None:
    """The origin of an absolute http(s) ``url`` (``http://127.0.0.1:8000/x`` is
    ``Origin("http", "127.0.0.1", 8000)``); None if it has none or hides user information."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = _host(parts.hostname or "")
    if scheme not in _DEFAULT_PORTS or host is None or "@" in parts.netloc:
        return None
    return Origin(scheme, host, port if port is not None else _DEFAULT_PORTS[scheme])


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
    host = _host(parts.hostname or "")
    if host is None:
        return no(N_("no host"))
    if channels.origin is not None and origin_of(text) == channels.origin:
        shown = host if port is None else f"{host}:{port}"
        return Verdict(ChannelKind.URL, True, shown, N_("the address of this service"))
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
