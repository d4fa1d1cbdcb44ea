"""The pure parts of `person-index-dev images`: which base, which tag, which build command."""

from __future__ import annotations

from pathlib import Path

import pytest

from devstack.images import (
    build_command,
    build_step,
    cache_dir,
    choose_base,
    debootstrap_command,
    image_tag,
    inputs_digest,
    stale_tags,
)


def _never() -> bool:
    raise AssertionError("the upstream base must not be probed")


def test_auto_takes_the_upstream_base_when_it_is_usable_and_the_local_one_otherwise() -> None:
    assert choose_base("auto", lambda: True) == "upstream"
    assert choose_base("auto", lambda: False) == "local"


def test_an_explicit_preference_is_kept_without_probing_a_registry() -> None:
    assert choose_base("local", _never) == "local"
    assert choose_base("upstream", _never) == "upstream"


def test_an_unknown_preference_is_refused() -> None:
    with pytest.raises(ValueError, match="auto, upstream, local"):
        choose_base("remote", _never)


def test_the_content_tag_is_the_name_and_twelve_hex_digits_of_the_hash() -> None:
    assert image_tag("person-index/api", "0123456789abcdef" * 4) == "person-index/api:0123456789ab"


def test_the_build_command_uses_host_networking_and_passes_build_args_in_a_stable_order() -> None:
    command = build_command(
        "person-index/api:abc",
        Path("/ctx"),
        "Dockerfile",
        {"PYTHON_BASE": "person-index/python-base:bookworm", "A": "1"},
    )
    assert command[:4] == ["docker", "build", "--network", "host"]
    assert command[command.index("--tag") + 1] == "person-index/api:abc"
    assert command[command.index("--file") + 1] == "/ctx/Dockerfile"
    build_args = [command[i + 1] for i, part in enumerate(command) if part == "--build-arg"]
    assert build_args == ["A=1", "PYTHON_BASE=person-index/python-base:bookworm"]
    assert command[-1] == "/ctx"


def test_debootstrap_makes_a_minimal_bookworm_tree_from_the_default_archive() -> None:
    assert debootstrap_command(Path("/tmp/tree")) == [
        "debootstrap",
        "--variant=minbase",
        "bookworm",
        "/tmp/tree",
    ]


def test_build_progress_is_read_from_the_classic_builders_step_lines() -> None:
    assert build_step("Step 3/12 : COPY service ./service") == (3, 12)
    assert build_step(" ---> Running in 0123abcd") is None


def test_the_cache_lives_outside_the_clone_in_the_users_cache_folder() -> None:
    assert cache_dir({"HOME": "/home/ci"}) == Path("/home/ci/.cache/person-index")
    assert cache_dir({"HOME": "/home/ci", "XDG_CACHE_HOME": "/var/cache/ci"}) == Path(
        "/var/cache/ci/person-index"
    )


def test_only_earlier_content_tags_are_stale() -> None:
    tags = ["dev", "3370d15e0f8c", "711f8d28693f", "<none>"]
    assert stale_tags("person-index/api", tags, "person-index/api:3370d15e0f8c") == [
        "person-index/api:711f8d28693f"
    ]


def test_the_digest_changes_with_any_part_or_base_and_not_with_their_order() -> None:
    parts = {"Dockerfile": "a1", "service": "b2"}
    args = {"PYTHON_BASE": "sha256:0001"}
    digest = inputs_digest(parts, args)
    assert digest == inputs_digest(dict(reversed(list(parts.items()))), args)
    assert digest != inputs_digest({**parts, "service": "b3"}, args)
    assert digest != inputs_digest(parts, {"PYTHON_BASE": "sha256:0002"})
    assert digest != inputs_digest({"Dockerfile": "a1", "service=b2": ""}, args)
