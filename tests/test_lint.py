"""ruff, the linter (rules in pyproject.toml, version pinned in requirements-dev.txt), passes on
every file of the repository: code, tests, benchmarks and the notebooks' code cells. To fix a
finding: ``.venv/bin/ruff check --fix FILE``, then the rest by hand.

mypy, the type checker (the same files), passes on the autograder with every generic type
parameterised, so that an annotation says what a list or a dict holds. To see its findings:
``.venv/bin/python -m mypy``.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT


def _ruff(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    exe = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if exe is None:
        pytest.skip("ruff is not installed: pip install -r requirements-dev.txt")
    return subprocess.run([exe, "check", "--output-format", "json", *args], cwd=ROOT,
                          input=stdin, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def findings() -> dict:
    """``{file: ["line:col code message", ...]}`` of ``ruff check`` on the repository."""
    done = _ruff(".")
    assert done.returncode in (0, 1), done.stderr
    out: dict[str, list] = {}
    for f in json.loads(done.stdout):
        where = Path(f["filename"]).resolve().relative_to(ROOT).as_posix()
        row, col = f["location"]["row"], f["location"]["column"]
        out.setdefault(where, []).append(f"{row}:{col} {f['code']} {f['message']}")
    return out


def test_ruff_passes(findings):
    assert not findings, "ruff finds (`.venv/bin/ruff check FILE`):\n" + "\n".join(
        f"{f}:{row}" for f, rows in sorted(findings.items()) for row in rows)


def test_ruff_reads_the_projects_rules():
    """The rules of pyproject.toml are in force, not ruff's defaults: a likely bug (bugbear)
    and an unsorted import are found, and lines are measured against 100 characters."""
    source = ("import sys\nimport os\n\nprint(os.sep, sys.argv)\n"
              "for i in range(3):\n    pass\n"
              f"x = '{'a' * 94}'\n"        # 100 characters: allowed
              f"y = '{'a' * 95}'\n")       # 101 characters: too long
    done = _ruff("--stdin-filename", "autograder/probe.py", "-", stdin=source)
    found = sorted((f["code"], f["location"]["row"]) for f in json.loads(done.stdout))
    assert found == [("B007", 5), ("E501", 8), ("I001", 1)], found


def _mypy(*args: str) -> subprocess.CompletedProcess:
    pytest.importorskip("mypy", reason="mypy is not installed: pip install -r requirements-dev.txt")
    return subprocess.run([sys.executable, "-m", "mypy", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)


def test_mypy_passes():
    """The autograder type-checks, parameterised types included (``[tool.mypy]`` in
    pyproject.toml). To see the findings: ``.venv/bin/python -m mypy``."""
    done = _mypy()
    assert done.returncode == 0, "mypy finds (`.venv/bin/python -m mypy`):\n" + done.stdout


def test_mypy_reads_the_projects_rules(tmp_path):
    """pyproject.toml's settings are in force: a bare ``list`` annotation (which hides what the
    list holds) and a wrong argument type are both found, and a parameterised one passes."""
    probe = tmp_path / "probe.py"
    probe.write_text("def f(x: list) -> int:\n    return len(x)\n\n\n"
                     "def g(x: list[int]) -> int:\n    return len(x)\n\n\n"
                     "g('no')\n")
    done = _mypy("--cache-dir", str(tmp_path / "cache"), str(probe))
    found = sorted((line.split(":")[1], line.rsplit("[", 1)[-1].rstrip("]"))
                   for line in done.stdout.splitlines() if ": error: " in line)
    assert found == [("1", "type-arg"), ("9", "arg-type")], done.stdout
