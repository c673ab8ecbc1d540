"""Tests of the ``randinspect check`` command."""

from __future__ import annotations

from pathlib import Path

import pytest

from randinspect.cli import main

HEADER = "id,name,kind,industry,region,unit,credit,risk,alive,tags"
GOOD = "91520102000000000F,甲公司,企业,C1311,520102,U1,A,low,1,food"
PEOPLE = "工号,姓名,角色,部门,执法证号,执法证有效期起,执法证有效期止,身份证号,联系电话"
ID_CARD = "11010519491231002X"


def write(tmp_path: Path, name: str, lines: list[str], encoding: str = "utf-8") -> str:
    path = tmp_path / name
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return str(path)


class TestCheck:
    def test_clean_file_exits_zero(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """A clean file prints a summary and exits 0."""
        code = main(["check", write(tmp_path, "o.csv", [HEADER, GOOD])])
        out = capsys.readouterr().out
        assert code == 0
        assert "no problems; 1 of 1 rows loaded" in out

    def test_problems_printed_one_per_line(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """Every problem is printed with row, column and value, and the exit status is 1."""
        rows = [HEADER, GOOD, GOOD.replace("0000000F", "0000001F"), "PRD:1,水,产品,9999,520102,U1,E,low,1,"]
        code = main(["check", write(tmp_path, "o.csv", rows, encoding="gb18030")])
        lines = capsys.readouterr().out.splitlines()
        assert code == 1
        assert len(lines) == 4
        assert "row 2, column 'id'" in lines[0]
        assert "expected 'J'" in lines[0]
        assert "0000001F" in lines[0]
        assert "row 3, column 'industry'" in lines[1]
        assert "'9999'" in lines[1]
        assert "row 3, column 'credit'" in lines[2]
        assert "'E'" in lines[2]
        assert lines[3].startswith("objects: ")
        assert "3 problem(s)" in lines[3]

    def test_unreadable_file_exits_two(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """A missing file exits 2."""
        assert main(["check", str(tmp_path / "missing.csv")]) == 2
        assert "cannot read the file" in capsys.readouterr().out

    def test_accept_any_division(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """--accept-any-division lets codes outside the shipped table pass."""
        path = write(tmp_path, "o.csv", [HEADER, GOOD.replace(",520102,", ",110101,")])
        assert main(["check", path]) == 1
        assert main(["check", path, "--accept-any-division"]) == 0
        capsys.readouterr()

    def test_inspectors_checked_and_redacted(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """--inspectors checks the people file too; private values never reach the output."""
        objects = write(tmp_path, "o.csv", [HEADER, GOOD])
        bad_card = ID_CARD[:-1] + "3"
        people = write(
            tmp_path,
            "p.csv",
            [PEOPLE, f"P1,张三,执法人员,SAMR,C1,2025-01-01,2028-12-31,{bad_card},13812345678"],
        )
        code = main(["check", objects, "--inspectors", people])
        out = capsys.readouterr().out
        assert code == 1
        assert "row 1, column '身份证号'" in out
        assert "<redacted>" in out
        assert bad_card not in out
        assert "13812345678" not in out
        assert "inspectors: " in out
