"""The index-cost benchmark's mapping variants: the named sub-fields go from every field that
has them, nothing else changes, and the served mapping is left as it was."""

from __future__ import annotations

from pathlib import Path

from benchmarks.index_cost.__main__ import VARIANTS, without_subfields
from service.bootstrap import latest_mapping

MAPPINGS = Path(__file__).resolve().parents[2] / "mappings"


def test_left_out_subfields_go_from_every_name_field_and_nothing_else() -> None:
    body = latest_mapping(MAPPINGS).body()
    trimmed = without_subfields(body, VARIANTS["Beider-Morse codes"])
    properties, served = trimmed["mappings"]["properties"], body["mappings"]["properties"]
    with_bm = [name for name, field in served.items() if "bm" in field.get("fields", {})]
    assert {"firstName", "surname"} <= set(with_bm)
    for name, field in properties.items():
        expected = {k: v for k, v in served[name].get("fields", {}).items() if k != "bm"}
        assert field.get("fields", {}) == expected
        assert {k: v for k, v in field.items() if k != "fields"} == {
            k: v for k, v in served[name].items() if k != "fields"
        }
    assert trimmed["settings"] == body["settings"]
    assert all("bm" in served[name]["fields"] for name in with_bm)  # the original is untouched


def test_all_four_leaves_only_the_plain_and_keyword_forms_of_names() -> None:
    trimmed = without_subfields(latest_mapping(MAPPINGS).body(), VARIANTS["all four"])
    assert set(trimmed["mappings"]["properties"]["surname"]["fields"]) == {"keyword"}
