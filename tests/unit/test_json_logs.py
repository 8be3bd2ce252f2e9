"""The JSON log formatter and the request id: extra fields kept, exceptions as one
string, values JSON cannot hold written as text, and only sound request ids taken."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from decimal import Decimal

from lastgate.platform.http.request_id import sound
from lastgate.platform.logs import JsonFormatter, request_id


def _record(**extra: object) -> logging.LogRecord:
    record = logging.LogRecord("lastgate.test", logging.INFO, __file__, 1, "hello %s", ("x",), None)
    record.__dict__.update(extra)
    return record


def test_a_record_is_one_json_object_with_its_extra_fields() -> None:
    line = JsonFormatter().format(_record(closure_id="c-1", rows=3, states=("a", "b")))
    entry = json.loads(line)
    assert "\n" not in line
    assert entry["message"] == "hello x"
    assert entry["level"] == "info"
    assert entry["logger"] == "lastgate.test"
    assert entry["closure_id"] == "c-1"
    assert entry["rows"] == 3
    assert entry["states"] == ["a", "b"]
    assert "request_id" not in entry  # outside a request
    assert "args" not in entry and "msg" not in entry  # the record's own fields stay out
    datetime.fromisoformat(entry["time"])


def test_values_json_cannot_hold_are_written_as_text() -> None:
    when = datetime(2026, 1, 2, 3, 4, tzinfo=UTC)
    entry = json.loads(
        JsonFormatter().format(
            _record(amount=Decimal("1.50"), when=when, raw=b"\x00", obj=object())
        )
    )
    assert entry["amount"] == "1.50"
    assert entry["when"] == "2026-01-02T03:04:00+00:00"
    assert entry["raw"] == "b'\\x00'"
    assert entry["obj"].startswith("<object object")


def test_an_exception_is_one_string_field() -> None:
    try:
        raise ValueError("broken")
    except ValueError:
        import sys

        record = logging.LogRecord(
            "lastgate.test", logging.ERROR, __file__, 1, "failed", (), sys.exc_info()
        )
    entry = json.loads(JsonFormatter().format(record))
    assert isinstance(entry["exception"], str)
    assert entry["exception"].startswith("Traceback")
    assert entry["exception"].endswith("ValueError: broken")


def test_the_request_id_of_the_current_request_is_on_every_record() -> None:
    token = request_id.set("abc-123")
    try:
        entry = json.loads(JsonFormatter().format(_record()))
    finally:
        request_id.reset(token)
    assert entry["request_id"] == "abc-123"


def test_only_short_printable_request_ids_are_taken() -> None:
    assert sound("abc-123_XYZ.9")
    assert sound("x" * 64)
    assert not sound("x" * 65)
    assert not sound("")
    assert not sound("bad\nid")
    assert not sound("bad\x1bid")
    assert not sound("café")
