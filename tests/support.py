"""What several test modules share: the sprint the release and grading tests use, course
copies, the reference's secrets, the deadline tests' policies, the tampering suite's attacks
(``tests/hostile/``), a class's grades, a browser, and the PyTorch oracle.

Import helpers from here (``from .support import course_repo``); the fixtures (``torch``) are
made available to every test by ``tests/conftest.py``. A test module never imports another.
"""
from __future__ import annotations

import ast
import contextlib
import csv
import html
import importlib.util
import inspect
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_output

from autograder.authoring import stubs, sync
from autograder.learner import registry

from .conftest import ROOT, SOLUTIONS, make_helpers

SPRINT = "sprint1"   # the sprint the release, collect, grading and Gradescope tests run on

SETUP_SOURCE = '''# Setup: run this cell first. It finds the course folder and loads the checker.
import os
import sys
from pathlib import Path

COURSE_ROOT = next(p for p in (Path.cwd(), *Path.cwd().parents)
                   if (p / "helpers" / "__init__.py").is_file())
sys.path.insert(0, str(COURSE_ROOT))
QUICK = os.environ.get("COURSE_QUICK") == "1"  # the tests set it to run long cells short

%load_ext autoreload
%autoreload 2
import matplotlib.pyplot as plt
import numpy as np

from autograder import check'''


# --------------------------------------------------------------------------- the course
def sprint_specs(sprint: str = SPRINT) -> list:
    return [s for s in registry.load_exercises() if s.sprint == sprint]


def minimal_notebook(sprint: str, specs: list):
    """A notebook in the authoring format, for a sprint whose notebook is not written yet."""
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    cells = [new_markdown_cell(f"# {sprint} (a minimal notebook made by the tests)"),
             new_code_cell(SETUP_SOURCE)]
    for s in specs:
        cells.append(new_markdown_cell(f"## {s.title} — `helpers/{s.module}.py: {s.name}`"))
        cell = new_code_cell(f'check("{s.id}")')
        cell.metadata["nbgrader"] = sync.check_cell_metadata(s)
        cells.append(cell)
    cells.append(new_markdown_cell("**Discussion.** What did you learn?"))
    answer = new_markdown_cell("YOUR ANSWER HERE")
    answer.metadata["nbgrader"] = {"grade": True, "solution": True, "locked": False,
                                   "grade_id": f"{sprint}-q1", "points": 1,
                                   "schema_version": 3, "task": False}
    cells.append(answer)
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    return nb


def course_repo(tmp_root: Path, sprint: str = SPRINT) -> Path:
    """The repository, or a copy of it with a minimal notebook when ``sprint`` has none."""
    if list((ROOT / "notebooks").glob(f"{sprint}_*.ipynb")):
        return ROOT
    repo = tmp_root / "repo"
    (repo / "notebooks").mkdir(parents=True)
    for name in ("helpers", "autograder", "solutions"):
        (repo / name).symlink_to(ROOT / name)
    for nb in (ROOT / "notebooks").glob("sprint*.ipynb"):
        shutil.copyfile(nb, repo / "notebooks" / nb.name)
    nbformat.write(minimal_notebook(sprint, sprint_specs(sprint)),
                   str(repo / "notebooks" / f"{sprint}_tests.ipynb"))
    return repo


def reference_secrets() -> dict:
    """``{line: module}``: the substantive lines of every solution region of ``solutions/``.

    A line counts when it is code (not a comment), at least 24 characters long (shorter
    lines such as ``return out`` or ``grads = {}`` are everyone's) and not also a line of the
    generated stub (a docstring may quote it on purpose). Up to 3 lines of a region that a
    provided module also gives the learner (``for layer in self.layers:`` in the network of
    sprint 4) are everyone's too; a provided module holding more of one region is a leak.
    """
    given = set()
    for f in SOLUTIONS.glob("*.py"):
        text = f.read_text(encoding="utf-8")
        if stubs.BEGIN not in text:
            given |= {ln.split("  #")[0].strip() for ln in text.splitlines()}
    secrets = {}
    for f in sorted(SOLUTIONS.glob("*.py")):
        text = f.read_text(encoding="utf-8")
        if f.name == "__init__.py" or stubs.BEGIN not in text:
            continue
        stub_lines = {ln.strip() for ln in stubs.strip_solutions(text).splitlines()}
        inside, region = False, []
        for line in text.splitlines():
            s = line.strip()
            if s == stubs.BEGIN:
                inside, region = True, []
            elif s == stubs.END:
                inside = False
                shared = set(region) & given
                for x in region:
                    if len(shared) > 3 or x not in shared:
                        secrets[x] = f.name
            elif inside and len(s) >= 24 and not s.startswith("#") and s not in stub_lines:
                region.append(s)
    return secrets


