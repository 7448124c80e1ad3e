"""Grade on Gradescope: the autograder bundle, and what runs inside it.

``python -m autograder gradescope OUT.zip --sprint sprintN [--salt SECRET]`` writes the zip
to upload as a Gradescope *programming assignment*'s autograder. It follows Gradescope's
autograder specification (gradescope-autograders.readthedocs.io, "Autograder
Specifications"): at the root of the zip

``setup.sh``
    run once when Gradescope builds the image: installs Python (3.11 or newer) if the base
    image lacks it and a virtual environment ``/autograder/venv`` with the pinned NumPy,
    Matplotlib and tqdm of the course's ``requirements.txt``;
``run_autograder``
    run for every submission, working directory ``/autograder``: grades the learner's
    ``helpers/*.py`` from ``/autograder/submission`` with the course's trusted grader
    (public and hidden cases in separate child processes, exactly as ``grade`` does) and
    writes ``/autograder/results/results.json``;

and the grader-side files it needs: ``autograder/`` (with the exercise declarations),
``solutions/`` (the reference), ``stubs/helpers/`` (the generated stubs, standing in for a
module the learner did not upload) and ``config.json`` (sprint, salt, time limit). This is
the instructor's bundle: it holds the reference and must not be shared with learners. What
learners see is ``results.json``: per exercise a test with ``name``, ``score``,
``max_score``, ``status``, ``visibility`` and an ``output`` holding the same text as a check
cell's feedback (the first failing *public* case and the hints; hidden cases only as counts
and "hidden case N of M: kind of problem"). Never a hidden input or reference code.

The learner reads results.json in the course's language when the bundle was built
(``COURSE_LANG=ja python -m autograder gradescope ...``: ``config.json``'s ``lang``): the
tests' outputs, the top-level output and the grader's notes on the upload (:class:`Note`
records, rendered when results.json is written).

``AUTOGRADER_ROOT`` (default ``/autograder``) moves the whole tree, for a local rehearsal
(``docs/class.md``; ``tests/test_gradescope.py`` lays it out in a temporary folder);
``AUTOGRADER_PYTHON`` is the Python ``run_autograder`` uses (default the ``venv`` that
``setup.sh`` made). Learner code runs as an unprivileged user that cannot read
``/autograder/source`` (the reference) when the grader is root and ``setpriv`` exists (as
in Gradescope's images), or in bubblewrap when :mod:`autograder.instructor.jail` finds it working;
``AUTOGRADER_ISOLATE=none`` turns this off.
"""
from __future__ import annotations

import json
import os
import shutil
import stat
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict

from ..learner.errors import CourseError
from ..learner.i18n import N_, _, language, speaking
from ..learner.intake import compile_note, size_note
from ..learner.notes import Note
from ..learner.sprints import sprint_key

if TYPE_CHECKING:
    from ..learner.registry import Spec
    from .trusted import PreparedExercise, Trusted

ROOT = Path(__file__).resolve().parents[2]
ENV_ROOT = "AUTOGRADER_ROOT"
ENV_PYTHON = "AUTOGRADER_PYTHON"
ENV_ISOLATE = "AUTOGRADER_ISOLATE"
GRADER_PACKAGES = ("numpy", "matplotlib", "tqdm")   # what a learner's helper may import
LEARNER_UID = 65534   # "nobody": learner code runs as this user when the grader is root

SETUP_SH = r"""#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image.
# It makes /autograder/venv with the course's pinned packages (requirements.txt).
set -euo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"
cd "$ROOT/source"

pick_python() {
  for py in python3.13 python3.12 python3.11 python3; do
    if command -v "$py" >/dev/null 2>&1 &&
       "$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
      echo "$py"; return 0
    fi
  done
  return 1
}

if ! PY="$(pick_python)"; then
  # Older base images (Ubuntu 22.04) have Python 3.10: add 3.11 from the distribution.
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y python3.11 python3.11-venv
  PY="$(pick_python)"
fi
if ! "$PY" -m venv "$ROOT/venv"; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y "$(basename "$PY")-venv"
  "$PY" -m venv "$ROOT/venv"
fi
"$ROOT/venv/bin/python" -m pip install --no-cache-dir --upgrade pip
"$ROOT/venv/bin/python" -m pip install --no-cache-dir -r "$ROOT/source/requirements.txt"
"$ROOT/venv/bin/python" -c "import numpy; print('numpy', numpy.__version__, 'ready')"
"""

RUN_AUTOGRADER = r"""#!/usr/bin/env bash
# Gradescope runs this for each submission (working directory /autograder).
# AUTOGRADER_ROOT moves the /autograder tree (a local rehearsal); AUTOGRADER_PYTHON picks the
# Python (default: the venv made by setup.sh).
ROOT="${AUTOGRADER_ROOT:-/autograder}"
PY="${AUTOGRADER_PYTHON:-$ROOT/venv/bin/python}"
mkdir -p "$ROOT/results"
if cd "$ROOT/source"; then
  "$PY" -m autograder.instructor.gradescope --root "$ROOT"
  status=$?
else
  status=1
fi
if [ ! -s "$ROOT/results/results.json" ]; then
  # The grader itself failed before writing anything: say so instead of a blank result.
  msg="The autograder failed before grading this submission. Please tell your instructor."
  printf '{"score": 0, "output": "%s", "tests": []}\n' "$msg" > "$ROOT/results/results.json"
fi
exit $status
"""

BUNDLE_README = """This is the course's Gradescope autograder for {sprint}.
It contains the reference solutions: upload it to Gradescope, never share it with learners.
Built with `python -m autograder gradescope` ({built}). See docs/class.md in the course.
"""


class GradescopeError(CourseError):
    """The bundle cannot be built (an unknown sprint, stubs with solutions in them...)."""


class BundleConfig(TypedDict, total=False):
    """The bundle's ``config.json`` (:func:`build_bundle`; an older bundle may lack a key)."""

    sprint: str
    salt: str
    timeout: float | None        # seconds per exercise; None: the checker's default
    policy: str | None           # the course's policy file (TOML text), if any
    students: dict[str, str]     # email (lower case): the course's student id
    exercises: list[str]
    lang: str
    modules: list[str]
    built: str
    outer_timeout: float         # seconds for one submission in all (set by hand)


#: Gradescope's ``submission_metadata.json`` (JSON as Gradescope writes it), or a results.json
Json = dict[str, Any]
#: what grading logs for the instructor (Gradescope shows it in the autograder's output)
Log = Callable[[str], None]


# --------------------------------------------------------------------------- building
def grader_requirements(repo: Path = ROOT) -> list[str]:
    """The pinned lines of ``requirements.txt`` for :data:`GRADER_PACKAGES`."""
    lines = (Path(repo) / "requirements.txt").read_text(encoding="utf-8").splitlines()
    pins = {}
    for ln in lines:
        ln = ln.split("#", 1)[0].strip()
        name = ln.split("==", 1)[0].strip().lower()
        if "==" in ln and name in GRADER_PACKAGES:
            pins[name] = ln
    missing = [p for p in GRADER_PACKAGES if p not in pins]
    if missing:
        raise GradescopeError(f"requirements.txt pins no version of {', '.join(missing)}")
    return [pins[p] for p in GRADER_PACKAGES]


def _sprint_specs(sprint: str) -> list[Spec]:
    from ..learner.registry import load_exercises

    specs = [s for s in load_exercises() if s.sprint == sprint]
    if not specs:
        known = sorted({s.sprint for s in load_exercises()}, key=sprint_key)
        raise GradescopeError(f"no exercises for {sprint!r}; sprints: {', '.join(known)}")
    return specs


def _add_file(zf: zipfile.ZipFile, arcname: str, data: bytes, mode: int = 0o644) -> None:
    info = zipfile.ZipInfo(arcname, date_time=(2020, 1, 1, 0, 0, 0))
    info.external_attr = (stat.S_IFREG | mode) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    zf.writestr(info, data)


