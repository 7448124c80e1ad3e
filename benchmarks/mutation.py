"""Mutation testing: measure the test suite by the bugs it misses.

``python -m benchmarks.mutation`` plants one small bug at a time (a *mutant*: ``<`` for ``<=``,
a dropped ``np.asarray``, a deleted ``.copy()``, ``keepdims=True`` left out, ``all`` for
``any``, a constant off by one, a branch never taken, ...) in the code every grade depends on,
runs the tests that cover that file, and records whether some test failed (the mutant is
*killed*) or all passed (it *survived*: a bug the suite would let through). It mutates

* the **reference**: the ``### BEGIN SOLUTION`` ... ``### END SOLUTION`` regions of
  ``solutions/*.py`` (they compute every expected output), and
* the **checker core**: ``autograder/learner/compare.py``, ``evaluate.py``, ``sandbox_child.py``,
  ``registry.py``, ``verdict.py`` and ``trusted.py`` (the comparison, the scoring, the child's
  case runner, the case preparation, the one rendering policy of an outcome and the trusted
  grade of public and hidden cases), minus the parts listed in :data:`CORE_SKIP`.

Each file is tested with its own selection of tests (:data:`REFERENCE_TESTS`,
:data:`CORE_TESTS`), never the whole suite, so a full run takes minutes. Mutants known to be
*equivalent* (they cannot change any result) are listed with their reason in
``benchmarks/mutation_equivalent.toml``; they are not counted against the score. The results
table goes to ``benchmarks/results/mutation.md``. See ``benchmarks/README.md`` for the options
and ``docs/authoring.md`` for how to read the table.

How a mutant is run: each worker process copies the repository once to a scratch folder and
imports NumPy, pytest and hypothesis once. A baseline runs every selection once on the
unmutated code under coverage, recording which test functions run each line. For each mutant
the worker writes the mutated file into its copy, forks, runs pytest in the child (``-x``: the
first failure kills the mutant) on the test functions that run the mutated line, fastest first;
only if they all pass does it run the file's whole selection, so a *survivor* has passed every
selected test. It then puts the file back. Bytecode caches are off, so no stale ``.pyc`` can
hide a mutant. Every fork is made from a single-threaded process (checked before each one:
a child forked beside another thread can deadlock on a lock that thread held), and a child
that uses no CPU for :data:`STALL_SECONDS` is stopped with its Python stack printed.
"""
from __future__ import annotations

import argparse
import ast
import os
import platform
import random
import shutil
import signal
import sys
import tempfile
import time
import tomllib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results" / "mutation.md"
EQUIVALENT = Path(__file__).resolve().parent / "mutation_equivalent.toml"

#: The tests run against a mutant of each reference module: its contract tests (their names
#: hold the module's name), then the sprint tests that import it. Each entry is one pytest
#: run (a file, optionally with ``-k``); the runs go in order and stop at the first failure,
#: so the fast contract tests come first.
_SPRINT_TESTS = {
    "warmup": ["tests/test_sprint0_warmup.py"],
    "perceptron": ["tests/test_sprint1_perceptron.py"],
    "activations": ["tests/test_sprint2_forward.py", "tests/test_sprint3_learning.py"],
    "forward": ["tests/test_sprint2_forward.py"],
    "gradients": ["tests/test_sprint3_learning.py"],
    "losses": ["tests/test_sprint3_learning.py"],
    "numerical_net": ["tests/test_sprint3_learning.py"],
    "gradient_check": ["tests/test_sprint4_backprop.py"],
    "layers": ["tests/test_sprint4_backprop.py", "tests/test_sprint5_classifier.py"],
    "classifier": ["tests/test_sprint5_classifier.py"],
    "optimizers": ["tests/test_sprint6_optimizers.py"],
    "race": ["tests/test_sprint6_optimizers.py"],
    "initializers": ["tests/test_sprint6_techniques.py"],
    "regularization": ["tests/test_sprint6_techniques.py"],
    "conv1d": ["tests/test_sprint7_conv1d.py"],
    "conv2d": ["tests/test_sprint8_cnn.py"],
    "pooling": ["tests/test_sprint8_cnn.py"],
    "param_count": ["tests/test_sprint8_cnn.py"],
    "batchnorm": ["tests/test_sprint9_training.py"],
    "weight_decay": ["tests/test_sprint9_training.py"],
    "preprocessing": ["tests/test_sprint9_training.py"],
    "checkpoint": ["tests/test_sprint9_training.py"],
    "hyperparams": ["tests/test_sprint9_training.py"],
    "framework": ["tests/test_sprint10_framework.py"],
}
REFERENCE_TESTS = {module: [f"tests/test_reference_contracts.py -k {module}", *sprint]
                   for module, sprint in _SPRINT_TESTS.items()}

#: The in-process checker-core tests (a few seconds in all): the first run for every core file,
#: so the coverage-guided selection can pick any of them for a mutant.
_FAST_CORE = ("tests/test_checker_core.py tests/test_core_score_paths.py "
              "tests/test_core_child_registry.py tests/test_core_trusted.py")
#: The checker core and the tests run against its mutants (in-process, fast first; the
#: sandbox tests start real child processes).
CORE_TESTS = {
    "autograder/learner/compare.py": [_FAST_CORE, "tests/test_compare.py"],
    "autograder/learner/evaluate.py": [_FAST_CORE, "tests/test_compare.py"],
    "autograder/learner/sandbox_child.py": [_FAST_CORE, "tests/test_sandbox.py"],
    "autograder/learner/registry.py": [_FAST_CORE, "tests/test_compare.py"],
    "autograder/learner/verdict.py": [_FAST_CORE, "tests/test_verdicts.py"],
    "autograder/instructor/trusted.py": [_FAST_CORE, "tests/test_verdicts.py"],
}

