"""The publication site in a real headless browser (Chromium from the system, driven by Selenium).

These tests fail, not skip, when the browser is missing: ``.ci/run`` installs it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.publish.browser import chromium, console_problems, requests_leaving

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    with chromium() as d:
        yield d


@pytest.fixture(scope="module")
def site(demo_year: Path) -> Path:
    return demo_year / "site"


def _pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def _open(driver: Any, page: Path) -> None:
    driver.get(page.resolve().as_uri())
    driver.execute_script("return document.readyState")


class TestPagesLoad:
    def test_every_page_loads_clean(self, driver: Any, site: Path) -> None:
        """Every page loads with no console error or warning and requests nothing outside the site."""
        root = site.resolve().as_uri()
        problems: dict[str, list[str]] = {}
        pages = _pages(site)
        assert len(pages) > 10
        for name in ("results.html", "overdue.html", "assessment.html"):  # the results sections (issue 10)
            assert site / name in pages
        console_problems(driver)
        requests_leaving(driver, root)
        for page in pages:
            _open(driver, page)
            assert driver.find_element("css selector", "h1").text.strip()
            outside = requests_leaving(driver, root)
            found = console_problems(driver) + [f"request outside the site: {u}" for u in outside]
            if found:
                problems[str(page.relative_to(site))] = found
        assert problems == {}

    def test_language_toggle(self, driver: Any, site: Path) -> None:
        """Chinese is shown first; the toggle shows English and the page language follows."""
        _open(driver, site / "index.html")
        h1 = driver.find_element("css selector", "h1")
        assert "年度" in h1.text
        driver.find_element("id", "lang-toggle").click()
        assert "random inspections" in h1.text
        assert driver.execute_script("return document.documentElement.lang") == "en"
        driver.find_element("id", "lang-toggle").click()
        assert "年度" in h1.text

    def test_phone_width(self, site: Path) -> None:
        """On a 360-pixel-wide phone screen no page is wider than the screen (wide tables scroll inside)."""
        with chromium(width=360, height=740) as phone:
            for page in [
                site / "index.html",
                site / "items.html",
                site / "assessment.html",
                site / "results.html",
                *sorted((site / "draws").glob("*.html"))[:2],
            ]:
                _open(phone, page)
                width = phone.execute_script("return document.documentElement.scrollWidth")
                inner = phone.execute_script("return window.innerWidth")
                assert width <= inner, page.name


def _verify_picked(driver: Any, site: Path, slug: str) -> dict[str, Any]:
    driver.get((site / "verify.html").resolve().as_uri() + "#" + slug)
    result: dict[str, Any] = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "window.randinspectVerifyPage.runPicked().then(r => done(r), e => done({error: String(e)}));"
    )
    return result


class TestVerifierPage:
    def test_reproduces_every_draw(self, driver: Any, site: Path) -> None:
        """The verifier page reproduces every draw of the demo year from the site's own files."""
        slugs = [p.stem for p in sorted((site / "records").glob("*.json"))]
        assert slugs
        for slug in slugs:
            result = _verify_picked(driver, site, slug)
            assert result.get("ok") is True, (slug, result)
            assert driver.find_element("id", "result").get_attribute("textContent").count("复核通过") == 1
        assert console_problems(driver) == []

    def _run_files(self, driver: Any, site: Path, files: list[Path], seed: str = "") -> dict[str, Any]:
        driver.get((site / "verify.html").resolve().as_uri())
        driver.find_element("id", "files").send_keys("\n".join(str(f.resolve()) for f in files))
        if seed:
            driver.find_element("id", "seed-input").send_keys(seed)
        result: dict[str, Any] = driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "window.randinspectVerifyPage.runFiles().then(r => done(r), e => done({error: String(e)}));"
        )
        return result

    def _draw_files(self, site: Path) -> tuple[dict[str, Any], str, str]:
        record_path = max((site / "records").glob("*.json"), key=lambda p: p.stat().st_size)
        record = json.loads(record_path.read_text(encoding="utf-8"))
        frame = (site / "frames" / f"{record_path.stem}.csv").read_text(encoding="utf-8")
        return record, frame, record_path.stem

    def test_own_files_reproduce(self, driver: Any, site: Path) -> None:
        """A record and frame chosen as files (with the announced seed typed in) reproduce."""
        _, _, slug = self._draw_files(site)
        seed = json.loads((site.parent / "ceremony.json").read_text(encoding="utf-8"))["seed"]
        result = self._run_files(
            driver, site, [site / "records" / f"{slug}.json", site / "frames" / f"{slug}.csv"], seed
        )
        assert result.get("ok") is True, result

    @pytest.mark.parametrize(
        ("tamper", "step", "code", "words"),
        [
            ("record", "selection", "missing", "记录中没有它"),
            ("frame", "table", "table", "入选概率表与承诺不一致"),
            ("seed", "seed", "seed-digest", "种子被改动过"),
            ("seed-and-digest", "selection", "start", "起点"),
            ("announced-seed", "seed", "seed-announced", "不是公开摇号时宣布的种子"),
        ],
    )
    def test_first_difference(
        self, driver: Any, site: Path, tmp_path: Path, tamper: str, step: str, code: str, words: str
    ) -> None:
        """A tampered record, tampered frame or changed seed is shown as the first difference in Chinese."""
        import hashlib

        record, frame, _ = self._draw_files(site)
        seed = ""
        if tamper == "record":
            drawn = {s["id"] for s in record["selected"]}
            lines = frame.splitlines()[1:]
            other = next(
                line.split(",")[0]
                for line in lines
                if line.split(",")[0] not in drawn and not line.endswith(",0")
            )
            record["selected"][0]["id"] = other
            record["selected"].sort(key=lambda s: s["id"])
        elif tamper == "frame":
            lines = frame.splitlines(keepends=True)
            i = next(k for k, line in enumerate(lines[1:], 1) if ",general," in line)
            head, a = lines[i].rstrip("\n").rsplit(",", 1)
            lines[i] = f"{head},{int(a) + 1}\n"
            frame = "".join(lines)
        elif tamper == "seed":
            record["source"]["seed"] += " 1"
        elif tamper == "seed-and-digest":
            record["source"]["seed"] += " 1"
            record["source"]["seed_digest"] = hashlib.sha256(record["source"]["seed"].encode()).hexdigest()
        else:
            seed = "1 2 3 4 5 6"
        (tmp_path / "record.json").write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
        (tmp_path / "frame.csv").write_text(frame, encoding="utf-8")
        result = self._run_files(driver, site, [tmp_path / "record.json", tmp_path / "frame.csv"], seed)
        assert result.get("ok") is False, result
        assert (result["step"], result["code"]) == (step, code), result
        shown = driver.find_element("id", "result").get_attribute("textContent")
        assert "第一处不一致" in shown
        assert words in shown


