"""Facilitator guides (``docs/facilitator/sprintN.md``): the generated part.

A guide is written by hand (timing, discussion prompts, what to watch for) except its section
of *common mistakes*, which is generated from the exercise registry so that it always lists
exactly the hints the checks print. The section sits between two marker lines::

    <!-- BEGIN GENERATED: mistakes (python -m autograder facilitator) -->
    ...
    <!-- END GENERATED: mistakes -->

``python -m autograder facilitator`` rewrites that section in every guide (and creates a guide
from ``docs/facilitator/TEMPLATE.md`` for a sprint notebook that has none); ``--check`` only
reports guides that are missing or out of date (the tests do the same).

The Japanese guides (``docs/facilitator/ja/``) are built from these and their catalogs by
:mod:`autograder.authoring.guide_translation`; writing the guides here rebuilds them too.

``python -m autograder facilitator --class GRADING`` writes the **facilitator view of a
class**: ``GRADING/facilitator/sprintN.md``, each graded sprint's guide followed by the class's
own groups of wrong answers (:mod:`autograder.instructor.mistake_groups`): sizes, hints, first
differing cases, and no student names and no code (it is for the session, projected). The guides in
``docs/facilitator/`` are not changed.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ..learner import i18n, registry, sprints

if TYPE_CHECKING:
    from ..instructor.mistake_groups import ExerciseMistakes

ROOT = Path(__file__).resolve().parents[2]
GUIDES = ROOT / "docs" / "facilitator"
TEMPLATE = GUIDES / "TEMPLATE.md"
BEGIN = "<!-- BEGIN GENERATED: mistakes (python -m autograder facilitator) -->"
END = "<!-- END GENERATED: mistakes -->"


def sprint_ids(repo: Path | None = None) -> list[str]:
    """``sprintN`` of every notebook ``notebooks/sprintN_<slug>.ipynb``, in course order."""
    return sprints.sprint_ids(Path(repo or ROOT) / "notebooks")


#: The generated section's own words (a translated guide takes theirs from
#: ``translations/<lang>/facilitator/mistakes_table.po``:
#: :mod:`autograder.authoring.guide_translation`).
TABLE_HEADER = "| exercise | points | the mistake the check recognises, and its hint |"
NO_HINT = ("*(no specific hint: the check shows the first wrong value, shape or dtype)*")
NO_EXERCISE = "*(this sprint has no graded exercise yet)*"
BESIDES = ("Besides these, every check names the first wrong case, the wrong shape or dtype, "
           "the first differing index with the expected and actual values, and general hints "
           "(a result off by the batch size, a transposed result, an input changed in place).")
TABLE_WORDS = (TABLE_HEADER, NO_HINT, NO_EXERCISE, BESIDES)


#: ``translate(context, text)``: ``text`` in some language (context: an exercise id, or None)
Translate = Callable[[str | None, str], str]


def _english(context: str | None, text: str) -> str:
    return text


def mistakes_section(sprint: str, exercises: list[registry.Exercise] | None = None,
                     translate: Translate = _english) -> str:
    """The generated section for ``sprint``: each exercise with the hints its checks print.
    ``translate(context, text)``: the words in another language (context: the exercise id for
    a title or a hint, ``None`` for :data:`TABLE_WORDS`)."""
    exercises = registry.live_exercises() if exercises is None else exercises
    mine = [e for e in exercises if e.sprint == sprint]
    lines = [BEGIN, translate(None, TABLE_HEADER), "|---|---|---|"]
    for e in mine:
        where = f"`{e.id}`<br>{translate(e.id, e.title)}<br>`helpers/{e.module}.py: {e.name}`"
        if not e.mistakes:
            lines.append(f"| {where} | {e.points:g} | {translate(None, NO_HINT)} |")
        for i, m in enumerate(e.mistakes):
            hint = " ".join(translate(e.id, m.hint).split()).replace("|", "\\|")
            first = i == 0
            lines.append(f"| {where if first else ''} | {format(e.points, 'g') if first else ''} "
                         f"| {hint} |")
    if not mine:
        lines.append(f"| {translate(None, NO_EXERCISE)} | | |")
    lines += ["", translate(None, BESIDES), END]
    return "\n".join(lines)


def guide_path(sprint: str, repo: Path | None = None) -> Path:
    return Path(repo or ROOT) / "docs" / "facilitator" / f"{sprint}.md"


def updated_text(text: str, sprint: str,
                 exercises: list[registry.Exercise] | None = None) -> str:
    """``text`` with its generated section replaced (appended when it has none)."""
    section = mistakes_section(sprint, exercises)
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        tail = rest.split(END, 1)[1]
        return head + section + tail
    return text.rstrip("\n") + "\n\n## Common mistakes (the hints the checks print)\n\n" + \
        section + "\n"


def stale_guides(repo: Path | None = None) -> list[tuple[str, str]]:
    """``[(sprint, reason)]`` for every sprint notebook whose guide is missing or stale."""
    exercises = registry.live_exercises()
    out = []
    for sprint in sprint_ids(repo):
        path = guide_path(sprint, repo)
        if not path.is_file():
            out.append((sprint, f"no guide {path.relative_to(Path(repo or ROOT))}"))
            continue
        text = path.read_text(encoding="utf-8")
        if updated_text(text, sprint, exercises) != text:
            out.append((sprint, "its generated list of mistakes is out of date"))
    return out


def write_guides(repo: Path | None = None) -> list[Path]:
    """Rewrite the generated section of every guide; new guides come from the template."""
    exercises = registry.live_exercises()
    written = []
    for sprint in sprint_ids(repo):
        path = guide_path(sprint, repo)
        if path.is_file():
            text = path.read_text(encoding="utf-8")
        else:
            template = Path(repo or ROOT) / "docs" / "facilitator" / "TEMPLATE.md"
            text = template.read_text(encoding="utf-8").replace("sprintN", sprint)
        new = updated_text(text, sprint, exercises)
        if new != text or not path.is_file():
            path.write_text(new, encoding="utf-8")
            written.append(path)
    from . import guide_translation  # the translated guides follow the English ones

    for lang in i18n.LANGUAGES:
        if lang != i18n.DEFAULT:
            written += guide_translation.build_guides(lang, repo, quiet=True)
    return written


# --------------------------------------------------------------------------- a class's own
CLASS_HEADING = "## This class's own mistakes (generated from the grading folder)"


def class_section(mistakes: list[ExerciseMistakes]) -> str:
    """A sprint's groups of wrong answers as a guide section: for the session, so no student
    names and no code — each group's size, whether it is a known mistake (its hint) or not
    catalogued yet, and the first case where it differs."""
    lines = [CLASS_HEADING, "",
             "What this class's wrong answers have in common, grouped by what the code output "
             "(`python -m autograder mistakes`). Worth a few minutes of the session: ask the "
             "group what could give such an answer before showing the hint.", ""]
    any_row = False
    for em in mistakes:
        shown = [g for g in em.groups if g.known or g.size > 1]
        if not shown and not em.unique_unknown:
            continue
        any_row = True
        lines.append(f"### `{em.exercise}` {em.title} — {em.wrong} of {em.submissions} "
                     "submissions wrong")
        lines.append("")
        for g in shown:
            what = (f"known mistake: {' '.join(g.known_hint.split())}" if g.known
                    else "**not catalogued yet** (no hint: ask the class what could give it)")
            lines.append(f"- {g.group}: {g.size} students, first wrong at {g.case_text()}; "
                         f"{what}")
        if em.unique_unknown:
            lines.append(f"- and {em.unique_unknown} other wrong answer(s), each given by one "
                         "student only")
        lines.append("")
    if not any_row:
        lines += ["No wrong answers in this sprint.", ""]
    return "\n".join(lines)


def write_class_guides(grading_dir: Path, out_dir: Path | None = None,
                       submitted_dir: Path | None = None, repo: Path | None = None,
                       ) -> list[Path]:
    """Write ``OUT/sprintN.md`` (default ``GRADING/facilitator/``) for every sprint graded in
    ``grading_dir``: the sprint's guide followed by :func:`class_section` of its groups.
    The guides of ``docs/facilitator/`` are not changed (a class's groups are not course
    text)."""
    from ..instructor.mistake_groups import class_mistakes

    grading_dir = Path(grading_dir)
    out_dir = Path(out_dir) if out_dir else grading_dir / "facilitator"
    mistakes = class_mistakes(grading_dir, submitted_dir)
    by_sprint: dict[str, list[ExerciseMistakes]] = {}
    for em in mistakes:
        by_sprint.setdefault(em.exercise.split(".", 1)[0], []).append(em)
    written = []
    for sprint in sorted(by_sprint, key=sprints.sprint_key):
        guide = guide_path(sprint, repo)
        text = guide.read_text(encoding="utf-8") if guide.is_file() else f"# {sprint}\n"
        out_dir.mkdir(parents=True, exist_ok=True)
        path = out_dir / f"{sprint}.md"
        path.write_text(text.rstrip("\n") + "\n\n" + class_section(by_sprint[sprint]),
                        encoding="utf-8")
        written.append(path)
    return written