def _add_tree(zf: zipfile.ZipFile, folder: Path, prefix: str, skip: Iterable[str] = (),
              ) -> list[str]:
    added = []
    for path in sorted(folder.rglob("*.py")):
        rel = path.relative_to(folder)
        if "__pycache__" in rel.parts or any(rel.is_relative_to(s) for s in skip):
            continue
        _add_file(zf, f"{prefix}/{rel.as_posix()}", path.read_bytes())
        added.append(f"{prefix}/{rel.as_posix()}")
    return added


def bundle_students(roster: Path | None) -> dict[str, str]:
    """``{email (lower case): course student id}`` from the roster (:func:`lms.load_roster`):
    how the bundle names the student of a Gradescope submission."""
    if roster is None:
        return {}
    from .lms import load_roster

    out: dict[str, str] = {}
    for student, row in load_roster(roster).items():
        email = (row.get("email") or "").strip().lower()
        if email:
            if email in out:
                raise GradescopeError(f"{roster}: email {email} given to {out[email]} and "
                                      f"{student}")
            out[email] = student
    return out


def build_bundle(out_zip: Path, sprint: str, *, salt: str | None = None,
                 timeout: float | None = None, repo: Path = ROOT,
                 policy: Path | None = None, roster: Path | None = None) -> Path:
    """Write the Gradescope autograder zip for ``sprint`` to ``out_zip``.

    Without a ``salt`` the bundle gets a random one: its hidden cases differ from every
    other bundle's (pass the same ``salt`` to grade two classes alike). ``policy``: the
    course's deadline policy (:mod:`autograder.instructor.policy`), applied to each submission's
    time from Gradescope's ``submission_metadata.json``; ``roster``: the course's roster, whose
    ``email`` column names the student of a submission (else the email itself is the id)."""
    import secrets

    from . import course
    from .policy import PolicyError, parse_policy
    from .policy import policy_text as read_policy

    out_zip = Path(out_zip)
    if out_zip.is_dir():
        raise GradescopeError(f"{out_zip} is a folder: name the bundle's zip file in it, e.g. "
                              f"{out_zip / (sprint + '-gradescope.zip')}")
    if out_zip.suffix.lower() != ".zip":
        raise GradescopeError(f"{out_zip}: name the bundle *.zip (Gradescope takes a zip file; "
                              "an existing file of that name would be replaced)")
    salt = secrets.token_hex(16) if salt is None else salt
    policy_text = None
    if policy is not None:
        try:
            policy_text = read_policy(Path(policy))
            parse_policy(policy_text)
        except (OSError, PolicyError) as exc:
            raise GradescopeError(f"{policy}: {exc}") from None
    repo = Path(repo)
    specs = _sprint_specs(sprint)
    try:
        course._check_stubs(repo / "helpers")
    except course.CourseError as exc:
        raise GradescopeError(str(exc)) from None
    out_zip.parent.mkdir(parents=True, exist_ok=True)
    config: BundleConfig = {
        "sprint": sprint, "salt": salt, "timeout": timeout, "policy": policy_text,
        "students": bundle_students(Path(roster) if roster else None),
        "exercises": [s.id for s in specs], "lang": language(),
        "modules": sorted({s.module for s in specs}),
        "built": time.strftime("%Y-%m-%d %H:%M:%S")}
    tmp = out_zip.with_name(out_zip.name + ".part")
    try:
        _write_bundle(tmp, config, repo, sprint)
        tmp.replace(out_zip)
    finally:
        tmp.unlink(missing_ok=True)   # a half-written bundle holds the reference too
    return out_zip


def _write_bundle(path: Path, config: BundleConfig, repo: Path, sprint: str) -> None:
    with zipfile.ZipFile(path, "w") as zf:
        _add_file(zf, "setup.sh", SETUP_SH.encode(), 0o755)
        _add_file(zf, "run_autograder", RUN_AUTOGRADER.encode(), 0o755)
        _add_file(zf, "requirements.txt",
                  ("\n".join(grader_requirements(repo)) + "\n").encode())
        _add_file(zf, "config.json", json.dumps(config, indent=2).encode())
        _add_file(zf, "README.txt", BUNDLE_README.format(sprint=sprint,
                                                         built=config["built"]).encode())
        _add_tree(zf, repo / "autograder", "autograder", skip=("learner/public",))
        _add_tree(zf, repo / "solutions", "solutions")
        for stub in sorted((repo / "helpers").glob("*.py")):
            _add_file(zf, f"stubs/helpers/{stub.name}", stub.read_bytes())


