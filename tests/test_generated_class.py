"""A generated class of 42 students (tests/generated_class.py), graded, then looked at as an
instructor would: the class's own mistakes, similarity, the late policy, the report.

Grading is the trusted grader's path of ``python -m autograder grade`` (``grade_prepared``,
the state files, grades.csv), without nbgrader's notebook run, which these tools do not read:
66 to 121 s for the 42 submissions of sprint 2, measured on two cores shared with other work
(load average 14 to 20).
"""
from __future__ import annotations

import csv
import re

import pytest

from autograder.authoring.facilitator import write_class_guides
from autograder.instructor import course, grading, policy, similarity
from autograder.instructor import mistake_groups as mg
from autograder.instructor.report import write_report
from autograder.learner.registry import load_exercises
from tests.generated_class import KNOWN, PLANTED, PLANTED_COUNTS, SPRINT, write_class

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("generated-class")
    plan = write_class(root)
    out = root / "grading"
    specs = [s for s in load_exercises() if s.sprint == SPRINT]
    prepared = [(s, list(s.public_cases()), list(s.hidden_cases("generated-class"))) for s in specs]
    sprint = next(s for s in course.discover_sprints() if s.id == SPRINT)
    subs = []
    for student in plan.students:
        sub = grading.Submission(student, SPRINT, sprint)
        folder = plan.submitted / student / SPRINT / "helpers"
        sub.helpers = {p.name: p.read_bytes() for p in folder.glob("*.py")}
        grading.grade_prepared(sub, prepared, None)
        grading.write_state(out, sub, "generated", "graded")
        subs.append(sub)
    grading.write_csv(out / "grades.csv", subs)
    mistakes = mg.class_mistakes(out, plan.submitted)
    return plan, out, subs, mistakes


def _known_hint(mistake):
    """The registry's hint of a planted known mistake, by its implementation's name."""
    exercise = f"{SPRINT}.{PLANTED[mistake][0]}"
    spec = next(s for s in load_exercises() if s.id == exercise)
    return next(m.hint for m in spec.exercise.mistakes
                if m.implementation.__name__ == KNOWN[mistake])


def _groups(mistakes, exercise):
    return next(em for em in mistakes if em.exercise == exercise).groups


def test_the_class_is_what_the_generator_says(graded):
    plan, _, subs, _ = graded
    assert len(plan.students) >= 40
    by = {s.student: s for s in subs}
    for student in plan.honest:                   # honest and copiers: every exercise right
        assert all(r.ok for r in by[student].results), student
    for student in plan.blank:
        assert {r.status for r in by[student].results} == {"not implemented"}
    for mistake, members in plan.planted.items():
        exercise = plan.exercise_of(mistake)
        for student in members:
            wrong = {r.id for r in by[student].results if not r.ok}
            assert exercise in wrong, (mistake, student)
            # uncatalogued: no known mistake's hint for it; the known one: its hint
            known = {m.hint for s in load_exercises() if s.id == exercise
                     for m in s.exercise.mistakes}
            r = next(r for r in by[student].results if r.id == exercise)
            if mistake in KNOWN:
                assert r.hints == [_known_hint(mistake)]
            else:
                assert not set(r.hints) & known


def test_every_planted_mistake_is_one_group_of_its_size(graded):
    plan, _, _, mistakes = graded
    for mistake, members in plan.planted.items():
        groups = _groups(mistakes, plan.exercise_of(mistake))
        mine = [g for g in groups if set(g.students) & set(members)]
        assert len(mine) == 1, (mistake, [g.students for g in mine])
        g = mine[0]
        # each is written two ways by different students: one group all the same
        assert g.students == tuple(members) and g.size == PLANTED_COUNTS[mistake]
        assert g.known_hint == (_known_hint(mistake) if mistake in KNOWN else "")
        assert g.first_case and g.source.startswith(f"def {PLANTED[mistake][0]}(")
    # tanh_grad: the known mistake and the unknown one are two groups of three
    tg = _groups(mistakes, f"{SPRINT}.tanh_grad")
    assert sorted((g.size, g.known) for g in tg) == [(3, False), (3, True)]


