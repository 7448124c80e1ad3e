"""The grader's repeated facts, each in one place: sprint order and notebooks (sprints.py), what
the grader takes of a helper file (intake.py), the course's base error (errors.py), the one
launcher that drops the grader's privileges (jail.child_launcher), and the resource limits of
every process that runs learner code (limits.py)."""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from autograder.__main__ import main
from autograder.instructor import jail
from autograder.learner import intake, sprints
from autograder.learner.errors import CourseError

from .conftest import ROOT


# --------------------------------------------------------------------------- sprints
def test_course_order_is_by_number_not_by_text():
    names = ["sprint10", "sprint2", "sprint1", "sprint0", "sprint9"]
    assert sorted(names, key=sprints.sprint_key) == ["sprint0", "sprint1", "sprint2", "sprint9",
                                                     "sprint10"]
    assert sprints.sprint_number("sprint10_framework.ipynb") == 10
    # a name that is no sprint's goes last, not first (and does not raise)
    assert sorted(["extra", "sprint3"], key=sprints.sprint_key) == ["sprint3", "extra"]


def test_sprint_notebooks_follow_the_naming_rule(tmp_path):
    for name in ["sprint10_framework.ipynb", "sprint2_forward.ipynb", "sprint2-copy.ipynb",
                 "sprint1_.ipynb", "notes.ipynb", "sprint1_perceptron.ipynb",
                 "sprint1_perceptron.py"]:
        (tmp_path / name).write_text("{}")
    assert [p.name for p in sprints.sprint_notebooks(tmp_path)] == [
        "sprint1_perceptron.ipynb", "sprint2_forward.ipynb", "sprint10_framework.ipynb"]
    assert [p.name for p in sprints.sprint_notebooks(tmp_path, "sprint1")] == [
        "sprint1_perceptron.ipynb"]
    assert sprints.sprint_notebooks(tmp_path, "sprint3") == []
    assert sprints.sprint_ids(tmp_path) == ["sprint1", "sprint2", "sprint10"]


def test_the_course_repository_has_one_notebook_per_sprint_in_order():
    ids = sprints.sprint_ids(ROOT / "notebooks")
    assert ids == [f"sprint{n}" for n in range(len(ids))] and len(ids) >= 11


# --------------------------------------------------------------------------- intake
@pytest.mark.parametrize("source, kind, line", [
    (b"def f(:\n    pass\n", "SyntaxError", 1),
    (b"x = 1\n\ndef f():\nreturn 1\n", "IndentationError", 4),
    (b"x = 1\x00\n", "ValueError", None),       # null bytes: not a SyntaxError everywhere
    ("x = '\udcff'\n".encode("utf-8", "surrogatepass"), "SyntaxError", 1),   # not UTF-8
])
def test_a_helper_that_does_not_compile_says_why(source, kind, line):
    failure = intake.compile_failure(source, "helpers/layers.py")
    assert failure is not None
    assert (failure.kind, failure.line) == (kind, line) or (
        kind == "ValueError" and failure.kind == "SyntaxError")   # Python 3.12+ says SyntaxError
    note = intake.compile_note("layers.py", source).english()
    assert note.startswith("helpers/layers.py ") and note.endswith("its exercises score 0")


def test_a_helper_that_compiles_is_taken_and_never_run(tmp_path):
    marker = tmp_path / "ran"
    source = f"open({str(marker)!r}, 'w').write('ran')\n".encode()
    assert intake.compile_failure(source, "helpers/x.py") is None
    assert intake.compile_note("x.py", source) is None
    assert not marker.exists()


def test_the_size_limit_is_inclusive():
    assert intake.size_note("a.py", b"x" * intake.MAX_HELPER_BYTES) is None
    assert intake.size_note("a.py", b"x" * (intake.MAX_HELPER_BYTES + 1)).english() == (
        "helpers/a.py is larger than 1000 kB: not graded")


