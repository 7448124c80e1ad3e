"""Per-student hidden cases and the staged reveal of hidden cases after the deadline.

* ``[hidden] per_student``: each student's hidden cases are seeded from the course's salt and
  their id: two students get different inputs, a correct answer gets full marks for both, and
  an answer made of another student's hidden cases (a lookup table of their inputs and
  outputs, as one would pass around) does not carry.
* ``[hidden] reveal_after_deadline``: once a sprint is over for the whole class (the latest
  due date any student has, plus the grace), by the grader's clock, the feedback shows the
  failing hidden case's inputs and expected output; before that, nothing of it — whatever
  time a submission claims.
"""
from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from autograder.instructor import gradescope, policy
from autograder.instructor.trusted import (
    RevealedCases,
    csv_message,
    for_student,
    grade_exercises,
    prepare_sprint,
    student_salt,
    trusted_text,
)

from .conftest import make_helpers
from .support import sprint_specs

SALT = "course-secret"
POLICY = """
timezone = "UTC"
grace_minutes = 30
[hidden]
per_student = true
reveal_after_deadline = true
[sprints.sprint1]
due = 2026-10-05T23:59:00
[extensions.slow]
sprint1 = 2
"""
# sprint1 is over for everyone at 2026-10-07 23:59 + 30 min (slow's 2 days, then the grace)
LAST = datetime(2026, 10, 8, 0, 29, tzinfo=UTC)


def _plain(value):
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value if isinstance(value, (int, float, str, bool, type(None))) else repr(value)


def _key(case) -> str:
    """A case's inputs (arguments and, for a class, its steps) as text."""
    wire = case.case.call().to_wire()
    return json.dumps(_plain({k: wire[k] for k in ("args", "kwargs", "steps")}))


@pytest.fixture(scope="module")
def specs():
    return sprint_specs()


@pytest.fixture(scope="module")
def course_cases(specs):
    return prepare_sprint(specs, SALT)


def test_two_students_get_hidden_inputs_of_their_own(specs, course_cases):
    alice = for_student(course_cases, SALT, "alice")
    bob = for_student(course_cases, SALT, "bob")
    assert student_salt(SALT, "alice") != student_salt(SALT, "bob")
    assert student_salt(SALT, "alice") != student_salt("other-course", "alice")
    for (spec, pub_a, hid_a), (_, pub_b, hid_b), (_, pub_c, hid_c) in zip(alice, bob,
                                                                           course_cases):
        assert [_key(c) for c in pub_a] == [_key(c) for c in pub_b] == [_key(c) for c in pub_c]
        if spec.exercise.generate is not None:   # random hidden cases: not the same ones
            assert {_key(c) for c in hid_a} != {_key(c) for c in hid_b}, spec.id
            assert {_key(c) for c in hid_a} != {_key(c) for c in hid_c}, spec.id
    again = for_student(course_cases, SALT, "alice")
    assert [[_key(c) for c in h] for _, _, h in again] == [[_key(c) for c in h]
                                                           for _, _, h in alice]


def test_a_correct_answer_gets_full_marks_on_either_students_cases(course_cases, tmp_path):
    helpers = make_helpers(tmp_path)
    for student in ("alice", "bob"):
        results = grade_exercises(for_student(course_cases, SALT, student), helpers)
        assert all(t.result.ok for t in results), [t.result.message for t in results]
        assert all(t.n_hidden > 0 for t in results)


LOOKUP = '''
import numpy as np
_ANSWERS = {answers!r}


def step_function(x):
    """alice's hidden cases, passed around: their inputs and the expected outputs."""
    key = repr(np.asarray(x).tolist())
    if key in _ANSWERS:
        return np.array(_ANSWERS[key])
    return np.ones_like(x, dtype=int)
'''


def test_an_answer_copied_from_anothers_hidden_cases_does_not_carry(specs, course_cases,
                                                                    tmp_path):
    index = [s.id for s in specs].index("sprint1.step_function")
    alice = for_student(course_cases, SALT, "alice")[index]
    answers = {repr(np.asarray(c.case.args[0]).tolist()): c.expected["return"].tolist()
               for c in alice[2]}
    helpers = make_helpers(tmp_path)
    source = (helpers / "perceptron.py").read_text()
    (helpers / "perceptron.py").write_text(source + LOOKUP.format(answers=answers))
    spec = specs[index]
    on_alice = grade_exercises([(spec, [], alice[2])], helpers)[0].result
    bob = for_student(course_cases, SALT, "bob")[index]
    on_bob = grade_exercises([(spec, [], bob[2])], helpers)[0].result
    assert (on_alice.passed, on_alice.total) == (len(alice[2]), len(alice[2]))
    assert on_bob.passed < on_bob.total and not on_bob.ok
    # and what bob is told names none of his hidden inputs
    shown = trusted_text(grade_exercises([(spec, [], bob[2])], helpers)[0]) + \
        csv_message(on_bob)
    assert "hidden case" in shown
    for c in bob[2]:
        assert repr(np.asarray(c.case.args[0]).tolist())[:20] not in shown
        assert np.array2string(np.asarray(c.case.args[0]), separator=", ")[:20] not in shown


