"""The learner's checker: what a release ships, beside ``autograder/__init__.py`` and
``__main__.py`` (``check``, ``hint``, ``needs``, ``progress``, ``pack``).

Runs on the learner's machine, with the standard library, NumPy and (for the Japanese
messages) Babel only. Nothing here imports :mod:`autograder.instructor`,
:mod:`autograder.authoring` or the exercise declarations by name: the live registry is
reached through :func:`autograder.learner.registry.has_live_registry`, which is false in a
release (a test parses every import of this folder to keep it so).
"""