# --------------------------------------------------------------------------- errors
def test_every_error_a_command_reports_is_a_course_error():
    from autograder.authoring.stubs import MarkerError
    from autograder.instructor.collect import ArchiveError
    from autograder.instructor.gradescope import GradescopeError
    from autograder.learner.pack import PackError

    for cls in (ArchiveError, GradescopeError, PackError, MarkerError):
        assert issubclass(cls, CourseError), cls
    assert issubclass(MarkerError, ValueError)      # callers that catch ValueError still do
    assert PackError.exit_code == 2 and GradescopeError.exit_code == 1


def test_the_command_line_reports_a_course_error_without_a_traceback(tmp_path, capsys):
    # PackError (exit 2): not an assignment folder
    assert main(["pack", "--folder", str(tmp_path), "--student", "bob"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "not an assignment folder" in err
    assert main(["gradescope", str(tmp_path / "x.zip"), "--sprint", "sprint99"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: no exercises for 'sprint99'; sprints: sprint0, sprint1, ")


def test_stubs_with_solutions_stop_the_gradescope_bundle_with_a_message(tmp_path, monkeypatch,
                                                                        capsys):
    from autograder.instructor import course

    def leaked(helpers):
        raise course.CourseError(f"{helpers}/layers.py still has ### BEGIN SOLUTION")
    monkeypatch.setattr(course, "_check_stubs", leaked)
    assert main(["gradescope", str(tmp_path / "x.zip"), "--sprint", "sprint1"]) == 1
    assert "still has ### BEGIN SOLUTION" in capsys.readouterr().err
    assert not (tmp_path / "x.zip").exists()


def test_a_bug_is_not_hidden_as_a_course_error(monkeypatch):
    from autograder.learner import pack

    def broken(*args, **kwargs):
        raise KeyError("a bug")
    monkeypatch.setattr(pack, "pack", broken)
    with pytest.raises(KeyError):
        main(["pack", "--student", "bob"])


# --------------------------------------------------------------------------- the privilege drop
needs_root = pytest.mark.skipif(os.geteuid() != 0 or not os.path.exists(jail.SETPRIV),
                                reason="dropping privileges needs root and setpriv")


def _job(tmp_path) -> tuple[Path, list]:
    job = tmp_path / "course-check-abc"
    (job / "pkg").mkdir(parents=True)
    script = tmp_path / "child.py"
    script.write_text("print('child')\n")
    return job, [sys.executable, "-I", str(script), "spec.json"]


@needs_root
def test_run_as_hands_over_the_job_folder_only(tmp_path):
    job, cmd = _job(tmp_path)
    secret = tmp_path / "secret.txt"
    secret.write_text("the reference")
    (job / "link").symlink_to(secret)       # a link to a file outside must not be handed over
    launch = jail.child_launcher(jail.Jail("none"), run_as=54321)
    argv, preexec = launch(cmd, job, memory=2 ** 30, cpu=10, file_size=2 ** 20)
    assert argv[:3] == [jail.SETPRIV, "--reuid=54321", "--regid=54321"]
    assert "--no-new-privs" in argv and argv[argv.index("--") + 1:] == [
        sys.executable, "-I", str(job / "runner" / "child.py"), "spec.json"]
    assert (job / "runner" / "child.py").read_text() == "print('child')\n"
    assert {p.lstat().st_uid for p in [job, *job.rglob("*")]} == {54321}
    assert secret.stat().st_uid == os.getuid()
    assert callable(preexec)


@needs_root
def test_run_as_refuses_a_folder_that_is_not_a_job_folder(tmp_path):
    _, cmd = _job(tmp_path)
    launch = jail.child_launcher(jail.Jail("none"), run_as=54321)
    with pytest.raises(jail.JailError):
        launch(cmd, tmp_path, memory=2 ** 30, cpu=10, file_size=2 ** 20)
    assert tmp_path.stat().st_uid == os.getuid()


def test_the_jail_module_stays_a_standalone_script():
    # the grading kernel runs autograder/instructor/jail.py by its path (`python .../jail.py
    # kernel ...`), never as a package the submission's own autograder/ folder could shadow: no
    # relative import
    import ast

    tree = ast.parse((ROOT / "autograder" / "instructor" / "jail.py").read_text(encoding="utf-8"))
    relative = [n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level]
    assert relative == []


def test_the_jail_run_by_path_takes_the_graders_limits_not_a_planted_copy(tmp_path):
    """The kernel's launcher imports the limits from the grader's tree, whatever the working
    folder (a submission) or PYTHONPATH hold: a planted ``autograder/learner/limits.py`` that
    would write a file when imported is never imported."""
    import subprocess

    planted = tmp_path / "autograder" / "learner"
    planted.mkdir(parents=True)
    for init in (tmp_path / "autograder" / "__init__.py", planted / "__init__.py"):
        init.write_text("")
    (planted / "limits.py").write_text(
        "open(__file__ + '.imported', 'w').close()\nclass Limits: pass\n"
        "def preexec(*a, **k): pass\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    proc = subprocess.run([sys.executable, str(ROOT / "autograder" / "instructor" / "jail.py")],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert "usage: jail.py kernel CONNECTION_FILE" in proc.stderr, proc.stderr
    assert not (planted / "limits.py.imported").exists()


def test_one_implementation_sets_resource_limits():
    """``setrlimit`` is called in one module; the checker's child and the jail share it."""
    import ast

    from autograder.learner import limits, sandbox

    callers = sorted(
        str(path.relative_to(ROOT)) for path in (ROOT / "autograder").rglob("*.py")
        if any(isinstance(n, ast.Attribute) and n.attr == "setrlimit"
               for n in ast.walk(ast.parse(path.read_text(encoding="utf-8")))))
    assert callers == ["autograder/learner/limits.py"]
    assert jail.Limits is limits.Limits and jail.preexec is limits.preexec
    assert sandbox.limits is limits


@pytest.mark.parametrize("processes", [False, True])
def test_the_limits_hold_in_the_child(processes):
    import resource
    import subprocess

    probe = ("import resource as r; print(*(r.getrlimit(x)[0] for x in (r.RLIMIT_AS, "
             "r.RLIMIT_CPU, r.RLIMIT_FSIZE, r.RLIMIT_CORE, r.RLIMIT_NPROC)))")
    want = jail.Limits(memory=2 ** 31, cpu=7, file_size=2 ** 20, processes=4096)
    out = subprocess.run([sys.executable, "-I", "-c", probe], capture_output=True, text=True,
                         preexec_fn=jail.preexec(want, processes=processes), timeout=60)
    nproc = 4096 if processes else resource.getrlimit(resource.RLIMIT_NPROC)[0]
    assert out.stdout.split() == [str(v) for v in (2 ** 31, 7, 2 ** 20, 0, nproc)], out.stderr


def test_without_a_jail_or_a_user_the_launcher_only_sets_limits(tmp_path):
    job, cmd = _job(tmp_path)
    argv, preexec = jail.child_launcher(jail.Jail("none"))(cmd, job, memory=2 ** 30, cpu=10,
                                                          file_size=2 ** 20)
    assert argv == cmd and not (job / "runner").exists() and callable(preexec)


@needs_root
@pytest.mark.skipif(not os.path.exists("/usr/bin/python3"), reason="no system Python")
def test_the_dropped_child_really_runs_as_that_user():
    import subprocess
    import tempfile

    top = Path(tempfile.mkdtemp(prefix="one-source-"))   # pytest's own folders are root's only
    try:
        top.chmod(0o755)
        job, _ = _job(top)
        probe = top / "probe.py"
        probe.write_text("import os, resource\n"
                         "print(os.getuid(), os.getgid(), os.getgroups(),"
                         " resource.getrlimit(resource.RLIMIT_NPROC)[0])\n")
        python = os.path.realpath("/usr/bin/python3")   # not one in root's home
        launch = jail.child_launcher(jail.Jail("none"), processes=32, run_as=54321)
        argv, preexec = launch([python, "-I", str(probe), "x"], job, memory=2 ** 31, cpu=10,
                               file_size=2 ** 20)
        out = subprocess.run(argv, preexec_fn=preexec, capture_output=True, text=True,
                             timeout=60, cwd=job)
    finally:
        shutil.rmtree(top, ignore_errors=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["54321", "54321", "[]", "32"]
