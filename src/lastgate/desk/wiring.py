"""Building the desk's dependencies from settings: one place for the API and the CLI."""

from __future__ import annotations

import base64
import tomllib
from functools import partial
from importlib.resources import files

from sqlalchemy import Engine

from lastgate.desk.adapters.files import DeskFiles
from lastgate.desk.adapters.sql import SqlDeskUnitOfWork, SqlLockReads
from lastgate.desk.model.knowledge import Article, KnowledgeBase
from lastgate.desk.model.official import OfficialChannels, host_key, normalise_phone, origin_of
from lastgate.desk.model.turns import derive_key
from lastgate.desk.service.appeals import LocksKeptOnAppeal
from lastgate.desk.service.desk import Desk
from lastgate.erasure.adapters.certificate_copy import as_issued
from lastgate.kernel.clock import Clock, system_clock
from lastgate.kernel.settings import Settings
from lastgate.ledger.adapters.state_reader import LedgerStateReader
from lastgate.platform.policy_files import PolicyDirectory


def canned_replies() -> dict[str, dict[str, str]]:
    """The shipped canned replies: key → {title, en, zh_Hans}."""
    raw = files("lastgate.desk.content").joinpath("canned_replies.toml").read_text("utf-8")
    return {key: {k: str(v) for k, v in entry.items()} for key, entry in tomllib.loads(raw).items()}


def knowledge_base() -> KnowledgeBase:
    """The shipped articles: ``knowledge/<slug>.<language>.md``, a ``#`` title first."""
    articles = []
    for entry in files("lastgate.desk.content").joinpath("knowledge").iterdir():
        if not entry.name.endswith(".md"):
            continue
        slug, language, _ = entry.name.rsplit(".", 2)
        title, _, body = entry.read_text("utf-8").partition("\n")
        articles.append(Article(slug, language, title.lstrip("# ").strip(), body.strip()))
    return KnowledgeBase(sorted(articles, key=lambda a: (a.slug, a.language)))


def official_channels(settings: Settings) -> OfficialChannels:
    """The configured official channels (``LASTGATE_OFFICIAL_CHANNELS_FILE``, else the
    shipped demo list) and this service's own origin, the one its notices' links are
    built with (``LASTGATE_PUBLIC_BASE_URL``)."""
    if settings.official_channels_file is not None:
        raw = settings.official_channels_file.read_text("utf-8")
    else:
        raw = files("lastgate.desk.content").joinpath("official_channels.toml").read_text("utf-8")
    data = tomllib.loads(raw)

    def hosts(key: str) -> frozenset[str]:
        found = {host_key(str(d)) for d in data.get(key, [])}
        return frozenset(h for h in found if h)

    return OfficialChannels(
        domains=hosts("domains"),
        email_domains=hosts("email_domains"),
        phones=frozenset(normalise_phone(str(p)) for p in data.get("phones", [])),
        origin=origin_of(settings.public_base_url),
    )


def build_desk(settings: Settings, engine: Engine, clock: Clock = system_clock) -> Desk:
    return Desk(
        unit_of_work=lambda: SqlDeskUnitOfWork(engine, clock, settings),
        accounts=LedgerStateReader(engine),
        policies=PolicyDirectory.load(settings.policy_dir),
        clock=clock,
        files=DeskFiles.from_settings(settings, lambda pdf: as_issued(pdf, settings)),
        public_base_url=settings.public_base_url.rstrip("/"),
        canned_replies=canned_replies(),
        knowledge=knowledge_base(),
        official_channels=official_channels(settings),
        turn_key=derive_key(base64.b64decode(settings.master_key.get_secret_value())),
    )


def lock_appeals(engine: Engine) -> LocksKeptOnAppeal:
    """Whether a risk lock was kept on appeal, for the eligibility service's customer
    views (``eligibility.ports.LockAppeals``), on plain reads."""
    return LocksKeptOnAppeal(partial(SqlLockReads, engine))
