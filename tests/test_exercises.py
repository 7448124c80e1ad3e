"""Every exercise in the registry, against the reference, the stubs and its known mistakes."""
from __future__ import annotations

import functools
import json
import shutil
import subprocess
import sys

import numpy as np
import pytest

from autograder.learner import sandbox
from autograder.learner.evaluate import NOT_IMPLEMENTED, PASSED, evaluate, evaluate_many
from autograder.learner.registry import RAISES, Exercise, Fn, Spec, live_exercises, load_exercises

from .conftest import ROOT, make_helpers, plant_mistake
from .support import assert_same_in_both_languages, scored_in_both_languages

EXERCISES = live_exercises()
SPECS = {s.id: s for s in load_exercises()}
MISTAKES = [(e.id, i) for e in EXERCISES for i in range(len(e.mistakes))]


def test_registry_is_not_empty_and_ids_are_well_formed():
    assert EXERCISES, "no exercise declared"
    for e in EXERCISES:
        sprint, _, name = e.id.partition(".")
        assert sprint.startswith("sprint") and sprint[6:].isdigit() and name.isidentifier(), e.id
        assert e.points > 0
        assert (ROOT / "solutions" / f"{e.module}.py").is_file(), e.id
        assert e.examples or e.generate, f"{e.id} has no case"


def _by_sprint(helpers, cases_of):
    """``result(ex_id)``: the exercise evaluated on ``helpers``, with a sprint's exercises
    in one child process as grading runs them (evaluated when a test of the sprint first
    asks)."""
    @functools.cache
    def sprint_results(sprint):
        work = [(s, cases_of(s)) for s in SPECS.values() if s.sprint == sprint]
        return {spec.id: r for (spec, _), r in zip(work, evaluate_many(work, helpers))}
    return lambda ex_id: sprint_results(SPECS[ex_id].sprint)[ex_id]


@pytest.fixture(scope="module")
def reference_result(reference_helpers):
    return _by_sprint(reference_helpers, lambda s: s.public_cases() + s.hidden_cases("ci"))


@pytest.fixture(scope="module")
def stub_result(stub_helpers):
    return _by_sprint(stub_helpers, lambda s: s.public_cases())


@pytest.mark.parametrize("ex_id", SPECS)
def test_reference_passes_every_public_and_hidden_case(ex_id, reference_result):
    spec = SPECS[ex_id]
    result = reference_result(ex_id)
    assert result.status == PASSED, result.message
    assert result.score == spec.points
    assert result.total >= 3, "too few cases to tell a right answer from a lucky one"
    assert result.total == len(spec.public_cases()) + len(spec.hidden_cases("ci"))


@pytest.mark.parametrize("ex_id", SPECS)
def test_untouched_stub_reports_not_implemented(ex_id, stub_result):
    result = stub_result(ex_id)
    assert result.status == NOT_IMPLEMENTED, result.message
    assert result.score == 0
    assert "not implemented" in result.message


@pytest.mark.parametrize("ex_id,index", MISTAKES, ids=[f"{i}-{n}" for i, n in MISTAKES])
def test_each_hint_fires_on_the_mistake_it_names(ex_id, index, tmp_path, lang):
    """The learner's check (public cases) fails the mistake with its hint, and says so in
    both languages alike: the same verdict, score, failing case and hints, the Japanese in
    Japanese. The first mistake of each exercise is also run as the grader runs it (public and
    hidden cases, in the same child): the hidden verdict is the same in both languages too."""
    ex = next(e for e in EXERCISES if e.id == ex_id)
    mistake = ex.mistakes[index]
    pkg = make_helpers(tmp_path)
    plant_mistake(pkg, ex.module, ex.name, mistake.implementation)
    spec = SPECS[ex_id]
    public = spec.public_cases()                       # a learner sees public cases only
    runs = [public] + ([public + spec.hidden_cases("ci")] if index == 0 else [])
    jobs = [sandbox.Job(spec.module, spec.name, [p.case.call() for p in cases],
                        sandbox.DEFAULT_TIMEOUT) for cases in runs]
    for cases, run in zip(runs, sandbox.run_jobs(pkg, jobs)):
        english, japanese, shown, japanese_hints = scored_in_both_languages(lang, spec, cases,
                                                                            run)
        what = f"{ex_id} mistake {index} on {len(cases)} cases"
        assert english.status != PASSED, f"{what}: the mistake passes"
        assert_same_in_both_languages(spec, english, japanese, shown, japanese_hints, what)
        if cases is public:
            assert mistake.hint in english.hints, (english.message, english.hints)