# --------------------------------------------------------------------------- grading
#: the joins from an nbgrader gradebook's grades to their student, assignment and cell
#: (``g``, ``a``, ``bc``, ``st``): ``f"SELECT st.id, g.auto_score {GRADEBOOK_JOINS}"``
GRADEBOOK_JOINS = """
    FROM grade g
    JOIN base_cell bc ON g.cell_id = bc.id
    JOIN submitted_notebook sn ON g.notebook_id = sn.id
    JOIN submitted_assignment sa ON sn.assignment_id = sa.id
    JOIN assignment a ON sa.assignment_id = a.id
    JOIN student st ON sa.student_id = st.id"""


def names_used(obj) -> set:
    tree = ast.parse(textwrap.dedent(inspect.getsource(obj)))
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}


def wrong_exercise(specs: list):
    """A function exercise that no other exercise of its module calls."""
    for spec in specs:
        target = spec.exercise.reference_target()
        if not inspect.isfunction(target):
            continue
        others = [s.exercise.reference_target() for s in specs
                  if s.module == spec.module and s.id != spec.id]
        if not any(spec.name in names_used(o) for o in others):
            return spec
    pytest.skip("no function exercise in sprint 1 that others do not call")


def visible_text(path: Path) -> str:
    """What a reader sees of an HTML page (tags and styles dropped, entities decoded)."""
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"<(style|script)\b.*?</\1>", " ", text, flags=re.S | re.I)
    return html.unescape(re.sub(r"<[^>]+>", "", text))



# --------------------------------------------------------------------------- deadline policies
#: The ``policy.toml`` the deadline tests start from (each adds its extensions, accommodations
#: or sprints): sprint1 is due 2026-10-05 23:59 in Tokyo (UTC+9), that is 14:59 UTC; with 10
#: minutes of grace a submission is late from 15:09:00 UTC on; 0.1 of the points a started
#: day late, capped at 0.3.
TOKYO_POLICY = """
timezone = "Asia/Tokyo"
late_penalty_per_day = 0.1
max_penalty = 0.3
grace_minutes = 10

[sprints.sprint1]
due = 2026-10-05T23:59:00
"""
#: One in UTC, without grace: sprint1 due 2026-10-05 23:59 UTC, 0.25 of the points a started
#: day late, capped at 0.5.
UTC_POLICY = """
late_penalty_per_day = 0.25
max_penalty = 0.5

[sprints.sprint1]
due = 2026-10-05T23:59:00Z
"""


# --------------------------------------------------------------------------- hostile submissions
#: The tampering suite: one file per attack on the grader (``tests/hostile/README.md``).
HOSTILE_DIR = ROOT / "tests" / "hostile"
#: What a learner's own run left in a notebook cell (the feedback shows it when no notebook runs)
SAVED_OUTPUT = "my own run: 42 of 42 digits right"


