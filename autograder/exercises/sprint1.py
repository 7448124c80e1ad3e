"""Sprint 1, the perceptron: exercises, cases and known mistakes.

The learning rule is graded on exact numbers, so its cases keep floating-point rounding out
of the way: on 0/1 inputs the learning rates are powers of 2 (every sum is exact, so ties
``w · x + b == 0`` come out the same whatever order a learner adds in), and on continuous
data a tie has probability 0.
"""
from dataclasses import replace

import numpy as np

from solutions.perceptron import AND, NAND, OR, Perceptron, step_function

from ..learner.compare import Tolerance
from ..learner.registry import Case, Exercise, case, class_case
from . import hint, known, numbered, rewritten

TRUTH_INPUTS = np.array([[0, 0], [1, 0], [0, 1], [1, 1]])
EXACT_INT = Tolerance(rtol=0, atol=0, dtype="int")
CLOSE = Tolerance(rtol=1e-9, atol=1e-12)

# The 14 boolean functions of 2 inputs that one perceptron can compute (all but XOR, XNOR),
# as outputs on TRUTH_INPUTS.
SEPARABLE_TABLES = [t for t in (np.array([(k >> i) & 1 for i in range(4)]) for k in range(16))
                    if not (np.array_equal(t, [0, 1, 1, 0]) or np.array_equal(t, [1, 0, 0, 1]))]


# --------------------------------------------------------------------------- generators
def _random_binary_pairs(rng: np.random.Generator) -> Case:
    """A batch of 0/1 input pairs (order and size random), or a single pair."""
    if rng.random() < 0.3:
        return case(rng.integers(0, 2, size=2))
    return case(rng.integers(0, 2, size=(int(rng.integers(1, 9)), 2)))


def _random_perceptron_output(rng: np.random.Generator) -> Case:
    """Random weights, bias and inputs (one sample or a batch), no sum within 1e-6 of 0."""
    d = int(rng.integers(1, 6))
    single = rng.random() < 0.3
    x = rng.normal(size=d if single else (int(rng.integers(1, 9)), d))
    w = rng.normal(size=d)
    b = float(rng.normal())
    while np.any(np.abs(x @ w + b) < 1e-6):
        b = float(rng.normal())
    return case(x, w, b)


def _separable_points(rng, n, d, margin=0.05):
    """``n`` points in [-1, 1]^d labelled by a random line (plane), none closer than
    ``margin`` to it."""
    w_true = rng.normal(size=d)
    w_true /= np.linalg.norm(w_true)
    b_true = float(rng.uniform(-0.5, 0.5))
    X = np.empty((0, d))
    while len(X) < n:
        cand = rng.uniform(-1, 1, size=(n, d))
        X = np.vstack([X, cand[np.abs(cand @ w_true + b_true) > margin]])[:n]
    return X, (X @ w_true + b_true > 0).astype(int)


def _random_perceptron_case(rng: np.random.Generator) -> Case:
    """Learn a random separable gate on 0/1 inputs, or random separable points."""
    if rng.random() < 0.4:
        table = SEPARABLE_TABLES[int(rng.integers(len(SEPARABLE_TABLES)))]
        rows = rng.permutation(np.concatenate([np.arange(4), rng.integers(0, 4, size=int(
            rng.integers(0, 5)))]))
        X, y = TRUTH_INPUTS[rows], table[rows]
        lr = float(rng.choice([0.25, 0.5, 1.0, 2.0]))
        epochs = int(rng.integers(1, 13))
        X_test = TRUTH_INPUTS
        d = 2
    else:
        d = int(rng.integers(1, 5))
        X, y = _separable_points(rng, int(rng.integers(5, 31)), d)
        lr = round(float(rng.uniform(0.05, 1.0)), 2)
        epochs = int(rng.integers(1, 21))
        X_test = rng.uniform(-1.5, 1.5, size=(int(rng.integers(1, 11)), d))
    return class_case((d,), {"lr": lr}, steps=[("fit", [X, y], {"epochs": epochs}),
                                               ("predict", [X_test])],
                      attrs=["w", "b"], label=f"learn {len(X)} samples of {d} inputs, "
                                              f"lr={lr}, {epochs} epochs")


