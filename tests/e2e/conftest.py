"""Playwright driving Debian's Chromium (/usr/bin/chromium) against live_server."""

import os
import shutil

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"

# The flags keep a headless Chromium off the network: this machine reaches only loopback.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]

LANGUAGES = {"en": "en-US", "zh-hans": "zh-CN"}


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium package")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture(params=list(LANGUAGES), ids=list(LANGUAGES))
def language(request):
    """Each journey runs once in English and once in Simplified Chinese."""
    return request.param


@pytest.fixture
def new_page(browser, live_server, language):
    """Pages of fresh browser contexts (one per person), in the test's language."""
    contexts = []

    def open_page():
        context = browser.new_context(
            locale=LANGUAGES[language],
            base_url=live_server.url,
            viewport={"width": 1280, "height": 900},
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)
