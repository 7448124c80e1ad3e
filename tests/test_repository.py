"""The repository as a newcomer meets it: README commands, CI, pinned requirements, no junk."""
from __future__ import annotations

import re
import subprocess

from .conftest import ROOT


def test_ci_runs_exactly_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"^\./course test\b", readme, re.M), "README shows the test command"
    assert re.search(r"^\./course start\b", readme, re.M), "README shows the start command"
    assert re.search(r"^exec \./course test$", ci, re.M)


def test_course_script_knows_its_commands_and_fails_on_an_unknown_one():
    out = subprocess.run([str(ROOT / "course"), "help"], capture_output=True, text=True)
    assert out.returncode == 0
    for cmd in ("start", "test", "check", "setup"):
        assert f"./course {cmd}" in out.stdout
    bad = subprocess.run([str(ROOT / "course"), "fly"], capture_output=True, text=True)
    assert bad.returncode == 2 and "unknown command: fly" in bad.stderr


def test_course_script_treats_no_collected_test_as_failure():
    text = (ROOT / "course").read_text()
    assert "[ $status -eq 5 ]" in text and "exit 1" in text


def test_runtime_requirements_are_pinned():
    for name in ("requirements.txt", "requirements-dev.txt", "requirements-oracle.txt"):
        for line in (ROOT / name).read_text().splitlines():
            line = line.split("#", 1)[0].strip()
            if line and not line.startswith("-r"):
                assert re.fullmatch(r"[A-Za-z0-9_.\-]+==[0-9][\w.]*", line), f"{name}: {line}"


def test_the_oracle_is_not_a_course_dependency():
    assert "torch" not in (ROOT / "requirements.txt").read_text()
    assert "torch" not in (ROOT / "requirements-dev.txt").read_text()


def test_no_generated_files_are_tracked():
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                           check=True).stdout.splitlines()
    if not files:  # not a git checkout (an exported copy): nothing to say
        return
    junk = [f for f in files if re.search(
        r"(^|/)(\.venv|__pycache__|\.ipynb_checkpoints|\.pytest_cache|autograded|feedback|"
        r"submitted)(/|$)|\.db$|\.pyc$", f)]
    assert junk == []


def test_tests_change_the_environment_through_monkeypatch_only():
    """A variable set in ``os.environ`` by hand outlives the test that set it (and leaks into
    every later test of the worker): tests use ``monkeypatch.setenv`` / ``delenv``, which
    pytest undoes, or pass ``env=`` to the process they start."""
    writes = re.compile(r"os\.environ(\[[^\]]+\]\s*=[^=]|\.(update|pop|setdefault|clear)\()"
                        r"|del\s+os\.environ|os\.(putenv|unsetenv)\(")
    for path in sorted((ROOT / "tests").glob("*.py")):
        found = [m.group(0) for m in writes.finditer(path.read_text(encoding="utf-8"))]
        assert not found, f"{path.name} changes os.environ by hand ({found}): use monkeypatch"


def test_test_modules_share_through_the_support_module_only():
    """Shared helpers and fixtures live in tests/support.py (fixtures reach every test through
    conftest.py); no test module imports another, and PyTorch is skipped for one reason."""
    tests = ROOT / "tests"
    for path in sorted(tests.glob("*.py")):
        text = path.read_text(encoding="utf-8")
        imports = re.findall(r"^\s*(?:from\s+(?:\.|tests\.)(test_\w+)\s+import|import\s+"
                             r"(?:tests\.)?(test_\w+))", text, flags=re.M)
        assert not imports, f"{path.name} imports test modules {imports}: use tests/support.py"
        if path.name != "support.py":
            assert not re.search(r"importorskip\(\s*[\"']torch", text), (
                f"{path.name}: take the `torch` fixture of tests/support.py instead")