def _learn(X, y, lr, epochs, label, X_test=None, n_inputs=2):
    return class_case((n_inputs,), {"lr": lr},
                      steps=[("fit", [X, y], {"epochs": epochs}),
                             ("predict", [X if X_test is None else X_test])],
                      attrs=["w", "b"], label=label)


# --------------------------------------------------------------------------- sprint1.step_function
@hint("At x = 0 the step function gives 0: use `x > 0`, not `x >= 0`.")
def _step_ge(x):
    return (np.asarray(x) >= 0).astype(int)


STEP_FUNCTION = Exercise(
    id="sprint1.step_function", points=1, module="perceptron", name="step_function",
    title="the step function",
    examples=[case(np.array([-1.0, 0.0, 2.5]), label="step_function([-1.0, 0.0, 2.5])")],
    generate=lambda rng: case(
        rng.normal(size=tuple(rng.integers(1, 5, size=rng.integers(1, 3))))),
    edge_cases=[case(np.zeros((2, 3))), case(np.array([1e-12, -1e-12]))],
    tol=EXACT_INT,
    mistakes=known(_step_ge),
)


# ------------------------------------------------------------------------ sprint1.perceptron_output
@hint("The bias is missing: the output is step(x @ w + b), not step(x @ w).")
def _output_without_bias(x, w, b):
    return step_function(np.asarray(x) @ np.asarray(w))


@hint("The bias is added, not subtracted: step(x @ w + b). (A threshold θ is subtracted, w · x - θ "
      "> 0; the bias is b = -θ.)")
def _output_bias_subtracted(x, w, b):
    return step_function(np.asarray(x) @ np.asarray(w) - b)


PERCEPTRON_OUTPUT = Exercise(
    id="sprint1.perceptron_output", points=1, module="perceptron", name="perceptron_output",
    title="one perceptron's output",
    examples=[
        case(np.array([0, 1]), np.array([0.5, 0.5]), -0.7,
             label="x = (0, 1), w = (0.5, 0.5), b = -0.7 from the text"),
        case(TRUTH_INPUTS, np.array([0.5, 0.5]), -0.7,
             label="the four input pairs, w = (0.5, 0.5), b = -0.7"),
    ],
    generate=_random_perceptron_output, n_public=2, n_hidden=10,
    edge_cases=[
        case(np.array([[1.0, 1.0]]), np.array([0.5, -0.5]), 0.0, label="sum exactly 0"),
        case(np.array([[2.0], [-1.0], [0.25]]), np.array([2.0]), 0.5, label="one input"),
        case(np.zeros((0, 3)), np.ones(3), 1.0, label="no samples"),
    ],
    tol=EXACT_INT,
    mistakes=known(_output_without_bias, _output_bias_subtracted),
)


# --------------------------------------------------------------------------- logic gates
def _gate(name, title, edge_cases, mistakes, points=1):
    """The exercise of the logic gate ``name`` (``AND`` ...): its truth table, then random
    batches of 0/1 pairs or a single pair, with 0/1 integer outputs compared exactly."""
    return Exercise(id=f"sprint1.{name.lower()}_gate", points=points, module="perceptron",
                    name=name, title=title, examples=[case(TRUTH_INPUTS, label="the truth table")],
                    generate=_random_binary_pairs, n_public=2, n_hidden=8, edge_cases=edge_cases,
                    tol=EXACT_INT, mistakes=mistakes)


_FLOAT_TABLE = case(TRUTH_INPUTS.astype(float), label="float inputs")


