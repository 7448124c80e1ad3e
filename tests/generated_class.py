"""A generated class of sprint 2 submissions, deterministic, to test the class-scale tools.

``write_class(dest)`` writes ``dest/submitted/<student>/sprint2/`` for :data:`N_STUDENTS`
students (``helpers/activations.py``, ``helpers/forward.py``, ``timestamp.txt``) and
``dest/policy.toml`` (the format ``python -m autograder late`` reads), and returns a
:class:`ClassPlan` saying who is what:

* **honest** students: every exercise written by the student, each function put together
  from independent choices (which formula, ``np.asarray`` or not, intermediate variables or
  not, ``@`` or ``np.dot``...), so two honest students rarely write the same code;
* **blank** students: the stubs as released;
* **late** students, with and without an extension or a standing accommodation in the policy;
* **planted mistakes** the registry does not know (:data:`PLANTED`): four, in four exercises,
  each written two ways by different students that give the same outputs; and one it knows
  (:data:`KNOWN`), in the same exercise as an unknown one;
* **two pairs of near-copies**: the second student of a pair took the first one's files,
  renamed every local variable and reordered independent statements.

Everything follows from :data:`SEED`: the same class each time.
"""
from __future__ import annotations

import random
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = 20261206
N_STUDENTS = 42
SPRINT = "sprint2"
DUE = "2026-10-12T23:59:00"            # sprint 2's due date in the policy (Asia/Tokyo)

# --------------------------------------------------------------------------- honest code
# Each builder: (rng choices, names) -> the function's body lines (4-space indented).
# ``c`` holds the choices (a dict of small ints), ``n`` the local variable names.

NAME_POOL = {
    "s": ["s", "sig", "sv", "out", "y", "val"],
    "e": ["e", "ex", "exps", "exp_x", "num", "z"],
    "m": ["m", "mx", "row_max", "shift", "c", "peak"],
    "t": ["t", "th", "tv", "tanh_x", "h", "u"],
    "g": ["g", "grad", "d", "deriv", "res", "mask"],
    "z": ["z", "h", "act", "layer", "cur", "out"],
    "a": ["a", "pre", "lin", "score", "act_in", "v"],
    "i": ["i", "k", "layer_i", "idx", "j", "l"],
    "p": ["p", "probs", "y", "out", "scores", "prob"],
}


def _arr(c, n, var="x"):
    return [f"    {var} = np.asarray({var}, dtype=float)"] if c["asarray"] else []


#: The element-wise functions as honest students write them: a list of forms (the student's
#: ``c["form"]`` picks one), each form the lines of the body with ``{e}``, ``{s}``, ``{t}``,
#: ``{g}`` for the student's own local names; a pair of forms is one way written two ways,
#: chosen by the student's ``var`` habit (without, with).
ELEMENTWISE = {
    "sigmoid": [
        (["return 1 / (1 + np.exp(-x))"], ["{e} = np.exp(-x)", "return 1.0 / (1.0 + {e})"]),
        ["return np.exp(-np.logaddexp(0, -x))"],
        ["return 0.5 * (1 + np.tanh(0.5 * x))"],
        ["{e} = np.exp(-np.abs(x))", "return np.where(x >= 0, 1 / (1 + {e}), {e} / (1 + {e}))"],
    ],
    "relu": [
        (["return np.maximum(x, 0.0)"], ["return np.maximum(0, x)"]),
        ["return np.where(x > 0, x, 0.0)"],
        ["return x * (x > 0)"],
        ["{s} = np.array(x, dtype=float, copy=True)", "{s}[{s} < 0] = 0.0", "return {s}"],
    ],
    "tanh": [
        ["return np.tanh(x)"],
        ["return 2 * sigmoid(2 * x) - 1"],
        ["{e} = np.exp(-2 * np.abs(x))", "return np.sign(x) * (1 - {e}) / (1 + {e})"],
        ["return 2.0 / (1.0 + np.exp(-2.0 * x)) - 1.0"],
    ],
    "sigmoid_grad": [
        ["{s} = sigmoid(x)", "return {s} * (1 - {s})"],
        ["return sigmoid(x) * (1.0 - sigmoid(x))"],
        ["{s} = sigmoid(x)", "return {s} - {s} ** 2"],
        ["{s} = 1 / (1 + np.exp(-x))", "{g} = {s} * (1 - {s})", "return {g}"],
    ],
    "relu_grad": [
        ["return (x > 0).astype(float)"],
        ["return np.where(x > 0, 1.0, 0.0)"],
        ["return np.heaviside(x, 0.0)"],
        ["{g} = np.zeros(np.shape(x))", "{g}[np.asarray(x) > 0] = 1", "return {g}"],
    ],
    "tanh_grad": [
        ["return 1 - np.tanh(x) ** 2"],
        ["{t} = np.tanh(x)", "return 1.0 - {t} * {t}"],
        ["{t} = tanh(x)", "return (1 - {t}) * (1 + {t})"],
        ["return 1.0 / np.cosh(np.clip(x, -300, 300)) ** 2"],
    ],
}


