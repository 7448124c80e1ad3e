"""Collect a class's submissions into nbgrader's layout ``SUBMITTED/<student>/<assignment>/``.

Classes submit in one of two ways, and both end in the folder that ``python -m autograder
grade`` reads:

* **nbgrader's exchange** (JupyterHub): ``nbgrader collect sprintN`` in the course folder
  already writes ``submitted/<student>/sprintN/``. Nothing to do here (``docs/class.md``).
* **a learning platform's download** (Moodle, Canvas, Google Classroom, a shared drive): one
  zip file (or its unpacked folder) holding, per student, a zip of the assignment folder, a
  folder, or loose files, each named after the student. :func:`collect_zip` sorts it out,
  the way ``nbgrader zip_collect`` does (a regular expression with named groups
  ``student_id``, optionally ``assignment``, ``file_id`` and ``timestamp``, applied to each
  name), with these differences: archives are unpacked *safely* (no absolute paths, no
  ``..``, no symbolic or hard links, no devices, limits on size and member count), and an
  entry that cannot be used (misnamed, unreadable, encrypted, empty, for another assignment)
  is listed with the reason while the rest is collected.

Where a student's files land: a folder that holds the notebook or ``helpers/`` is the
assignment folder (wrapping folders such as ``sprint1/`` are looked through); loose
``.py`` files go to ``helpers/``, notebooks to the assignment folder.
"""
from __future__ import annotations

import contextlib
import os
import re
import shutil
import stat
import tarfile
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, TypeVar

from ..learner.errors import CourseError
from ..learner.i18n import _

DEFAULT_PATTERN = (r"^(?P<student_id>.+?)_(?P<assignment>sprint\d+)"
                   r"(?:_(?P<file_id>.+?))?(?:\.zip|\.tar\.gz|\.tgz|\.tar)?$")
ARCHIVE_SUFFIXES = (".zip", ".tar.gz", ".tgz", ".tar")
JUNK = {"__MACOSX", ".DS_Store", "Thumbs.db", "desktop.ini", "__pycache__",
        ".ipynb_checkpoints"}
REPORT_NAME = "collect_report.txt"


class ArchiveError(CourseError):
    """An archive that cannot be used at all (its reason is shown to the instructor)."""


@dataclass(frozen=True)
class Limits:
    """How much one archive may unpack to (a zip bomb stops at these)."""

    max_total_bytes: int = 200 * 1024 ** 2   # all members together, uncompressed
    max_file_bytes: int = 50 * 1024 ** 2     # one member
    max_members: int = 5000
    max_depth: int = 2                       # a zip in a student's zip is still unpacked


CLASS_LIMITS = Limits(max_total_bytes=4 * 1024 ** 3, max_members=200_000)  # a whole class
MAX_NAME_BYTES = 255   # of one file or folder name (the file system's limit)


@dataclass
class Budget:
    """What is left to unpack across nested archives (a student's, or the whole class's):
    a zip of zips may stay under :class:`Limits` archive by archive, not in total."""

    bytes: int
    members: int

    @classmethod
    def of(cls, limits: Limits) -> Budget:
        return cls(limits.max_total_bytes, limits.max_members)

    def take(self, sizes: list[int], what: str) -> None:
        if len(sizes) > self.members or sum(sizes) > self.bytes:
            raise ArchiveError(f"unpacking it would pass the limit for {what} "
                               "(archives inside archives count together)")
        self.members -= len(sizes)
        self.bytes -= sum(sizes)


#: ``((what, budget), ...)``: the budgets an archive's members count against
Budgets = tuple[tuple[str, Budget], ...]
#: a member of an archive: a ``zipfile.ZipInfo`` or a ``tarfile.TarInfo``
Member = TypeVar("Member")


@dataclass
class Collected:
    """One student's collected assignment folder."""

    student: str
    folder: Path
    sources: list[str] = field(default_factory=list)   # the entries it came from
    notes: list[str] = field(default_factory=list)     # what was left out or changed


