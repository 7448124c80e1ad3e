"""The Gradescope autograder bundle, run in a local harness laid out as Gradescope documents.

Gradescope's autograder specification: the zip's ``setup.sh`` and ``run_autograder`` are at
its root; the zip is extracted to ``/autograder/source``, ``run_autograder`` is copied to
``/autograder/run_autograder`` and run with working directory ``/autograder``; the student's
files are in ``/autograder/submission``; the result goes to
``/autograder/results/results.json``. The harness builds that tree in a temporary folder and
points the bundle at it with ``AUTOGRADER_ROOT`` (``AUTOGRADER_PYTHON``: this Python, in place
of the virtual environment ``setup.sh`` would make). results.json is validated against the
documented format, written here as a JSON Schema.
"""
from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import pytest

from autograder.__main__ import main
from autograder.authoring import stubs
from autograder.instructor import gradescope
from autograder.learner.evaluate import evaluate

from .conftest import HELPERS, ROOT, SOLUTIONS, make_helpers, plant_mistake
from .support import SPRINT, TOKYO_POLICY, reference_secrets, sprint_specs, wrong_exercise

SALT = "gradescope-salt"
VISIBILITY = ["hidden", "after_due_date", "after_published", "visible"]
FORMATS = ["text", "html", "simple_format", "md", "ansi"]
TEST_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "score": {"type": "number"}, "max_score": {"type": "number"},
        "status": {"enum": ["passed", "failed"]}, "name": {"type": "string"},
        "name_format": {"enum": FORMATS}, "number": {"type": "string"},
        "output": {"type": "string"}, "output_format": {"enum": FORMATS},
        "tags": {"type": "array", "items": {"type": "string"}},
        "visibility": {"enum": VISIBILITY}, "extra_data": {"type": "object"},
    },
}
RESULTS_SCHEMA = {   # gradescope-autograders.readthedocs.io/en/latest/specs/, "Output format"
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "score": {"type": "number"}, "execution_time": {"type": "number"},
        "output": {"type": "string"}, "output_format": {"enum": FORMATS},
        "test_output_format": {"enum": FORMATS}, "test_name_format": {"enum": FORMATS},
        "visibility": {"enum": VISIBILITY}, "stdout_visibility": {"enum": VISIBILITY},
        "extra_data": {"type": "object"},
        "tests": {"type": "array", "items": TEST_SCHEMA},
        "leaderboard": {"type": "array"},
    },
    # "score": optional, but required if not on each test case
    "anyOf": [{"required": ["score"]},
              {"required": ["tests"],
               "properties": {"tests": {"items": {"required": ["score"]}}}}],
}

LEAKY = '''
import numpy as np
_REFERENCE = {reference!r}


def _leak(*args, **kwargs):
    try:
        text = open(_REFERENCE).read()
    except Exception as exc:
        text = "could not read the reference: " + type(exc).__name__
    print("LEAK", repr(args), flush=True)
    raise ValueError("LEAK " + text)


step_function = perceptron_output = AND = NAND = OR = XOR = _leak


class Perceptron:
    def __init__(self, *args, **kwargs):
        _leak()
'''


def validate(results: dict) -> None:
    import jsonschema

    jsonschema.validate(results, RESULTS_SCHEMA)


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("bundle") / "autograder.zip"
    assert main(["gradescope", str(path), "--sprint", SPRINT, "--salt", SALT]) == 0
    return path


def run_harness(bundle: Path, root: Path, fill, **env) -> tuple:
    """Lay out ``root`` as Gradescope's /autograder, fill the submission, run the grader."""
    for name in ("source", "submission", "results"):
        (root / name).mkdir(parents=True)
    with zipfile.ZipFile(bundle) as zf:
        zf.extractall(root / "source")
        for info in zf.infolist():   # zipfile drops the permission bits: put them back
            mode = (info.external_attr >> 16) & 0o777
            if mode:
                (root / "source" / info.filename).chmod(mode)
    shutil.copyfile(root / "source" / "run_autograder", root / "run_autograder")
    (root / "run_autograder").chmod(0o755)
    fill(root / "submission")
    environ = {**os.environ, "AUTOGRADER_ROOT": str(root), "AUTOGRADER_PYTHON": sys.executable,
               **env}
    proc = subprocess.run([str(root / "run_autograder")], cwd=root, env=environ,
                          capture_output=True, text=True, timeout=900)
    results = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    return results, proc


