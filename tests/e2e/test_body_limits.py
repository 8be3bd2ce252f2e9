"""Request bodies over real HTTP (uvicorn on a local port), on both databases: an upload
is refused on its headers alone when the caller is not signed in or declares too large
a body, a chunked body is cut off once it passes the limit, and ordinary routes take
only small bodies. The client sends the headers and a few bytes of a 200 MB body and
gets the answer at once: the server never waited for, read or stored the rest."""

from __future__ import annotations

import json
import select
import socket
import tempfile
import time
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest

from lastgate.app.api import create_app
from lastgate.closure.model.lifecycle import ClosureState
from lastgate.kernel.access import Role
from lastgate.platform.auth_tokens import issue_token
from tests.builders import account, load
from tests.live_server import HOST, free_port, live_server
from tests.workflow_support import request_in, settings, workflow

DECLARED = 200 * 1024 * 1024
EVIDENCE_MAX = 256 * 1024
#: The answer must come well before any client could have sent 200 MB.
PROMPT_SECONDS = 3.0


@pytest.fixture
def config(tmp_path):
    return settings().model_copy(
        update={"evidence_dir": tmp_path / "evidence", "evidence_max_bytes": EVIDENCE_MAX}
    )


@pytest.fixture
def spool(tmp_path, monkeypatch) -> Iterator[object]:
    """Where a parsed multipart file would be spooled to disk: must stay empty."""
    folder = tmp_path / "spool"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    yield folder


@pytest.fixture
def server(engine, clock, config) -> Iterator[tuple[str, int]]:
    load(engine, account("U1"))
    app = create_app(config, engine=engine, clock=clock)
    port = free_port()
    with live_server(app, port=port, lifespan="off"):
        yield HOST, port


@pytest.fixture
def evidence_id(engine, clock, config) -> str:
    return request_in(
        workflow(engine, clock, config), ClosureState.VERIFYING, "U1", needs_evidence=True
    ).id


def _token(config, clock, subject: str = "U1") -> str:
    return issue_token(config, subject, Role.CUSTOMER, timedelta(hours=1), clock())


