"""The SOP workflow in a real browser, as issue 3 asks: the demo author drafts a post and
submits it, the reviewer returns it with a reason, the author fixes and resubmits it, the
reviewer and the approver approve, the author publishes it with its addresses, and the
auditor finds every action with its actor, SOP version and step.  Then the refusals (who
sees which action, a stale form) and the inbox and a post's page on a phone.  The approving
head putting a new SOP version in force is in test_sop_journeys.py.

Each person works in a browser context of their own and switches the interface to English
once, so that the few texts asserted are the source strings; everything else is found by
URL, `data-testid`, `data-*`, `name` and `id` attributes.  The `browsing` fixture fails a
test on any JS error, console error or CSP violation on the pages it opened.
"""
from __future__ import annotations

import re
from contextlib import contextmanager

import pytest

from tests.e2e.conftest import DESKTOP, PHONE
from tests.e2e.test_sign_in_journeys import PROKOMPIM, no_horizontal_scroll, sign_in

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture reports it: skipped here, failed in CI
    expect = None

pytestmark = pytest.mark.e2e

AUTHOR, REVIEWER, APPROVER = "Andi Pratama, S.I.Kom.", "Dewi Kartika, S.Sos.", "Drs. Hendra Saputra, M.Si."
# Demo data (planner/demo/sop_demo.py): the steps of Prokompim's SOP version 2 and a post
# that waits for the reviewer.
DRAFT_ITEMS = ["Caption per platform", "Foto/video pendukung", "Unsur 5W+1H untuk konten berita",
               "Teks alternatif (alt text) untuk gambar", "Tautan ke artikel di situs resmi"]
REVIEW_ITEMS = ["Fakta dan nama pejabat sudah diperiksa",  # the step's input, then the standards
                "Tidak menampilkan identitas anak korban (wajah, nama, alamat, sekolah)",
                "Menggunakan tagar resmi #PemkoTanjungpinang",
                "Bahasa lugas dan mudah dipahami warga"]
APPROVE_ITEM = "Tidak memuat informasi yang dikecualikan (UU 14/2008 tentang KIP)"
PUBLISH_ITEMS = ["Unggahan sesuai slot jadwal", "Tautan unggahan dicatat"]
DRAFT_STEP = "Menyusun draf konten dan caption per platform"
REVIEW_STEP = "Memeriksa kelengkapan, fakta dan kesesuaian konten"
APPROVE_STEP = "Menyetujui konten untuk diunggah"
PUBLISH_STEP = "Mengunggah konten sesuai jadwal dan mencatat tautan unggahan per platform"
WAITING_FOR_REVIEW = "Jadwal pelayanan KTP elektronik keliling bulan ini"

POST_URL = re.compile(r"/posts/(\d+)$")


# -- helpers ---------------------------------------------------------------------------------

def person(browsing, role: str, viewport=DESKTOP, english: bool = True):
    """A page of a context of its own, signed in as the demo `role`, in English."""
    page = browsing.page(viewport)
    sign_in(page, role)
    if english:
        page.locator("header form.lang-switch button[name=lang][value=en]").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
    return page


@contextmanager
def answered_with(browsing, page, status: int):
    """The request made inside the block answers `status` (a refusal: 409 or 422).  Chromium
    logs any such answer as a console error; that one expected line is not a problem."""
    logged = f"the server responded with a status of {status}"
    with page.expect_response(lambda r: r.status == status and r.request.is_navigation_request()), \
            page.expect_console_message(lambda m: m.type == "error" and logged in m.text):
        yield
    expected = next(p for p in browsing.problems if logged in p)
    browsing.problems.remove(expected)


def state_badge(page):
    return page.locator("#content h1 [data-state]")


def expect_state(page, state: str) -> None:
    expect(state_badge(page)).to_have_attribute("data-state", state)


def current_step(page):
    return page.locator("ol.post-progress li[aria-current=step]")


