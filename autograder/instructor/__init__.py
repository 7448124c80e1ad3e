"""The instructor's side: the nbgrader course and release, grading in the jail, Gradescope,
collecting submissions, reports, deadlines, learning-platform exports.

Runs only in the course repository (it needs ``solutions/`` and ``autograder/exercises/``);
never shipped to learners. It uses the checker of :mod:`autograder.learner`.
"""
