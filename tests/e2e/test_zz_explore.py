import re
from playwright.sync_api import expect
from tests.e2e.conftest import PHONE, DESKTOP
from tests.e2e.test_sign_in_journeys import sign_in

def test_explore(browsing):
    page = browsing.page(PHONE)
    sign_in(page, "approver")
    page.locator("button.menu-toggle").click()
    page.screenshot(path="/tmp/pranata-explore/phone-menu-open.png")
    page.locator("header button[name=lang][value=en]").click()
    print("after lang url:", page.url)
    page.goto("/units")
    page.locator("#content ul.tree li a[href$='/structure']").first.click()
    print(page.url, page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]"))
    page.screenshot(path="/tmp/pranata-explore/phone-structure.png", full_page=True)
    page.pdf if False else None
    page.emulate_media(media="print")
    page.screenshot(path="/tmp/pranata-explore/phone-structure-print.png", full_page=True)
    p2 = browsing.page(DESKTOP); sign_in(p2, "sysadmin"); p2.goto("/units")
    p2.screenshot(path="/tmp/pranata-explore/desktop-units.png", full_page=True)
    p2.locator("#content ul.tree li a[href$='/structure']").first.click()
    p2.screenshot(path="/tmp/pranata-explore/desktop-structure.png", full_page=True)
    print(p2.url)