def test_a_mistake_rewritten_from_the_reference_stops_when_its_line_is_gone():
    from autograder.exercises import rewritten
    from solutions.optimizers import SGD

    Uphill = rewritten(SGD.update, ("params[key] -= ", "params[key] += "))
    params = {"W": np.array([1.0])}
    Uphill(lr=0.5).update(params, {"W": np.array([2.0])})
    assert issubclass(Uphill, SGD) and params["W"][0] == 2.0
    assert "params[key] += " in Uphill.rewritten_source
    assert "params[key] -= " not in Uphill.rewritten_source
    with pytest.raises(ValueError, match="SGD.update .* 0 times"):
        rewritten(SGD.update, ("params[key] *= ", "params[key] += "))
    with pytest.raises(ValueError, match="2 times"):          # once in code, once in a hint
        rewritten(SGD.update, ("params[key]", "p"))


def test_a_known_mistake_carries_its_own_hint_and_one_without_stops_the_import():
    from autograder.exercises import hint, known, rewritten
    from autograder.learner.registry import Mistake
    from solutions.optimizers import SGD

    @hint("Step against the gradient.")
    class Uphill(SGD):
        pass

    class UphillAgain(Uphill):      # a subclass does not inherit its base's hint
        pass

    def no_hint(x):
        return x

    Slow = rewritten(SGD.update, ("self.lr * ", "0.5 * self.lr * "), hint="Use lr as it is.")
    assert hint("Add b.")(no_hint) is no_hint and no_hint(3) == 3      # the object itself
    assert known(Uphill, Slow, no_hint) == [Mistake(Uphill, "Step against the gradient."),
                                            Mistake(Slow, "Use lr as it is."),
                                            Mistake(no_hint, "Add b.")]
    with pytest.raises(ValueError, match="UphillAgain has no hint"):
        known(Uphill, UphillAgain)
    with pytest.raises(ValueError, match="partial.* has no hint"):
        known(functools.partial(no_hint))
    with pytest.raises(ValueError, match="non-empty"):
        hint("  ")


def test_every_known_mistake_is_declared_under_its_exercise_id():
    """The hint is read where the mistake is declared: each mistake's definition stands in
    the section of its sprint's module headed by its exercise's id."""
    import re

    misplaced = []
    for e in EXERCISES:
        path = ROOT / "autograder" / "exercises" / f"{e.id.split('.')[0]}.py"
        lines = path.read_text(encoding="utf-8").splitlines()
        names = {}
        for m in e.mistakes:
            impl = m.implementation
            name = next(k for k, v in vars(sys.modules[f"autograder.exercises.{path.stem}"]).items()
                        if v is impl)
            at = next(i for i, line in enumerate(lines)
                      if re.match(rf"(class |def )?{name}\b", line))
            section = next((line.split()[-1] for line in reversed(lines[:at])
                            if line.startswith("# ---")), None)
            names[name] = section
        misplaced += [f"{e.id}: {n} under {s}" for n, s in names.items() if s != e.id]
    assert not misplaced, misplaced


