"""The staff pages through Flask's test client against the real servers: forms, sign-in, CSRF,
the duplicate warning and version conflicts."""

from __future__ import annotations

import html
import re
from dataclasses import replace

from flask import Flask
from flask.testing import FlaskClient

from service.app import create_app
from service.config import Settings
from tests.integration.auth import bearer
from tests.integration.people import person_body
from tests.integration.staff_helpers import SIOBHAN, csrf_token, form_of, store

READ_ONLY = {"Authorization": bearer(["person-index-read"], subject="reader@example.council")}


def _text(response) -> str:  # type: ignore[no-untyped-def]
    return html.unescape(response.text)


def _first_page(client: FlaskClient, query: str) -> str:
    page = client.get(f"/staff/?{query}")
    assert page.status_code == 200
    return page.text


def test_a_search_for_shivaun_oduy_finds_siobhan_oduya_on_the_first_page(
    client: FlaskClient, index_all
) -> None:
    stored = store(client, SIOBHAN)
    index_all()
    page = _first_page(client, "firstName=Shivaun&lastName=Oduy")
    assert f'href="/staff/people/{stored["id"]}"' in page


def test_results_show_name_dob_address_types_and_why_in_words(
    client: FlaskClient, index_all
) -> None:
    stored = store(client, SIOBHAN)
    store(client, person_body(firstName="Sean", surname="Oduya", dateOfBirth="1990-01-02"))
    index_all()
    page = _first_page(client, "firstName=Sioban&lastName=Oduy")
    text = html.unescape(page)
    assert f'href="/staff/people/{stored["id"]}"' in page
    assert "Ms Siobhan Oduya" in text
    assert "14 June 1979" in text
    assert "Flat 3, 12 Mare Street, London; E8 1HE" in text
    assert "Tenant" in text
    assert "first name spelt like Siobhan" in text and "last name spelt like Oduya" in text
    assert "Sean Oduya" not in text  # a surname alone does not match a search for both names


def test_search_with_a_partial_date_and_reasons_in_words(client: FlaskClient, index_all) -> None:
    store(client, person_body(firstName="Robert", surname="Haskett", dateOfBirth="1961-04-03"))
    index_all()
    text = _text(
        client.get(
            "/staff/?firstName=Bob&lastName=Haskett"
            "&dateOfBirth-day=4&dateOfBirth-month=3&dateOfBirth-year=1961"
        )
    )
    assert "nickname of Robert" in text
    assert "date of birth with day and month swapped" in text
    by_year = _text(client.get("/staff/?lastName=Haskett&dateOfBirth-year=1961"))
    assert "1 resident found" in by_year
    assert "same year of birth" in by_year


def test_search_errors_come_back_field_by_field(client: FlaskClient) -> None:
    first_visit = _text(client.get("/staff/"))
    assert "Find a resident" in first_visit and "There is a problem" not in first_visit
    nothing = _text(client.get("/staff/?firstName=&lastName="))
    assert "Enter at least one detail to search for" in nothing
    page = client.get("/staff/?lastName=Oduya&dateOfBirth-day=12&dateOfBirth-year=1980")
    text = _text(page)
    assert "There is a problem" in text
    assert 'href="#dateOfBirth-day"' in page.text
    assert "Date of birth must include a month" in text
    future = _text(client.get("/staff/?lastName=Oduya&dateOfBirth-year=2999"))
    assert "Date of birth" in future and "There is a problem" in future
    assert "Oduya" in future  # typed values are shown again


def _link(page: str, kind: str) -> str:
    """The href of the pagination's "previous" or "next" link."""
    return html.unescape(
        page.split(f'class="govuk-pagination__{kind}"')[1].split('href="')[1].split('"')[0]
    )


def _names(page: str) -> set[str]:
    return {word for word in html.unescape(page).split() if word.startswith("Ann")}


