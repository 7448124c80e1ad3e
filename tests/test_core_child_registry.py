"""The child's case runner, the wire format and the registry's import tracing, in process.

Paths the other checker-core tests take only through a real child process (slow) or not at
all: the object itself crossing the wire, the names of steps, the in-place check that spares
the methods meant to update their arguments, ``_same`` on odd objects, a documented raise
when the reference is run, which earlier-sprint modules a learner's imports pull in, and the
shape hints of ``compare``. Mutation testing (``python -m benchmarks.mutation --part core``)
runs this file among the first.
"""
from __future__ import annotations

import dataclasses
import sys

import numpy as np
import pytest

from autograder.learner import registry, sandbox_child
from autograder.learner.compare import compare, generic_hints
from autograder.learner.registry import RAISES, case, class_case
from autograder.learner.sandbox_child import SELF, pack, run_case, step_name, unpack


# --------------------------------------------------------------------------- wire format
@pytest.mark.parametrize("value", [SELF, {"a": SELF}, (SELF, 1), [None, True, "s"],
                                   {"__self__": 1}, 3, 2.5, np.float32(1.5), np.arange(3)])
def test_pack_and_unpack_round_trip(value):
    arrays: dict = {}
    back = unpack(pack(value, arrays), arrays)
    if isinstance(value, np.ndarray):
        assert np.array_equal(back, value) and back.dtype == value.dtype
    else:
        assert back == value and type(back) is type(value), \
            f"the wire must give back {value!r} as it was, got {back!r}"
    if value is SELF:
        assert back is SELF, "the object itself crosses the wire as SELF"


def test_unpack_refuses_an_unknown_tree():
    with pytest.raises(sandbox_child.UnsupportedValue):
        unpack({"__what__": 1}, {})
    with pytest.raises(sandbox_child.UnsupportedValue):
        unpack(3.5, {})


# --------------------------------------------------------------------------- steps
@pytest.mark.parametrize("method,args,index,name", [
    ("__call__", [], 0, "obj() [step 1]"), ("__len__", [], 1, "len(obj) [step 2]"),
    ("__getitem__", [2], 2, "obj[2] [step 3]"), ("__getitem__", ["W1"], 0, "obj['W1'] [step 1]"),
    ("__getitem__", [slice(1)], 0, "__getitem__() [step 1]"), ("fit", [1, 2], 4, "fit() [step 5]")])
def test_step_names_are_written_as_the_learner_writes_the_call(method, args, index, name):
    assert step_name(method, args, index) == name


class Counter:
    def __init__(self, start):
        self.n = np.array(start, dtype=float)

    def update(self, params):           # meant to update its argument
        params["W"] += 1.0
        return self

    def peek(self, x):                  # not meant to: a bug
        x += 1.0
        return float(self.n)

    def __call__(self):
        return self.n.copy()


def test_only_the_methods_listed_in_place_may_update_their_arguments():
    case = class_case([1.0], steps=[("update", [{"W": np.zeros(2)}]), ("__call__", [])],
                      in_place=["update"])
    out = run_case(Counter, case)
    assert out["mutated"] == [], "run_case: `update` is listed in_place: its change is fine"
    assert out["outputs"]["update() [step 1]"] is SELF
    assert np.array_equal(out["outputs"]["obj() [step 2]"], 1.0)
    case = dataclasses.replace(case, in_place=())
    assert run_case(Counter, case)["mutated"] == ["update() argument 1"], \
        "run_case: a method not listed in_place that changes its argument is reported"
    bug = class_case([1.0], steps=[("peek", [np.zeros(2)])], in_place=["update"])
    assert run_case(Counter, bug)["mutated"] == ["peek() argument 1"]


class Odd:
    def __eq__(self, other):
        return np.array([True, False])   # the truth of this is an error


def test_same_is_a_bool_even_for_objects_whose_equality_is_not():
    assert sandbox_child._same(Odd(), Odd()) is False, \
        "_same: an object whose == gives no truth value counts as changed"
    assert sandbox_child._same(np.float64(1.0), np.float64(1.0)) is True
    assert sandbox_child._same(1, 1.0) is False, "_same: 1 became 1.0 is a change"


