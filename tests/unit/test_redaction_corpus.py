"""Redaction measured: every phrase python-mnemonic makes (every language, every length)
written in every way customers paste one is found and removed, and what support really
receives, in English and in Chinese, is left alone."""

from __future__ import annotations

import random
import re
import tomllib
import unicodedata
from pathlib import Path

import pytest
from mnemonic import Mnemonic

from lastgate.kernel.folded_text import INVISIBLE
from lastgate.kernel.redaction import redact
from tests.secret_corpus import CHINESE, PastedPhrase, pasted_phrases

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT / "src" / "lastgate"


def _words_of(text: str, chinese: bool) -> list[str]:
    """The words a reader sees in ``text``: folded, each Chinese character one word.
    (Written apart from the detector's tokeniser, so that its faults show here.)"""
    text = "".join(c for c in unicodedata.normalize("NFKC", text) if c not in INVISIBLE)
    if chinese:
        return [c for c in text if "\u3400" <= c <= "\u9fff"]
    words = []
    for word in re.findall(r"(?:[^\W\d_]|[\u0300-\u036f\u3099\u309a])+", text):
        bare = unicodedata.normalize("NFKD", word.casefold()).replace("\u0131", "i")
        words.append("".join(c for c in bare if not unicodedata.combining(c)))
    return words


def _survivors(case: PastedPhrase, redacted: str) -> list[int]:
    """Where three consecutive words of the phrase are still readable together."""
    chinese = case.language in CHINESE
    phrase = ["".join(_words_of(w, chinese)) for w in case.words]
    if case.format == "first_four_letters":
        phrase = [w[:4] for w in phrase]
    left = _words_of(redacted, chinese)
    triples = {tuple(left[i : i + 3]) for i in range(len(left) - 2)}
    return [i for i in range(len(phrase) - 2) if tuple(phrase[i : i + 3]) in triples]


def test_every_generated_phrase_in_every_format_is_found_and_removed() -> None:
    cases = list(pasted_phrases(seed=39))
    missed = []
    for case in cases:
        redacted = redact(case.message).text
        if "[REDACTED:seed_phrase]" not in redacted or _survivors(case, redacted):
            missed.append((case.language, case.length, case.format, redacted))
    languages = {c.language for c in cases}
    assert languages == set(Mnemonic.list_languages()) and len(languages) >= 10
    assert {c.length for c in cases} == {12, 15, 18, 21, 24}
    assert len(cases) > 1000
    assert missed == []


def test_the_customers_words_around_a_phrase_are_kept() -> None:
    for case in pasted_phrases(seed=40):
        if case.format == "unspaced" and case.before.endswith("是"):
            continue  # characters glued to an unspaced phrase may go with it (see below)
        redacted = redact(case.message).text
        assert redacted.startswith(case.before.rstrip(": \uff1a")), case
        assert redacted.endswith(case.after.lstrip(" \u2014\u3002")), case