def test_results_page_through_with_the_signed_cursor_and_back(
    client: FlaskClient, index_all, settings: Settings
) -> None:
    for number in range(10):
        store(client, person_body(firstName=f"Ann{chr(97 + number)}", surname="Pagewell"))
    index_all()
    small_pages = create_app(replace(settings, default_page_size=4))
    small_pages.test_client_class = type(client)  # signed in with every role, like `client`
    client = small_pages.test_client()
    first = client.get("/staff/?lastName=Pagewell").text
    assert "10 residents found" in first and "Showing 1 to 4" in first
    assert "govuk-pagination__prev" not in first
    second = client.get(_link(first, "next")).text
    third = client.get(_link(second, "next")).text
    assert "Showing 9 to 10" in third and "govuk-pagination__next" not in third
    seen = [_names(first), _names(second), _names(third)]
    assert sum(len(names) for names in seen) == 10 and len(set.union(*seen)) == 10
    back_to_second = client.get(_link(third, "prev")).text
    assert "Showing 5 to 8" in back_to_second and "Page 2" in third
    assert _names(back_to_second) == seen[1]
    back_to_first = client.get(_link(back_to_second, "prev")).text
    assert _names(back_to_first) == seen[0] and "Showing 1 to 4" in back_to_first
    assert _link(back_to_second, "next") == _link(second, "next")


def test_a_residents_page_shows_the_record_links_and_history(
    client: FlaskClient, index_all
) -> None:
    body = person_body(
        crossReferences=[
            {"system": "housing", "reference": "TEN-991"},
            {"system": "socialcare", "reference": "SC-77"},
        ],
        tenures=[
            {
                "id": "6f1c5d3e-8b39-4c62-9a55-0f61d8c5f2a1",
                "type": "Secure",
                "startDate": "2020-01-01",
                "assetFullAddress": "12 Mare Street",
            }
        ],
        addresses=[{"fullAddress": "12 Mare Street, London", "postcode": "E8 1HE"}],
    )
    stored = store(client, body)
    version = stored["versionNumber"]
    changed = client.patch(
        f"/api/v1/persons/{stored['id']}",
        json={"surname": "Okafor", "reason": "Married"},
        headers={"If-Match": f'"{version}"'},
    )
    assert changed.status_code == 200
    index_all()  # the history is written from the stream
    text = _text(client.get(f"/staff/people/{stored['id']}"))
    assert "Ms Aisha Okafor" in text
    assert "15 March 1984" in text
    assert "12 Mare Street, London" in text and "Secure" in text and "Active" in text
    assert "TEN-991" in text
    social_care = 'href="https://socialcare.example.council/cases/SC-77"'
    assert social_care in text  # the tester holds the social care group
    reader = client.get(f"/staff/people/{stored['id']}", headers=READ_ONLY).text
    assert "SC-77" in reader and social_care not in reader  # a link only its group may see
    assert "Changed (version 2)" in text and "Created (version 1)" in text
    assert "Last name: Okonkwo → Okafor" in text
    assert "Reason: Married" in text
    assert "by tester@example.council" in text
    assert "Change details" in text


def test_read_users_see_no_add_or_change_buttons_and_may_not_post(
    client: FlaskClient, index_all
) -> None:
    stored = store(client, person_body())
    page = _text(client.get(f"/staff/people/{stored['id']}", headers=READ_ONLY))
    assert "Signed in as <strong>reader@example.council</strong>" in page
    assert "Change details" not in page and "Add a person" not in page
    assert client.get("/staff/people/new", headers=READ_ONLY).status_code == 403
    assert client.get(f"/staff/people/{stored['id']}/edit", headers=READ_ONLY).status_code == 403


def test_without_a_token_the_pages_ask_for_sign_in(app: Flask) -> None:
    bare = FlaskClient(app)  # no Authorization header
    page = bare.get("/staff/")
    assert page.status_code == 401
    assert "You need to sign in" in _text(page)
    assert bare.get("/staff/sign-in").status_code == 404  # no development flag
    bad = bare.get("/staff/", headers={"Authorization": "Bearer not-a-token"})
    assert bad.status_code == 401