# --------------------------------------------------------------------------- sprint1.and_gate
_and_as_or = rewritten(AND, ("np.array([0.5, 0.5]), -0.7", "np.array([0.5, 0.5]), -0.2"),
                       hint="Your gate fires when *either* input is 1: that is OR. Make the bias "
                            "more negative, so only two 1s overcome it.")


AND_GATE = _gate("AND", "the AND gate",
                 edge_cases=[_FLOAT_TABLE],
                 mistakes=known(_and_as_or))


# --------------------------------------------------------------------------- sprint1.nand_gate
_nand_weights_positive = rewritten(
    NAND, ("np.array([-0.5, -0.5]), 0.7", "np.array([0.5, 0.5]), 0.7"),
    hint="Your gate outputs 1 even for (1, 1): with positive weights the inputs can only push the "
         "sum up. NAND is AND with every sign flipped: negative weights (e.g. -0.5, -0.5) and a "
         "positive bias (e.g. 0.7).")

_nand_as_nor = rewritten(
    NAND, ("np.array([-0.5, -0.5]), 0.7", "np.array([-0.5, -0.5]), 0.2"),
    hint="Your gate turns off as soon as one input is 1: that is NOR. Make the bias larger than "
         "one weight's pull (e.g. 0.7 with weights -0.5), so only two 1s bring the sum below 0.")


NAND_GATE = _gate("NAND", "the NAND gate",
                  edge_cases=[_FLOAT_TABLE, case(np.array([1, 1]), label="a single pair (1, 1)")],
                  mistakes=known(_nand_weights_positive, _nand_as_nor))


# --------------------------------------------------------------------------- sprint1.or_gate
_or_as_and = rewritten(OR, ("np.array([0.5, 0.5]), -0.2", "np.array([0.5, 0.5]), -0.7"),
                       hint="Your gate fires only when both inputs are 1: that is AND. Make the "
                            "bias less negative, so a single 1 is enough.")

_or_bias_positive = rewritten(OR, ("np.array([0.5, 0.5]), -0.2", "np.array([0.5, 0.5]), 0.2"),
                              hint="(0, 0) must give 0: with both inputs 0 only the bias is left, "
                                   "so the bias must not be positive (e.g. -0.2 with weights 0.5).")


OR_GATE = _gate("OR", "the OR gate",
                edge_cases=[_FLOAT_TABLE, case(np.array([0, 0]), label="a single pair (0, 0)")],
                mistakes=known(_or_as_and, _or_bias_positive))


# --------------------------------------------------------------------------- sprint1.xor_gate
@hint("(1, 1) must give 0, and your XOR gives 1 like OR. Use two layers: s1 = NAND(x), s2 = OR(x), "
      "then y = AND of the pairs (s1, s2).")
def _xor_as_or(x):
    return OR(x)


@hint("Your table is XOR upside down (XNOR): the second layer must be AND of (s1, s2), not NAND.")
def _xor_output_nand(x):
    return NAND(np.stack([NAND(x), OR(x)], axis=-1))


XOR_GATE = _gate("XOR", "XOR from stacked gates", points=2,
                 edge_cases=[case(np.array([1, 1]), label="a single pair (1, 1)"),
                             case(TRUTH_INPUTS[[3, 3, 0, 2, 1]], label="a batch of 5")],
                 mistakes=known(_xor_as_or, _xor_output_nand))


# --------------------------------------------------------------------------- sprint1.perceptron
# updates the weights but forgets the bias
_PerceptronNoBiasUpdate = rewritten(Perceptron.fit, ("self.b = self.b + self.lr * error",
                                                     "self.b = self.b"),
                                    hint="The bias learns too: after each wrong prediction update "
                                         "b = b + lr * (t - y) as well as w (the bias is a weight "
                                         "whose input is always 1).")


@hint("Update by the error t - y, not by the target t: the error is 0 when the prediction is right "
      "(then nothing changes) and +1 or -1 when it is wrong.")
