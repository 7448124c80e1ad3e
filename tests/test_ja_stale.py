"""A changed English hint or title of an exercise (``autograder/exercises/``) marks its
Japanese stale, naming the exercise and the new English, and the Japanese check shows the new
English until it is translated again (never the old translation)."""
from __future__ import annotations

from dataclasses import replace

from autograder.learner import i18n
from autograder.learner.registry import Mistake, Spec, live_exercises

EXERCISE = next(e for e in live_exercises({"sprint1"}) if e.id == "sprint1.step_function")
OLD_HINT = EXERCISE.mistakes[0].hint


def _problems(exercise) -> list:
    spec = Spec(exercise.id, exercise.points, exercise.module, exercise.name, exercise.title,
                exercise.tol, exercise=exercise)
    return i18n.problems(i18n.extract_messages([spec]),
                         i18n.read_catalog(i18n.catalog_path("ja")), "course.po")


def test_the_unchanged_exercise_is_current():
    assert [p for p in _problems(EXERCISE) if p.kind != "obsolete"] == []


def test_a_changed_known_mistake_hint_names_its_stale_translation(lang):
    new = OLD_HINT.replace("gives 0", "returns 0")
    assert new != OLD_HINT
    changed = replace(EXERCISE, mistakes=[Mistake(EXERCISE.mistakes[0].implementation, new),
                                          *EXERCISE.mistakes[1:]])
    found = [str(p) for p in _problems(changed) if p.kind != "obsolete"]
    assert found == [f"course.po: sprint1.step_function: {new}: "
                     "the English changed since it was translated"]
    lang("ja")
    assert i18n.pgettext(EXERCISE.id, new) == new               # the new English, not ...
    assert i18n.pgettext(EXERCISE.id, OLD_HINT) != OLD_HINT     # ... the old translation


def test_a_changed_title_names_its_stale_translation():
    changed = replace(EXERCISE, title=EXERCISE.title + " (the book's)")
    found = [str(p) for p in _problems(changed) if p.kind != "obsolete"]
    assert found == [f"course.po: sprint1.step_function: {changed.title}: "
                     "the English changed since it was translated"]
