"""The vocabularies of the person model.

Titles are closed. Person types are configured (`PERSON_TYPES` in service/config.py); the tuple
here is the default: housing's types plus the council's other contacts.
"""

TITLES = ("Dr", "Master", "Miss", "Mr", "Mrs", "Ms", "Mx", "Other", "Rabbi", "Reverend")

PERSON_TYPES = (
    "Tenant",
    "HouseholdMember",
    "Leaseholder",
    "Freeholder",
    "Occupant",
    "HousingOfficer",
    "HousingAreaManager",
    "Landlord",
    "ManagingAgent",
    "TMOContact",
)

# People recorded as council officers need no title.
OFFICER_TYPES = frozenset({"HousingOfficer", "HousingAreaManager"})

OPTIONAL_FIELDS = (
    "title",
    "preferredTitle",
    "middleName",
    "preferredFirstName",
    "preferredMiddleName",
    "preferredSurname",
    "placeOfBirth",
    "dateOfBirth",
    "dateOfDeath",
    "gender",
    "nationality",
    "ethnicity",
    "nationalInsuranceNo",
    "identifications",
    "languages",
    "communicationRequirements",
    "tenures",
    "addresses",
    "crossReferences",
)
LIST_FIELDS = frozenset(
    {
        "identifications",
        "languages",
        "communicationRequirements",
        "tenures",
        "addresses",
        "crossReferences",
    }
)


def canonical(value: str, vocabulary: tuple[str, ...]) -> str | None:
    """The vocabulary's own spelling of `value`, matched without regard to case; None if absent."""
    folded = value.strip().casefold()
    return next((known for known in vocabulary if known.casefold() == folded), None)
