"""``python -m autograder check --hidden``: the instructor's check on public and hidden cases."""
from __future__ import annotations

import json
import subprocess
import sys

from autograder.instructor.course import copy_checker

from .conftest import ROOT, make_helpers


def _run(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "autograder", "check", *args], cwd=cwd,
                          capture_output=True, text=True)


def test_the_reference_passes_every_public_and_hidden_case(reference_helpers):
    proc = _run("sprint0", "--hidden", "--helpers", str(reference_helpers))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = [line for line in proc.stdout.splitlines() if line.startswith("✔ PASS")]
    assert len(lines) == 5, proc.stdout
    public = _run("sprint0", "--helpers", str(reference_helpers), "--json")
    n_public = {r["id"]: r["total"] for r in json.loads(public.stdout)}
    hidden = _run("sprint0", "--hidden", "--helpers", str(reference_helpers), "--json")
    for row in json.loads(hidden.stdout):
        assert row["status"] == "passed" and row["total"] > n_public[row["id"]], row


def test_a_mistake_only_hidden_cases_reveal_fails_with_hidden_and_passes_without(tmp_path):
    # `out = X.copy(); out += b` passes every public case of add_bias; the docstring allows
    # integer X, and a hidden case has one (a float b cannot be added into an int array).
    pkg = make_helpers(tmp_path)
    path = pkg / "warmup.py"
    path.write_text(path.read_text() + "\n\ndef add_bias(X, b):\n    out = X.copy()\n"
                    "    out += b\n    return out\n")
    public = _run("sprint0.add_bias", "--helpers", str(pkg))
    assert public.returncode == 0, public.stdout
    hidden = _run("sprint0.add_bias", "--hidden", "--helpers", str(pkg))
    assert hidden.returncode == 1, hidden.stdout
    assert "✘" in hidden.stdout and "hidden case" in hidden.stdout, hidden.stdout
    assert "sprint0" in hidden.stdout.splitlines()[-1]      # the same summary as `check`


def test_the_salt_changes_the_hidden_cases(reference_helpers):
    a = json.loads(_run("sprint1.and_gate", "--hidden", "--json", "--salt", "one",
                        "--helpers", str(reference_helpers)).stdout)
    assert a[0]["status"] == "passed"
    assert _run("sprint1.and_gate", "--salt", "one").returncode == 2   # --salt needs --hidden


def test_in_a_learner_release_hidden_is_refused_with_an_explanation(tmp_path):
    copy_checker(ROOT / "autograder", tmp_path / "autograder")   # as a release has it
    make_helpers(tmp_path)
    proc = _run("--hidden", cwd=tmp_path)
    assert proc.returncode != 0
    assert "instructor command" in proc.stderr and "course repository" in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr
