"""Link targets from configuration, and which links a person gets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from service.auth import Caller
from service.config import REPO_ROOT, ConfigError, Settings
from service.links import HealthCache, Links, LinksConfigError, LinkTarget, load_targets

TENURES = LinkTarget(
    "Tenures", "tenures", "https://t.example/{reference}", role="read", health_url="http://h/t"
)
CARE = LinkTarget(
    "Case notes",
    "socialcare",
    "https://c.example/{reference}",
    role="read",
    service_area="socialcare",
)
READER = Caller("reader", frozenset(), frozenset({"read"}))
CARE_WORKER = Caller("worker", frozenset(), frozenset({"read"}), frozenset({"socialcare"}))
NOTES = LinkTarget("Notes", "tenures", "https://n.example/notes?ref={reference}")


def test_the_sample_configuration_loads() -> None:
    targets = load_targets(REPO_ROOT / "service" / "links.json")
    assert targets and all("{reference}" in target.url_template for target in targets)


@pytest.mark.parametrize(
    "content",
    [
        "not json",
        '{"links": [{"service": "x"}]}',
        '{"links": [{"service": "x", "system": "s", "urlTemplate": "https://x/no-placeholder"}]}',
    ],
)
def test_an_unusable_configuration_is_refused(tmp_path: Path, content: str) -> None:
    path = tmp_path / "links.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(LinksConfigError):
        load_targets(path)


def test_href_encodes_the_reference() -> None:
    assert TENURES.href("A/B 1?") == "https://t.example/A%2FB%201%3F"


def test_every_target_of_a_system_links_and_down_services_are_left_out() -> None:
    state = {"http://h/t": True}
    health = HealthCache(["http://h/t"], 60, probe=lambda url: state[url])
    links = Links([TENURES, NOTES], health)
    person = {"crossReferences": [{"system": "tenures", "reference": "T1"}]}
    health.refresh()
    assert [link["service"] for link in links.for_person(person, READER)] == ["Tenures", "Notes"]
    state["http://h/t"] = False
    health.refresh()
    assert [link["service"] for link in links.for_person(person, READER)] == ["Notes"]
    assert links.for_person({}, READER) == []
    health.stop()


def test_extended_service_areas_are_configurable() -> None:
    settings = Settings.from_env(
        {"EXTENDED_SERVICE_AREAS": "housing, parking", "JWT_SECRET": "x" * 40}
    )
    assert settings.extended_service_areas == ("housing", "parking")
    assert Settings().extended_max_bytes == 16 * 1024
    with pytest.raises(ConfigError):
        Settings.from_env({"EXTENDED_SERVICE_AREAS": "a b", "JWT_SECRET": "x" * 40})


def test_sample_file_is_valid_json_with_a_links_list() -> None:
    data = json.loads((REPO_ROOT / "service" / "links.json").read_text(encoding="utf-8"))
    assert isinstance(data["links"], list)


def test_a_service_area_link_is_shown_only_to_that_area_and_only_with_the_role() -> None:
    links = Links([TENURES, CARE], HealthCache([], 60, probe=lambda url: True))
    person = {
        "crossReferences": [
            {"system": "tenures", "reference": "T1"},
            {"system": "socialcare", "reference": "C9"},
        ]
    }
    assert [link["service"] for link in links.for_person(person, READER)] == ["Tenures"]
    assert [link["service"] for link in links.for_person(person, CARE_WORKER)] == [
        "Tenures",
        "Case notes",
    ]
    nobody = Caller("x", frozenset(), frozenset(), frozenset({"socialcare"}))
    assert links.for_person(person, nobody) == []