#: Parts of the checker core that are not mutated: the named test functions a case may pass
#: (sprint data, not checking logic), the child's entry point, constants both sides share
#: (the wire version, the store's folder), file plumbing that the end-to-end grading tests
#: cover, and plain descriptions. (Every module's ``if __name__ == "__main__":`` is skipped.)
CORE_SKIP = {
    "autograder/learner/sandbox_child.py": {"_softmax_cross_entropy", "FUNCTIONS", "Fn.__repr__",
                                    "WIRE_VERSION",
                                    "child_main", "result_paths", "_learner_traceback"},
    "autograder/learner/registry.py": {"PUBLIC_DIR", "write_store", "live_exercises", "_sprint_key",
                               "has_live_registry", "Spec.as_row", "describe_inputs",
                               "_Named.grade_id", "_Named.sprint", "case", "class_case"},
    "autograder/learner/evaluate.py": {"ExerciseResult.as_row", "evaluate", "evaluate_many"},
    "autograder/learner/compare.py": {"_fmt"},
}

#: Calls whose removal (``np.asarray(x)`` → ``x``) is a mutant: conversions and copies.
UNWRAP_FUNCS = {"asarray", "array", "asanyarray", "ascontiguousarray", "atleast_1d",
                "atleast_2d", "float", "int", "tuple", "list", "bool", "abs", "sorted"}
#: Methods whose removal (``x.copy()`` → ``x``) is a mutant.
UNWRAP_METHODS = {"copy", "astype"}
_CMP_SWAP = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt,
             ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.In: ast.NotIn, ast.NotIn: ast.In,
             ast.Is: ast.IsNot, ast.IsNot: ast.Is}
_BIN_SWAP = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult,
             ast.FloorDiv: ast.Div, ast.Mod: ast.FloorDiv, ast.Pow: ast.Mult,
             ast.MatMult: ast.Mult}


# --------------------------------------------------------------------------- mutants
@dataclass
class Mutant:
    path: str            # "solutions/conv1d.py", relative to the repository
    line: int
    scope: str           # "Conv1d.forward": the function or class it is in
    operator: str        # "cmp", "binop", "number", "unwrap", "kwarg", "if-false", ...
    before: str          # the source text replaced
    after: str           # what replaced it
    source: str          # the whole mutated file
    occurrence: int = 0  # how many identical (scope, operator, before, after) came before it
    lines: tuple = ()    # the line and its statement's first line: where coverage records it

    @property
    def key(self) -> str:
        """A name for the mutant that survives edits elsewhere in the file (no line number)."""
        k = f"{self.path}::{self.scope}::{self.operator}: {self.before} -> {self.after}"
        return k if not self.occurrence else f"{k} #{self.occurrence + 1}"


def _line_offsets(text: str) -> list:
    offsets, pos = [0], 0
    for line in text.splitlines(keepends=True):
        pos += len(line)
        offsets.append(pos)
    return offsets


def _node_span(node, offsets, text: str):
    """Character span of ``node`` in ``text`` (AST columns are UTF-8 byte offsets)."""
    def pos(lineno, col):
        line_start = offsets[lineno - 1]
        line = text[line_start:offsets[lineno]]
        return line_start + len(line.encode()[:col].decode())
    return pos(node.lineno, node.col_offset), pos(node.end_lineno, node.end_col_offset)


def solution_lines(text: str) -> set:
    """The line numbers inside ``### BEGIN SOLUTION`` ... ``### END SOLUTION`` regions."""
    lines, inside = set(), False
    for n, line in enumerate(text.splitlines(), 1):
        if line.strip() == "### BEGIN SOLUTION":
            inside = True
        elif line.strip() == "### END SOLUTION":
            inside = False
        elif inside:
            lines.add(n)
    return lines


