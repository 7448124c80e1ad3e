"""The class's own mistakes: answer fingerprints, grouping, promotion; code similarity.

The whole path on a generated class of 42 students is in tests/test_generated_class.py;
these are the pieces, each on small inputs.
"""
from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import numpy as np
import pytest

from autograder.instructor import grading, similarity
from autograder.instructor import mistake_groups as mg
from autograder.instructor.learner_code import function_source, helper_text, module_names_used
from autograder.instructor.trusted import csv_extra, csv_message, trusted_text
from autograder.learner import fingerprint as fp
from autograder.learner.registry import Mistake, Spec, load_exercises, select
from tests.conftest import make_helpers
from tests.support import LOOP, OTHER, write_forward_general

ROOT = Path(__file__).resolve().parent.parent
ENTRY = re.compile(r"^[0-9a-f]{10}:([0-9a-f]{10}|=|[a-z_]+(-[A-Za-z]+)?)$")


# --------------------------------------------------------------------------- fingerprints
def test_answers_equal_up_to_rounding_share_a_digest_and_others_do_not():
    x = np.array([[0.1, 0.2, 0.7], [1e-3, 2.5e5, -3.0]])
    noisy = x * (1 + 1e-14)
    assert fp.answer_digest({"return": x}, 1e-6, 1e-10) == \
        fp.answer_digest({"return": noisy}, 1e-6, 1e-10)
    # a difference the tolerance sees is another answer
    assert fp.answer_digest({"return": x}, 1e-6, 1e-10) != \
        fp.answer_digest({"return": x * (1 + 1e-3)}, 1e-6, 1e-10)
    # shape, kind, nan and inf are part of the answer
    assert fp.answer_digest({"return": x}, 1e-6, 0) != \
        fp.answer_digest({"return": x.T.copy().T.reshape(3, 2)}, 1e-6, 0)
    assert fp.answer_digest({"return": np.array([1, 2])}, 1e-6, 0) != \
        fp.answer_digest({"return": np.array([1.0, 2.0])}, 1e-6, 0)
    assert len({fp.answer_digest({"return": np.array([v])}, 1e-6, 0)
                for v in (np.nan, np.inf, -np.inf, 0.0)}) == 4
    # a value that rounds up across a power of ten lands with its neighbour
    assert fp.answer_digest({"r": np.array([9.999996])}, 1e-6, 0) == \
        fp.answer_digest({"r": np.array([10.0])}, 1e-6, 0)
    # below atol is zero
    assert fp.answer_digest({"r": np.array([1e-13])}, 1e-6, 1e-10) == \
        fp.answer_digest({"r": np.array([0.0])}, 1e-6, 1e-10)


def test_significant_digits_follow_the_tolerance():
    assert fp.significant_digits(1e-6) == 5
    assert fp.significant_digits(1e-2) == 3       # never coarser than 3 digits
    assert fp.significant_digits(0) == fp.DIGITS_MAX


def _grade(pkg: Path, exercise: str, salt: str = "s"):
    spec = select(load_exercises(), [exercise])[0]
    prepared = [(spec, spec.public_cases(), spec.hidden_cases(salt))]
    return grading.grade_exercises(prepared, pkg, None)[0], spec


def test_the_trusted_result_carries_one_entry_per_case_and_none_reaches_a_learner(tmp_path):
    pkg = make_helpers(tmp_path)
    text = (pkg / "activations.py").read_text()
    good, spec = _grade(pkg, "sprint2.softmax")
    assert good.result.ok
    assert len(good.result.fingerprints) == good.result.total
    assert all(fp.split(e)[1] == fp.PASSED for e in good.result.fingerprints)
    # a wrong softmax (log-softmax): digests where it is wrong, "=" nowhere it is wrong
    (pkg / "activations.py").write_text(text.replace(
        "    ### END SOLUTION\n\n\ndef sigmoid_grad",
        "    ### END SOLUTION\n\n\n_right = softmax\n\n\ndef softmax(x):\n"
        "    return np.log(_right(x))\n\n\ndef sigmoid_grad"))
    bad, _ = _grade(pkg, "sprint2.softmax")
    assert bad.result.status == "failed"
    entries = bad.result.fingerprints
    assert len(entries) == bad.result.total and all(ENTRY.match(e) for e in entries)
    # the case keys are those of the right answer's: the same cases, in the same order
    assert [fp.split(e)[0] for e in entries] == [fp.split(e)[0] for e in good.result.fingerprints]
    # what a learner or the CSV sees holds no digest
    shown = trusted_text(bad) + csv_message(bad.result) + " ".join(csv_extra(bad.result))
    for e in entries:
        assert fp.split(e)[1] not in shown and fp.split(e)[0] not in shown
    # the state record keeps them (instructor data) and reads them back
    row = json.loads(json.dumps(bad.result.as_row()))
    assert type(bad.result).from_row(row | {"title": ""}).fingerprints == entries