def tick_all(form, expected: list[str]) -> None:
    """Tick every item of an action form's checklist, after checking it lists `expected`."""
    boxes = form.locator("fieldset.checklist input[type=checkbox]")
    expect(boxes).to_have_count(len(expected))
    expect(form.locator("fieldset.checklist label")).to_have_text(expected, use_inner_text=True)
    for box in boxes.all():
        box.check()


def open_from_inbox(page, post_id: str, kind: str, reason: str | None = None) -> None:
    """Find the post in the inbox as an item of `kind` and open it."""
    page.locator('#main-nav a[href="/inbox"]').click()
    expect(page).to_have_url(re.compile(r"/inbox$"))
    item = page.locator(f'li.inbox-item[data-post-id="{post_id}"]')
    expect(item).to_have_count(1)
    expect(item).to_have_class(re.compile(rf"\binbox-{kind}\b"))
    if reason is not None:
        expect(item.locator(".returned-reason")).to_contain_text(reason)
    item.locator(f'a[href="/posts/{post_id}"]').click()
    expect(page).to_have_url(re.compile(rf"/posts/{post_id}$"))


def expect_not_in_inbox(page, post_id: str) -> None:
    page.goto("/inbox")
    expect(page.locator("#content h1")).to_be_visible()
    expect(page.locator(f'li.inbox-item[data-post-id="{post_id}"]')).to_have_count(0)


def open_post_titled(page, title: str) -> str:
    page.goto("/posts")
    page.locator("table.posts-table a", has_text=title).click()
    expect(page).to_have_url(POST_URL)
    return POST_URL.search(page.url).group(1)


def approve(page, items: list[str], note: str | None = None) -> None:
    form = page.get_by_test_id("action-approve")
    tick_all(form, items)
    if note:
        form.locator("textarea[name=approve-note]").fill(note)
    form.locator("button[type=submit]").click()


# -- 1. the journey of issue 3 ------------------------------------------------------------------