@dataclass
class CollectReport:
    """What :func:`collect_zip` did: the folders written and the entries it could not use."""

    assignment: str
    out_dir: Path
    collected: list[Collected] = field(default_factory=list)   # by student
    problems: list[str] = field(default_factory=list)    # "entry: reason"

    def render(self) -> str:
        lines = [_("Collected {count} submission(s) of {assignment} into {folder}").format(
            count=len(self.collected), assignment=self.assignment,
            folder=f"{self.out_dir}/<student>/{self.assignment}/")]
        for c in self.collected:
            lines.append(f"  {c.student:<20} " + _("from {sources}").format(
                sources=", ".join(c.sources)))
            lines += [f"  {'':<20}   " + _("note: {note}").format(note=n) for n in c.notes]
        lines.append("")
        if self.problems:
            lines.append(_("Not collected ({count}):").format(count=len(self.problems)))
            lines += [f"  {p}" for p in self.problems]
        else:
            lines.append(_("Not collected: nothing, every entry was used"))
        # names come from the learners' files: no terminal escape reaches the instructor
        return "\n".join(_one_line(ln) for ln in lines)


# --------------------------------------------------------------------------- safe extraction
def _member_name(info: zipfile.ZipInfo) -> str:
    """The member's name as its author wrote it.

    Zip files made on Windows often store UTF-8 or Shift_JIS names without the UTF-8 flag;
    Python then decodes them as CP437 (mojibake such as ``Σ║ñ``). Try UTF-8, then CP932.
    """
    name = info.filename
    if info.flag_bits & 0x800:
        return name
    try:
        raw = name.encode("cp437")
    except UnicodeEncodeError:
        return name
    for codec in ("utf-8", "cp932"):
        try:
            return raw.decode(codec)
        except UnicodeDecodeError:
            continue
    return name


def safe_relative(name: str) -> PurePosixPath | None:
    """``name`` as a relative path inside the extraction folder, or None when it escapes.

    >>> safe_relative("sprint1/helpers/perceptron.py")
    PurePosixPath('sprint1/helpers/perceptron.py')
    >>> safe_relative("../../etc/passwd") is None, safe_relative("/etc/passwd") is None
    (True, True)
    """
    name = name.replace("\\", "/")
    if not name or name.startswith("/") or re.match(r"^[A-Za-z]:", name) or "\x00" in name:
        return None
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if not parts or any(p == ".." for p in parts):
        return None
    return PurePosixPath(*parts)


class _LeftOut(Exception):
    """One member cannot be written (its name, a clash): a note, the others go on."""


def _write_member(dest: Path, rel: PurePosixPath, read, size: int) -> None:
    target = dest.joinpath(*rel.parts)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.is_symlink() or target.exists():
            raise _LeftOut(f"member {_short(rel)} clashes with a file, folder or link of the "
                           "same name: left out")
        out = open(target, "xb")
    except OSError as exc:
        raise _LeftOut(f"member {_short(rel)} cannot be written here ({exc.strerror}): "
                       "left out") from None
    with read() as src, out:
        written = 0
        while chunk := src.read(1 << 16):
            written += len(chunk)
            if written > size:
                raise ArchiveError(f"member {rel} unpacks to more than it declares")
            out.write(chunk)
    target.chmod(0o644)


def _one_line(text: str) -> str:
    """``text`` with control and format characters (and undecodable bytes) escaped."""
    import unicodedata

    text = os.fsdecode(text) if isinstance(text, bytes) else text
    return "".join(ch if unicodedata.category(ch) not in ("Cc", "Cf", "Cs") else ascii(ch)[1:-1]
                   for ch in text)


def _short(name) -> str:
    text = str(name).encode("utf-8", "backslashreplace").decode()
    text = "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text)
    return repr(text if len(text) <= 80 else text[:60] + "…" + text[-15:])


def _placed(name: str, notes: list[str]) -> PurePosixPath | None:
    """Where the member ``name`` goes inside the folder; None (and a note) when it is left out."""
    rel = safe_relative(name)
    if rel is None:
        notes.append(f"member {_short(name)} would land outside the folder: left out")
    elif not _name_fits(rel):
        notes.append(f"member {_short(name)}: a name too long to write, left out")
        return None
    return rel


