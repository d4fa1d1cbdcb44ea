"""Each analyzer and normalizer of the person index, checked with the real node's _analyze API."""

from __future__ import annotations

import pytest
from opensearchpy import OpenSearch

from service.config import Settings


def _tokens(client: OpenSearch, settings: Settings, text: str, **how: str) -> list[str]:
    answer = client.indices.analyze(index=settings.opensearch_alias, body={"text": text, **how})
    return [token["token"] for token in answer["tokens"]]


@pytest.mark.parametrize(
    ("field", "text", "expected"),
    [
        ("firstNames", "Zoë-Chloé", ["zoe", "chloe"]),
        ("surnames", "O'Brien", ["obrien"]),
        ("surnames", "D\u2019Arcy Lloyd-Jones", ["darcy", "lloyd", "jones"]),
        ("surnames", "GARCÍA", ["garcia"]),
        ("surnames", "Wiśniewski", ["wisniewski"]),
    ],
)
def test_names_are_folded_and_split(search_client, settings, field, text, expected) -> None:
    assert _tokens(search_client, settings, text, field=field) == expected


def test_edge_ngrams_give_type_ahead_prefixes(search_client, settings) -> None:
    tokens = _tokens(search_client, settings, "Okon", field="surnames.edge")
    assert tokens == ["o", "ok", "oko", "okon"]


def test_double_metaphone_makes_sound_alikes_share_a_code(search_client, settings) -> None:
    def code(name: str) -> set[str]:
        return set(_tokens(search_client, settings, name, field="surnames.phonetic"))

    assert code("Smith") & code("Smyth")
    assert code("Stephen") & code("Steven")
    assert not code("Smith") & code("Jones")


def test_beider_morse_makes_spellings_across_languages_share_a_code(
    search_client, settings
) -> None:
    def code(name: str) -> set[str]:
        return set(_tokens(search_client, settings, name, field="surnames.bm"))

    assert code("Kowalski") & code("Kovalski")
    assert not code("Kowalski") & code("Patel")


def test_nicknames_share_the_full_name_token(search_client, settings) -> None:
    def names(text: str) -> set[str]:
        return set(_tokens(search_client, settings, text, field="firstNames.nickname"))

    assert "robert" in names("Bob") and "robert" in names("Bobby")
    assert "elizabeth" in names("Liz") and "elizabeth" in names("Beth")
    assert names("Kwame") == {"kwame"}


@pytest.mark.parametrize(
    ("normalizer", "text", "expected"),
    [
        ("compact_upper", "ab 12-34.56 c", "AB123456C"),
        ("ni_stem", "ab 12 34 56 c", "AB123456"),
        ("ni_stem", "AB123456", "AB123456"),
        ("compact_upper", " e8  1dy ", "E81DY"),
    ],
)
def test_ni_numbers_and_postcodes_normalise(
    search_client, settings, normalizer, text, expected
) -> None:
    assert _tokens(search_client, settings, text, normalizer=normalizer) == [expected]


def test_addresses_are_folded_words(search_client, settings) -> None:
    tokens = _tokens(search_client, settings, "Flat 2, Saint Mary\u2019s Court", field="addresses")
    assert tokens == ["flat", "2", "saint", "marys", "court"]