class _Finder(ast.NodeVisitor):
    """Walks a module and yields ``(node, scope, operator, replacement_node_or_text)``."""

    def __init__(self, wanted_line, skip_scopes):
        self.wanted_line = wanted_line
        self.skip = skip_scopes
        self.stack: list = []
        self.found: list = []
        self.in_index = 0

    # ---- scopes
    def _scoped(self, node):
        self.stack.append(node.name)
        if ".".join(self.stack) not in self.skip and node.name not in self.skip:
            self.generic_visit(node)
        self.stack.pop()

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = _scoped

    def visit_Assign(self, node):
        names = [t.id for t in node.targets if isinstance(t, ast.Name)]
        if any(n in self.skip for n in names):
            return
        self._stmt(node)
        self.generic_visit(node)

    def visit_JoinedStr(self, node):
        return  # f-strings: messages, and their inner positions are unreliable

    def visit_Raise(self, node):
        return  # the message of an error; the condition that raises it is mutated

    def visit_Subscript(self, node):
        self.visit(node.value)
        self.in_index += 1
        self.visit(node.slice)
        self.in_index -= 1

    def visit_Expr(self, node):
        if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            return  # a docstring
        self._stmt(node)
        self.generic_visit(node)

    @property
    def scope(self):
        return ".".join(self.stack) or "<module>"

    def add(self, node, op, new):
        if self.in_index and op in ("number", "binop"):
            return  # index arithmetic (x[k:k + n], shape[0]): every test trips on it at once
        if self.wanted_line(node.lineno):
            self.found.append((node, self.scope, op, new))

    # ---- statements
    def _stmt(self, node):
        deletable = isinstance(node, (ast.AugAssign, ast.Expr)) or (
            isinstance(node, ast.Assign) and all(
                isinstance(t, (ast.Attribute, ast.Subscript)) for t in node.targets))
        if deletable:
            self.add(node, "delete", "pass")

    def visit_AugAssign(self, node):
        self._stmt(node)
        swap = _BIN_SWAP.get(type(node.op))
        if swap:
            self.add(node, "augop", ast.AugAssign(node.target, swap(), node.value))
        self.generic_visit(node)

    def visit_Break(self, node):
        self.add(node, "delete", "pass")

    def visit_Continue(self, node):
        self.add(node, "delete", "pass")

    def visit_If(self, node):
        if not self.stack and "__name__" in ast.unparse(node.test):
            return  # the script entry point (`if __name__ == "__main__":`)
        self.add(node.test, "if-false", ast.Constant(False))
        self.generic_visit(node)

    # ---- expressions
    def visit_Compare(self, node):
        for i, op in enumerate(node.ops):
            swap = _CMP_SWAP.get(type(op))
            if swap:
                ops = list(node.ops)
                ops[i] = swap()
                self.add(node, "cmp", ast.Compare(node.left, ops, node.comparators))
            right = node.comparators[i]
            if isinstance(op, (ast.In, ast.NotIn)) and isinstance(right, ast.Constant) and \
                    isinstance(right.value, str) and 0 < len(right.value) <= 6:
                self.add(right, "charset", ast.Constant(""))
        self.generic_visit(node)

    def visit_BinOp(self, node):
        swap = _BIN_SWAP.get(type(node.op))
        if swap:
            self.add(node, "binop", ast.BinOp(node.left, swap(), node.right))
        self.generic_visit(node)

    def visit_BoolOp(self, node):
        other = ast.Or if isinstance(node.op, ast.And) else ast.And
        self.add(node, "boolop", ast.BoolOp(other(), node.values))
        self.generic_visit(node)

    def visit_UnaryOp(self, node):
        if isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant) and \
                type(node.operand.value) in (int, float):
            self.add(node, "number", ast.Constant(-node.operand.value + 1))  # -1 -> 0
            return
        if isinstance(node.op, (ast.Not, ast.USub)):
            self.add(node, "unary", node.operand)
        self.generic_visit(node)

    def visit_Constant(self, node):
        v = node.value
        if isinstance(v, bool):
            self.add(node, "bool", ast.Constant(not v))
        elif isinstance(v, (int, float)) and not isinstance(v, bool):
            self.add(node, "number", ast.Constant(type(v)(1) if v == 0 else v + 1))

    def visit_Call(self, node):
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        is_np = isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and \
            func.value.id in ("np", "numpy")
        if isinstance(func, ast.Name) and name in ("all", "any"):
            self.add(func, "all-any", ast.Name("any" if name == "all" else "all"))
        if node.args and not any(isinstance(a, ast.Starred) for a in node.args) and (
                (is_np or isinstance(func, ast.Name)) and name in UNWRAP_FUNCS):
            self.add(node, "unwrap", node.args[0])
        if isinstance(func, ast.Attribute) and not is_np and name in UNWRAP_METHODS:
            self.add(node, "unwrap", func.value)
        for i, kw in enumerate(node.keywords):
            if kw.arg is not None:
                kws = node.keywords[:i] + node.keywords[i + 1:]
                self.add(node, "kwarg", ast.Call(node.func, node.args, kws))
        self.generic_visit(node)


def mutants_of(path: str, text: str, *, wanted_line=None, skip=()) -> list:
    """Every mutant of ``text`` (the file ``path``) on the lines ``wanted_line`` accepts."""
    tree = ast.parse(text)
    statements = [(n.lineno, n.end_lineno) for n in ast.walk(tree) if isinstance(n, ast.stmt)]
    finder = _Finder(wanted_line or (lambda n: True), set(skip))
    finder.visit(tree)
    offsets = _line_offsets(text)
    out, seen = [], {}
    for node, scope, op, new in finder.found:
        start, end = _node_span(node, offsets, text)
        before = text[start:end]
        if isinstance(new, str):
            after = new
        else:
            after = ast.unparse(new)
            if isinstance(node, ast.expr):
                after = f"({after})"
        mutated = text[:start] + after + text[end:]
        try:
            ast.parse(mutated)
        except SyntaxError:
            continue
        short = lambda s: " ".join(s.split())  # noqa: E731
        m = Mutant(path, node.lineno, scope, op, short(before), short(after), mutated)
        # coverage.py records a multi-line statement on its first line
        first = max((a for a, b in statements if a <= node.lineno <= b), default=node.lineno)
        m.lines = tuple(sorted({node.lineno, first}))
        sig = (scope, op, m.before, m.after)
        m.occurrence = seen.get(sig, 0)
        seen[sig] = m.occurrence + 1
        out.append(m)
    return out


@dataclass
class Target:
    path: str
    tests: list
    kind: str            # "reference" or "checker core"
    mutants: list = field(default_factory=list)


def targets(root: Path = ROOT) -> list:
    """The files to mutate, their test selections and their mutants."""
    out = []
    for module, tests in REFERENCE_TESTS.items():
        rel = f"solutions/{module}.py"
        text = (root / rel).read_text()
        lines = solution_lines(text)
        out.append(Target(rel, tests, "reference",
                          mutants_of(rel, text, wanted_line=lines.__contains__)))
    for rel, tests in CORE_TESTS.items():
        text = (root / rel).read_text()
        out.append(Target(rel, tests, "checker core",
                          mutants_of(rel, text, skip=CORE_SKIP.get(rel, ()))))
    return out