def test_hidden_cases_drawn_per_student_have_other_keys(tmp_path):
    pkg = make_helpers(tmp_path)
    one, _ = _grade(pkg, "sprint2.relu", salt="alice")
    two, _ = _grade(pkg, "sprint2.relu", salt="bob")
    keys1 = [fp.split(e)[0] for e in one.result.fingerprints]
    keys2 = [fp.split(e)[0] for e in two.result.fingerprints]
    n_public = one.n_public
    assert keys1[:n_public] == keys2[:n_public]
    assert set(keys1[n_public:]) != set(keys2[n_public:])


# --------------------------------------------------------------------------- grouping
def _row(status, prints, hints=(), total=None, message="m"):
    return {"id": "sprint2.softmax", "status": status, "total": total or len(prints),
            "passed": 0, "points": 2, "score": 0, "message": message, "hints": list(hints),
            "fingerprints": prints}


def test_groups_by_answers_on_shared_cases_with_known_mistakes_labelled():
    spec = select(load_exercises(), ["sprint2.softmax"])[0]
    known = spec.exercise.mistakes[0].hint
    a = ["k1:=", "k2:aaaaaaaaaa", "k3:bbbbbbbbbb"]
    b = ["k1:=", "k2:cccccccccc", "k3:="]
    rows = [("ann", "sprint2", _row("failed", a)), ("bo", "sprint2", _row("failed", a)),
            ("cy", "sprint2", _row("failed", b, hints=[known])),
            ("di", "sprint2", _row("failed", b, hints=[known])),
            ("ed", "sprint2", _row("failed", ["k1:=", "k2:dddddddddd", "k3:="])),
            ("fay", "sprint2", _row("passed", ["k1:=", "k2:=", "k3:="])),
            ("gus", "sprint2", _row("not implemented", ["k1:not_implemented"] * 3)),
            ("hal", "sprint2", _row("failed", [], total=3)),   # graded before fingerprints
            ]
    em = mg.group_exercise("sprint2.softmax", rows, spec)
    assert (em.submissions, em.wrong, em.without_prints, em.compared_cases) == (8, 6, 1, 3)
    sizes = {g.students: (g.size, g.known_hint, g.first_case) for g in em.groups}
    assert sizes == {("ann", "bo"): (2, "", 2), ("cy", "di"): (2, known, 2),
                     ("ed",): (1, "", 2)}
    assert [g.group for g in em.groups] == ["G1", "G2", "G3"]
    assert [g.students for g in em.unknown_groups] == [("ann", "bo")]
    assert em.unique_unknown == 1
    # the first differing case is public case 2: its description is given
    g = em.groups[0]
    assert not g.first_case_hidden and g.first_case_label == spec.public_cases()[1].label


def test_per_student_hidden_cases_are_compared_on_the_shared_cases_only():
    rows = [("ann", "sprint2", _row("failed", ["p1:=", "p2:aaaaaaaaaa", "ha:bbbbbbbbbb"])),
            ("bo", "sprint2", _row("failed", ["p1:=", "p2:aaaaaaaaaa", "hb:cccccccccc"]))]
    em = mg.group_exercise("sprint2.softmax", rows)
    assert em.compared_cases == 2
    assert [g.students for g in em.groups] == [("ann", "bo")]


# --------------------------------------------------------------------------- learner code
def test_function_source_leaves_docstrings_out_and_reads_no_link(tmp_path):
    text = (ROOT / "solutions" / "forward.py").read_text()
    src = function_source(text, "forward_general")
    assert src.startswith("def forward_general(") and '"""' not in src and "r\"\"\"" not in src
    assert "HIDDEN_ACTIVATIONS" in src
    assert function_source(text, "no_such_function") is None
    assert function_source("def f(:\n", "f") is None
    assert module_names_used(text, "forward_general") == sorted(
        ["HIDDEN_ACTIVATIONS", "OUTPUT_FUNCTIONS", "np"])
    folder = tmp_path / "s" / "alice" / "sprint2" / "helpers"
    folder.mkdir(parents=True)
    secret = tmp_path / "secret.py"
    secret.write_text("def forward():\n    return 'secret'\n")
    (folder / "forward.py").symlink_to(secret)
    assert helper_text(tmp_path / "s", "alice", "sprint2", "forward") is None
    (folder / "forward.py").unlink()
    (folder / "forward.py").write_text("def forward():\n    return 1\n")
    assert "return 1" in helper_text(tmp_path / "s", "alice", "sprint2", "forward")