def _write_members(dest: Path, files: list[tuple[Member, PurePosixPath, int]],
                   open_member: Callable[[Member], IO[bytes] | None], notes: list[str],
                   limits: Limits, budgets: Budgets) -> None:
    """Write ``files`` (``(member, where, size)``), each read by ``open_member(member)``, once
    their sizes are within ``limits`` and ``budgets``."""
    _check_sizes([size for _, _, size in files], limits, budgets)
    for member, rel, size in files:
        try:
            _write_member(dest, rel, lambda member=member: open_member(member), size)
        except _LeftOut as exc:
            notes.append(str(exc))


def _name_fits(rel: PurePosixPath) -> bool:
    return all(len(part.encode("utf-8", "surrogateescape")) <= MAX_NAME_BYTES
               for part in rel.parts) and len(str(rel).encode("utf-8", "surrogateescape")) < 3000


def safe_extract(archive: Path, dest: Path, limits: Limits = Limits(),
                 budgets: Budgets = ()) -> list[str]:
    """Unpack a zip or tar archive into ``dest``; returns notes on the members left out.

    Raises :class:`ArchiveError` when the archive cannot be used at all: unreadable, not an
    archive, encrypted, larger than ``limits`` or than what is left of a :class:`Budget` in
    ``budgets`` (shared by nested archives). Members that would escape ``dest`` (an
    absolute path, ``..``), links and devices, names too long to write, are left out, each
    with a note.
    """
    archive, dest = Path(archive), Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    name = archive.name.lower()
    if name.endswith(".zip"):
        return _extract_zip(archive, dest, limits, budgets)
    if name.endswith((".tar", ".tar.gz", ".tgz")):
        return _extract_tar(archive, dest, limits, budgets)
    raise ArchiveError(f"not a zip or tar archive ({archive.suffix or 'no extension'})")


def _check_sizes(sizes: list[int], limits: Limits, budgets: Budgets = ()) -> None:
    if len(sizes) > limits.max_members:
        raise ArchiveError(f"{len(sizes)} members, more than the limit of {limits.max_members}")
    total = sum(sizes)
    if total > limits.max_total_bytes:
        raise ArchiveError(f"unpacks to {total / 1e6:.0f} MB, more than the limit of "
                           f"{limits.max_total_bytes / 1e6:.0f} MB")
    big = max(sizes, default=0)
    if big > limits.max_file_bytes:
        raise ArchiveError(f"a member of {big / 1e6:.0f} MB, more than the limit of "
                           f"{limits.max_file_bytes / 1e6:.0f} MB per file")
    for what, budget in budgets:
        budget.take(sizes, what)


@contextlib.contextmanager
def _archive_errors(problem: str, errors: tuple[type[Exception], ...]) -> Iterator[None]:
    """Any of ``errors`` raised in the block becomes an :class:`ArchiveError` saying
    ``problem`` (``"damaged zip archive"``) and what went wrong."""
    try:
        yield
    except errors as exc:
        raise ArchiveError(f"{problem} ({type(exc).__name__}: {exc})") from None


_ZIP_DAMAGED = (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError)
_TAR_DAMAGED = (tarfile.TarError, OSError, EOFError)


def _extract_zip(archive: Path, dest: Path, limits: Limits, budgets: Budgets = (),
                 ) -> list[str]:
    notes = []
    with _archive_errors("not a readable zip archive", (zipfile.BadZipFile, OSError, ValueError)):
        zf = zipfile.ZipFile(archive)
    with zf:
        infos = zf.infolist()
        if any(i.flag_bits & 0x1 for i in infos):
            raise ArchiveError("password-protected (encrypted) zip: ask for it without a "
                               "password")
        files = []
        for info in infos:
            shown = _member_name(info)
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                notes.append(f"symbolic link {shown} left out")
                continue
            if info.is_dir():
                continue
            if (rel := _placed(shown, notes)) is not None:
                files.append((info, rel, info.file_size))
        with _archive_errors("damaged zip archive", _ZIP_DAMAGED):
            _write_members(dest, files, zf.open, notes, limits, budgets)
    return notes