def test_every_exercise_is_declared_at_the_end_of_its_own_section():
    """Everything about one exercise is read in one place: its declaration is bound to a
    module-level name (``SOFTMAX = Exercise(...)``) in the section headed by its id (after
    its known mistakes, which it names), the sections follow the problems' order, and the
    list at the end only names the declarations."""
    import importlib
    import re

    misplaced, lines_of = [], {}
    for e in EXERCISES:
        sprint = e.id.split(".")[0]
        module = importlib.import_module(f"autograder.exercises.{sprint}")
        lines = (ROOT / "autograder" / "exercises" / f"{sprint}.py").read_text(
            encoding="utf-8").splitlines()
        names = [k for k, v in vars(module).items()
                 if k != "EXERCISES" and isinstance(v, Exercise) and v.id == e.id]
        if len(names) != 1:
            misplaced.append(f"{e.id}: bound to {names or 'no name'}")
            continue
        at = next(i for i, line in enumerate(lines) if re.match(rf"{names[0]} = ", line))
        section = next((line.split()[-1] for line in reversed(lines[:at])
                        if line.startswith("# ---")), None)
        if section != e.id:
            misplaced.append(f"{e.id}: {names[0]} under {section}, line {at + 1}")
        lines_of.setdefault(sprint, []).append(at)
    assert not misplaced, misplaced
    unordered = [sprint for sprint, at in lines_of.items() if at != sorted(at)]
    assert not unordered, f"declared out of the problems' order in {unordered}"


def test_a_function_rewritten_from_the_reference_is_a_function():
    from autograder.exercises import rewritten
    from solutions.gradients import numerical_gradient

    forward = rewritten(numerical_gradient, ("x[idx] = tmp - h\n", "x[idx] = tmp\n"),
                        ("(fxh1 - fxh2) / (2 * h)", "(fxh1 - fxh2) / h"))
    got = forward(lambda x: np.sum(x ** 2), np.array([3.0]))
    assert got[0] == pytest.approx(6.0001)         # (f(3 + h) - f(3)) / h, not 6
    assert numerical_gradient(lambda x: np.sum(x ** 2), np.array([3.0]))[0] == pytest.approx(6)


@pytest.mark.parametrize("ex_id", SPECS)
def test_a_hard_coded_answer_to_the_worked_examples_fails(ex_id, tmp_path):
    """Answering the public cases from a table must not pass the hidden ones."""
    spec = SPECS[ex_id]
    ex = spec.exercise
    if any(c.steps or c.attrs for c in ex.public_inputs()):
        pytest.skip("a class is built afresh by every case; this test is for functions")
    if not (ex.generate and ex.n_hidden):
        pytest.skip("no random hidden cases: the answer is one fixed value by design")
    public = [p for p in spec.public_cases() if RAISES not in p.expected]  # answers only
    table = [((p.case.args, p.case.kwargs), p.expected["return"]) for p in public]
    pkg = make_helpers(tmp_path)
    src = ("import numpy as _np\n"
           "class _Fn:\n"
           "    def __init__(self, name, params):\n"
           "        self.name, self.params = name, params\n"
           f"_TABLE = {_literal(table)}\n"
           "def _eq(a, b):\n"
           "    if hasattr(a, 'params') or hasattr(b, 'params'):\n"
           "        return getattr(a, 'name', None) == getattr(b, 'name', None) and "
           "_eq(getattr(a, 'params', None), getattr(b, 'params', None))\n"
           "    if isinstance(a, dict) or isinstance(b, dict):\n"
           "        return isinstance(a, dict) and isinstance(b, dict) and a.keys() == b.keys()"
           " and all(_eq(a[k], b[k]) for k in a)\n"
           "    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):\n"
           "        return len(a) == len(b) and all(_eq(x, y) for x, y in zip(a, b))\n"
           "    try:\n"
           "        return _np.shape(a) == _np.shape(b) and bool(_np.array_equal(a, b))\n"
           "    except Exception:\n"
           "        return False\n"
           f"def {ex.name}(*args, **kwargs):\n"
           "    for ins, out in _TABLE:\n"
           "        if _eq(list(ins[0]), list(args)) and _eq(ins[1], kwargs):\n"
           "            return out\n"
           "    return _np.zeros(1)\n")
    (pkg / f"{ex.module}.py").write_text((pkg / f"{ex.module}.py").read_text() + "\n" + src)
    assert evaluate(spec, public, pkg).status == PASSED
    hidden = evaluate(spec, spec.hidden_cases("ci"), pkg)
    assert hidden.status != PASSED and hidden.score < spec.points