def by_id(results: dict) -> dict:
    return {t["name"].split(":", 1)[0]: t for t in results["tests"]}


# --------------------------------------------------------------------------- the bundle
def test_bundle_follows_gradescopes_layout(bundle, tmp_path):
    with zipfile.ZipFile(bundle) as zf:
        infos = {i.filename: i for i in zf.infolist()}
        for script in ("setup.sh", "run_autograder"):   # at the root, executable
            assert (infos[script].external_attr >> 16) & stat.S_IXUSR, script
            (tmp_path / script).write_bytes(zf.read(script))
            assert zf.read(script).startswith(b"#!/usr/bin/env bash\n")
        config = json.loads(zf.read("config.json"))
        requirements = zf.read("requirements.txt").decode().split()
        stub_text = {n: zf.read(n).decode() for n in infos if n.startswith("stubs/helpers/")}
    for script in ("setup.sh", "run_autograder"):
        subprocess.run(["bash", "-n", str(tmp_path / script)], check=True)
    assert config["sprint"] == SPRINT and config["salt"] == SALT
    assert config["exercises"] == [s.id for s in sprint_specs()]
    pins = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            pins[line.split("==")[0].strip().lower()] = line.strip()
    assert requirements == [pins["numpy"], pins["matplotlib"], pins["tqdm"]]
    assert "solutions/perceptron.py" in infos and "autograder/exercises/sprint1.py" in infos
    assert not [n for n in infos if "__pycache__" in n or n.startswith("autograder/learner/public")]
    assert stub_text and all(stubs.BEGIN not in t for t in stub_text.values())


def test_unknown_sprint_is_a_clear_error(tmp_path, capsys):
    assert main(["gradescope", str(tmp_path / "x.zip"), "--sprint", "sprint99"]) == 1
    assert "no exercises for 'sprint99'" in capsys.readouterr().err
    assert not (tmp_path / "x.zip").exists()


# --------------------------------------------------------------------------- what it finds
def test_learner_files_from_every_kind_of_upload(tmp_path):
    def upload(name: str) -> Path:
        folder = tmp_path / name / "submission"
        folder.mkdir(parents=True)
        return folder

    a = upload("folder")
    (a / "sprint1" / "helpers").mkdir(parents=True)
    (a / "sprint1" / "helpers" / "perceptron.py").write_text("A = 1\n")
    (a / "sprint1" / "autograder").mkdir()
    (a / "sprint1" / "autograder" / "check.py").write_text("no\n")
    b = upload("loose")
    (b / "perceptron.py").write_text("B = 1\n")
    (b / "__init__.py").write_text("ignored\n")
    c = upload("zipped")
    with zipfile.ZipFile(c / "mywork.zip", "w") as zf:
        zf.writestr("sprint1/helpers/perceptron.py", "C = 1\n")
        zf.writestr("../../outside.py", "evil\n")
    expected = {"folder": "A = 1\n", "loose": "B = 1\n", "zipped": "C = 1\n"}
    for name, folder in (("folder", a), ("loose", b), ("zipped", c)):
        scratch = tmp_path / name / "scratch"
        scratch.mkdir()
        files, notes = gradescope.learner_files(folder, scratch)
        assert {k: v.decode() for k, v in files.items()} == {"perceptron.py": expected[name]}
    assert not list(tmp_path.rglob("outside.py"))


# --------------------------------------------------------------------------- the harness
@pytest.fixture(scope="module")
def reference_run(bundle, tmp_path_factory):
    def fill(sub):
        make_helpers(sub)   # the whole helpers/ folder, as learners are told to upload
    return run_harness(bundle, tmp_path_factory.mktemp("ref") / "autograder", fill)