# --------------------------------------------------------------------------- promote
def test_a_promoted_group_becomes_a_known_mistake_that_names_it(tmp_path, monkeypatch):
    """The declaration `mistakes promote` writes, pasted as its comments say, gives the
    group's members the new hint."""
    submitted = tmp_path / "submitted"
    state = tmp_path / "grading"
    specs = {s.id: s for s in load_exercises() if s.sprint == "sprint2"}
    spec = specs["sprint2.tanh_grad"]
    prepared = [(spec, spec.public_cases(), spec.hidden_cases("x"))]
    sprint = type("S", (), {"exercises": [spec]})()
    bodies = {"ann": "    return (1 - np.tanh(x)) ** 2\n",
              "bo": "    t = np.tanh(np.asarray(x, dtype=float))\n    d = 1.0 - t\n"
                    "    return d * d\n"}
    for student, body in bodies.items():
        pkg = make_helpers(submitted / student / "sprint2")
        text = (pkg / "activations.py").read_text()
        text += f"\n\ndef tanh_grad(x):\n{body}"
        (pkg / "activations.py").write_text(text)
        sub = grading.Submission(student, "sprint2", sprint)
        sub.trusted = grading.grade_exercises(prepared, pkg, None)
        grading.write_state(state, sub, "x", "graded")
    em = mg.class_mistakes(state, submitted, specs=specs)
    (group,) = [g for e in em for g in e.groups]
    assert group.students == ("ann", "bo") and not group.known
    hint = "You squared (1 - tanh(x)): the derivative is 1 - tanh(x)**2."
    with pytest.raises(mg.MistakeError, match="hint"):
        mg.promote(state, "sprint2.tanh_grad", "G1", "  ", submitted_dir=submitted)
    with pytest.raises(mg.MistakeError, match="no group G7"):
        mg.promote(state, "sprint2.tanh_grad", "G7", hint, submitted_dir=submitted)
    path = mg.promote(state, "sprint2.tanh_grad", "G1", hint, submitted_dir=submitted)
    assert path == state / "mistakes" / "sprint2.tanh_grad-G1.py"
    text = path.read_text()
    assert "REVIEW BEFORE PASTING" in text and "def _tanh_grad_class_g1(x):" in text
    assert "autograder/exercises/sprint2.py" in text and "headed sprint2.tanh_grad" in text
    assert "add _tanh_grad_class_g1 to the mistakes=known(...)" in text
    # the hint stands above the function, as in the exercises' modules
    assert f"@hint({hint!r})\ndef _tanh_grad_class_g1(x):" in text
    namespace: dict = {}
    exec(compile(text, str(path), "exec"), namespace)      # our test's own code
    mistake = namespace["MISTAKE"]
    assert isinstance(mistake, Mistake) and mistake.hint == hint
    assert mistake.implementation is namespace["_tanh_grad_class_g1"]
    # pasted: the exercise with the new mistake gives ann and bo the hint
    exercise = dataclasses.replace(spec.exercise, mistakes=[*spec.exercise.mistakes, mistake])
    new_spec = Spec(spec.id, spec.points, spec.module, spec.name, spec.title, spec.tol,
                    exercise=exercise)
    for student in bodies:
        t = grading.grade_exercises(
            [(new_spec, new_spec.public_cases(), new_spec.hidden_cases("x"))],
            submitted / student / "sprint2" / "helpers", None)[0]
        assert t.result.hints == [hint], student
    # once pasted and regraded, the group is a known one: promoting it again is refused
    for student in bodies:
        doc = json.loads((state / "state" / f"{student}-sprint2.json").read_text())
        doc["results"][0]["hints"] = [hint]
        (state / "state" / f"{student}-sprint2.json").write_text(json.dumps(doc))
    monkeypatch.setattr(mg, "_specs", lambda: specs | {spec.id: new_spec})
    with pytest.raises(mg.MistakeError, match="already a known mistake"):
        mg.promote(state, "sprint2.tanh_grad", "G1", hint, submitted_dir=submitted)


