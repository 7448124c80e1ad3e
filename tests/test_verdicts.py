"""Verdicts as data, one rendering policy, a result channel that cannot be abused, and each
sprint graded on its own work — every attack and alternative implementation run for real.

Each test writes a learner's ``helpers/`` (the reference with one piece replaced) and runs it
through the learner's check (:func:`autograder.learner.check.run_checks`) or the trusted grader
(:func:`autograder.instructor.trusted.grade_exercise`), as a learner or an instructor would.
"""
from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

import numpy as np
import pytest

from autograder.instructor import trusted
from autograder.learner import registry, sandbox
from autograder.learner.check import run_checks
from autograder.learner.evaluate import BLOCKED, FAILED, NOT_IMPLEMENTED, PASSED, evaluate
from autograder.learner.verdict import KINDS, Outcome, render

from .conftest import HELPERS, make_helpers, pasted_source
from .corpus.sprint4 import ReluBookInPlaceBackward, ReluBookWithCopies

SPECS = {s.id: s for s in registry.load_exercises()}
HIDDEN_WORDS = re.compile(r"^hidden case \d+ of \d+: [^0-9]*$|^hidden cases: [^0-9]*$")


def _as_learners(implementation, name: str) -> str:
    """A corpus entry as a learner's module would hold it, bound to ``name``."""
    return f"{pasted_source(implementation)}\n{name} = {implementation.__name__}"


def _pkg(tmp_path: Path, module: str, extra: str) -> Path:
    """The reference helpers with ``extra`` appended to ``module`` (it may rebind a name)."""
    pkg = make_helpers(tmp_path)
    path = pkg / f"{module}.py"
    path.write_text(path.read_text() + "\n\n" + extra + "\n")
    return pkg


def _graded(spec_id: str, pkg: Path, *, public=True, salt="s"):
    spec = SPECS[spec_id]
    return trusted.grade_exercise(spec, spec.public_cases() if public else [],
                                  spec.hidden_cases(salt), pkg)


def _every_text(t: trusted.Trusted) -> str:
    r = t.result
    return "\n".join([trusted.trusted_text(t), trusted.csv_message(r), r.message, *r.hints,
                      *trusted.csv_extra(r)])


# --------------------------------------------------------------------------- hidden cases
def test_an_exception_class_named_after_the_hidden_inputs_never_shows(tmp_path):
    pkg = _pkg(tmp_path, "activations", '''
_real = sigmoid
def sigmoid(x):
    name = "Leak_" + "_".join(f"{v:.6f}".replace(".", "_").replace("-", "m")
                              for v in np.ravel(x)[:3])
    raise type(name, (Exception,), {})("LEAKTEXT " + repr(x))
''')
    t = _graded("sprint2.sigmoid", pkg, public=False)
    text = _every_text(t)
    assert t.result.score == 0 and t.result.outcome.kind == "error"
    assert "Leak_" not in text and "LEAKTEXT" not in text, text
    assert HIDDEN_WORDS.match(t.result.message), t.result.message
    # a standard exception keeps its (fixed-vocabulary) name
    pkg2 = _pkg(tmp_path / "b", "activations", "def sigmoid(x):\n    raise ValueError(repr(x))\n")
    t2 = _graded("sprint2.sigmoid", pkg2, public=False)
    assert t2.result.message.endswith("raised an exception (ValueError)"), t2.result.message
    assert "array" not in _every_text(t2)


def test_a_hidden_nan_shows_neither_the_index_nor_the_expected_value(tmp_path):
    pkg = _pkg(tmp_path, "activations", '''
_real = sigmoid
def sigmoid(x):
    out = _real(x)
    out.flat[-1] = np.nan
    return out
''')
    t = _graded("sprint2.sigmoid", pkg, public=False)
    assert t.result.outcome.kind == "nonfinite"
    assert HIDDEN_WORDS.match(t.result.message), t.result.message
    assert "at index" not in _every_text(t) and "0." not in t.result.message


def test_a_hidden_case_gives_no_ratio_hint(tmp_path):
    pkg = _pkg(tmp_path, "activations", "_real = sigmoid\ndef sigmoid(x):\n"
                                        "    return 25 * _real(x)\n")
    t = _graded("sprint2.sigmoid", pkg, public=False)
    assert t.result.outcome.kind == "value" and t.result.outcome.hidden
    assert not any("times" in h or "25" in h for h in t.result.hints), t.result.hints
    assert HIDDEN_WORDS.match(t.result.message), t.result.message
    # the same answer on a public case says "times 25": the inputs are the learner's anyway
    checked = evaluate(SPECS["sprint2.sigmoid"], SPECS["sprint2.sigmoid"].public_cases(), pkg)
    assert any("times 25" in h for h in checked.hints), checked.hints


