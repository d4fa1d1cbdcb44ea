"""Splink's batch deduplication (DuckDB) of the flattened register, as close to the service's
model as Splink's SQL comparisons come.

Comparisons (strongest level first, as `service.matching.compare` orders its own):

- first name: exact (term-frequency adjusted), names swapped, nickname (the name families meet),
  typo (Damerau-Levenshtein 1 or Jaro-Winkler >= 0.92), the other's middle or preferred name,
  sounds alike (metaphone), similar (Jaro-Winkler >= 0.85), initial, different;
- date of birth: exact, day and month swapped, one character, two characters, different;
- NI number: exact, without the suffix letter, one character, different;
- surname and address, in one of two models. `household` (the service's household level): one
  comparison whose levels are the surname exact or close at the same or a similar address, then
  the surname alone, then the address alone; `independent` (Splink's usual person model): a
  surname comparison (exact, names swapped, typo, a part of a double-barrelled name, sounds
  alike, similar) and an address comparison. An address is compared with its postcode (its
  words and numbers read by `compare.address_parts`): same, same with another postcode,
  similar, same postcode, same street, same district.

Training, as Splink's documentation trains a person model: the prior from deterministic rules
(the same NI number; the same names and date of birth), u from random pairs, m by
expectation-maximisation over pairs with the same date of birth and over pairs with the same NI
number. (Pairs with the same names were tried first: relatives at one address fell into the
"match" class and m of a different date of birth came out at 0.25.)
"""

from __future__ import annotations

import logging
import time
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

import duckdb
import pyarrow
import splink
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

# "certain": the service's threshold on the same kind of score (the posterior probability).
from service.matching.model import CERTAIN

TYPO_JARO_WINKLER = 0.92
SIMILAR_JARO_WINKLER = 0.85
U_MAX_PAIRS = 1e7
# The share of true pairs the deterministic rules are taken to find, for the prior.
DETERMINISTIC_RECALL = 0.7

SWAPPED_NAMES = (
    f"jaro_winkler_similarity(first_name_l, surname_r) >= {TYPO_JARO_WINKLER}"
    f" AND jaro_winkler_similarity(surname_l, first_name_r) >= {TYPO_JARO_WINKLER}"
)
NUMBERS_AGREE = (
    "(address_numbers_l IS NULL OR address_numbers_r IS NULL"
    " OR list_has_all(address_numbers_l, address_numbers_r)"
    " OR list_has_all(address_numbers_r, address_numbers_l))"
)


def _typo(column: str) -> cll.ComparisonLevelCreator:
    return cll.Or(
        cll.DamerauLevenshteinLevel(column, 1), cll.JaroWinklerLevel(column, TYPO_JARO_WINKLER)
    ).configure(label_for_charts="typo")


def _first_name() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="first_name",
        comparison_levels=[
            cll.NullLevel("first_name"),
            cll.ExactMatchLevel("first_name", term_frequency_adjustments=True),
            cll.CustomLevel(SWAPPED_NAMES, "names swapped"),
            cll.ArrayIntersectLevel("first_name_family", 1).configure(label_for_charts="nickname"),
            _typo("first_name"),
            cll.CustomLevel(
                "list_contains(other_first_names_r, first_name_l)"
                " OR list_contains(other_first_names_l, first_name_r)",
                "the other's middle or preferred name",
            ),
            cll.ExactMatchLevel("first_name_sound").configure(label_for_charts="sounds alike"),
            cll.JaroWinklerLevel("first_name", SIMILAR_JARO_WINKLER),
            cll.CustomLevel(
                "(length(first_name_l) = 1 AND starts_with(first_name_r, first_name_l))"
                " OR (length(first_name_r) = 1 AND starts_with(first_name_l, first_name_r))",
                "initial",
            ),
            cll.ElseLevel(),
        ],
    )


def _surname() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="surname",
        comparison_levels=[
            cll.NullLevel("surname"),
            cll.ExactMatchLevel("surname", term_frequency_adjustments=True),
            cll.CustomLevel(SWAPPED_NAMES, "names swapped"),
            _typo("surname"),
            cll.ArrayIntersectLevel("surname_parts", 1).configure(label_for_charts="a part"),
            cll.ExactMatchLevel("surname_sound").configure(label_for_charts="sounds alike"),
            cll.JaroWinklerLevel("surname", SIMILAR_JARO_WINKLER),
            cll.ElseLevel(),
        ],
    )


# Levels of the two identifying comparisons, for the `certain` rule (service.matching.model:
# `certain` also needs the date of birth or the NI number to agree).
DOB_LEVELS = ("exact", "swapped", "one character", "two characters", "different")
NI_LEVELS = ("exact", "without suffix", "one character", "different")
IDENTIFYING = {"dob": ("exact", "swapped"), "ni": ("exact", "without suffix")}