def sample_keys(chosen: list, n: int, seed: int = 0) -> set:
    """The keys of a seeded random sample of ``n`` mutants of ``chosen`` (all of them when there
    are fewer): every mutant equally likely, so each file is sampled in proportion to its size."""
    keys = sorted(m.key for t in chosen for m in t.mutants)
    return set(random.Random(seed).sample(keys, min(n, len(keys))))


def load_equivalent(path: Path = EQUIVALENT) -> dict:
    """``{mutant key: reason}`` from the baseline of equivalent mutants."""
    if not path.is_file():
        return {}
    doc = tomllib.loads(path.read_text())
    return {e["mutant"]: e["reason"] for e in doc.get("equivalent", [])}


# --------------------------------------------------------------------------- running
_PRELOAD = ("numpy", "pytest", "hypothesis", "hypothesis.strategies", "_pytest.python",
            "matplotlib", "matplotlib.pyplot", "tqdm", "tqdm.auto", "_hypothesis_pytestplugin",
            "coverage")
_WORKDIR: Path | None = None
_CHILD = 0                 # the worker's running pytest child, if any
_MTIME_BASE = 2_000_000_000
_PROJECT = ("autograder", "solutions", "tests", "helpers", "benchmarks")


#: A pytest child that uses no CPU for this long (and waits on no process of its own) is
#: deadlocked, not slow: it is stopped at once, with its Python stack, instead of running out
#: its whole time limit (a test that only sleeps would look the same: none does for this long).
STALL_SECONDS = 90.0
#: The exit code :func:`_run_pytest` reports for such a child.
HUNG = "hung"


def _has(module: str) -> bool:
    return module in sys.modules


def _threads() -> list:
    """The threads of this process: their names from ``/proc/self/task`` (every OS thread, also
    those Python does not know: OpenBLAS's, OpenMP's, torch's), else ``threading``'s."""
    import threading

    try:
        tasks = os.listdir("/proc/self/task")
    except OSError:
        return [t.name for t in threading.enumerate()]
    names = []
    for tid in sorted(tasks, key=int):
        try:
            names.append(Path(f"/proc/self/task/{tid}/comm").read_text().strip())
        except OSError:
            pass   # the thread ended meanwhile
    return names


def assert_single_threaded(what: str):
    """Refuse to fork while another thread runs: the child would inherit every lock that
    thread held at that instant (the allocator's, the import lock, a BLAS pool's) with no
    thread left to release it, and could wait on it for ever. Both forks of the tool (the
    worker pool, each pytest child) come from processes that must have one thread only."""
    import threading

    names = _threads()
    if len(names) > 1:
        ours = ", ".join(t.name for t in threading.enumerate())
        raise RuntimeError(
            f"{what}: refusing to fork while this process runs {len(names)} threads "
            f"(named by the system: {', '.join(names)}; Python's own: {ours}); a forked "
            "child could deadlock on a lock one of them holds. "
            "Start the tool in a fresh process (python -m benchmarks.mutation) with "
            "OPENBLAS_NUM_THREADS=1 and OMP_NUM_THREADS=1.")


def _cpu_ticks(pid: int):
    """``(CPU ticks used by pid and its reaped children, has live children)``, or ``None``."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except (OSError, IndexError):
        return None
    # after ")": state ppid pgrp ... utime(12) stime(13) cutime(14) cstime(15)
    return sum(int(x) for x in fields[11:15]), bool(children)


def _preload():
    os.environ.setdefault("MPLBACKEND", "Agg")
    for name in _PRELOAD:
        try:
            __import__(name)
        except ImportError:
            pass


def _copy_repo(root: Path, base: Path) -> Path:
    dest = Path(tempfile.mkdtemp(prefix="mutation-", dir=base))
    ignore = shutil.ignore_patterns(".git", "__pycache__", ".pytest_cache", ".hypothesis",
                                    "*.pyc", "course_build", "release", "grading")
    for item in root.iterdir():
        if item.name in (".git",) or item.name.startswith(".mutation"):
            continue
        if item.is_symlink():
            os.symlink(os.readlink(item), dest / item.name)
        elif item.is_dir():
            shutil.copytree(item, dest / item.name, ignore=ignore, symlinks=True)
        else:
            shutil.copy2(item, dest / item.name)
    return dest


def _run_stages(workdir: Path, tests: list, timeout: float) -> tuple:
    """Run each test file of ``tests`` in turn, stopping at the first that fails.

    One pytest run per file: a mutant the first (fast) file kills costs only that file's
    collection. Returns ``(exit code, seconds)`` as :func:`_run_pytest`.
    """
    start, rc = time.monotonic(), 0
    for spec in tests:
        left = timeout - (time.monotonic() - start)
        rc, _ = _run_pytest(workdir, spec.split(), left)
        if rc == 5:  # no test selected in this file (a `-k` that matches nothing): go on
            rc = 0
        if rc != 0:
            break
    return rc, time.monotonic() - start


def _coverage_plugin(cov, durations: dict):
    """A pytest plug-in that records which test runs each line: one coverage context per test
    function (parametrized cases merged), and each test function's time."""
    import pytest

    class Contexts:
        @pytest.hookimpl(hookwrapper=True)
        def pytest_runtest_protocol(self, item, nextitem):
            name = item.nodeid.split("[")[0]
            cov.switch_context(name)
            start = time.monotonic()
            yield
            durations[name] = durations.get(name, 0.0) + time.monotonic() - start
            cov.switch_context("")

    return Contexts()