def test_a_returned_string_or_dict_key_on_a_hidden_case_is_not_quoted(tmp_path):
    pkg = _pkg(tmp_path, "activations", "def sigmoid(x):\n    return {'LEAK' + repr(x): 1}\n")
    t = _graded("sprint2.sigmoid", pkg, public=False)
    assert "LEAK" not in _every_text(t) and HIDDEN_WORDS.match(t.result.message)


def test_render_never_shows_a_hidden_detail_whatever_the_outcome_holds():
    for kind in KINDS:
        o = Outcome(kind, case=2, of=9, hidden=True, where="return", exception="",
                    label="SECRET", detail="SECRET 0.269326", blocked_by="sprint4.affine")
        text = render(o, graded=True)
        assert "SECRET" not in text and "0.269326" not in text, (kind, text)
    assert Outcome.from_dict({"kind": "no such kind"}) is None
    with pytest.raises(ValueError):
        Outcome("a sentence of the learner")


def test_public_exceptions_are_not_repeated_and_step_labels_name_the_call(tmp_path):
    pkg = _pkg(tmp_path, "activations", "def softmax(x):\n    return np.sum(x, axis=7)\n")
    r = evaluate(SPECS["sprint2.softmax"], SPECS["sprint2.softmax"].public_cases(), pkg)
    assert r.message.count("AxisError") == 1, r.message
    spec = SPECS["sprint5.get_mini_batch"]
    assert any(k.startswith("obj[-1] [step") for p in spec.public_cases() for k in p.expected)
    assert any(k.startswith("len(obj) [step 1]") for p in spec.public_cases()
               for k in p.expected)


# --------------------------------------------------------------------------- the channel
_PLANT = '''
import os, json
def _plant():
    {body}
    os._exit(0)
_plant()
'''


def _channel_attack(tmp_path, body: str):
    pkg = tmp_path / "helpers"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "mod.py").write_text(_PLANT.replace("{body}", body))
    start = time.monotonic()
    (run,) = sandbox.run_jobs(pkg, [sandbox.Job("mod", "f", [registry.case()],
                                                timeout=5)])
    return run, time.monotonic() - start


@pytest.mark.parametrize("what,body", [
    ("a FIFO as the result", "os.mkfifo('result-0.json'); open('outputs-0.npz', 'wb').close()"),
    ("a link to /dev/zero as the arrays",
     "json.dump({'wire': 1, 'tree': {'__dict__': {}}}, open('result-0.json', 'w'))\n"
     "    os.symlink('/dev/zero', 'outputs-0.npz')"),
    ("a link to /dev/zero as the result",
     "os.symlink('/dev/zero', 'result-0.json'); open('outputs-0.npz', 'wb').close()"),
    ("a FIFO as the arrays",
     "json.dump({'wire': 1, 'tree': {'__dict__': {}}}, open('result-0.json', 'w'))\n"
     "    os.mkfifo('outputs-0.npz')"),
])
def test_a_planted_result_file_neither_blocks_nor_exhausts_the_grader(tmp_path, what, body):
    run, seconds = _channel_attack(tmp_path, body)
    assert run.crashed and run.crash_kind == "unreadable", (what, run)
    assert seconds < 5, what


def test_a_huge_array_header_is_refused_before_anything_is_loaded(tmp_path):
    body = ('''import io, zipfile, numpy as np
    hdr = io.BytesIO()
    np.lib.format.write_array_header_1_0(hdr, {'descr': '<f8', 'fortran_order': False,
                                                'shape': (2 ** 27,)})
    with zipfile.ZipFile('outputs-0.npz', 'w') as z:
        z.writestr('a0.npy', hdr.getvalue() + b'LEAKBYTES' * 10)
    json.dump({'wire': 1, 'tree': {'__dict__': {'results': []}}}, open('result-0.json', 'w'))''')
    run, seconds = _channel_attack(tmp_path, body)
    assert run.crash_kind == "unreadable" and seconds < 5
    assert "LEAK" not in run.crashed