def elementwise(name: str):
    """The builder of the element-wise function ``name`` (:data:`ELEMENTWISE`)."""
    def build(c, n):
        form = ELEMENTWISE[name][c["form"]]
        lines = form[c["var"]] if isinstance(form, tuple) else form
        return _arr(c, n) + ["    " + line.format(**n) for line in lines]
    return build


def softmax(c, n):
    body = _arr(c, n)
    m = "np.max(x, axis=-1, keepdims=True)" if c["var"] else "x.max(axis=-1, keepdims=True)"
    if c["form"] in (0, 1):
        body += [f"    {n['m']} = {m}", f"    {n['e']} = np.exp(x - {n['m']})"]
        if c["form"] == 0:
            body += [f"    return {n['e']} / np.sum({n['e']}, axis=-1, keepdims=True)"]
        else:
            body += [f"    {n['s']} = {n['e']}.sum(axis=-1, keepdims=True)",
                     f"    return {n['e']} / {n['s']}"]
    elif c["form"] == 2:
        body += [f"    {n['e']} = np.exp(x - {m})",
                 f"    {n['e']} /= {n['e']}.sum(axis=-1, keepdims=True)", f"    return {n['e']}"]
    else:
        body += [f"    {n['s']} = x - {m}",
                 f"    return np.exp({n['s']} - np.log(np.sum(np.exp({n['s']}), axis=-1, "
                 "keepdims=True)))"]
    return body


def _mul(c, left, right):
    return f"np.dot({left}, {right})" if c["dot"] else f"{left} @ {right}"


def forward(c, n):
    a, z, i = n["a"], n["z"], n["i"]
    w = {k: 'network["' + k + '"]' for k in ("W1", "W2", "W3", "b1", "b2", "b3")}
    if c["form"] == 0:      # weights unpacked first (the order of the two lines is free)
        lines = ['    W1, W2, W3 = network["W1"], network["W2"], network["W3"]',
                 '    b1, b2, b3 = network["b1"], network["b2"], network["b3"]']
        if c["order"]:
            lines.reverse()
        return lines + [f"    {a}1 = {_mul(c, 'x', 'W1')} + b1", f"    {z}1 = sigmoid({a}1)",
                        f"    {a}2 = {_mul(c, z + '1', 'W2')} + b2",
                        f"    {z}2 = sigmoid({a}2)",
                        f"    return {_mul(c, z + '2', 'W3')} + b3"]
    if c["form"] == 1:      # a loop over the two hidden layers
        wi = 'network[f"W{' + i + '}"]'
        bi = 'network[f"b{' + i + '}"]'
        return [f"    {z} = np.asarray(x, dtype=float)", f"    for {i} in (1, 2):",
                f"        {z} = sigmoid({_mul(c, z, wi)} + {bi})",
                f"    return {_mul(c, z, w['W3'])} + {w['b3']}"]
    return [f"    {z}1 = sigmoid({_mul(c, 'x', w['W1'])} + {w['b1']})",
            f"    {z}2 = sigmoid({_mul(c, z + '1', w['W2'])} + {w['b2']})",
            f"    {a} = {_mul(c, z + '2', w['W3'])} + {w['b3']}",
            f"    return identity({a})" if c["var"] else f"    return {a}"]


