"""Benchmark of the publication site (randinspect.publish) and its in-browser verifier.

    python benchmarks/bench_publish.py [--frame 100000] [--year 1000000] [--items 300]

Measured in the same run:

- the JavaScript verifier (``assets/verify.js``) in headless Chromium re-running one draw over a public frame
  of ``--frame`` objects, with WebCrypto SHA-256 and with its built-in SHA-256, against the Python
  :func:`randinspect.draw.verify` of the same record (target: within 3x of Python);
- ``publish`` of the benchmark year of a ``--year``-object demo city (``--items`` items, 40 departments)
  against its own floor, verifying every draw of the year with :func:`randinspect.draw.verify` alone
  (target: under a minute); with the site's size and the peak resident memory.

Needs ``chromium`` and ``chromedriver`` (Debian packages ``chromium`` and ``chromium-driver``) and Selenium
(``pip install -e '.[tests]'``).
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import shutil
import statistics
import tempfile
import time
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from randinspect.directory import ObjectDirectory, Scope
from randinspect.draw import TieredPolicy, draw, inclusion_probabilities, verify
from randinspect.items import CheckItem
from randinspect.publish import public_frame_csv, publish

STATIC = Path(__file__).resolve().parents[1] / "src" / "randinspect" / "publish" / "static"
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


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build_directory(n: int, seed: int = 2027) -> ObjectDirectory:
    """A synthetic directory of ``n`` enterprises in 100 units, SAMR credit grades and risk classes."""
    rng = np.random.default_rng(seed)
    ids = np.char.add("9152", np.char.zfill(rng.permutation(n).astype(str), 14))
    units = np.char.add("520102-SAMR-", np.char.zfill(rng.integers(0, 100, n).astype(str), 3))
    return ObjectDirectory.from_arrays(
        id=ids,
        name=np.full(n, "某某公司"),
        kind=np.full(n, "enterprise"),
        industry=np.full(n, "5211"),
        region=np.full(n, "520102"),
        unit=units,
        credit=rng.choice(np.array(["A", "B", "C", "D"]), n, p=[0.6, 0.3, 0.08, 0.02]),
        risk=rng.choice(np.array(["low", "medium", "high"]), n, p=[0.55, 0.35, 0.10]),
        alive=np.ones(n, dtype=bool),
        tags=np.full(n, ""),
        validate=False,  # synthetic ids without USCC check characters
    )


def _chromium(profile: Path) -> Any:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    binary = shutil.which("chromium") or "/usr/bin/chromium"
    driver_path = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    driver.set_script_timeout(600)
    return driver


def bench_verifier(n: int, repeats: int = 5) -> None:
    directory = build_directory(n)
    item = CheckItem(
        id="SAMR-2027-001",
        name="食品经营检查",
        department="SAMR",
        year=2027,
        scope=Scope(),
        ratio=Fraction(1, 20),
        legal_basis=["《中华人民共和国食品安全法》"],
    )
    policy = TieredPolicy()
    record = draw(directory, item, "3 1 4 1 5 9 2 6 5 3 5 8 9 7 9 3 2 3 8 4", policy=policy)
    from randinspect.draw import DrawFrame

    frame = DrawFrame.from_directory(directory, item)
    table = inclusion_probabilities(frame, item, policy)
    frame_csv = public_frame_csv(table)
    inner = int(((table.numerators > 0) & (table.numerators < table.denominator)).sum())

    folder = Path(tempfile.mkdtemp(prefix="bench-verifier-"))
    shutil.copy(STATIC / "verify.js", folder / "verify.js")
    (folder / "data.js").write_text(
        "window.BENCH = " + json.dumps({"record": record.to_json_dict(), "frame": frame_csv}) + ";",
        encoding="utf-8",
    )
    (folder / "bench.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>bench</title>'
        '<script src="verify.js"></script><script src="data.js"></script></head><body></body></html>',
        encoding="utf-8",
    )
    profile = Path(tempfile.mkdtemp(prefix="bench-chromium-"))
    driver = _chromium(profile)

    def in_browser(kind: str) -> float:
        result = driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "const t0 = performance.now();"
            "RandinspectVerify.verifyDraw(BENCH.record, BENCH.frame, {hash: arguments[0], yieldEvery: false})"
            ".then(r => done({ok: r.ok, ms: performance.now() - t0, r: r}), e => done({error: String(e)}));",
            None if kind == "auto" else kind,
        )
        if not result.get("ok"):
            raise SystemExit(f"the browser verifier did not reproduce the draw: {result}")
        return float(result["ms"]) / 1000

    def in_python() -> float:
        t0 = time.perf_counter()
        verify(record, directory)
        return time.perf_counter() - t0

    # auto (the page's default): WebCrypto for the seed, commitment, frame and table digests, the built-in
    # SHA-256 for the per-object tickets; js: the built-in SHA-256 for every hash; webcrypto: WebCrypto
    # for every hash, tickets in batches awaited with Promise.all (shown for comparison, run once).
    # Python and the browser alternate, so a busy machine slows both alike; the ratio is the median of
    # the ratios of neighbouring runs.
    python_times: list[float] = []
    browser: dict[str, list[float]] = {"auto": [], "js": [], "webcrypto": []}
    heap = 0.0
    try:
        driver.get((folder / "bench.html").as_uri())
        in_browser("auto")  # warm-up: compile the verifier
        in_python()
        for r in range(repeats):
            python_times.append(in_python())
            for kind in ("auto", "js"):
                browser[kind].append(in_browser(kind))
            if r == 0:
                browser["webcrypto"].append(in_browser("webcrypto"))
        heap = float(driver.execute_script("return performance.memory.usedJSHeapSize")) / 2**20
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
        shutil.rmtree(folder, ignore_errors=True)
    py = statistics.median(python_times)
    print(
        f"verifier: one draw over a public frame of {n:,} objects ({inner:,} hashed, "
        f"{len(record.selected):,} drawn); median of {repeats} runs"
    )
    print(f"  Python randinspect.draw.verify (baseline)   {py:8.3f} s")
    for kind, times in browser.items():
        t = statistics.median(times)
        pairs = times if kind == "webcrypto" else [b / p for b, p in zip(times, python_times, strict=True)]
        ratio = t / python_times[0] if kind == "webcrypto" else statistics.median(pairs)
        print(
            f"  Chromium verify.js, {kind:9s} SHA-256      {t:8.3f} s   = {ratio:.2f}x Python"
            + ("" if kind == "webcrypto" else " (target <= 3x)")
        )
    print(
        f"  Chromium JS heap after the runs {heap:,.0f} MiB; "
        f"Python peak resident memory {_peak_rss_mib():,.0f} MiB"
    )


def bench_year(n: int, n_items: int) -> None:
    from randinspect.cli.plan import write_cycle
    from randinspect.datasets import benchmark_items, demo_city
    from randinspect.draw import PublicSeedSource
    from randinspect.planning import run_cycle

    seed = "bench-publish 3 1 4 1 5 9 2 6"
    t0 = time.perf_counter()
    city = demo_city(n_objects=n, year=2027, n_departments=40)
    items = benchmark_items(city, n_items=n_items)
    result = run_cycle(city.objects, items, source=PublicSeedSource(seed), inspectors=city.inspectors)
    folder = Path(tempfile.mkdtemp(prefix="bench-year-"))
    (folder / "draws").mkdir()
    for record in result.records:
        record.to_json(folder / "draws" / f"{record.item_id}-round{record.round}.json")
    write_cycle(result, folder)
    city.objects.to_csv(folder / "objects.csv")
    (folder / "ceremony.json").write_text(json.dumps({"seed": seed}), encoding="utf-8")
    t_setup = time.perf_counter() - t0
    objects = city.objects
    records = result.records
    del city, result
    gc.collect()

    t0, c0 = time.perf_counter(), time.process_time()
    for record in records:
        verify(record, objects, expected_seed=seed)
    t_verify, c_verify = time.perf_counter() - t0, time.process_time() - c0
    del objects
    gc.collect()

    rss_before = _peak_rss_mib()
    t0, c0 = time.perf_counter(), time.process_time()
    report = publish(folder, folder / "site")
    t_publish, c_publish = time.perf_counter() - t0, time.process_time() - c0
    size = sum(p.stat().st_size for p in (folder / "site").rglob("*") if p.is_file())
    print(
        f"year: {n:,}-object demo city, {n_items} items, {len(records)} draws "
        f"({sum(len(r.selected) for r in records):,} objects drawn); records written in {t_setup:.1f} s"
    )
    print(f"  verify every draw alone (baseline)          {t_verify:8.2f} s   (CPU {c_verify:.2f} s)")
    print(
        f"  publish (load, verify, pages, frames)       {t_publish:8.2f} s   (CPU {c_publish:.2f} s)   "
        f"= {t_publish / t_verify:.2f}x baseline (target < 60 s)"
    )
    print(
        f"  site: {len(report.pages):,} pages, {len(report.downloads):,} downloads, {size / 2**20:,.0f} MiB; "
        f"peak resident memory {_peak_rss_mib():,.0f} MiB (before publish {rss_before:,.0f} MiB)"
    )
    shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--frame", type=int, default=100_000, help="public frame size for the verifier (100000)"
    )
    parser.add_argument("--year", type=int, default=1_000_000, help="objects of the published year (1000000)")
    parser.add_argument("--items", type=int, default=300, help="items of the published year (300)")
    parser.add_argument("--skip-year", action="store_true", help="only the verifier benchmark")
    args = parser.parse_args()
    bench_verifier(args.frame)
    if not args.skip_year:
        bench_year(args.year, args.items)


if __name__ == "__main__":
    main()