def _dob() -> cl.CustomComparison:
    swapped = (
        "substr(dob_l, 1, 4) = substr(dob_r, 1, 4) AND substr(dob_l, 6, 2) = substr(dob_r, 9, 2)"
        " AND substr(dob_l, 9, 2) = substr(dob_r, 6, 2)"
    )
    return cl.CustomComparison(
        output_column_name="dob",
        comparison_levels=[
            cll.NullLevel("dob"),
            cll.ExactMatchLevel("dob"),
            cll.CustomLevel(swapped, "day and month swapped"),
            cll.DamerauLevenshteinLevel("dob", 1),
            cll.DamerauLevenshteinLevel("dob", 2),
            cll.ElseLevel(),
        ],
    )


def _ni() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="ni",
        comparison_levels=[
            cll.NullLevel("ni"),
            cll.ExactMatchLevel("ni"),
            cll.CustomLevel("substr(ni_l, 1, 8) = substr(ni_r, 1, 8)", "without suffix"),
            cll.CustomLevel(
                "damerau_levenshtein(substr(ni_l, 1, 8), substr(ni_r, 1, 8)) <= 1",
                "one character",
            ),
            cll.ElseLevel(),
        ],
    )


# An address's words and numbers agree (a number left out, such as the flat, still agrees).
SAME_ADDRESS = f"address_words_l = address_words_r AND {NUMBERS_AGREE}"
NEAR_ADDRESS = (
    f"(jaro_winkler_similarity(address_words_l, address_words_r) >= 0.9 AND {NUMBERS_AGREE})"
    " OR (address_words_l = address_words_r"
    " AND list_has_any(address_numbers_l, address_numbers_r))"
)
POSTCODE_AGREES = "(postcode_l = postcode_r OR postcode_l IS NULL OR postcode_r IS NULL)"
NO_ADDRESS = (
    "(address_words_l IS NULL OR address_words_r IS NULL)"
    " AND (postcode_l IS NULL OR postcode_r IS NULL)"
)


def _address_levels() -> list[cll.ComparisonLevelCreator]:
    """Address and postcode as one comparison, as the service's address level weighs them."""
    return [
        cll.CustomLevel(f"{SAME_ADDRESS} AND {POSTCODE_AGREES}", "same address"),
        cll.CustomLevel(SAME_ADDRESS, "same address, another postcode"),
        cll.CustomLevel(NEAR_ADDRESS, "similar address"),
        cll.CustomLevel("postcode_l = postcode_r", "same postcode"),
        cll.CustomLevel("address_words_l = address_words_r", "same street"),
        cll.CustomLevel("postcode_district_l = postcode_district_r", "same district"),
    ]


def _address() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="address",
        comparison_levels=[
            cll.CustomLevel(NO_ADDRESS, "no address").configure(is_null_level=True),
            *_address_levels(),
            cll.ElseLevel(),
        ],
    )


SURNAME_CLOSE = (
    f"damerau_levenshtein(surname_l, surname_r) <= 1"
    f" OR jaro_winkler_similarity(surname_l, surname_r) >= {TYPO_JARO_WINKLER}"
    " OR len(list_intersect(surname_parts_l, surname_parts_r)) > 0"
    " OR surname_sound_l = surname_sound_r"
)


def _household() -> cl.CustomComparison:
    """Surname and address as one comparison, as the service's household level weighs them.

    Other people at one address are often relatives with the same surname, so for different
    people the two agree together far more often than their separate u values multiplied say;
    estimated as one comparison, u of "same surname, same address" is counted on random pairs as
    it is. Levels: the surname exact or close at the same or a similar address, then the surname
    alone (exact, term-frequency adjusted, or close), then the address alone.
    """
    surname_agrees = f"(surname_l = surname_r OR {SURNAME_CLOSE})"
    return cl.CustomComparison(
        output_column_name="surname_address",
        comparison_levels=[
            cll.CustomLevel("surname_l IS NULL OR surname_r IS NULL").configure(is_null_level=True),
            cll.CustomLevel(
                f"surname_l = surname_r AND {SAME_ADDRESS} AND {POSTCODE_AGREES}",
                "same surname, same address",
            ),
            cll.CustomLevel(
                f"{surname_agrees} AND ({SAME_ADDRESS} OR {NEAR_ADDRESS})",
                "surname close, same or similar address",
            ),
            cll.ExactMatchLevel("surname", term_frequency_adjustments=True),
            cll.CustomLevel(SURNAME_CLOSE, "surname close"),
            *_address_levels(),
            cll.ElseLevel(),
        ],
    )