def _run_pytest(workdir: Path, tests: list, timeout: float, extra=(),
                coverage_out: Path | None = None, log: Path | None = None,
                stall: float = STALL_SECONDS) -> tuple:
    """Run pytest on ``tests`` in ``workdir`` in a forked child: ``(exit code, seconds)``.

    Exit code ``None`` means the run took longer than ``timeout`` and was killed; :data:`HUNG`
    that it used no CPU for ``stall`` seconds and was stopped early (a deadlock). It refuses to
    fork (``RuntimeError``) while this process has another thread. With
    ``coverage_out``, the child records which test function runs which line of the mutated
    files and writes ``{"lines": {path: {line: [test, ...]}}, "seconds": {test: s}}`` there.
    """
    global _CHILD
    start = time.monotonic()
    if timeout <= 0:
        return None, 0.0
    assert_single_threaded("the mutation worker")
    fd, name = tempfile.mkstemp(prefix="pytest-child-stack-", dir=workdir.parent)
    os.close(fd)
    stack = Path(name)
    pid = os.fork()
    if pid == 0:  # the child: a fresh import of the project from the copy
        try:
            import faulthandler
            import resource

            # SIGABRT (sent when it hangs) writes its Python stack and leaves no core file
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
            faulthandler.enable(file=os.open(stack, os.O_WRONLY), all_threads=True)
            os.setpgid(0, 0)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            os.chdir(workdir)
            sys.path[:] = [str(workdir)] + [p for p in sys.path
                                            if p not in ("", ".", str(ROOT))]
            for name in list(sys.modules):
                if name.split(".")[0] in _PROJECT:
                    del sys.modules[name]
            out = os.open(log or os.devnull, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.dup2(out, 1)
            os.dup2(out, 2)
            # Only the plug-in the selected tests need: autoloading every installed pytest
            # plug-in (nbval, anyio, ...) costs more CPU than a contract test run itself.
            os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
            plugins = ["-p", "_hypothesis_pytestplugin"] if _has("_hypothesis_pytestplugin") \
                else []
            import pytest
            args = ["-x", "-q", "-p", "no:cacheprovider", "-p", "no:faulthandler", *plugins,
                    "--no-header",
                    "-o", "addopts=", "--rootdir", str(workdir), *extra, *tests]
            if coverage_out is None:
                os._exit(int(pytest.main(args)))
            import json

            import coverage
            cov = coverage.Coverage(data_file=None, include=[
                str(workdir / part / "*.py")
                for part in ("solutions", "autograder", "autograder/learner",
                             "autograder/instructor")])
            durations: dict = {}
            cov.start()
            try:
                rc = pytest.main(args, plugins=[_coverage_plugin(cov, durations)])
            finally:
                cov.stop()
            data, lines = cov.get_data(), {}
            for name in data.measured_files():
                rel = str(Path(name).relative_to(workdir))
                lines[rel] = {n: sorted(c for c in ctx if c)
                              for n, ctx in data.contexts_by_lineno(name).items()}
            coverage_out.write_text(json.dumps({"lines": lines, "seconds": durations}))
            os._exit(int(rc))
        except BaseException:  # noqa: BLE001 - never return into the parent's code
            os._exit(99)
    _CHILD = pid
    try:
        return _wait(pid, start, timeout, stack, stall, tests)
    finally:
        _CHILD = 0
        stack.unlink(missing_ok=True)


def _wait(pid: int, start: float, timeout: float, stack: Path, stall: float, tests) -> tuple:
    """Wait for the pytest child ``pid``: its exit code, ``None`` past ``timeout`` (killed),
    or :data:`HUNG` when it used no CPU for ``stall`` seconds (its Python stack, which it
    writes on SIGABRT, goes to stderr) → ``(code, seconds)``."""
    deadline = start + timeout
    ticks, still_since, next_look = None, time.monotonic(), 0.0
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status), time.monotonic() - start
        now = time.monotonic()
        if now > deadline:
            _kill_group(pid)
            return None, now - start
        if now >= next_look:
            next_look = now + min(5.0, stall / 4)
            seen = _cpu_ticks(pid)
            if seen is None or seen[1] or seen[0] != ticks:   # working, or waiting on a child
                ticks, still_since = (seen[0] if seen else None), now
            elif now - still_since >= stall:
                os.kill(pid, signal.SIGABRT)
                for _ in range(40):   # faulthandler writes, then the child dies of the signal
                    if os.waitpid(pid, os.WNOHANG)[0]:
                        break
                    time.sleep(0.05)
                else:
                    _kill_group(pid)
                _kill_group(pid, reap=False)
                print(f"mutation: the pytest child {pid} running {' '.join(tests)} used no CPU "
                      f"for {now - still_since:.0f} s (deadlocked); stopped it. Its stack:\n"
                      + stack.read_text(errors="replace"), file=sys.stderr, flush=True)
                return HUNG, time.monotonic() - start
        time.sleep(0.05)


def _kill_group(pid: int, reap: bool = True):
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    if reap:
        try:
            os.waitpid(pid, 0)
        except ChildProcessError:
            pass


def _stop_worker(*_):
    """A worker told to stop takes its running pytest child (and what that started) along."""
    if _CHILD:
        try:
            os.killpg(_CHILD, signal.SIGKILL)
        except ProcessLookupError:
            pass
    os._exit(1)


