"""A real Chromium against the built site, served the way README tells readers to serve it."""

import os
import shutil
import socket
import subprocess
import sys
import time

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def base_url(site):
    """`python3 -m http.server --directory site`: the README's one command for offline reading."""
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(site)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    yield f"http://127.0.0.1:{port}/"
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture(scope="session")
def browser():
    if not (shutil.which(CHROMIUM) or os.path.exists(CHROMIUM)):
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI needs Chromium at {CHROMIUM} (.ci/run installs Debian's chromium)")
        pytest.skip(f"no Chromium at {CHROMIUM}: `apt-get install chromium` to run the browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-background-networking", "--disable-component-update",
                  "--disable-default-apps", "--disable-sync", "--no-first-run"])
        yield browser
        browser.close()


def _recording_tab(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.foreign_requests = []
    tab.on("request", lambda request: tab.foreign_requests.append(request.url)
           if not request.url.startswith(("http://127.0.0.1", "data:", "blob:", "about:")) else None)
    return context, tab


@pytest.fixture
def page(browser, base_url):
    """A fresh tab that records every request leaving 127.0.0.1."""
    context, tab = _recording_tab(browser)
    yield tab
    context.close()


@pytest.fixture(scope="session")
def _reading_tab(browser):
    context, tab = _recording_tab(browser)
    yield tab
    context.close()


@pytest.fixture
def reading_tab(_reading_tab, base_url):
    """One tab per worker for reading page after page (its cache stays warm); requests
    leaving 127.0.0.1 are recorded per test."""
    _reading_tab.foreign_requests.clear()
    yield _reading_tab