def test_the_grader_words_an_unreadable_result_without_the_learners_bytes(tmp_path):
    run, _ = _channel_attack(tmp_path, "open('result-0.json', 'w').write('LEAKTEXT {')\n"
                                       "    open('outputs-0.npz', 'wb').write(b'LEAKBYTES')")
    assert run.crash_kind == "unreadable" and "LEAK" not in run.crashed, run.crashed


# --------------------------------------------------------------------------- the harness
def test_the_books_relu_backward_that_edits_dout_fails_as_modified_in_place(tmp_path):
    pkg = _pkg(tmp_path, "layers", _as_learners(ReluBookInPlaceBackward, "Relu"))
    r = evaluate(SPECS["sprint4.relu"], SPECS["sprint4.relu"].public_cases(), pkg)
    assert r.status == FAILED and r.outcome.kind == "mutated", r.message
    assert "backward() argument 1" in r.message and "modified in place" in r.message


def test_a_forward_that_edits_x_fails_and_an_optimizer_may_update_params(tmp_path):
    pkg = _pkg(tmp_path, "layers", '''
class _EditsX(Sigmoid):
    def forward(self, x):
        x += 1.0            # the caller's array changes; the answer does not
        return super().forward(x - 1.0)
Sigmoid = _EditsX
''')
    r = evaluate(SPECS["sprint4.sigmoid_layer"], SPECS["sprint4.sigmoid_layer"].public_cases(),
                 make_helpers(tmp_path / "ref"))
    assert r.status == PASSED
    r = evaluate(SPECS["sprint4.sigmoid_layer"], SPECS["sprint4.sigmoid_layer"].public_cases(),
                 pkg)
    assert r.outcome is not None and r.outcome.kind == "mutated", r.message
    r = evaluate(SPECS["sprint6.sgd"], SPECS["sprint6.sgd"].public_cases(),
                 make_helpers(tmp_path / "ref2"))
    assert r.status == PASSED, r.message


def test_a_correct_update_that_returns_self_passes(tmp_path):
    pkg = _pkg(tmp_path, "classifier", '''
class _ReturnsSelf(ScratchNeuralNetClassifier):
    def _update(self):
        super()._update()
        return self
ScratchNeuralNetClassifier = _ReturnsSelf
''')
    spec = SPECS["sprint5.update"]
    r = evaluate(spec, spec.public_cases() + spec.hidden_cases("s"), pkg)
    assert r.status == PASSED, r.message


def test_float_labels_from_predict_fail_with_a_dtype_message(tmp_path):
    pkg = _pkg(tmp_path, "classifier", '''
class _FloatLabels(ScratchNeuralNetClassifier):
    def predict(self, X):
        return super().predict(X).astype(float)
ScratchNeuralNetClassifier = _FloatLabels
''')
    spec = SPECS["sprint5.predict"]
    r = evaluate(spec, spec.public_cases(), pkg)
    assert r.status == FAILED and r.outcome.kind == "dtype", r.message
    assert "predict() [step" in r.message and "expected int" in r.message


def test_a_loop_that_returns_an_empty_float_array_for_no_sample_passes():
    from autograder.learner.compare import compare

    assert compare(np.zeros(0, dtype=np.int64), np.array([])) is None


# --------------------------------------------------------------------------- hints
def test_of_several_mistakes_with_the_same_output_only_the_most_consistent_hint_shows(tmp_path):
    ex = SPECS["sprint6.weight_std"].exercise
    without_two = next(m for m in ex.mistakes if "twice" in m.hint)
    from .conftest import plant_mistake

    pkg = make_helpers(tmp_path)
    plant_mistake(pkg, ex.module, ex.name, without_two.implementation)
    r = evaluate(SPECS["sprint6.weight_std"], SPECS["sprint6.weight_std"].public_cases(), pkg)
    assert r.hints == [without_two.hint], r.hints


def test_the_footer_shows_the_sprints_real_total(tmp_path):
    report = run_checks(["sprint1.and_gate"], helpers=HELPERS, save=False)
    text = report.render()
    n = sum(s.sprint == "sprint1" for s in SPECS.values())
    assert f"0 of {n} exercises passed (1 checked now)" in text, text


# --------------------------------------------------------------------------- own sprint
def _stub_layers(tmp_path: Path) -> Path:
    pkg = make_helpers(tmp_path)
    shutil.copyfile(HELPERS / "layers.py", pkg / "layers.py")
    shutil.copyfile(HELPERS / "activations.py", pkg / "activations.py")
    return pkg


