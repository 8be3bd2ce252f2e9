"""The audit chain's rules without a database: sealing, the head, unsealed entries."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from lastgate.kernel.audit import GENESIS, AuditEntry, content_hash, seal, verify_chain

T0 = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def _written(seq: int) -> AuditEntry:
    at = T0 + timedelta(seconds=seq)
    fields = {"occurred_at": at, "actor": "a", "action": "x", "subject": "s", "payload": "{}"}
    return AuditEntry(seq, at, "a", "x", "s", "{}", None, None, None, content_hash(**fields))


def _head(chain: list[AuditEntry]) -> tuple[int, str]:
    last = chain[-1]
    assert last.chain_seq is not None and last.hash is not None
    return last.chain_seq, last.hash


def test_a_sealed_chain_verifies_against_its_head() -> None:
    chain = seal([_written(1), _written(3), _written(2)], (0, GENESIS))
    assert [e.chain_seq for e in chain] == [1, 2, 3]  # the order it was given, not seq
    assert verify_chain(chain, _head(chain)) == []


def test_sealing_continues_from_the_head() -> None:
    first = seal([_written(1)], (0, GENESIS))
    more = seal([_written(2)], _head(first))
    assert more[0].prev_hash == first[0].hash and verify_chain(first + more) == []


def test_entries_sealed_after_the_head_was_read_are_fine() -> None:
    chain = seal([_written(i) for i in range(1, 4)], (0, GENESIS))
    assert verify_chain(chain, _head(chain[:2])) == []


def test_a_chain_that_stops_before_its_head_is_broken() -> None:
    chain = seal([_written(i) for i in range(1, 4)], (0, GENESIS))
    assert [b.seq for b in verify_chain(chain[:2], _head(chain))] == [3]
    assert [b.seq for b in verify_chain([], _head(chain))] == [3]


def test_a_head_whose_hash_differs_is_broken() -> None:
    chain = seal([_written(1)], (0, GENESIS))
    assert len(verify_chain(chain, (1, "f" * 64))) == 1


def test_an_empty_log_with_the_genesis_head_verifies() -> None:
    assert verify_chain([], (0, GENESIS)) == []


def test_an_unsealed_entry_must_carry_its_content_hash_and_no_link() -> None:
    entry = _written(1)
    assert verify_chain([entry]) == []
    assert len(verify_chain([replace(entry, content_hash=None)])) == 1
    assert len(verify_chain([replace(entry, hash="0" * 64)])) == 1
    assert len(verify_chain([replace(entry, actor="mallory")])) == 1


def test_an_edit_is_reported_once_per_entry() -> None:
    chain = seal([_written(1), _written(2)], (0, GENESIS))
    edited = [chain[0], replace(chain[1], payload='{"x":1}')]
    assert [b.seq for b in verify_chain(edited)] == [2]


def test_an_entry_from_before_content_hashes_verifies_by_its_link() -> None:
    chain = seal([replace(_written(1), content_hash=None)], (0, GENESIS))
    assert verify_chain(chain, _head(chain)) == []
    assert len(verify_chain([replace(chain[0], actor="mallory")])) == 1
