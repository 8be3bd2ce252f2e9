"""Uploaded files through the API, on both databases: identity evidence and ticket
attachments are read by a real parser. Polyglots come out clean or are refused, a
decompression bomb is refused from its header, a PDF with code in it is refused, and
a genuine photo or PDF is stored and served back."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader

from lastgate.app.api import create_app
from lastgate.closure.model.lifecycle import ClosureState
from lastgate.kernel.access import Role
from lastgate.platform.auth_tokens import issue_token
from lastgate.platform.uploads import sniff
from tests import upload_samples as sample
from tests.builders import account, load
from tests.desk_support import desk_settings
from tests.workflow_support import request_in, workflow

AGENT = ("agent-ada", Role.AGENT)


@pytest.fixture
def api(engine, clock, tmp_path):
    config = desk_settings(tmp_path).model_copy(update={"upload_max_pixels": 1_000_000})
    load(engine, account("U1"))
    client = TestClient(create_app(config, engine=engine, clock=clock))

    def as_(subject: str = "U1", role: Role = Role.CUSTOMER) -> dict[str, str]:
        token = issue_token(config, subject, role, timedelta(hours=1), clock())
        return {"Authorization": f"Bearer {token}"}

    client.as_ = as_  # type: ignore[attr-defined]
    client.evidence_path = (  # type: ignore[attr-defined]
        "/v1/closure-requests/"
        + request_in(
            workflow(engine, clock, config), ClosureState.VERIFYING, "U1", needs_evidence=True
        ).id
        + "/evidence"
    )
    opened = client.post(
        "/v1/accounts/U1/tickets",
        json={"category": "other", "subject": "Files", "body": "see attached"},
        headers=as_(),
    )
    client.ticket_path = f"/v1/tickets/{opened.json()['ticket']['id']}"  # type: ignore[attr-defined]
    return client


def _evidence(api, content: bytes, kind: str = "document"):
    return api.post(
        api.evidence_path,
        data={"kind": kind},
        files={"file": ("scan.bin", content, "application/octet-stream")},
        headers=api.as_(),
    )


def _attach(api, content: bytes):
    return api.post(
        f"{api.ticket_path}/attachments",
        data={"purpose": "document"},
        files={"file": ("scan.bin", content, "application/octet-stream")},
        headers=api.as_(),
    )


def _evidence_served(api, evidence_id: str) -> bytes:
    served = api.get(f"{api.evidence_path}/{evidence_id}", headers=api.as_(*AGENT))
    assert served.status_code == 200
    return served.content


def _attachment_served(api, attachment_id: str) -> bytes:
    served = api.get(f"{api.ticket_path}/attachments/{attachment_id}", headers=api.as_())
    assert served.status_code == 200
    return served.content


@pytest.mark.parametrize(
    ("content", "served_type"),
    [
        (sample.jpeg(), "image/jpeg"),
        (sample.png(), "image/png"),
        (sample.pdf(), "application/pdf"),
        (sample.heic(), "image/jpeg"),  # a HEIC photo is kept as a JPEG reviewers can open
    ],
    ids=["jpeg", "png", "pdf", "heic"],
)
def test_a_genuine_file_is_stored_and_served_back_on_both_routes(api, content, served_type) -> None:
    uploaded = _evidence(api, content)
    assert uploaded.status_code == 201, uploaded.text
    evidence = _evidence_served(api, uploaded.json()["evidence_id"])
    attached = _attach(api, content)
    assert attached.status_code == 201, attached.text
    assert attached.json()["content_type"] == served_type
    attachment = _attachment_served(api, attached.json()["id"])
    for served in (evidence, attachment):
        assert sniff(served) == served_type
        if served_type == "application/pdf":
            assert len(PdfReader(io.BytesIO(served)).pages) == 1
        else:
            assert sample.decoded(served).size == sample.decoded(content).size


def test_a_jpeg_followed_by_html_comes_out_a_clean_jpeg(api) -> None:
    polyglot = sample.jpeg_with_html()
    evidence = _evidence_served(api, _evidence(api, polyglot).json()["evidence_id"])
    attachment = _attachment_served(api, _attach(api, polyglot).json()["id"])
    for served in (evidence, attachment):
        assert b"<script" not in served and b"<html" not in served
        assert served.endswith(b"\xff\xd9")  # ends where the JPEG ends
        assert sample.decoded(served).format == "JPEG"


def test_a_png_with_a_zip_appended_loses_the_zip(api) -> None:
    polyglot = sample.png_with_zip()
    assert b"PK\x03\x04" in polyglot
    evidence = _evidence_served(api, _evidence(api, polyglot).json()["evidence_id"])
    attachment = _attachment_served(api, _attach(api, polyglot).json()["id"])
    for served in (evidence, attachment):
        assert b"PK\x03\x04" not in served and b"index.html" not in served
        assert served.endswith(b"IEND\xaeB`\x82")


def test_a_photo_loses_its_metadata(api) -> None:
    photo = sample.jpeg(exif=True)
    assert b"Secret Phone" in photo and b"taken at home" in photo
    served = _evidence_served(api, _evidence(api, photo).json()["evidence_id"])
    assert b"Secret Phone" not in served and b"taken at home" not in served
    assert not sample.decoded(served).getexif()


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (sample.png_claiming(100_000, 100_000), "too_many_pixels"),
        (sample.png_claiming(1001, 1000), "too_many_pixels"),  # just over the setting
        (sample.pdf(javascript=True), "active_content"),
        (sample.pdf(embedded_file=True), "active_content"),
        (sample.jpeg()[:300], "unreadable"),  # truncated
        (sample.png()[:60], "unreadable"),  # truncated
        (sample.heic()[:120], "unreadable"),  # truncated
    ],
    ids=[
        "png-bomb",
        "png-over-limit",
        "pdf-javascript",
        "pdf-embedded",
        "jpeg-cut",
        "png-cut",
        "heic-cut",
    ],
)
def test_a_bomb_a_pdf_with_code_or_a_truncated_file_is_refused_and_nothing_kept(
    api, tmp_path, content, reason
) -> None:
    evidence = _evidence(api, content)
    assert evidence.status_code == 422
    assert evidence.json()["error"]["code"] == "EVIDENCE_REFUSED"
    assert evidence.json()["error"]["details"][0]["reason"] == reason
    attached = _attach(api, content)
    assert attached.status_code == 422
    assert attached.json()["error"]["code"] == "ATTACHMENT_REFUSED"
    assert attached.json()["error"]["details"][0]["reason"] == reason
    stored = [p for p in (tmp_path / "evidence").rglob("*") if p.is_file()]
    assert stored == []
    listed = api.get(api.evidence_path, headers=api.as_(*AGENT)).json()
    assert listed == []


def test_a_photo_at_the_pixel_limit_is_accepted(api) -> None:
    at_limit = sample.png((1000, 1000))
    assert _evidence(api, at_limit).status_code == 201
    assert _attach(api, at_limit).status_code == 201
