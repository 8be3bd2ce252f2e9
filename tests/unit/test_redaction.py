"""Secret redaction on a corpus of real-format seed phrases, keys and labelled passwords."""

from __future__ import annotations

import hashlib

import pytest

from lastgate.desk.model.redaction import (
    WORDLIST_SHA256,
    SecretKind,
    redact,
    valid_mnemonic,
    wordlist,
)
from tests.secret_corpus import corpus, hex_key, mnemonic, wif


def test_the_wordlist_is_the_official_bip39_english_list() -> None:
    words = wordlist()
    assert len(words) == 2048 and len(set(words)) == 2048
    assert hashlib.sha256(("\n".join(words) + "\n").encode()).hexdigest() == WORDLIST_SHA256
    assert (words[0], words[-1]) == ("abandon", "zoo")


@pytest.mark.parametrize(
    "phrase",
    [
        # BIP-39 test vectors (trezor/python-mnemonic vectors.json)
        "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon "
        "abandon about",
        "legal winner thank year wave sausage worth useful legal winner thank yellow",
        "letter advice cage absurd amount doctor acoustic avoid letter advice cage above",
        "zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo wrong",
    ],
)
def test_official_vectors_have_valid_checksums(phrase: str) -> None:
    assert valid_mnemonic(phrase.split())


def test_a_changed_last_word_breaks_the_checksum() -> None:
    words = "abandon " * 11 + "abandon"
    assert not valid_mnemonic(words.split())


@pytest.mark.parametrize(("message", "secret"), corpus())
def test_every_secret_of_the_corpus_is_redacted(message: str, secret: str) -> None:
    result = redact(message)
    assert secret not in result.text
    words = [w for w in secret.replace(",", " ").split() if w.isalpha()]
    for i in range(len(words) - 2):  # no three words of a phrase survive together
        assert " ".join(words[i : i + 3]) not in result.text
    assert "[REDACTED:" in result.text


def test_a_valid_seed_is_certain_and_an_invalid_run_is_still_redacted() -> None:
    certain = redact(mnemonic("v", 12)).findings[0]
    assert certain.kind is SecretKind.SEED_PHRASE and certain.certain
    words = mnemonic("v", 12).split()
    words[-1] = "zoo" if words[-1] != "zoo" else "abandon"
    broken = redact(" ".join(words))
    if not valid_mnemonic(words):
        assert broken.findings[0].certain is False
    assert broken.text == "[REDACTED:seed_phrase]"


def test_ordinary_text_is_left_alone() -> None:
    text = (
        "Hello, I want to close my account but the page says an order is open. "
        "Can you help me find it? Thank you for your time."
    )
    assert redact(text).text == text


def test_eleven_wordlist_words_are_not_a_seed() -> None:
    text = " ".join(mnemonic("short", 12).split()[:11])
    assert redact(text).text == text


def test_a_labelled_transaction_hash_is_kept() -> None:
    text = f"my deposit txid: {hex_key('tx')} has not arrived"
    assert redact(text).text == text


def test_a_wif_lookalike_with_a_bad_checksum_is_kept() -> None:
    good = wif("w")
    bad = good[:-1] + ("2" if good[-1] != "2" else "3")
    assert redact(f"code {bad}").text == f"code {bad}"
    assert redact(f"code {good}").text == "code [REDACTED:private_key_wif]"


def test_a_mention_of_a_password_without_one_is_kept() -> None:
    text = "I forgot my password and cannot log in"
    assert redact(text).text == text