def _head(path: str, length: int | None, *extra: str) -> bytes:
    lines = [
        f"POST {path} HTTP/1.1",
        "Host: 127.0.0.1",
        "Content-Type: multipart/form-data; boundary=lastgate-test",
        f"Content-Length: {length}" if length is not None else "Transfer-Encoding: chunked",
        *extra,
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def _answer(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    """Read the response until the server closes (it does after refusing a body)."""
    sock.settimeout(PROMPT_SECONDS)
    data = b""
    while True:
        try:
            chunk = sock.recv(65536)
        except (TimeoutError, ConnectionResetError):
            break  # a reset after the answer: the server closed on the unread body
        if not chunk:
            break
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    assert head, "no answer before the timeout: the server was waiting for the body"
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in header_lines)
    return int(status_line.split()[1]), {k.lower(): v for k, v in headers.items()}, body


def _send_declared(address, path: str, *extra: str) -> tuple[int, dict[str, str], bytes, float]:
    """Headers declaring 200 MB, then a few bytes of the body, then wait for the answer."""
    with socket.create_connection(address) as sock:
        started = time.monotonic()
        sock.sendall(_head(path, DECLARED, *extra) + b"--lastgate-test\r\n")
        status, headers, body = _answer(sock)
        return status, headers, body, time.monotonic() - started


def test_an_unauthenticated_200_mb_upload_is_refused_on_its_headers(
    server, evidence_id, spool
) -> None:
    status, headers, body, seconds = _send_declared(
        server, f"/v1/closure-requests/{evidence_id}/evidence"
    )
    assert status == 401 and seconds < PROMPT_SECONDS
    assert json.loads(body)["error"]["code"] == "NOT_AUTHENTICATED"
    assert headers["www-authenticate"] == "Bearer"
    status, headers, _, _ = _send_declared(
        server, f"/v1/closure-requests/{evidence_id}/evidence", "Authorization: Bearer forged"
    )
    assert status == 401
    assert list(spool.iterdir()) == []


def test_a_page_upload_needs_the_session_and_a_page_of_ours_first(
    server, evidence_id, config, clock, spool
) -> None:
    """Before the body: a form another site's page sent is refused (the browser's fetch
    metadata, else its Origin), even with the customer's cookie; a form of one of our pages
    without a session leads to the sign-in page. The address carries no token."""
    path = f"/web/closure/{evidence_id}/evidence"
    status, headers, _, _ = _send_declared(server, path)
    assert status == 303 and headers["location"] == "/web/sign-in"
    status, headers, _, _ = _send_declared(server, path, "Sec-Fetch-Site: same-origin")
    assert status == 303 and headers["location"].startswith("/web/sign-in?ended=1")
    cookie = f"Cookie: lastgate_session={_token(config, clock)}"
    for foreign in (
        "Sec-Fetch-Site: cross-site",
        "Sec-Fetch-Site: same-site",  # a sibling subdomain is another site's page too
        "Origin: https://evil.example",
        "Origin: null",
    ):
        status, headers, body, seconds = _send_declared(server, path, cookie, foreign)
        assert status == 403 and seconds < PROMPT_SECONDS, foreign
        assert headers["content-type"].startswith("text/html") and b"CSRF_REFUSED" in body
    # Ours: the fetch metadata, the Origin of the Host the request names, or no browser.
    for ours in ("Sec-Fetch-Site: same-origin", "Origin: http://127.0.0.1", ""):
        extra = (cookie, ours) if ours else (cookie,)
        status, _, body, seconds = _send_declared(server, path, *extra)
        assert status == 413 and seconds < PROMPT_SECONDS, ours  # now the size counts
        assert b"BODY_TOO_LARGE" in body
    assert list(spool.iterdir()) == []


def test_a_signed_out_token_cannot_send_a_file_either(server, evidence_id, config, clock) -> None:
    token = _token(config, clock)
    host, port = server
    signed_out = httpx.delete(
        f"http://{host}:{port}/v1/tokens/current", headers={"Authorization": f"Bearer {token}"}
    )
    assert signed_out.status_code == 204
    status, _, body, seconds = _send_declared(
        server, f"/v1/closure-requests/{evidence_id}/evidence", f"Authorization: Bearer {token}"
    )
    assert status == 401 and seconds < PROMPT_SECONDS
    assert "revoked" in json.loads(body)["error"]["message"]


def test_a_signed_in_upload_declaring_too_much_is_refused_unread(
    server, evidence_id, config, clock, spool
) -> None:
    auth = f"Authorization: Bearer {_token(config, clock)}"
    status, _, body, seconds = _send_declared(
        server, f"/v1/closure-requests/{evidence_id}/evidence", auth
    )
    assert status == 413 and seconds < PROMPT_SECONDS
    error = json.loads(body)["error"]
    assert error["code"] == "BODY_TOO_LARGE"
    assert int(error["details"][0]["max_bytes"]) < 2 * EVIDENCE_MAX
    assert list(spool.iterdir()) == []


def test_a_chunked_upload_is_cut_off_once_it_passes_the_limit(
    server, evidence_id, config, clock
) -> None:
    auth = f"Authorization: Bearer {_token(config, clock)}"
    piece = b"x" * 16384
    chunk = f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    sent, answered = 0, False
    with socket.create_connection(server) as sock:
        preamble = (
            b'--lastgate-test\r\nContent-Disposition: form-data; name="file"; '
            b'filename="a.jpg"\r\n\r\n'
        )
        sock.sendall(
            _head(f"/v1/closure-requests/{evidence_id}/evidence", None, auth)
            + f"{len(preamble):x}\r\n".encode()
            + preamble
            + b"\r\n"
        )
        while sent < DECLARED and not answered:
            try:
                sock.sendall(chunk)
            except OSError:  # the server closed after answering
                break
            sent += len(piece)
            answered = bool(select.select([sock], [], [], 0)[0])
        status, _, body = _answer(sock)
    assert status == 413 and json.loads(body)["error"]["code"] == "BODY_TOO_LARGE"
    # Answered after about the limit, not after 200 MB (socket buffers hold a few MB).
    assert sent < 16 * 1024 * 1024


def test_an_ordinary_route_takes_only_a_small_body(server, config, clock) -> None:
    auth = f"Authorization: Bearer {_token(config, clock)}"
    with socket.create_connection(server) as sock:
        sock.sendall(
            (
                "POST /v1/accounts/U1/closure-requests HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                f"Content-Type: application/json\r\n{auth}\r\n"
                f"Content-Length: {config.max_body_bytes + 1}\r\n\r\n"
            ).encode()
            + b'{"reason": "'
        )
        status, _, body = _answer(sock)
    assert status == 413 and json.loads(body)["error"]["code"] == "BODY_TOO_LARGE"
    with socket.create_connection(server) as sock:
        sock.sendall(
            (
                "POST /v1/accounts/U1/closure-requests HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                f"Content-Type: application/json\r\n{auth}\r\nConnection: close\r\n"
                "Content-Length: 18\r\n\r\n"
            ).encode()
            + b'{"reason": "fees"}'
        )
        status, _, _ = _answer(sock)
    assert status == 201
