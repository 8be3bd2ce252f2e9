"""Attachments: typed by their bytes, size-limited by policy, stored under random names
outside anything served, and read back only by the ticket's owner and staff."""

from __future__ import annotations

import pytest

from lastgate.desk.model.tickets import AttachmentPurpose, AttachmentRefused, TicketCategory
from lastgate.desk.service import desk as d
from lastgate.kernel.errors import NotFound
from lastgate.platform.uploads import sniff
from tests.builders import account, load
from tests.desk_support import MOV, MP4, PDF, PNG, make_desk
from tests.workflow_support import AGENT_A, customer

ADA, BO = customer("U1000"), customer("U2000")


@pytest.fixture
def desk(engine, clock, tmp_path):
    load(engine, account("U1000"), account("U2000"))
    return make_desk(engine, clock, tmp_path)


@pytest.fixture
def ticket(desk):
    ticket, _ = d.open_ticket(desk, ADA, "U1000", TicketCategory.CREDENTIAL_RECOVERY, "Lost", "x")
    return ticket


@pytest.mark.parametrize(
    ("purpose", "content", "expected"),
    [
        (AttachmentPurpose.DOCUMENT, PNG, "image/png"),
        (AttachmentPurpose.DOCUMENT, PDF, "application/pdf"),
        (AttachmentPurpose.VIDEO_STATEMENT, MP4, "video/mp4"),
        (AttachmentPurpose.VIDEO_STATEMENT, MOV, "video/quicktime"),
        (AttachmentPurpose.SCREENSHOT, PNG, "image/png"),
    ],
)
def test_accepted_files_are_typed_by_their_bytes(desk, ticket, purpose, content, expected):
    stored = d.attach(desk, ADA, ticket.id, purpose, content)
    assert stored.content_type == expected
    served = b"".join(d.read_attachment(desk, ADA, ticket.id, stored.id)[1])
    assert sniff(served) == expected and stored.size == len(served)
    if expected.startswith("video/"):
        assert served == content  # no parser for video: kept as sent


@pytest.mark.parametrize(
    "content",
    [
        b"MZ\x90\x00" + b"\x00" * 100,  # a Windows executable
        b"<html><script>alert(1)</script></html>",
        b"%PDF-1.7 but never ends",  # a PDF signature pasted on other data
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,  # a PNG signature without its header chunk
        (9999).to_bytes(4, "big") + b"ftypisom" + b"\x00" * 40,  # an ftyp box that lies
        b"\x00\x00\x00\x18ftypevil" + b"\x00" * 40,  # an unknown brand
    ],
)
def test_a_wrong_type_is_refused_whatever_it_is_called(desk, ticket, content) -> None:
    with pytest.raises(AttachmentRefused):
        d.attach(desk, ADA, ticket.id, AttachmentPurpose.DOCUMENT, content)


def test_a_photo_is_not_a_video_statement(desk, ticket) -> None:
    with pytest.raises(AttachmentRefused):
        d.attach(desk, ADA, ticket.id, AttachmentPurpose.VIDEO_STATEMENT, PNG)


def test_an_oversized_file_is_refused_and_nothing_is_written(desk, ticket, tmp_path) -> None:
    limit = desk.policy_for("U1000").attachment_max_bytes
    with pytest.raises(AttachmentRefused) as refused:
        d.attach(desk, ADA, ticket.id, AttachmentPurpose.DOCUMENT, PNG + b"\x00" * limit)
    assert refused.value.details == [{"path": "file", "reason": "too_large"}]
    assert not (tmp_path / "evidence" / "desk").exists() or not any(
        (tmp_path / "evidence" / "desk").iterdir()
    )


def test_files_are_stored_under_random_names_inside_the_desk_folder(desk, ticket, tmp_path):
    stored = d.attach(desk, ADA, ticket.id, AttachmentPurpose.DOCUMENT, PNG)
    folder = tmp_path / "evidence" / "desk"
    assert [p.name for p in folder.iterdir()] == [stored.storage_key]
    assert (folder / stored.storage_key).stat().st_mode & 0o077 == 0


def test_only_the_owner_and_staff_read_an_attachment(desk, ticket) -> None:
    stored = d.attach(desk, ADA, ticket.id, AttachmentPurpose.DOCUMENT, PNG)
    assert b"".join(d.read_attachment(desk, AGENT_A, ticket.id, stored.id)[1]) == PNG
    with pytest.raises(NotFound):
        d.read_attachment(desk, BO, ticket.id, stored.id)


def test_an_attachment_is_read_only_through_its_own_ticket(desk, ticket) -> None:
    stored = d.attach(desk, ADA, ticket.id, AttachmentPurpose.DOCUMENT, PNG)
    other, _ = d.open_ticket(desk, BO, "U2000", TicketCategory.OTHER, "Hi", "x")
    with pytest.raises(NotFound):
        d.read_attachment(desk, BO, other.id, stored.id)


def test_lastgate_made_files_cannot_be_uploaded(desk, ticket) -> None:
    with pytest.raises(AttachmentRefused):
        d.attach(desk, ADA, ticket.id, AttachmentPurpose.ELIGIBILITY_SNAPSHOT, PDF)
