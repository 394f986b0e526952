"""End to end in a real headless browser (Debian's chromium driven by Playwright).

Signs in as an official with the keyboard only (Tab, typing, Enter — no clicks), reaches the
back office and signs out; then signs in as a household representative with a printed-slip
code and sees their household and commune. Skipped where there is no browser, except in CI
(env ``CI`` set), where a missing browser fails the run.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "mat-khau-thu-123"  # the factories' password

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_page():
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is absent: install Debian's chromium to run the browser test"
        if os.environ.get("CI"):
            pytest.fail(message + " (required in CI)")
        pytest.skip(message)
    # Playwright's sync API runs an event loop in this thread; Django's ORM would refuse then.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(locale="vi-VN")
        page = context.new_page()
        page.set_default_timeout(15_000)
        yield page
        context.close()
        browser.close()


@pytest.fixture
def people():
    from danchu.accounts import services as account_services
    from danchu.accounts.models import Role
    from danchu.accounts.tests.factories import RoleAssignmentFactory, UserFactory
    from danchu.territory.models import CommuneProfile
    from danchu.territory.tests.factories import HouseholdFactory, ResidentFactory, VillageFactory

    village = VillageFactory(name="Thôn Trung Tâm")
    commune = village.commune
    CommuneProfile.objects.create(commune=commune, phone="0239 3840 123")
    official = UserFactory(username="canbo.e2e")
    RoleAssignmentFactory(user=official, commune=commune, role=Role.COMMUNE_OFFICIAL)
    household = HouseholdFactory(village=village)
    representative = ResidentFactory(household=household, is_representative=True)
    account = account_services.resident_account_for(actor=None, resident=representative)
    _slip, code = account_services.slip_issue(actor=None, user=account)
    return {"commune": commune, "official": official, "household": household, "code": code}


def _tab_to(page, selector: str, limit: int = 40) -> None:
    """Press Tab until ``selector`` has the focus, as a keyboard user would."""
    for _ in range(limit):
        if page.evaluate("s => document.activeElement?.matches(s) ?? false", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} never got the focus with Tab")


def test_sign_in_as_official_and_as_household_representative(live_server, browser_page, people):
    page = browser_page
    base = live_server.url

    page.goto(base + "/quan-ly/")
    assert "/tai-khoan/dang-nhap/" in page.url  # anonymous: the back office sends to sign-in

    # 1. Official, keyboard only: Tab to the fields, type, Enter; no clicks.
    page.goto(base + "/")
    assert page.locator("html").get_attribute("lang") == "vi"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('skip-link')")
    _tab_to(page, "header a[href='/tai-khoan/dang-nhap/']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    _tab_to(page, "input[name=username]")
    page.keyboard.type("canbo.e2e")
    _tab_to(page, "input[name=password]")
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_url(base + "/quan-ly/")
    assert page.locator("h1").inner_text() == "Quản lý"
    assert people["commune"].name in page.content()

    # Sign out, still from the keyboard (the sign-out button is a POST form).
    _tab_to(page, "form[action='/tai-khoan/dang-xuat/'] button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Đăng nhập" in page.locator("header").inner_text()

    # 2. Household representative with the code from the printed slip.
    page.goto(base + "/tai-khoan/phieu/")
    page.fill("input[name=code]", people["code"])
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()
    page.get_by_role("link", name="Hộ của tôi").first.click()
    page.wait_for_url(base + "/ho-cua-toi/")
    main = page.locator("main").inner_text()
    assert people["household"].code in main
    assert people["commune"].name in main
    assert "Thôn Trung Tâm" in main
