"""Sprint 1 (the perceptron): implementations a learner could write."""
import numpy as np

from autograder.exercises.sprint1 import (
    _and_as_or,
    _nand_weights_positive,
    _or_as_and,
    _or_bias_positive,
    _xor_as_or,
    _xor_output_nand,
)
from solutions.perceptron import AND, NAND, OR, Perceptron, perceptron_output, step_function

from . import EMPTY_DTYPE, INT_LABELS, correct, mistake, undetectable


# --------------------------------------------------------------------------- step_function
@correct("sprint1.step_function")
def step_where(x):
    return np.where(x > 0, 1, 0)


@correct("sprint1.step_function")
def step_book(x):
    y = x > 0
    return y.astype(np.int64)


@correct("sprint1.step_function")
def step_heaviside(x):
    return np.heaviside(x, 0).astype(int)


@mistake("sprint1.step_function", hint="use `x > 0`, not `x >= 0`")
def step_ge(x):
    return (x >= 0).astype(int)


@mistake("sprint1.step_function")
def step_bool(x):
    return x > 0


@mistake("sprint1.step_function")
def step_float(x):
    return np.where(x > 0, 1.0, 0.0)


# --------------------------------------------------------------------------- perceptron_output
@correct("sprint1.perceptron_output")
def output_dot(x, w, b):
    return step_function(np.dot(x, w) + b)


@correct("sprint1.perceptron_output")
def output_sum(x, w, b):
    s = np.sum(x * w, axis=-1) + b
    return (s > 0).astype(int)


@correct("sprint1.perceptron_output", xfail=EMPTY_DTYPE)
def output_loop(x, w, b):
    # One sample at a time; for N = 0 the list is empty and np.array([]) is float64.
    if np.ndim(x) == 1:
        return step_function(np.dot(x, w) + b)
    return np.array([step_function(np.dot(row, w) + b) for row in x])


@mistake("sprint1.perceptron_output", hint="The bias is missing")
def output_no_bias(x, w, b):
    return step_function(x @ w)


@mistake("sprint1.perceptron_output", hint="The bias is added, not subtracted")
def output_minus_bias(x, w, b):
    return step_function(x @ w - b)


@mistake("sprint1.perceptron_output")
def output_per_sample_loop(x, w, b):
    # Works for one sample; a batch of N is summed into one number.
    return step_function(np.sum(x * w) + b)


# --------------------------------------------------------------------------- gates
@correct("sprint1.and_gate")
def AND_book(x):
    w, b = np.array([0.5, 0.5]), -0.7
    return perceptron_output(x, w, b)


@correct("sprint1.and_gate")
def AND_other_weights(x):
    return step_function(np.asarray(x) @ np.array([1.0, 1.0]) - 1.5)


# the registry's known mistakes of the gates (another gate's bias, the wrong signs), graded
# here on the hidden cases too
mistake("sprint1.and_gate", hint="that is OR")(_and_as_or)


@correct("sprint1.nand_gate")
def NAND_book(x):
    return perceptron_output(x, np.array([-0.5, -0.5]), 0.7)


@correct("sprint1.nand_gate")
def NAND_one_minus_and(x):
    return 1 - AND(x)


mistake("sprint1.nand_gate", hint="positive weights")(_nand_weights_positive)


@mistake("sprint1.nand_gate")
def NAND_as_and(x):
    return AND(x)


@correct("sprint1.or_gate")
def OR_book(x):
    return perceptron_output(x, np.array([0.5, 0.5]), -0.2)


@correct("sprint1.or_gate")
def OR_large_weights(x):
    return step_function(np.asarray(x) @ np.array([2, 2]) - 1)


mistake("sprint1.or_gate", hint="that is AND")(_or_as_and)
mistake("sprint1.or_gate", hint="(0, 0) must give 0")(_or_bias_positive)


@correct("sprint1.xor_gate")
def XOR_book(x):
    s1 = NAND(x)
    s2 = OR(x)
    return AND(np.stack([s1, s2], axis=-1))


@correct("sprint1.xor_gate")
def XOR_column_stack(x):
    x = np.asarray(x)
    if x.ndim == 1:
        return AND(np.array([NAND(x), OR(x)]))
    return AND(np.column_stack([NAND(x), OR(x)]))


mistake("sprint1.xor_gate", hint="like OR")(_xor_as_or)


mistake("sprint1.xor_gate", hint="XNOR")(_xor_output_nand)


@mistake("sprint1.xor_gate")
def XOR_batch_only(x):
    # np.column_stack on a single pair makes shape (1, 2): one answer in an array.
    return AND(np.column_stack([NAND(x), OR(x)]))


# --------------------------------------------------------------------------- Perceptron
@correct("sprint1.perceptron")
class PerceptronLoops:
    def __init__(self, n_inputs=2, lr=0.1):
        self.lr = lr
        self.w = np.zeros(n_inputs)
        self.b = 0.0

    def predict(self, X):
        return step_function(X @ self.w + self.b)

    def fit(self, X, y, epochs=10):
        errors = []
        for _ in range(epochs):
            count = 0
            for i in range(len(X)):
                update = self.lr * (y[i] - self.predict(X[i]))
                self.w = self.w + update * X[i]
                self.b = self.b + update
                count += int(update != 0)
            errors.append(count)
        return np.array(errors, dtype=int)


@correct("sprint1.perceptron")
class PerceptronInPlaceFloats:
    def __init__(self, n_inputs=2, lr=0.1):
        self.lr = float(lr)
        self.w = np.zeros(n_inputs, dtype=float)
        self.b = 0.0

    def predict(self, X):
        return np.where(np.asarray(X) @ self.w + self.b > 0, 1, 0)

    def fit(self, X, y, epochs=10):
        X = np.asarray(X, dtype=float)
        errors = np.zeros(epochs, dtype=int)
        for epoch in range(epochs):
            for xi, ti in zip(X, y):
                err = ti - self.predict(xi)
                if err:
                    self.w += self.lr * err * xi
                    self.b += self.lr * err
                    errors[epoch] += 1
        return errors


@mistake("sprint1.perceptron", hint="The bias learns too")
class PerceptronNoBias(Perceptron):
    def fit(self, X, y, epochs=10):
        errors = np.zeros(epochs, dtype=int)
        for epoch in range(epochs):
            for xi, ti in zip(X, y):
                err = ti - self.predict(xi)
                self.w = self.w + self.lr * err * xi
                errors[epoch] += int(err != 0)
        return errors


@mistake("sprint1.perceptron")
class PerceptronRestartsInFit(Perceptron):
    def fit(self, X, y, epochs=10):
        self.w = np.zeros(np.shape(X)[1])
        self.b = 0.0
        return super().fit(X, y, epochs)


@mistake("sprint1.perceptron", xfail=INT_LABELS)
class PerceptronFloatPredictions(Perceptron):
    def predict(self, X):
        return np.where(np.asarray(X) @ self.w + self.b > 0, 1.0, 0.0)


@mistake("sprint1.perceptron")
class PerceptronReturnsSelf(Perceptron):
    def fit(self, X, y, epochs=10):
        super().fit(X, y, epochs)
        return self


@undetectable("sprint1.xor_gate",
              why="np.logical_xor gives the same table: the docstring forbids it because the "
                  "exercise is stacking the gates, which no output can show",
              human="read the XOR cell (or grep the submissions for logical_xor, `!=`, `^`)")
def XOR_logical_xor(x):
    x = np.asarray(x)
    return np.logical_xor(x[..., 0], x[..., 1]).astype(int)