def _extract_tar(archive: Path, dest: Path, limits: Limits, budgets: Budgets = (),
                 ) -> list[str]:
    notes = []
    with _archive_errors("not a readable tar archive", _TAR_DAMAGED):
        tf = tarfile.open(archive)
    with tf:
        with _archive_errors("damaged tar archive", _TAR_DAMAGED):
            members = tf.getmembers()
        files = []
        for m in members:
            if m.isdir():
                continue
            if not m.isreg():
                kind = "link" if (m.issym() or m.islnk()) else "special file"
                notes.append(f"{kind} {m.name} left out")
                continue
            if (rel := _placed(m.name, notes)) is not None:
                files.append((m, rel, m.size))
        with _archive_errors("damaged tar archive", _TAR_DAMAGED):
            _write_members(dest, files, tf.extractfile, notes, limits, budgets)
    return notes


# --------------------------------------------------------------------------- one submission
def is_archive(path: Path) -> bool:
    return path.name.lower().endswith(ARCHIVE_SUFFIXES)


def _visible(folder: Path) -> list[Path]:
    """The entries of ``folder`` that are not operating-system or editor litter."""
    return sorted((p for p in folder.iterdir()
                   if p.name not in JUNK and not p.name.startswith((".", "~$"))),
                  key=lambda p: p.name)


def find_assignment_root(folder: Path, scratch: Path, depth: int = 0,
                         limits: Limits = Limits(), notes: list[str] | None = None,
                         budgets: Budgets = ()) -> Path | None:
    """The folder inside ``folder`` that is the learner's assignment folder.

    It is the first folder, looking through single wrapping folders (``sprint1/``,
    ``alice/sprint1/``), that holds a notebook, a ``helpers/`` folder or ``.py`` files. A
    folder that holds nothing but one archive (a zip in a zip, or a platform's folder with
    the student's zip in it) has the archive unpacked into ``scratch`` (never beside it),
    up to ``limits.max_depth``.
    """
    notes = [] if notes is None else notes
    entries = _visible(folder)
    files = [p for p in entries if p.is_file() and not p.is_symlink()]
    dirs = [p for p in entries if p.is_dir() and not p.is_symlink()]
    if (folder / "helpers").is_dir() or any(p.suffix in (".ipynb", ".py") for p in files):
        return folder
    archives = [p for p in files if is_archive(p)]
    if archives and len(archives) == len(files) and not dirs and depth < limits.max_depth:
        if len(archives) > 1:
            notes.append(f"{len(archives)} archives in one submission "
                         f"({', '.join(p.name for p in archives)}): unpacked them all")
        inner = Path(tempfile.mkdtemp(prefix="unpacked-", dir=scratch))
        for a in archives:
            notes += safe_extract(a, inner, limits, budgets)
        return find_assignment_root(inner, scratch, depth + 1, limits, notes, budgets)
    if len(dirs) == 1 and not files:
        return find_assignment_root(dirs[0], scratch, depth, limits, notes, budgets)
    return None


def _copy_submission(root: Path, dest: Path, notes: list[str]) -> None:
    """Copy the assignment folder ``root`` to ``dest``; loose ``.py`` files go to helpers/."""
    has_helpers = (root / "helpers").is_dir()
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        dirnames[:] = sorted(d for d in dirnames
                             if d not in JUNK and not (here / d).is_symlink())
        for name in sorted(filenames):
            src = here / name
            if name in JUNK or name.startswith("~$") or src.is_symlink() or not src.is_file():
                continue
            rel = src.relative_to(root)
            if not has_helpers and len(rel.parts) == 1 and src.suffix == ".py":
                rel = Path("helpers") / rel
            target = dest / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, target)
    if not has_helpers and (dest / "helpers").is_dir():
        notes.append("loose .py files put in helpers/")


def place_loose_file(src: Path, file_id: str, dest: Path) -> Path:
    """Where a loose file goes in the assignment folder, from the ``file_id`` in its name.

    ``perceptron.py``, ``helpers_perceptron.py`` and ``helpers/perceptron.py`` all go to
    ``helpers/perceptron.py``; a notebook goes to the top of the assignment folder; other
    files keep the path their ``file_id`` gives.
    """
    rel = safe_relative(file_id) or PurePosixPath(src.name)
    name = rel.name
    if rel.suffix == ".py":
        name = re.sub(r"^helpers[_-]", "", name)
        target = dest / "helpers" / name
    elif rel.suffix == ".ipynb":
        target = dest / name
    else:
        target = dest.joinpath(*rel.parts)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, target)
    return target