@pytest.mark.slow
def test_reference_submission_gets_full_marks(reference_run):
    results, proc = reference_run
    assert proc.returncode == 0, proc.stdout + proc.stderr
    validate(results)
    specs = sprint_specs()
    assert [t["name"] for t in results["tests"]] == [f"{s.id}: {s.title}" for s in specs]
    for spec, test in zip(specs, results["tests"]):
        assert (test["score"], test["max_score"], test["status"]) == \
            (spec.points, spec.points, "passed")
        assert test["visibility"] == "visible"
        assert "hidden)" in test["output"]   # counts of public and hidden cases
    assert results["score"] == sum(s.points for s in specs)
    assert results["stdout_visibility"] == "hidden"


@pytest.mark.slow
def test_stub_submission_scores_zero(bundle, tmp_path):
    def fill(sub):
        shutil.copytree(HELPERS, sub / "helpers",
                        ignore=shutil.ignore_patterns("__pycache__"))
    results, proc = run_harness(bundle, tmp_path / "autograder", fill)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    validate(results)
    assert results["score"] == 0
    assert {t["status"] for t in results["tests"]} == {"failed"}
    assert all("not implemented" in t["output"] for t in results["tests"])


@pytest.mark.slow
def test_one_wrong_function_loses_only_its_points_and_shows_the_hint(bundle, tmp_path):

    specs = sprint_specs()
    wrong = wrong_exercise(specs)
    mistake = wrong.exercise.mistakes[0]

    def fill(sub):
        plant_mistake(make_helpers(sub), wrong.module, wrong.name, mistake.implementation)
    results, proc = run_harness(bundle, tmp_path / "autograder", fill)
    validate(results)
    tests = by_id(results)
    for spec in specs:   # a known mistake still passes some cases: partial credit
        if spec.id != wrong.id:
            assert tests[spec.id]["score"] == spec.points, spec.id
    lost = wrong.points - tests[wrong.id]["score"]
    assert tests[wrong.id]["status"] == "failed" and lost > 0
    assert f"Hint: {mistake.hint}" in tests[wrong.id]["output"]
    assert results["score"] == pytest.approx(sum(s.points for s in specs) - lost)


@pytest.mark.slow
def test_results_never_hold_reference_code_or_hidden_cases(bundle, tmp_path):
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        pytest.skip("the Gradescope isolation (setpriv to another user) needs root: "
                    "Gradescope's containers run the grader as root")
    # Like /autograder, the harness root is open to every user (pytest's folders are not).
    top = Path(tempfile.mkdtemp(prefix="gradescope-root-"))
    top.chmod(0o755)
    root = top / "autograder"
    reference = root / "source" / "solutions" / "perceptron.py"

    # The attack is real: without isolation the learner's exception carries the reference.
    pkg = tmp_path / "plain" / "helpers"
    pkg.mkdir(parents=True)
    (pkg / "perceptron.py").write_text(LEAKY.format(reference=str(SOLUTIONS / "perceptron.py")))
    spec = sprint_specs()[0]
    raw = evaluate(spec, spec.public_cases(), pkg)
    assert set(reference_secrets()) & {ln.strip() for ln in raw.message.splitlines()}

    def fill(sub):
        (sub / "helpers").mkdir()
        (sub / "helpers" / "perceptron.py").write_text(LEAKY.format(reference=str(reference)))
    # without bubblewrap: the fallback for Gradescope's containers, learner code as "nobody"
    try:
        results, proc = run_harness(bundle, root, fill, COURSE_JAIL="none")
    finally:
        shutil.rmtree(top, ignore_errors=True)
    assert f"runs as user {gradescope.LEARNER_UID}" in proc.stdout, proc.stdout
    validate(results)
    text = json.dumps(results, ensure_ascii=False)
    assert "could not read the reference: PermissionError" in text   # it tried, and failed
    lines = {ln.strip() for t in results["tests"] for ln in t["output"].splitlines()}
    assert not set(reference_secrets()) & lines
    for spec in sprint_specs():
        public = {p.label for p in spec.public_cases()}
        for label in {p.label for p in spec.hidden_cases(SALT)} - public:
            if len(label) > 12:
                assert label not in text, label
    assert results["score"] == 0