# --------------------------------------------------------------------------- the submission
def _shallowest_helpers(folder: Path) -> Path | None:
    found = [p for p in folder.rglob("helpers") if p.is_dir() and not p.is_symlink()
             and not any(part.startswith((".", "__MACOSX")) for part in p.parts)]
    return min(found, key=lambda p: (len(p.parts), str(p)), default=None)


def learner_files(submission: Path, scratch: Path) -> tuple[dict[str, bytes], list[Note]]:
    """``({file name: bytes}, notes)``: the learner's ``helpers/*.py`` in a submission, and
    the grader's notes on it (:class:`Note`).

    Learners upload their ``helpers/`` folder, their whole assignment folder, a zip of it,
    or just the ``.py`` files: the shallowest ``helpers/`` folder wins, else the ``.py``
    files at the top. Archives are unpacked safely
    (:func:`autograder.instructor.collect.safe_extract`).
    """
    from .collect import ArchiveError, is_archive, safe_extract

    notes = []
    roots = [submission]
    for archive in sorted(p for p in submission.iterdir() if p.is_file() and is_archive(p)):
        dest = Path(tempfile.mkdtemp(prefix="upload-", dir=scratch))
        try:
            notes += [Note.text(n) for n in safe_extract(archive, dest)]
            roots.append(dest)
        except ArchiveError as exc:
            notes.append(Note.of(N_("{archive}: {problem}"), archive=archive.name,
                                 problem=str(exc)))
    folder = None
    for root in roots:
        folder = _shallowest_helpers(root)
        if folder is not None:
            break
    if folder is None:
        loose = [p for root in roots for p in root.glob("*.py")]
        if loose:
            notes.append(Note.of(N_("no helpers/ folder in the submission: graded the .py files "
                                    "at its top")))
        candidates = loose
    else:
        candidates = sorted(folder.glob("*.py"))
    files = {}
    for p in candidates:
        if p.name == "__init__.py" or p.is_symlink() or not p.is_file():
            continue
        data = p.read_bytes()
        if note := size_note(p.name, data):
            notes.append(note)
            continue
        files[p.name] = data
    return files, notes


# --------------------------------------------------------------------------- isolation
def _can_run_as(uid: int) -> bool:
    """Whether this Python (and NumPy) starts for ``uid`` (it may live in root's home)."""
    import subprocess

    from .jail import drop_privileges

    cmd = [*drop_privileges(uid), "--", sys.executable, "-I", "-c", "import numpy"]
    try:
        return subprocess.run(cmd, cwd="/", capture_output=True, timeout=60).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def isolate(source: Path) -> str:
    """Keep learner code away from the reference; returns how (for the instructor's log)."""
    from ..learner import sandbox
    from . import jail

    if os.environ.get(ENV_ISOLATE, "").strip().lower() == "none":
        return f"{ENV_ISOLATE}=none: learner code is not isolated"
    try:
        j = jail.detect()
        if j.isolated:
            sandbox.set_launcher(jail.child_launcher(j))
            return "learner code runs in bubblewrap"
    except Exception:  # noqa: BLE001 - bubblewrap unusable here
        pass
    if os.geteuid() == 0 and shutil.which(jail.SETPRIV) and _can_run_as(LEARNER_UID):
        os.chmod(source, 0o700)
        sandbox.set_launcher(jail.child_launcher(jail.Jail("none"), run_as=LEARNER_UID))
        return f"learner code runs as user {LEARNER_UID}; {source} is readable by root only"
    return ("learner code is not isolated (not root, no setpriv, or this Python does not "
            f"start for user {LEARNER_UID})")


# --------------------------------------------------------------------------- grading
def test_entry(number: int, spec: Spec, trusted: Trusted) -> Json:
    """One exercise as a Gradescope test (the output is the check cell's feedback text)."""
    from .trusted import trusted_text

    r = trusted.result
    return {"name": f"{spec.id}: {spec.title}", "number": str(number),
            "score": float(r.score), "max_score": float(spec.points),
            "status": "passed" if r.ok else "failed",
            "output": trusted_text(trusted), "output_format": "text",
            "visibility": "visible"}