class TestAccessibility:
    def test_axe(self, driver: Any, site: Path) -> None:
        """Every kind of page passes the axe-core checks (WCAG 2 A/AA, best practices) in both languages."""
        source = AXE.read_text(encoding="utf-8")
        pages = [site / "index.html", site / "items.html", site / "joint-plan.html", site / "verify.html"]
        pages += [site / "results.html", site / "overdue.html", site / "assessment.html"]
        for folder in ("draws", "departments", "districts", "results/departments", "results/districts"):
            pages += sorted((site / folder).glob("*.html"))[:2]
        failures: dict[str, Any] = {}
        for page in pages:
            for lang in ("zh", "en"):
                _open(driver, page)
                if lang == "en":
                    driver.find_element("id", "lang-toggle").click()
                driver.execute_script(source)
                report = driver.execute_async_script(
                    "const done = arguments[arguments.length - 1];"
                    "axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations.map("
                    "v => ({id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map(n => n.html)}))),"
                    " e => done([{id: 'axe-error', nodes: [String(e)]}]));"
                )
                if report:
                    failures[f"{page.relative_to(site)} [{lang}]"] = report
        assert failures == {}


class TestCheckersCatchProblems:
    """The checks above would see a problem: each is shown one on a page made for the purpose."""

    def test_outside_request_and_console_error_are_seen(self, driver: Any, tmp_path: Path) -> None:
        """A page loading an image from another origin (loopback, discard port) is caught by both checks."""
        page = tmp_path / "bad.html"
        page.write_text(
            '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>bad</title></head>'
            '<body><main><h1>bad</h1><img src="http://127.0.0.1:9/x.png" alt="x"></main></body></html>',
            encoding="utf-8",
        )
        root = tmp_path.resolve().as_uri()
        console_problems(driver)
        requests_leaving(driver, root)
        driver.get(page.resolve().as_uri())
        driver.execute_script("return document.readyState")
        assert requests_leaving(driver, root) == ["http://127.0.0.1:9/x.png"]

    def test_axe_sees_violations(self, driver: Any, tmp_path: Path) -> None:
        """axe-core, run as above, reports a missing alt text, a missing page language and low contrast."""
        page = tmp_path / "bad.html"
        page.write_text(
            "<!DOCTYPE html><html><head><title>x</title></head><body>"
            '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
            '<p style="color:#bbb;background:#fff">low contrast</p></body></html>',
            encoding="utf-8",
        )
        driver.get(page.resolve().as_uri())
        driver.execute_script(AXE.read_text(encoding="utf-8"))
        ids = driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document).then(r => done(r.violations.map(v => v.id)));"
        )
        assert {"image-alt", "html-has-lang", "color-contrast"} <= set(ids)


