"""Control characters are refused at the edge, once for every input: the path and query
of every request and every text field of a JSON or form body. A NUL byte would otherwise
reach PostgreSQL (which refuses it in text) as a 500; other controls have no place in a
UID, a name or a message either. Tab, line feed and carriage return stay allowed in body
text, where a message may have lines.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from fastapi import Request

from lastgate.kernel.errors import InvalidInput

#: C0 controls, DEL and C1 controls: nowhere in a path or a query.
_IN_URL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
#: The same, but for tab, line feed and carriage return: nowhere in body text.
_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
REASON = "control characters are not accepted"


def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield f"{path}.{key}", str(key)
            yield from _strings(item, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, f"{path}[{i}]")


def _refuse(where: list[str]) -> None:
    if where:
        raise InvalidInput(
            f"{REASON} ({', '.join(where)})",
            details=[{"path": place, "reason": REASON} for place in where],
        )


async def refuse_control_characters(request: Request) -> None:
    """A dependency of every route: 422 ``INVALID_INPUT`` naming each bad field."""
    where = ["path"] if _IN_URL.search(request.scope["path"]) else []
    where += [
        f"query.{key}"
        for key, value in request.query_params.multi_items()
        if _IN_URL.search(key) or _IN_URL.search(value)
    ]
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("application/json"):
        try:
            document = json.loads(await request.body() or b"null")
        except ValueError:
            document = None  # FastAPI answers malformed JSON itself
        where += [place for place, text in _strings(document, "body") if _IN_TEXT.search(text)]
    elif content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        where += [
            f"body.{key}"
            for key, value in form.multi_items()
            if isinstance(value, str) and (_IN_TEXT.search(key) or _IN_TEXT.search(value))
        ]
    _refuse(where)