def grade_submission(root: Path, log: Log = print) -> Json:
    """Grade ``root/submission`` with ``root/source/config.json``; returns results.json's dict,
    in the bundle's language (``config.json``'s ``lang``; a bundle without one: the course's
    language on the grading machine)."""
    start = time.perf_counter()
    config: BundleConfig = json.loads((root / "source" / "config.json").read_text(
        encoding="utf-8"))
    with speaking(config.get("lang")):
        return _grade_submission(root, config, start, log)


def _grade_submission(root: Path, config: BundleConfig, start: float, log: Log) -> Json:
    from .trusted import grade_exercises

    source, submission = root / "source", root / "submission"
    specs = _sprint_specs(config["sprint"])
    metadata = read_metadata(root)   # read before any learner code runs, used as read here
    log(isolate(source))
    notes: list[Note] = []
    with tempfile.TemporaryDirectory(prefix="gradescope-") as tmp:
        scratch = Path(tmp)
        files, notes = (learner_files(submission, scratch) if submission.is_dir()
                        else ({}, [Note.of(N_("nothing was submitted"))]))
        helpers = scratch / "helpers"
        helpers.mkdir()
        for stub in sorted((source / "stubs" / "helpers").glob("*.py")):
            shutil.copyfile(stub, helpers / stub.name)
        for name, data in files.items():
            (helpers / name).write_bytes(data)
            if note := compile_note(name, data):
                notes.append(note)
        for module in dict.fromkeys(s.module for s in specs):
            if f"{module}.py" not in files:
                notes.append(Note.of(N_("helpers/{file} was not submitted: its exercises score "
                                        "0 (upload your helpers/ folder)"),
                                     file=f"{module}.py"))
        tests = []
        prepared = bundle_cases(config, specs, metadata, log)
        for number, (spec, trusted) in enumerate(
                zip(specs, grade_exercises(prepared, helpers, config.get("timeout"))), 1):
            tests.append(test_entry(number, spec, trusted))
            log(f"{spec.id}: {trusted.result.score:g}/{spec.points:g} {trusted.result.status}")
    score = round(sum(t["score"] for t in tests), 2)
    top = sum(t["max_score"] for t in tests)
    lines = [_("{sprint}: {score} of {points} points, graded on public and hidden cases by "
               "the course's grader.").format(sprint=config["sprint"], score=f"{score:g}",
                                               points=f"{top:g}")]
    lines += [f"- {note.render()}" for note in notes]
    results = {"score": score, "execution_time": round(time.perf_counter() - start, 1),
               "output": "\n".join(lines), "output_format": "text",
               "visibility": "visible", "stdout_visibility": "hidden", "tests": tests}
    return apply_deadline(results, config, metadata, log)


# --------------------------------------------------------------------------- deadlines
METADATA_FILE = "submission_metadata.json"


def bundle_cases(config: BundleConfig, specs: list[Spec], metadata: Json | None,
                 log: Log = print, now: datetime | None = None) -> list[PreparedExercise]:
    """``[(spec, public, hidden)]`` for one submission, as the course's policy says:
    hidden cases of the student's own when ``[hidden] per_student`` (the student named by
    :func:`submission_student`), revealed after the deadline when ``[hidden]
    reveal_after_deadline`` and the sprint is over for the whole class by *this machine's*
    clock (never the submission's time)."""
    from .policy import parse_policy, parse_timestamp
    from .trusted import for_student, prepare_sprint

    salt = config.get("salt") or ""
    policy_text = config.get("policy")
    rules = parse_policy(policy_text) if policy_text else None
    sprint = config["sprint"]
    revealed = False
    if rules is not None:
        due = ((metadata or {}).get("assignment") or {}).get("due_date") \
            if isinstance((metadata or {}).get("assignment"), dict) else None
        if due:
            try:
                rules = rules.with_due(sprint, parse_timestamp(str(due), rules.zone))
            except ValueError:
                pass
        revealed = rules.reveals(sprint, now or datetime.now(UTC))
    prepared = prepare_sprint(specs, salt, revealed)
    if rules is not None and rules.hidden.per_student:
        student = submission_student(config, metadata)
        if student:
            prepared = for_student(prepared, salt, student)
            log(f"hidden cases of {student}'s own")
        else:
            log("per-student hidden cases asked, but the submission names no user: the "
                "course's hidden cases")
    return prepared