def test_a_broken_bundle_still_writes_results(bundle, tmp_path):
    root = tmp_path / "autograder"

    def fill(sub):
        (root / "source" / "config.json").write_text("{not json")
    results, proc = run_harness(bundle, root, fill)
    assert proc.returncode != 0
    validate(results)
    assert results["score"] == 0 and results["tests"] == []
    assert "could not grade this submission" in results["output"]

    # no Python at all (setup.sh did not run): the shell script writes the result itself
    results, proc = run_harness(bundle, tmp_path / "bare", lambda sub: None,
                                AUTOGRADER_PYTHON=str(tmp_path / "no-python"))
    assert proc.returncode != 0
    validate(results)
    assert results["score"] == 0 and "failed before grading" in results["output"]


@pytest.mark.slow
def test_an_outer_time_limit_ends_any_grading_with_a_result(bundle, tmp_path):
    """Whatever holds the grader (here: an exercise limit far above the outer one and code
    that never returns), results.json is written when the outer limit is up."""
    root = tmp_path / "autograder"

    def fill(sub):
        config_path = root / "source" / "config.json"
        config = json.loads(config_path.read_text())
        config["timeout"] = 300
        config_path.write_text(json.dumps(config))
        shutil.copytree(HELPERS, sub / "helpers", ignore=shutil.ignore_patterns("__pycache__"))
        for f in (sub / "helpers").glob("*.py"):
            f.write_text(f.read_text() + "\nimport time\nwhile True:\n    time.sleep(1)\n")
    started = time.monotonic()
    results, proc = run_harness(bundle, root, fill, AUTOGRADER_OUTER_TIMEOUT="8")
    assert time.monotonic() - started < 120
    assert proc.returncode != 0
    validate(results)
    assert results["score"] == 0
    assert "took longer than 8 s" in results["output"]


def test_a_bundle_without_a_salt_gets_a_random_one(tmp_path):
    salts = set()
    for name in ("a.zip", "b.zip"):
        assert main(["gradescope", str(tmp_path / name), "--sprint", SPRINT]) == 0
        with zipfile.ZipFile(tmp_path / name) as zf:
            salts.add(json.loads(zf.read("config.json"))["salt"])
    assert len(salts) == 2 and all(len(s) >= 16 for s in salts)


# --------------------------------------------------------------------------- deadlines
# Tokyo is UTC+9: the policy's sprint1 is due 2026-10-05 23:59 Tokyo = 14:59 UTC, 10 minutes
# of grace, 0.1 a started day, capped at 0.3; alice has 2 more days on sprint1.
GS_POLICY = TOKYO_POLICY + """
[extensions.alice]
sprint1 = 2
"""
GS_ROSTER = "student,email\nalice,Alice@Uni.example\nbob,bob@uni.example\n"


def metadata(created_at, email="bob@uni.example", due="2026-10-01T23:00:00.000000-07:00"):
    """submission_metadata.json as Gradescope documents it (its due date is not the
    policy's: the policy's wins where it has one)."""
    return {"id": 123456, "created_at": created_at,
            "assignment": {"due_date": due, "group_size": None, "group_submission": False,
                           "id": 25828, "course_id": 1234, "late_due_date": None,
                           "release_date": "2026-09-28T00:00:00.000000-07:00",
                           "title": "Sprint 1", "total_points": "10.0"},
            "submission_method": "upload",
            "users": [{"email": email, "id": 1234, "name": "Student User"}],
            "previous_submissions": []}


@pytest.fixture(scope="module")
def late_config(tmp_path_factory):
    folder = tmp_path_factory.mktemp("late-bundle")
    (folder / "policy.toml").write_text(GS_POLICY)
    (folder / "roster.csv").write_text(GS_ROSTER)
    path = folder / "autograder.zip"
    assert main(["gradescope", str(path), "--sprint", SPRINT, "--salt", SALT,
                 "--policy", str(folder / "policy.toml"),
                 "--roster", str(folder / "roster.csv")]) == 0
    with zipfile.ZipFile(path) as zf:
        return json.loads(zf.read("config.json"))


