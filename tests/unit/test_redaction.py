"""Secret redaction, one behaviour at a time: word lists and checksums against
python-mnemonic, keys (hex, WIF whole and in groups, xprv), labelled passwords, the
kept transaction hash, and the audit payload's redaction."""

from __future__ import annotations

import random

import pytest
from mnemonic import Mnemonic

from lastgate.kernel.redaction import SecretKind, redact, redact_payload
from lastgate.kernel.seed_phrases import lexicon, valid_checksum
from tests.secret_corpus import corpus, hex_key, mnemonic, wif, xprv


def test_every_list_the_library_ships_is_loaded_whole() -> None:
    loaded = {w.language: w.words for w in lexicon().lists}
    assert set(loaded) == set(Mnemonic.list_languages())
    assert {"english", "chinese_simplified", "chinese_traditional", "japanese"} <= set(loaded)
    for language, words in loaded.items():
        assert list(words) == Mnemonic(language).wordlist


def _positions(language: str, phrase: str) -> list[int]:
    library = Mnemonic(language)
    return [library.wordlist.index(w) for w in phrase.split(library.delimiter)]


@pytest.mark.parametrize("language", sorted(Mnemonic.list_languages()))
def test_the_checksum_agrees_with_the_library_on_its_own_phrases(language: str) -> None:
    rng = random.Random(language)
    library = Mnemonic(language)
    for strength in (128, 160, 192, 224, 256):
        positions = _positions(language, library.to_mnemonic(rng.randbytes(strength // 8)))
        assert valid_checksum(positions)
        broken = [*positions[:-1], (positions[-1] + 1) % 2048]
        assert not valid_checksum(broken)


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
    assert Mnemonic("english").check(phrase)
    assert valid_checksum(_positions("english", phrase))


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
    if not Mnemonic("english").check(" ".join(words)):
        assert broken.findings[0].certain is False
    assert broken.text == "[REDACTED:seed_phrase]"


def test_eleven_wordlist_words_are_not_a_seed() -> None:
    text = " ".join(mnemonic("short", 12).split()[:11])
    assert redact(text).text == text


def test_redaction_replaces_the_original_span_of_folded_text() -> None:
    words = mnemonic("span", 12).split()
    text = "ok: " + "\u3000".join(f"\uff03{i}\u200b{w.upper()}" for i, w in enumerate(words, 1))
    assert redact(text + " :-)").text == "ok: \uff031\u200b[REDACTED:seed_phrase] :-)"


def test_a_labelled_transaction_hash_is_kept() -> None:
    for text in (
        f"my deposit txid: {hex_key('tx')} has not arrived",
        f"The transaction hash is 0x{hex_key('tx')}.",
        f"交易哈希：{hex_key('tx')}",  # noqa: RUF001
    ):
        assert redact(text).text == text


def test_a_wif_lookalike_with_a_bad_checksum_is_kept() -> None:
    good = wif("w")
    bad = good[:-1] + ("2" if good[-1] != "2" else "3")
    assert redact(f"code {bad}").text == f"code {bad}"
    assert redact(f"code {good}").text == "code [REDACTED:private_key_wif]"


@pytest.mark.parametrize("separator", [" ", "-", "  ", "\n", "\u3000"])
@pytest.mark.parametrize("compressed", [True, False])
def test_a_wif_split_into_groups_is_joined_and_verified(separator: str, compressed: bool) -> None:
    key = wif(f"grouped-{compressed}", compressed=compressed)
    grouped = separator.join(key[i : i + 4] for i in range(0, len(key), 4))
    assert redact(f"my key: {grouped} thanks").text == ("my key: [REDACTED:private_key_wif] thanks")
    damaged = grouped[:-1] + ("2" if grouped[-1] != "2" else "3")
    assert "[REDACTED" not in redact(f"my key: {damaged} thanks").text


def test_an_extended_private_key_in_groups_is_redacted() -> None:
    key = xprv("grouped")
    grouped = " ".join(key[i : i + 8] for i in range(0, len(key), 8))
    assert redact(f"backup {grouped}").text == "backup [REDACTED:extended_private_key]"


@pytest.mark.parametrize(
    "text",
    [
        "I forgot my password and cannot log in",
        "my password is wrong, please reset it",
        "我们绝不会索要您的密码、验证码、助记词或私钥。",
        "交易、充值和提现将立即停止：对您本人和任何可能掌握您密码的人都是如此。",  # noqa: RUF001
        "我的密码是不是被盗了？",  # noqa: RUF001
    ],
)
def test_a_mention_of_a_password_without_one_is_kept(text: str) -> None:
    assert redact(text).text == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("my pin is 4821", "my pin is [REDACTED:password]"),
        ("資金密碼是abc12345", "資金密碼是[REDACTED:password]"),
        ("登录密码：qwe123456", "登录密码：[REDACTED:password]"),  # noqa: RUF001
    ],
)
def test_a_labelled_password_is_redacted(text: str, expected: str) -> None:
    assert redact(text).text == expected


def test_an_audit_payload_is_redacted_in_every_string_and_keeps_its_digests() -> None:
    phrase = mnemonic("payload", 12)
    digest = hex_key("sha")
    payload = {
        "note": f"customer wrote {phrase}",
        "nested": {"lines": [f"key {wif('p')}", "ok"], "count": 3},
        "sha256": digest,
        "role": "agent",
    }
    assert redact_payload(payload) == {
        "note": "customer wrote [REDACTED:seed_phrase]",
        "nested": {"lines": ["key [REDACTED:private_key_wif]", "ok"], "count": 3},
        "sha256": digest,
        "role": "agent",
    }
    assert redact_payload({"note": digest}) == {"note": "[REDACTED:private_key_hex]"}


def test_the_warning_names_each_kind_removed_by_its_label_in_the_readers_language() -> None:
    from lastgate.kernel.redaction import warning

    en = warning(("seed_phrase", "private_key_hex", "private_key_wif"), "en")
    assert en is not None and "(seed phrase and private key)" in en
    zh = warning(("private_key_wif",), "zh_Hans")
    assert zh is not None and "（私钥）" in zh and "private_key" not in zh  # noqa: RUF001
    assert warning((), "en") is None