def _literal(value) -> str:
    if isinstance(value, Fn):
        return f"_Fn({value.name!r}, {_literal(value.params)})"
    if isinstance(value, np.ndarray):
        return f"_np.array({value.tolist()!r}, dtype={str(value.dtype)!r})"
    if isinstance(value, np.generic):
        return f"_np.{value.dtype}({value.item()!r})"
    if isinstance(value, (list, tuple)):
        inner = ", ".join(_literal(v) for v in value)
        if isinstance(value, list):
            return f"[{inner}]"
        return f"({inner}{',' if len(value) == 1 else ''})"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k!r}: {_literal(v)}" for k, v in value.items()) + "}"
    return repr(value)


@pytest.mark.parametrize("ex_id", SPECS)
def test_cases_are_reproducible_and_hidden_cases_depend_on_the_salt(ex_id):
    spec = SPECS[ex_id]
    ex = spec.exercise
    a, b = ex.public_inputs(), ex.public_inputs()
    assert json.dumps(a, default=repr) == json.dumps(b, default=repr)
    if ex.generate and ex.n_hidden:
        h1, h2 = ex.hidden_inputs("one"), ex.hidden_inputs("two")
        assert json.dumps(h1, default=repr) != json.dumps(h2, default=repr)


def test_cli_list_json_prints_the_registry():
    out = subprocess.run([sys.executable, "-m", "autograder", "list", "--json"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    rows = json.loads(out)
    assert [r["id"] for r in rows] == [e.id for e in EXERCISES]
    for r, e in zip(rows, EXERCISES):
        assert r == {"id": e.id, "sprint": e.sprint, "points": e.points,
                     "module": f"helpers/{e.module}.py", "name": e.name, "title": e.title}


def test_cli_check_on_a_fresh_clone_reports_everything_not_implemented(tmp_path):
    # the stubs as cloned, in a copy: a check saves its results beside the helpers it checked
    # (.course_progress/), never in this repository
    shutil.copytree(ROOT / "helpers", tmp_path / "helpers")
    proc = subprocess.run([sys.executable, "-m", "autograder", "check", "--json", "--helpers",
                           str(tmp_path / "helpers")], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 1
    rows = json.loads(proc.stdout)
    assert {r["id"] for r in rows} == set(SPECS)
    assert {r["status"] for r in rows} == {NOT_IMPLEMENTED}


def test_cli_check_passes_with_the_reference_and_selects_by_sprint(reference_helpers):
    sprint = EXERCISES[0].sprint
    proc = subprocess.run([sys.executable, "-m", "autograder", "check", sprint, "--helpers",
                           str(reference_helpers)], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    n = sum(e.sprint == sprint for e in EXERCISES)
    assert f"{n} of {n} exercises passed" in proc.stdout
    assert proc.stdout.count("PASS") == n


def test_cli_check_rejects_an_unknown_selector():
    proc = subprocess.run([sys.executable, "-m", "autograder", "check", "sprint99"], cwd=ROOT,
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert "sprint99" in proc.stderr and "sprints are" in proc.stderr


def test_spec_without_registry_refuses_hidden_cases():
    spec = Spec("sprint9.x", 1, "m", "f", "t", SPECS[next(iter(SPECS))].tol, stored_public=[])
    with pytest.raises(RuntimeError, match="hidden cases"):
        spec.hidden_cases()


def test_problem_numbers_are_the_order_of_the_declarations():
    from autograder.exercises import numbered

    a, b = (Exercise(id=f"s.{n}", points=1, module="m", name=n, title=t)
            for n, t in (("a", "the first"), ("b", "Problem 2: the second")))
    assert [e.title for e in numbered([a, b])] == ["Problem 1: the first", "Problem 2: the second"]
    assert a.title == "the first", "the declaration itself is left as written"
    with pytest.raises(ValueError, match="s.b is problem 1 in the list"):
        numbered([b, a])
