"""Shared helpers of the publication tests: the JavaScript verifier run in Node, and a small demo year."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).parent
VERIFY_JS = HERE.parents[1] / "src" / "randinspect" / "publish" / "static" / "verify.js"
VECTORS: dict[str, Any] = json.loads(
    (HERE.parent / "draw" / "vectors" / "draw_vectors.json").read_text(encoding="utf-8")
)

V1_DIR = HERE.parent / "draw" / "vectors" / "v1"
V1_VECTORS: dict[str, Any] = json.loads((V1_DIR / "draw_vectors_v1.json").read_text(encoding="utf-8"))
V1_RECORDS: dict[str, Any] = json.loads((V1_DIR / "records_v1.json").read_text(encoding="utf-8"))


def node_binary() -> str:
    """The ``node`` executable; the tests fail (not skip) without it, as CI installs it."""
    path = shutil.which("node") or shutil.which("nodejs")
    if path is None:
        pytest.fail("node (Node.js) is not installed; .ci/run installs it with apt-get install nodejs")
    return path


def run_node(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """Run tests/publish/js/run_vectors.js on ``payload``; return its list of results."""
    proc = subprocess.run(
        [node_binary(), str(HERE / "js" / "run_vectors.js"), str(VERIFY_JS)],
        input=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
        capture_output=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")
    out: list[dict[str, Any]] = json.loads(proc.stdout)
    return out


@pytest.fixture(scope="session")
def demo_year(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A records folder written by ``randinspect demo`` on a 3,000-object city, with its site in ``site/``."""
    from randinspect.cli import main

    folder = tmp_path_factory.mktemp("demo") / "randinspect-demo"
    code = main(["demo", "--objects", "3000", "--out", str(folder)])
    assert code in (0, 1)
    assert (folder / "site" / "index.html").is_file()
    return folder


@pytest.fixture(scope="session")
def auditors_year(demo_year: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A records folder with one version-2 draw under ``disclosure="auditors"`` and independent units (two
    key objects listed, so its commitment holds reason digests and its opening sits in ``openings/``),
    made from the demo year's directory and seed, with its site in ``site/``."""
    from randinspect.directory import ObjectDirectory
    from randinspect.draw import DrawRecord, TieredPolicy, draw
    from randinspect.items import CheckItem
    from randinspect.publish import publish

    folder = tmp_path_factory.mktemp("auditors") / "records"
    (folder / "draws").mkdir(parents=True)
    (folder / "openings").mkdir()
    shutil.copy(demo_year / "objects.csv", folder / "objects.csv")
    shutil.copy(demo_year / "ceremony.json", folder / "ceremony.json")
    source = DrawRecord.from_json(sorted((demo_year / "draws").glob("*.json"))[0])
    item = CheckItem.from_dict(source.commitment.item)
    seed = json.loads((demo_year / "ceremony.json").read_text(encoding="utf-8"))["seed"]
    policy = TieredPolicy(disclosure="auditors", units="independent", key_ids=list(source.selected_ids[:2]))
    directory = ObjectDirectory.from_csv(folder / "objects.csv")
    record = draw(directory, item, str(seed), policy=policy, round=source.round)
    name = f"{record.item_id}-round{record.round}.json"
    record.to_json(folder / "draws" / name)
    (folder / "openings" / name).write_text(
        json.dumps(record.opening_json_dict(), ensure_ascii=False), encoding="utf-8"
    )
    publish(folder, folder / "site")
    return folder