# --------------------------------------------------------------------------- registry
def _raise_value_error(x):
    if x < 0:
        raise KeyError("negative")   # a subclass of LookupError
    return x


def test_the_reference_raising_as_documented_gives_the_raise_as_expected_output():
    assert registry._run_trusted(_raise_value_error, case(-1, raises="LookupError")) \
        == {RAISES: "LookupError"}
    with pytest.raises(KeyError):
        registry._run_trusted(_raise_value_error, case(-1, raises="TypeError"))
    with pytest.raises(ValueError, match="declares raises='LookupError', but the call returned"):
        registry._run_trusted(_raise_value_error, case(1, raises="LookupError", label="x=1"))
    assert registry._run_trusted(_raise_value_error, case(2)) == {"return": 2}


def test_helper_imports_finds_every_spelling_and_nothing_else():
    src = ("from .layers import Affine\nfrom . import activations\nimport helpers.losses\n"
           "from helpers.gradients import numerical_gradient\nfrom helpers import conv2d\n"
           "import numpy as np\nfrom numpy import linalg\nfrom .pooling.sub import x\n"
           "from os import path\nimport os.path\nfrom .. import up\n")
    assert registry.helper_imports(src) == {"layers", "activations", "losses", "gradients",
                                            "conv2d", "pooling"}
    assert registry.helper_imports(b"from .layers import Affine\n") == {"layers"}
    assert registry.helper_imports("def (:") == set()


def test_blocking_exercise_is_an_earlier_sprints_exercise_by_function_name():
    fit = registry.Spec("sprint5.fit", 1.0, "classifier", "X", "t", None)
    assert registry.blocking_exercise(fit, "layers", "Affine.forward") == "sprint4.affine"
    assert registry.blocking_exercise(fit, "layers", "Relu.backward") == "sprint4.relu"
    first = next(e["id"] for e in registry.exercise_index() if e["module"] == "layers")
    assert registry.blocking_exercise(fit, "layers", "no_such_name") == first, \
        "blocking_exercise: an unknown function names the module's first exercise"
    assert registry.blocking_exercise(fit, "layers", "") == first
    assert registry.blocking_exercise(fit, "classifier", "x") == "", "its own module"
    assert registry.blocking_exercise(fit, "no_module", "x") == ""
    affine = registry.Spec("sprint4.affine", 1.0, "layers", "Affine", "t", None)
    assert registry.blocking_exercise(affine, "classifier", "x") == "", "a later sprint"


def test_module_sprints_give_each_module_its_earliest_sprint():
    index = [{"id": "sprint7.b", "module": "m", "name": "b"},
             {"id": "sprint3.a", "module": "m", "name": "a"},
             {"id": "sprint10.c", "module": "m", "name": "c"},
             {"id": "sprint10.d", "module": "n", "name": "d"}]
    assert registry.module_sprints(index) == {"m": "sprint3", "n": "sprint10"}
    assert registry.sprint_number("sprint10") == 10
    # a name that is not a sprint's sorts after every sprint
    assert registry.sprint_number("x") > registry.sprint_number("sprint999")


def test_the_overlay_follows_the_learner_s_own_imports_transitively():
    ex = next(e for e in registry.live_exercises() if e.id == "sprint5.fit")
    assert set(registry.reference_overlay(ex)) == {"layers"}
    owners = registry.module_sprints()
    sprint5 = sorted(m for m, s in owners.items() if s == "sprint5" and m != ex.module)
    learner = {ex.module: b"from .activations import sigmoid\n"}
    if sprint5:   # a module of the same sprint is followed, not overlaid
        learner = {ex.module: f"from .{sprint5[0]} import x\n".encode(),
                   sprint5[0]: b"from . import activations\n"}
    got = registry.reference_overlay(ex, learner)
    assert "activations" in got and "layers" in got, \
        "reference_overlay: earlier modules the learner's code imports are overlaid"
    assert ex.module not in got and not any(owners.get(m) == "sprint5" for m in got), \
        "reference_overlay: never a module of the exercise's own sprint"
    assert got["activations"] == (registry._reference_dir() / "activations.py").read_bytes()
    later = {ex.module: b"from .conv2d import Conv2d\n"}
    assert "conv2d" not in registry.reference_overlay(ex, later), "never a later sprint's"


