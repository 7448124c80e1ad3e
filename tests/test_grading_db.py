"""Nothing lost, idempotent: resume after a killed run, regrade one student, PostgreSQL.

* SQLite (the default): a grading run killed after its first student resumes without
  regrading that student; every student then has a state record, gradebook rows and a row in
  grades.csv.
* PostgreSQL (nbgrader's database URL): a throwaway server started by the test (``initdb`` and
  ``pg_ctl`` in a temporary folder, Unix socket only); a class is graded into it, then one
  student is regraded and no other student's rows change. Skipped, with the reason, where
  PostgreSQL or its Python driver is not installed.
"""
from __future__ import annotations

import csv
import glob
import io
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from autograder.instructor import course, grading

from .conftest import ROOT, make_helpers
from .support import GRADEBOOK_JOINS

SPRINT = "sprint0"
GRADE_ROWS = f"""
    SELECT st.id, a.name, bc.name, g.auto_score, g.manual_score, g.id {GRADEBOOK_JOINS}
    ORDER BY st.id, bc.name"""


def _class(tmp: Path, students: dict) -> Path:
    """``submitted/<student>/sprint0`` for each of ``students`` (name -> full marks?)."""
    release = course.release(tmp / "release", [SPRINT]) / SPRINT
    submitted = tmp / "submitted"
    for name, full in students.items():
        dest = submitted / name / SPRINT
        shutil.copytree(release, dest)
        if full:
            make_helpers(dest)
    return submitted


def _csv(out: Path) -> list:
    return list(csv.DictReader(open(out / "grades.csv", encoding="utf-8")))


@pytest.mark.slow
def test_a_killed_run_resumes_without_regrading_finished_students(tmp_path):
    if not list((ROOT / "notebooks").glob(f"{SPRINT}_*.ipynb")):
        pytest.skip(f"no {SPRINT} notebook")
    students = {"ann": True, "bob": False, "cyd": True}
    submitted = _class(tmp_path, students)
    out = tmp_path / "course"
    cmd = [sys.executable, "-m", "autograder", "grade", str(submitted), "--out", str(out),
           "--workers", "1", "--no-progress", "--sprint", SPRINT]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    first = None
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and proc.poll() is None:
        states = glob.glob(str(out / "state" / "*.json"))
        if states:
            first = Path(states[0])
            break
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)   # the run dies after its first student
    proc.wait()
    assert first is not None, "no student was graded before the deadline"
    assert len(list((out / "state").glob("*.json"))) < len(students)
    before = first.stat().st_mtime_ns
    summary = io.StringIO()
    code = grading.grade(submitted, out, sprints=[SPRINT], stream=summary, progress=False)
    assert code == 0, summary.getvalue()
    assert first.stat().st_mtime_ns == before      # not regraded
    assert "1 submission(s) already graded" in summary.getvalue()
    rows = _csv(out)
    assert sorted({r["student"] for r in rows}) == sorted(students)
    for name, full in students.items():
        got = sum(float(r["score"]) for r in rows if r["student"] == name)
        top = sum(float(r["max_score"]) for r in rows if r["student"] == name)
        assert (got == top) if full else (got == 0), (name, got)
    db = sqlite3.connect(out / "gradebook.db")
    graded = {r[0] for r in db.execute(GRADE_ROWS)}
    db.close()
    assert graded == set(students)


@pytest.mark.slow
def test_one_students_sprints_are_graded_at_once_by_two_workers(tmp_path):
    """Workers take submissions, not students: a new student's two sprints run in parallel
    (each nbgrader autograde would create the student: the grader does it first)."""
    sprints = ["sprint0", "sprint7"]
    if not all(list((ROOT / "notebooks").glob(f"{s}_*.ipynb")) for s in sprints):
        pytest.skip("needs the sprint 0 and sprint 7 notebooks")
    release = course.release(tmp_path / "release", sprints)
    submitted = tmp_path / "submitted"
    for sid in sprints:
        make_helpers(shutil.copytree(release / sid, submitted / "ann" / sid))
    out = tmp_path / "course"
    summary = io.StringIO()
    code = grading.grade(submitted, out, sprints=sprints, stream=summary, progress=False,
                         workers=2)
    assert code == 0, summary.getvalue()
    rows = _csv(out)
    assert {r["assignment"] for r in rows} == set(sprints)
    assert all(float(r["score"]) == float(r["max_score"]) for r in rows), rows
    db = sqlite3.connect(out / "gradebook.db")
    students = db.execute("SELECT id FROM student").fetchall()
    assignments = {r[1] for r in db.execute(GRADE_ROWS)}
    db.close()
    assert students == [("ann",)] and assignments == set(sprints)
    grading.ensure_students(course.nbgrader_api(out, {}), ["ann", "ben"])   # idempotent
    db = sqlite3.connect(out / "gradebook.db")
    assert sorted(db.execute("SELECT id FROM student").fetchall()) == [("ann",), ("ben",)]
    db.close()