def test_a_post_goes_from_draft_through_a_return_to_publication_and_the_auditor_sees_it_all(
        browsing, screenshot_dir):
    title = "Wali Kota meninjau Pelabuhan Sri Bintan Pura"
    fixed_title = "Wali Kota meninjau perbaikan dermaga Pelabuhan Sri Bintan Pura"
    reason = "Nama dermaga belum sesuai papan resmi Pelindo; mohon diperbaiki."
    instagram = "https://www.instagram.com/p/SRIBINTAN1/"
    facebook = "https://www.facebook.com/pemkotanjungpinang/posts/2002"

    # The author drafts the post in Prokompim.
    author = person(browsing, "author")
    author.locator('#main-nav a[href="/posts"]').click()
    author.locator('#content a[href="/posts/new"]').click()
    unit = author.locator("#unit_id option").filter(has_text=re.compile(rf"^\s*{PROKOMPIM}$"))
    author.select_option("#unit_id", unit.get_attribute("value"))
    author.fill("#title", title)
    author.fill("#body", "Peninjauan perbaikan dermaga penumpang bersama KSOP dan Pelindo.")
    author.select_option("#category_id", label="Seremonial")
    author.locator("#content form button[type=submit]").click()
    expect(author).to_have_url(POST_URL)
    post_id = POST_URL.search(author.url).group(1)
    expect(author.locator("#content h1")).to_contain_text(title)
    expect_state(author, "draft")
    expect(author.locator("#content .alert-success")).to_be_visible()
    expect(author.get_by_test_id("action-approve")).to_have_count(0)

    # Submitting with one item of the draft's checklist left out is refused beside it...
    submit = author.get_by_test_id("action-submit")
    tick_all(submit, DRAFT_ITEMS)
    submit.locator("input[type=checkbox]").last.uncheck()
    with answered_with(browsing, author, 422):
        submit.locator("button[type=submit]").click()
    expect(author.locator("#submit-checklist-error")).to_be_visible()
    expect_state(author, "draft")
    # ...and goes through once every item is ticked.
    tick_all(author.get_by_test_id("action-submit"), DRAFT_ITEMS)
    author.get_by_test_id("action-submit").locator("button[type=submit]").click()
    expect(author).to_have_url(re.compile(rf"/posts/{post_id}$"))
    expect_state(author, "in_review")
    expect(current_step(author)).to_contain_text(REVIEW_STEP)
    expect(author.get_by_test_id("sop-version-link")).to_contain_text("Version 2")
    expect(author.get_by_test_id("action-approve")).to_have_count(0)  # never their own post
    expect(author.get_by_test_id("action-return")).to_have_count(0)

    # The reviewer finds it in the inbox and returns it; a return without a reason is refused.
    reviewer = person(browsing, "reviewer")
    open_from_inbox(reviewer, post_id, "review")
    expect_state(reviewer, "in_review")
    with answered_with(browsing, reviewer, 422):
        reviewer.get_by_test_id("action-return").locator("button[type=submit]").click()
    expect(reviewer.locator("#return-reason-error")).to_be_visible()
    expect_state(reviewer, "in_review")
    reviewer.get_by_test_id("action-return").locator("textarea[name=return-reason]").fill(reason)
    reviewer.get_by_test_id("action-return").locator("button[type=submit]").click()
    expect(reviewer).to_have_url(re.compile(rf"/posts/{post_id}$"))
    expect_state(reviewer, "returned")
    expect(reviewer.locator(".returned-reason")).to_contain_text(reason)
    expect(reviewer.locator("[data-testid^=action-]")).to_have_count(0)
    expect_not_in_inbox(reviewer, post_id)

    # The author sees it returned with the reason, fixes it and submits it again.
    open_from_inbox(author, post_id, "returned", reason=reason)
    expect_state(author, "returned")
    expect(author.locator(".returned-reason")).to_contain_text(reason)
    author.locator(f'#content a[href="/posts/{post_id}/edit"]').click()
    expect(author.locator("#title")).to_have_value(title)
    author.fill("#title", fixed_title)
    author.locator("#content form button[type=submit]").click()
    expect(author).to_have_url(re.compile(rf"/posts/{post_id}$"))
    expect(author.locator("#content h1")).to_contain_text(fixed_title)
    expect_state(author, "returned")
    tick_all(author.get_by_test_id("action-submit"), DRAFT_ITEMS)
    author.get_by_test_id("action-submit").locator("button[type=submit]").click()
    expect_state(author, "in_review")
    expect(author.locator(".returned-reason")).to_have_count(0)

    # The reviewer approves, ticking the step's checklist and the content standards.
    open_from_inbox(reviewer, post_id, "review")
    expect(reviewer.locator("#content h1")).to_contain_text(fixed_title)
    approve(reviewer, REVIEW_ITEMS)
    expect(reviewer).to_have_url(re.compile(rf"/posts/{post_id}$"))
    expect_state(reviewer, "in_review")
    expect(current_step(reviewer)).to_contain_text(APPROVE_STEP)
    expect(reviewer.locator("[data-testid^=action-]")).to_have_count(0)
    expect_not_in_inbox(reviewer, post_id)

    # The approver approves.
    approver = person(browsing, "approver")
    open_from_inbox(approver, post_id, "review")
    approve(approver, [APPROVE_ITEM], note="Silakan unggah pukul 09.00.")
    expect_state(approver, "approved")
    expect(current_step(approver)).to_contain_text(PUBLISH_STEP)

    # The author publishes it on Instagram and Facebook.
    open_from_inbox(author, post_id, "publish")
    publish = author.get_by_test_id("action-publish")
    tick_all(publish, PUBLISH_ITEMS)
    publish.locator("input[name=publish-url_instagram]").fill(instagram)
    publish.locator("input[name=publish-url_facebook]").fill(facebook)
    publish.locator("button[type=submit]").click()
    expect(author).to_have_url(re.compile(rf"/posts/{post_id}$"))
    expect_state(author, "published")
    for url in (instagram, facebook):
        link = author.locator(f'#content a[href="{url}"]')
        expect(link).to_be_visible()
        expect(link).to_have_attribute("rel", "noopener noreferrer")

    # Every action is on the post's page with its actor, SOP version and step.
    expected = [("submit", AUTHOR, 1, DRAFT_STEP), ("return", REVIEWER, 2, REVIEW_STEP),
                ("submit", AUTHOR, 1, DRAFT_STEP), ("approve", REVIEWER, 2, REVIEW_STEP),
                ("approve", APPROVER, 3, APPROVE_STEP), ("publish", AUTHOR, 4, PUBLISH_STEP)]
    expect_history(author, expected)
    expect(author.locator("table.post-history tr[data-action=return]")).to_contain_text(reason)

    # The auditor filters the audit trail to this post and sees every action and its actor.
    auditor = person(browsing, "auditor")
    auditor.locator('#main-nav a[href="/audit"]').click()
    expect(auditor).to_have_url(re.compile(r"/audit$"))
    auditor.select_option("#object_type", "Post")
    auditor.fill("#object_id", post_id)
    auditor.locator("form.audit-filters button[type=submit]").click()
    expect(auditor).to_have_url(re.compile(rf"object_id={post_id}"))
    rows = auditor.get_by_test_id("audit-events").locator("tbody tr")
    # (action, actor, the SOP step's activity recorded with a transition)
    trail = [("post.created", AUTHOR, None), ("post.submit", AUTHOR, DRAFT_STEP),
             ("post.return", REVIEWER, REVIEW_STEP), ("post.edited", AUTHOR, None),
             ("post.submit", AUTHOR, DRAFT_STEP), ("post.approve", REVIEWER, REVIEW_STEP),
             ("post.approve", APPROVER, APPROVE_STEP), ("post.publish", AUTHOR, PUBLISH_STEP)]
    expect(rows).to_have_count(len(trail))
    for row, (action, actor, activity) in zip(rows.all(), reversed(trail)):  # newest first
        expect(row.locator("td:nth-child(5) code")).to_have_text(action)
        expect(row.locator("td:nth-child(3)")).to_contain_text(actor)
        expect(row.locator("td.audit-object")).to_contain_text(f"#{post_id}")
        if activity:
            expect(row.locator("td:nth-child(8)")).to_contain_text(f"step_activity: {activity}")
    expect(rows.filter(has=auditor.locator("code", has_text="post.return"))).to_contain_text(reason)
    # the addresses as evidence (the page shortens long values; the CSV export has them whole)
    expect(rows.filter(has=auditor.locator("code", has_text="post.publish"))).to_contain_text(facebook)
    if screenshot_dir:
        auditor.screenshot(path=str(screenshot_dir / "auditor-trail-of-a-post.png"), full_page=True)

    # From the trail to the post's page: the same history, each action with its version and step.
    rows.first.locator(f'td.audit-object a[href="/posts/{post_id}"]').click()
    expect(auditor).to_have_url(re.compile(rf"/posts/{post_id}$"))
    expect_state(auditor, "published")
    expect(auditor.locator("[data-testid^=action-]")).to_have_count(0)
    expect_history(auditor, expected)
    if screenshot_dir:
        auditor.screenshot(path=str(screenshot_dir / "auditor-published-post.png"), full_page=True)
    auditor.get_by_test_id("sop-version-link").click()
    expect(auditor).to_have_url(re.compile(r"/sop/versions/\d+$"))
    expect(auditor.locator("article.sop-document [data-testid=sop-status]").first).to_have_class(
        re.compile(r"sop-badge-in_force"))
    expect(auditor.locator("article.sop-document")).to_contain_text(REVIEW_STEP)