# --------------------------------------------------------------------------- compare
def test_shape_messages_name_the_likely_mistake():
    e2 = np.zeros((2, 3))
    assert "(the transpose" in compare(e2, np.zeros((3, 2))).message
    e3 = np.zeros((2, 3, 4))
    m = compare(e3, np.zeros((4, 3, 2))).message
    assert "transpose" not in m and "same number of values" in m, \
        "compare: a reversed 3-d shape is a reshape, not the 2-d transpose"
    assert "expected a single number" in compare(np.float64(1.0), np.zeros(3)).message
    assert "one axis too few or too many" in compare(np.zeros(3), np.zeros((3, 1))).message


def test_batch_hints_for_a_sum_and_for_a_mean_too_many():
    e = np.array([1.0, 2.0, -3.0])
    texts = [h.text for h in generic_hints(e, e / 4, batch=4)]
    assert len(texts) == 1 and "divided by 4, the batch size" in texts[0]
    texts = [h.text for h in generic_hints(e, e / 2, batch=4)]
    assert len(texts) == 1 and "times 0.5" in texts[0], \
        "generic_hints: a factor 1/2 is not the batch size 4"
    texts = [h.text for h in generic_hints(e, e * 4, batch=4)]
    assert "4× the expected one" in texts[0]
    texts = [h.text for h in generic_hints(e, e * 2, batch=1)]
    assert "times 2" in texts[0], "generic_hints: a batch of 1 is never the factor's cause"


def test_earlier_reference_follows_the_reference_s_imports_transitively():
    owners = registry.module_sprints()
    assert owners["numerical_net"] == "sprint3" and owners["activations"] == "sprint2"
    later = registry.earlier_reference("sprint99", {"numerical_net"})
    assert {"numerical_net", "activations", "gradients", "losses"} <= set(later), \
        "earlier_reference: the modules the reference of a root imports are followed"
    same = registry.earlier_reference("sprint3", {"numerical_net"})
    assert set(same) == {"activations"}, \
        "earlier_reference: only modules of sprints before the one graded"
    assert registry.earlier_reference("sprint99", {"no_such_module"}) == {}


def test_returning_an_input_array_itself_is_noticed_and_a_view_is_not():
    assert run_case(lambda x: x, case(np.ones(2)))["aliased"] == ["return"]
    assert run_case(lambda x, y: (y, 1), case(1.0, y=np.ones(2))
                    )["aliased"] == ["return"], "an input inside a returned tuple is noticed"
    assert run_case(lambda x: x[:], case(np.ones(2)))["aliased"] == [], \
        "a view is a new object: not aliased"
    assert run_case(lambda x: x.copy(), case(np.ones(2)))["aliased"] == []


def test_a_hint_is_a_frozen_value():
    from autograder.learner.compare import Hint
    h = Hint("text", numeric=True)
    assert hash(h) == hash(Hint("text", numeric=True)), "Hint is frozen (hashable)"
    with pytest.raises(AttributeError):
        h.text = "other"


def test_floats_where_integers_are_expected_fail_for_arrays_only():
    m = compare(np.array([0, 1]), np.array([0.0, 1.0]))
    assert m is not None and m.kind == "dtype" and "expected integers" in m.message
    m = compare(np.array([0, 1], dtype=np.uint8), np.array([0.0, 1.0]))
    assert m is not None and "expected integers" in m.message, "uint counts as integers"
    assert compare(np.int64(24), 24.0) is None, "a single float number passes for an integer"
    assert compare(np.array([0.0, 1.0]), np.array([0, 1])) is None, "ints for floats pass"


def test_an_answer_of_almost_zeros_gets_no_factor_hint():
    e = np.array([1.0, 2.0, 3.0])
    assert [h.text for h in generic_hints(e, e * 1e-9)] == [], \
        "generic_hints: a factor of 1e-9 or less is an answer of zeros, not a missing factor"
    assert "times 1e-08" in generic_hints(e, e * 1e-8)[0].text