def read_metadata(root: Path) -> Json | None:
    """Gradescope's ``/autograder/submission_metadata.json`` (None: absent or unreadable).

    Its documented fields used here: ``created_at`` (the submission time, ISO 8601 with an
    offset), ``assignment.due_date`` and ``users`` (``email``, ``id``, ``name``; several for a
    group submission)."""
    try:
        doc = json.loads((Path(root) / METADATA_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return doc if isinstance(doc, dict) else None


def submission_student(config: BundleConfig, metadata: Json | None) -> str | None:
    """The course's student id of a submission: its (first) user's email, mapped through
    the bundle's roster (``config["students"]``); the email itself when the roster has none."""
    users = (metadata or {}).get("users")
    if not isinstance(users, list) or not users or not isinstance(users[0], dict):
        return None
    email = str(users[0].get("email") or "").strip().lower()
    if not email:
        return None
    return (config.get("students") or {}).get(email, email)


def apply_deadline(results: Json, config: BundleConfig, metadata: Json | None,
                   log: Log = print) -> Json:
    """``results`` with the course's late policy applied (when the bundle has one).

    The submission time is Gradescope's ``created_at``; the due date is the policy's for the
    sprint (with the student's extensions and accommodation), or Gradescope's own
    ``assignment.due_date`` where the policy gives none. A late submission's top-level
    ``score`` is the tests' sum less the penalty (the tests keep their scores as graded); a
    submission whose time or due date is missing or unreadable keeps its score and is
    **flagged** in the output for the instructor, never taken as on time. ``extra_data`` holds
    the record (:data:`autograder.instructor.policy.LATE_COLUMNS`)."""
    from .policy import FLAGGED, LATE, Lateness, assess, final_score, parse_policy, parse_timestamp

    policy_text = config.get("policy")
    if not policy_text:
        return results
    policy = parse_policy(policy_text)
    sprint = config["sprint"]
    student = submission_student(config, metadata)
    if metadata is None:
        rec = Lateness(student or "?", sprint, FLAGGED, None, None,
                       note=f"no readable {METADATA_FILE}: the submission time is unknown")
    elif config.get("students") and student not in config["students"].values():
        # a roster was bundled: an unknown student might be owed an extension
        rec = Lateness(student or "?", sprint, FLAGGED, None, None,
                       note="the submission's user is not in the bundle's roster")
    else:
        due = (metadata.get("assignment") or {}).get("due_date") \
            if isinstance(metadata.get("assignment"), dict) else None
        if due:
            try:
                policy = policy.with_due(sprint, parse_timestamp(str(due), policy.zone))
            except ValueError:
                pass   # the policy's own due date, or flagged for want of one
        stamp = metadata.get("created_at")
        rec = assess(policy, student or "?", sprint,
                     stamp if isinstance(stamp, str) or stamp is None else "\ufffd",
                     source=f"created_at in {METADATA_FILE}")
    raw = float(results.get("score", 0.0))
    final = float(final_score(raw, rec.penalty))
    # the policy's own note (rec.note: an extension, why a time is unreadable) stays English
    when = {"submitted": rec.submitted.isoformat() if rec.submitted else "",
            "due": rec.due.isoformat() if rec.due else "",
            "note": f" ({rec.note})" if rec.note else ""}
    if rec.status == LATE:
        line = _("Submitted {submitted}, due {due}{note}: {days} day(s) late, -{penalty} by "
                 "the course's late policy: {final} points (graded {raw}).").format(
                     **when, days=rec.days_late, penalty=f"{rec.penalty:.0%}",
                     final=f"{final:g}", raw=f"{raw:g}")
    elif rec.status == FLAGGED:
        line = _("The lateness of this submission is under review by your instructor "
                 "({note}); score as graded.").format(note=rec.note)
    else:
        line = _("Submitted {submitted}, due {due}{note}: on time.").format(**when)
    log(f"deadline: {student}: {rec.status} {rec.note}")
    out = dict(results)
    out["score"] = final
    out["output"] = (results.get("output") or "") + "\n" + line
    out["extra_data"] = {**(results.get("extra_data") or {}),
                         "late": {**rec.as_row(), "student": student or "",
                                  "raw_score": raw, "final_score": final}}
    return out


OUTER_TIMEOUT = 540.0   # seconds for one submission in all (Gradescope's default is 600)
ENV_OUTER_TIMEOUT = "AUTOGRADER_OUTER_TIMEOUT"


def _outer_timeout(root: Path) -> float:
    try:
        config = json.loads((root / "source" / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        config = {}
    value = os.environ.get(ENV_OUTER_TIMEOUT) or config.get("outer_timeout") or OUTER_TIMEOUT
    return float(value)


def _failed(root: Path, why: Note) -> Json:
    """results.json when grading failed: 0 points and ``why``, in the bundle's language."""
    try:
        config = json.loads((root / "source" / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        config = {}
    lang = config.get("lang") if isinstance(config, dict) else None
    with speaking(lang if isinstance(lang, str) else None):
        text = _("The autograder could not grade this submission ({why}). Please tell your "
                 "instructor.").format(why=why.render())
    return {"score": 0.0, "output": text, "tests": []}


def run(root: Path) -> int:
    """What ``run_autograder`` does: grade, then write ``root/results/results.json``.

    The grading runs in a forked process of its own session with an outer wall-clock limit
    (:data:`OUTER_TIMEOUT`, ``config.json``'s ``outer_timeout`` or ``$AUTOGRADER_OUTER_TIMEOUT``):
    whatever learner code does to the grader (a result file that blocks, an endless
    read), a results.json is written in time.
    """
    import signal
    import traceback

    root = Path(root)
    results_dir = root / "results"
    results_dir.mkdir(parents=True, exist_ok=True)
    limit = _outer_timeout(root)
    fd, inner = tempfile.mkstemp(prefix="results-", suffix=".json")
    os.close(fd)
    sys.stdout.flush()
    sys.stderr.flush()
    results: Json | None
    pid = os.fork()
    if pid == 0:   # the grading process
        code = 1
        try:
            os.setsid()
            try:
                results, code = grade_submission(root), 0
            except Exception as exc:  # noqa: BLE001 - Gradescope must get a results.json
                traceback.print_exc()   # the instructor sees it (stdout is hidden)
                results = _failed(root, Note.text(type(exc).__name__))
            Path(inner).write_text(json.dumps(results, ensure_ascii=False), encoding="utf-8")
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    deadline = time.monotonic() + limit
    status = None
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        time.sleep(0.1)
    else:
        try:
            os.killpg(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        os.waitpid(pid, 0)
        status = None
    try:
        results = json.loads(Path(inner).read_text(encoding="utf-8")) if status is not None \
            else None
    except (OSError, ValueError):
        results = None
    finally:
        Path(inner).unlink(missing_ok=True)
    if results is None:
        why = (f"took longer than {limit:g} s" if status is None
               else "ended without a result")
        print(f"grading {why}", file=sys.stderr)
        results = _failed(root, Note.of(N_("grading took longer than {seconds} s"),
                                        seconds=f"{limit:g}") if status is None else
                          Note.of(N_("grading ended without a result")))
        code = 1
    else:
        assert status is not None   # results were read only when the process ended
        code = 0 if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0 else 1
    tmp = results_dir / "results.json.part"
    tmp.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    tmp.replace(results_dir / "results.json")
    return code


def main(argv=None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m autograder.instructor.gradescope",
                                     description="Grade one Gradescope submission.")
    parser.add_argument("--root", default=os.environ.get(ENV_ROOT, "/autograder"),
                        help="the /autograder folder (default: $AUTOGRADER_ROOT or /autograder)")
    args = parser.parse_args(argv)
    return run(Path(args.root))


if __name__ == "__main__":
    sys.exit(main())