def load_attack(name: str):
    """The attack ``tests/hostile/<name>.py``, as a module (its data)."""
    spec = importlib.util.spec_from_file_location(f"hostile_{name}", HOSTILE_DIR / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def apply_attack(dest, attack, fill=lambda text: text) -> None:
    """Apply ``attack`` (see ``tests/hostile/README.md``) to the submission folder ``dest`` (a
    path, or bytes for a name that is not UTF-8); ``fill`` fills in its placeholders."""
    dest = os.fsencode(dest)
    at = lambda rel: os.path.join(dest, os.fsencode(rel))   # noqa: E731 - str or bytes
    code = fill(getattr(attack, "HELPER_CODE", ""))
    if code:
        for f in Path(os.fsdecode(dest), "helpers").glob("*.py"):
            if f.name != "__init__.py":
                f.write_text(f.read_text() + "\n" + code)
    for rel, data in (getattr(attack, "FILES", {}) | getattr(attack, "RAW_FILES", {})).items():
        os.makedirs(os.path.dirname(at(rel)), exist_ok=True)
        with open(at(rel), "wb") as fh:
            fh.write(fill(data).encode() if isinstance(data, str) else data)
    for rel, size in getattr(attack, "SPARSE", {}).items():
        with open(at(rel), "wb") as fh:
            fh.truncate(size)
    for rel, target in getattr(attack, "LINKS", {}).items():
        path = at(rel)
        if os.path.lexists(path):
            os.remove(path)
        os.symlink(fill(target), path)
    for rel in getattr(attack, "FIFOS", []):
        os.mkfifo(at(rel))
    cells = [new_code_cell(fill(c)) for c in getattr(attack, "CELLS", [])]
    outputs = [nbformat.from_dict(o) for o in getattr(attack, "OUTPUTS", [])]
    if outputs:   # saved with the first added code cell, as if the learner had run it
        if not cells:
            cells.append(new_code_cell("print('my results')"))
        cells[0].outputs = outputs
    cells += [new_markdown_cell(c) for c in getattr(attack, "MARKDOWN", [])]
    metadata = getattr(attack, "METADATA", {})
    check_outputs = [nbformat.from_dict(o) for o in getattr(attack, "CHECK_OUTPUTS", [])]
    if cells or metadata or check_outputs:
        nb_path = next(Path(os.fsdecode(dest)).glob("sprint*_*.ipynb"))   # the sprint's
        nb = nbformat.read(str(nb_path), as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("grade"):
                cell.outputs = list(check_outputs)
        pos = next((i for i, c in enumerate(nb.cells) if c.cell_type == "code"
                    and "from autograder import check" in c.source), 0)
        for i, cell in enumerate(cells):
            nb.cells.insert(pos + 1 + i, cell)
        nb.metadata.update(metadata)
        nbformat.write(nb, str(nb_path))


def add_saved_output_cell(folder: Path) -> None:
    """A last cell that says whether the grader's kernel ran it, saved with the learner's
    own output :data:`SAVED_OUTPUT` (what the feedback shows when the notebook does not run)."""
    nb_path = next(folder.glob(f"{SPRINT}_*.ipynb"))
    nb = nbformat.read(str(nb_path), as_version=4)
    cell = new_code_cell('import os\nprint("checks graded outside:", '
                         'os.environ.get("COURSE_GRADED_OUTSIDE"))')
    cell.outputs = [new_output("stream", name="stdout", text=SAVED_OUTPUT)]
    nb.cells.append(cell)
    nbformat.write(nb, str(nb_path))


# --------------------------------------------------------------------------- a class's grades
GRADES_COLUMNS = ["student", "assignment", "exercise", "score", "max_score", "status", "message"]
HINT_OR = "Your gate fires when *either* input is 1: that is OR."
HINT_BIAS = "The bias is missing: add b."
INJECTED = "<script>alert('x')</script>"

# (student, assignment, exercise, score, max, status, message)
ROWS = [
    ("aiko", "sprint1", "sprint1.and_gate", 1, 1, "passed", ""),
    ("aiko", "sprint1", "sprint1.perceptron", 2, 2, "passed", ""),
    ("aiko", "sprint2", "sprint2.relu", 1, 1, "passed", ""),
    ("ben", "sprint1", "sprint1.and_gate", 0, 1, "failed",
     f"public case 1 of 3 (the truth table): wrong value\nHint: {HINT_OR}"),
    ("ben", "sprint1", "sprint1.perceptron", 1, 2, "failed",
     f"hidden case 3 of 9: wrong value (the public cases may pass: think of edge cases)\n"
     f"Hint: {HINT_BIAS}"),
    ("ben", "sprint2", "sprint2.relu", 0, 1, "not implemented", "not implemented yet"),
    ("chie", "sprint1", "sprint1.and_gate", 0, 1, "failed",
     f"public case 2 of 3 (x): wrong value {INJECTED}\nHint: {HINT_OR}"),
    ("chie", "sprint1", "sprint1.perceptron", 2, 2, "passed", ""),
    ("dan", "sprint1", "sprint1.and_gate", 0, 1, "error",
     "could not import the module: SyntaxError"),
    ("dan", "sprint1", "sprint1.perceptron", 0, 2, "error",
     "could not import the module: SyntaxError"),
    ("emi", "sprint1", "sprint1.and_gate", 1, 1, "passed", ""),
    ("emi", "sprint1", "sprint1.perceptron", 1.5, 2, "failed",
     f"public case 1 of 3 (lr=0.1): wrong value\nHint: {HINT_BIAS}\nHint: {HINT_OR}"),
]
PROBLEMS = ["dan/sprint1: helpers/perceptron.py has a syntax error (line 3: invalid syntax)"]



def class_of(tmp_path: Path, sprint: str, names=("ann", "bob")) -> Path:
    """``tmp_path/submitted``: ``sprint`` released, and a submission of each of ``names`` with
    the reference's helpers (change one afterwards to make a mistake)."""
    from autograder.instructor import course

    release = course.release(tmp_path / "release", [sprint]) / sprint
    submitted = tmp_path / "submitted"
    for name in names:
        shutil.copytree(release, submitted / name / sprint)
        make_helpers(submitted / name / sprint)
    return submitted

def write_grading_dir(tmp_path: Path) -> Path:
    with open(tmp_path / "grades.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(GRADES_COLUMNS)
        for r in ROWS:
            w.writerow([*r[:3], f"{r[3]:g}", f"{r[4]:g}", *r[5:]])
    from autograder.instructor.grading.summary import GradingSummary, Problem, write_summary

    problems = [Problem(*p.split(": ", 1)) for p in PROBLEMS]
    write_summary(tmp_path, GradingSummary(
        submissions=9, students=sorted({r[0] for r in ROWS}),
        assignments=sorted({r[1] for r in ROWS}), scores=[], problems=problems,
        course_problems=[], seconds=1.0, out_dir=str(tmp_path)))
    return tmp_path


# --------------------------------------------------------------------------- a browser
APT_PACKAGES = ("chromium", "chromium-driver")


def find_browser():
    return (shutil.which("chromium") or shutil.which("chromium-browser"),
            shutil.which("chromedriver"))


def try_apt_install() -> str:
    """Install Debian's chromium and its driver when we may (root, apt-get, COURSE_APT != 0);
    returns why not, or what went wrong."""
    if os.environ.get("COURSE_APT") == "0":
        return "COURSE_APT=0"
    if not shutil.which("apt-get"):
        return "no apt-get on this system"
    if not hasattr(os, "getuid") or os.getuid() != 0:
        return "not root, so apt-get cannot install them"
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    done = subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends",
                           *APT_PACKAGES], env=env, capture_output=True, text=True, timeout=900)
    if done.returncode:  # perhaps a stale package list: update it once and retry
        subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True, timeout=600)
        done = subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends",
                               *APT_PACKAGES], env=env, capture_output=True, text=True,
                              timeout=900)
    return "" if done.returncode == 0 else f"apt-get failed: {done.stderr.strip()[-300:]}"