def forward_general(c, n):
    z, a, i = n["z"], n["a"], n["i"]
    count = ('len([k for k in network if k.startswith("W")])' if c["var"]
             else 'sum(1 for k in network if k[0] == "W")')
    body = [f"    n_layers = {count}", f"    {z} = x"]
    if c["form"] in (0, 1):
        wi = 'network[f"W{' + i + '}"]'
        bi = 'network[f"b{' + i + '}"]'
        body += [f"    for {i} in range(1, n_layers + 1):",
                 f"        {a} = {_mul(c, z, wi)} + {bi}"]
        if c["form"] == 0:
            body += [f"        if {i} < n_layers:",
                     f"            {z} = HIDDEN_ACTIVATIONS[hidden]({a})",
                     "        else:", f"            {z} = OUTPUT_FUNCTIONS[output]({a})"]
        else:
            body += [f"        {z} = (HIDDEN_ACTIVATIONS[hidden] if {i} < n_layers else "
                     f"OUTPUT_FUNCTIONS[output])({a})"]
        return body + [f"    return {z}"]
    wi = 'network["W" + str(' + i + ')]'
    bi = 'network["b" + str(' + i + ')]'
    return body + ["    act_fn = HIDDEN_ACTIVATIONS[hidden]",
                   f"    for {i} in range(1, n_layers):",
                   f"        {z} = act_fn({_mul(c, z, wi)} + {bi})",
                   f"    {a} = " + _mul(c, z, 'network["W" + str(n_layers)]') +
                   ' + network["b" + str(n_layers)]',
                   f"    return OUTPUT_FUNCTIONS[output]({a})"]


def predict_class(c, n):
    p = n["p"]
    call = 'forward_general(network, x, output="softmax", hidden=hidden)'
    if c["form"] == 0:
        return [f"    {p} = {call}", f"    return np.argmax({p}, axis=-1)"]
    if c["form"] == 1:
        return [f"    return {call}.argmax(axis=-1)"]
    return [f"    {p} = {call}", f"    if {p}.ndim == 1:", f"        return int(np.argmax({p}))",
            f"    return np.argmax({p}, axis=1)"]


#: exercise name -> (module, builder, number of forms)
EXERCISES = {
    **{name: ("activations", elementwise(name), len(forms))
       for name, forms in ELEMENTWISE.items()},
    "softmax": ("activations", softmax, 4), "forward": ("forward", forward, 3),
    "forward_general": ("forward", forward_general, 3),
    "predict_class": ("forward", predict_class, 3),
}

# --------------------------------------------------------------------------- planted mistakes
# Mistakes no exercise of autograder/exercises/sprint2.py declares; each written two ways
# (different code, the same outputs up to floating-point rounding).
PLANTED = {
    "leaky_relu": ("relu", [
        ["    return np.maximum(x, 0.01 * x)"],
        ["    x = np.asarray(x, dtype=float)", "    return np.where(x > 0, x, 0.01 * x)"]]),
    "tanh_grad_squared_difference": ("tanh_grad", [
        ["    return (1 - np.tanh(x)) ** 2"],
        ["    t = np.tanh(np.asarray(x, dtype=float))", "    d = 1.0 - t", "    return d * d"]]),
    "log_softmax": ("softmax", [
        ["    m = np.max(x, axis=-1, keepdims=True)",
         "    return x - m - np.log(np.sum(np.exp(x - m), axis=-1, keepdims=True))"],
        ["    shifted = x - x.max(axis=-1, keepdims=True)",
         "    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))"]]),
    "forward_second_layer_linear": ("forward", [
        ['    z1 = sigmoid(x @ network["W1"] + network["b1"])',
         '    z2 = z1 @ network["W2"] + network["b2"]',
         '    return z2 @ network["W3"] + network["b3"]'],
        ['    h = sigmoid(np.dot(x, network["W1"]) + network["b1"])',
         '    return np.dot(np.dot(h, network["W2"]) + network["b2"], network["W3"]) '
         '+ network["b3"]']]),
    # and one the registry knows (its hint: "Square tanh: ..."), beside an unknown one
    "known_tanh_grad_unsquared": ("tanh_grad", [
        ["    return 1 - np.tanh(x)"],
        ["    t = np.tanh(np.asarray(x, dtype=float))", "    return 1.0 - t"]]),
}
#: planted mistake -> how many students make it
PLANTED_COUNTS = {"leaky_relu": 4, "tanh_grad_squared_difference": 3, "log_softmax": 5,
                  "forward_second_layer_linear": 3, "known_tanh_grad_unsquared": 3}
#: the planted mistakes autograder/exercises/sprint2.py declares (the others it does not)
KNOWN = {"known_tanh_grad_unsquared": "_tanh_grad_unsquared"}


