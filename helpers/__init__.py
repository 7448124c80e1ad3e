"""Your helper package: the functions and classes the course's notebooks ask you to write.

Each module belongs to a sprint (``perceptron.py`` to sprint 1, ...). Replace each
``raise NotImplementedError`` with your code, then run the check the notebook shows, e.g.
``check("sprint1.and_gate")`` or ``python -m autograder check sprint1``.
"""