def test_nothing_correct_is_grouped_as_wrong(graded):
    plan, _, _, mistakes = graded
    planted = {s for members in plan.planted.values() for s in members}
    for em in mistakes:
        for g in em.groups:
            assert set(g.students) <= planted, (em.exercise, g.group, g.students)
    # forward_general calls the learner's own relu and softmax: their mistakes show there
    # too, each as one group of the same students
    fg = {g.students for g in _groups(mistakes, f"{SPRINT}.forward_general")}
    assert fg == {tuple(plan.planted["leaky_relu"]), tuple(plan.planted["log_softmax"])}


def test_the_copied_pairs_rank_first_and_no_honest_pair_above_them(graded):
    plan, out, _, _ = graded
    written = similarity.write_report(out, SPRINT, submitted_dir=plan.submitted, top=5)
    pairs = written["pairs"]
    copied = {tuple(sorted(p)) for p in plan.copies}
    assert {(p.a, p.b) for p in pairs[:2]} == copied
    lowest_copy = min(p.score for p in pairs if (p.a, p.b) in copied)
    best_other = max(p.score for p in pairs if (p.a, p.b) not in copied)
    assert lowest_copy > best_other
    # blank students are compared on nothing
    assert all(p.compared == 0 for p in pairs if p.a in plan.blank or p.b in plan.blank)
    index = written["index"].read_text()
    assert "not a verdict" in index and all(s in index for pair in copied for s in pair)


def test_late_penalties_and_extensions_as_the_policy_says(graded):
    plan, out, _, _ = graded
    report = policy.write_late(out, plan.policy, submitted_dir=plan.submitted)
    records = {r.student: r for r in report.records}
    for student, (status, days, penalty) in plan.late.items():
        r = records[student]
        assert (r.status, r.days_late, r.penalty) == (status, days, penalty), student
    others = [r for s, r in records.items() if s not in plan.late]
    assert {r.status for r in others} == {policy.ON_TIME}
    with open(report.path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    late_row = next(r for r in rows if r["student"] == min(
        s for s, v in plan.late.items() if v[2] == 0.5) and r["exercise"] ==
        f"{SPRINT}.forward")
    assert float(late_row["final_score"]) == pytest.approx(float(late_row["score"]) * 0.5)


def test_the_report_and_the_facilitator_view_show_the_groups(graded):
    plan, out, _, _ = graded
    similarity.write_report(out, SPRINT, submitted_dir=plan.submitted, top=2)
    written = write_report(out, submitted_dir=plan.submitted)
    html = written["report"].read_text()
    assert '<a href="similarity/sprint2.html">sprint2</a>' in html
    section = html.split('id="class-mistakes"', 1)[1].split("</table>", 1)[0]
    for mistake, members in plan.planted.items():
        exercise = plan.exercise_of(mistake)
        row = next(r for r in section.split("<tr>") if r.startswith(f"<td>{exercise}</td>")
                   and ", ".join(members) in r)
        assert f'<td class="num">{len(members)}</td>' in row
        if mistake in KNOWN:
            assert "not catalogued" not in row and "Square tanh" in row
        else:
            assert "not catalogued" in row
            assert re.search(rf"mistakes promote GRADING {re.escape(exercise)} G\d", row)
    # the learners' pages carry no group and no other learner's code
    for page in written["pages"]:
        text = page.read_text()
        assert "class-mistakes" not in text and "def " not in text
    (guide,) = write_class_guides(out, submitted_dir=plan.submitted)
    text = guide.read_text()
    part = text.split("## This class's own mistakes", 1)[1]
    for mistake, members in plan.planted.items():
        assert re.search(rf"`{re.escape(plan.exercise_of(mistake))}`", part)
        assert re.search(rf"G\d: {len(members)} students", part)
    # no names, no code in the facilitator view
    assert not any(re.search(rf"\b{s}\b", part) for s in plan.students)
    assert "def " not in part and "np." not in part