# Pairs compared: any pair sharing one of these (the service's candidate queries look for a
# name, a date of birth, an NI number or an address in the same way, with fuzziness).
PREDICTION_BLOCKING = (
    block_on("first_name_sound", "surname_sound"),
    block_on("dob"),
    block_on("substr(ni, 1, 8)"),
    block_on("postcode"),
    block_on("address_key"),
    block_on("surname_sound", "substr(dob, 1, 4)"),
)
TRAINING_BLOCKING = (block_on("dob"), block_on("ni"))
DETERMINISTIC_RULES = (block_on("ni"), block_on("first_name", "surname", "dob"))


def settings(household: bool) -> SettingsCreator:
    """Splink's settings; `household` weighs surname and address as one comparison."""
    names_and_address = [_household()] if household else [_surname(), _address()]
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=[_first_name(), *names_and_address, _dob(), _ni()],
        blocking_rules_to_generate_predictions=list(PREDICTION_BLOCKING),
        retain_matching_columns=True,  # with them come the comparison vectors (gamma_*)
        retain_intermediate_calculation_columns=False,
    )


@dataclass(frozen=True)
class Scored:
    """A pair's match probability, and whether its date of birth or NI number agrees (the
    service's `certain` needs one of them: `model.IDENTIFYING`)."""

    probability: float
    identified: bool


@dataclass(frozen=True)
class Linkage:
    """The pairs Splink scored at or above the lowest threshold asked for (pair in id order),
    how many pairs the blocking rules compared and how many known pairs were among them, and the
    seconds of training (prior, u, m) and of prediction (blocking, scoring, reading out)."""

    scored: dict[tuple[str, str], Scored]
    compared: int
    known_compared: int
    training_seconds: float
    prediction_seconds: float

    def graded(self, threshold: float) -> dict[tuple[str, str], str]:
        """The pairs at or above `threshold`, graded as the service grades: `certain` at CERTAIN
        with an identifying agreement, else `probable`."""
        return {
            pair: "certain" if s.probability >= CERTAIN and s.identified else "probable"
            for pair, s in self.scored.items()
            if s.probability >= threshold
        }


def gamma(levels: tuple[str, ...], level: str) -> int:
    """Splink's comparison vector value of a level: the last (else) level is 0, and upwards."""
    return len(levels) - 1 - levels.index(level)


def identified(gamma_dob: int, gamma_ni: int) -> bool:
    """True when the comparison vector has the date of birth or the NI number agreeing."""
    return gamma_dob in {gamma(DOB_LEVELS, lv) for lv in IDENTIFYING["dob"]} or (
        gamma_ni in {gamma(NI_LEVELS, lv) for lv in IDENTIFYING["ni"]}
    )


def _trained_linker(table: dict[str, list[Any]], household: bool, seed: int) -> Linker:
    db_api = DuckDBAPI(duckdb.connect())
    register = db_api.register(table, table_name="register")
    linker = Linker(register, settings(household), log_level=logging.WARNING)
    linker.training.estimate_probability_two_random_records_match(
        list(DETERMINISTIC_RULES), recall=DETERMINISTIC_RECALL
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=U_MAX_PAIRS, seed=seed)
    for rule in TRAINING_BLOCKING:
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    return linker


def _known_compared(blocked: duckdb.DuckDBPyRelation, truth: Collection[tuple[str, str]]) -> int:
    """How many known pairs the blocking rules compared."""
    known = pyarrow.table({"a": [a for a, _ in truth], "b": [b for _, b in truth]})
    [(count,)] = blocked.query(
        "blocked",
        "SELECT count(*) FROM known JOIN blocked"
        " ON (a = join_key_l AND b = join_key_r) OR (a = join_key_r AND b = join_key_l)",
    ).fetchall()
    del known
    return count


def link(
    table: dict[str, list[Any]],
    truth: Collection[tuple[str, str]],
    household: bool,
    threshold: float,
    seed: int,
) -> Linkage:
    """Train the model on the table (prior, u, m), score every blocked pair and keep those at
    `threshold` or above; `truth` (pairs in id order) only counts the known pairs the blocking
    rules compared, after the timing."""
    started = time.perf_counter()
    linker = _trained_linker(table, household, seed)
    trained = time.perf_counter()
    blocked = linker.inference.compute_blocked_pairs_for_predict().as_duckdbpyrelation()
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    rows = (
        predictions.as_duckdbpyrelation()
        .select("unique_id_l, unique_id_r, match_probability, gamma_dob, gamma_ni")
        .fetchall()
    )
    scored = {
        (left, right) if left < right else (right, left): Scored(probability, identified(dob, ni))
        for left, right, probability, dob, ni in rows
    }
    predicted = time.perf_counter()
    [(compared,)] = blocked.count("*").fetchall()
    return Linkage(
        scored=scored,
        compared=compared,
        known_compared=_known_compared(blocked, truth),
        training_seconds=trained - started,
        prediction_seconds=predicted - trained,
    )


def splink_version() -> str:
    return splink.__version__
