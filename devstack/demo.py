"""A few hundred plausible demo residents for the local stack (random but repeatable)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

FIRST_NAMES = [
    "Oliver",
    "Amelia",
    "Mohammed",
    "Aisha",
    "Jack",
    "Olivia",
    "Harry",
    "Isla",
    "Kwame",
    "Chloe",
    "Robert",
    "Elizabeth",
    "Siobhan",
    "Dariusz",
    "Zoë",
    "José",
    "Mei",
    "Priya",
    "Tomasz",
    "Fatima",
    "William",
    "Margaret",
    "Chidi",
    "Ayesha",
    "Liam",
    "Sophie",
    "Yusuf",
    "Grace",
    "Daniel",
    "Nkechi",
]
SURNAMES = [
    "Smith",
    "Jones",
    "Williams",
    "Brown",
    "Taylor",
    "Khan",
    "Patel",
    "O'Brien",
    "Nowak",
    "Okonkwo",
    "Kowalski",
    "Nguyen",
    "Ahmed",
    "Murphy",
    "Wilson",
    "Hughes",
    "Begum",
    "Mensah",
    "García",
    "Schmidt",
    "Evans",
    "Ali",
    "Thompson",
    "Campbell",
    "Adeyemi",
    "Walker",
    "Rossi",
]
STREETS = ["Mare Street", "Dalston Lane", "Kingsland Road", "Well Street", "Chatsworth Road"]
TITLES = ["Mr", "Mrs", "Ms", "Miss", "Mx", "Dr"]
PREFIXES = ["AB", "CE", "JH", "KL", "MP", "SW", "TY", "WR"]


def demo_residents(count: int, seed: int = 7) -> Iterator[dict[str, Any]]:
    """Yield `count` valid create bodies."""
    rng = random.Random(seed)
    for number in range(count):
        born = date(1930, 1, 1) + timedelta(days=rng.randrange(0, 365 * 90))
        inward = f"{rng.randint(1, 9)}{rng.choice('ABDEFGHJ')}{rng.choice('LNPQRSTU')}"
        postcode = f"E{rng.randint(1, 9)} {inward}"
        ni_number = f"{rng.choice(PREFIXES)}{rng.randrange(10**6):06d}{'ABCD'[number % 4]}"
        yield {
            "title": rng.choice(TITLES),
            "firstName": rng.choice(FIRST_NAMES),
            "surname": rng.choice(SURNAMES),
            "dateOfBirth": born.isoformat(),
            "nationalInsuranceNo": ni_number,
            "personTypes": [rng.choice(["Tenant", "HouseholdMember", "Leaseholder"])],
            "addresses": [
                {
                    "fullAddress": f"{rng.randint(1, 200)} {rng.choice(STREETS)}, London",
                    "postcode": postcode,
                    "isCurrent": True,
                }
            ],
            "reason": "Demo data",
        }