def _worker_setup(root: str, base: str):
    global _WORKDIR
    signal.signal(signal.SIGTERM, _stop_worker)
    signal.signal(signal.SIGINT, signal.SIG_IGN)   # Ctrl-C: the parent stops the pool
    _WORKDIR = _copy_repo(Path(root), Path(base))


def _run_mutant(job) -> tuple:
    """Worker: run one mutant → ``(index, rc, seconds, how)``.

    ``job = (index, path, source, covering, covering_timeout, tests, timeout)``. First the
    test functions that run the mutated line (``covering``, node ids, fastest first) in one
    pytest run; if none fails, the file's whole selection ``tests`` (so a survivor has passed
    every selected test, not only the covering ones). ``how`` says which run decided:
    ``"covering"`` or ``"selection"``.

    The mutated file gets a modification time of its own (``_MTIME_BASE + index``), so the
    bytecode cached for any other version of the file (it records the source's time and size)
    is never taken for it; the original comes back with its own time.
    """
    index, path, source, covering, covering_timeout, tests, timeout = job
    target = _WORKDIR / path
    original, stat = target.read_text(), target.stat()
    if source != original:
        target.write_text(source)
        os.utime(target, (_MTIME_BASE + index, _MTIME_BASE + index))
    try:
        start = time.monotonic()
        if covering:
            rc, _ = _run_pytest(_WORKDIR, covering, covering_timeout)
            # 0: none failed; 5: none selected; 4: a node id not found (the mutant broke the
            # test module's collection): the whole selection decides
            if rc not in (0, 4, 5):
                return index, rc, time.monotonic() - start, "covering"
        rc, _ = _run_stages(_WORKDIR, tests, timeout)
        return index, rc, time.monotonic() - start, "selection"
    finally:
        if source != original:
            target.write_text(original)
            os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def _baseline(job) -> tuple:
    """Worker: one test run of a selection on the unmutated code, under coverage →
    ``(index, rc, seconds, {"lines": ..., "seconds": ...})``."""
    import json

    index, spec = job
    out = _WORKDIR.parent / f"coverage-{os.getpid()}-{index}.json"
    log = _WORKDIR.parent / f"baseline-{os.getpid()}-{index}.log"
    rc, secs = _run_pytest(_WORKDIR, spec.split(), 900, coverage_out=out, log=log)
    data = json.loads(out.read_text()) if out.is_file() else {"lines": {}, "seconds": {}}
    out.unlink(missing_ok=True)
    if rc not in (0, 5):   # what failed, for the message: pytest's last lines
        data["log"] = "\n".join(log.read_text(errors="replace").splitlines()[-15:]) \
            if log.is_file() else ""
    log.unlink(missing_ok=True)
    return index, rc, secs, data


def results(pool, func, jobs: list):
    """``pool.imap_unordered(func, jobs)``, but stopping (``SystemExit``) when a worker dies.

    A ``multiprocessing.Pool`` whose worker is killed (the out-of-memory killer, a crash)
    loses that worker's task and waits for its result for ever; it also forks a replacement
    from this process, which by then runs the pool's threads (the hazard every other fork of
    the tool avoids). So the workers' process ids are watched: any change ends the run."""
    import multiprocessing as mp

    workers = {w.pid: w for w in pool._pool}   # noqa: SLF001 - Pool keeps no public list
    it = pool.imap_unordered(func, jobs)
    while True:
        try:
            yield it.next(timeout=2)
        except StopIteration:
            return
        except mp.TimeoutError:
            pass
        dead = [w for w in workers.values() if w.exitcode is not None]
        if dead or {w.pid for w in pool._pool} != set(workers):   # noqa: SLF001
            raise SystemExit("a mutation worker died ("
                             + ", ".join(f"pid {w.pid}, exit {w.exitcode}" for w in dead)
                             + "): its task is lost, so the run stops here instead of waiting "
                             "for ever")


def _verdict(rc) -> str:
    if rc == HUNG:   # the tool's fault or the mutant's, not a test's verdict: look at it
        return "error (pytest hung)"
    if rc is None:
        return "killed (timeout)"
    if rc in (1, 2, 3):     # tests failed / interrupted (an import error) / internal error
        return "killed"
    if rc == 4:   # pytest could not load the tests (a conftest that no longer imports): the
        return "killed (tests cannot load)"   # baseline loaded them, so the mutant broke it
    if rc == 0:
        return "survived"
    return f"error (pytest exit {rc})"


@dataclass
class Outcome:
    mutant: Mutant
    verdict: str
    seconds: float
    how: str = "selection"     # the run that decided: "covering" tests only, or the selection
    covered: bool = True       # did any selected test (in the tests' own process) run its line?


def covering_tests(mutant: Mutant, stages: list, coverage: dict) -> list:
    """The test functions of ``stages`` that run a line of ``mutant``, fastest first."""
    seconds: dict = {}
    for stage in stages:
        data = coverage.get(stage, {})
        by_line = data.get("lines", {}).get(mutant.path, {})
        for line in mutant.lines or (mutant.line,):
            for test in by_line.get(str(line), ()):
                seconds[test] = data["seconds"].get(test, 0.0)
    return sorted(seconds, key=lambda t: (seconds[t], t))