def expect_history(page, expected: list[tuple[str, str, int, str]]) -> None:
    """The post's history table lists `expected` (action, actor, step, activity) in order,
    each taken on SOP version 2."""
    rows = page.locator("table.post-history tbody tr")
    expect(rows).to_have_count(len(expected))
    for row, (action, actor, position, activity) in zip(rows.all(), expected):
        expect(row).to_have_attribute("data-action", action)
        cells = row.locator("td")
        expect(cells.nth(2)).to_contain_text(actor)
        expect(cells.nth(3)).to_have_text(f"Version 2, step {position}: {activity}")


# -- 2. refusals --------------------------------------------------------------------------------

def test_only_the_reviewer_is_offered_approve_and_return_on_a_post_in_review(browsing):
    author = person(browsing, "author")
    post_id = open_post_titled(author, WAITING_FOR_REVIEW)
    expect_state(author, "in_review")
    expect(current_step(author)).to_contain_text(REVIEW_STEP)
    expect(author.locator("#actions")).to_be_visible()
    expect(author.get_by_test_id("action-approve")).to_have_count(0)
    expect(author.get_by_test_id("action-return")).to_have_count(0)

    reviewer = person(browsing, "reviewer")
    reviewer.goto(f"/posts/{post_id}")
    expect_state(reviewer, "in_review")
    expect(reviewer.get_by_test_id("action-approve").locator("button[type=submit]")).to_be_visible()
    expect(reviewer.get_by_test_id("action-return").locator("button[type=submit]")).to_be_visible()

    # The approver's turn has not come: nothing to approve at the reviewer's step.
    approver = person(browsing, "approver")
    approver.goto(f"/posts/{post_id}")
    expect_state(approver, "in_review")
    expect(approver.get_by_test_id("action-approve")).to_have_count(0)
    expect(approver.get_by_test_id("action-return")).to_have_count(0)


