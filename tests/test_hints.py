"""Hints on request: every exercise has three levels, each call shows the next, usage is kept."""
from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from autograder import hints
from autograder.registry import live_exercises

from .conftest import ROOT, make_helpers

EXERCISES = live_exercises()


def test_every_exercise_has_three_levels_of_hints_and_no_stray_ids():
    texts = hints.load()
    ids = {e.id for e in EXERCISES}
    assert set(texts) == ids, (sorted(ids - set(texts)), sorted(set(texts) - ids))
    for h in texts.values():
        assert len(h.levels) == 3, h.id
        assert all(len(t) >= 12 for t in h.levels), h.id


def test_hint_files_are_one_per_sprint_and_hold_only_their_sprint():
    import tomllib

    for path in sorted(hints.TEXTS.glob("*.toml")):
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
        assert all(k.startswith(path.stem + ".") for k in doc), path.name


def test_each_call_shows_the_next_level_and_records_it(tmp_path, monkeypatch):
    monkeypatch.delenv(hints.SWITCH, raising=False)
    helpers = make_helpers(tmp_path)
    levels = hints.load()["sprint8.conv2d"].levels
    first = hints.next_hint("sprint8.conv2d", helpers)
    assert "level 1 of 3" in first and levels[0].splitlines()[0] in first
    assert levels[1].splitlines()[0] not in first
    assert hints.usage(helpers) == {"sprint8.conv2d": 1}
    second = hints.next_hint("sprint8.conv2d", helpers)
    assert "level 2 of 3" in second and levels[1].splitlines()[0] in second
    third = hints.next_hint("sprint8.conv2d", helpers)
    assert "level 3 of 3" in third and "last level" in third
    again = hints.next_hint("sprint8.conv2d", helpers)   # stays at the last level
    assert "level 3 of 3" in again
    assert hints.usage(helpers) == {"sprint8.conv2d": 3}
    saved = json.loads((tmp_path / ".course_progress" / "hints.json").read_text())
    assert saved["levels_shown"] == {"sprint8.conv2d": 3}
    assert "sprint8.conv2d" in hints.usage_text(helpers) and "3 of 3" in hints.usage_text(helpers)


def test_an_unknown_exercise_gets_the_list_of_its_sprint(tmp_path):
    helpers = make_helpers(tmp_path)
    text = hints.next_hint("sprint8.conv3d", helpers)
    assert "No hints" in text and "sprint8.conv2d" in text
    assert hints.usage(helpers) == {}


def test_hints_can_be_turned_off_by_the_environment(tmp_path, monkeypatch):
    helpers = make_helpers(tmp_path)
    monkeypatch.setenv(hints.SWITCH, "0")
    text = hints.next_hint("sprint8.conv2d", helpers)
    assert "turned off" in text
    assert hints.usage(helpers) == {}


def test_ship_copies_the_sprints_hints_unless_switched_off(tmp_path, monkeypatch):
    monkeypatch.delenv(hints.SWITCH, raising=False)
    written = hints.ship(tmp_path / "on", "sprint7")
    assert [p.name for p in written] == ["sprint7.toml"]
    monkeypatch.setenv(hints.SWITCH, "0")
    assert hints.ship(tmp_path / "off", "sprint7") == []
    assert not (tmp_path / "off").exists()


def test_the_terminal_command_reveals_levels_one_by_one(tmp_path):
    helpers = make_helpers(tmp_path)
    cmd = [sys.executable, "-m", "autograder", "hint", "sprint4.affine", "--helpers", str(helpers)]
    outs = [subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=True).stdout
            for _ in range(2)]
    assert "level 1 of 3" in outs[0] and "level 2 of 3" in outs[1]
    summary = subprocess.run([sys.executable, "-m", "autograder", "hint", "--helpers",
                              str(helpers)], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout
    assert re.search(r"sprint4\.affine\s+2 of 3", summary)


def test_level_three_is_nearly_the_code_with_a_gap_left():
    """'Nearly the code': every last level leaves a gap (an ellipsis or question marks)."""
    without_gap = [k for k, h in hints.load().items()
                   if "..." not in h.levels[-1] and "?" not in h.levels[-1]]
    assert not without_gap, without_gap


def test_a_release_folder_ships_its_sprints_hints_and_the_exercise_index(tmp_path, monkeypatch):
    """What write_source puts in an assignment's autograder/ for hint() and needs()."""
    from autograder import course

    sprint = next(s for s in course.discover_sprints() if s.id == "sprint7")
    monkeypatch.delenv(hints.SWITCH, raising=False)
    on = course.write_source(tmp_path / "on" / "sprint7", sprint)
    assert sorted(p.name for p in (on / "autograder" / "hint_texts").iterdir()) == ["sprint7.toml"]
    index = json.loads((on / "autograder" / "exercise_index.json").read_text(encoding="utf-8"))
    assert index["sprint4.affine"] == ["layers", "Affine", "Problem 5: the Affine layer"]
    out = subprocess.run([sys.executable, "-m", "autograder", "hint", "sprint7.conv1d"], cwd=on,
                         capture_output=True, text=True, check=True).stdout
    assert "level 1 of 3" in out
    monkeypatch.setenv(hints.SWITCH, "0")           # a class that grades without hints
    off = course.write_source(tmp_path / "off" / "sprint7", sprint)
    assert not (off / "autograder" / "hint_texts").exists()
    monkeypatch.delenv(hints.SWITCH)
    out = subprocess.run([sys.executable, "-m", "autograder", "hint", "sprint7.conv1d"], cwd=off,
                         capture_output=True, text=True, check=True).stdout
    assert "turned off" in out