# --------------------------------------------------------------------------- staged reveal
def test_the_sprint_is_over_only_when_it_is_over_for_everyone():
    rules = policy.parse_policy(POLICY)
    assert rules.last_due("sprint1") == LAST
    assert not rules.reveals("sprint1", LAST)
    assert not rules.reveals("sprint1", datetime(2026, 10, 6, 12, tzinfo=UTC))
    assert rules.reveals("sprint1", LAST + timedelta(seconds=1))
    assert not rules.reveals("sprint2", datetime(2099, 1, 1, tzinfo=UTC))  # no due
    quiet = policy.parse_policy(POLICY.replace("reveal_after_deadline = true",
                                               "reveal_after_deadline = false"))
    assert not quiet.reveals("sprint1", datetime(2099, 1, 1, tzinfo=UTC))
    with pytest.raises(policy.PolicyError, match="true or false"):
        policy.parse_policy(POLICY.replace("per_student = true", 'per_student = "yes"'))


def _wrong_step(tmp_path):
    helpers = make_helpers(tmp_path)
    source = (helpers / "perceptron.py").read_text()
    # wrong only when every input is 0: a hidden edge case, never a public case
    (helpers / "perceptron.py").write_text(
        source + "\n\ndef step_function(x):\n    import numpy as np\n    x = np.asarray(x)\n"
                 "    if not np.any(x):\n        return np.ones(x.shape, dtype=int)\n"
                 "    return (x > 0).astype(int)\n")
    return helpers


def test_after_the_deadline_the_failing_hidden_case_is_shown(specs, tmp_path):
    spec = next(s for s in specs if s.id == "sprint1.step_function")
    helpers = _wrong_step(tmp_path)
    hidden_only = [(spec, [], hidden) for spec, _, hidden in
                   prepare_sprint([spec], SALT, revealed=False)]
    before = grade_exercises(hidden_only, helpers)[0]
    after = grade_exercises([(spec, [], RevealedCases(hidden_only[0][2]))], helpers)[0]
    assert before.result.outcome.hidden and after.result.outcome.hidden
    assert "revealed" not in trusted_text(before) and "Expected" not in csv_message(
        before.result)
    hidden = prepare_sprint([spec], SALT, revealed=True)[0][2]
    assert isinstance(hidden, RevealedCases)
    failing = hidden[after.result.outcome.case - 1]
    text = trusted_text(after)
    assert "After the deadline, this hidden case is revealed" in text
    assert "Expected: return: " in text
    assert np.array2string(np.asarray(failing.expected["return"]), separator=", ")[:8] in text
    assert after.result.score == before.result.score      # revealing changes no score


def test_a_future_submission_time_does_not_open_the_reveal_on_gradescope(specs):
    """Gradescope: the reveal follows this machine's clock and the policy; the
    submission's created_at (here far in the future) plays no part."""
    config = {"sprint": "sprint1", "salt": SALT, "policy": POLICY, "students": {}}
    meta = {"created_at": "2099-01-01T00:00:00+00:00",
            "assignment": {"due_date": "2000-01-01T00:00:00+00:00"},
            "users": [{"email": "bob@uni.example", "id": 1, "name": "Bob"}]}
    logs = []
    before = gradescope.bundle_cases(config, specs[:1], meta, logs.append,
                                     now=LAST - timedelta(hours=1))
    assert not isinstance(before[0][2], RevealedCases)
    after = gradescope.bundle_cases(config, specs[:1], meta, logs.append,
                                    now=LAST + timedelta(hours=1))
    assert isinstance(after[0][2], RevealedCases)
    # and per student: bob's own hidden cases, as the course's grader would give him
    mine = for_student(prepare_sprint(specs[:1], SALT), SALT, "bob@uni.example")
    assert [_key(c) for c in after[0][2]] == [_key(c) for c in mine[0][2]]
    assert any("bob@uni.example's own" in line for line in logs)


def test_the_instructor_checks_a_students_own_hidden_cases(specs, tmp_path, capsys):
    """`check --hidden --salt S --student alice`: the case numbers of alice's own cases."""
    from autograder.__main__ import main

    spec = next(s for s in specs if s.id == "sprint1.step_function")
    helpers = _wrong_step(tmp_path)
    number = {}
    for who in ("alice", None):
        argv = ["check", spec.id, "--hidden", "--salt", SALT, "--helpers", str(helpers),
                "--json"] + (["--student", who] if who else [])
        assert main(argv) == 1
        row = json.loads(capsys.readouterr().out)[0]
        number[who] = row["outcome"]["case"]
    for who, salt in (("alice", student_salt(SALT, "alice")), (None, SALT)):
        cases = spec.hidden_cases(salt)
        zeros = [i + 1 for i, c in enumerate(cases)
                 if not np.any(c.case.args[0])]
        assert number[who] == zeros[0]
    assert main(["check", spec.id, "--student", "alice"]) == 2
