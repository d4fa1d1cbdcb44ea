from datetime import date

from service.domain.rules import record_errors, tenure_is_active


def test_title_is_required_unless_every_type_is_an_officer_type() -> None:
    assert "title" in record_errors({"personTypes": ["Tenant"]})
    assert "title" in record_errors({"personTypes": ["Tenant", "HousingOfficer"]})
    assert "title" not in record_errors({"personTypes": ["HousingOfficer", "HousingAreaManager"]})
    assert "title" not in record_errors({"title": "Mx", "personTypes": ["Tenant"]})


def test_death_before_birth_is_an_error_on_date_of_death() -> None:
    errors = record_errors(
        {
            "title": "Mr",
            "personTypes": ["Tenant"],
            "dateOfBirth": "1990-01-02",
            "dateOfDeath": "1990-01-01",
        }
    )
    assert list(errors) == ["dateOfDeath"]


def test_only_one_language_may_be_primary() -> None:
    person = {
        "title": "Mr",
        "personTypes": ["Tenant"],
        "languages": [
            {"language": "Welsh", "isPrimary": True},
            {"language": "English", "isPrimary": True},
        ],
    }
    assert list(record_errors(person)) == ["languages"]


def test_tenure_is_active_between_its_dates_inclusive() -> None:
    today = date(2026, 11, 27)
    assert tenure_is_active({"startDate": "2020-01-01"}, today)
    assert tenure_is_active({"startDate": "2020-01-01", "endDate": "2026-11-27"}, today)
    assert not tenure_is_active({"startDate": "2020-01-01", "endDate": "2026-11-26"}, today)
    assert not tenure_is_active({"startDate": "2026-11-28"}, today)
