"""Files and secrets on the desk's pages through HTTP, on both databases: a file of the
wrong type or too large is refused clearly and nothing is stored, a good one is streamed
to its owner and staff only, and a seed phrase pasted into a reply or a question to the
assistant is never shown back. The accounts, fixtures and helpers are
``test_desk_pages``'."""

from __future__ import annotations

from lastgate.desk.service import desk as d
from lastgate.kernel.access import Role
from tests.desk_support import MP4, PNG
from tests.secret_corpus import mnemonic
from tests.web import test_desk_pages as desk_pages
from tests.web.test_desk_pages import _open
from tests.web_support import browser, csrf
from tests.workflow_support import AGENT_A

#: The desk pages' accounts (U1 with 0.25 BTC, U2, U3 under a risk lock), served the same way.
config, app, desk = desk_pages.config, desk_pages.app, desk_pages.desk


def _attach(client, ticket_id: str, purpose: str, file: tuple[str, bytes, str], query: str = ""):
    """The customer attaches ``file`` on the ticket's page (opened with ``query``)."""
    page = client.get(f"/web/tickets/{ticket_id}{query}")
    return client.post(
        f"/web/tickets/{ticket_id}/attachments",
        data={"csrf": csrf(page.text), "purpose": purpose},
        files={"file": file},
    )


def _files(tmp_path) -> list[str]:
    """What the desk stored of the test's files."""
    folder = tmp_path / "evidence" / "desk"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


# -- uploads and secrets ------------------------------------------------------------------------


def test_a_file_of_the_wrong_type_is_refused_clearly_and_nothing_is_stored(
    app, clock, config, desk, tmp_path
) -> None:
    ticket = _open(desk)
    client = browser(app, clock, config, "U1")
    refused = _attach(
        client, ticket.id, "document", ("passport.png", b"MZ\x90\x00" + b"\x00" * 99, "image/png")
    )
    assert refused.status_code == 422
    assert 'id="upload-error"' in refused.text and "is not accepted here" in refused.text
    assert _files(tmp_path) == [] and d.view(desk, AGENT_A, ticket.id).attachments == ()


def test_an_oversized_file_is_refused_clearly_and_nothing_is_stored(
    app, clock, config, desk, tmp_path
) -> None:
    ticket = _open(desk)
    client = browser(app, clock, config, "U1")
    limit = desk.policy_for("U1").attachment_max_bytes
    too_big = ("statement.mp4", MP4 + b"\x00" * (limit + 1 - len(MP4)), "video/mp4")
    refused = _attach(client, ticket.id, "video_statement", too_big, "?lang=zh-Hans")
    assert refused.status_code == 422
    assert "25 MB" in refused.text.split('id="upload-error"')[1].split("</p>")[0]
    assert _files(tmp_path) == [] and d.view(desk, AGENT_A, ticket.id).attachments == ()


def test_a_good_file_is_stored_and_streamed_to_its_owner_and_staff_only(
    app, clock, config, desk
) -> None:
    ticket = _open(desk)
    client = browser(app, clock, config, "U1")
    done = _attach(client, ticket.id, "document", ("id.png", PNG, "image/png"))
    assert "done=attached" in str(done.url)
    (attachment,) = d.view(desk, AGENT_A, ticket.id).attachments
    link = f"/web/tickets/{ticket.id}/attachments/{attachment.id}"
    assert f'href="{link}"' in done.text
    own = client.get(link)
    assert own.content == PNG and own.headers["content-disposition"].startswith("attachment")
    assert own.headers["x-content-type-options"] == "nosniff"
    agent = browser(app, clock, config, "agent-ada", Role.AGENT)
    assert agent.get(link).content == PNG
    assert browser(app, clock, config, "U2").get(link).status_code == 404


def test_a_pasted_seed_phrase_is_never_shown_and_the_customer_is_warned(
    app, clock, config, desk
) -> None:
    ticket = _open(desk)
    phrase = mnemonic("web-page", 12)
    client = browser(app, clock, config, "U1")
    page = client.get(f"/web/tickets/{ticket.id}?lang=zh-Hans")
    sent = client.post(
        f"/web/tickets/{ticket.id}/reply",
        data={"csrf": csrf(page.text), "body": f"My words are {phrase}"},
    )
    assert phrase not in sent.text and phrase.split()[3] + " " + phrase.split()[4] not in sent.text
    assert "[REDACTED:seed_phrase]" in sent.text
    assert 'class="warning" role="alert"' in sent.text and "助记词" in sent.text
    agent = browser(app, clock, config, "agent-ada", Role.AGENT)
    assert phrase not in agent.get(f"/web/desk/tickets/{ticket.id}").text


def test_a_secret_in_a_question_to_the_assistant_is_not_echoed(app, clock, config) -> None:
    phrase = mnemonic("assistant-page", 12)
    client = browser(app, clock, config, "U1")
    page = client.get("/web/help")
    answer = client.post(
        "/web/help/ask", data={"csrf": csrf(page.text), "question": f"is {phrase} safe"}
    )
    assert phrase not in answer.text and "[REDACTED:seed_phrase]" in answer.text
    assert 'class="warning" role="alert"' in answer.text