def clean_student_id(raw: str) -> str:
    """A student id usable as a folder name (letters of any script, digits, ``._-``).

    >>> clean_student_id("Alice Smith"), clean_student_id("山田 太郎")
    ('Alice_Smith', '山田_太郎')
    """
    sid = re.sub(r"[^\w.-]+", "_", raw.strip()).strip("._")
    return sid


# --------------------------------------------------------------------------- the class
def compile_pattern(pattern: str) -> re.Pattern[str]:
    """The file-name pattern, checked: it must compile and name a ``student_id`` group."""
    try:
        rx = re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"the pattern {pattern!r} is not a regular expression: {exc}") from None
    if "student_id" not in rx.groupindex:
        raise ValueError(f"the pattern {pattern!r} has no (?P<student_id>...) group: it must "
                         "say which part of a file name is the student")
    return rx


def _top_entries(folder: Path, rx: re.Pattern[str]) -> list[Path]:
    """The per-student entries: look through wrapping folders whose name is not a student's."""
    entries = _visible(folder)
    while (len(entries) == 1 and entries[0].is_dir() and not entries[0].is_symlink()
           and not rx.match(entries[0].name)):
        entries = _visible(entries[0])
    return entries


def collect_zip(source: Path, assignment: str, out_dir: Path, *,
                pattern: str = DEFAULT_PATTERN, limits: Limits = Limits(),
                class_limits: Limits = CLASS_LIMITS) -> CollectReport:
    """Collect a platform's download ``source`` (a zip, or its unpacked folder) into
    ``out_dir/<student>/<assignment>/``.

    Each top-level entry of ``source`` is matched with ``pattern`` (``re.match`` on its file
    or folder name): ``student_id`` names the student; an ``assignment`` group, when the
    pattern has one, must equal ``assignment`` (other assignments are skipped); a ``file_id``
    group places a loose file; a ``timestamp`` group is written to ``timestamp.txt`` (nbgrader
    reads it for late submissions). An existing ``out_dir/<student>/<assignment>/`` is
    replaced. Never raises for a bad entry: it is listed in the report's ``problems``.
    """
    source, out_dir = Path(source).resolve(), Path(out_dir).resolve()
    rx = compile_pattern(pattern)
    if not source.exists():
        raise FileNotFoundError(f"no file or folder {source}")
    if out_dir == source or out_dir.is_relative_to(source) or (
            source.is_dir() and source.is_relative_to(out_dir)):
        raise ValueError(f"{out_dir} and {source} overlap: collect into a separate folder")
    report = CollectReport(assignment, out_dir)
    whole = ("the whole download", Budget.of(class_limits))
    with tempfile.TemporaryDirectory(prefix="course-collect-") as tmp:
        work = Path(tmp)
        if source.is_dir():
            top = source
        else:
            top = work / "download"
            try:
                for note in safe_extract(source, top, class_limits, (whole,)):
                    report.problems.append(f"{source.name}: {note}")
            except ArchiveError as exc:
                report.problems.append(f"{source.name}: {exc}; nothing collected")
                return report
        _collect_entries(_top_entries(top, rx), rx, assignment, work, out_dir, limits, report,
                         whole)
    if report.collected:
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / REPORT_NAME).write_text(report.render() + "\n", encoding="utf-8")
    return report


@dataclass
class _Student:
    #: (entry, the pattern's groups in its name): archives and folders
    whole: list[tuple[Path, dict[str, str]]] = field(default_factory=list)
    loose: list[tuple[Path, dict[str, str]]] = field(default_factory=list)   # single files