def test_an_unspaced_chinese_phrase_is_found_unless_as_common_as_prose() -> None:
    """Characters written together count only when they look like random draws from
    the list, not like prose; about 2 in 100 twelve-character phrases do not."""
    rng = random.Random(2024)
    for language in CHINESE:
        library = Mnemonic(language)
        for strength, most_missed in ((128, 0.04), (192, 0.015), (256, 0.01)):
            phrases = [
                library.to_mnemonic(rng.randbytes(strength // 8)).replace(" ", "")
                for _ in range(400)
            ]
            missed = sum("[REDACTED" not in redact(p).text for p in phrases)
            assert missed / len(phrases) <= most_missed, (language, strength, missed)


ENGLISH_MESSAGES = [
    "Hi, I want to close my account but the page says I still have an open order. I "
    "cancelled everything already. Can you check what is going on?",
    "This is unacceptable. My account was frozen without any warning and nobody from "
    "support has answered my ticket for five days. I demand an explanation and I want my "
    "funds released immediately.",
    "I sent 0.25 ETH to the wrong network and it has not arrived. The transaction hash is "
    "0x3f1c9b0e8a7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a3928170f6e5d4c. Please help.",
    "Hello support team, I lost my phone and with it my authenticator app. I can still "
    "access my email. What do I need to send you to reset two-factor authentication?",
    "Why was my closure request rejected? The email only says it needs review. I have no "
    "open positions, no loans and my balance is zero.",
    "Please delete all my personal data after closing the account, including my passport "
    "scan and selfie. How long do you keep them?",
    "I got an email asking me to verify my wallet on a website that looks like yours. Is "
    "this really from you? The link was login-secure-update.com.",
    "There are some tiny balances left in my spot wallet, each worth less than a dollar. "
    "Can you convert them to USDT for me?",
    "My API keys were used by a trading bot I no longer control. Please revoke all of them "
    "and stop every automated order right now.",
    "I think someone accessed my account from another country last night. I see a login "
    "from an unknown device and a withdrawal I did not make. Please freeze everything.",
    "I am filing a formal complaint. You liquidated my futures position at a price that "
    "never appeared on the chart. I expect a full refund of the loss and a written answer.",
    "My deposit of 500 USDT on the Tron network is still pending after three hours. TXID: "
    "9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b",
    "I forgot my password and the reset link expired. Could you send a new one?",
    "Someone claiming to be your support agent asked me for my recovery phrase on "
    "Telegram. I did not give it. Please warn other users about this scam.",
    "My wallet address is bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq and I want all my "
    "bitcoin sent there before the account is closed.",
    "Please add my new hardware wallet address 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2 to the "
    "withdrawal whitelist. Order 20240611-88213, ticket CLS-4471.",
    "Account access is blocked again, actual balance unknown, support absent, advice "
    "useless, action required, answer soon, anger growing, patience gone.",
    "Dear team, over the past year I have used your platform daily and have always been "
    "satisfied, but the recent change to the fee schedule, the slow response to my earlier "
    "questions, and the repeated verification requests have convinced me that it is time "
    "to leave. Kindly close my account, return the remaining balance to my bank, and "
    "confirm in writing once everything has been completed.",
]

CHINESE_MESSAGES = [
    "你好，我昨天从别的平台提了0.5个BTC到你们这里，交易哈希：7d1e9a2f3c4b5a6978e1d2c3b4a5968778695a4b3c2d1e0f9a8b7c6d5e4f3a2b，到现在还没到账，麻烦帮我查一下。",  # noqa: RUF001
    "我想注销账户，但是页面一直提示有未完成的订单，可是我已经把所有挂单都撤销了，请问怎么回事？",  # noqa: RUF001
    "为什么我的账户被冻结了？我没有做任何违规操作，只是正常充值和交易，请尽快给我解冻。",  # noqa: RUF001
    "客服你好，我的身份认证一直在审核中，已经三天了，什么时候能通过？",  # noqa: RUF001
    "我手机丢了，谷歌验证器也没了，现在登录不了账户，要怎么重置二次验证？",  # noqa: RUF001
    "你们的提现手续费也太高了吧，提一次USDT要扣1个U，别的平台都比你们便宜。",  # noqa: RUF001
    "我在理财里还有一笔定期存款没到期，如果现在注销账户，这部分资金会怎么处理？",  # noqa: RUF001
    "请问注销账户以后，我的个人信息和身份证照片会被删除吗？你们会保留多久？",  # noqa: RUF001
    "刚才收到一条短信说我的账户异常，让我点链接验证身份，这个是你们官方发的吗？",  # noqa: RUF001
    "我的合约仓位被强平了，但是当时价格根本没有到强平价，我要求你们给个说法，否则我就投诉到监管部门。",  # noqa: RUF001
    "账户里还剩一点点零碎的币，每个都不到一美元，提也提不出来，能不能帮我换成USDT？",  # noqa: RUF001
    "我已经按照要求上传了身份证正反面和手持照片，为什么还说我的材料不完整？",  # noqa: RUF001
    "你好，我申请注销账户被拒绝了，理由写的是需要人工审核，我想申诉，应该怎么操作？",  # noqa: RUF001
    "冷静期是什么意思？我提交注销申请后还能撤回吗？如果七天内改变主意怎么办？",  # noqa: RUF001
    "我的API密钥好像泄露了，有人用它下了很多单，请帮我立刻禁用所有API并冻结账户。",  # noqa: RUF001
    "昨天晚上八点左右我的账户被异地登录了，我没有授权任何人，现在资产少了一半，请马上处理！",  # noqa: RUF001
    "我是老用户了，注册五年了，现在不想用了，麻烦帮我把账户注销掉，谢谢配合。",  # noqa: RUF001
    "我的充值订单号是 20240611-88213，充了五千块人民币，银行已经扣款了，但平台显示失败。",  # noqa: RUF001
    "我不小心把币转到了错误的链上，转的是TRC20，但是地址是ERC20的，这种情况还能找回吗？",  # noqa: RUF001
    "我家人去世了，我想帮他处理他在你们平台的账户，需要提供哪些证明材料？",  # noqa: RUF001
    "已经等了两个星期了，工单一直没人回复，你们的客服效率太低了，我非常不满意。",  # noqa: RUF001
    "有人冒充你们的客服加我微信，说我的账户有风险，要我把币转到安全账户，我差点就转了。",  # noqa: RUF001
    "系统提示我的账户存在未结清的质押，但我在质押页面什么也看不到，请核实。",  # noqa: RUF001
    "我要投诉！你们在没有通知我的情况下冻结了我的资金，导致我错过了最佳卖出时机，损失了很多钱。",  # noqa: RUF001
    "我的密码是不是被盗了？昨天收到了修改密码的邮件，但不是我操作的。",  # noqa: RUF001
    "請問註銷帳戶之後，我的交易紀錄還能下載嗎？我需要用來報稅。",  # noqa: RUF001
    "你好，我的帳戶被鎖定了，說是風控原因，可是我什麼都沒做，請幫我解除限制。",  # noqa: RUF001
    "客服您好，我收到一封郵件說要重新驗證身分，請問這是不是詐騙？",  # noqa: RUF001
]


def _catalog_and_articles() -> list[str]:
    """What lastgate itself says, in both languages: its translations, its help
    articles and its canned replies — prose in the register support writes in."""
    texts: list[str] = []
    po = (SOURCES / "locale/zh_Hans/LC_MESSAGES/lastgate.po").read_text(encoding="utf-8")
    for kind in ("msgid", "msgstr"):
        for block in re.findall(rf'^{kind} ((?:".*"\n?)+)', po, re.MULTILINE):
            texts.append("".join(re.findall(r'"(.*)"', block)))
    texts += [p.read_text(encoding="utf-8") for p in (SOURCES / "desk/content/knowledge").iterdir()]
    canned = tomllib.loads((SOURCES / "desk/content/canned_replies.toml").read_text("utf-8"))

    def strings(value: object) -> list[str]:
        if isinstance(value, str):
            return [value]
        if isinstance(value, dict):
            return [s for v in value.values() for s in strings(v)]
        if isinstance(value, list):
            return [s for v in value for s in strings(v)]
        return []

    return [t for t in texts + strings(canned) if t.strip()]


@pytest.mark.parametrize("text", ENGLISH_MESSAGES + CHINESE_MESSAGES)
def test_a_real_looking_support_message_is_left_alone(text: str) -> None:
    assert redact(text).text == text


def test_none_of_lastgates_own_prose_is_taken_for_a_secret() -> None:
    texts = _catalog_and_articles()
    assert len(texts) > 500
    assert [t for t in texts if redact(t).findings] == []
