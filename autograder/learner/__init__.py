"""The learner's checker: what a release ships, beside ``autograder/__init__.py`` and
``__main__.py`` (``check``, ``hint``, ``needs``, ``progress``, ``pack``).

Runs on the learner's machine, with the standard library, NumPy and (for the Japanese
messages) Babel only. Nothing here imports :mod:`autograder.instructor` or
:mod:`autograder.authoring` (``tests/test_layout.py`` parses every import of this folder to
keep it so); the exercise declarations are imported only where they exist
(:func:`autograder.learner.registry.has_live_registry`, false in a release).
"""
