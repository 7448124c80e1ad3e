"""What went wrong in a case, as data, and the one policy that turns it into words.

Every renderer (the learner's check, the check cell in the feedback, grades.csv, the state
files, the class report, Gradescope) shows an :class:`Outcome` through :func:`render` and
nothing else, so one place decides what a learner may see:

* a **public** case shows everything: its inputs' description, the expected and the actual
  values, the traceback of an exception (the learner's own code, run on public inputs);
* a **hidden** case shows its number and its *kind* from the fixed vocabulary :data:`KINDS`
  (and which output, in the grader's own names) — never text that learner code wrote (an
  exception's message, or its class name when it is not a standard one: code can name a class
  after the hidden inputs it read), never an expected value, never a ratio;
* a public case of a **sealed** run (learner code that ran beside course code it must not
  read, :mod:`autograder.instructor.trusted`) shows its description and the grader's numbers, but no
  text of the learner's code either.

Nothing here parses a sentence back: the fields are the data.
"""
from __future__ import annotations

import builtins
import re
from dataclasses import asdict, dataclass
from typing import Any

from .i18n import N_, _, pgettext, stub_message

#: The kinds of outcome, with the words a hidden case may show.
KINDS = {
    "shape": N_("wrong shape"),
    "dtype": N_("wrong dtype"),
    "value": N_("wrong value"),
    "nonfinite": N_("nan or inf where a finite number was expected"),
    "type": N_("wrong type of result"),
    "length": N_("wrong number of values"),
    "keys": N_("wrong keys"),
    "no_output": N_("an output is missing"),
    "mutated": N_("the right answer, but an input was modified in place"),
    "aliased": N_("the right values, but the input array itself was returned (a new array is "
                  "promised)"),
    "no_raise": N_("returned where the docstring says it raises an exception"),
    "not_implemented": N_("not implemented yet"),
    "import_error": N_("the module could not be imported"),
    "missing": N_("the function or class is missing from the module"),
    "error": N_("raised an exception"),
    "unreadable": N_("returned a value the checker cannot read"),
    "timeout": N_("did not finish in time"),
    "crashed": N_("the checker's process ended without a result"),
    "blocked": N_("needs an exercise of an earlier sprint first"),
}
#: Kinds where the code ran and answered: the public cases may pass and a hidden one not.
ANSWER_KINDS = {"shape", "dtype", "value", "nonfinite", "type", "length", "keys", "no_output",
                "mutated", "aliased", "no_raise"}

_NUMPY_EXCEPTIONS = {"AxisError", "LinAlgError", "ComplexWarning", "TooHardError",
                     "DTypePromotionError"}
#: Exception class names a hidden case may show: the standard ones only.
STANDARD_EXCEPTIONS = frozenset(
    name for name, obj in vars(builtins).items()
    if isinstance(obj, type) and issubclass(obj, BaseException)) | _NUMPY_EXCEPTIONS

MAX_DETAIL = 2000   # characters of a public detail (a traceback, a long message)


def standard_exception(name: object) -> str:
    """``name`` when it is a standard exception's name, else ``""``."""
    return name if isinstance(name, str) and name in STANDARD_EXCEPTIONS else ""


def cap(text: object, limit: int = MAX_DETAIL) -> str:
    """Learner text, made printable and cut to ``limit`` characters."""
    text = text if isinstance(text, str) else repr(text)
    text = "".join(ch if ch.isprintable() or ch in "\n\t" else f"\\x{ord(ch):02x}"
                   if ord(ch) < 256 else f"\\u{ord(ch):04x}" for ch in text[: limit * 2])
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class Outcome:
    """What happened to the first case that did not pass (or to the whole run).

    ``case`` is the case's number in its set (1-based; 0 for the whole run: a time-out, a
    crash, a module that cannot be imported). ``where`` names the output or call in the
    grader's own words (``return``, ``backward() [step 2]``). ``exception`` is a standard
    exception's name or empty. ``label`` and ``detail`` are for public cases only (``detail``
    may hold learner text: an exception's message, a returned string). ``blocked_by`` is the
    earlier exercise (``sprint4.affine``) a blocked exercise needs. ``exercise`` is the
    exercise's id: the context in which ``label`` (the English the case declares) is
    translated when it is shown.
    """

    kind: str
    case: int = 0
    of: int = 0
    hidden: bool = False
    where: str = ""
    exception: str = ""
    label: str = ""
    detail: str = ""
    learner_text: bool = True    # whether ``detail`` may hold text of the learner's code
    sealed: bool = False         # a run beside course code: no learner text at all
    blocked_by: str = ""
    exercise: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown outcome kind {self.kind!r}")

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, doc: object) -> Outcome | None:
        if not isinstance(doc, dict) or doc.get("kind") not in KINDS:
            return None
        known = cls.__dataclass_fields__
        return cls(**{k: v for k, v in doc.items() if k in known})


