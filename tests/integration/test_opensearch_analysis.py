"""The analysis components of the real local OpenSearch node (devstack/opensearch.py).

Proves that the modules (analysis-common, lang-painless, mapper-extras) loaded and that the
person-analysis plugin answers to the official plugins' names and parameters.

The node: OPENSEARCH_URL if set, else the `servers` fixture of the integration conftest.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def opensearch_url(request: pytest.FixtureRequest) -> str:
    import os

    url = os.environ.get("OPENSEARCH_URL")
    if url:
        return url.rstrip("/")
    try:
        servers = request.getfixturevalue("servers")
    except pytest.FixtureLookupError:
        pytest.skip("no OpenSearch node: set OPENSEARCH_URL to a node started by devstack")
    return str(servers.opensearch_url).rstrip("/")


def call(base: str, method: str, path: str, body: Any = None) -> tuple[int, dict[str, Any]]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        base + path, data=data, method=method, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.loads(error.read())


def analyze(base: str, **body: Any) -> list[str]:
    status, answer = call(base, "POST", "/_analyze", body)
    assert status == 200, answer
    return [token["token"] for token in answer["tokens"]]


def analyze_error(base: str, **body: Any) -> str:
    status, answer = call(base, "POST", "/_analyze", body)
    assert status == 400, answer
    return str(answer["error"]["reason"])


# --------------------------------------------------------------------------- phonetic


def test_double_metaphone_codes_smith_and_schmidt_alike(opensearch_url: str) -> None:
    def codes(name: str) -> set[str]:
        phonetic = {"type": "phonetic", "encoder": "double_metaphone"}
        return set(analyze(opensearch_url, tokenizer="standard", filter=[phonetic], text=name))

    assert codes("Smith") == {"SM0", "XMT"}
    assert codes("Schmidt") == {"XMT", "SMT"}
    assert codes("Smith") & codes("Schmidt") == {"XMT"}


def test_phonetic_replace_false_keeps_the_original_token(opensearch_url: str) -> None:
    phonetic = {"type": "phonetic", "encoder": "metaphone", "replace": False}
    tokens = analyze(opensearch_url, tokenizer="standard", filter=[phonetic], text="Knight")
    assert tokens == ["NT", "Knight"]


def test_beider_morse_gives_codes_for_schwarzenegger(opensearch_url: str) -> None:
    phonetic = {
        "type": "phonetic",
        "encoder": "beider_morse",
        "rule_type": "approx",
        "name_type": "generic",
    }
    tokens = analyze(opensearch_url, tokenizer="standard", filter=[phonetic], text="Schwarzenegger")
    assert len(tokens) > 1
    assert "svartsinigir" in tokens
    exact = {**phonetic, "rule_type": "exact", "languageset": ["german"]}
    tokens = analyze(opensearch_url, tokenizer="standard", filter=[exact], text="Schwarzenegger")
    assert tokens
    assert all(token.isalpha() for token in tokens)


@pytest.mark.parametrize(
    ("encoder", "expected"),
    [
        ("metaphone", ["SKWR"]),
        ("soundex", ["S625"]),
        ("refined_soundex", ["S3095080409"]),
        ("caverphone1", ["SKWSNK"]),
        ("caverphone2", ["SKWSNKA111"]),
        ("cologne", ["8378647"]),
        ("koelnerphonetik", ["8378647"]),
        ("nysiis", ["SWARSA"]),
        ("daitch_mokotoff", ["474659", "479465"]),
    ],
)
def test_each_encoder_is_available(opensearch_url: str, encoder: str, expected: list[str]) -> None:
    phonetic = {"type": "phonetic", "encoder": encoder}
    tokens = analyze(opensearch_url, tokenizer="standard", filter=[phonetic], text="Schwarzenegger")
    assert tokens == expected


def test_haasephonetik_is_available(opensearch_url: str) -> None:
    phonetic = {"type": "phonetic", "encoder": "haasephonetik"}

    def code(name: str) -> list[str]:
        return analyze(opensearch_url, tokenizer="standard", filter=[phonetic], text=name)

    assert code("Meier") == code("Maier") == ["67"]
    assert code("Marko") == code("Markow") == ["6743"]  # final O sounds like OW


def test_unknown_phonetic_values_are_rejected_by_name(opensearch_url: str) -> None:
    def error(**params: Any) -> str:
        phonetic = {"type": "phonetic", **params}
        return analyze_error(opensearch_url, tokenizer="standard", filter=[phonetic], text="x")

    assert "unknown encoder [klingon]" in error(encoder="klingon")
    assert "[fuzzy]" in error(encoder="beider_morse", rule_type="fuzzy")
    assert "[martian]" in error(encoder="beider_morse", name_type="martian")
    assert "[klingon]" in error(encoder="beider_morse", languageset=["english", "klingon"])


# --------------------------------------------------------------------------- ICU


def test_icu_folding_folds_accents_and_case(opensearch_url: str) -> None:
    tokens = analyze(
        opensearch_url, tokenizer="icu_tokenizer", filter=["icu_folding"], text="Zoë Ångström"
    )
    assert tokens == ["zoe", "angstrom"]


def test_icu_folding_unicode_set_filter_keeps_chosen_letters(opensearch_url: str) -> None:
    folding = {"type": "icu_folding", "unicode_set_filter": "[^åäöÅÄÖ]"}
    tokens = analyze(
        opensearch_url, tokenizer="icu_tokenizer", filter=[folding], text="Ångström Zoë"
    )
    assert tokens == ["Ångström", "zoe"]


def test_icu_tokenizer_splits_words_in_any_script(opensearch_url: str) -> None:
    tokens = analyze(opensearch_url, tokenizer="icu_tokenizer", text="Siobhán O'Neill-Nguyễn")
    assert tokens == ["Siobhán", "O'Neill", "Nguyễn"]
    thai = analyze(opensearch_url, tokenizer="icu_tokenizer", text="สวัสดีครับ")
    assert thai == ["สวัสดี", "ครับ"]


def test_icu_normalizer_token_and_char_filters(opensearch_url: str) -> None:
    tokens = analyze(opensearch_url, tokenizer="keyword", filter=["icu_normalizer"], text="ﬁONA")
    assert tokens == ["fiona"]
    nfc = {"type": "icu_normalizer", "name": "nfc", "mode": "decompose"}
    tokens = analyze(opensearch_url, tokenizer="keyword", filter=[nfc], text="é")
    assert tokens == ["e\u0301"]
    tokens = analyze(
        opensearch_url,
        char_filter=["icu_normalizer"],
        tokenizer="keyword",
        text="\uff21\uff22\uff23",  # fullwidth ABC
    )
    assert tokens == ["abc"]


def test_unknown_icu_values_are_rejected_by_name(opensearch_url: str) -> None:
    bad_name = {"type": "icu_normalizer", "name": "nfx"}
    assert "[nfx]" in analyze_error(
        opensearch_url, tokenizer="keyword", filter=[bad_name], text="x"
    )
    bad_mode = {"type": "icu_normalizer", "mode": "sideways"}
    assert "[sideways]" in analyze_error(
        opensearch_url, tokenizer="keyword", char_filter=[bad_mode], text="x"
    )


# --------------------------------------------------------------------------- modules


def test_analysis_common_edge_ngram_and_synonyms(opensearch_url: str) -> None:
    ngrams = {"type": "edge_ngram", "min_gram": 2, "max_gram": 4}
    tokens = analyze(
        opensearch_url, tokenizer="standard", filter=["lowercase", ngrams], text="John"
    )
    assert tokens == ["jo", "joh", "john"]
    synonyms = {"type": "synonym", "synonyms": ["bill, william, will"]}
    tokens = analyze(
        opensearch_url, tokenizer="standard", filter=["lowercase", synonyms], text="Bill"
    )
    assert sorted(tokens) == ["bill", "will", "william"]


def test_painless_scripts_run(opensearch_url: str) -> None:
    status, answer = call(
        opensearch_url,
        "POST",
        "/_scripts/painless/_execute",
        {"script": {"source": "params.a * 2", "params": {"a": 21}}},
    )
    assert status == 200, answer
    assert answer["result"] == "42"


@pytest.fixture
def phonetic_index(opensearch_url: str) -> Iterator[str]:
    name = f"test-analysis-{uuid.uuid4().hex[:10]}"
    body = {
        "settings": {
            "number_of_shards": 1,
            "number_of_replicas": 0,
            "analysis": {
                "filter": {
                    "name_phonetic": {
                        "type": "phonetic",
                        "encoder": "double_metaphone",
                        "replace": True,
                    }
                },
                "analyzer": {
                    "name_sounds_like": {
                        "type": "custom",
                        "tokenizer": "icu_tokenizer",
                        "filter": ["icu_folding", "name_phonetic"],
                    }
                },
            },
        },
        "mappings": {
            "properties": {
                "surname": {
                    "type": "text",
                    "fields": {"phonetic": {"type": "text", "analyzer": "name_sounds_like"}},
                },
                "popularity": {"type": "rank_feature"},  # a mapper-extras field type
            }
        },
    }
    status, answer = call(opensearch_url, "PUT", f"/{name}", body)
    assert status == 200, answer
    yield name
    call(opensearch_url, "DELETE", f"/{name}")


def test_index_with_phonetic_analyzer_finds_sound_alikes(
    opensearch_url: str, phonetic_index: str
) -> None:
    for doc_id, surname in enumerate(["Schmidt", "Jones", "Brown"]):
        status, answer = call(
            opensearch_url,
            "PUT",
            f"/{phonetic_index}/_doc/{doc_id}?refresh=true",
            {"surname": surname, "popularity": 1.0},
        )
        assert status in (200, 201), answer
    query = {"query": {"match": {"surname.phonetic": "Smith"}}}
    status, answer = call(opensearch_url, "POST", f"/{phonetic_index}/_search", query)
    assert status == 200, answer
    assert [hit["_source"]["surname"] for hit in answer["hits"]["hits"]] == ["Schmidt"]
