"""Loading jurisdiction policies from TOML files, with every error reported by path."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from pydantic import ValidationError

from lastgate.kernel.errors import InvalidPolicy
from lastgate.kernel.policy import Policy

SHIPPED_POLICIES = Path(__file__).resolve().parent.parent / "policies"
DEFAULT_JURISDICTION = "DEFAULT"


def load_policy(path: Path) -> Policy:
    """Parse and validate one policy file; ``InvalidPolicy`` lists every problem."""
    try:
        # TOML floats become Decimal, so 0.1 means exactly 0.1 (money is never float).
        raw = tomllib.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidPolicy(f"{path}: cannot read: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise InvalidPolicy(f"{path}: not valid TOML: {exc}") from exc
    try:
        return Policy.model_validate(raw)
    except ValidationError as exc:
        details = [
            {"path": ".".join(str(p) for p in err["loc"]), "reason": err["msg"]}
            for err in exc.errors()
        ]
        summary = "; ".join(f"{d['path']}: {d['reason']}" for d in details)
        raise InvalidPolicy(f"{path}: {summary}", details=details) from exc


@dataclass(frozen=True)
class PolicyDirectory:
    """Every ``*.toml`` in a folder, keyed by jurisdiction; ``DEFAULT`` is required."""

    policies: dict[str, Policy]

    @classmethod
    def load(cls, folder: Path | None = None) -> PolicyDirectory:
        folder = folder or SHIPPED_POLICIES
        if not folder.is_dir():
            raise InvalidPolicy(f"{folder}: not a folder of policy files")
        policies: dict[str, Policy] = {}
        for path in sorted(folder.glob("*.toml")):
            policy = load_policy(path)
            if policy.jurisdiction in policies:
                raise InvalidPolicy(f"{path}: jurisdiction {policy.jurisdiction} defined twice")
            policies[policy.jurisdiction] = policy
        if DEFAULT_JURISDICTION not in policies:
            raise InvalidPolicy(f'{folder}: no policy with jurisdiction = "DEFAULT"')
        return cls(policies)

    def for_jurisdiction(self, jurisdiction: str) -> Policy:
        return self.policies.get(jurisdiction.upper(), self.policies[DEFAULT_JURISDICTION])

    @property
    def longest_withdrawal_window_days(self) -> int:
        return max(p.eligibility.withdrawal_review_window_days for p in self.policies.values())


def extract_legal_bases(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any
) -> Iterator[tuple[int, None, str, list[str]]]:
    """Babel extractor (``babel.cfg``): a policy file's legal bases
    (``[retention.legal_basis]``) are catalog messages, so the certificate prints them
    translated."""
    raw = tomllib.loads(fileobj.read().decode("utf-8"))
    for text in raw.get("retention", {}).get("legal_basis", {}).values():
        yield 0, None, str(text).strip(), []