# --------------------------------------------------------------------------- the child's job
def test_a_stub_raising_in_a_helper_file_is_located_by_module_and_function(monkeypatch):
    from .conftest import ROOT

    # the child imports helpers/ afresh; here, another test's helpers/ (a copy elsewhere)
    # may already be imported in this process, and would be located there instead
    for name in [m for m in sys.modules if m == "helpers" or m.startswith("helpers.")]:
        monkeypatch.delitem(sys.modules, name)
    res = sandbox_child.run_job({"module": "warmup", "name": "affine",
                                 "cases": [{"args": [np.ones((1, 2)), np.ones((2, 2)),
                                                     np.ones(2)]}]}, str(ROOT))  # as sent
    assert res[0]["status"] == "not_implemented"
    assert (res[0]["raised_in"], res[0]["raised_by"]) == ("warmup", "affine"), \
        "_raised_in: the innermost frame in a helper file names the module and the function"
    assert sandbox_child._raised_in(ValueError("no traceback"), str(ROOT)) == {}


def test_an_import_that_fails_with_a_syntax_error_names_file_and_line(monkeypatch, tmp_path):
    import importlib

    def broken(name):
        raise SyntaxError("invalid syntax", ("helpers/mod.py", 7, 3, "def (:\n"))
    monkeypatch.setattr(importlib, "import_module", broken)
    target, status = sandbox_child._load_target("mod", "f", str(tmp_path))
    assert target is None and status["status"] == "import_error"
    assert status["message"] == "SyntaxError in helpers/mod.py line 7: invalid syntax"


def test_a_method_returning_its_argument_is_an_aliased_step():
    class Layer:
        def forward(self, x):
            return x

    out = run_case(Layer, class_case(steps=[("forward", [np.ones(2)])]))
    assert out["aliased"] == ["forward() [step 1]"]


def test_evaluate_many_sends_each_job_with_its_time_limit_and_seals_an_overlaid_run(
        monkeypatch, tmp_path):
    from autograder.learner import evaluate, sandbox
    from autograder.learner.compare import Tolerance
    from autograder.learner.registry import Prepared, Spec

    sent = []

    def fake_run_jobs(helpers_dir, jobs, overlay=None):
        sent.append((helpers_dir, jobs, overlay))
        return [sandbox.RunResult([{"status": "import_error", "message": "oops"}])
                for _ in jobs]

    monkeypatch.setattr(sandbox, "run_jobs", fake_run_jobs)
    s = Spec("sprint9.f", 1.0, "mod", "f", "t", Tolerance())
    cases = [Prepared(case(1, label="one"), {"return": 1.0}, [])]
    [r] = evaluate.evaluate_many([(s, cases)], str(tmp_path))
    (where, [job], overlay), = sent
    assert where == tmp_path and overlay is None
    assert (job.module, job.name, job.cases, job.timeout) == \
        ("mod", "f", [sandbox_child.Call((1,))], sandbox.DEFAULT_TIMEOUT), \
        "evaluate_many: no timeout given means the default limit; the child gets the call " \
        "only (no label)"
    assert "oops" in r.message and not r.outcome.sealed
    sent.clear()
    [r] = evaluate.evaluate_many([(s, cases)], tmp_path, timeout=3, overlay={"layers": b"x"})
    (_, [job], overlay), = sent
    assert job.timeout == 3 and overlay == {"layers": b"x"}
    assert r.outcome.sealed and "oops" not in r.message, \
        "evaluate_many: a run with an overlay is sealed (no learner text)"
    assert evaluate.evaluate(s, cases, tmp_path, timeout=4).outcome.sealed is False
    assert sent[-1][1][0].timeout == 4


def test_earlier_reference_stops_on_an_import_cycle(monkeypatch, tmp_path):
    (tmp_path / "a.py").write_text("from .b import g\n")
    (tmp_path / "b.py").write_text("from .a import f\n")
    monkeypatch.setattr(registry, "_reference_dir", lambda: tmp_path)
    monkeypatch.setattr(registry, "module_sprints", lambda index=None: {"a": "sprint1",
                                                                        "b": "sprint1"})
    got = registry.earlier_reference("sprint2", {"a"})
    assert got == {"a": b"from .b import g\n", "b": b"from .a import f\n"}, \
        "earlier_reference: each module once, even when two import each other"


