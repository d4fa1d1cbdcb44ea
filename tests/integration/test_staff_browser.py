"""The staff pages in a real browser: Debian's chromium, driven by Playwright, against the app
under gunicorn and the real servers. Each journey is done with the keyboard where a member of
staff would type, every page is checked with axe-core (no serious or critical violations), and
no page may log a script error or a Content-Security-Policy violation.

Set STAFF_SCREENSHOTS=1 to write the README's screenshots to docs/staff/.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask.testing import FlaskClient
from playwright.sync_api import Page, sync_playwright

from devstack.processes import ManagedProcess, free_port, http_ok
from service.config import REPO_ROOT, Settings
from tests.integration.auth import TEST_SECRET
from tests.integration.indexer_helpers import settings_env
from tests.integration.people import person_body
from tests.integration.staff_helpers import SIOBHAN, store

CHROMIUM = Path("/usr/bin/chromium")
GUNICORN = Path(sys.executable).with_name("gunicorn")
# Chromium as root, on a machine whose only network is the loopback.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERIOUS = {"serious", "critical"}

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Debian's chromium (scripts/dev test installs it)"
)


@pytest.fixture
def base_url(settings: Settings, tmp_path: Path) -> Iterator[str]:
    """The app under gunicorn with the development sign-in, on a free port of 127.0.0.1."""
    port = free_port()
    env = {
        **os.environ,
        **settings_env(settings),
        "JWT_SECRET": TEST_SECRET,
        "STAFF_DEV_SIGNIN": "true",
        "WEB_WORKERS": "1",
        "WEB_THREADS": "4",
        "WEB_BIND": f"127.0.0.1:{port}",
        "HOME": str(tmp_path),
    }
    server = ManagedProcess(
        f"staff pages on {port}",
        [str(GUNICORN), "--config", "python:service.gunicorn_conf", "service.app:create_app()"],
        tmp_path / "api.log",
        ready=http_ok(f"http://127.0.0.1:{port}/api/v1/healthcheck"),
        env=env,
        port=port,
    )
    server.start(timeout=60)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def page(base_url: str) -> Iterator[Page]:
    """A fresh browser page; script errors and CSP violations are collected on `page.problems`."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1000, "height": 760}, base_url=base_url)
        opened = context.new_page()
        problems: list[str] = []
        opened.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        opened.on("pageerror", lambda error: problems.append(str(error)))
        opened.problems = problems  # type: ignore[attr-defined]
        try:
            yield opened
        finally:
            browser.close()


@pytest.fixture
def screenshots(tmp_path: Path) -> Path:
    if os.environ.get("STAFF_SCREENSHOTS"):
        folder = REPO_ROOT / "docs" / "staff"
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    return tmp_path


def _accessible(page: Page, name: str) -> None:
    """No serious or critical axe-core violation, and nothing logged as an error."""
    results: Any = Axe().run(page)
    serious = [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']]}"
        for v in results.response["violations"]
        if v["impact"] in SERIOUS
    ]
    assert not serious, f"{name}: {serious}"
    assert not page.problems, f"{name}: {page.problems}"  # type: ignore[attr-defined]


def _shoot(page: Page, folder: Path, name: str) -> None:
    page.screenshot(path=str(folder / f"{name}.png"))


def _sign_in_with_the_keyboard(page: Page, role: str) -> None:
    page.goto("/staff/")
    assert page.url.endswith("/staff/sign-in?next=/staff/?"), page.url
    _accessible(page, "sign-in")
    page.get_by_label("Email address").focus()
    page.keyboard.type("officer@example.council")
    page.keyboard.press("Tab")  # to the first radio
    page.keyboard.press("Space")
    if role == "write":
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url("**/staff/?")
    assert "officer@example.council" in page.inner_text(".staff-signed-in")