def browser_or_skip():
    chromium, driver = find_browser()
    if not chromium or not driver:
        why = try_apt_install()
        chromium, driver = find_browser()
        if not chromium or not driver:
            pytest.skip("the browser test needs Debian's chromium and chromium-driver, which "
                        f"are not installed and could not be installed ({why})")
    webdriver = pytest.importorskip(
        "selenium.webdriver", reason="the browser test needs Selenium (requirements-dev.txt)")
    return webdriver, chromium, driver


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def lab_course(dest: Path, notebook: str) -> Path:
    """A course folder at ``dest`` as a facilitator's would be: ``helpers/`` solved, the
    course's code linked, and ``notebooks/<notebook>``."""
    make_helpers(dest)
    for name in ("autograder", "solutions", "data"):
        if (ROOT / name).exists():
            (dest / name).symlink_to(ROOT / name)
    (dest / "notebooks").mkdir()
    shutil.copyfile(ROOT / "notebooks" / notebook, dest / "notebooks" / notebook)
    return dest


@contextlib.contextmanager
def jupyter_lab(course: Path, home: Path, env: dict):
    """``jupyter lab`` serving ``course`` on a free 127.0.0.1 port with ``env``, its log in
    ``home/jupyter.log``: yields ``(url, token)`` once it answers, and stops it after."""
    token, port = secrets.token_hex(16), free_port()
    cmd = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1",
           f"--port={port}", f"--ServerApp.root_dir={course}", f"--IdentityProvider.token={token}",
           "--ServerApp.port_retries=0", "--LabApp.expose_app_in_browser=True",
           "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    if hasattr(os, "getuid") and os.getuid() == 0:
        cmd.append("--allow-root")
    url = f"http://127.0.0.1:{port}"
    with open(home / "jupyter.log", "w") as log:
        server = subprocess.Popen(cmd, cwd=course, env=env, stdout=log, stderr=subprocess.STDOUT)

        def up():
            if server.poll() is not None:
                log_text = (home / "jupyter.log").read_text()
                raise AssertionError(f"jupyter lab exited: {log_text[-2000:]}")
            with urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=5) as r:
                return r.status == 200

        try:
            wait(up, 120, "JupyterLab to start")
            yield url, token
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()