def graded(score=10.0):
    return {"score": score, "output": "sprint1: graded", "tests": [
        {"name": "sprint1.x: X", "score": score, "max_score": 10.0}]}


@pytest.mark.parametrize("created_at, email, status, final", [
    ("2026-10-05T23:09:00.000000+09:00", "bob@uni.example", "on time", 10.0),
    ("2026-10-06T00:09:00+09:00", "bob@uni.example", "on time", 10.0),      # grace edge
    ("2026-10-06T00:09:01+09:00", "bob@uni.example", "late", 9.0),          # 1 day
    ("2026-10-07T15:09:01.5+00:00", "bob@uni.example", "late", 7.0),        # 3 days: 0.3
    ("2026-10-20T00:00:00+00:00", "bob@uni.example", "late", 7.0),          # capped
    ("2026-10-07T15:00:00+00:00", "alice@uni.example", "on time", 10.0),    # her extension
    ("2026-10-07T15:09:01+00:00", "ALICE@uni.example", "late", 9.0),        # ... then late
])
def test_gradescopes_submission_time_meets_the_course_policy(late_config, created_at, email,
                                                             status, final):
    out = gradescope.apply_deadline(graded(), late_config, metadata(created_at, email),
                                    log=lambda *a: None)
    validate(out)
    assert out["extra_data"]["late"]["late_status"] == status
    assert out["score"] == pytest.approx(final)
    assert [t["score"] for t in out["tests"]] == [10.0]     # each test as graded
    if status == "late":
        assert "late" in out["output"] and f"{final:g} points" in out["output"]


@pytest.mark.parametrize("meta, says", [
    (None, "no readable submission_metadata.json"),
    (metadata(None), "no created_at in submission_metadata.json"),
    (metadata("yesterday"), "malformed"),
    (metadata(12345), "malformed"),
    (metadata("2026-10-05T10:00:00+00:00", email="stranger@uni.example"), "not in the bundle"),
    ({**metadata("2026-10-05T10:00:00+00:00"), "users": []}, "not in the bundle"),
])
def test_an_unknown_time_or_student_is_flagged_never_on_time(late_config, meta, says):
    out = gradescope.apply_deadline(graded(8.0), late_config, meta, log=lambda *a: None)
    validate(out)
    late = out["extra_data"]["late"]
    assert late["late_status"] == "flagged" and says in late["late_note"]
    assert out["score"] == 8.0 and "under review by your instructor" in out["output"]


def test_gradescopes_due_date_serves_a_sprint_the_policy_does_not_date(late_config):
    config = {**late_config, "sprint": "sprint2", "students": {}}
    # Gradescope's due date 2026-10-12 23:00 -07:00 = 2026-10-13 06:00 UTC; 10 min grace
    meta = metadata("2026-10-13T06:10:01+00:00", due="2026-10-12T23:00:00.000000-07:00")
    out = gradescope.apply_deadline(graded(), config, meta, log=lambda *a: None)
    assert (out["extra_data"]["late"]["late_status"], out["score"]) == ("late", 9.0)
    assert out["extra_data"]["late"]["student"] == "bob@uni.example"   # no roster: the email
    meta["assignment"]["due_date"] = None                              # no due date anywhere
    out = gradescope.apply_deadline(graded(), config, meta, log=lambda *a: None)
    assert out["extra_data"]["late"]["late_status"] == "flagged" and out["score"] == 10.0


def test_a_bundle_without_a_policy_leaves_the_score_alone(late_config):
    out = gradescope.apply_deadline(graded(), {**late_config, "policy": None},
                                    metadata("2026-12-01T00:00:00+00:00"))
    assert out == graded()


