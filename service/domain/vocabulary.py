"""The closed vocabularies of the person model."""

TITLES = ("Dr", "Master", "Miss", "Mr", "Mrs", "Ms", "Mx", "Other", "Rabbi", "Reverend")

PERSON_TYPES = (
    "Tenant",
    "HouseholdMember",
    "Leaseholder",
    "Freeholder",
    "Occupant",
    "HousingOfficer",
    "HousingAreaManager",
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
REQUIRED_FIELDS = ("firstName", "surname", "personTypes")
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
