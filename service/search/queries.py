"""Build OpenSearch queries from search parameters: pure functions, tested without a server.

User text only ever goes into `match`, `multi_match` and `term` queries (never query_string), so
punctuation in the input is harmless. Every scoring clause is named (`_name`) so that `explain`
can say which clauses a hit matched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from service.domain.dirty_values import PARTIAL_DATE, is_real_date
from service.domain.normalise import ONE_EDIT_FROM, TWO_EDITS_FROM, compact_ni
from service.domain.search_document import compact_postcode, date_of_birth_masks, postcode_district

LIVE_ONLY = {"term": {"isDeleted": False}}
SORT = [{"_score": "desc"}, {"id": "asc"}]
NAME_GROUPS = {"firstName": "firstNames", "surname": "surnames"}
# (sub-field, label, boost): how one name is compared, strongest first.
NAME_ANALYSES = (
    ("", "exact", 4.0),
    ("nickname", "nickname", 2.0),
    ("phonetic", "phonetic", 1.5),
    ("bm", "phonetic-bm", 1.0),
    ("edge", "prefix", 1.0),
)
SWAPPED_WEIGHT = 0.6
# Edits a mistyped name may have, by the one rule the matcher's typo level follows too.
# OpenSearch's plain AUTO allows two from 6 letters: at a million persons that rewrite (a walk
# of the term dictionary in every segment) cost a staff search about a fifth of its time and put
# no more right persons first.
NAME_FUZZINESS = f"AUTO:{ONE_EDIT_FROM},{TWO_EDITS_FROM}"


@dataclass(frozen=True)
class SearchParams:
    """What a search or a match asks for; every field optional (the API checks one is given)."""

    first_name: str | None = None
    surname: str | None = None
    date_of_birth: str | None = None  # YYYY, YYYY-MM or YYYY-MM-DD (a real date or not)
    national_insurance_no: str | None = None
    address: str | None = None
    postcode: str | None = None
    q: str | None = None
    person_types: tuple[str, ...] = field(default_factory=tuple)
    include_deceased: bool = False


def _named(kind: str, field_name: str, query: dict[str, Any], name: str) -> dict[str, Any]:
    return {kind: {field_name: {**query, "_name": name}}}


# The comparisons a query term costs little for: a lookup of the term in one field. Fuzzy
# (typo) and prefix matching rewrite to many terms, the Beider-Morse codes are many per name.
CHEAP_NAME_KINDS = frozenset({"exact", "nickname", "phonetic"})
# The duplicate check's query over everything adds typos alone. Prefix and Beider-Morse clauses
# found no duplicate the others missed (FEBRL 1-3 and the own generator gave the same recall
# without them; `benchmarks.clauses` at a million persons: the same recall@1 for about a fifth
# of the query's time); staff search keeps them.
CANDIDATE_NAME_KINDS = CHEAP_NAME_KINDS | {"typo"}


def name_clauses(
    label: str,
    group: str,
    value: str,
    weight: float = 1.0,
    kinds: frozenset[str] | None = None,
) -> list[dict[str, Any]]:
    """Exact, typo, nickname, phonetic and prefix comparisons of one name against a field group
    (only the `kinds` given, when given)."""
    clauses = []
    for sub, kind, boost in NAME_ANALYSES:
        if kind == "nickname" and group != "firstNames":
            continue  # nicknames are of first names only
        target = f"{group}.{sub}" if sub else group
        query = {"query": value, "boost": round(boost * weight, 2)}
        clauses.append(_named("match", target, query, f"{label}:{kind}"))
    typo = {
        "query": value,
        "fuzziness": NAME_FUZZINESS,
        "prefix_length": 1,
        "boost": round(2.0 * weight, 2),
    }
    clauses.insert(1, _named("match", group, typo, f"{label}:typo"))
    if kinds is None:
        return clauses
    return [clause for clause in clauses if _clause_name(clause).rsplit(":", 1)[1] in kinds]


def _clause_name(clause: dict[str, Any]) -> str:
    """The `_name` of a leaf clause (`{kind: {field: {..., _name}}}` or `{kind: {..., _name}}`)."""
    (query,) = clause.values()
    if "_name" in query:
        return query["_name"]
    (arguments,) = query.values()
    return arguments["_name"]


def _either(clauses: list[dict[str, Any]]) -> dict[str, Any]:
    return {"bool": {"should": clauses, "minimum_should_match": 1}}


def name_query(
    label: str,
    value: str,
    own_kinds: frozenset[str] | None = None,
    swapped_kinds: frozenset[str] | None = None,
) -> dict[str, Any]:
    """One name, in its own field group or (weaker) in the other one: swapped names still match.

    `own_kinds` and `swapped_kinds` narrow the comparisons made (all of them when None).
    """
    own = NAME_GROUPS[label]
    other = next(g for g in NAME_GROUPS.values() if g != own)
    return _either(
        name_clauses(label, own, value, kinds=own_kinds)
        + name_clauses(f"{label}:swapped", other, value, SWAPPED_WEIGHT, swapped_kinds)
    )


# Scores of a full date of birth, each flat: a term on the date field and a `terms` query score
# their boost alone, and the swapped form (a keyword) is held to it too, as a keyword term scores
# its boost times its rarity and a swapped form is rarer than any date (at a million persons a
# swap outscored an exact date fourfold). An exact date also shares every one-digit-off form:
# 6 + 8 = 14 in all, against 8 for a date one digit off and 4 for a day/month swap.
DATE_BOOSTS = {"exact": 6.0, "swapped": 4.0, "typo": 8.0}


def _flat_term(field_name: str, value: str, boost: float, name: str) -> dict[str, Any]:
    """A term query scoring its boost alone, however rare the term."""
    term = {"term": {field_name: value}}
    return {"constant_score": {"filter": term, "boost": boost, "_name": name}}


def date_of_birth_clauses(value: str) -> list[dict[str, Any]]:
    """Exact, day/month-swapped and one-digit-typo forms of a full date; partial dates by prefix.

    The value may be dirty (a duplicate check compares 1985-02-30 or 2961-04-03 as given). The
    date-typed `dateOfBirth` field is only ever asked for a real date (OpenSearch refuses the
    request otherwise): a date that is not real is looked for by its keyword forms alone, and by
    its day/month swap when that is a real date (13/04 written month first). Anything that is not
    a YYYY, YYYY-MM or YYYY-MM-DD spelling gives no clause.
    """
    found = PARTIAL_DATE.match(value)
    if not found:
        return []
    year, month, day = found.groups()
    if month is None:
        return [_named("term", "dateOfBirthParts", {"value": f"y:{value}"}, "dateOfBirth:year")]
    if day is None:
        return [
            _named("term", "dateOfBirthParts", {"value": f"ym:{value}"}, "dateOfBirth:yearMonth")
        ]
    clauses = []
    if is_real_date(value):
        exact = {"value": value, "boost": DATE_BOOSTS["exact"]}
        clauses.append(_named("term", "dateOfBirth", exact, "dateOfBirth:exact"))
    if month != day and int(day) <= 12:
        # A record stores `swapped:` + its own date with day and month swapped, so a record whose
        # date is this one swapped holds `swapped:` + this date; it stores none for a day above
        # 12, so a query whose month is above 12 asks for its swap itself.
        swap = f"{year}-{day}-{month}"
        if is_real_date(value) or not is_real_date(swap):
            target, term = "dateOfBirthParts", f"swapped:{value}"
        else:
            target, term = "dateOfBirth", swap
        clauses.append(_flat_term(target, term, DATE_BOOSTS["swapped"], "dateOfBirth:swapped"))
    return [
        *clauses,
        {
            "terms": {
                "dateOfBirthParts": date_of_birth_masks(value),
                "boost": DATE_BOOSTS["typo"],
                "_name": "dateOfBirth:typo",
            }
        },
    ]


def ni_clauses(value: str) -> list[dict[str, Any]]:
    """An NI number exactly (any case or spacing), or its prefix and digits without the suffix."""
    compact = compact_ni(value)
    return [
        _named(
            "term",
            "nationalInsuranceNo",
            {"value": compact, "boost": 5.0},
            "nationalInsuranceNo:exact",
        ),
        _named(
            "term",
            "nationalInsuranceNo.stem",
            {"value": compact[:8], "boost": 3.0},
            "nationalInsuranceNo:withoutSuffix",
        ),
    ]


def postcode_clauses(value: str) -> list[dict[str, Any]]:
    """A postcode exactly (any case or spacing), or only its district (outward code)."""
    return [
        _named(
            "term", "postcodes", {"value": compact_postcode(value), "boost": 2.0}, "postcode:exact"
        ),
        _named(
            "term",
            "postcodeDistricts",
            {"value": postcode_district(value), "boost": 0.5},
            "postcode:district",
        ),
    ]


def address_clauses(value: str) -> list[dict[str, Any]]:
    """Address words, most of which must match."""
    query = {"query": value, "minimum_should_match": "2<75%", "boost": 1.5}
    return [_named("match", "addresses", query, "address:words")]


def free_text_clauses(value: str) -> list[dict[str, Any]]:
    """Free text over names, addresses and references (ids, NI numbers and postcodes exactly)."""
    text_fields = ["firstNames^2", "surnames^2", "addresses"]
    compact = compact_ni(value)
    return [
        {
            "multi_match": {
                "query": value,
                "type": "cross_fields",
                "fields": text_fields,
                "operator": "and",
                "boost": 3.0,
                "_name": "q:words",
            }
        },
        {
            "multi_match": {
                "query": value,
                "type": "best_fields",
                "fields": [*text_fields, "firstNames.phonetic", "surnames.phonetic"],
                "fuzziness": "AUTO",
                "prefix_length": 1,
                "_name": "q:fuzzy",
            }
        },
        _named("term", "referenceIds", {"value": value.strip(), "boost": 10.0}, "q:reference"),
        _named(
            "term",
            "nationalInsuranceNo",
            {"value": compact, "boost": 10.0},
            "q:nationalInsuranceNo",
        ),
        _named("term", "postcodes", {"value": compact_postcode(value), "boost": 3.0}, "q:postcode"),
    ]


def _identifier_clauses(params: SearchParams) -> list[list[dict[str, Any]]]:
    """One group of alternative clauses per non-name criterion given."""
    groups = []
    if params.date_of_birth:
        groups.append(date_of_birth_clauses(params.date_of_birth))
    if params.national_insurance_no:
        groups.append(ni_clauses(params.national_insurance_no))
    if params.postcode:
        groups.append(postcode_clauses(params.postcode))
    if params.address:
        groups.append(address_clauses(params.address))
    return groups


def filters(params: SearchParams) -> list[dict[str, Any]]:
    """Live people only; optionally of some person types; the deceased only when asked for."""
    result: list[dict[str, Any]] = [LIVE_ONLY]
    if params.person_types:
        result.append({"terms": {"personTypes": list(params.person_types)}})
    if not params.include_deceased:
        result.append({"bool": {"must_not": [{"exists": {"field": "dateOfDeath"}}]}})
    return result


def search_query(params: SearchParams) -> dict[str, Any]:
    """The query of a staff search: names and free text must match, the rest raises the score.

    With both names and a full date of birth, one name and the date of birth will do instead of
    both names. With no name and no free text, at least one of the identifiers given must match.
    A name found in the other name's field is compared only in the cheap ways (exact, nickname,
    phonetic): the costly ones there took a third of the query's time at a million persons and
    put no more right persons first.
    """
    must = [
        name_query(label, value, swapped_kinds=CHEAP_NAME_KINDS)
        for label, value in (("firstName", params.first_name), ("surname", params.surname))
        if value
    ]
    names_or_date: dict[str, Any] | None = None
    dob = params.date_of_birth
    if len(must) == 2 and dob and len(dob) == 10 and (born := date_of_birth_clauses(dob)):
        # Both names, or one of them and the date of birth: a surname changed on marriage or a
        # first letter mistyped still finds the person when the date of birth agrees. Held as a
        # filter, so the names score as they always do (in `should`).
        names_or_date = _either(
            [{"bool": {"must": list(must)}}, {"bool": {"must": [_either(born), _either(must)]}}]
        )
    if params.q:
        must.append(_either(free_text_clauses(params.q)))
    identifiers = _identifier_clauses(params)
    should = [clause for group in identifiers for clause in group]
    query: dict[str, Any] = {"filter": filters(params)}
    if names_or_date is not None:
        query["filter"].append(names_or_date)
        query["should"] = must + should
    elif must:
        query["must"] = must
        if should:
            query["should"] = should
    else:
        query["must"] = [_either(should)]
    return {"bool": query}


def search_body(
    params: SearchParams,
    page_size: int,
    search_after: list[Any] | None = None,
) -> dict[str, Any]:
    """The full request body of one page of a search, after the last hit of the previous one."""
    body: dict[str, Any] = {
        "size": page_size,
        "track_total_hits": True,
        "query": search_query(params),
        "sort": SORT,
    }
    if search_after:
        body["search_after"] = search_after
    return body


# Places a duplicate check gives to candidates held to each identifying criterion (see
# `candidate_bodies`); the query over everything gets the rest.
BLOCK_SIZES = {"dateOfBirth": 10, "address": 10, "nationalInsuranceNo": 5}


def _names(
    params: SearchParams,
    own_kinds: frozenset[str] | None = None,
    swapped_kinds: frozenset[str] | None = None,
) -> list[dict[str, Any]]:
    return [
        clause
        for label, value in (("firstName", params.first_name), ("surname", params.surname))
        if value
        for clause in name_query(label, value, own_kinds, swapped_kinds)["bool"]["should"]
    ]


# Identifier clauses the query over everything leaves out. Too many people share a postcode
# district. Address words are left to the place query: common words ("road", "flat", "1") have
# posting lists of a large part of the register, and at a million persons they cost the query
# over everything half its time (47 -> 27 ms at p50) while recall@1 held (0.989 -> 0.992).
_NOT_IN_ANY = frozenset({"postcode:district", "address:words"})


def _candidate_identifiers(params: SearchParams) -> list[dict[str, Any]]:
    """The identifiers given, but those `_NOT_IN_ANY`."""
    return [
        clause
        for group in _identifier_clauses(params)
        for clause in group
        if _clause_name(clause) not in _NOT_IN_ANY
    ]


def _place_clauses(params: SearchParams) -> list[dict[str, Any]]:
    """The postcode when given (a handful of households share one); otherwise the address words,
    half of which must agree (an address written any way, with no postcode field)."""
    if params.postcode:
        return [postcode_clauses(params.postcode)[0]]
    if params.address:
        loose = {"query": params.address, "minimum_should_match": "2<50%", "boost": 1.5}
        return [_named("match", "addresses", loose, "address:words")]
    return []


def _candidates(
    params: SearchParams,
    size: int,
    should: list[dict[str, Any]],
    required: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Best `size` first by score alone, no total: OpenSearch may then skip every document that
    can no longer reach the top (a tie-breaking sort or a hit count would make it score them)."""
    query: dict[str, Any] = {"filter": filters(params), "should": should}
    if required:
        query["must"] = [_either(required)]
    else:
        query["minimum_should_match"] = 1
    return {"size": size, "query": {"bool": query}, "track_total_hits": False}