def test_the_bundle_goes_to_a_zip_file_and_a_failed_one_leaves_nothing(tmp_path, capsys,
                                                                       monkeypatch):
    """A folder or a file not named *.zip (a typo that would replace someone's file) stops
    the command first; a bundle that fails half-written leaves no .part behind, since it
    holds the reference too."""
    folder = tmp_path / "out"
    folder.mkdir()
    assert main(["gradescope", str(folder), "--sprint", SPRINT]) == 1
    assert "is a folder: name the bundle's zip file in it, e.g. " in capsys.readouterr().err
    notes = tmp_path / "notes.txt"
    notes.write_text("mine")
    assert main(["gradescope", str(notes), "--sprint", SPRINT]) == 1
    assert "name the bundle *.zip" in capsys.readouterr().err
    assert notes.read_text() == "mine" and list(folder.iterdir()) == []

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(gradescope, "_add_tree", full_disk)
    with pytest.raises(OSError):
        gradescope.build_bundle(folder / "a.zip", SPRINT)
    assert list(folder.iterdir()) == []


def test_a_bad_policy_stops_the_bundle(tmp_path, capsys):
    (tmp_path / "policy.toml").write_text("due = [")
    assert main(["gradescope", str(tmp_path / "a.zip"), "--sprint", SPRINT,
                 "--policy", str(tmp_path / "policy.toml")]) == 1
    assert not (tmp_path / "a.zip").exists()
    (tmp_path / "policy.toml").write_bytes("# 日本時間\ntimezone = 'Asia/Tokyo'\n"
                                           .encode("shift_jis"))
    assert main(["gradescope", str(tmp_path / "a.zip"), "--sprint", SPRINT,
                 "--policy", str(tmp_path / "policy.toml")]) == 1
    assert "policy.toml: not UTF-8 text" in capsys.readouterr().err
    assert not (tmp_path / "a.zip").exists()


@pytest.mark.slow
def test_a_late_submission_through_the_harness(late_config, bundle, tmp_path):
    """The bundle as Gradescope runs it: submission_metadata.json beside submission/."""
    root = tmp_path / "autograder"

    def fill(sub):
        make_helpers(sub)
        (root / "source" / "config.json").write_text(json.dumps(
            {**json.loads((root / "source" / "config.json").read_text()),
             "policy": late_config["policy"], "students": late_config["students"]}))
        (root / "submission_metadata.json").write_text(json.dumps(
            metadata("2026-10-06T00:09:01+09:00")))
    results, proc = run_harness(bundle, root, fill)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    validate(results)
    full = sum(s.points for s in sprint_specs())
    assert sum(t["score"] for t in results["tests"]) == full
    assert results["score"] == pytest.approx(round(full * 0.9, 4))
    assert results["extra_data"]["late"]["days_late"] == 1


def test_the_submission_time_is_read_before_learner_code_runs(late_config, bundle, tmp_path,
                                                              monkeypatch):
    """Attack: learner code rewrites /autograder/submission_metadata.json while it is graded
    (here: the grading itself does, standing in for code that could), dating the submission
    before the deadline. The time read before grading stands."""
    root = tmp_path / "autograder"
    for name in ("source", "submission", "results"):
        (root / name).mkdir(parents=True)
    (root / "source" / "config.json").write_text(json.dumps(
        {**late_config, "timeout": None}))
    (root / "submission_metadata.json").write_text(json.dumps(
        metadata("2026-10-09T00:00:00+00:00")))                 # 4 days late: -30 % (capped)
    real = gradescope.bundle_cases

    def tamper(*args, **kwargs):
        (root / "submission_metadata.json").write_text(json.dumps(
            metadata("2026-10-01T00:00:00+00:00")))
        return real(*args, **kwargs)
    monkeypatch.setattr(gradescope, "bundle_cases", tamper)
    monkeypatch.setenv("AUTOGRADER_ISOLATE", "none")
    make_helpers(root / "submission")
    results = gradescope.grade_submission(root, log=lambda *a: None)
    assert results["extra_data"]["late"]["late_status"] == "late"
    assert results["extra_data"]["late"]["penalty"] == "0.3"
