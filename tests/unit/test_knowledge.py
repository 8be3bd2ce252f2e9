"""Knowledge-base retrieval: tokens, Chinese bigrams, BM25 ranking, language filter."""

from __future__ import annotations

from lastgate.desk.model.knowledge import Article, KnowledgeBase, stem, tokens
from lastgate.desk.wiring import knowledge_base


def test_english_words_are_stemmed_and_stopwords_dropped() -> None:
    assert tokens("How do I close my closed accounts?") == ["clos", "clos", "account"]
    assert stem("closing") == stem("close") == stem("closes") == "clos"


def test_chinese_is_split_into_overlapping_bigrams() -> None:
    assert tokens("注销账户") == ["注销", "销账", "账户"]
    assert tokens("锁") == ["锁"]


def test_mixed_text_keeps_both() -> None:
    assert tokens("2FA 验证器") == ["2fa", "验证", "证器"]


KB = KnowledgeBase(
    [
        Article("a", "en", "Dust", "small balances swept into one asset"),
        Article("b", "en", "Locks", "risk control locks an account; appeal the lock"),
        Article("c", "en", "General", "account account account account"),
        Article("a", "zh_Hans", "小额资产", "小额资产可以一键兑换"),
    ]
)


def test_a_rare_matching_term_outranks_a_frequent_common_one() -> None:
    assert KB.search("lock on my account", "en")[0].slug == "b"


def test_only_articles_sharing_a_term_are_returned() -> None:
    assert KB.search("weather", "en") == []


def test_search_stays_in_the_asked_language() -> None:
    found = KB.search("小额资产", "zh_Hans")
    assert [(a.slug, a.language) for a in found] == [("a", "zh_Hans")]
    assert KB.search("小额资产", "en") == []


def test_every_shipped_article_has_both_languages_and_a_title() -> None:
    kb = knowledge_base()
    by_slug: dict[str, set[str]] = {}
    for article in kb.articles:
        assert article.title and article.body
        by_slug.setdefault(article.slug, set()).add(article.language)
    assert by_slug and all(langs == {"en", "zh_Hans"} for langs in by_slug.values())
