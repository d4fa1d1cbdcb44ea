"""Nickname synonyms from the `nicknames` package: rules for the index, pairs for scoring."""

from __future__ import annotations

import json

from service.bootstrap import MappingVersion, latest_mapping
from service.config import REPO_ROOT
from service.search.nicknames import (
    SYNONYM_FILTER,
    are_nicknames,
    nickname_synonym_rules,
    with_nickname_synonyms,
)


def test_rules_map_a_nickname_to_itself_and_its_full_names() -> None:
    rules = nickname_synonym_rules()
    assert len(rules) > 500
    bob = next(rule for rule in rules if rule.startswith("bob => "))
    assert "robert" in bob.split(" => ")[1].split(", ")
    assert bob.split(" => ")[1].startswith("bob, ")
    assert all(rule.isascii() and " => " in rule for rule in rules)


def test_nickname_pairs_include_shared_full_names_but_not_strangers() -> None:
    assert are_nicknames("bob", "robert") and are_nicknames("robert", "bob")
    assert are_nicknames("liz", "beth")  # both Elizabeth
    assert not are_nicknames("john", "mary")
    assert not are_nicknames("bob", "bob")
    assert not are_nicknames("", "bob")


def test_spelling_variants_count_as_nicknames_and_reach_the_index_rules() -> None:
    """Shivaun is Siobhan spelt as said: no phonetic code links them, the variants list does."""
    assert are_nicknames("shivaun", "siobhan") and are_nicknames("siobhan", "shivaun")
    assert are_nicknames("shaune", "shaun")  # both Sean
    assert not are_nicknames("shivaun", "sinead")
    rules = nickname_synonym_rules()
    assert "shivaun => shivaun, siobhan" in rules
    # A nickname the package knows keeps its full names beside the variant's usual spelling.
    shaun = next(rule for rule in rules if rule.startswith("shaun => "))
    assert {"sean", "shawn"} <= set(shaun.split(" => ")[1].split(", "))
    assert len({rule.split(" => ")[0] for rule in rules}) == len(rules)  # one rule per name


def test_the_index_body_gets_the_rules_and_the_file_stays_untouched() -> None:
    mapping = latest_mapping(REPO_ROOT / "mappings")
    raw = json.loads(mapping.path.read_text(encoding="utf-8"))
    assert raw["settings"]["analysis"]["filter"][SYNONYM_FILTER]["synonyms"] == []
    body = mapping.body()
    assert body["settings"]["analysis"]["filter"][SYNONYM_FILTER]["synonyms"] == list(
        nickname_synonym_rules()
    )
    assert "_comment" not in body


def test_a_body_without_the_filter_is_returned_as_it_is(tmp_path) -> None:
    path = tmp_path / "persons.v9.json"
    path.write_text('{"settings": {"analysis": {"filter": {}}}}', encoding="utf-8")
    body = MappingVersion(9, path).body()
    assert body == {"settings": {"analysis": {"filter": {}}}}
    assert with_nickname_synonyms({}) == {}
