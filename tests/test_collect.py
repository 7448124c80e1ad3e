"""Collecting a class: a learning platform's download (zip_collect style) and nbgrader's exchange.

The unit tests build small downloads by hand: good and bad entries side by side, hostile
archives (path traversal, links, a zip bomb, encryption). The slow test walks the two real
paths end to end: a student submits through nbgrader's exchange (``release_assignment``,
``fetch_assignment``, ``submit``, ``collect`` with ``Exchange.root`` in a temporary folder),
another arrives in a platform's zip; ``grade`` grades both and ``report`` reports them.
"""
from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from autograder.__main__ import main
from autograder.instructor import collect, course, grading

from .conftest import make_helpers, plant_mistake
from .support import SPRINT, course_repo, sprint_specs, visible_text, wrong_exercise

NB = f"{SPRINT}_perceptron.ipynb"


def zip_bytes(files: dict, links: dict | None = None, encrypted: bool = False) -> bytes:
    """A zip holding ``files`` ({name: text or bytes}) and symbolic links ``links``."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in files.items():
            zf.writestr(zipfile.ZipInfo(name), data)
        for name, target in (links or {}).items():
            info = zipfile.ZipInfo(name)
            info.external_attr = (0o120777 << 16)
            zf.writestr(info, target)
    data = bytearray(buf.getvalue())
    if encrypted:   # set the "encrypted" flag bit in every local and central header
        for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
            at = data.find(signature)
            while at >= 0:
                data[at + offset] |= 0x1
                at = data.find(signature, at + 4)
    return bytes(data)


def tar_bytes(files: dict, links: dict | None = None) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        for name, data in files.items():
            data = data.encode() if isinstance(data, str) else data
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
        for name, target in (links or {}).items():
            info = tarfile.TarInfo(name)
            info.type = tarfile.SYMTYPE
            info.linkname = target
            tf.addfile(info)
    return buf.getvalue()


def submission(module_text: str = "def AND(x1, x2):\n    return 1\n") -> dict:
    """A learner's assignment folder as a platform's per-student zip would hold it."""
    return {f"{SPRINT}/{NB}": '{"cells": []}', f"{SPRINT}/helpers/perceptron.py": module_text}


def write_download(path: Path, entries: dict) -> Path:
    """The platform's download: a zip with a wrapping folder, one entry per student."""
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in entries.items():
            zf.writestr(f"Sprint 1 - all submissions/{name}", data)
    return path


def problem_for(report, entry: str) -> str:
    hits = [p for p in report.problems if p.startswith(f"{entry}:")]
    assert len(hits) == 1, (entry, report.problems)
    return hits[0]


# --------------------------------------------------------------------------- the download
@pytest.fixture
def download(tmp_path):
    zip_path = write_download(tmp_path / "download.zip", {
        f"alice_{SPRINT}.zip": zip_bytes(submission()
                                         | {"__MACOSX/._helpers": "litter"}),
        f"bob_{SPRINT}_perceptron.py": "def AND(x1, x2):\n    return 0\n",
        f"bob_{SPRINT}_{NB}": '{"cells": []}',
        f"carol_{SPRINT}.tar.gz": tar_bytes(submission()),
        "dave.zip": zip_bytes(submission()),                      # misnamed
        f"erin_{SPRINT}.zip": b"this is not a zip file",           # unreadable
        "frank_sprint2.zip": zip_bytes(submission()),            # another assignment
        f"gina_{SPRINT}.zip": zip_bytes({"notes/readme.txt": "hello"}),  # no assignment
        f"hana_{SPRINT}.zip": zip_bytes({f"{SPRINT}/helpers/perceptron.py": "x = 1\n",
                                         "../../escaped.py": "evil", "/etc/evil": "evil"},
                                        links={f"{SPRINT}/helpers/layers.py":
                                               "/work/main/solutions/layers.py"}),
        f"ivan_{SPRINT}.zip": zip_bytes(submission(), encrypted=True),
        f"jun_{SPRINT}.zip": zip_bytes({"perceptron.py": "x = 2\n", "activations.py": ""}),
    })
    out = tmp_path / "submitted"
    return zip_path, out, collect.collect_zip(zip_path, SPRINT, out)