def test_a_stale_form_names_who_acted_and_overwrites_nothing(browsing):
    first = person(browsing, "reviewer")
    post_id = open_post_titled(first, WAITING_FOR_REVIEW)
    second = first.context.new_page()  # a second tab of the same reviewer, opened meanwhile
    browsing._watch(second)  # watched for JS and CSP problems like every other page
    second.goto(f"/posts/{post_id}")
    expect(second.get_by_test_id("action-return")).to_be_visible()

    approve(first, REVIEW_ITEMS)
    expect_state(first, "in_review")
    expect(current_step(first)).to_contain_text(APPROVE_STEP)

    # The older tab returns the post: refused, naming who approved it; nothing is overwritten.
    form = second.get_by_test_id("action-return")
    form.locator("textarea[name=return-reason]").fill("Foto kurang jelas.")
    with answered_with(browsing, second, 409):
        form.locator("button[type=submit]").click()
    notice = second.get_by_test_id("stale-notice")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text(REVIEWER)
    expect(notice).to_contain_text("approved")
    expect_state(second, "in_review")
    expect(current_step(second)).to_contain_text(APPROVE_STEP)
    expect(second.locator("table.post-history tr[data-action=return]")).to_have_count(0)
    expect(second.locator("table.post-history tbody tr").last).to_have_attribute("data-action", "approve")
    expect(second.get_by_test_id("action-return")).to_have_count(0)  # the approver's step now

    # The approver still finds it waiting.
    approver = person(browsing, "approver")
    open_from_inbox(approver, post_id, "review")
    expect(current_step(approver)).to_contain_text(APPROVE_STEP)
    expect(approver.get_by_test_id("action-approve")).to_be_visible()


# -- 3. on a phone ----------------------------------------------------------------------------------

def test_the_inbox_and_a_post_fit_a_phone(browsing, screenshot_dir):
    page = person(browsing, "reviewer", viewport=PHONE, english=False)
    page.goto("/inbox")
    item = page.locator("li.inbox-item", has_text=WAITING_FOR_REVIEW)
    expect(item).to_be_visible()
    assert no_horizontal_scroll(page), "the inbox scrolls sideways on a phone"
    if screenshot_dir:
        page.screenshot(path=str(screenshot_dir / "reviewer-inbox-phone.png"), full_page=True)

    item.locator("a").first.click()
    expect(page).to_have_url(POST_URL)
    expect_state(page, "in_review")
    assert no_horizontal_scroll(page), "a post's page scrolls sideways on a phone"
    for name in ("approve", "return"):
        button = page.get_by_test_id(f"action-{name}").locator("button[type=submit]")
        button.scroll_into_view_if_needed()
        expect(button).to_be_in_viewport()
        box = button.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (name, box)
    expect(page.locator("table.post-history")).to_be_attached()
    assert no_horizontal_scroll(page)
    if screenshot_dir:
        page.screenshot(path=str(screenshot_dir / "reviewer-post-phone.png"), full_page=True)