def wait(predicate, timeout: float, what: str, interval: float = 0.5, on_timeout=None):
    deadline = time.monotonic() + timeout
    last_exc = None
    while time.monotonic() < deadline:
        try:
            value = predicate()
            if value:
                return value
        except AssertionError:
            raise  # a definite failure: no need to wait any longer
        except Exception as exc:  # noqa: BLE001 - the page may not be ready yet
            last_exc = exc
        time.sleep(interval)
    detail = on_timeout() if on_timeout else ""
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}"
                         f"{f' ({last_exc!r})' if last_exc else ''}{detail}")


def js(browser, script):
    return browser.execute_script(script)


# --------------------------------------------------------------------------- PyTorch, the oracle
TORCH_REASON = ("PyTorch, the test-only oracle, is not installed (requirements-oracle.txt; "
                "`./course test` installs it unless COURSE_ORACLE=0)")


@pytest.fixture(scope="session")
def torch():
    """The ``torch`` module; the test skips, with one reason everywhere, where it is absent."""
    return pytest.importorskip("torch", reason=TORCH_REASON)


# --------------------------------------------------------------------------- the language
LOCALE_VARS = ("COURSE_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


@pytest.fixture
def lang(monkeypatch):
    """Set the message language for one test (``lang("ja")``); nothing else of the locale."""
    for var in LOCALE_VARS:
        monkeypatch.delenv(var, raising=False)
    return lambda value: monkeypatch.setenv("COURSE_LANG", value)


def env_without_locale() -> dict:
    """This process's environment without the locale and ``PYTHONPATH``: a subprocess whose
    language comes only from what the test adds."""
    return {k: v for k, v in os.environ.items() if k not in LOCALE_VARS + ("PYTHONPATH",)}


# --------------------------------------------------------------------------- the glossary
GLOSSARY = ROOT / "docs" / "glossary.md"
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f々〆]")
PARENS = re.compile(r"[（(]([^()（）\n]{1,80})[)）]")
LENTICULAR = re.compile(r"【([^】\n]{1,40})】")
COLUMNS = ("English", "日本語", "reading", "meaning", "sprint")


def clean(term: str) -> str:
    """A term as the glossary spells it: no markup, no blanks at the ends."""
    term = re.sub(r"[`*_$]", "", term)
    return term.strip(" 　:：.。")


def _is_term(part: str) -> bool:
    """Not a quotation (a sentence, a long phrase), a figure reference or a number."""
    return (bool(JAPANESE.search(part)) and "。" not in part
            and len(JAPANESE.findall(part)) <= 14
            and not re.match(r"^図\s*\d", part) and not re.fullmatch(r"[\d,.]+[万億]", part))


def terms_in(text: str, *, markdown: bool = True) -> set:
    """The Japanese terms of ``text`` (see the module docstring).

    In markdown, headings are titles (their Japanese is the section's title, often a phrase)
    and are left out; the key terms they name appear in the text below them.
    """
    found = set()
    for line in text.splitlines():
        if markdown and re.match(r"^#{1,6}\s", line):
            continue
        for m in PARENS.finditer(line):
            for part in re.split(r"[,、;/，；:：]| or | = ", m.group(1)):
                part = clean(part)
                if _is_term(part):
                    found.add(part)
        for m in LENTICULAR.finditer(line):
            found.add(re.sub(r"[0-9０-９]+$", "", clean(m.group(1))))  # 【問題1】 -> 問題
    return {t for t in found if t}