# --------------------------------------------------------------------------- similarity
def test_similarity_sees_through_renaming_and_not_the_provided_code(tmp_path):
    submitted = tmp_path / "submitted"
    write_forward_general(submitted, "ann", LOOP.format(z="z", a="a", i="i"))
    write_forward_general(submitted, "bo", LOOP.format(z="hidden_out", a="pre_act", i="layer"))
    write_forward_general(submitted, "cy", OTHER)
    write_forward_general(submitted, "di", None)   # the stub: nothing of hers compared
    specs = select(load_exercises(), ["sprint2.forward_general"])
    pairs = similarity.compare_class(submitted, "sprint2", specs)
    by = {(p.a, p.b): p for p in pairs}
    assert by[("ann", "bo")].score > 0.9                 # renamed, still alike
    assert by[("ann", "cy")].score < 0.3                 # the same argument checks, no more
    assert by[("ann", "di")].compared == 0 and by[("ann", "di")].score == 0
    assert [(p.a, p.b) for p in pairs][0] == ("ann", "bo")
    # the stub's own code (the argument checks) matches nothing: the stub against itself
    stub = similarity._stub_source(ROOT, specs[0])
    assert "raise ValueError" in stub
    print_ = similarity._fingerprint(stub, np.unique(np.array(list(
        similarity._fingerprint(stub).hashes))))
    assert print_.token_coverage == 0


def test_similarity_pages_say_for_review_and_show_both_sides(tmp_path, monkeypatch):
    submitted = tmp_path / "grading" / "submitted"
    write_forward_general(submitted, "ann", LOOP.format(z="z", a="a", i="i"))
    write_forward_general(submitted, "bo", LOOP.format(z="h", a="s", i="k"))
    write_forward_general(submitted, "cy", OTHER)
    written = similarity.write_report(tmp_path / "grading", "sprint2", top=2)
    index = written["index"].read_text()
    assert "for review" in index.lower() and "not a verdict" in index.lower()
    pages = sorted((tmp_path / "grading" / "similarity" / "pairs").glob("*.html"))
    assert len(pages) == 2
    page = (tmp_path / "grading" / "similarity" / "pairs" /
            similarity.pair_file(written["pairs"][0])).read_text()
    assert "<mark>" in page and "ann" in page and "bo" in page
    for text in (index, page):
        assert not re.search(r"plagiar|cheat|guilty|copied", text, re.IGNORECASE)


def test_a_digest_of_any_learner_value_never_raises():
    deep: list = []
    for _ in range(5000):
        deep = [deep]

    class Weird:
        def __array__(self, *a, **k):
            raise RuntimeError("no")

    for value in (deep, {"a": deep}, [Weird()], Weird(), {1: "x", "1": "y"}, [None, "s"],
                  np.array(["a", "b"]), np.zeros((0, 3)), (1, 2.5, True)):
        assert re.fullmatch(r"[0-9a-f]{10}|unreadable",
                            fp.answer_digest({"return": value}, 1e-6, 1e-10))


def test_code_moved_into_a_helper_of_ones_own_is_compared_too(tmp_path):
    submitted = tmp_path / "submitted"
    write_forward_general(submitted, "ann", LOOP.format(z="z", a="a", i="i"))
    body = LOOP.format(z="q", a="w", i="e")
    moved = "    return _mine(network, x, output, hidden)\n"
    write_forward_general(submitted, "bo", moved)
    path = submitted / "bo" / "sprint2" / "helpers" / "forward.py"
    path.write_text(path.read_text() + "\n\ndef _mine(network, x, output, hidden):\n" + body)
    write_forward_general(submitted, "cy", OTHER)
    specs = select(load_exercises(), ["sprint2.forward_general"])
    pairs = similarity.compare_class(submitted, "sprint2", specs)
    assert (pairs[0].a, pairs[0].b) == ("ann", "bo") and pairs[0].score > 0.6


