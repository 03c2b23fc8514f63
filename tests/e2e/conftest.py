"""Fixtures for the end-to-end tests: the app served for real and Debian's chromium.

`live_server` serves a fresh copy of the migrated SQLite demo database on
127.0.0.1 and a free port; `browser` is Playwright driving the chromium found at
PRANATA_CHROMIUM (default /usr/bin/chromium).  Nothing is downloaded.  Without the
binary or Playwright the tests are skipped, and with CI=true they fail.

`browsing` opens pages in fresh browser contexts and watches them: any JS error,
any console error and any Content Security Policy violation fails the test.
"""
from __future__ import annotations

import os
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import make_app, unavailable

CHROMIUM = os.environ.get("PRANATA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
# Playwright's auto-waiting gives up after this many milliseconds; pages here are tiny.
TIMEOUT_MS = 5_000

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}

DEMO_PASSWORD = "pranata-demo"
DEMO_ROLES = ("author", "contributor", "reviewer", "approver", "auditor", "sysadmin")

# Reports every CSP violation to the console, whatever the browser itself logs.
# Init scripts are injected by the browser, so the page's own CSP does not block it.
CSP_REPORTER = """
document.addEventListener("securitypolicyviolation", function (event) {
  console.error("Content Security Policy violation: " + event.violatedDirective +
                " blocked " + (event.blockedURI || "inline") +
                " at " + event.sourceFile + ":" + event.lineNumber);
});
"""


def demo_email(role: str) -> str:
    return f"{role}@demo.pranata.test"


@dataclass
class LiveServer:
    url: str
    app: object


@pytest.fixture
def live_server(sqlite_templates, tmp_path):
    """The application on a fresh copy of the demo database, served on a free port."""
    from werkzeug.serving import make_server

    path = tmp_path / "e2e.db"
    shutil.copy(sqlite_templates["demo"], path)
    app = make_app(f"sqlite:///{path}")
    server = make_server("127.0.0.1", 0, app, threaded=True)  # port 0: the OS picks a free one
    thread = threading.Thread(target=server.serve_forever, name="pranata-live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(url=f"http://127.0.0.1:{server.server_port}", app=app)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        with app.app_context():
            from planner.extensions import db
            db.session.remove()
            db.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by Playwright: headless, nothing downloaded."""
    binary = Path(CHROMIUM)
    if not (binary.is_file() and os.access(binary, os.X_OK)):
        unavailable(f"no chromium binary at {CHROMIUM} (set PRANATA_CHROMIUM)")
    try:
        from playwright.sync_api import sync_playwright
    except Exception as error:  # noqa: BLE001 - any import failure means "no Playwright"
        unavailable(f"Playwright cannot be imported: {type(error).__name__}: {error}")
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=str(binary), headless=True,
                                             args=CHROMIUM_ARGS)
    except Exception as error:  # noqa: BLE001 - any launch failure means "no browser"
        playwright.stop()
        unavailable(f"chromium at {CHROMIUM} cannot be launched by Playwright: "
                    f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}")
    from playwright.sync_api import expect
    expect.set_options(timeout=TIMEOUT_MS)
    try:
        yield browser
    finally:
        browser.close()
        playwright.stop()


@dataclass
class Browsing:
    """Fresh browser contexts on the live server, each page watched for problems."""

    browser: object
    base_url: str
    contexts: list = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def context(self, viewport: dict | None = None, cookies: list | None = None, **options):
        viewport = viewport or DESKTOP
        if viewport["width"] < 600:
            options.setdefault("is_mobile", True)
            options.setdefault("has_touch", True)
        context = self.browser.new_context(base_url=self.base_url, viewport=viewport,
                                           locale="id-ID", timezone_id="Asia/Jakarta",
                                           service_workers="block", **options)
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        context.add_init_script(CSP_REPORTER)
        if cookies:
            context.add_cookies(cookies)
        self.contexts.append(context)
        return context

    def page(self, viewport: dict | None = None, cookies: list | None = None, **options):
        page = self.context(viewport, cookies, **options).new_page()
        self._watch(page)
        return page

    def _watch(self, page) -> None:
        def on_console(message):
            text = message.text
            if message.type == "error" or "Content Security Policy" in text:
                self.problems.append(f"console {message.type} on {page.url}: {text}")

        def on_page_error(error):
            self.problems.append(f"JS error on {page.url}: {error}")

        page.on("console", on_console)
        page.on("pageerror", on_page_error)

    def take_problems(self) -> list[str]:
        """The problems seen so far (and forget them)."""
        seen, self.problems[:] = list(self.problems), []
        return seen

    def assert_no_problems(self) -> None:
        seen = self.take_problems()
        assert not seen, "the browser reported problems:\n" + "\n".join(seen)

    def close(self) -> None:
        for context in self.contexts:
            context.close()
        self.contexts.clear()


@pytest.fixture
def browsing(browser, live_server):
    session = Browsing(browser, live_server.url)
    try:
        yield session
    finally:
        session.close()
    session.assert_no_problems()


@pytest.fixture(scope="session")
def screenshot_dir() -> Path | None:
    """Where the journeys save screenshots, if PRANATA_SCREENSHOTS names a folder."""
    folder = os.environ.get("PRANATA_SCREENSHOTS")
    if not folder:
        return None
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    return path