def test_good_entries_are_collected_into_nbgraders_layout(download):
    _, out, report = download
    assert [c.student for c in report.collected] == ["alice", "bob", "carol", "hana", "jun"]
    for student in ("alice", "carol"):
        folder = out / student / SPRINT
        assert (folder / NB).read_text() == '{"cells": []}'
        assert (folder / "helpers" / "perceptron.py").read_text().startswith("def AND")
        assert not (folder / "__MACOSX").exists()
    # loose files: .py into helpers/, the notebook at the top
    assert (out / "bob" / SPRINT / "helpers" / "perceptron.py").read_text().endswith("0\n")
    assert (out / "bob" / SPRINT / NB).is_file()
    # a zip of bare .py files: they go to helpers/
    assert sorted(p.name for p in (out / "jun" / SPRINT / "helpers").iterdir()) == \
        ["activations.py", "perceptron.py"]
    assert (out / collect.REPORT_NAME).read_text().strip() == report.render().strip()


def test_bad_entries_are_listed_with_a_reason_and_the_rest_goes_on(download):
    _, out, report = download
    assert "does not match the file-name pattern" in problem_for(report, "dave.zip")
    assert "not a readable zip archive" in problem_for(report, f"erin_{SPRINT}.zip")
    assert "for assignment sprint2, not sprint1" in problem_for(report, "frank_sprint2.zip")
    assert "neither a notebook nor a helpers/ folder" in problem_for(report, f"gina_{SPRINT}.zip")
    assert "password-protected" in problem_for(report, f"ivan_{SPRINT}.zip")
    for student in ("dave", "erin", "frank", "gina", "ivan"):
        assert not (out / student).exists(), student
    assert len(report.problems) == 5


def test_hostile_members_never_leave_the_folder(download, tmp_path):
    zip_path, out, report = download
    hana = next(c for c in report.collected if c.student == "hana")
    assert any("'../../escaped.py' would land outside" in n for n in hana.notes), hana.notes
    assert any("symbolic link" in n and "layers.py" in n for n in hana.notes), hana.notes
    assert not list(tmp_path.rglob("escaped.py"))
    assert not (tmp_path.parent / "escaped.py").exists()
    assert [p.name for p in (out / "hana" / SPRINT / "helpers").iterdir()] == ["perceptron.py"]
    assert not any(p.is_symlink() for p in out.rglob("*"))


@pytest.mark.parametrize("name", ["../evil.py", "/abs/evil.py", "C:/evil.py", "a/../../b",
                                  "..\\..\\evil.py", ""])
def test_escaping_member_names_are_refused(name):
    assert collect.safe_relative(name) is None


def test_safe_names_are_kept():
    assert str(collect.safe_relative("sprint1\\helpers\\a.py")) == "sprint1/helpers/a.py"
    assert str(collect.safe_relative("./sprint1//a.py")) == "sprint1/a.py"


def test_tar_links_and_a_zip_bomb_are_refused(tmp_path):
    tar = tmp_path / "x.tar.gz"
    tar.write_bytes(tar_bytes({"helpers/a.py": "x = 1\n"}, links={"helpers/b.py": "/etc/passwd"}))
    notes = collect.safe_extract(tar, tmp_path / "t")
    assert notes == ["link helpers/b.py left out"]
    assert [p.name for p in (tmp_path / "t" / "helpers").iterdir()] == ["a.py"]

    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("helpers/a.py", b"0" * 3_000_000)   # 3 MB of zeros: a few kB zipped
    assert bomb.stat().st_size < 50_000
    small = collect.Limits(max_total_bytes=1_000_000, max_file_bytes=1_000_000)
    with pytest.raises(collect.ArchiveError, match="more than the limit"):
        collect.safe_extract(bomb, tmp_path / "b", small)
    assert not list((tmp_path / "b").rglob("*.py"))
    many = tmp_path / "many.zip"
    many.write_bytes(zip_bytes({f"f{i}.py": "" for i in range(30)}))
    with pytest.raises(collect.ArchiveError, match="30 members"):
        collect.safe_extract(many, tmp_path / "m", collect.Limits(max_members=10))


