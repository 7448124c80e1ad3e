"""Sprint 1, the perceptron: exercises, cases and known mistakes."""
import numpy as np

from solutions.perceptron import step_function

from ..compare import Tolerance
from ..registry import Exercise, Mistake, case

TRUTH_INPUTS = np.array([[0, 0], [1, 0], [0, 1], [1, 1]])


def _random_binary_pairs(rng):
    """A batch of 0/1 input pairs (order and size random), or a single pair."""
    if rng.random() < 0.3:
        return case(rng.integers(0, 2, size=2))
    return case(rng.integers(0, 2, size=(int(rng.integers(1, 9)), 2)))


def _step_ge(x):
    return (np.asarray(x) >= 0).astype(int)


def _and_as_or(x):
    return step_function(np.asarray(x) @ np.array([0.5, 0.5]) - 0.2)


EXERCISES = [
    Exercise(
        id="sprint1.step_function", points=1, module="perceptron", name="step_function",
        title="Problem 1: the step function",
        examples=[case(np.array([-1.0, 0.0, 2.5]), label="step_function([-1.0, 0.0, 2.5])")],
        generate=lambda rng: case(rng.normal(size=tuple(rng.integers(1, 5, size=rng.integers(1, 3))))),
        edge_cases=[case(np.zeros((2, 3))), case(np.array([1e-12, -1e-12]))],
        tol=Tolerance(rtol=0, atol=0, dtype="int"),
        mistakes=[Mistake(_step_ge, "At x = 0 the step function gives 0: use `x > 0`, not `x >= 0`.")],
    ),
    Exercise(
        id="sprint1.and_gate", points=1, module="perceptron", name="AND",
        title="Problem 2: the AND gate",
        examples=[case(TRUTH_INPUTS, label="the truth table")],
        generate=_random_binary_pairs, n_public=2, n_hidden=8,
        tol=Tolerance(rtol=0, atol=0, dtype="int"),
        mistakes=[Mistake(_and_as_or, "Your gate fires when *either* input is 1: that is OR. "
                                      "Make the bias more negative, so only two 1s overcome it.")],
    ),
]
