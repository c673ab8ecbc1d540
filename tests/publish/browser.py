"""Headless Chromium for the browser tests: the system browser driven by Selenium and the system chromedriver.

No browser is downloaded: the tests use ``chromium`` and ``chromedriver`` from the operating system's packages
(Debian ``chromium`` and ``chromium-driver``, which ``.ci/run`` installs). Without them the tests fail with a
message saying what to install; they never skip.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
DRIVERS = ("chromedriver",)
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)


def _find(names: tuple[str, ...], env: str) -> str:
    explicit = os.environ.get(env)
    if explicit:
        return explicit
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    for folder in ("/usr/bin", "/usr/lib/chromium"):
        for name in names:
            candidate = Path(folder) / name
            if candidate.is_file():
                return str(candidate)
    pytest.fail(
        f"{names[0]} not found (set {env} or install Debian packages chromium and chromium-driver: "
        "apt-get install -y chromium chromium-driver); the browser tests need a real browser"
    )


@contextmanager
def chromium(width: int = 1200, height: int = 900) -> Iterator[Any]:
    """A fresh headless Chromium (own user-data dir) with browser and network logs enabled."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    binary = _find(BROWSERS, "RANDINSPECT_CHROMIUM")
    driver_path = _find(DRIVERS, "RANDINSPECT_CHROMEDRIVER")
    profile = tempfile.mkdtemp(prefix="randinspect-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.add_argument(f"--window-size={width},{height}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    if width < 500:
        # Headless windows are at least 500 pixels wide: emulate a phone's screen instead.
        options.add_experimental_option(
            "mobileEmulation", {"deviceMetrics": {"width": width, "height": height, "pixelRatio": 2.0}}
        )
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    driver.set_script_timeout(300)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def console_problems(driver: Any) -> list[str]:
    """Console messages of level WARNING or SEVERE since the last call (CSP violations are SEVERE)."""
    return [
        f"{e['level']}: {e['message']}"
        for e in driver.get_log("browser")
        if e["level"] in ("SEVERE", "WARNING")
    ]


def requests_leaving(driver: Any, root: str) -> list[str]:
    """URLs requested since the last call, from the DevTools network log, that leave the site at ``root``.

    Counted: every request made by a document of the site, and every network request (http, https, ws,
    ftp) of any document; the browser's own internal pages (``chrome://``) are not the site's.
    """
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") != "Network.requestWillBeSent":
            continue
        url = str(message["params"]["request"]["url"])
        document = str(message["params"].get("documentURL", ""))
        network = url.split(":", 1)[0] in ("http", "https", "ws", "wss", "ftp")
        if (document.startswith(root) or network) and not url.startswith((root, "data:")):
            urls.append(url)
    return urls
