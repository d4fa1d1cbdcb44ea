"""`person-index import` against the real servers: report, idempotence, resumption, search."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result
from flask.testing import FlaskClient
from opensearchpy import OpenSearch

from service.cli import main
from service.config import Settings
from service.importing.rows import derived_id
from tests.integration.indexer_helpers import settings_env
from tests.integration.people import person_body
from tests.integration.stored import persons, table_items

URL = "/api/v1/persons"
HOUSING_CSV = (
    "legacyId,title,firstName,surname,dateOfBirth,nationalInsuranceNo,personTypes,"
    "crossReferences,addresses\n"
    'H1,Ms,Zanele,Mbeki,1981-04-02,AB123456C,Tenant,"[{""system"":""housing"",'
    '""reference"":""T-1""}]","[{""fullAddress"":""1 Glyn Road, London"",'
    '""postcode"":""e5 0jh""}]"\n'
    "H2,Mr,Tomasz,Wiśniewski,31/02/1980,,Tenant,,\n"
    'H3,Ms,Imogen,Fairweather,1975-09-30,,Tenant;Leaseholder,"[{""system"":""housing"",'
    '""reference"":""T-1""}]",\n'
    "H4,Dr,Kwabena,Asante,1969-12-01,,Occupant,,\n"
    ",Mr,Nobody,Withoutkey,1990-01-01,,Tenant,,\n"
    'H6,Ms,Oluwaseun,Adeyemi,1992-06-15,,Tenant,"[{""system"":""housing"",'
    '""reference"":""T-API""}]",\n'
)


def _ndjson(*bodies: dict[str, Any] | str) -> str:
    return "".join((b if isinstance(b, str) else json.dumps(b)) + "\n" for b in bodies)


def _run(settings: Settings, *args: str) -> Result:
    result = CliRunner().invoke(
        main, ["import", *args, "--no-progress"], env=settings_env(settings)
    )
    assert result.exit_code == 0, (result.output, result.exc_info)
    return result


def _report(path: Path) -> list[tuple[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return [(line["row"], line["field"]) for line in csv.DictReader(handle)]


def test_a_mixed_import_reports_bad_rows_and_creates_nothing_the_second_time(
    client: FlaskClient, settings: Settings, index_all, tmp_path: Path
) -> None:
    holder = client.post(
        URL, json=person_body(crossReferences=[{"system": "housing", "reference": "T-API"}])
    ).get_json()
    housing = tmp_path / "housing.csv"
    housing.write_text(HOUSING_CSV, encoding="utf-8")
    first = _run(settings, str(housing), "--key-column", "legacyId")
    assert "created: 2, alreadyStored: 0, invalid: 2, refused: 2" in first.output
    report = tmp_path / "housing.csv.report.csv"
    assert _report(report) == [
        ("2", "dateOfBirth"),
        ("3", "crossReferences.0"),  # T-1 went to row 1: reported, never stolen
        ("5", "legacyId"),
        ("6", "crossReferences.0"),  # T-API belongs to a person created through the API
    ]
    for secret in ("Wiśniewski", "1980", "T-1", "T-API", "Fairweather"):
        assert secret not in report.read_text() and secret not in first.output

    benefits = tmp_path / "benefits.ndjson"
    zanele_again = {"id": derived_id("", 0, "legacyId", "H1"), **person_body(firstName="Z")}
    benefits.write_text(
        _ndjson(
            person_body(firstName="Priya", surname="Raman", nationalInsuranceNo="JG103759A"),
            "",
            "{not json",
            person_body(firstName="Priya", surname="Raman", nationalInsuranceNo="JG103759A"),
            person_body(surname=None),
            zanele_again,
        ),
        encoding="utf-8",
    )
    ndjson = _run(settings, str(benefits))
    # Line 4 repeats line 1's content but not its line: a different row, a different person.
    assert "created: 2, alreadyStored: 1, invalid: 2, refused: 0" in ndjson.output
    assert _report(tmp_path / "benefits.ndjson.report.csv") == [("3", "_row"), ("5", "surname")]

    stored = {person["id"]: person for person in persons(settings)}
    assert len(stored) == 5  # the API's holder, 2 from the CSV, 2 from the NDJSON
    assert stored[zanele_again["id"]]["firstName"] == "Zanele"  # an import never overwrites
    refs = [person["personRef"] for person in stored.values()]
    assert len(set(refs)) == 5 and max(refs) == 5
    lookup = {
        i["key"]: i["personId"] for i in table_items(settings, settings.cross_references_table)
    }
    assert lookup == {"housing#T-1": zanele_again["id"], "housing#T-API": holder["id"]}

    for source in (housing, benefits):
        again = _run(
            settings,
            str(source),
            "--restart",
            *(("--key-column", "legacyId") if source == housing else ()),
        )
        assert "created: 0" in again.output
    assert len(persons(settings)) == 5
    assert _report(report)[0] == ("2", "dateOfBirth")  # the rerun's report has the same rows

    index_all()
    zanele = client.get(f"{URL}/{zanele_again['id']}")
    assert zanele.status_code == 200 and zanele.headers["ETag"] == '"1"'
    body = zanele.get_json()
    assert body["nationalInsuranceNo"] == "AB123456C" and body["reason"] == "Bulk import"
    assert body["addresses"][0]["postcode"] == "E5 0JH"
    assert body["lastModifiedBy"] == "person-index import"
    found = client.get(f"{URL}?firstName=Zanele&surname=Mbeki").get_json()
    assert [hit["id"] for hit in found["results"]][:1] == [zanele_again["id"]]
    history = client.get(f"{URL}/{zanele_again['id']}/history").get_json()["entries"]
    assert [(e["event"], e["changedBy"]) for e in history] == [("created", "person-index import")]
    by_ref = client.get(f"{URL}/by-reference/housing/T-1")
    assert by_ref.get_json()["id"] == zanele_again["id"]


def test_an_imported_person_is_stored_as_the_api_stores_it(
    client: FlaskClient, settings: Settings, tmp_path: Path
) -> None:
    body = person_body(
        addresses=[{"fullAddress": "2 Glyn Road, London", "postcode": "E5 0JH"}],
        crossReferences=[{"system": "academy", "reference": "A-9"}],
    )
    created = client.post(URL, json=body).get_json()
    source = tmp_path / "one.ndjson"
    source.write_text(
        _ndjson({**body, "crossReferences": [{"system": "academy", "reference": "A-10"}]}),
        encoding="utf-8",
    )
    _run(settings, str(source), "--changed-by", "tester@example.council")
    by_id = {person["id"]: person for person in persons(settings)}
    api_item = by_id.pop(created["id"])
    (imported,) = by_id.values()
    machine = {"id", "personRef", "createdAt", "lastModified", "crossReferences"}
    assert set(imported) == set(api_item)
    assert {k: v for k, v in imported.items() if k not in machine} == {
        k: v for k, v in api_item.items() if k not in machine
    }
    assert imported["createdAt"] == imported["lastModified"]
    assert imported["personRef"] == api_item["personRef"] + 1


def test_a_stopped_import_resumes_and_stores_every_good_row_once(
    client: FlaskClient, settings: Settings, index_all, search_client: OpenSearch, tmp_path: Path
) -> None:
    lines = ["title,firstName,surname,dateOfBirth,personTypes,crossReferences"]
    for n in range(1, 251):
        dob = "1980-13-01" if n % 50 == 0 else f"19{50 + n % 40}-0{1 + n % 9}-1{n % 10}"
        ref = f'"[{{""system"":""rent"",""reference"":""R{n}""}}]"' if n % 3 == 0 else ""
        lines.append(f"Mx,Name{chr(97 + n % 26)}{n},Surname{n},{dob},Tenant,{ref}")
    source = tmp_path / "rent.csv"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = tmp_path / "rent.csv.report.csv"

    first = _run(settings, str(source), "--limit", "130")
    assert "created: 128, alreadyStored: 0, invalid: 2" in first.output
    assert len(persons(settings)) == 128
    resumed = _run(settings, str(source))
    assert "resuming after row 130" in resumed.output
    assert "created: 245, alreadyStored: 0, invalid: 5, refused: 0" in resumed.output

    # A run stopped mid-chunk (progress saved after row 100, rows 101-150 already written):
    # simulated by rewinding the progress file; the rows written before the stop are skipped.
    progress = report.with_name(report.name + ".progress.json")
    saved = json.loads(progress.read_text())
    progress.write_text(json.dumps({**saved, "lastRow": 100}))
    rerun = _run(settings, str(source))
    assert "resuming after row 100" in rerun.output
    stored = persons(settings)
    assert len(stored) == 245
    assert sorted(int(p["surname"].removeprefix("Surname")) for p in stored) == [
        n for n in range(1, 251) if n % 50
    ]
    assert [row for row, _ in _report(report)] == ["50", "100", "150", "200", "250"]
    assert len({p["personRef"] for p in stored}) == 245

    index_all()
    assert search_client.count(index=settings.opensearch_alias)["count"] == 245
    hits = client.get(f"{URL}?firstName=Namet149&surname=Surname149").get_json()["results"]
    assert hits and (hits[0]["firstName"], hits[0]["surname"]) == ("Namet149", "Surname149")