def test_a_correct_classifier_on_stub_layers_is_blocked_when_checked_and_full_when_graded(
        tmp_path):
    pkg = _stub_layers(tmp_path)
    report = run_checks(["sprint5"], helpers=pkg, save=False)
    by_id = {r.id: r for r in report.results}
    assert by_id["sprint5.get_mini_batch"].status == PASSED
    assert by_id["sprint5.forward"].status == BLOCKED, by_id["sprint5.forward"].message
    assert "needs sprint4.affine" in by_id["sprint5.forward"].message
    assert "BLOCKED" in report.render()
    for spec_id in ("sprint5.forward", "sprint5.gradient", "sprint5.predict"):
        t = _graded(spec_id, pkg)
        assert t.result.status == PASSED and t.result.score == SPECS[spec_id].points, \
            t.result.message


def test_two_layer_net_is_graded_without_the_learners_sprint2_activations(tmp_path):
    pkg = _stub_layers(tmp_path)
    r = evaluate(SPECS["sprint3.two_layer_net"], SPECS["sprint3.two_layer_net"].public_cases(),
                 pkg)
    assert r.status == BLOCKED and "sprint2.sigmoid" in r.message, r.message
    assert _graded("sprint3.two_layer_net", pkg).result.status == PASSED


def test_a_stub_of_the_same_sprint_is_todo_not_blocked():
    r = evaluate(SPECS["sprint2.forward"], SPECS["sprint2.forward"].public_cases(), HELPERS)
    assert r.status == NOT_IMPLEMENTED


def test_the_overlay_holds_earlier_sprints_only():
    assert set(trusted.overlay_of(SPECS["sprint5.fit"])) == {"layers"}
    assert set(trusted.overlay_of(SPECS["sprint3.two_layer_net"])) == {"activations"}
    assert trusted.overlay_of(SPECS["sprint2.forward"]) == {}     # its own sprint's sigmoid
    assert trusted.overlay_of(SPECS["sprint4.affine"]) == {}
    for spec in SPECS.values():
        owners = registry.module_sprints()
        for module in trusted.overlay_of(spec):
            assert registry.sprint_number(owners[module]) < registry.sprint_number(spec.sprint)


def test_learner_code_beside_the_reference_cannot_print_it_into_a_message(tmp_path):
    """The overlaid sprint-4 layers are readable by sprint-5 code: a sealed run shows no text
    of the learner's code, public cases included."""
    pkg = _pkg(tmp_path, "classifier", '''
class _Reads(ScratchNeuralNetClassifier):
    def _forward(self, X):
        import inspect, sys
        src = inspect.getsource(sys.modules[Affine.__module__])
        raise ValueError("LEAK" + src)
ScratchNeuralNetClassifier = _Reads
''')
    t = _graded("sprint5.forward", pkg)
    text = _every_text(t)
    assert t.result.score == 0 and "LEAK" not in text and "def forward" not in text, text
    assert "raised an exception (ValueError)" in t.result.message


# --------------------------------------------------------------------------- salt
def test_every_hidden_case_depends_on_the_salt():
    ex = SPECS["sprint5.get_mini_batch"].exercise
    one, two = ex.hidden_inputs("one"), ex.hidden_inputs("two")
    assert [c.label for c in one] != [c.label for c in two]
    calls = []
    probe = registry.Exercise(id="sprint9.p", points=1, module="m", name="f", title="t",
                              edge_cases=[lambda rng: calls.append(rng.random()) or
                                          registry.case(calls[-1])])
    a, b = probe.hidden_inputs("one"), probe.hidden_inputs("two")
    assert a[0].args != b[0].args and probe.hidden_inputs("one") == a


def test_a_release_without_reference_still_names_the_blocking_exercise(tmp_path, monkeypatch):
    store = tmp_path / "public"
    registry.write_store(store, [s for s in SPECS.values() if s.sprint == "sprint5"])
    assert (store / registry.INDEX_FILE).is_file()
    monkeypatch.setattr(registry, "has_live_registry", lambda: False)
    monkeypatch.setattr(registry, "PUBLIC_DIR", store)
    monkeypatch.setattr(registry, "_INDEX", None)
    released = {s.id: s for s in registry.load_exercises()}
    assert set(released) == {i for i in SPECS if i.startswith("sprint5.")}
    spec = released["sprint5.predict"]
    assert spec.exercise is None and trusted.overlay_of(spec) == {}
    r = evaluate(spec, spec.public_cases(), _stub_layers(tmp_path))
    assert r.status == BLOCKED and "needs sprint4.affine" in r.message, r.message