def run(selected: list, jobs: int, root: Path = ROOT, progress=print, partial=None,
        use_coverage: bool = True) -> tuple:
    """Run every mutant of ``selected`` targets; returns (outcomes, baseline seconds per file).

    The mutants run in a shuffled (seeded) order, so a run stopped early has sampled every
    file; ``partial(outcomes_so_far)`` is called every 20 mutants.
    """
    import multiprocessing as mp

    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = "1"   # no BLAS/OpenMP thread pool: every fork is single-threaded
    _preload()
    assert_single_threaded("the mutation tool")   # the pool forks its workers from here
    base = Path(tempfile.mkdtemp(prefix="mutation-work-"))
    previous = signal.getsignal(signal.SIGTERM)
    try:
        ctx = mp.get_context("fork")
        with ctx.Pool(jobs, initializer=_worker_setup, initargs=(str(root), str(base))) as pool:
            signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # clean up when killed
            # Baseline: every test run of the selections must pass unmutated (each distinct
            # run once: the sprint files are shared); their times set the mutants' limits, and
            # coverage records which test functions run each line.
            stages = sorted({stage for t in selected for stage in t.tests})
            took, coverage, empty = {}, {}, set()
            for i, rc, secs, data in results(pool, _baseline, list(enumerate(stages))):
                if rc not in (0, 5):
                    if rc == HUNG:
                        raise SystemExit(f"`pytest {stages[i]}` hung without any mutant (its "
                                         "stack is printed above)")
                    raise SystemExit(f"`pytest {stages[i]}` fails without any mutant "
                                     f"(exit {rc}): fix it first\n{data.get('log', '')}")
                took[stages[i]], coverage[stages[i]] = secs, data
                if rc == 5:
                    empty.add(stages[i])
                progress(f"baseline {stages[i]}: {secs:.1f} s"
                         + (" (selects no test: left out)" if rc == 5 else ""))
            for t in selected:   # a stage that selects no test costs its collection only
                t.tests = [stage for stage in t.tests if stage not in empty]
            baseline = {t.path: sum(took[stage] for stage in t.tests) for t in selected}
            work, index, covered = [], [], []
            for t in selected:
                limit = 3 * baseline[t.path] + 15
                for m in t.mutants:
                    tests = covering_tests(m, t.tests, coverage) if use_coverage else []
                    seconds = sum(coverage[st]["seconds"].get(x, 0.0)
                                  for st in t.tests for x in tests)
                    index.append(m)
                    covered.append(bool(covering_tests(m, t.tests, coverage)))
                    work.append((len(work), m.path, m.source, tests, 3 * seconds + 15,
                                 t.tests, limit))
            outcomes: list = [None] * len(work)
            order = list(work)
            random.Random(0).shuffle(order)
            for n, (i, rc, secs, how) in enumerate(results(pool, _run_mutant, order), 1):
                m = index[i]
                outcomes[i] = Outcome(m, _verdict(rc), secs, how, covered[i])
                progress(f"[{n}/{len(work)}] {outcomes[i].verdict:16} {m.path}:{m.line} "
                         f"{m.operator}: {m.before} -> {m.after} ({secs:.1f} s, {how})")
                if partial and n % 20 == 0 and n < len(work):
                    partial([o for o in outcomes if o is not None], len(work))
        return outcomes, baseline
    finally:
        signal.signal(signal.SIGTERM, previous)
        shutil.rmtree(base, ignore_errors=True)


# --------------------------------------------------------------------------- the table
def _load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def summarize(outcomes: list, equivalent: dict) -> dict:
    """Per file: ``{path: {"kind", "mutants", "killed", "survived", "equivalent", ...}}``."""
    rows: dict = {}
    for o in outcomes:
        r = rows.setdefault(o.mutant.path, {"mutants": 0, "killed": 0, "survived": 0,
                                             "equivalent": 0, "errors": 0, "survivors": [],
                                             "stale": []})
        r["mutants"] += 1
        key = o.mutant.key
        if o.verdict.startswith("killed"):
            r["killed"] += 1
            if key in equivalent:
                r["stale"].append(o)
        elif o.verdict == "survived":
            if key in equivalent:
                r["equivalent"] += 1
            else:
                r["survived"] += 1
                r["survivors"].append(o)
        else:
            r["errors"] += 1
            r["survivors"].append(o)
    return rows


def score(killed: int, counted: int) -> str:
    return f"{100 * killed / counted:.1f} %" if counted else "–"