def test_find_a_resident_and_open_her_record(
    page: Page, client: FlaskClient, index_all, screenshots: Path
) -> None:
    stored = store(client, SIOBHAN)
    store(client, person_body(firstName="Sean", surname="Oduya", dateOfBirth="1990-01-02"))
    store(client, person_body(firstName="Siobhan", surname="Oduyah", dateOfBirth="1979-06-15"))
    index_all()
    _sign_in_with_the_keyboard(page, "read")
    assert page.get_by_role("link", name="Add a person").count() == 0  # read users add no one
    _accessible(page, "search")
    _shoot(page, screenshots, "search")

    # An empty search: the error summary, as the design system shows it.
    with page.expect_navigation():
        page.get_by_role("button", name="Search").click()
    assert page.get_by_role("alert").inner_text().startswith("There is a problem")
    _accessible(page, "search error")

    page.get_by_label("First name").fill("Sioban")
    page.get_by_label("Last name").fill("Oduy")
    page.get_by_label("Year").fill("1979")
    with page.expect_navigation():
        page.get_by_label("Year").press("Enter")
    results = page.locator(".staff-result")
    assert results.count() == 2
    first = results.nth(0).inner_text()
    assert "Ms Siobhan Oduya" in first and "14 June 1979" in first
    assert "first name spelt like Siobhan" in first and "same year of birth" in first
    _accessible(page, "results")
    _shoot(page, screenshots, "results")

    page.get_by_role("link", name="Ms Siobhan Oduya").first.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/staff/people/{stored['id']}")
    assert page.get_by_role("heading", level=1).inner_text() == "Ms Siobhan Oduya"
    assert "Flat 3, 12 Mare Street, London" in page.inner_text("main")
    assert page.get_by_role("button", name="Change details").count() == 0
    _accessible(page, "person")
    _shoot(page, screenshots, "person")


def test_add_a_person_meets_the_duplicate_warning_then_edit_her(
    page: Page, client: FlaskClient, index_all, screenshots: Path
) -> None:
    stored = store(client, SIOBHAN)
    index_all()
    _sign_in_with_the_keyboard(page, "write")
    with page.expect_navigation():
        page.get_by_role("link", name="Add a person").first.click()
    _accessible(page, "add")
    page.get_by_label("Title", exact=True).select_option("Ms")
    page.get_by_label("First name", exact=True).fill("Siobhan")
    page.get_by_label("Last name", exact=True).fill("Oduya")
    born = page.get_by_role("group", name="Date of birth (optional)")
    born.get_by_label("Day").fill("14")
    born.get_by_label("Month").fill("6")
    born.get_by_label("Year").fill("1979")
    page.get_by_label("Tenant", exact=True).check()
    page.get_by_text("Tenures (optional)").click()  # a closed section of optional parts
    first_tenure = page.get_by_role("group", name="Tenure 1", exact=True)
    first_tenure.get_by_label("Type of tenure").fill("Introductory")
    started = first_tenure.get_by_role("group", name="Start date")
    started.get_by_label("Day").fill("1")
    started.get_by_label("Month").fill("4")
    started.get_by_label("Year").fill("2024")
    _accessible(page, "add with a tenure")
    page.get_by_label("Reason for adding them").fill("New tenancy sign-up")
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()

    assert page.get_by_role("heading", level=1).inner_text() == (
        "This person may already be on the record"
    )
    warning = page.inner_text("main")
    assert "Almost certainly the same person" in warning and "same date of birth" in warning
    _accessible(page, "duplicate warning")
    _shoot(page, screenshots, "duplicate-warning")

    page.get_by_role("button", name="This is a new person").click()
    page.wait_for_url("**/staff/people/*")
    assert page.get_by_role("heading", level=1).inner_text() == "Ms Siobhan Oduya"
    assert "Siobhan Oduya has been added" in page.inner_text("main")
    assert "Introductory" in page.inner_text("main")  # the tenure went through the warning
    assert stored["id"] not in page.url
    _accessible(page, "added person")

    with page.expect_navigation():
        page.get_by_role("button", name="Change details").click()
    _accessible(page, "edit")
    page.get_by_label("Middle name (optional)").fill("Maire")
    page.get_by_label("Reason for the change").fill("Middle name from her passport")
    with page.expect_navigation():
        page.get_by_role("button", name="Save changes").click()
    assert "Your changes have been saved" in page.inner_text("main")
    assert page.get_by_role("heading", level=1).inner_text() == "Ms Siobhan Maire Oduya"