def candidate_bodies(params: SearchParams, size: int) -> dict[str, dict[str, Any]]:
    """The candidate queries of a duplicate check, sent together in one multi-search.

    `any`: anything sharing a name form, a date form, an NI number or a postcode, best first.
    Then one query held to each identifying criterion given (a full date of birth, one digit off
    or swapped included; the postcode, or the address words without one; the NI number), ranked
    inside by the rest: a record that shares a date of birth or an address has places of its
    own, however many namesakes outscore it on names in `any`.

    Cost decides the clauses (the model ranks the candidates afterwards, so these only have to
    find them): typo comparisons only in `any` and only for names in their own fields, no prefix
    or Beider-Morse comparisons; the held queries rank by the cheap name comparisons alone.
    """
    names = _names(params, CANDIDATE_NAME_KINDS, CHEAP_NAME_KINDS)
    cheap_names = _names(params, CHEAP_NAME_KINDS, CHEAP_NAME_KINDS)
    bodies = {"any": _candidates(params, size, names + _candidate_identifiers(params))}
    dob = params.date_of_birth
    dob_clauses = date_of_birth_clauses(dob) if dob and len(dob) == 10 else []
    place = _place_clauses(params)
    ni = ni_clauses(params.national_insurance_no) if params.national_insurance_no else []
    if dob_clauses:
        bodies["dateOfBirth"] = _candidates(
            params, BLOCK_SIZES["dateOfBirth"], cheap_names + place, dob_clauses
        )
    if place:
        bodies["address"] = _candidates(
            params, BLOCK_SIZES["address"], cheap_names + dob_clauses, place
        )
    if ni:
        bodies["nationalInsuranceNo"] = _candidates(
            params, BLOCK_SIZES["nationalInsuranceNo"], cheap_names + dob_clauses, ni
        )
    return bodies