def test_nested_archives_count_together_against_the_limits(tmp_path):
    """A zip of zips, each under the per-archive limit, must not expand without bound."""
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(f"{SPRINT}/helpers/a.py", b"0" * 400_000)   # 0.4 MB of zeros
    nested = zip_bytes({f"part{i}.zip": inner.getvalue() for i in range(5)})   # 2 MB in all
    limits = collect.Limits(max_total_bytes=1_000_000, max_file_bytes=1_000_000)
    download = write_download(tmp_path / "d.zip", {f"alice_{SPRINT}.zip": nested,
                                                    f"bob_{SPRINT}.zip": zip_bytes(submission())})
    report = collect.collect_zip(download, SPRINT, tmp_path / "out", limits=limits)
    assert [c.student for c in report.collected] == ["bob"]
    assert "archives inside archives count together" in problem_for(report, f"alice_{SPRINT}.zip")
    unpacked = sum(p.stat().st_size for p in (tmp_path / "out").rglob("*") if p.is_file())
    assert unpacked < 1_000_000


def test_one_unwritable_member_name_does_not_stop_the_others(tmp_path):
    """A 300-byte file name (past the file system's 255) in the download or a student's zip:
    that member is left out with a note, everyone else is collected."""
    long_name = "x" * 300 + ".py"
    download = write_download(tmp_path / "d.zip", {
        long_name: b"junk",
        f"alice_{SPRINT}.zip": zip_bytes(submission() | {f"{SPRINT}/helpers/{long_name}": ""}),
        f"bob_{SPRINT}.zip": zip_bytes(submission()),
    })
    report = collect.collect_zip(download, SPRINT, tmp_path / "out")
    assert [c.student for c in report.collected] == ["alice", "bob"]
    assert any("a name too long" in p for p in report.problems), report.problems
    alice = next(c for c in report.collected if c.student == "alice")
    assert any("a name too long" in n for n in alice.notes)
    assert (tmp_path / "out" / "alice" / SPRINT / "helpers" / "perceptron.py").is_file()


def test_a_whole_download_that_is_not_a_zip_is_reported(tmp_path):
    bad = tmp_path / "download.zip"
    bad.write_bytes(b"PK\x03\x04 truncated")
    report = collect.collect_zip(bad, SPRINT, tmp_path / "out")
    assert not report.collected
    assert report.problems == ["download.zip: not a readable zip archive (BadZipFile: "
                               "File is not a zip file); nothing collected"]


