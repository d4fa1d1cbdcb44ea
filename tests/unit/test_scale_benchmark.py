"""The pure parts of the scale benchmark: name frequencies, the population, percentiles, recall."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest

from benchmarks.quality.generator import queries
from benchmarks.quality.names import SURNAMES
from benchmarks.scale import report
from benchmarks.scale.loading import stored_item
from benchmarks.scale.population import (
    BLOCK,
    Population,
    ZipfNames,
    default_first_names,
    default_surnames,
    first_name_pool,
    surname_pool,
)
from benchmarks.scale.timing import Reply, Target, percentile
from benchmarks.scale.workload import match_first, recall_at_1, search_request
from service.api.schemas import PersonCreateSchema


@pytest.fixture(scope="module")
def population() -> Population:
    return Population(20_000, seed=3)


@pytest.fixture(scope="module")
def people(population: Population) -> list[dict]:
    return list(population)


def test_the_surname_pool_holds_thousands_of_distinct_names_after_the_listed_ones() -> None:
    pool = surname_pool()
    assert len(pool) >= 20_000
    assert len(set(pool)) == len(pool)
    listed = [name for name in SURNAMES if name.isalpha()]
    assert list(pool[: len(listed)]) == listed
    assert all(name.isalpha() and name[0].isupper() for name in pool)


def test_first_names_go_beyond_the_listed_ones_without_repeats() -> None:
    pool = first_name_pool()
    assert len(pool) > 1000
    assert len({name.lower() for name in pool}) == len(pool)


def test_zipf_shares_fall_with_rank_and_add_up_to_one() -> None:
    names = ZipfNames.of(["a", "b", "c", "d"], exponent=1.0, offset=0.0)
    shares = [names.share(rank) for rank in range(1, 5)]
    assert shares == sorted(shares, reverse=True)
    assert sum(shares) == pytest.approx(1.0)
    assert shares[0] / shares[1] == pytest.approx(2.0)


def test_zipf_draws_follow_the_shares() -> None:
    names = ZipfNames.of(["a", "b", "c"], exponent=1.0, offset=0.0)
    rng = random.Random(1)
    counts = Counter(names.draw(rng) for _ in range(30_000))
    for rank, name in enumerate(names.names, start=1):
        assert counts[name] / 30_000 == pytest.approx(names.share(rank), abs=0.02)


def test_the_commonest_surname_is_about_one_person_in_a_hundred() -> None:
    assert 0.005 < default_surnames().share(1) < 0.02
    assert 0.01 < default_first_names().share(1) < 0.05


def test_a_population_has_many_surnames_with_a_long_tail(people: list[dict]) -> None:
    surnames = Counter(person["surname"] for person in people)
    assert len(surnames) > 3_000  # thousands (households share one), not the lists' 140
    once = sum(count == 1 for count in surnames.values())
    assert once > 1_000  # the long tail: many surnames held by one person only
    top_count = surnames.most_common(1)[0][1]
    assert top_count / len(people) < 0.03
    assert len({person["firstName"] for person in people}) > 500


def test_households_share_a_surname_and_an_address(people: list[dict]) -> None:
    by_address = Counter(
        (p["surname"], p["addresses"][0]["fullAddress"], p["addresses"][0]["postcode"])
        for p in people
    )
    assert max(by_address.values()) >= 2
    assert sum(by_address.values()) == len(people)


def test_any_person_can_be_regenerated_by_number(
    population: Population, people: list[dict]
) -> None:
    for number in (0, BLOCK - 1, BLOCK, 12_345, len(people) - 1):
        assert population[number] == people[number]
        assert population[number]["key"] == f"r{number}"
    assert population[-1] == people[-1]
    with pytest.raises(IndexError):
        population[len(people)]


def test_the_same_seed_gives_the_same_people_and_another_seed_others() -> None:
    assert list(Population(1_500, seed=5)) == list(Population(1_500, seed=5))
    assert list(Population(1_500, seed=5)) != list(Population(1_500, seed=6))


def test_ids_are_stable_per_key_and_distinct(population: Population) -> None:
    ids = {population.id_of(f"r{n}") for n in range(2_000)}
    assert len(ids) == 2_000
    assert population.id_of("r7") == Population(20_000, seed=3).id_of("r7")


def test_generated_bodies_are_stored_as_generated(people: list[dict]) -> None:
    schema = PersonCreateSchema()
    for body in people[:300]:
        submitted = {key: value for key, value in body.items() if key != "key"}
        assert schema.load(submitted) == submitted


def test_the_stored_item_is_the_body_with_the_store_fields(people: list[dict]) -> None:
    item = stored_item(people[0], "an-id", 1)
    assert "key" not in item
    assert item["id"] == "an-id" and item["personRef"] == 1 and item["versionNumber"] == 1
    assert item["surname"] == people[0]["surname"]


def test_the_quality_generator_draws_queries_from_a_lazy_population(
    population: Population,
) -> None:
    asked = queries(population, 50, seed=4)
    keyed = [query for query in asked if query.key]
    assert len(keyed) == 45
    assert all(0 <= int(query.key.removeprefix("r")) < len(population) for query in keyed)
    assert all("id" not in query.person for query in asked)


def test_percentile_is_the_nearest_rank() -> None:
    values = [float(n) for n in range(100, 0, -1)]
    assert percentile(values, 0.5) == 50.0
    assert percentile(values, 0.95) == 95.0
    assert percentile(values, 0.99) == 99.0
    assert percentile(values, 1.0) == 100.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 0.5) == 2.0
    assert percentile([7.0], 0.99) == 7.0


def test_percentile_refuses_nothing_and_shares_out_of_range() -> None:
    with pytest.raises(ValueError):
        percentile([], 0.5)
    with pytest.raises(ValueError):
        percentile([1.0], 0.0)


def test_recall_at_1_counts_only_queries_of_people_in_the_index() -> None:
    def answer(first: str | None) -> Reply:
        results = [{"person": {"id": first}}] if first else []
        return Reply(200, 0.01, {"results": results})

    replies = [answer("a"), answer("x"), answer(None), answer("b")]
    assert recall_at_1(replies, ["a", "b", "c", None], match_first) == (1 / 3, 3)


def test_the_staff_search_asks_only_the_fields_a_query_has() -> None:
    request = search_request({"firstName": "Ann Marie", "surname": "Smith"}, explain=True)
    assert request.method == "GET"
    assert request.path == "/api/v1/persons?firstName=Ann+Marie&surname=Smith&explain=true"


def test_load_goes_to_the_loopback_only() -> None:
    with pytest.raises(ValueError):
        Target("http://10.0.0.1:9200")
    Target("http://127.0.0.1:9200")


def test_a_run_replaces_only_its_own_size_section(tmp_path: Path) -> None:
    path = tmp_path / "BENCHMARKS.md"
    path.write_text("# Benchmarks\n\n<!-- other:start -->\nkept\n<!-- other:end -->\n")
    start, end = report.markers(100)
    report.write(path, 100, f"{start}\nfirst\n{end}\n")
    report.write(path, 200, "\n".join(report.markers(200)) + "\n")
    report.write(path, 100, f"{start}\nsecond\n{end}\n")
    text = path.read_text()
    assert "kept" in text and "second" in text and "first" not in text
    assert text.count(start) == 1 and "<!-- scale-200:start -->" in text


def test_a_duplicate_check_is_replayed_as_the_same_multi_search() -> None:
    from benchmarks.scale.timing import Reply
    from benchmarks.scale.workload import raw_request

    queries = {"any": {"size": 30}, "dateOfBirth": {"size": 20}}
    request = raw_request(Reply(200, 0.01, {"explain": {"queries": queries}}), "persons-x")
    assert (request.method, request.path) == ("POST", "/_msearch")
    assert request.lines == [
        {"index": "persons-x"},
        {"size": 30},
        {"index": "persons-x"},
        {"size": 20},
    ]


def test_the_overhead_table_splits_the_one_client_time_by_the_answers_phases() -> None:
    from benchmarks.scale.timing import Run

    def api(seconds: float, app: float, search: float) -> Reply:
        phases = {"app": app, "opensearch": search, "rank": 2.0, "dump": 0.5}
        return Reply(200, seconds, {}, phases)

    one = report.Measured(
        "duplicate check, 1 client(s)",
        Run(1, [api(0.030, 26.0, 15.0), api(0.020, 16.0, 9.0)], 0.05),
        Run(1, [Reply(200, 0.014, {}), Reply(200, 0.010, {})], 0.024),
    )
    busy = report.Measured("duplicate check, 8 client(s)", Run(8, [api(0.1, 90, 50)], 0.1), one.raw)
    header, _, row = report.overhead_table([one, busy])
    assert "ranking" in header
    # API 25 ms; raw 12; in the app 21, of which OpenSearch 12, ranking 2, dump 0.5, rest 6.5;
    # 4 ms outside the app.
    assert (
        row
        == "| duplicate check, 1 client(s) | 25.0 | 12.0 | 21.0 | 12.0 | 2.0 | 0.5 | 6.5 | 4.0 |"
    )


def test_the_floor_table_sets_the_api_and_the_passthrough_against_the_raw_p50() -> None:
    from benchmarks.scale.timing import Run

    def run(*seconds: float) -> Run:
        return Run(1, [Reply(200, s, {}) for s in seconds], sum(seconds))

    one = report.Measured(
        "duplicate check, 1 client(s)", run(0.030, 0.026), run(0.010, 0.020), run(0.012, 0.023)
    )
    busy = report.Measured("duplicate check, 8 client(s)", run(0.1), run(0.05))
    header, _, row, *more = report.floor_table([one, busy])
    assert "floor" in header
    assert not more, "only rows with a pass-through run"
    # p50 by nearest rank: raw 10, floor 12, API 26.
    assert row == "| duplicate check, 1 client(s) | 10.0 | 12.0 | 26.0 | 1.20x | 2.60x | 14.0 ms |"


def test_alternating_runs_need_as_many_requests_for_every_target() -> None:
    from benchmarks.scale.timing import Request, run_alternating

    one = Target("http://127.0.0.1:9")
    with pytest.raises(ValueError, match="same number"):
        run_alternating([(one, [Request("GET", "/")]), (one, [])], "unequal")


def test_the_passthrough_finds_each_hit_once_in_order_in_a_search_or_a_multi_search() -> None:
    from benchmarks.scale.passthrough import found_ids

    def hits(*ids: str) -> dict:
        return {"hits": {"hits": [{"_id": i} for i in ids]}}

    assert found_ids(hits("b", "a")) == ["b", "a"]
    assert found_ids({"responses": [hits("c", "a"), hits("a", "d"), {"hits": {"hits": []}}]}) == [
        "c",
        "a",
        "d",
    ]