def test_a_declaration_carries_the_learners_own_helpers_and_imports_the_rest():
    spec = select(load_exercises(), ["sprint2.forward"])[0]
    module = ((ROOT / "helpers" / "forward.py").read_text()
              + "\n\ndef _layer(x, w, b):\n    return sigmoid(x @ w + b)\n"
              + "\n\ndef forward(network, x):\n"
              + '    h = _layer(x, network["W1"], network["b1"])\n'
              + '    return h @ network["W3"][: h.shape[-1]] + network["b3"]\n')
    group = mg.MistakeGroup("sprint2.forward", "G2", ("ann", "bo"), first_case=1,
                            source=function_source(module, "forward"), representative="ann")
    text = mg.declaration(group, "A hint.", spec, module)
    assert "def _layer(x, w, b):" in text and "def _forward_class_g2(network, x):" in text
    assert "from solutions.forward import sigmoid" in text
    namespace: dict = {}
    exec(compile(text, "declaration.py", "exec"), namespace)
    assert namespace["MISTAKE"].hint == "A hint."
    # the helper runs: what it uses was imported (the reference's sigmoid)
    assert np.allclose(namespace["_layer"](np.zeros(2), np.zeros((2, 2)), np.zeros(2)), 0.5)


def test_a_long_hint_is_cut_between_words_and_read_back_whole():
    spec = select(load_exercises(), ["sprint2.tanh_grad"])[0]
    module = "import numpy as np\n\n\ndef tanh_grad(x):\n    return (1 - np.tanh(x)) ** 2\n"
    group = mg.MistakeGroup("sprint2.tanh_grad", "G1", ("ann", "bo"), first_case=1,
                            source=function_source(module, "tanh_grad"), representative="ann")
    hint = ("You squared (1 - tanh(x)):  the derivative is 1 - tanh(x)**2, "
            "\"the square of the output\", " * 4 + "so write 1 - np.tanh(x) ** 2.")
    text = mg.declaration(group, hint, spec, module)
    decorator = text[text.index("@hint("):text.index("def _tanh_grad_class_g1")]
    assert len(decorator.splitlines()) > 2          # cut into several pieces
    assert max(len(line) for line in decorator.splitlines()) <= 92
    namespace: dict = {}
    exec(compile(text, "declaration.py", "exec"), namespace)
    assert namespace["MISTAKE"].hint == hint        # every space and quote kept


def test_the_command_prints_the_groups_and_their_json(tmp_path, capsys):
    from autograder.__main__ import main

    state = tmp_path / "grading" / "state"
    state.mkdir(parents=True)
    a = ["k1:=", "k2:aaaaaaaaaa"]
    for student, prints, status in (("ann", a, "failed"), ("bo", a, "failed"),
                                    ("cy", ["k1:=", "k2:="], "passed")):
        doc = {"student": student, "assignment": "sprint2", "status": "graded",
               "results": [_row(status, prints)]}
        (state / f"{student}-sprint2.json").write_text(json.dumps(doc))
    (state / "junk-sprint2.json").write_text("{not json")
    assert main(["mistakes", str(tmp_path / "grading")]) == 0
    out = capsys.readouterr().out
    assert "G1  2 student(s)" in out and "ann, bo" in out and "NOT CATALOGUED" in out
    assert main(["mistakes", str(tmp_path / "grading"), "--json"]) == 0
    (em,) = json.loads(capsys.readouterr().out)
    assert em["exercise"] == "sprint2.softmax" and em["groups"][0]["size"] == 2
    assert main(["mistakes", "promote", str(tmp_path / "grading"), "sprint2.softmax"]) == 2
    assert main(["mistakes", str(tmp_path / "nothing")]) == 1
    assert "no state/ folder" in capsys.readouterr().err


def test_the_similarity_benchmark_runs_and_writes_its_table(tmp_path):
    from benchmarks import similarity as bench
    from tests.generated_class import write_class

    with pytest.raises(ValueError, match="at least"):
        write_class(tmp_path / "small", n_students=10)
    out = tmp_path / "similarity.md"
    assert bench.main(["--students", "34", "--repeat", "1", "--out", str(out)]) == 0
    rows = [ln for ln in out.read_text().splitlines() if ln.startswith("| 34 |")]
    assert len(rows) == 1 and rows[0].count("|") == 7
    assert "| 561 |" in rows[0] and rows[0].rstrip().endswith("| yes |")


def test_results_of_different_cases_are_never_grouped():
    rows = [("ann", "sprint2", _row("failed", ["a1:aaaaaaaaaa", "a2:="])),
            ("bo", "sprint2", _row("failed", ["b1:aaaaaaaaaa", "b2:="]))]
    em = mg.group_exercise("sprint2.softmax", rows)
    assert em.compared_cases == 0
    assert sorted(g.students for g in em.groups) == [("ann",), ("bo",)]