def test_the_report_reads_the_hints_as_data_not_from_the_message():
    from autograder.instructor import report

    row = {"student": "a", "assignment": "sprint1", "exercise": "sprint1.xor_gate",
           "score": 0.0, "max_score": 2.0, "status": "failed",
           "message": "case 1 of 4 (x): wrong value\nHint: Hint: a line the learner returned",
           "kind": "value", "case": "1", "hidden": "no", "hints": '["the real hint"]'}
    stats = report.class_stats([report.GradeRow.from_csv(row)])
    assert list(stats.exercises[0].hints) == ["the real hint"]


def test_csv_columns_carry_the_outcome_as_data(tmp_path):
    pkg = _pkg(tmp_path, "activations", "_real = sigmoid\ndef sigmoid(x):\n"
                                        "    return _real(x).T[::-1].T[::-1] * 0 + 1\n")
    t = _graded("sprint2.sigmoid", pkg)
    kind, case, hidden, hints = trusted.csv_extra(t.result)
    assert kind == "value" and case == "1" and hidden == "no" and hints.startswith("[")
    from autograder.instructor.grading import CSV_COLUMNS

    assert CSV_COLUMNS[-4:] == trusted.CSV_EXTRA_COLUMNS


def test_each_helper_module_belongs_to_one_sprint():
    by_module: dict = {}
    for s in SPECS.values():
        by_module.setdefault(s.module, set()).add(s.sprint)
    assert all(len(v) == 1 for v in by_module.values()), by_module


def test_a_hidden_outcome_keeps_no_learner_text_even_as_data(tmp_path):
    """State files, Gradescope JSON and grades.csv store the outcome: a hidden one holds
    nothing the learner's code wrote, nor an expected value."""
    pkg = _pkg(tmp_path, "activations", "def sigmoid(x):\n    raise ValueError('LEAK' + repr(x))\n")
    t = _graded("sprint2.sigmoid", pkg, public=False)
    assert "LEAK" not in repr(t.result.as_row()) and t.result.outcome.detail == ""
    pkg2 = _pkg(tmp_path / "b", "activations", "_real = sigmoid\ndef sigmoid(x):\n"
                                               "    return _real(x) + 1\n")
    t2 = _graded("sprint2.sigmoid", pkg2, public=False)
    assert t2.result.outcome.kind == "value" and t2.result.outcome.detail == ""


# --------------------------------------------------------------------------- alternatives
@pytest.mark.parametrize("spec_id,module,source", [
    ("sprint8.conv_output_size", "conv2d", '''
def conv_output_size(input_size, filter_size, stride=1, pad=0):
    if filter_size > input_size + 2 * pad:
        raise ValueError("the filter is larger than the padded input")
    return np.floor((input_size + 2 * pad - filter_size) / stride) + 1   # a float 24.0
'''),
    ("sprint4.relu", "layers", _as_learners(ReluBookWithCopies, "Relu")),
    ("sprint5.fit", "classifier", '''
class _FitChained(ScratchNeuralNetClassifier):
    def fit(self, X, y, X_val=None, y_val=None):
        out = super().fit(X, y, X_val, y_val)
        assert out is self
        return self
ScratchNeuralNetClassifier = _FitChained
'''),
])
def test_correct_but_different_implementations_get_full_marks(tmp_path, spec_id, module, source):
    t = _graded(spec_id, _pkg(tmp_path, module, source))
    assert t.result.status == PASSED and t.result.score == SPECS[spec_id].points, \
        t.result.message


def test_init_params_that_ignores_dtype_fails_on_the_float32_case(tmp_path):
    pkg = _pkg(tmp_path, "classifier", '''
_real_init = init_params
def init_params(layer_sizes, weight_init="he", seed=0, dtype="float64"):
    return {k: v.astype(np.float64) for k, v in _real_init(layer_sizes, weight_init, seed,
                                                            dtype).items()}
''')
    spec = SPECS["sprint5.init_params"]
    r = evaluate(spec, spec.public_cases(), pkg)
    assert r.status == FAILED and r.outcome.kind == "dtype" and "float32" in r.message, r.message