def _collect_entries(entries: list[Path], rx: re.Pattern[str], assignment: str, work: Path,
                     out_dir: Path, limits: Limits, report: CollectReport,
                     whole: tuple[str, Budget] | None = None) -> None:
    example = f"alice_{assignment}.zip"
    students: dict[str, _Student] = {}
    for entry in entries:
        if entry.is_symlink():
            report.problems.append(f"{entry.name}: a symbolic link, not collected")
            continue
        m = rx.match(entry.name)
        if not m or not (m.groupdict().get("student_id") or "").strip():
            report.problems.append(
                f"{entry.name}: the name does not match the file-name pattern {rx.pattern!r} "
                f"(expected a name like {example}; pass --pattern for your platform's "
                "names), not collected")
            continue
        groups = {k: v for k, v in m.groupdict().items() if v is not None}
        other = groups.get("assignment")
        if other is not None and other != assignment:
            report.problems.append(f"{entry.name}: for assignment {other}, not {assignment}: "
                                   "skipped")
            continue
        sid = clean_student_id(groups["student_id"])
        if not sid:
            report.problems.append(f"{entry.name}: no usable student id in the name, "
                                   "not collected")
            continue
        st = students.setdefault(sid, _Student())
        if entry.is_dir() or is_archive(entry):
            st.whole.append((entry, groups))
        elif entry.is_file():
            if "file_id" not in groups:
                report.problems.append(
                    f"{entry.name}: a single file, but the pattern gives no (?P<file_id>...) "
                    "to say which file it is, not collected")
                continue
            st.loose.append((entry, groups))
    for sid in sorted(students):
        try:
            _collect_student(sid, students[sid], assignment, work, out_dir, limits, report,
                             whole)
        except Exception as exc:  # noqa: BLE001 - this student only; the others are collected
            report.problems.append(f"{sid}: could not be collected ({type(exc).__name__}: "
                                   f"{_short(exc)}), not collected")


