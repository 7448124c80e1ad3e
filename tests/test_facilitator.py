"""Facilitator guides: one per sprint notebook, written out (not the template), a session's
timing, and a list of common mistakes that is exactly the registry's hints."""
from __future__ import annotations

import re
import shutil

import pytest

from autograder.authoring import facilitator
from autograder.learner.registry import live_exercises

from .conftest import ROOT

SPRINTS = facilitator.sprint_ids()
GUIDES = ROOT / "docs" / "facilitator"
PLACEHOLDERS = ("<title>", "<One paragraph", "<What to prepare", "<part 1", "<Questions for")


def _flat(text: str) -> str:
    return " ".join(text.replace("\\|", "|").split())


@pytest.mark.parametrize("sprint", SPRINTS)
def test_every_sprint_notebook_has_a_written_guide(sprint):
    path = GUIDES / f"{sprint}.md"
    assert path.is_file(), (f"no facilitator guide for {sprint}: run `python -m autograder "
                            f"facilitator` (it starts {path.name} from TEMPLATE.md) and fill it in")
    text = path.read_text(encoding="utf-8")
    left = [p for p in PLACEHOLDERS if p in text]
    assert not left, f"{path.name} still has the template's placeholders {left}"
    for heading in ("## Timing", "## Discussion prompts", "## Common mistakes"):
        assert heading in text, f"{path.name} lacks the section {heading!r}"
    timing = text.split("## Timing", 1)[1].split("\n## ", 1)[0]
    minutes = [int(m) for m in re.findall(r"^\|\s*(\d+)\s*\|", timing, flags=re.M)]
    assert minutes and 120 <= sum(minutes) <= 180, \
        f"{path.name}: the timing adds up to {sum(minutes)} minutes, not one 2–3 hour meeting"


@pytest.mark.parametrize("sprint", SPRINTS)
def test_the_guide_lists_every_hint_the_checks_print(sprint):
    path = GUIDES / f"{sprint}.md"
    if not path.is_file():
        pytest.skip(f"no guide for {sprint} (the test above fails for it)")
    text = path.read_text(encoding="utf-8")
    section = _flat(text.split(facilitator.BEGIN, 1)[-1].split(facilitator.END, 1)[0])
    exercises = [e for e in live_exercises() if e.sprint == sprint]
    for e in exercises:
        assert e.id in section, f"{e.id} is missing from the guide's mistakes"
        for m in e.mistakes:
            assert _flat(m.hint) in section, f"a hint of {e.id} is missing: {m.hint[:60]!r}"
    assert facilitator.updated_text(text, sprint) == text, \
        "the generated section is out of date: run `python -m autograder facilitator`"


def test_a_stale_or_missing_guide_is_reported_and_fixed(tmp_path):
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "sprint1_perceptron.ipynb").write_text("{}")
    (tmp_path / "notebooks" / "sprint2_forward_pass.ipynb").write_text("{}")
    guides = tmp_path / "docs" / "facilitator"
    guides.mkdir(parents=True)
    shutil.copyfile(GUIDES / "TEMPLATE.md", guides / "TEMPLATE.md")
    (guides / "sprint1.md").write_text(
        f"# guide\n\n{facilitator.BEGIN}\nSTALE ROW\n{facilitator.END}\n")
    stale = dict(facilitator.stale_guides(tmp_path))
    assert set(stale) == {"sprint1", "sprint2"}
    assert "out of date" in stale["sprint1"] and "no guide" in stale["sprint2"]

    written = facilitator.write_guides(tmp_path)
    assert sorted(p.name for p in written) == ["sprint1.md", "sprint2.md"]
    assert facilitator.stale_guides(tmp_path) == []
    one = (guides / "sprint1.md").read_text()
    assert "STALE ROW" not in one and "sprint1.and_gate" in one
    two = (guides / "sprint2.md").read_text()
    assert two.startswith("# Facilitator guide — sprint2") and "sprint2.softmax" in two


def test_the_check_names_each_stale_guide_and_the_command_that_rewrites_it(monkeypatch, capsys):
    from autograder.__main__ import main

    monkeypatch.setattr(facilitator, "stale_guides",
                        lambda: [("sprint3", "the generated section is out of date")])
    assert main(["facilitator", "--check"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == ["sprint3: the generated section is out of date",
                   "run `python -m autograder facilitator`"], err
    monkeypatch.setattr(facilitator, "stale_guides", lambda: [])
    assert main(["facilitator", "--check"]) == 0
    assert capsys.readouterr().out == \
        "every sprint has a facilitator guide with a current list of mistakes\n"