class _PerceptronTargetUpdate(Perceptron):
    """Moves the weights by the target t instead of the error t - y, so even when right."""

    def fit(self, X, y, epochs=10):
        errors = np.zeros(epochs, dtype=int)
        for epoch in range(epochs):
            for xi, target in zip(np.asarray(X, dtype=float), np.asarray(y)):
                if target != self.predict(xi):
                    errors[epoch] += 1
                self.w = self.w + self.lr * target * xi
                self.b = self.b + self.lr * target
        return errors


@hint("Go through the samples one at a time, in order, and update w and b right after each one, so "
      "the next prediction already uses the new weights. Predicting all samples first and adding "
      "up the updates is a different rule (a batch update).")
class _PerceptronBatchUpdate(Perceptron):
    """Predicts the whole data set with the old weights, then applies all updates at once."""

    def fit(self, X, y, epochs=10):
        X = np.asarray(X, dtype=float)
        errors = np.zeros(epochs, dtype=int)
        for epoch in range(epochs):
            error = np.asarray(y) - self.predict(X)
            errors[epoch] = np.count_nonzero(error)
            self.w = self.w + self.lr * error @ X
            self.b = self.b + self.lr * error.sum()
        return errors


_Y_AND, _Y_OR = np.array([0, 0, 0, 1]), np.array([0, 1, 1, 1])
_XOR_Y = np.array([0, 1, 1, 0])


PERCEPTRON = Exercise(
    id="sprint1.perceptron", points=2, module="perceptron", name="Perceptron",
    title="the perceptron learning rule",
    examples=[
        class_case((2,), {"lr": 0.1}, attrs=["w", "b"],
                   label="a new Perceptron(2, lr=0.1) starts at w = (0, 0), b = 0"),
        _learn(TRUTH_INPUTS, _Y_AND, 0.5, 8, "learn AND from its truth table, lr=0.5, "
                                             "8 epochs"),
        _learn(TRUTH_INPUTS, _Y_OR, 0.5, 6, "learn OR from its truth table, lr=0.5, "
                                            "6 epochs"),
        class_case((2,), {"lr": 0.5},
                   steps=[("fit", [TRUTH_INPUTS, _Y_AND], {"epochs": 2}),
                          ("fit", [TRUTH_INPUTS[3:], _Y_AND[3:]], {"epochs": 1}),
                          ("predict", [TRUTH_INPUTS])], attrs=["w", "b"],
                   label="AND for 2 epochs, then fit once more on the row (1, 1): fit "
                         "continues from the current w and b"),
    ],
    generate=_random_perceptron_case, n_public=2, n_hidden=12,
    edge_cases=[
        _learn(TRUTH_INPUTS, _Y_AND, 1.0, 0, "0 epochs"),
        _learn(TRUTH_INPUTS, _XOR_Y, 1.0, 12, "XOR, never learned"),
        _learn(TRUTH_INPUTS, np.zeros(4, dtype=int), 0.5, 3, "all targets 0"),
        _learn(TRUTH_INPUTS[[3, 2, 1, 0]], _Y_AND[[3, 2, 1, 0]], 0.25, 10,
               "AND, rows in reverse order", X_test=np.array([1, 1])),
        _learn(np.array([[0.3], [-0.8], [1.2], [0.1]]), np.array([1, 0, 1, 0]), 0.4, 6,
               "one input", X_test=np.array([[0.0], [0.25], [2.0]]), n_inputs=1),
    ],
    tol=replace(CLOSE, output_dtypes=(("predict()", "int"),)),  # "ndarray of ints"
    mistakes=known(_PerceptronNoBiasUpdate, _PerceptronTargetUpdate, _PerceptronBatchUpdate),
)


# --------------------------------------------------------------------------- exercises
EXERCISES = numbered([
    STEP_FUNCTION, PERCEPTRON_OUTPUT, AND_GATE, NAND_GATE, OR_GATE, XOR_GATE, PERCEPTRON,
])