def test_same_dtype_asks_for_the_exact_dtype_not_only_its_kind():
    from autograder.learner.compare import Tolerance
    keep = Tolerance(same_dtype=True)
    m = compare(np.ones(2, dtype=np.float32), np.ones(2), keep)
    assert m is not None and "expected dtype float32" in m.message, \
        "compare(same_dtype=True): float64 where float32 is expected must fail by its dtype"
    assert compare(np.ones(2, dtype=np.float32), np.ones(2, dtype=np.float32), keep) is None
    assert compare(np.ones(2, dtype=np.float32), np.ones(2)) is None, \
        "without same_dtype, float64 for float32 passes"
    assert compare(np.ones(2, dtype=np.float32), [1.0, 1.0], keep) is None, \
        "same_dtype judges arrays and NumPy scalars, not a list of Python floats"


def test_the_overlay_stops_on_a_learner_module_that_imports_itself():
    ex = next(e for e in registry.live_exercises() if e.id == "sprint5.fit")
    own = {ex.module: f"from . import {ex.module}\nfrom .layers import Affine\n".encode()}
    assert set(registry.reference_overlay(ex, own)) == {"layers"}, \
        "reference_overlay: each learner module is read once (an import cycle ends)"


def test_the_overlay_follows_a_learner_module_of_the_same_sprint_to_an_earlier_one():
    ex = next(e for e in registry.live_exercises() if e.module == "losses")
    assert registry.module_sprints()["gradients"] == ex.sprint == "sprint3"
    assert "forward" not in registry.reference_overlay(ex)
    learner = {"losses": b"from .gradients import numerical_diff\n",
               "gradients": b"from .forward import forward_general\n"}
    got = registry.reference_overlay(ex, learner)
    assert "forward" in got and "activations" in got and "gradients" not in got, \
        "reference_overlay: a learner module of the same sprint is followed to the earlier " \
        f"modules it imports (and their reference's imports); got {sorted(got)}"


def test_none_returned_where_the_object_itself_is_expected_is_named_none():
    assert compare(SELF, None).message == \
        "return: expected the object itself (`return self`), got None"


def test_a_stub_of_the_same_sprint_never_blocks():
    check = registry.Spec("sprint4.gradient_check", 1.0, "gradient_check", "f", "t", None)
    assert registry.module_sprints()["layers"] == "sprint4"
    assert registry.blocking_exercise(check, "layers", "Affine.forward") == "", \
        "blocking_exercise: a stub of the same sprint is that sprint's own work (TODO, not blocked)"


def test_a_batch_of_two_is_named_as_the_batch_size():
    e = np.array([1.0, 2.0, -3.0])
    assert ("2× the expected one, and 2 is the batch size"
            in generic_hints(e, e * 2, batch=2)[0].text)
    assert "divided by 2, the batch size" in generic_hints(e, e / 2, batch=2)[0].text


def test_the_overlay_never_follows_an_earlier_module_s_learner_source():
    ex = next(e for e in registry.live_exercises() if e.module == "losses")
    learner = {"losses": b"from .activations import sigmoid\nfrom .mystuff import z\n",
               "activations": b"from .forward import forward_general\n"}
    got = registry.reference_overlay(ex, learner)
    assert "activations" in got and "forward" not in got, \
        "reference_overlay: an earlier sprint's module is taken from the reference, so the " \
        f"learner's version of it (and what it imports) is not followed; got {sorted(got)}"


def test_an_array_where_none_or_the_object_itself_is_expected_is_named_by_its_shape():
    arr = np.array([1.0, 2.0])
    assert compare(SELF, arr).message == \
        "return: expected the object itself (`return self`), got an array of shape (2,)"
    assert compare(None, arr).message == \
        "return: expected None (nothing returned), got an array of shape (2,)"


def test_a_negative_constant_factor_gets_the_factor_hint():
    hints = [h.text for h in generic_hints(np.array([1.0, 2.0]), np.array([-2.0, -4.0]))]
    assert hints == ["Your answer is the expected one times -2: a constant factor is missing "
                     "or extra."], f"generic_hints: a factor of -2 is a factor too, got {hints}"