def known(term: str, spellings: set) -> bool:
    """``term`` is in the glossary, as it is or after English words in front of it
    (``the gradient method 勾配法`` -> ``勾配法``)."""
    words = term.split(" ")
    return any(" ".join(words[i:]) in spellings for i in range(len(words))
               if all(re.fullmatch(r"[A-Za-z-]+", w) for w in words[:i]))


def glossary_rows() -> list:
    """The rows of the glossary's tables, as dicts keyed by :data:`COLUMNS`."""
    rows = []
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip().strip("|"))]
        if not line.startswith("|") or len(cells) != len(COLUMNS) or cells[0] == "English" \
                or set(cells[0]) <= set("-: "):
            continue
        rows.append(dict(zip(COLUMNS, cells)))
    return rows


def glossary_terms() -> set:
    """Every Japanese spelling in the glossary (variants are separated by " / ")."""
    return {clean(v) for r in glossary_rows() for v in r["日本語"].split(" / ")}


def second_renderings(texts, variants: dict) -> list:
    """``where: variant`` for each text of ``[(where, English, Japanese)]`` that writes a term
    another way than the glossary (the term itself is taken out first: ``ファシリテータ`` is
    inside ``ファシリテーター``; a variant that holds the term, ``フィルター`` for ``フィルタ``,
    is looked for in the whole text)."""
    found = []
    for where, _, ja in texts:
        for term, others in variants.items():
            rest = ja.replace(term, "\0")
            found += [f"{where}: {other!r} (the glossary's term is {term!r})"
                      for other in others if other in (ja if term in other else rest)]
    return found


def missing_terms(texts, have: set) -> list:
    """``where: term`` for each Japanese term an English text names that its translation lacks."""
    return [f"{where}: {term}" for where, en, ja in texts
            for term in sorted(terms_in(en) & have) if term not in ja]


# --------------------------------------------------------------------------- notebooks
def execute_notebook(path: Path, tmp_path: Path, helpers_source: Path, env: dict):
    """Run a copy of the notebook at ``path`` with ``helpers/`` made from ``helpers_source``.

    ``env`` is set for the kernel (a value of ``None`` removes the variable); the kernel gets
    the learner's environment otherwise: ``COURSE_QUICK=1`` and no ``MPLBACKEND``, so plots
    render inline as in JupyterLab (the test runner itself may use Agg).
    """
    from nbclient import NotebookClient

    from .conftest import make_helpers

    make_helpers(tmp_path, helpers_source)
    for name in ("autograder", "solutions", "data"):
        if (ROOT / name).exists():
            (tmp_path / name).symlink_to(ROOT / name)
    (tmp_path / "notebooks").mkdir()
    nb_path = tmp_path / "notebooks" / path.name
    shutil.copyfile(path, nb_path)
    nb = nbformat.read(nb_path, as_version=4)
    with pytest.MonkeyPatch.context() as mp:
        for k, v in {"COURSE_QUICK": "1", "MPLBACKEND": None, **env}.items():
            if v is None:
                mp.delenv(k, raising=False)
            else:
                mp.setenv(k, v)
        NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=True,
                       resources={"metadata": {"path": str(nb_path.parent)}}).execute()
    return nb


def missing_glyphs(nb) -> list:
    """``(cell index, warning)`` for every "Glyph ... missing from font(s) ..." matplotlib
    printed while the notebook ran (a label drawn as empty boxes)."""
    return [(i, m.group(0)) for i, c in enumerate(nb.cells) if c.cell_type == "code"
            for o in c.outputs if o.get("name") == "stderr"
            for m in re.finditer(r"Glyph \d+ .*? missing from font\(s\) [^\n]*", o.get("text", ""))]


# ------------------------------------------------------------------ a class of forward passes
# Two ways to write sprint 2's forward_general, with names to rename ({z}, {a}, {i}).
LOOP = '''    n_layers = len([k for k in network if k.startswith("W")])
    {z} = x
    for {i} in range(1, n_layers + 1):
        {a} = {z} @ network[f"W{{{i}}}"] + network[f"b{{{i}}}"]
        if {i} < n_layers:
            {z} = HIDDEN_ACTIVATIONS[hidden]({a})
        else:
            {z} = OUTPUT_FUNCTIONS[output]({a})
    return {z}
'''
OTHER = '''    keys = sorted(k for k in network if k[0] == "W")
    act = HIDDEN_ACTIVATIONS[hidden]
    out = np.asarray(x, dtype=float)
    for step, key in enumerate(keys):
        pre = np.dot(out, network[key]) + network["b" + key[1:]]
        out = OUTPUT_FUNCTIONS[output](pre) if step == len(keys) - 1 else act(pre)
    return out
'''