def test_an_unreadable_or_damaged_archive_says_which_and_why(tmp_path):
    """Not an archive at all, or one whose members cannot be read: an ArchiveError naming
    the kind of archive and the library's reason, never a traceback."""
    def refused(name: str, data: bytes) -> str:
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(collect.ArchiveError) as caught:
            collect.safe_extract(path, tmp_path / f"out-{name}")
        return str(caught.value)

    assert refused("junk.tar", b"not a tar at all" * 100).startswith(
        "not a readable tar archive (ReadError: ")
    noise = bytes(range(256)) * 40 + os.urandom(20_000)      # does not compress away
    whole = tar_bytes({"helpers/a.py": noise, "helpers/b.py": noise})
    assert refused("cut.tar.gz", whole[: len(whole) * 3 // 4]).startswith(
        "damaged tar archive (")
    good = zip_bytes({"helpers/a.py": "x = 1\n"})
    at = good.index(b"x = 1")
    flipped = good[:at] + b"y" + good[at + 1:]          # the member's data no longer its CRC
    assert refused("crc.zip", flipped) == \
        "damaged zip archive (BadZipFile: Bad CRC-32 for file 'helpers/a.py')"


def test_platform_folders_custom_pattern_timestamps_and_duplicates(tmp_path):
    """A Moodle-style unpacked download: a folder per student with the zip inside."""
    src = tmp_path / "moodle"
    for folder, files in {
        "Alice Smith_1001_assignsubmission_file_": {"sprint1.zip": zip_bytes(submission())},
        "山田 太郎_1002_assignsubmission_file_": {"提出.zip": zip_bytes(submission())},
    }.items():
        (src / folder).mkdir(parents=True)
        for name, data in files.items():
            (src / folder / name).write_bytes(data)
    pattern = r"^(?P<student_id>.+?)_\d+_assignsubmission_file_$"
    report = collect.collect_zip(src, SPRINT, tmp_path / "out", pattern=pattern)
    students = [c.student for c in report.collected]
    assert students == ["Alice_Smith", "山田_太郎"], report.render()
    assert (tmp_path / "out" / "山田_太郎" / SPRINT / "helpers" / "perceptron.py").is_file()
    assert not report.problems
    assert sorted(p.name for p in (src / "Alice Smith_1001_assignsubmission_file_").iterdir()) \
        == ["sprint1.zip"]   # the source folder is left as it was

    stamped = tmp_path / "canvas"
    stamped.mkdir()
    for name, marker in (("kai_2026-05-01T10-00_sprint1.zip", "early"),
                         ("kai_2026-05-02T09-00_sprint1.zip", "late")):
        (stamped / name).write_bytes(zip_bytes(submission(f"# {marker}\n")))
    pattern = r"^(?P<student_id>[^_]+)_(?P<timestamp>[\dT-]+)_(?P<assignment>sprint\d+)\.zip$"
    report = collect.collect_zip(stamped, SPRINT, tmp_path / "out2", pattern=pattern)
    folder = tmp_path / "out2" / "kai" / SPRINT
    assert (folder / "helpers" / "perceptron.py").read_text() == "# late\n"
    assert (folder / "timestamp.txt").read_text() == "2026-05-02T09-00"
    assert "kai: 2 submissions" in report.problems[0] and "latest timestamp" in report.problems[0]


def test_bad_patterns_and_overlaps_are_clear_errors(tmp_path, capsys):
    with pytest.raises(ValueError, match="no \\(\\?P<student_id>"):
        collect.compile_pattern(r"^(?P<name>\w+)")
    with pytest.raises(ValueError, match="not a regular expression"):
        collect.compile_pattern(r"^(?P<student_id>\w+")
    src = tmp_path / "src"
    src.mkdir()
    with pytest.raises(ValueError, match="overlap"):
        collect.collect_zip(src, SPRINT, src / "out")
    assert main(["collect-zip", str(tmp_path / "missing.zip"), "--assignment", SPRINT,
                 "--out", str(tmp_path / "o")]) == 2
    assert "no file or folder" in capsys.readouterr().err
    assert main(["collect-zip", str(src), "--assignment", SPRINT, "--out",
                 str(tmp_path / "o")]) == 1   # nothing collected


def test_command_line_collects_and_prints_the_report(download, tmp_path, capsys):
    zip_path, _, _ = download
    assert main(["collect-zip", str(zip_path), "--assignment", SPRINT,
                 "--out", str(tmp_path / "cli")]) == 0
    out = capsys.readouterr().out
    assert "Collected 5 submission(s) of sprint1" in out and "Not collected (5):" in out


# --------------------------------------------------------------------------- end to end
def nbgrader(args: list, cwd: Path, user: str, exchange: Path) -> None:
    env = dict(os.environ, USER=user, LOGNAME=user, JUPYTER_CONFIG_DIR=str(cwd / ".jupyter"))
    cmd = [str(Path(sys.executable).parent / "nbgrader"), *args,
           f"--Exchange.root={exchange}"]
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, (args, proc.stdout[-2000:], proc.stderr[-2000:])


@pytest.fixture(scope="module")
def class_graded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("class")
    repo = course_repo(tmp)
    specs = sprint_specs()
    course_dir = course.build_course(tmp / "course", [SPRINT], repo=repo)
    exchange = tmp / "exchange"
    exchange.mkdir()
    exchange.chmod(0o777)

    # nbgrader's exchange: release, a student fetches and submits, the instructor collects
    nbgrader(["release_assignment", SPRINT], course_dir, "teacher", exchange)
    home = tmp / "kenji"
    home.mkdir()
    nbgrader(["fetch_assignment", SPRINT, f"--course={course.COURSE_ID}"], home, "kenji",
             exchange)
    make_helpers(home / SPRINT)
    # (the student id is the login name; an explicit --student stands in for another login)
    nbgrader(["submit", SPRINT, f"--course={course.COURSE_ID}", "--student=kenji"], home,
             "kenji", exchange)
    # another learner submits the stubs, then turns her submitted copy (hers to write in the
    # exchange) into links to the reference and to a file only the instructor may read
    mallory = tmp / "mallory"
    mallory.mkdir()
    nbgrader(["fetch_assignment", SPRINT, f"--course={course.COURSE_ID}"], mallory, "mallory",
             exchange)
    nbgrader(["submit", SPRINT, f"--course={course.COURSE_ID}", "--student=mallory"], mallory,
             "mallory", exchange)
    secret = tmp / "instructor-only.txt"
    secret.write_text("INSTRUCTOR-ONLY")
    secret.chmod(0o600)
    inbound = exchange / course.COURSE_ID / "inbound"
    planted = next(inbound.glob(f"mallory+{SPRINT}+*"))
    for module in {s.module for s in specs}:
        (planted / "helpers" / f"{module}.py").unlink()
        (planted / "helpers" / f"{module}.py").symlink_to(repo / "solutions" / f"{module}.py")
    (planted / "notes.txt").symlink_to(secret)
    nbgrader(["collect", SPRINT], course_dir, "teacher", exchange)
    collected = course_dir / "submitted" / "kenji" / SPRINT
    # the course's own collect of the same exchange: links are not followed
    exchanged = collect.collect_exchange(inbound, SPRINT, tmp / "exchanged")

    # a platform's download for another: a zip of the assignment folder, one mistake in it
    release = course_dir / "release" / SPRINT
    wrong = wrong_exercise(specs)
    mistake = wrong.exercise.mistakes[0]
    entries = {}
    for student in ("bob",):
        folder = tmp / "work" / student / SPRINT
        shutil.copytree(release, folder)
        pkg = make_helpers(folder)
        plant_mistake(pkg, wrong.module, wrong.name, mistake.implementation)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            for p in sorted(folder.rglob("*")):
                if p.is_file():
                    zf.write(p, f"{SPRINT}/{p.relative_to(folder)}")
        entries[f"{student}_{SPRINT}.zip"] = buf.getvalue()
    download = write_download(tmp / "download.zip", entries)
    submitted = tmp / "submitted"
    shutil.copytree(collected, submitted / "kenji" / SPRINT)
    shutil.copytree(tmp / "exchanged" / "mallory" / SPRINT, submitted / "mallory" / SPRINT)
    report = collect.collect_zip(download, SPRINT, submitted)

    out = tmp / "grading"
    summary = io.StringIO()
    code = grading.grade(submitted, out, salt="class-salt", sprints=[SPRINT], repo=repo,
                         stream=summary)
    rows = list(csv.DictReader(open(out / "grades.csv", encoding="utf-8")))
    return {"tmp": tmp, "specs": specs, "collected": collected, "report": report,
            "course_dir": course_dir, "exchanged": exchanged, "repo": repo,
            "out": out, "code": code, "summary": summary.getvalue(), "rows": rows,
            "wrong": wrong, "hint": mistake.hint}


@pytest.mark.slow
def test_exchange_and_zip_submissions_are_graded_together(class_graded):
    g = class_graded
    assert (g["collected"] / "timestamp.txt").is_file()       # nbgrader collect's layout
    assert [c.student for c in g["report"].collected] == ["bob"]
    assert g["code"] == 0, g["summary"]
    scores = {}
    for r in g["rows"]:
        scores.setdefault(r["student"], {})[r["exercise"]] = float(r["score"])
    full = {s.id: s.points for s in g["specs"]}
    assert scores["kenji"] == full
    assert sum(scores["mallory"].values()) == 0   # her links to the reference were left out
    bob = scores["bob"]   # a known mistake: that exercise only loses points (partial credit)
    assert bob[g["wrong"].id] < full[g["wrong"].id]
    assert {k: v for k, v in bob.items() if k != g["wrong"].id} == \
        {k: v for k, v in full.items() if k != g["wrong"].id}


@pytest.mark.slow
def test_nbgraders_collect_follows_links_the_courses_does_not(class_graded):
    """Why the course has its own collect: nbgrader's copies the reference as her work."""
    g = class_graded
    module = g["specs"][0].module
    theirs = g["course_dir"] / "submitted" / "mallory" / SPRINT
    reference = (g["repo"] / "solutions" / f"{module}.py").read_bytes()
    assert (theirs / "helpers" / f"{module}.py").read_bytes() == reference
    assert (theirs / "notes.txt").read_text() == "INSTRUCTOR-ONLY"
    ours = {c.student: c for c in g["exchanged"].collected}
    assert set(ours) == {"kenji", "mallory"}
    mine = ours["mallory"].folder
    assert not (mine / "helpers" / f"{module}.py").exists()
    assert not (mine / "notes.txt").exists()
    assert any(f"helpers/{module}.py: a symbolic link" in n for n in ours["mallory"].notes)
    assert (mine / "timestamp.txt").is_file()
    assert _tree(ours["kenji"].folder) == _tree(g["collected"])


def _tree(folder: Path) -> dict:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and "__pycache__" not in p.parts}


