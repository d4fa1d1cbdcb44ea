"""Named search and match cases: the right person first among realistic distractors."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from service.matching import model
from tests.integration.people import person_body

MARE_STREET = {"fullAddress": "14 Mare Street, London", "postcode": "E8 1AB"}

# key -> overrides of the default person body
PEOPLE: dict[str, dict[str, Any]] = {
    "robert": {
        "firstName": "Robert",
        "surname": "Smith",
        "dateOfBirth": "1984-03-05",
        "nationalInsuranceNo": "AB123456C",
        "addresses": [MARE_STREET],
        "title": "Mr",
    },
    "roberta": {
        "firstName": "Roberta",
        "surname": "Smith",
        "dateOfBirth": "1986-07-20",
        "nationalInsuranceNo": "CE111111A",
        "addresses": [MARE_STREET],
    },
    "robert_smyth": {
        "firstName": "Robert",
        "surname": "Smyth",
        "dateOfBirth": "1962-11-30",
        "nationalInsuranceNo": "JH222222B",
        "title": "Mr",
    },
    "rob_smithers": {
        "firstName": "Rob",
        "surname": "Smithers",
        "dateOfBirth": "1984-03-05",
        "nationalInsuranceNo": None,
        "title": "Mr",
    },
    "siobhan": {
        "firstName": "Siobhan",
        "surname": "O'Brien",
        "dateOfBirth": "1990-12-01",
        "nationalInsuranceNo": "KL333333C",
    },
    "siobhan_brien": {
        "firstName": "Siobhan",
        "surname": "Brien",
        "dateOfBirth": "1991-01-12",
        "nationalInsuranceNo": None,
    },
    "elizabeth": {
        "firstName": "Elizabeth",
        "surname": "Taylor",
        "dateOfBirth": "1975-06-09",
        "nationalInsuranceNo": "MP444444D",
    },
    "eliza": {
        "firstName": "Eliza",
        "surname": "Tyler",
        "dateOfBirth": "1975-06-09",
        "nationalInsuranceNo": None,
    },
    "mohammed": {
        "firstName": "Mohammed",
        "surname": "Khan",
        "dateOfBirth": "1980-01-02",
        "nationalInsuranceNo": "SW555555A",
        "title": "Mr",
    },
    "mohammed_younger": {
        "firstName": "Mohammed",
        "surname": "Khan",
        "dateOfBirth": "1995-08-17",
        "nationalInsuranceNo": "TY666666B",
        "title": "Mr",
        "personTypes": ["Leaseholder"],
    },
    "muhammad_kahn": {
        "firstName": "Muhammad",
        "surname": "Kahn",
        "dateOfBirth": "1980-02-01",
        "nationalInsuranceNo": None,
        "title": "Mr",
    },
    "zoe": {
        "firstName": "Zoë",
        "surname": "García-López",
        "dateOfBirth": "2001-04-05",
        "nationalInsuranceNo": "WR777777C",
    },
    "zoe_garcia": {
        "firstName": "Zoe",
        "surname": "Garcia",
        "dateOfBirth": "1999-04-05",
        "nationalInsuranceNo": None,
    },
    "kwame": {
        "firstName": "Kwame",
        "surname": "Mensah",
        "dateOfBirth": "1958-10-10",
        "nationalInsuranceNo": "AB987654A",
        "title": "Mr",
        "crossReferences": [{"system": "housing", "reference": "H-77"}],
    },
    "kwame_other": {
        "firstName": "Kwame",
        "surname": "Mensa",
        "dateOfBirth": "1960-02-14",
        "nationalInsuranceNo": None,
        "title": "Mr",
    },
    "jan": {
        "firstName": "Jan",
        "surname": "Kowalski",
        "dateOfBirth": "1970-05-06",
        "nationalInsuranceNo": None,
        "title": "Mr",
    },
    "jan_nowak": {
        "firstName": "Jan",
        "surname": "Nowak",
        "dateOfBirth": "1982-05-06",
        "nationalInsuranceNo": None,
        "title": "Mr",
    },
    "margaret": {
        "firstName": "Margaret",
        "surname": "Jones",
        "dateOfBirth": "1930-01-01",
        "dateOfDeath": "2020-01-01",
        "nationalInsuranceNo": None,
        "title": "Mrs",
    },
    "thanh": {
        "firstName": "Thanh",
        "surname": "Nguyen",
        "dateOfBirth": "1988-09-09",
        "nationalInsuranceNo": None,
        "title": "Mr",
    },
    "thanh_tran": {
        "firstName": "Thanh",
        "surname": "Tran",
        "dateOfBirth": "1987-09-09",
        "nationalInsuranceNo": None,
        "title": "Mr",
    },
    "george": {
        "firstName": "George",
        "middleName": "Harry",
        "surname": "O'Connor",
        "dateOfBirth": "1989-06-02",
        "nationalInsuranceNo": None,
        "title": "Mr",
    },
    "george_no_middle_name": {
        "firstName": "George",
        "surname": "O'Connor",
        "dateOfBirth": "1983-12-28",
        "nationalInsuranceNo": None,
        "title": "Mr",
    },
    "fatima": {  # goes by her middle name, Amina
        "firstName": "Fatima",
        "middleName": "Amina",
        "surname": "Begum",
        "dateOfBirth": "1988-02-14",
        "nationalInsuranceNo": None,
    },
    "amina_begum": {
        "firstName": "Amina",
        "surname": "Begum",
        "dateOfBirth": "1979-09-30",
        "nationalInsuranceNo": None,
    },
    "tom_walsh_flat_2": {
        "firstName": "Tom",
        "surname": "Walsh",
        "dateOfBirth": "1993-06-21",
        "nationalInsuranceNo": None,
        "title": "Mr",
        "addresses": [{"fullAddress": "Flat 2, 10 Glyn Road, London", "postcode": "E5 0JD"}],
    },
    "tom_walsh_flat_1": {  # a namesake downstairs
        "firstName": "Tom",
        "surname": "Walsh",
        "dateOfBirth": "1961-11-02",
        "nationalInsuranceNo": None,
        "title": "Mr",
        "addresses": [{"fullAddress": "Flat 1, 10 Glyn Road, London", "postcode": "E5 0JD"}],
    },
}


def load_people(client: FlaskClient, index_all) -> dict[str, str]:
    """Create every person through the API, index them, and return key -> id."""
    ids = {}
    for key, overrides in PEOPLE.items():
        response = client.post("/api/v1/persons", json=person_body(**overrides))
        assert response.status_code == 201, (key, response.get_json())
        ids[key] = response.get_json()["id"]
    index_all()
    return ids


def _first_ids(client: FlaskClient, params: dict[str, str]) -> list[str]:
    response = client.get("/api/v1/persons", query_string=params)
    assert response.status_code == 200, response.get_json()
    return [hit["id"] for hit in response.get_json()["results"]]


SEARCH_CASES: list[tuple[str, dict[str, str], str | None]] = [
    (
        "exact date beats a namesake whose record has no middle name",
        {"firstName": "George", "surname": "O'Connor", "dateOfBirth": "1989-06-02"},
        "george",
    ),
    (
        "date one digit off beats a namesake whose record has no middle name",
        {"firstName": "George", "surname": "O'Connor", "dateOfBirth": "1989-06-03"},
        "george",
    ),
    (
        "date with day and month swapped beats a namesake whose record has no middle name",
        {"firstName": "George", "surname": "O'Connor", "dateOfBirth": "1989-02-06"},
        "george",
    ),
    (
        "exact names and date",
        {"firstName": "Robert", "surname": "Smith", "dateOfBirth": "1984-03-05"},
        "robert",
    ),
    ("nickname Bob for Robert", {"firstName": "Bob", "surname": "Smith"}, "robert"),
    ("surname typo", {"firstName": "Siobhan", "lastName": "O'Brein"}, "siobhan"),
    ("apostrophe left out", {"firstName": "Siobhan", "surname": "OBrien"}, "siobhan"),
    ("accents and hyphen left out", {"firstName": "Zoe", "surname": "Garcia Lopez"}, "zoe"),
    (
        "phonetic spelling with date",
        {"firstName": "Mohamed", "surname": "Khan", "dateOfBirth": "1980-01-02"},
        "mohammed",
    ),
    ("first and last name swapped", {"firstName": "Mensah", "surname": "Kwame"}, "kwame"),
    (
        "date with day and month swapped",
        {"firstName": "Elizabeth", "surname": "Taylor", "dateOfBirth": "1975-09-06"},
        "elizabeth",
    ),
    (
        "date with one digit wrong",
        {"firstName": "Kwame", "surname": "Mensah", "dateOfBirth": "1958-10-19"},
        "kwame",
    ),
    (
        "surname changed on marriage, first name and date of birth agree",
        {"firstName": "Siobhan", "surname": "Whelan", "dateOfBirth": "1990-12-01"},
        "siobhan",
    ),
    (
        "first letter of the first name mistyped, surname and date agree",
        {"firstName": "Lwame", "surname": "Mensah", "dateOfBirth": "1958-10-10"},
        "kwame",
    ),
    ("year of birth only", {"firstName": "Jan", "dateOfBirth": "1970"}, "jan"),
    ("year and month of birth", {"surname": "Khan", "dateOfBirth": "1995-08"}, "mohammed_younger"),
    ("NI number in any case and spacing", {"nationalInsuranceNo": "mp 44 44 44 d"}, "elizabeth"),
    (
        "postcode in any spacing with a surname",
        {"surname": "Smith", "firstName": "Roberta", "postcode": "e81ab"},
        "roberta",
    ),
    ("free text names", {"q": "Thanh Nguyen"}, "thanh"),
    ("free text cross-reference id", {"q": "H-77"}, "kwame"),
    ("free text NI number", {"q": "ab987654a"}, "kwame"),
    ("free text address", {"q": "14 Mare Street"}, None),
    (
        "person type filter",
        {"firstName": "Mohammed", "surname": "Khan", "personType": "Leaseholder"},
        "mohammed_younger",
    ),
    ("deceased left out by default", {"firstName": "Margaret", "surname": "Jones"}, None),
]


def test_named_search_cases_put_the_right_person_first(client: FlaskClient, index_all) -> None:
    ids = load_people(client, index_all)
    failures = []
    for name, params, wanted in SEARCH_CASES:
        found = _first_ids(client, params)
        if name == "free text address":
            ok = set(found[:2]) == {ids["robert"], ids["roberta"]}
        elif wanted is None:
            ok = ids["margaret"] not in found
        else:
            ok = bool(found) and found[0] == ids[wanted]
        if not ok:
            names = {v: k for k, v in ids.items()}
            failures.append(f"{name}: got {[names[i] for i in found[:3]]}")
    assert not failures, failures
    deceased = _first_ids(
        client, {"firstName": "Margaret", "surname": "Jones", "includeDeceased": "true"}
    )
    assert deceased[:1] == [ids["margaret"]]


MATCH_CASES: list[tuple[str, dict[str, Any], str, str, tuple[str, str]]] = [
    (
        "nickname with exact date",
        {"firstName": "Bob", "surname": "Smith", "dateOfBirth": "1984-03-05"},
        "robert",
        "certain",
        ("firstName", "nickname"),
    ),
    (
        "swapped names",
        {"firstName": "Mensah", "surname": "Kwame", "dateOfBirth": "1958-10-10"},
        "kwame",
        "certain",
        ("swappedNames", "swapped"),
    ),
    (
        "day and month swapped",
        {"firstName": "Elizabeth", "surname": "Taylor", "dateOfBirth": "1975-09-06"},
        "elizabeth",
        "certain",
        ("dateOfBirth", "swapped"),
    ),
    (
        "NI number exact",
        {"surname": "Khan", "nationalInsuranceNo": "sw 55 55 55 a"},
        "mohammed",
        "certain",
        ("nationalInsuranceNo", "exact"),
    ),
    (
        "surname typo",
        {"firstName": "Siobhan", "surname": "O'Brein", "dateOfBirth": "1990-12-01"},
        "siobhan",
        "certain",
        ("surname", "typo"),
    ),
    (
        "phonetic first name, namesake distractor",
        {"firstName": "Muhamad", "surname": "Khan", "dateOfBirth": "1995-08-17"},
        "mohammed_younger",
        "certain",
        ("dateOfBirth", "exact"),
    ),
    (
        "digit typo in the date",
        {"firstName": "Kwame", "surname": "Mensah", "dateOfBirth": "1958-10-19"},
        "kwame",
        "probable",
        ("dateOfBirth", "typo"),
    ),
    (
        "household member by address",
        {"firstName": "Roberta", "surname": "Smith", "addresses": [MARE_STREET]},
        "roberta",
        "probable",
        ("surnameAndAddress", "exact"),
    ),
    (
        "names only",
        {"firstName": "Thanh", "surname": "Nguyen"},
        "thanh",
        "possible",
        ("surname", "exact"),
    ),
    (
        "initial only for the first name",
        {"firstName": "R", "surname": "Smith", "dateOfBirth": "1984-03-05"},
        "robert",
        "certain",
        ("firstName", "initial"),
    ),
    (
        "one part of a double-barrelled surname",
        {"firstName": "Zoe", "surname": "Lopez", "dateOfBirth": "2001-04-05"},
        "zoe",
        "certain",
        ("surname", "partial"),
    ),
    (
        "middle name used as the first name, namesake distractor",
        {"firstName": "Amina", "surname": "Begum", "dateOfBirth": "1988-02-14"},
        "fatima",
        "certain",
        ("firstName", "exact"),
    ),
    (
        "NI digit typo, no date of birth: never certain",
        {"firstName": "Elizabeth", "surname": "Taylor", "nationalInsuranceNo": "MP444454D"},
        "elizabeth",
        "probable",
        ("nationalInsuranceNo", "typo"),
    ),
    (
        "flat written as a letter, street abbreviated, namesake next door",
        {"firstName": "Tom", "surname": "Walsh", "address": "10b Glyn Rd", "postcode": "E5 0JD"},
        "tom_walsh_flat_2",
        "probable",
        ("surnameAndAddress", "exact"),
    ),
]


def test_named_match_cases_rank_grade_and_explain(client: FlaskClient, index_all) -> None:
    ids = load_people(client, index_all)
    names = {v: k for k, v in ids.items()}
    failures = []
    for name, body, wanted, grade, reason in MATCH_CASES:
        response = client.post("/api/v1/persons/matches", json=body)
        assert response.status_code == 200, (name, response.get_json())
        results = response.get_json()["results"]
        top = results[0] if results else None
        got = (names[top["person"]["id"]], top["grade"]) if top else None
        reasons = {(r["field"], r["agreement"]) for r in top["reasons"]} if top else set()
        if got != (wanted, grade) or reason not in reasons:
            failures.append(f"{name}: got {got} {sorted(reasons)}")
        scores = [r["score"] for r in results]
        assert scores == sorted(scores, reverse=True) and all(0 <= s <= 1 for s in scores)
    assert not failures, failures


def test_relatives_at_the_same_address_are_at_most_possible(client: FlaskClient, index_all) -> None:
    """Robert and Roberta Smith share an address. The surname and the address agree for relatives
    anyway, so they are weighed as one surnameAndAddress reason, not summed as if independent."""
    ids = load_people(client, index_all)

    def grades(body: dict[str, Any]) -> dict[str, str]:
        response = client.post("/api/v1/persons/matches", json=body)
        assert response.status_code == 200, response.get_json()
        return {r["person"]["id"]: r["grade"] for r in response.get_json()["results"]}

    # A sister with another first name and no date of birth: below the model's `possible`
    # threshold (it was `possible` when the two were summed), still answered as a weak `possible`
    # as she shares the household, and left out when a caller asks for probable or better.
    sister_body = {"firstName": "Mary", "surname": "Smith", "addresses": [MARE_STREET]}
    sister = client.post("/api/v1/persons/matches", json=sister_body).get_json()["results"]
    weak = {
        r["person"]["id"]: r for r in sister if r["person"]["id"] in (ids["robert"], ids["roberta"])
    }
    assert set(weak) == {ids["robert"], ids["roberta"]}
    assert {r["grade"] for r in weak.values()} == {"possible"}
    assert all(r["score"] < model.POSSIBLE for r in weak.values())
    probable = client.post("/api/v1/persons/matches?minGrade=probable", json=sister_body)
    assert not {r["person"]["id"] for r in probable.get_json()["results"]} & set(weak)
    # A father of the same name at the address, another date of birth: `possible` (was `probable`).
    father = grades(
        {
            "firstName": "Robert",
            "surname": "Smith",
            "dateOfBirth": "1958-10-01",
            "addresses": [MARE_STREET],
        }
    )
    assert father[ids["robert"]] == "possible"