def _collect_student(sid: str, st: _Student, assignment: str, work: Path, out_dir: Path,
                     limits: Limits, report: CollectReport,
                     whole: tuple[str, Budget] | None = None) -> None:
    notes, sources = [], []
    budgets = ((f"one student ({limits.max_total_bytes / 1e6:.0f} MB, "
                f"{limits.max_members} files)", Budget.of(limits)),) + ((whole,) if whole else ())
    staging = work / "students" / sid
    dest = staging / "assignment"
    dest.mkdir(parents=True)
    timestamps = []
    chosen = st.whole
    if len(chosen) > 1:
        def when(item: tuple[Path, dict[str, str]]) -> tuple[str, str]:
            return (item[1].get("timestamp", ""), item[0].name)
        chosen = sorted(chosen, key=when)
        keep = chosen[-1]
        why = ("the latest timestamp" if "timestamp" in keep[1]
               else "the last in name order; add a (?P<timestamp>...) group to choose by time")
        report.problems.append(
            f"{sid}: {len(chosen)} submissions ({', '.join(e.name for e, _ in chosen)}): "
            f"collected {keep[0].name} ({why})")
        chosen = [keep]
    for entry, groups in chosen:
        try:
            if entry.is_dir():
                content = entry
            else:
                content = staging / "unpacked"
                notes += safe_extract(entry, content, limits, budgets)
            root = find_assignment_root(content, staging, 0, limits, notes, budgets)
        except ArchiveError as exc:
            report.problems.append(f"{entry.name}: {exc}; not collected")
            continue
        if root is None:
            report.problems.append(f"{entry.name}: neither a notebook nor a helpers/ folder "
                                   "in it (is it the assignment folder?), not collected")
            continue
        _copy_submission(root, dest, notes)
        sources.append(entry.name)
        if "timestamp" in groups:
            timestamps.append(groups["timestamp"])
    for entry, groups in st.loose:
        place_loose_file(entry, groups["file_id"], dest)
        sources.append(entry.name)
        if "timestamp" in groups:
            timestamps.append(groups["timestamp"])
    if not sources:
        return
    if not any(dest.rglob("*")):
        report.problems.append(f"{sid}: the submission holds no files, not collected")
        return
    uploaded = dest / "timestamp.txt"
    if uploaded.exists():   # the learner's own file: never the submission time (the deadlines)
        uploaded.unlink()
        notes.append("the timestamp.txt in the upload was left out: the submission time is "
                     "the platform's")
    if timestamps:
        (dest / "timestamp.txt").write_text(max(timestamps))
    final = out_dir / sid / assignment
    if final.exists():
        shutil.rmtree(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(dest, final)
    report.collected.append(Collected(sid, final, sources, notes))


# --------------------------------------------------------------------------- nbgrader's exchange
def collect_exchange(inbound: Path, assignment: str, out_dir: Path) -> CollectReport:
    """Collect ``assignment`` from nbgrader's exchange ``inbound`` folder into ``out_dir``.

    The same as ``nbgrader collect`` (each student's latest submission, by the timestamp in
    ``<student>+<assignment>+<timestamp>[+<random>]``), but **nothing is followed**: nbgrader
    copies the inbound tree with ``shutil.copytree``, which follows symbolic links, as the
    instructor; a learner who replaces a file of her submission by a link to the reference
    (or to any file the instructor may read) would have it collected as her work. Here only
    folders and regular files are copied (checked with ``lstat``, opened with
    ``O_NOFOLLOW``), anything else is left out with a note, and a submission folder whose
    student id is not a safe one is not collected.
    """
    from .grading.submitted import SAFE_ID

    inbound, out_dir = Path(inbound), Path(out_dir)
    if not inbound.is_dir():
        raise FileNotFoundError(f"no exchange inbound folder {inbound}")
    report = CollectReport(assignment, out_dir)
    latest: dict[str, tuple[str, Path]] = {}   # student: (timestamp, folder)
    for entry in sorted(os.scandir(inbound), key=lambda e: os.fsencode(e.name)):
        shown = os.fsdecode(entry.name).encode("utf-8", "backslashreplace").decode()[:100]
        parts = entry.name.rsplit("+", 3)
        if len(parts) < 3 or parts[1] != assignment:
            continue
        if not stat.S_ISDIR(entry.stat(follow_symlinks=False).st_mode):
            report.problems.append(f"{shown}: not a folder (a link?), not collected")
            continue
        student, timestamp = parts[0], parts[2]
        if not SAFE_ID.match(student):
            report.problems.append(f"{shown}: not a safe student id, not collected")
            continue
        if student not in latest or timestamp > latest[student][0]:
            latest[student] = (timestamp, Path(entry.path))
    for student, (timestamp, folder) in sorted(latest.items()):
        notes: list[str] = []
        final = out_dir / student / assignment
        if final.exists():
            shutil.rmtree(final)
        _copy_regular(folder, final, notes)
        if not (final / "timestamp.txt").is_file():
            (final / "timestamp.txt").write_text(timestamp)
        report.collected.append(Collected(student, final, [folder.name], notes))
    return report


def _copy_regular(src: Path, dest: Path, notes: list[str], copy_file=None, rel: str = "",
                  dir_fd: int | None = None) -> None:
    """Copy the folders and regular files under ``src`` to ``dest``, nothing else.

    The exchange is live (its learner may change her folder while it is copied): every
    folder and file is opened relative to its parent's descriptor with ``O_NOFOLLOW``, so a
    folder or file swapped for a link after it was looked at is refused, never followed. A
    file with other hard links is left out too (it may be someone else's file).
    """
    flags = os.O_RDONLY | os.O_NOFOLLOW
    try:
        fd = os.open(src if dir_fd is None else src.name, flags | os.O_DIRECTORY,
                     dir_fd=dir_fd)
    except OSError:
        notes.append(f"{rel or '.'}: not a folder (a link?), left out")
        return
    try:
        dest.mkdir(parents=True, exist_ok=True)
        for name in sorted(os.listdir(fd), key=os.fsencode):
            here = f"{rel}/{name}" if rel else name
            shown = _one_line(here)
            if name in JUNK:
                continue
            mode = os.stat(name, dir_fd=fd, follow_symlinks=False).st_mode
            if stat.S_ISDIR(mode):
                _copy_regular(src / name, dest / name, notes, None, here, fd)
                continue
            if not stat.S_ISREG(mode):
                kind = "a symbolic link" if stat.S_ISLNK(mode) else "not a regular file"
                notes.append(f"{shown}: {kind}, left out")
                continue
            try:
                ffd = os.open(name, flags | os.O_NONBLOCK, dir_fd=fd)
            except OSError:
                notes.append(f"{shown}: changed while collected (a link?), left out")
                continue
            with open(ffd, "rb") as fin:
                info = os.fstat(fin.fileno())
                if not stat.S_ISREG(info.st_mode) or info.st_nlink > 1:
                    notes.append(f"{shown}: not a file of its own (hard links), left out")
                    continue
                with open(dest / name, "xb") as fout:
                    shutil.copyfileobj(fin, fout, 1024 * 1024)
    finally:
        os.close(fd)