@pytest.mark.slow
def test_nbgraders_feedback_lists_every_exercise_with_its_result_and_hint(class_graded):

    g = class_graded
    page = visible_text(next((g["out"] / "feedback" / "bob" / SPRINT).glob("*.html")))
    for spec in g["specs"]:
        assert spec.id in page, spec.id
    assert " ".join(f"Hint: {g['hint']}".split()) in " ".join(page.split())


@pytest.mark.slow
def test_report_of_the_graded_class(class_graded):
    from autograder.instructor import report

    g = class_graded
    written = report.write_report(g["out"])
    stats = written["stats"]
    assert [s.student for s in stats.students] == ["bob", "kenji", "mallory"]
    wrong = next(e for e in stats.exercises if e.exercise == g["wrong"].id)
    assert (wrong.passed, wrong.submissions) == (1, 3)   # kenji passed it
    assert wrong.hints.most_common(1) == [(g["hint"], 1)]
    page = (g["out"] / "results" / "bob" / f"{SPRINT}.html").read_text(encoding="utf-8")
    import html as html_lib
    assert html_lib.escape(g["hint"], quote=True) in page


def test_the_report_escapes_terminal_control_in_learners_names(tmp_path):
    download = write_download(tmp_path / "d.zip", {
        f"\x1b[2J\x1b]0;owned\x07eve_{SPRINT}.zip": b"not a zip",
        f"bob_{SPRINT}.zip": zip_bytes(submission()),
    })
    text = collect.collect_zip(download, SPRINT, tmp_path / "out").render()
    assert "\x1b" not in text and "\x07" not in text
    assert "\\x1b[2J" in text