class TestAuditorsDisclosure:
    def test_public_files_check_what_they_can(self, driver: Any, auditors_year: Path) -> None:
        """Under disclosure "auditors" the page checks the draw without the π table, says it is a partial
        check (in Chinese first), and marks the table step as not public rather than passed."""
        site = auditors_year / "site"
        (slug,) = [p.stem for p in (site / "records").glob("*.json")]
        console_problems(driver)  # drain messages of earlier tests
        result = _verify_picked(driver, site, slug)
        assert result.get("ok") is True, result
        assert result["partial"] is True
        assert result["version"] == 2
        shown = driver.find_element("id", "result").get_attribute("textContent")
        assert "部分复核通过" in shown
        steps = driver.find_element("id", "steps").get_attribute("textContent")
        assert "未公开，未核对" in steps
        assert console_problems(driver) == []

    def test_auditor_table_reproduces_and_tampering_is_caught(
        self, driver: Any, auditors_year: Path, tmp_path: Path
    ) -> None:
        """The auditors' full table file reproduces the draw bit for bit in the browser, and a changed
        per-stratum start is reported as the first difference."""
        from randinspect.directory import ObjectDirectory
        from randinspect.draw import DrawFrame, DrawRecord, policy_from_dict
        from randinspect.items import CheckItem
        from randinspect.publish import public_frame_csv

        site = auditors_year / "site"
        (record_path,) = sorted((site / "records").glob("*.json"))
        record = DrawRecord.from_json(record_path)
        opening = json.loads(next((auditors_year / "openings").glob("*.json")).read_text(encoding="utf-8"))
        item = CheckItem.from_dict(record.commitment.item)
        frame = DrawFrame.from_directory(ObjectDirectory.from_csv(auditors_year / "objects.csv"), item)
        table = policy_from_dict(opening["policy"]).inclusion(frame, item, round=record.round)
        full = tmp_path / "table.csv"
        full.write_text(public_frame_csv(table, disclosure="public"), encoding="utf-8")
        runner = TestVerifierPage()
        result = runner._run_files(driver, site, [record_path, full])
        assert result.get("ok") is True, result
        assert result["partial"] is False
        assert result["checked"] == ["version", "commitment", "frame", "table", "seed", "selection"]
        data = json.loads(record_path.read_text(encoding="utf-8"))
        label = sorted(data["starts"])[0]
        data["starts"][label] = (data["starts"][label] + 1) % 2**32
        bad = tmp_path / "record.json"
        bad.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        result = runner._run_files(driver, site, [bad, full])
        assert (result.get("ok"), result.get("step"), result.get("code")) == (False, "selection", "starts")
        assert "起点" in driver.find_element("id", "result").get_attribute("textContent")
