"""Helpers for desk tests: a wired ``Desk`` on a test database and a temporary folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from lastgate.desk.service.desk import Desk
from lastgate.desk.wiring import build_desk
from lastgate.kernel.settings import Settings
from tests import upload_samples

PNG = upload_samples.png()
PDF = upload_samples.pdf()
MP4 = (24).to_bytes(4, "big") + b"ftypisom" + b"\x00\x00\x02\x00isomiso2" + b"\x00" * 200
MOV = (20).to_bytes(4, "big") + b"ftypqt  " + b"\x00\x00\x00\x00qt  " + b"\x00" * 200


def desk_settings(root: Path) -> Settings:
    return Settings(
        webhook_url="http://127.0.0.1:9/hooks",
        public_base_url="https://close.example",
        evidence_dir=root / "evidence",
    )


def make_desk(engine: Engine, clock: Any, root: Path) -> Desk:
    return build_desk(desk_settings(root), engine, clock)