def test_collect_exchange_takes_the_latest_and_follows_nothing(tmp_path):
    inbound = tmp_path / "inbound"
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET")
    old = inbound / f"ann+{SPRINT}+2026-01-01 10:00:00.000000 UTC+abc"
    new = inbound / f"ann+{SPRINT}+2026-01-02 10:00:00.000000 UTC+def"
    for folder, text in ((old, "old"), (new, "new")):
        (folder / "helpers").mkdir(parents=True)
        (folder / "helpers" / "perceptron.py").write_text(text)
        (folder / "timestamp.txt").write_text(folder.name.split("+")[2])
    (new / "helpers" / "layers.py").symlink_to(secret)
    (new / "data").symlink_to(tmp_path)
    os.link(secret, new / "hard.txt")
    os.mkfifo(new / "pipe")
    (inbound / f"glob*+{SPRINT}+2026-01-03 10:00:00.000000 UTC").mkdir()
    (inbound / f"ben+{SPRINT}+2026-01-03 10:00:00.000000 UTC").symlink_to(old)
    (inbound / "cat+sprint2+2026-01-03 10:00:00.000000 UTC").mkdir()
    report = collect.collect_exchange(inbound, SPRINT, tmp_path / "out")
    assert [c.student for c in report.collected] == ["ann"]
    ann = tmp_path / "out" / "ann" / SPRINT
    assert sorted(str(p.relative_to(ann)) for p in ann.rglob("*")) == \
        ["helpers", "helpers/perceptron.py", "timestamp.txt"]
    assert (ann / "helpers" / "perceptron.py").read_text() == "new"
    notes = "\n".join(report.collected[0].notes)
    for what in ("helpers/layers.py: a symbolic link", "data: a symbolic link",
                 "hard.txt: not a file of its own", "pipe: not a regular file"):
        assert what in notes, (what, notes)
    problems = "\n".join(report.problems)
    assert "glob*" in problems and "ben+" in problems and "cat+" not in problems
    assert secret.read_text() == "SECRET"
