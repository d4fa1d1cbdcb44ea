"""The staff pages through Flask's test client against the real servers: forms, sign-in, CSRF,
the duplicate warning and version conflicts."""

from __future__ import annotations

import html
from dataclasses import replace

from flask import Flask
from flask.testing import FlaskClient

from service.app import create_app
from service.config import Settings
from tests.integration.auth import bearer
from tests.integration.people import person_body
from tests.integration.staff_helpers import SIOBHAN, csrf_token, store

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


def test_results_page_through_with_the_signed_cursor(client: FlaskClient, index_all) -> None:
    for number in range(25):
        store(client, person_body(firstName=f"Ann{chr(97 + number)}", surname="Pagewell"))
    index_all()
    first = _text(client.get("/staff/?lastName=Pagewell"))
    assert "25 residents found" in first
    assert "Showing 1 to 20" in first
    next_link = first.split('class="govuk-pagination__next"')[1].split('href="')[1].split('"')[0]
    second = _text(client.get(next_link))
    assert "Showing 21 to 25" in second
    names = {line for line in second.split() if line.startswith("Ann")}
    assert len(names) == 5 and not any(name in first.split() for name in names)
    assert "First page" in second


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
