"""What the desk's pages share: the desk service of a request, how a page is rendered (the
texts lastgate writes into tickets shown in the reader's language) and the links within
this site."""

from __future__ import annotations

from fastapi.responses import Response

from lastgate.desk.model.labels import QUEUE_LABELS
from lastgate.desk.model.titles import CHECK_TITLES
from lastgate.desk.service import assistant as desk_assistant
from lastgate.desk.service import desk as d
from lastgate.platform.web.pages import Page


def desk_of(page: Page) -> d.Desk:
    return page.service(d.Desk)


#: Texts lastgate itself writes into tickets (in English); shown translated: the hand-off's
#: fixed title and first message, and the check a hand-off's title may name.
FIXED_TEXTS = frozenset(
    {desk_assistant.HANDOFF_SUBJECT, desk_assistant.HANDOFF_BODY, *CHECK_TITLES}
)


def render(page: Page, template: str, status: int = 200, **values: object) -> Response:
    return page.render(
        template, status=status, fixed_texts=FIXED_TEXTS, queue_labels=QUEUE_LABELS, **values
    )


def local(link: str, page: Page) -> str:
    """The assistant writes absolute links under ``public_base_url``; the pages link
    within this site."""
    base = page.context.settings.public_base_url.rstrip("/")
    return link.removeprefix(base) or "/"
