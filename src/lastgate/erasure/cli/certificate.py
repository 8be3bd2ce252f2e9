"""``lastgate certificate``: verify a closure certificate, print the public key, render a PDF.

``verify`` exits 0 when the certificate is valid, 1 with the reason when it is not, and 2
when a file cannot be read or the public key is not usable.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, NoReturn

import typer

from lastgate.erasure.adapters.certificate_copy import rendered_again
from lastgate.erasure.adapters.certificate_signing import (
    key_id,
    load_public_key,
    public_key_pem,
    verify,
)
from lastgate.erasure.model.certificate import ClosureCertificate, InvalidCertificate
from lastgate.kernel.errors import LastgateError
from lastgate.kernel.i18n import normalize
from lastgate.kernel.settings import Settings

certificate_app = typer.Typer()  # its help: the lazy table in lastgate.app.cli

EXIT_INVALID = 1
EXIT_ERROR = 2


@certificate_app.command("verify")
def verify_command(
    file: Annotated[Path, typer.Argument(help="The certificate: its JSON file or its PDF.")],
    public_key: Annotated[
        Path | None,
        typer.Option(
            "--public-key", help="The issuer's Ed25519 public key (PEM); default: this lastgate's."
        ),
    ] = None,
) -> None:
    """Check the signature and every field; exit 0 when valid, 1 with the reason when not."""
    pem = _read(public_key).decode("ascii", "replace") if public_key else _settings_pem()
    document = _read(file)
    try:
        cert = verify(document, pem)
    except InvalidCertificate as exc:
        typer.echo(f"INVALID: {exc.message}", err=True)
        raise typer.Exit(EXIT_INVALID) from None
    except LastgateError as exc:
        _fail(exc)
    typer.echo(f"VALID: signed by key {key_id(load_public_key(pem))}")
    _summary(cert)


@certificate_app.command("public-key")
def public_key_command() -> None:
    """Print the PEM public key that verifies this lastgate's certificates."""
    typer.echo(_settings_pem(), nl=False)


@certificate_app.command("render")
def render_command(
    file: Annotated[Path, typer.Argument(help="The signed certificate JSON.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the PDF.")],
    lang: Annotated[str, typer.Option("--lang", help="The pages' language: en or zh-Hans.")] = "en",
) -> None:
    """Write the PDF of a signed certificate, after checking it against this lastgate's key."""
    language = normalize(lang)
    if language is None:
        typer.echo(f"unsupported language {lang!r}: en or zh-Hans", err=True)
        raise typer.Exit(EXIT_ERROR)
    try:
        pdf = rendered_again(_read(file), Settings(), language)
    except InvalidCertificate as exc:
        typer.echo(f"INVALID: {exc.message}", err=True)
        raise typer.Exit(EXIT_INVALID) from None
    output.write_bytes(pdf)
    typer.echo(f"wrote {output}")


def _summary(cert: ClosureCertificate) -> None:
    typer.echo(f"issuer: {cert.issuer}")
    typer.echo(f"certificate: {cert.certificate_id}")
    typer.echo(f"uid: {cert.uid}  closure: {cert.closure_id}")
    typer.echo(f"closed at: {cert.closed_at.isoformat()}  issued at: {cert.issued_at.isoformat()}")
    for entry in cert.entries:
        until = f" until {entry.retained_until.isoformat()}" if entry.retained_until else ""
        typer.echo(f"  {entry.category:24} {entry.action}{until}")
    outcome = "passed" if cert.scan.passed else f"FAILED ({len(cert.scan.findings)} findings)"
    typer.echo(f"verification scan: {outcome}, {cert.scan.tables_checked} tables checked")


def _settings_pem() -> str:
    try:
        return public_key_pem(Settings())
    except LastgateError as exc:
        _fail(exc)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        typer.echo(f"error INVALID_INPUT: cannot read {path}: {exc.strerror}", err=True)
        raise typer.Exit(EXIT_ERROR) from None


def _fail(exc: LastgateError) -> NoReturn:
    typer.echo(f"error {exc.code}: {exc.message}", err=True)
    raise typer.Exit(EXIT_ERROR)
