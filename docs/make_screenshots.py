"""Regenerate the screenshots of docs/publishing.md (headless Chromium from the system, via Selenium).

    python docs/make_screenshots.py

Runs ``randinspect demo`` (3,000 objects) in a temporary folder, opens its site and writes
``docs/_static/publish-index.png``, ``publish-draw.png``, ``publish-verify.png`` (after a re-run of the
draw in the page) and ``publish-assessment.png`` (the assessment's charts). Needs the Debian packages
``chromium``, ``chromium-driver`` and a CJK font
(``fonts-wqy-microhei``).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.publish.browser import chromium  # noqa: E402

from randinspect.cli import main  # noqa: E402


def shoot() -> None:
    out = ROOT / "docs" / "_static"
    out.mkdir(exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="screenshots-")) / "randinspect-demo"
    main(["demo", "--objects", "3000", "--out", str(folder)])
    site = folder / "site"
    draw = max((site / "draws").glob("*-round*.html"), key=lambda p: p.stat().st_size)
    with chromium(width=1000, height=760) as driver:
        driver.get((site / "index.html").as_uri())
        driver.save_screenshot(str(out / "publish-index.png"))
        driver.get(draw.as_uri())
        driver.execute_script(
            "document.querySelectorAll('h2')[1].scrollIntoView(); window.scrollBy(0, -10);"
        )
        driver.save_screenshot(str(out / "publish-draw.png"))
        driver.get((site / "verify.html").as_uri() + "#" + draw.stem)
        driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "window.randinspectVerifyPage.runPicked().then(() => done(true));"
        )
        driver.execute_script("document.getElementById('result-h').scrollIntoView();")
        driver.save_screenshot(str(out / "publish-verify.png"))
        driver.get((site / "assessment.html").as_uri())
        driver.execute_script("document.querySelector('figure').scrollIntoView(); window.scrollBy(0, -40);")
        driver.save_screenshot(str(out / "publish-assessment.png"))
    shutil.rmtree(folder.parent, ignore_errors=True)


if __name__ == "__main__":
    shoot()
