"""The quality benchmark's figures and report section (pure)."""

from __future__ import annotations

import random
import re

from benchmarks.quality.generator import ni_number, queries, residents, typo
from benchmarks.quality.metrics import Answer, figures, rank_grades
from benchmarks.quality.report import END, START, write
from service.domain.normalise import normalise_ni


def test_recall_mrr_and_precision_per_grade() -> None:
    answers = [
        Answer("a", [("a", "certain"), ("b", "possible")]),
        Answer("b", [("x", "probable"), ("b", "probable")]),
        Answer("c", [("x", "possible")]),
        Answer(None, [("y", "certain")]),
    ]
    result = figures(answers)
    assert result.recall_at_1 == 1 / 3
    assert result.recall_at_10 == 2 / 3
    assert result.mrr == (1 + 0.5) / 3
    assert result.precision == {"certain": 0.5, "probable": 0.5, "possible": 0.0}
    assert result.graded == {"certain": 2, "probable": 2, "possible": 2}
    assert result.best_precision == {"certain": 0.5, "probable": 0.0, "possible": 0.0}
    assert result.best_graded == {"certain": 2, "probable": 1, "possible": 1}


def test_baseline_grades_by_rank() -> None:
    graded = rank_grades([str(i) for i in range(11)])
    assert [g for _, g in graded] == ["certain", "probable", "probable"] + ["possible"] * 7 + [None]


def test_generated_people_are_valid_and_queries_keep_the_truth() -> None:
    rng = random.Random(1)
    assert all(normalise_ni(ni_number(rng)) for _ in range(500))
    population = residents(200, seed=3)
    assert len(population) == 200 and len({p["key"] for p in population}) == 200
    asked = queries(population, 50, seed=4, absent_share=0.1)
    assert sum(q.key is None for q in asked) == 5
    keys = {p["key"] for p in population}
    assert all(q.key in keys for q in asked if q.key is not None)
    assert all(q.person.get("firstName") and q.person.get("surname") for q in asked)
    assert typo(random.Random(2), "Robert") != "Robert"


def test_report_replaces_only_its_own_section(tmp_path) -> None:
    path = tmp_path / "BENCHMARKS.md"
    path.write_text(
        f"# Benchmarks\n\n## Other\nkept\n\n{START}\nold\n{END}\n\n## Later\nalso kept\n"
    )
    write(path, f"{START}\nnew\n{END}\n")
    text = path.read_text()
    assert "old" not in text and "new" in text
    assert "## Other\nkept" in text and "## Later\nalso kept" in text
    fresh = tmp_path / "NEW.md"
    write(fresh, f"{START}\nfirst\n{END}\n")
    assert fresh.read_text().startswith("# Benchmarks\n\n" + START)


def test_queries_are_deterministic_and_carry_the_new_corruptions_in_valid_forms() -> None:
    population = residents(600, seed=5)
    asked = queries(population, 300, seed=6)
    again = queries(residents(600, seed=5), 300, seed=6)
    assert [q.person for q in asked] == [q.person for q in again]
    labels = {label for q in asked for label in q.corruptions}
    assert {
        "no NI number (source system)",
        "no dateOfBirth (source system)",
        "initial first name",
        "address abbreviated",
        "double-barrelled surname one part",
    } <= labels
    without_ni = sum("nationalInsuranceNo" not in q.person for q in asked)
    assert 0.4 <= without_ni / len(asked) <= 0.7
    for query in asked:
        if "nationalInsuranceNo" in query.person:
            assert normalise_ni(query.person["nationalInsuranceNo"])
        for address in query.person.get("addresses", []):
            if "postcode" in address:
                assert re.fullmatch(r"[A-Z]{1,2}\d{1,2} \d[A-Z]{2}", address["postcode"])
        if "initial first name" in query.corruptions:
            # (then perhaps swapped, or given a typo: "J" as "Ja")
            assert min(len(query.person["firstName"]), len(query.person["surname"])) <= 2