def render(outcomes, equivalent, *, kinds: dict, command: str, started: str, seconds: float,
           jobs: int, load_start: str, load_end: str, planned: int | None = None) -> str:
    rows = summarize(outcomes, equivalent)
    lines = [
        "# Mutation testing: the bugs the tests miss",
        "",
        *([f"**Partial: {len(outcomes)} of {planned} mutants run so far** (a random sample "
           "of every file; the run was still going or was stopped).", ""]
          if planned and len(outcomes) < planned else []),
        f"Written by `{command}` (see `benchmarks/README.md`; how to read it: "
        "`docs/authoring.md`, *Mutation testing*).",
        "",
        f"- run: {started}, {seconds / 60:.1f} min with {jobs} worker(s) on {os.cpu_count()} "
        f"cores; load average {load_start} at the start, {load_end} at the end",
        f"- Python {platform.python_version()}, {len(outcomes)} mutants; equivalent mutants "
        f"from `benchmarks/mutation_equivalent.toml` ({len(equivalent)} listed)",
        "- score = killed ÷ (mutants − equivalent); a timeout counts as killed",
        f"- {sum(o.how == 'covering' for o in outcomes)} mutants were killed by the tests that "
        "run their line alone (recorded by coverage on the unmutated code); the others ran "
        "their file's whole selection",
        "",
        "| file | part | mutants | killed | survived | equivalent | errors | score |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    totals: dict = {}
    for path, r in sorted(rows.items(), key=lambda kv: (kinds[kv[0]], kv[0])):
        kind = kinds[path]
        lines.append(f"| `{path}` | {kind} | {r['mutants']} | {r['killed']} | {r['survived']} "
                     f"| {r['equivalent']} | {r['errors']} | "
                     f"{score(r['killed'], r['mutants'] - r['equivalent'])} |")
        t = totals.setdefault(kind, [0, 0, 0, 0, 0])
        for i, k in enumerate(("mutants", "killed", "survived", "equivalent", "errors")):
            t[i] += r[k]
    for kind, (n, k, s, e, err) in totals.items():
        lines.append(f"| **all** | **{kind}** | {n} | {k} | {s} | {e} | {err} | "
                     f"**{score(k, n - e)}** |")
    survivors = [o for r in rows.values() for o in r["survivors"]]
    lines += ["", "## Surviving mutants", ""]
    if survivors:
        lines.append("Each is a bug no selected test notices (or a mutant to list as equivalent, "
                     "with its reason).")
        lines.append("")
        for o in survivors:
            m = o.mutant
            note = "" if o.covered else "; no selected test runs this line in its own process"
            lines.append(f"- `{m.path}:{m.line}` in `{m.scope}` ({m.operator}, {o.verdict}"
                         f"{note}): `{m.before}` → `{m.after}`")
    else:
        lines.append("None.")
    stale = [o for r in rows.values() for o in r["stale"]]
    if stale:
        lines += ["", "## Listed as equivalent but killed (remove from the baseline)", ""]
        lines += [f"- `{o.mutant.key}`" for o in stale]
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.mutation", description=__doc__.split(
        "\n\n")[0])
    ap.add_argument("--only", action="append", default=[], metavar="TEXT",
                    help="only the files whose path contains TEXT (repeatable)")
    ap.add_argument("--part", choices=["reference", "core"], help="only one part")
    ap.add_argument("--key", action="append", default=[], metavar="TEXT",
                    help="only the mutants whose key (see --list) contains TEXT (repeatable)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                    help="worker processes (default: one per core)")
    ap.add_argument("--limit", type=int, help="at most N mutants per file (a smoke run)")
    ap.add_argument("--sample", type=int, metavar="N",
                    help="a seeded random sample of N mutants over every chosen file (the "
                         "timed quick run: a score on a sample, not on every mutant)")
    ap.add_argument("--seed", type=int, default=0, help="the sample's seed (default 0)")
    ap.add_argument("--list", action="store_true", help="list the mutants, run nothing")
    ap.add_argument("--screen", action="store_true",
                    help="a quick screen: the covering tests and only the first (fast) test "
                    "run of each file's selection; its survivors may still be killed by the "
                    "slower runs")
    ap.add_argument("--no-coverage", action="store_true",
                    help="run each mutant against its file's whole selection, not the tests "
                    "that run its line first (slower; for comparison)")
    ap.add_argument("--out", type=Path, help=f"write the table here (default {RESULTS}; "
                    "a run restricted by --only/--part/--limit writes nowhere unless given)")
    args = ap.parse_args(argv)

    chosen = targets()
    if args.part:
        chosen = [t for t in chosen if t.kind == ("reference" if args.part == "reference"
                                                  else "checker core")]
    if args.only:
        chosen = [t for t in chosen if any(s in t.path for s in args.only)]
    if args.key:
        for t in chosen:
            t.mutants = [m for m in t.mutants if any(k in m.key for k in args.key)]
        chosen = [t for t in chosen if t.mutants]
    if args.limit is not None:
        for t in chosen:
            t.mutants = t.mutants[:args.limit]
    if args.sample is not None:
        keep = sample_keys(chosen, args.sample, args.seed)
        for t in chosen:
            t.mutants = [m for m in t.mutants if m.key in keep]
        chosen = [t for t in chosen if t.mutants]
    if args.screen:
        for t in chosen:
            t.tests = t.tests[:1]
    equivalent = load_equivalent()
    if args.list:
        for t in chosen:
            for m in t.mutants:
                mark = "  [equivalent]" if m.key in equivalent else ""
                print(f"{m.path}:{m.line}  {m.key}{mark}")
        print(f"{sum(len(t.mutants) for t in chosen)} mutants in {len(chosen)} files")
        return 0
    full = not (args.only or args.part or args.key or args.limit is not None or args.screen
                or args.sample is not None)
    out = args.out or (RESULTS if full else None)
    started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    load_start, t0 = _load(), time.monotonic()
    command = "python -m benchmarks.mutation" + ("" if argv is None and len(sys.argv) < 2
                                                 else " " + " ".join(argv or sys.argv[1:]))
    kinds = {t.path: t.kind for t in chosen}

    def write_partial(done, planned):
        if out:
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(render(done, equivalent, kinds=kinds, command=command,
                                  started=started, seconds=time.monotonic() - t0,
                                  jobs=args.jobs, load_start=load_start, load_end=_load(),
                                  planned=planned))

    outcomes, _ = run(chosen, args.jobs, progress=lambda s: print(s, flush=True),
                      partial=write_partial, use_coverage=not args.no_coverage)
    seconds = time.monotonic() - t0
    text = render(outcomes, equivalent, kinds=kinds,
                  command=command, started=started, seconds=seconds, jobs=args.jobs,
                  load_start=load_start, load_end=_load())
    print(text)
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text)
        print(f"wrote {out}")
    rows = summarize(outcomes, equivalent)
    return 1 if any(r["survived"] or r["errors"] for r in rows.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