# --------------------------------------------------------------------------- PostgreSQL
def _pg_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    hits = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return hits[-1] if hits else None


@pytest.fixture(scope="module")
def postgres(tmp_path_factory):
    """A throwaway PostgreSQL server on a Unix socket; yields its SQLAlchemy URL."""
    pytest.importorskip("psycopg", reason="the PostgreSQL driver psycopg is not installed "
                                          "(pip install -r requirements.txt)")
    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    if not (initdb and pg_ctl):
        pytest.skip("PostgreSQL is not installed (Debian package postgresql: "
                    "requirements-apt.txt)")
    import tempfile

    # not under pytest's folder: it is private to root, and the server runs as postgres
    tmp = Path(tempfile.mkdtemp(prefix="course-pg-"))
    data, sock = tmp / "data", tmp / "sock"
    sock.mkdir()
    run_as = []
    if os.geteuid() == 0:   # PostgreSQL refuses to run as root
        try:
            import pwd

            pw = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no postgres user to run the server")
        for p in (tmp, sock):
            os.chown(p, pw.pw_uid, pw.pw_gid)
        run_as = ["runuser", "-u", "postgres", "--"]
    port = 20000 + os.getpid() % 20000
    subprocess.run(run_as + [initdb, "-D", str(data), "-U", "grader", "--auth=trust", "-E",
                             "UTF8"], check=True, capture_output=True)
    opts = f"-k {sock} -p {port} -c listen_addresses=''"
    subprocess.run(run_as + [pg_ctl, "-D", str(data), "-o", opts, "-l", str(tmp / "log"),
                             "-w", "start"], check=True, capture_output=True)
    try:
        subprocess.run(run_as + [_pg_bin("createdb") or "createdb", "-h", str(sock), "-p",
                                 str(port), "-U", "grader", "course"],
                       check=True, capture_output=True)
        yield f"postgresql+psycopg://grader@/course?host={sock}&port={port}"
    finally:
        subprocess.run(run_as + [pg_ctl, "-D", str(data), "-m", "immediate", "stop"],
                       capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)


def _pg_rows(url: str) -> list:
    import sqlalchemy

    engine = sqlalchemy.create_engine(url)
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(sqlalchemy.text(GRADE_ROWS))]
    engine.dispose()
    return rows


@pytest.mark.slow
def test_postgresql_gradebook_and_regrading_one_student(postgres, tmp_path):
    if not list((ROOT / "notebooks").glob(f"{SPRINT}_*.ipynb")):
        pytest.skip(f"no {SPRINT} notebook")
    students = {"ann": True, "bob": False}
    submitted = _class(tmp_path, students)
    out = tmp_path / "course"
    summary = io.StringIO()
    code = grading.grade(submitted, out, sprints=[SPRINT], stream=summary, db_url=postgres,
                         progress=False)
    assert code == 0, summary.getvalue()
    assert not (out / "gradebook.db").exists()        # the grades went to PostgreSQL
    rows = _pg_rows(postgres)
    csv_rows = _csv(out)
    by_cell = {(s, cell): auto for s, _, cell, auto, _, _ in rows}
    for r in csv_rows:
        assert by_cell[(r["student"], r["exercise"].replace(".", "-"))] == \
            pytest.approx(float(r["score"])), r

    # bob fixes his code and is regraded: only his rows change
    make_helpers(submitted / "bob" / SPRINT)
    code = grading.grade(submitted, out, sprints=[SPRINT], stream=io.StringIO(),
                         db_url=postgres, regrade=["bob"], progress=False)
    assert code == 0
    after = _pg_rows(postgres)
    assert [r for r in after if r[0] == "ann"] == [r for r in rows if r[0] == "ann"]
    regraded = _csv(out)
    assert {r["student"] for r in regraded} == {"bob"}
    assert all(r["score"] == r["max_score"] for r in regraded), regraded
    bob = {cell: auto for s, _, cell, auto, _, _ in after if s == "bob"}
    for r in regraded:
        assert bob[r["exercise"].replace(".", "-")] == pytest.approx(float(r["score"]))
