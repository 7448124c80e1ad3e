"""README.ja.md, the Japanese edition's guide: README.md links it at the top, and every link,
``./course`` command and ``python -m autograder`` command it shows exists in the repository."""
from __future__ import annotations

import re
import subprocess
import sys

from .conftest import ROOT

README = ROOT / "README.md"
README_JA = ROOT / "README.ja.md"
FENCE = re.compile(r"^```.*?^```", re.M | re.S)


def _slug(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped (``\\w`` keeps Japanese),
    spaces to ``-``."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _anchors(path) -> set:
    text = FENCE.sub("", path.read_text(encoding="utf-8"))
    return {_slug(h) for h in re.findall(r"^#{1,6}\s+(.+)$", text, re.M)}


def _broken(target: str, base=ROOT) -> str | None:
    """Why the relative link ``target`` (``path#anchor``) does not resolve, else None."""
    path, _, anchor = target.partition("#")
    file = (base / path) if path else README_JA
    if not file.exists():
        return f"{target}: no such file"
    if anchor and file.suffix == ".md" and anchor not in _anchors(file):
        return f"{target}: no heading with the anchor #{anchor} in {file.name}"
    return None


def _links(text: str) -> list:
    return [t for t in re.findall(r"\]\(([^)\s]+)\)", text) if not re.match(r"\w+://", t)]


def test_readme_links_the_japanese_guide_at_the_top():
    top = README.read_text(encoding="utf-8").splitlines()[:5]
    assert any("(README.ja.md)" in line for line in top), top


def test_every_link_of_the_japanese_guide_resolves():
    links = _links(README_JA.read_text(encoding="utf-8"))
    assert "README.md" in links and "docs/glossary.md" in links
    assert [_broken(t) for t in links if _broken(t)] == []
    # the check can fail: a missing file and a missing section are both reported
    assert _broken("docs/no-such-guide.md") and _broken("README.md#no-such-section")
    assert _broken("README.md#日本語版-the-japanese-edition") is None


def test_the_files_the_japanese_guide_names_exist():
    """A path in backquotes (`helpers/conv1d.py`, `autograder/learner/locale/...`) is one of the
    repository's; built folders (notebooks/ja/), placeholders (<...>, sprintN) are left out."""
    text = README_JA.read_text(encoding="utf-8")
    named = {p for p in re.findall(r"`((?:autograder|data|docs|helpers|notebooks|translations)"
                                   r"/[^`\s]*)`", text)
             if not re.search(r"<|sprintN|^notebooks/ja/", p)}
    assert {"helpers/conv1d.py", "docs/glossary.md", "translations/ja/variants.toml"} <= named
    assert sorted(p for p in named if not (ROOT / p).exists()) == []


def test_the_commands_the_japanese_guide_shows_exist():
    text = README_JA.read_text(encoding="utf-8")
    assert "./course start --lang ja" in text and "COURSE_LANG=ja" in text
    helped = subprocess.run([str(ROOT / "course"), "help"], capture_output=True, text=True,
                            check=True).stdout
    course = set(re.findall(r"\./course (\w+)", text))
    assert course >= {"start", "test", "check", "hint", "pack"}
    assert [c for c in course if f"./course {c}" not in helped] == []
    usage = subprocess.run([sys.executable, "-m", "autograder", "--help"], cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout
    choices = set(re.search(r"\{([\w,-]+)\}", usage).group(1).split(","))
    used = set(re.findall(r"python -m autograder ([\w-]+)", text))
    assert used and used - choices == set(), used - choices
    release = subprocess.run([sys.executable, "-m", "autograder", "release", "--help"],
                             cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert re.search(r"--lang \{[^}]*\bja\b", release)
