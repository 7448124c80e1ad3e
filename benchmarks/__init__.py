"""Benchmarks of the reference implementation: accuracy and speed, measured, not unit-tested.

Run from the repository root, e.g. ``python -m benchmarks.accuracy mlp mnist-small``; results
are appended to ``benchmarks/results/``.
"""