def write_forward_general(submitted: Path, student: str, body: str | None) -> None:
    """``student``'s sprint 2 submission: the released ``forward.py`` with ``body`` in
    ``forward_general`` (the stub as released when ``body`` is None)."""
    folder = submitted / student / "sprint2" / "helpers"
    folder.mkdir(parents=True)
    text = (ROOT / "helpers" / "forward.py").read_text()
    if body is not None:
        text = text.replace('    # YOUR CODE HERE\n    raise NotImplementedError('
                            '"forward_general: not implemented yet")\n', body)
    (folder / "forward.py").write_text(text)


# --------------------------------------------------------------------------- shared test plumbing
@contextlib.contextmanager
def terminal_to(path: Path):
    """File descriptors 1 and 2 (what reaches the instructor's terminal, below Python's
    ``sys.stdout``) go to ``path`` inside the block, and back afterwards."""
    saved = [os.dup(1), os.dup(2)]
    with open(path, "wb") as fh:
        os.dup2(fh.fileno(), 1)
        os.dup2(fh.fileno(), 2)
        try:
            yield
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            for fd in saved:
                os.close(fd)


def sample_check_call(nb) -> tuple[str, list]:
    """``(DEMO_HELPER, selectors)`` of sprint 0's cell that shows a check's output: the
    helper source it checks and what it passes to ``run_checks``."""
    demo = next(c for c in nb.cells if c.cell_type == "code" and "DEMO_HELPER = " in c.source)
    tree = ast.parse(demo.source)
    helper = next(ast.literal_eval(n.value) for n in ast.walk(tree) if isinstance(n, ast.Assign)
                  and getattr(n.targets[0], "id", None) == "DEMO_HELPER")
    call = next(n for n in ast.walk(tree) if isinstance(n, ast.Call)
                and getattr(n.func, "id", None) == "run_checks")
    return helper, ast.literal_eval(call.args[0])


# --------------------------------------------------------------------------- two languages
#: English words that must not be left in a Japanese verdict (the exercise's name aside).
LATIN_WORD = re.compile(r"\b(?:the|is|are|was|expected|got|case|should|your|argument|step)\b")


def verdict_of(result) -> tuple:
    """What decides a learner's grade and what the check points at: no words."""
    o = result.outcome
    return (result.status, result.passed, result.total, result.score,
            (o.kind, o.case, o.of, o.hidden, o.where, o.exception, o.blocked_by) if o else None,
            list(result.hints))


def scored_in_both_languages(lang, spec, cases, run) -> tuple:
    """One child's ``run`` of ``cases`` scored in English and in Japanese: ``(english,
    japanese, the Japanese check's text, the Japanese of each English hint)``."""
    from autograder.learner.check import CheckReport
    from autograder.learner.evaluate import score
    from autograder.learner.i18n import pgettext

    lang("en")
    english = score(spec, cases, run)
    lang("ja")
    japanese = score(spec, cases, run)
    shown = CheckReport([japanese]).render()
    japanese_hints = [pgettext(spec.id, h) for h in english.hints]
    lang("en")
    return english, japanese, shown, japanese_hints


def assert_same_in_both_languages(spec, english, japanese, shown, japanese_hints, what):
    """The same verdict, score and hints; only the words differ, and the Japanese words are
    Japanese."""
    assert verdict_of(english) == verdict_of(japanese), (what, english.message, japanese.message)
    if english.message:
        # the Japanese check shows its verdict in Japanese, not the English words
        assert JAPANESE.search(japanese.message), (what, japanese.message)
        assert not LATIN_WORD.search(japanese.message.replace(spec.name, "")), \
            (what, japanese.message)
    for h, japanese_hint in zip(english.hints, japanese_hints):
        # a hint is data (its English, the same in both); the check shows its translation
        assert JAPANESE.search(japanese_hint), (what, h)
        assert " ".join(japanese_hint.split()) in " ".join(shown.split()), (what, shown)
