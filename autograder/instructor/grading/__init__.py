"""Grade submissions with nbgrader, with the helper code scored by a trusted grader.

``python -m autograder grade SUBMITTED --out OUT`` takes nbgrader's collected layout
``SUBMITTED/<student>/<assignment>/`` (an assignment is a sprint: ``sprint1``...) and:

1. refuses student folders whose names are not safe ids (:data:`SAFE_ID`), builds the
   nbgrader course in ``OUT`` (:func:`autograder.instructor.course.build`; rerunning on the same
   ``OUT`` rebuilds and regrades) and copies each submission to ``OUT/submitted/``: folders and
   regular files only, checked with ``lstat``, with safe names, within size caps
   (:func:`_copy_tree`; what is left out is noted);
2. pre-flights each submission: a missing, unreadable or oversized notebook is replaced by
   the released one (so nbgrader grades the rest and the helper code still counts),
   ``helpers/`` syntax errors and missing modules are noted;
3. grades the helper code *outside* the notebook kernel: each exercise's public and hidden
   cases (prepared once per exercise) run against a copy of the student's ``helpers/*.py`` in
   sandboxed children of :mod:`autograder.learner.sandbox` (one for every public case, another for
   every hidden case, so only the grader's own words about hidden cases reach the feedback),
   compared in this process. This happens before any of the students' notebooks runs;
4. runs ``nbgrader autograde`` per student and assignment for its bookkeeping (locked cells
   restored, free-text cells scored, gradebook rows, the autograded notebook), **without a
   kernel** by default: the notebook keeps the outputs the learner saved
   (:func:`nbgrader_overrides`). With ``execute_notebooks`` (``--execute-notebooks``) the
   notebook also runs, its kernel jailed on a private copy of the folder
   (:func:`autograder.instructor.jail.kernel_main`: nothing nbgrader converts, chmods or copies
   afterwards was written by learner code; a failure is noted and retried with the released
   notebook when that runs other code; the batch never stops), with ``COURSE_QUICK=1`` so
   long experiments run short and ``COURSE_GRADED_OUTSIDE=1`` so the check cells do not grade
   a second time;
5. writes the trusted scores into the gradebook (each check cell's grade: ``auto_score``, no
   manual grade needed), overriding whatever the kernel reported (learner code in the kernel
   can patch ``numpy.allclose``, builtins, add cells printing "PASS"...), and puts the trusted
   result in each check cell's output of the autograded notebook;
6. generates the feedback (sanitised HTML, exactly the notebook's page: nbgrader's copies of
   other files are removed; outputs capped by bytes) and
   writes ``OUT/grades.csv`` (one row per student, assignment and exercise) and a summary
   with each student's total and problems: a record, ``OUT/summary.json``, which other code
   reads (the class report), and its rendering ``OUT/summary.txt`` in the course's language.

Free-text discussion cells stay nbgrader manually graded cells (grade them in formgrader).

At class scale (:func:`grade`): steps 2-6 run per submission in forked worker processes
(forked after :func:`warm_up`), each step's cost recorded in the submission's state file
(``workers`` at a time, a wall-clock limit per submission, a tqdm progress bar); learner code (the
trusted child and the notebook's kernel) runs in the jail of :mod:`autograder.instructor.jail`; each
submission ends with a state record ``OUT/state/<student>-<assignment>.json`` and gradebook
rows (its score, or 0 and the reason it could not be graded), so a killed run resumes and
``regrade=[student]`` touches only that student. Public API: :func:`grade`,
:func:`grade_submission`, :func:`grade_prepared`, :func:`grade_exercise`,
:func:`grade_exercises`, :func:`find_submissions`, :func:`preflight`, :func:`write_gradebook`,
:func:`trusted_text`, :func:`csv_message`, :func:`hidden_message`, :func:`read_state`.

The package follows those steps, one module each:

========================  =====================================================================
:mod:`.submission`        the record of one submission and what each step cost
:mod:`.submitted`         step 1-2: finding, copying and pre-flighting the submitted folders
:mod:`.trusted_run`       step 3: the trusted grading of the helper code
                          (:mod:`autograder.instructor.trusted`, shared with Gradescope)
:mod:`.nbgrader_run`      step 4: ``nbgrader autograde``, with or without a jailed kernel
:mod:`.gradebook`         step 5: the trusted scores into the gradebook
:mod:`.feedback`          step 5-6: the check cells' outputs and the feedback page
:mod:`.results`           step 6: ``grades.csv``
:mod:`.summary`           step 6: the run's summary, a record (``summary.json``) and its text
:mod:`.state`             resuming: each submission's state file
:mod:`.one_submission`    one submission end to end, in a worker
:mod:`.pool`              the forked workers
:mod:`.run`               :func:`grade`, the entry point
:mod:`.text`              text from submissions made safe to print
========================  =====================================================================
"""
from ..trusted import (  # noqa: F401 - the trusted grading, as the grading API always offered it
    CSV_EXTRA_COLUMNS,
    Trusted,
    combine,
    csv_extra,
    csv_message,
    for_student,
    grade_exercise,
    grade_exercises,
    hidden_message,
    prepare_sprint,
    student_salt,
    trusted_text,
)
from .feedback import clean_feedback, rewrite_check_cells  # noqa: F401
from .gradebook import ensure_students, write_gradebook  # noqa: F401
from .nbgrader_run import nbgrader_overrides, run_autograde  # noqa: F401
from .one_submission import Context, grade_submission  # noqa: F401
from .pool import run_pool, warm_up  # noqa: F401
from .results import CSV_COLUMNS, write_csv  # noqa: F401
from .run import STUDENT_TIMEOUT, UNJAILED, grade  # noqa: F401
from .state import fingerprint, grader_version, read_state, write_state  # noqa: F401
from .submission import StepTime, Submission  # noqa: F401
from .submitted import (  # noqa: F401
    MAX_FILE_BYTES,
    SAFE_ID,
    find_submissions,
    preflight,
    same_code,
)
from .summary import (  # noqa: F401
    GradingSummary,
    Problem,
    build_summary,
    load_summary,
    render_summary,
    write_summary,
)
from .text import MAX_MESSAGE_CHARS, capped, printable, shown  # noqa: F401
from .trusted_run import grade_prepared  # noqa: F401