def test_pages_carry_a_csp_and_forms_refuse_a_post_without_csrf(client: FlaskClient) -> None:
    page = client.get("/staff/")
    policy = page.headers["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy and "unsafe-inline" not in policy
    nonce = policy.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in page.text
    refused = client.post("/staff/people/new", data={"firstName": "A", "surname": "B"})
    assert refused.status_code == 400
    assert "This form has expired" in _text(refused)


def test_adding_a_person_shows_her_duplicate_before_anything_is_created(
    client: FlaskClient, index_all, settings: Settings
) -> None:
    stored = store(client, SIOBHAN)
    index_all()
    token = csrf_token(client, "/staff/people/new")
    form = {
        "csrf_token": token,
        "title": "Ms",
        "firstName": "Siobhan",
        "surname": "Oduya",
        "dateOfBirth-day": "14",
        "dateOfBirth-month": "6",
        "dateOfBirth-year": "1979",
        "personTypes": ["Tenant"],
        "reason": "New tenancy sign-up",
    }
    warning = client.post("/staff/people/new", data=form)
    text = _text(warning)
    assert warning.status_code == 200
    assert "This person may already be on the record" in text
    assert "Almost certainly the same person" in text
    assert "same date of birth" in text
    assert f'href="/staff/people/{stored["id"]}"' in warning.text  # Use this person
    assert "Use this person" in text and "This is a new person" in text
    index_all()
    found = client.get("/api/v1/persons?firstName=Siobhan&surname=Oduya").get_json()
    assert found["total"] == 1, "nothing may be created before the user decides"

    carried = {
        "decision": "new",
        "candidate": [str(stored["personRef"])],
        **{key: value for key, value in form.items()},
    }
    created = client.post("/staff/people/new", data=carried)
    assert created.status_code == 302
    new_id = created.headers["Location"].rsplit("/", 1)[1]
    person = client.get(f"/api/v1/persons/{new_id}").get_json()
    assert person["lastModifiedBy"] == "tester@example.council"
    assert person["reason"].startswith("New tenancy sign-up [Duplicate warning overridden by ")
    assert (
        f"tester@example.council; people shown (personRef): {stored['personRef']}]"
        in (person["reason"])
    )
    shown = _text(client.get(created.headers["Location"]))
    assert "Siobhan Oduya has been added" in shown


def test_add_form_errors_come_back_field_by_field_and_a_clean_add_goes_straight_through(
    client: FlaskClient, index_all
) -> None:
    token = csrf_token(client, "/staff/people/new")
    bad = client.post(
        "/staff/people/new",
        data={
            "csrf_token": token,
            "firstName": "Zebedee",
            "surname": "",
            "dateOfBirth-day": "31",
            "dateOfBirth-month": "2",
            "dateOfBirth-year": "1990",
            "nationalInsuranceNo": "not an NI",
            "reason": "x",
        },
    )
    text = _text(bad)
    assert "There is a problem" in text
    for anchor in ("#surname", "#dateOfBirth-day", "#nationalInsuranceNo", "#personTypes"):
        assert f'href="{anchor}"' in bad.text, anchor
    assert "Enter a last name" in text and "Select at least one person type" in text
    assert 'value="Zebedee"' in bad.text
    good = client.post(
        "/staff/people/new",
        data={
            "csrf_token": token,
            "title": "Mr",
            "firstName": "Zebedee",
            "surname": "Quillfeather",
            "personTypes": ["Leaseholder"],
            "addresses-0-fullAddress": "1 Unique Row, London",
            "addresses-0-postcode": "N1 1AA",
            "addresses-0-isCurrent": "yes",
            "reason": "New leaseholder",
        },
    )
    assert good.status_code == 302  # no one like him: no warning page
    person_id = good.headers["Location"].rsplit("/", 1)[1]
    person = client.get(f"/api/v1/persons/{person_id}").get_json()
    assert person["addresses"][0]["postcode"] == "N1 1AA"
    assert person["reason"] == "New leaseholder"


def _new_person(token: str, **fields: object) -> dict[str, object]:
    """An add form for a resident no one else resembles, with `fields` added."""
    return {
        "csrf_token": token,
        "title": "Mx",
        "firstName": "Perpetua",
        "surname": "Vandersloot",
        "personTypes": ["Tenant"],
        "reason": "New tenancy sign-up",
        **fields,
    }


def test_adding_a_person_with_every_part_stores_them_all(client: FlaskClient) -> None:
    token = csrf_token(client, "/staff/people/new")
    added = client.post(
        "/staff/people/new",
        data=_new_person(
            token,
            preferredTitle="Dr",
            preferredFirstName="Pet",
            placeOfBirth="Leeds",
            communicationRequirements="Large print\nInterpreter",
            **{
                # The first tenure is left empty: the second is stored as the only one.
                "tenures-1-type": "Secure",
                "tenures-1-startDate-day": "1",
                "tenures-1-startDate-month": "4",
                "tenures-1-startDate-year": "2020",
                "tenures-1-assetFullAddress": "4 Kiln Yard, London",
                "tenures-1-uprn": "100021234567",
                "crossReferences-0-system": "housing",
                "crossReferences-0-reference": "HSG-4471",
                "crossReferences-1-system": "socialcare",
                "crossReferences-1-reference": "SC-9001",
                "identifications-0-identificationType": "Passport",
                "identifications-0-value": "123456789",
                "identifications-0-isOriginalDocumentSeen": "yes",
                "languages-0-language": "Welsh",
                "languages-0-isPrimary": "yes",
                "addresses-0-fullAddress": "4 Kiln Yard, London",
                "addresses-0-postcode": "e1 6an",
                "addresses-0-isCurrent": "yes",
                "addresses-1-fullAddress": "9 Old Road, Leeds",
                "addresses-1-postcode": "LS1 4AP",
            },
        ),
    )
    assert added.status_code == 302, _text(added)
    person = client.get(f"/api/v1/persons/{added.headers['Location'].rsplit('/', 1)[1]}")
    stored = person.get_json()
    assert (stored["preferredTitle"], stored["preferredFirstName"]) == ("Dr", "Pet")
    assert stored["placeOfBirth"] == "Leeds"
    assert stored["communicationRequirements"] == ["Large print", "Interpreter"]
    [tenure] = stored["tenures"]
    assert (tenure["type"], tenure["startDate"], tenure["uprn"]) == (
        "Secure",
        "2020-04-01",
        "100021234567",
    )
    assert tenure.get("endDate") is None and tenure["isActive"] is True and tenure["id"]
    assert stored["crossReferences"] == [
        {"system": "housing", "reference": "HSG-4471"},
        {"system": "socialcare", "reference": "SC-9001"},
    ]
    [document] = stored["identifications"]
    assert (document["identificationType"], document["value"]) == ("Passport", "123456789")
    assert document["isOriginalDocumentSeen"] is True
    assert stored["languages"] == [{"language": "Welsh", "isPrimary": True}]
    assert [(a["postcode"], a["isCurrent"]) for a in stored["addresses"]] == [
        ("E1 6AN", True),
        ("LS1 4AP", False),
    ]


def test_errors_in_a_repeated_part_come_back_on_its_own_inputs(
    client: FlaskClient, index_all
) -> None:
    token = csrf_token(client, "/staff/people/new")
    tenure = {
        # The second tenure fieldset: the API's tenures[0], shown on the form's tenures-1.
        "tenures-1-type": "Secure",
        "tenures-1-startDate-day": "1",
        "tenures-1-startDate-month": "4",
        "tenures-1-startDate-year": "2020",
    }
    fields = {
        **tenure,
        "tenures-1-uprn": "12AB",
        "crossReferences-1-system": "housing",
        "crossReferences-1-reference": "has spaces",
        "identifications-0-value": "123456789",
    }
    bad = client.post("/staff/people/new", data=_new_person(token, **fields))
    _assert_errors(
        bad,
        {
            "#tenures-1-uprn": "Tenure 2 UPRN must be 1 to 12 digits",
            "#crossReferences-1-reference": "Cross reference 2 reference in that system must be",
            "#identifications-0-identificationType": "Enter the identification 1 type of document",
        },
    )
    # Each message also stands beside its input, whose typed value is shown again.
    assert 'id="tenures-1-uprn-error"' in bad.text and 'value="12AB"' in bad.text
    assert 'id="crossReferences-1-reference-error"' in bad.text
    assert '<details class="govuk-details" id="tenures" open>' in bad.text
    # Rules over a whole list (checked once every field is valid) name their fieldset too.
    rules = {
        **tenure,
        "tenures-1-endDate-day": "1",
        "tenures-1-endDate-month": "3",
        "tenures-1-endDate-year": "2020",
        "languages-0-language": "Welsh",
        "languages-0-isPrimary": "yes",
        "languages-1-language": "English",
        "languages-1-isPrimary": "yes",
    }
    broken = client.post("/staff/people/new", data=_new_person(token, **rules))
    _assert_errors(
        broken,
        {
            "#tenures-1-endDate-day": "Tenure 2 end date must not be before startDate",
            "#languages": "Languages at most one language may be primary",
        },
    )
    assert 'id="tenures-1-endDate-error"' in broken.text
    index_all()
    found = client.get("/api/v1/persons?firstName=Perpetua&surname=Vandersloot").get_json()
    assert found["total"] == 0


def _assert_errors(page, expected: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    """The page lists each message in its error summary, linked to the input it is about."""
    text = _text(page)
    assert page.status_code == 200 and "There is a problem" in text
    for href, words in expected.items():
        assert f'href="{href}"' in page.text, href
        assert words in text, words


def test_an_edit_changes_preferred_names_place_of_birth_and_date_of_death(
    client: FlaskClient,
) -> None:
    stored = store(
        client, person_body(preferredFirstName="Ash", communicationRequirements=["Braille"])
    )
    path = f"/staff/people/{stored['id']}/edit"
    page = client.get(path).text
    assert re.search(r'id="preferredFirstName"[^>]*value="Ash"', page)
    assert '<details class="govuk-details" id="preferred-name" open>' in page
    token = csrf_token(client, path)
    original = html.unescape(page.split('name="original" value="')[1].split('"')[0])
    form = {
        "csrf_token": token,
        "version": "1",
        "original": original,
        "title": "Ms",
        "firstName": "Aisha",
        "surname": "Okonkwo",
        "dateOfBirth-day": "15",
        "dateOfBirth-month": "3",
        "dateOfBirth-year": "1984",
        "nationalInsuranceNo": "AB123456C",
        "personTypes": ["Tenant"],
        "preferredFirstName": "Aisha",
        "preferredSurname": "Oko",
        "placeOfBirth": "Lagos",
        "communicationRequirements": "Braille",
        "dateOfDeath-day": "2",
        "dateOfDeath-month": "1",
        "dateOfDeath-year": "1980",
        "reason": "Corrections",
    }
    before_birth = client.post(path, data=form)
    _assert_errors(before_birth, {"#dateOfDeath-day": "Date of death must not be before"})
    saved = client.post(path, data={**form, "dateOfDeath-year": "2024"})
    assert saved.status_code == 302
    person = client.get(f"/api/v1/persons/{stored['id']}").get_json()
    assert (person["preferredFirstName"], person["preferredSurname"]) == ("Aisha", "Oko")
    assert (person["placeOfBirth"], person["dateOfDeath"]) == ("Lagos", "2024-01-02")
    assert person["communicationRequirements"] == ["Braille"] and person["versionNumber"] == 2


def test_an_edit_shows_the_persons_lists_and_changes_them_keeping_tenure_ids(
    client: FlaskClient,
) -> None:
    tenures = [
        {"id": "6f1c5d3e-8b39-4c62-9a55-0f61d8c5f2a1", "type": "Secure", "startDate": "2020-01-01"},
        {
            "id": "0b8d5a52-3f0e-4c8e-bb6b-1f1f5a7e9c10",
            "type": "Introductory",
            "startDate": "2019-01-01",
            "endDate": "2019-12-31",
            "uprn": "100023336956",
        },
    ]
    stored = store(
        client,
        person_body(
            tenures=tenures,
            crossReferences=[{"system": "housing", "reference": "TEN-5501"}],
            addresses=[{"fullAddress": "12 Mare Street, London", "postcode": "E8 1HE"}],
            languages=[{"language": "Welsh", "isPrimary": True}],
        ),
    )
    path = f"/staff/people/{stored['id']}/edit"
    page = client.get(path).text
    assert 'name="tenures-slots" value="3"' in page  # two tenures and an empty fieldset
    assert re.search(r'id="tenures-1-uprn"[^>]*value="100023336956"', page)
    unchanged = {**form_of(page, path), "reason": ["Looked only"]}
    assert client.post(path, data=unchanged).status_code == 302
    assert client.get(f"/api/v1/persons/{stored['id']}").get_json()["versionNumber"] == 1
    changed = {
        **unchanged,
        "tenures-0-endDate-day": ["31"],
        "tenures-0-endDate-month": ["3"],
        "tenures-0-endDate-year": ["2024"],
        "crossReferences-1-system": ["socialcare"],
        "crossReferences-1-reference": ["SC-12"],
        "languages-0-language": [""],
        "reason": ["Tenancy ended; social care case"],
    }
    changed.pop("languages-0-isPrimary", None)
    saved = client.post(path, data=changed)
    assert saved.status_code == 302, _text(saved)
    person = client.get(f"/api/v1/persons/{stored['id']}").get_json()
    assert [(t["id"], t.get("endDate")) for t in person["tenures"]] == [
        (tenures[0]["id"], "2024-03-31"),
        (tenures[1]["id"], "2019-12-31"),
    ]
    assert person["crossReferences"] == [
        {"system": "housing", "reference": "TEN-5501"},
        {"system": "socialcare", "reference": "SC-12"},
    ]
    assert not person.get("languages")
    assert person["addresses"][0]["postcode"] == "E8 1HE"


def test_an_edit_on_a_stale_version_shows_what_changed_and_reapplies(
    client: FlaskClient,
) -> None:
    stored = store(client, person_body())
    path = f"/staff/people/{stored['id']}/edit"
    page = client.get(path)
    token = csrf_token(client, path)
    original = html.unescape(page.text.split('name="original" value="')[1].split('"')[0])
    # Someone else changes the surname meanwhile.
    other = client.patch(
        f"/api/v1/persons/{stored['id']}",
        json={"surname": "Okafor", "reason": "Married"},
        headers={"If-Match": '"1"', "Authorization": bearer(subject="colleague@example.council")},
    )
    assert other.status_code == 200
    mine = {
        "csrf_token": token,
        "version": "1",
        "original": original,
        "title": "Ms",
        "firstName": "Aisha",
        "middleName": "Ngozi",
        "surname": "Okonkwo",
        "dateOfBirth-day": "15",
        "dateOfBirth-month": "3",
        "dateOfBirth-year": "1984",
        "nationalInsuranceNo": "AB123456C",
        "personTypes": ["Tenant"],
        "reason": "Middle name added",
    }
    conflict = client.post(path, data=mine)
    text = _text(conflict)
    assert conflict.status_code == 200
    assert "Someone else changed this person while you were editing" in text
    assert "colleague@example.council" in text
    assert "Okonkwo" in text and "Okafor" in text
    assert client.get(f"/api/v1/persons/{stored['id']}").get_json()["middleName"] is None
    # The form now holds their version with my change applied again, at their version.
    assert 'name="version" value="2"' in conflict.text
    assert 'value="Okafor"' in conflict.text and 'value="Ngozi"' in conflict.text
    again = html.unescape(conflict.text.split('name="original" value="')[1].split('"')[0])
    saved = client.post(path, data={**mine, "version": "2", "original": again, "surname": "Okafor"})
    assert saved.status_code == 302
    person = client.get(f"/api/v1/persons/{stored['id']}").get_json()
    assert (person["surname"], person["middleName"], person["versionNumber"]) == (
        "Okafor",
        "Ngozi",
        3,
    )


def test_a_staff_url_that_is_no_page_answers_a_page_not_found(client: FlaskClient) -> None:
    for path in ("/staff/nowhere", "/staff/people/new/extra", "/staff/people/x/y/z"):
        page = client.get(path)
        assert page.status_code == 404, path
        assert page.mimetype == "text/html"
        text = _text(page)
        assert "Page not found" in text and "govuk-template" in text
        assert "Find a resident" in text  # the way back to the service
    assert client.get("/api/v1/nowhere").mimetype == "application/problem+json"


def test_the_development_sign_in_starts_a_session_with_a_role(settings: Settings) -> None:
    app = create_app(replace(settings, staff_dev_signin=True))
    client = app.test_client()
    assert client.get("/staff/").status_code == 302
    token = csrf_token(client, "/staff/sign-in")
    signed = client.post(
        "/staff/sign-in",
        data={"csrf_token": token, "email": "reader@example.council", "role": "read", "next": "/x"},
    )
    assert signed.status_code == 302 and signed.headers["Location"] == "/staff/"
    cookie = signed.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = _text(client.get("/staff/"))
    assert "Signed in as <strong>reader@example.council</strong>" in page
    assert "Add a person" not in page
    token = csrf_token(client, "/staff/")
    assert client.post("/staff/sign-out", data={"csrf_token": token}).status_code == 302
    assert client.get("/staff/").status_code == 302