def test_an_earlier_helper_the_learner_chose_to_import_is_taken_from_the_reference(tmp_path):
    """Sprint 5 code that calls the learner's own sprint-2 softmax (a stub here) is graded on
    sprint 5's code only."""
    pkg = _stub_layers(tmp_path)
    (pkg / "classifier.py").write_text((pkg / "classifier.py").read_text() + '''

from .activations import softmax as _my_softmax
import helpers.losses as _my_losses


class _OwnSoftmax(ScratchNeuralNetClassifier):
    def predict_proba(self, X):
        return _my_softmax(self._forward(X))
ScratchNeuralNetClassifier = _OwnSoftmax
''')
    assert set(trusted.overlay_of(SPECS["sprint5.predict"], pkg)) == {
        "layers", "activations", "losses"}
    r = evaluate(SPECS["sprint5.predict"], SPECS["sprint5.predict"].public_cases(), pkg)
    assert r.status == BLOCKED, r.message
    assert _graded("sprint5.predict", pkg).result.status == PASSED


def test_helper_imports_finds_every_spelling():
    src = ("from .layers import Affine\nfrom . import activations\nimport helpers.losses\n"
           "from helpers.gradients import numerical_gradient\nfrom helpers import conv2d\n"
           "import numpy as np\nfrom numpy import linalg\n")
    assert registry.helper_imports(src) == {"layers", "activations", "losses", "gradients",
                                            "conv2d"}
    assert registry.helper_imports("def (:") == set()


def test_floats_for_integers_pass_only_when_the_inputs_are_integers():
    from autograder.learner.compare import compare
    from autograder.learner.evaluate import _case_tol

    spec = SPECS["sprint0.affine"]
    ints = registry.case(np.arange(6).reshape(2, 3), np.arange(12).reshape(3, 4), np.arange(4))
    floats = registry.case(np.ones((2, 3)), np.ones((3, 4)), np.ones(4))
    expected, loop = np.arange(8).reshape(2, 4), np.arange(8.0).reshape(2, 4)
    assert compare(expected, loop, _case_tol(spec, ints)) is None
    assert compare(expected, loop, _case_tol(spec, floats)).kind == "dtype"


def test_returning_the_input_itself_fails_only_where_a_new_array_is_promised(tmp_path):
    pkg = _pkg(tmp_path, "conv1d", "_real = pad1d\ndef pad1d(x, pad):\n"
                                   "    return x if pad == 0 else _real(x, pad)\n")
    spec = SPECS["sprint7.pad1d"]
    r = evaluate(spec, spec.public_cases() + spec.hidden_cases("s"), pkg)
    assert r.status == FAILED and r.outcome.kind == "aliased", r.message
    # Dropout's backward after inference may give dout back: only forward() is promised new
    pkg2 = _pkg(tmp_path / "b", "regularization", '''
class _DoutBack(Dropout):
    def backward(self, dout):
        return dout if not self.train_flg else super().backward(dout)
Dropout = _DoutBack
''')
    spec = SPECS["sprint6.dropout"]
    assert evaluate(spec, spec.public_cases(), pkg2).status == PASSED


def test_a_documented_raise_is_a_case(tmp_path):
    spec = SPECS["sprint8.conv_output_size"]
    assert any(p.expected == {registry.RAISES: "ValueError"} for p in spec.public_cases())
    assert evaluate(spec, spec.public_cases(), make_helpers(tmp_path / "ref")).status == PASSED
    quiet = _pkg(tmp_path, "conv2d", "def conv_output_size(input_size, filter_size, stride=1, "
                                     "pad=0):\n    return (input_size + 2 * pad - filter_size)"
                                     " // stride + 1\n")
    r = evaluate(spec, spec.public_cases(), quiet)
    assert r.status == FAILED and r.outcome.kind == "no_raise" and "ValueError" in r.message
    other = _pkg(tmp_path / "b", "conv2d", "_real = conv_output_size\n"
                                           "def conv_output_size(i, f, stride=1, pad=0):\n"
                                           "    if f > i + 2 * pad:\n"
                                           "        raise RuntimeError('no')\n"
                                           "    return _real(i, f, stride, pad)\n")
    r = evaluate(spec, spec.public_cases(), other)
    assert r.status == FAILED and "expected ValueError" in r.message, r.message
    sub = _pkg(tmp_path / "c", "conv2d", "class _Mine(ValueError):\n    pass\n"
                                         "_real = conv_output_size\n"
                                         "def conv_output_size(i, f, stride=1, pad=0):\n"
                                         "    if f > i + 2 * pad:\n"
                                         "        raise _Mine('no')\n"
                                         "    return _real(i, f, stride, pad)\n")
    assert evaluate(spec, spec.public_cases(), sub).status == PASSED
    with pytest.raises(ValueError, match="declares raises"):
        registry.prepare(spec.exercise, [registry.case(28, 5, raises="ValueError")])
