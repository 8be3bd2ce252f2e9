"""Secret parameters of customer notices (``NoticeTemplate.secret``: the one-time code)
in the outbox: sealed with the master key when the notice is written, so the row never
holds them in clear; opened only to deliver; scrubbed once the row is delivered, given
up or voided, so afterwards not even the sealed copy remains.

Each secret is sealed for its own row and parameter (``secret_box`` context): a sealed
code copied into another row does not open there.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, case

from lastgate.closure.adapters.tables import outbox
from lastgate.notices.model import TOPICS
from lastgate.platform.secret_box import SecretBox

#: Topics with secret parameters.
SECRET_TOPICS = frozenset(topic for topic, template in TOPICS.items() if template.secret)
#: What a secret topic's payload becomes once its row is done with.
SCRUBBED = json.dumps({"scrubbed": "secret parameters removed"})


def _context(outbox_id: str, topic: str, name: str) -> bytes:
    return f"outbox.payload.params:{outbox_id}:{topic}:{name}".encode()


def seal_params(
    box: SecretBox, outbox_id: str, topic: str, params: Mapping[str, Any]
) -> dict[str, Any]:
    """``params`` with the topic's secret parameters sealed for the row ``outbox_id``."""
    secret = TOPICS[topic].secret if topic in TOPICS else ()
    return {
        name: (
            box.seal(str(value).encode(), context=_context(outbox_id, topic, name))
            if name in secret
            else value
        )
        for name, value in params.items()
    }


def open_params(
    box: SecretBox, outbox_id: str, topic: str, params: Mapping[str, str]
) -> dict[str, str]:
    """``params`` with the secrets opened; ``SecretUnavailable`` when one does not open
    (scrubbed, altered, or sealed under a master key no longer configured)."""
    secret = TOPICS[topic].secret if topic in TOPICS else ()
    return {
        name: (
            box.open_(value, context=_context(outbox_id, topic, name)).decode()
            if name in secret
            else value
        )
        for name, value in params.items()
    }


def expired(topic: str, params: Mapping[str, str], now: datetime) -> bool:
    """Whether the secret of a notice has expired (its ``expires_at`` has passed), so
    delivering it would only put a dead code in the customer's hands."""
    if topic not in SECRET_TOPICS or "expires_at" not in params:
        return False
    try:
        return datetime.fromisoformat(params["expires_at"]) <= now
    except (TypeError, ValueError):
        return False


def scrubbed_payload() -> ColumnElement[Any]:
    """The payload column as an UPDATE should set it when a row is done with: scrubbed
    for secret topics, left as it is for every other."""
    return case((outbox.c.topic.in_(SECRET_TOPICS), SCRUBBED), else_=outbox.c.payload)
