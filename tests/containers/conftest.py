"""The container suite: the project's images started with testcontainers (see stack.py).

`scripts/dev test` runs it in a pytest run of its own after the main suite, once it has an engine
and the images (`scripts/dev images`). Without an engine every test here is skipped; without the
images they fail, naming the command that builds them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.containers.stack import (
    EngineUnavailable,
    ImagesMissing,
    Stack,
    check_engine,
    running_stack,
)

# testcontainers' reaper (Ryuk) is an image from a registry these machines cannot reach; the
# fixtures remove what they start instead.
os.environ.setdefault("TESTCONTAINERS_RYUK_DISABLED", "true")


@pytest.fixture(scope="session")
def stack() -> Iterator[Stack]:
    try:
        check_engine()
    except EngineUnavailable as exc:
        pytest.skip(str(exc))
    except ImagesMissing as exc:
        pytest.fail(str(exc))
    with running_stack() as running:
        yield running