_STEP = re.compile(r"\[step (\d+)\]")


def where_words(where: str) -> str:
    """``where`` (the grader's name of an output: ``backward() [step 2]``) with its step
    number in the language shown; the code in it (``backward()``, ``['W1']``) as it is."""
    return _STEP.sub(lambda m: _("[step {n}]").format(n=m.group(1)), where)


_ARGUMENT = re.compile(r"^(?:(?P<call>\S+) )?argument (?P<which>\d+|'[^']*')$")


def input_words(name: str) -> str:
    """An input's name as the grader writes it (``argument 1``, ``forward() argument 'x'``)
    in the words shown."""
    m = _ARGUMENT.match(name)
    if not m:
        return name
    if m["call"]:
        return _("{call} argument {which}").format(call=m["call"], which=m["which"])
    return _("argument {which}").format(which=m["which"])


# --------------------------------------------------------------------------- a run that ended
# Why the checker's child gave no result (:mod:`.sandbox` says it in the language shown).
def timeout_words(seconds: float) -> str:
    return _("stopped after {seconds} s: the code did not finish in time (an endless loop, or "
             "far too slow?)").format(seconds=f"{seconds:g}")


def startup_words(seconds: float) -> str:
    return _("the checker's own process did not start within {seconds} s, before any of your "
             "code ran: the machine is too busy; run the check again").format(
                 seconds=f"{seconds:g}")


def ended_words(why: str, tail: list[str]) -> str:
    """The child ended without a result: ``why`` (:func:`exit_words`) and the last lines it
    printed (learner text, as they are)."""
    return _("the checker's process ended without a result ({why})").format(why=why) + (
        ":\n  " + "\n  ".join(tail) if tail else "")


def exit_words(code: int | None, signal_name: str = "") -> str:
    """How the child ended: its exit status, or the signal (``SIGKILL``) that ended it."""
    if code is None:
        return _("still running")
    if signal_name:
        extra = {"SIGKILL": N_("out of memory or killed"), "SIGXCPU": N_("CPU time limit"),
                 "SIGXFSZ": N_("wrote too large a file"), "SIGSEGV": N_("crashed")}.get(
                     signal_name)
        return _("signal {signal}, {why}").format(signal=signal_name, why=_(extra)) if extra \
            else _("signal {signal}").format(signal=signal_name)
    if code == 0:
        return _("exit status 0 before writing its result: did the code call sys.exit or "
                 "os._exit?")
    return _("exit status {code}: did the code call sys.exit, or run out of memory?").format(
        code=code)


def render(o: Outcome | None, *, graded: bool = False) -> str:
    """The one sentence an outcome may show (see the module's docstring).

    ``graded``: the result of public and hidden cases together, where a public case is
    called "public case".
    """
    if o is None:
        return ""
    if o.kind == "blocked":
        return _("blocked: needs {exercise} (not implemented yet)").format(
            exercise=o.blocked_by or _("an exercise of an earlier sprint"))
    # A hidden case names the output only ("return", "backward()", "grads"): an index, a
    # key or a step number could tell how many values or calls the hidden case has.
    at = o.where.split("[", 1)[0].strip() if o.hidden else where_words(o.where)
    text = f"{at}: {_(KINDS[o.kind])}" if at else _(KINDS[o.kind])
    if o.kind == "error" and o.exception:
        text = f"{text} ({o.exception})"
    if o.hidden:
        where = _("hidden case {case} of {of}").format(case=o.case, of=o.of) if o.case \
            else _("hidden cases")
        if o.kind in ANSWER_KINDS:
            text += _(" (the public cases may pass: think of edge cases)")
        return f"{where}: {text}"
    if o.detail and not (o.sealed and o.learner_text):
        # a stub's own message says "not implemented yet" in the language shown now
        text = cap(stub_message(o.detail) if o.kind == "not_implemented" else o.detail)
    if not o.case:
        return text
    where = (_("public case {case} of {of}") if graded else _("case {case} of {of}")).format(
        case=o.case, of=o.of)
    if o.label:
        label = pgettext(o.exercise, o.label) if o.exercise else o.label
        where += f" ({cap(label, 300)})"
    return f"{where}: {text}"