@dataclass
class ClassPlan:
    """Who is who in the generated class."""

    root: Path
    students: list
    honest: list = field(default_factory=list)     # every exercise right
    blank: list = field(default_factory=list)
    planted: dict = field(default_factory=dict)    # mistake -> [students]
    copies: list = field(default_factory=list)     # [(original, copier), ...]
    late: dict = field(default_factory=dict)       # student -> (status, days late, penalty)
    submitted: Path = Path()
    policy: Path = Path()

    def exercise_of(self, mistake: str) -> str:
        return f"{SPRINT}.{PLANTED[mistake][0]}"


def _choices(rng: random.Random, forms: int) -> dict:
    return {"form": rng.randrange(forms), "asarray": rng.random() < 0.5,
            "var": rng.random() < 0.5, "dot": rng.random() < 0.3, "order": rng.random() < 0.5,
            "result": rng.random() < 0.4}


_ONE_INT = re.compile(r"(?<![\w.])1(?= [-+/*])")
_ONE_FLOAT = re.compile(r"(?<![\w.])1\.0(?= [-+/*])")


def styled(body: list, c: dict, n: dict, floats: bool) -> list:
    """A student's habits on top of the formula: ``1.0`` or ``1`` in arithmetic (one habit
    per student), and the result put in a variable before it is returned, or not."""
    body = [_ONE_INT.sub("1.0", ln) if floats else _ONE_FLOAT.sub("1", ln) for ln in body]
    last = body[-1]
    if c.get("result") and last.startswith("    return ") and not re.fullmatch(
            r"    return \w+", last):
        body = body[:-1] + [f"    {n['g']}_out = {last[len('    return '):]}",
                            f"    return {n['g']}_out"]
    return body


def _names(rng: random.Random) -> dict:
    return {k: rng.choice(pool) for k, pool in NAME_POOL.items()}


def _stub(module: str) -> str:
    return (ROOT / "helpers" / f"{module}.py").read_text(encoding="utf-8")


def _fill(sources: dict, name: str, module: str, body: list) -> None:
    """Put ``body`` in place of the stub's ``# YOUR CODE HERE`` / ``raise`` of ``name``."""
    pattern = re.compile(r"    # YOUR CODE HERE\n    raise NotImplementedError\(\"" + name +
                         r": not implemented yet\"\)\n")
    new, count = pattern.subn(lambda _: "\n".join(body) + "\n", sources[module])
    assert count == 1, name
    sources[module] = new


def _code(plan_for: dict) -> dict:
    """``{module: source}`` of one student from ``{exercise: body lines or None (stub)}``."""
    sources = {"activations": _stub("activations"), "forward": _stub("forward")}
    for name, body in plan_for.items():
        if body is not None:
            _fill(sources, name, EXERCISES[name][0], body)
    return sources


