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
