"""The committed JSON Schema, the example file and the integrator docs match the models."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Any, get_args

import pytest

from lastgate.ledger.adapters import snapshot as s
from lastgate.ledger.adapters.snapshot_io import parse_snapshot

DOCS = Path(__file__).resolve().parents[2] / "docs"
SCHEMA_FILE = DOCS / "snapshot.schema.json"
EXAMPLE_FILE = DOCS / "examples" / "snapshot.json"
GUIDE_FILE = DOCS / "snapshot.md"
REGENERATE = ".venv/bin/python -m lastgate.ledger.adapters.snapshot docs/snapshot.schema.json"


def example() -> dict[str, Any]:
    return json.loads(EXAMPLE_FILE.read_text(encoding="utf-8"))


def snapshot_enums() -> set[type[StrEnum]]:
    """Every enum a snapshot field uses, found by walking the models."""
    found: set[type[StrEnum]] = set()
    models = [s.Snapshot]
    while models:
        model = models.pop()
        for field in model.model_fields.values():
            kinds = [field.annotation, *get_args(field.annotation)]
            kinds += [inner for kind in kinds for inner in get_args(kind)]
            for kind in kinds:
                if isinstance(kind, type) and issubclass(kind, StrEnum):
                    found.add(kind)
                elif isinstance(kind, type) and issubclass(kind, s._Model):
                    models.append(kind)
    return found


def test_committed_schema_is_what_the_models_generate() -> None:
    committed = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))

    assert committed == s.snapshot_json_schema(), (
        f"{SCHEMA_FILE} is stale; regenerate it with: {REGENERATE}"
    )


def test_schema_command_writes_the_file_it_is_given(tmp_path: Path) -> None:
    target = tmp_path / "snapshot.schema.json"

    assert s.main([str(target)]) == 0
    assert json.loads(target.read_text(encoding="utf-8")) == s.snapshot_json_schema()


def test_schema_describes_amounts_as_strings() -> None:
    balance = s.snapshot_json_schema()["$defs"]["BalanceSnapshot"]["properties"]

    assert balance["available"]["type"] == "string"


def test_schema_refuses_unknown_fields_everywhere() -> None:
    defs = s.snapshot_json_schema()["$defs"]
    objects = {name: d for name, d in defs.items() if d.get("type") == "object"}

    assert all(d.get("additionalProperties") is False for d in objects.values())


def test_example_is_accepted_by_parse_snapshot() -> None:
    parsed = parse_snapshot(EXAMPLE_FILE.read_text(encoding="utf-8"))

    assert parsed.accounts


def test_example_is_valid_under_the_json_schema() -> None:
    jsonschema = pytest.importorskip("jsonschema")

    jsonschema.Draft202012Validator(s.snapshot_json_schema()).validate(example())


def test_example_fills_every_collection_of_an_account() -> None:
    first = example()["accounts"][0]
    collections = [
        name
        for name, field in s.AccountSnapshot.model_fields.items()
        if str(field.annotation).startswith("list[")
    ]

    assert [name for name in collections if not first.get(name)] == []


def test_example_gives_every_optional_field_somewhere() -> None:
    text = EXAMPLE_FILE.read_text(encoding="utf-8")
    fields = {
        name
        for model in (s.AccountSnapshot, s.TransferSnapshot, s.ApiKeySnapshot, s.HoldSnapshot)
        for name in model.model_fields
    }

    assert [name for name in sorted(fields) if f'"{name}"' not in text] == []


def test_guide_lists_every_allowed_enum_value() -> None:
    guide = GUIDE_FILE.read_text(encoding="utf-8")

    missing = [
        f"{enum.__name__}.{member.name}"
        for enum in snapshot_enums()
        for member in enum
        if f"`{member.value}`" not in guide
    ]

    assert missing == []


def test_guide_names_every_field_of_every_model() -> None:
    guide = GUIDE_FILE.read_text(encoding="utf-8")
    models = [getattr(s, name) for name in dir(s) if name.endswith("Snapshot")]
    fields = {name for model in models for name in model.model_fields}

    assert [name for name in sorted(fields) if f"`{name}`" not in guide] == []