def write_class(dest: Path, n_students: int = N_STUDENTS, seed: int = SEED) -> ClassPlan:
    """Write the class under ``dest`` (see the module's docstring); returns its plan."""
    needed = 3 + sum(PLANTED_COUNTS.values()) + 4 + 6   # blank, planted, copies, late
    if n_students < needed:
        raise ValueError(f"a generated class has at least {needed} students")
    rng = random.Random(seed)
    dest = Path(dest)
    submitted = dest / "submitted"
    if submitted.exists():
        shutil.rmtree(submitted)
    students = [f"s{i:02d}" for i in range(1, n_students + 1)]
    plan = ClassPlan(dest, students, submitted=submitted, policy=dest / "policy.toml")
    pool = list(students)
    rng.shuffle(pool)
    plan.blank = sorted(pool[:3])
    pool = pool[3:]
    for mistake, count in PLANTED_COUNTS.items():
        plan.planted[mistake] = sorted(pool[:count])
        pool = pool[count:]
    plan.honest = sorted(pool)
    # two pairs of near-copies among the honest students (copier after the original)
    copy_pool = sorted(plan.honest)
    rng.shuffle(copy_pool)
    plan.copies = [(copy_pool[0], copy_pool[1]), (copy_pool[2], copy_pool[3])]

    bodies: dict = {}      # student -> {exercise: body}
    recipe: dict = {}      # student -> {exercise: (choices, names)}
    habit: dict = {}       # student -> writes 1.0 rather than 1
    for student in students:
        recipe[student] = {name: (_choices(rng, forms), _names(rng))
                           for name, (_, _, forms) in EXERCISES.items()}
        habit[student] = rng.random() < 0.5
        if student in plan.blank:
            bodies[student] = {name: None for name in EXERCISES}
        else:
            bodies[student] = {name: styled(builder(*recipe[student][name]),
                                            *recipe[student][name], habit[student])
                               for name, (_, builder, _) in EXERCISES.items()}
    for mistake, members in plan.planted.items():
        exercise, ways = PLANTED[mistake]
        for k, student in enumerate(members):
            bodies[student][exercise] = list(ways[k % len(ways)])
    for original, copier in plan.copies:
        # the copier renames every local variable, reorders what can be reordered, and
        # writes one short function of their own
        own = rng.choice(["sigmoid", "relu", "tanh", "relu_grad"])
        copied = {}
        for name, (_, builder, _) in EXERCISES.items():
            if name == own:
                copied[name] = bodies[copier][name]
                continue
            choices, names = recipe[original][name]
            renamed = {k: f"{v}_{'val' if k != 'i' else 'n'}" for k, v in names.items()}
            flipped = dict(choices, order=not choices["order"])   # statements reordered
            copied[name] = styled(builder(flipped, renamed), flipped, renamed, habit[original])
        bodies[copier] = copied

    # submission times (UTC, as nbgrader writes them; the due date is 14:59 UTC): most on
    # time; some late, with and without an extension or an accommodation. plan.late holds
    # what the policy must say, worked out by hand: (status, started days late, penalty).
    on_time = "2026-10-12 11:15:00.000000 UTC"
    late_pool = sorted(s for s in plan.honest if s not in {x for pair in plan.copies
                                                           for x in pair})
    rng.shuffle(late_pool)
    cases = {   # student -> (timestamp, extension days or None, accommodation days or None)
        late_pool[0]: ("2026-10-14 00:00:00.000000 UTC", None, None),   # 33 h over: 2 days
        late_pool[1]: ("2026-10-19 12:00:00.000000 UTC", None, None),   # 7 days: capped 0.5
        late_pool[2]: ("2026-10-14 00:00:00.000000 UTC", 3, None),      # inside its extension
        late_pool[3]: ("2026-10-14 00:00:00.000000 UTC", 1, None),      # 9 h past it: 1 day
        late_pool[4]: ("2026-10-13 03:00:00.000000 UTC", None, 2),      # inside accommodation
        late_pool[5]: ("2026-10-12 15:05:00.000000 UTC", None, None),   # inside the grace
    }
    expected = {late_pool[0]: ("late", 2, 0.2), late_pool[1]: ("late", 7, 0.5),
                late_pool[2]: ("on time", 0, 0.0), late_pool[3]: ("late", 1, 0.1),
                late_pool[4]: ("on time", 0, 0.0), late_pool[5]: ("on time", 0, 0.0)}
    plan.late = {s: expected[s] for s in cases}
    for student in students:
        folder = submitted / student / SPRINT
        (folder / "helpers").mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / "helpers" / "__init__.py", folder / "helpers" / "__init__.py")
        for module, source in _code(bodies[student]).items():
            (folder / "helpers" / f"{module}.py").write_text(source, encoding="utf-8")
        stamp = cases.get(student, (on_time,))[0]
        (folder / "timestamp.txt").write_text(stamp + "\n", encoding="utf-8")
    lines = ['timezone = "Asia/Tokyo"', "late_penalty_per_day = 0.1", "max_penalty = 0.5",
             "grace_minutes = 10", "", f"[sprints.{SPRINT}]", f"due = {DUE}", ""]
    for student, (_, ext, _) in sorted(cases.items()):
        if ext is not None:
            lines += [f"[extensions.{student}]", f"{SPRINT} = {ext}", ""]
    lines += ["[accommodations]"] + [f"{s} = {acc}" for s, (_, _, acc) in sorted(cases.items())
                                     if acc is not None]
    plan.policy.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return plan


if __name__ == "__main__":   # python -m tests.generated_class DEST
    import sys

    p = write_class(Path(sys.argv[1] if len(sys.argv) > 1 else "generated-class"))
    print(f"{len(p.students)} students in {p.submitted}; policy {p.policy}")
    print(f"blank {p.blank}\nplanted {p.planted}\ncopies {p.copies}\nlate {p.late}")
