"""The sweep benchmarks' pure parts: the register with known duplicates both sweep, how a sweep
is graded, and the table Splink compares (Splink itself only where the `bench` extra is there)."""

from __future__ import annotations

from collections import Counter

import pytest

from benchmarks.sweep.known import KnownRegister, known_register, sweep_quality
from benchmarks.sweep_splink.table import COLUMNS, LIST_COLUMNS, columns, row
from service.matching.model import PROBABLE


@pytest.fixture(scope="module")
def register() -> KnownRegister:
    return known_register(300, 40, seed=11)


def test_the_register_holds_every_resident_and_copy_once(register: KnownRegister) -> None:
    documents = list(register.documents())
    ids = [d["id"] for d in documents]
    assert len(documents) == len(register) == 340
    assert len(set(ids)) == 340
    assert [d["personRef"] for d in documents] == list(range(1, 341))


def test_every_known_pair_joins_a_copy_to_its_resident_or_to_another_copy_of_it(
    register: KnownRegister,
) -> None:
    residents = {register.population.id_of(f"r{n}") for n in range(300)}
    copies = {copy["id"] for copy in register.copies}
    for first, second in register.truth:
        assert first < second
        assert {first, second} & copies, "two residents are never a known pair"
        assert {first, second} <= residents | copies
    # Each copy is paired with exactly one resident; a resident copied k times gives
    # (k + 1) * k / 2 pairs.
    resident_of = Counter()
    for pair in register.truth:
        for person in pair:
            if person in residents:
                resident_of[next(iter(set(pair) - {person}))] += 1
    assert set(resident_of) == copies
    assert set(resident_of.values()) == {1}
    copied = Counter(next(iter(set(p) & residents)) for p in register.truth if set(p) & residents)
    expected = sum((k + 1) * k // 2 for k in copied.values())
    assert len(register.truth) == expected > 40 - 1


def test_the_same_seeds_give_the_same_register(register: KnownRegister) -> None:
    again = known_register(300, 40, seed=11)
    assert again.truth == register.truth
    assert again.copies == register.copies
    assert known_register(300, 40, seed=12).truth != register.truth


def test_sweep_quality_counts_found_written_and_certain_pairs() -> None:
    truth = frozenset({("a", "b"), ("c", "d"), ("e", "f")})
    quality = sweep_quality(
        {("a", "b"): "certain", ("c", "d"): "probable", ("x", "y"): "certain"}, truth
    )
    assert (quality.written, quality.certain, quality.found, quality.certain_found) == (3, 2, 2, 1)
    assert quality.recall == pytest.approx(2 / 3)
    assert quality.precision == pytest.approx(2 / 3)
    assert quality.certain_precision == pytest.approx(1 / 2)


DOCUMENT = {
    "id": "p1",
    "firstName": "Bob",
    "middleName": "Kwame",
    "preferredFirstName": "Robbie",
    "surname": "Smith-Jones",
    "dateOfBirth": "1980-04-03",
    "nationalInsuranceNo": "QQ123456C",
    "addresses": ["Flat 2, 10 Kingsland Rd, London", "1 Other Street, London"],
    "postcodes": ["E8 1AB", "N1 1AA"],
}


def test_a_row_keeps_every_value_splink_compares_in_the_service_s_form() -> None:
    flat = row(DOCUMENT)
    assert tuple(flat) == COLUMNS
    assert flat["unique_id"] == "p1"
    assert flat["first_name"] == "bob"
    assert "robert" in flat["first_name_family"] and "bob" in flat["first_name_family"]
    assert flat["other_first_names"] == ["kwame", "robbie"]
    assert flat["surname"] == "smithjones"
    assert flat["surname_parts"] == ["smith", "jones"]
    assert flat["first_name_sound"] and flat["surname_sound"]
    assert (flat["dob"], flat["ni"]) == ("1980-04-03", "QQ123456C")
    # The first address only, street words in full, numbers apart from words.
    assert flat["address_words"] == "kingslandroadlondon"
    assert flat["address_numbers"] == ["10", "2"]
    assert flat["address_key"] == "10 2|kingslandroadlondon"
    assert (flat["postcode"], flat["postcode_district"]) == ("E81AB", "E8")


def test_missing_values_are_null_not_empty() -> None:
    flat = row({"id": "p2", "firstName": "Ann", "surname": "Lee"})
    absent = [name for name, value in flat.items() if value is None]
    assert set(absent) == set(COLUMNS) - {
        "unique_id",
        "first_name",
        "first_name_family",
        "first_name_sound",
        "surname",
        "surname_parts",
        "surname_sound",
    }


def test_columns_are_as_long_as_the_register(register: KnownRegister) -> None:
    table = columns(register.documents())
    assert set(table) == set(COLUMNS)
    assert {len(values) for values in table.values()} == {len(register)}
    for name in LIST_COLUMNS:
        assert all(value is None or isinstance(value, list) for value in table[name])


def test_splink_finds_the_known_pairs_of_a_small_register(register: KnownRegister) -> None:
    pytest.importorskip("splink")
    from benchmarks.sweep_splink import linkage

    linked = linkage.link(columns(register.documents()), register.truth, True, 0.8, seed=1)
    quality = sweep_quality(linked.graded(PROBABLE), register.truth)
    assert linked.known_compared == len(register.truth)
    assert quality.recall >= 0.8
    assert quality.precision >= 0.9
