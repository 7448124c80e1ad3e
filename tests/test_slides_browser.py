"""Slides in a real browser with the network cut off: as a facilitator presents them in a room
without network.

One headless Chromium (Debian's, driven by Selenium as in ``test_browser.py``) is started with
every request outside this machine refused: a proxy on a closed port for http(s), and no name
resolution but for localhost. Its DevTools network log records every request it makes, and the
tests fail on any that leaves the machine.

- The slide files (``python -m autograder slides OUT``), opened from disk, every sprint in
  turn: reveal.js runs (the right arrow moves to the next slide, the down arrow into a
  sub-slide), MathJax typesets every formula (no raw ``$$`` or TeX left in the text), images
  and plots decode, and the Japanese terms are drawn with a CJK font (Debian's
  ``fonts-noto-cjk``, installed by ``./course test`` from ``requirements-apt.txt``; the test
  installs it too when it runs as root). Sprint 0 is rendered from a copy run against the
  reference, so its slides carry real plots. A screenshot of one problem slide per sprint goes
  to pytest's temporary folder (printed with ``-s``; never committed).
- Live slides: RISE's slide-show page in JupyterLab, set up by ``slides --rise``, presents a
  sprint notebook with its formulas typeset and its navigation working.
"""
from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import time

import nbformat
import pytest

from autograder.authoring import slides

from .conftest import ROOT, make_helpers
from .support import browser_or_skip, js, jupyter_lab, lab_course, wait

NOTEBOOKS = slides.sprint_notebooks()
RUN_FIRST = "sprint0_start_here"   # rendered from a copy run against the reference: real plots
RISE_NOTEBOOK = "sprint2_forward_pass.ipynb"
OFFLINE_FLAGS = ("--proxy-server=http://127.0.0.1:9",  # a closed port: every http(s) request fails
                 "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , "
                 "EXCLUDE 127.0.0.1")


def _cjk_font_or_skip():
    """A Japanese font for Chromium (fontconfig's view), installing fonts-noto-cjk if we may."""
    def have():
        if not shutil.which("fc-list"):
            return ""
        return subprocess.run(["fc-list", ":lang=ja", "family"], capture_output=True,
                              text=True).stdout.strip()

    if not have() and os.environ.get("COURSE_APT") != "0" and shutil.which("apt-get") \
            and hasattr(os, "getuid") and os.getuid() == 0:
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        cmd = ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "fonts-noto-cjk"]
        if subprocess.run(cmd, env=env, capture_output=True, timeout=900).returncode:
            subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True,
                           timeout=600)
            subprocess.run(cmd, env=env, capture_output=True, timeout=900)
    if not have():
        pytest.skip("the slides' browser test needs a Japanese font (Debian's fonts-noto-cjk, "
                    "in requirements-apt.txt), which is not installed and could not be")


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """One headless Chromium for the module, with the network cut off and its requests logged."""
    webdriver, chromium, driver = browser_or_skip()
    _cjk_font_or_skip()
    from selenium.webdriver.chrome.service import Service

    home = tmp_path_factory.mktemp("slides-browser")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,800", f"--user-data-dir={home / 'chromium'}",
                "--no-first-run", "--disable-extensions", "--lang=ja", *OFFLINE_FLAGS):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    chrome = webdriver.Chrome(options=options, service=Service(executable_path=driver))
    chrome.set_script_timeout(120)
    try:
        yield chrome
    finally:
        chrome.quit()


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    """Where the screenshots go (pytest's temporary folder, never the repository)."""
    return tmp_path_factory.mktemp("slide-screenshots")


def _requests(browser) -> list:
    """The URLs the browser asked for since the last call (DevTools' network log)."""
    urls = []
    for entry in browser.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def _off_machine(urls) -> list:
    local = ("http://127.0.0.1", "https://127.0.0.1", "ws://127.0.0.1", "http://localhost",
             "ws://localhost")
    return [u for u in urls if u.split(":", 1)[0] in ("http", "https", "ws", "wss", "ftp")
            and not u.startswith(local)]


def _run_against_the_reference(path, folder):
    """A copy of the notebook at ``path``, run top to bottom against the reference helpers."""
    from nbclient import NotebookClient

    make_helpers(folder)
    for name in ("autograder", "solutions", "data"):
        if (ROOT / name).exists():
            (folder / name).symlink_to(ROOT / name)
    (folder / "notebooks").mkdir()
    nb = nbformat.read(path, as_version=4)
    with pytest.MonkeyPatch.context() as env:   # (the fixture using it is module-scoped)
        env.setenv("COURSE_QUICK", "1")         # short training runs
        env.delenv("MPLBACKEND", raising=False)  # inline plots
        NotebookClient(nb, timeout=600, kernel_name="python3",
                       resources={"metadata": {"path": str(folder / "notebooks")}}).execute()
    out = folder / "notebooks" / path.name
    nbformat.write(nb, out)
    return out


@pytest.fixture(scope="module")
def decks(tmp_path_factory):
    """The slide files of every sprint, sprint 0's from a run copy: ``{stem: html path}``."""
    ran = _run_against_the_reference(ROOT / "notebooks" / f"{RUN_FIRST}.ipynb",
                                     tmp_path_factory.mktemp("ran"))
    paths = [ran if p.stem == RUN_FIRST else p for p in NOTEBOOKS]
    out = tmp_path_factory.mktemp("decks")
    return {p.name.replace(".slides.html", ""): p
            for p in slides.render_all(out, paths, progress=False)}


WAIT_FOR_MATHJAX = """
    const done = arguments[arguments.length - 1];
    const wait = () => {
        if (window.Reveal && Reveal.isReady() && window.MathJax && MathJax.Hub
                && MathJax.isReady) {
            MathJax.Hub.Queue(() => done(true));
        } else {
            setTimeout(wait, 100);
        }
    };
    wait();"""

STATE = """
    const slides = document.querySelector('.reveal .slides');
    const text = slides.cloneNode(true);
    text.querySelectorAll('script, style, pre, code, .MathJax_Preview, .MathJax, .MathJax_Display,'
                          + ' .MathJax_SVG, mjx-container').forEach(e => e.remove());
    return {
        total: Reveal.getTotalSlides(),
        indices: Reveal.getIndices(),
        tex: slides.querySelectorAll('script[type^="math/tex"]').length,
        typeset: MathJax.Hub.getAllJax(slides).filter(j => j.root && !j.texError).length,
        rendered: slides.querySelectorAll('.MathJax, .MathJax_Display').length,
        errors: slides.querySelectorAll('.MathJax_Error, merror, [data-mjx-error]').length,
        text: text.textContent,
        images: Array.from(document.images).map(i => ({
            src: i.src.slice(0, 40), complete: i.complete, width: i.naturalWidth})),
    };"""


def _platform_fonts(browser, selector: str) -> list:
    """The fonts Chromium drew the text of ``selector``'s element with (DevTools CSS)."""
    browser.execute_cdp_cmd("DOM.enable", {})
    browser.execute_cdp_cmd("CSS.enable", {})
    root = browser.execute_cdp_cmd("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
    node = browser.execute_cdp_cmd("DOM.querySelector", {"nodeId": root, "selector": selector})
    fonts = browser.execute_cdp_cmd("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})
    return fonts["fonts"]


@pytest.mark.slow
def test_every_sprint_presents_offline_from_the_slide_files(browser, decks, shots):
    from selenium.webdriver.common.keys import Keys

    _requests(browser)  # forget the browser's start page
    for stem, page in decks.items():
        browser.get(page.resolve().as_uri())
        assert browser.execute_async_script(WAIT_FOR_MATHJAX), stem
        state = js(browser, STATE)
        nb = slides.slide_deck(nbformat.read(ROOT / "notebooks" / f"{stem}.ipynb",
                                             as_version=4))
        assert state["total"] >= 5 and state["indices"]["h"] == 0, (stem, state["total"])

        # Navigation: → goes to the next slide, ↓ into its sub-slides.
        body = browser.find_element("tag name", "body")
        body.send_keys(Keys.ARROW_RIGHT)
        wait(lambda: js(browser, "return Reveal.getIndices().h") == 1, 10, f"{stem}: slide 2")
        if js(browser, "return Reveal.availableRoutes().down"):
            body.send_keys(Keys.ARROW_DOWN)
            wait(lambda: js(browser, "return Reveal.getIndices().v") == 1, 10,
                 f"{stem}: the first sub-slide")

        # Formulas: every one typeset, no TeX left as text.
        has_math = any("$" in c.source for c in nb.cells if c.cell_type == "markdown")
        assert state["tex"] > 0 or not has_math, f"{stem}: MathJax found no formula"
        assert state["typeset"] == state["tex"] and state["rendered"] >= state["tex"], \
            (stem, state["tex"], state["typeset"], state["rendered"])
        assert state["errors"] == 0, f"{stem}: {state['errors']} formula(s) failed to typeset"
        for raw in ("$$", "\\frac", "\\sum", "\\mathbf", "\\partial", "\\begin{"):
            assert raw not in state["text"], f"{stem}: raw {raw!r} on the slides"

        # Images and plots decode.
        for img in state["images"]:
            assert img["complete"] and img["width"] > 0, (stem, img)
        if stem == RUN_FIRST:
            assert len(state["images"]) >= 2, f"{stem}: the run copy's plots are not shown"

        # The Japanese terms: a problem slide, drawn with a CJK font.
        where = js(browser, """
            const h = Array.from(document.querySelectorAll(
                    '.reveal .slides h2, .reveal .slides h3'))
                .find(e => e.textContent.includes('【問題'));
            if (!h) return null;
            h.setAttribute('data-cjk-probe', '1');
            const i = Reveal.getIndices(h.closest('section'));
            Reveal.configure({transition: 'none'});  // a still slide for the screenshot
            Reveal.slide(i.h, i.v);
            return i;""")
        assert where, f"{stem}: no 【問題N】 heading on the slides"
        wait(lambda: js(browser, "return document.querySelector('[data-cjk-probe]')"
                                 ".closest('section').classList.contains('present')"), 10,
             f"{stem}: the problem slide")
        fonts = _platform_fonts(browser, "[data-cjk-probe]")
        assert any("CJK" in f["familyName"] or "Noto Sans JP" in f["familyName"]
                   for f in fonts), f"{stem}: 【問題】 drawn with {fonts}"
        browser.save_screenshot(str(shots / f"{stem}.png"))

        sent = _requests(browser)
        assert any(u.startswith("file://") and "MathJax.js" in u for u in sent), stem
        assert not _off_machine(sent), f"{stem} asked the network for {_off_machine(sent)}"
    print(f"\nslide screenshots: {shots}")


@pytest.fixture(scope="module")
def rise_lab(tmp_path_factory):
    """JupyterLab with RISE over a copy of the course, RISE set up by ``slides --rise``."""
    if importlib.util.find_spec("jupyterlab_rise") is None:
        pytest.skip("RISE (jupyterlab-rise) is not installed: pip install -r requirements.txt")
    from jupyterlab.commands import get_app_dir

    course = lab_course(tmp_path_factory.mktemp("rise-course"), RISE_NOTEBOOK)
    home = tmp_path_factory.mktemp("rise-home")
    # A JupyterLab application folder of our own (its settings are what `slides --rise` writes),
    # the rest of it the installed one's.
    app_dir = home / "lab-app"
    app_dir.mkdir()
    for part in os.listdir(get_app_dir()):
        if part != "settings":
            (app_dir / part).symlink_to(os.path.join(get_app_dir(), part))
    news = home / "settings" / "@jupyterlab" / "apputils-extension" / \
        "notification.jupyterlab-settings"
    news.parent.mkdir(parents=True)
    news.write_text('{"fetchNews": "false"}')  # no news prompt over the slides
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    env.update(HOME=str(home), JUPYTER_RUNTIME_DIR=str(home / "runtime"),
               JUPYTER_CONFIG_DIR=str(home / "config"), JUPYTERLAB_DIR=str(app_dir),
               JUPYTERLAB_SETTINGS_DIR=str(home / "settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"), PYTHONUNBUFFERED="1")
    done = subprocess.run([sys.executable, "-m", "autograder", "slides", "--rise"], env=env,
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert (app_dir / "settings" / "overrides.d" / slides.RISE_OVERRIDES).is_file()
    with jupyter_lab(course, home, env) as (url, token):
        yield url, token


@pytest.mark.slow
def test_rise_presents_a_sprint_live_in_jupyterlab_offline(browser, rise_lab):
    from selenium.webdriver.common.keys import Keys

    url, token = rise_lab
    _requests(browser)
    # What "Render as Reveal Slideshow" (Alt+R) opens beside the notebook, as a page of its own.
    browser.get(f"{url}/rise/notebooks/{RISE_NOTEBOOK}?token={token}")
    present = """
        const s = Array.from(document.querySelectorAll('.reveal .slides > section'));
        return s.findIndex(e => e.classList.contains('present'));"""
    wait(lambda: js(browser, present) == 0 and js(
        browser, "return document.querySelectorAll('.reveal mjx-container').length"), 120,
          "RISE to present the notebook with typeset formulas")
    sections = js(browser, "return document.querySelectorAll('.reveal .slides > section').length")
    nb = nbformat.read(ROOT / "notebooks" / RISE_NOTEBOOK, as_version=4)
    parts = sum(c.metadata.get("slideshow", {}).get("slide_type") == "slide" for c in nb.cells)
    assert sections == parts, (sections, parts)  # one slide per part, as the metadata says
    assert "white" in js(browser, "return document.body.className"), \
        "RISE is not using the course's theme (slides --rise)"
    browser.find_element("tag name", "body").send_keys(Keys.ARROW_RIGHT)
    wait(lambda: js(browser, present) == 1, 20, "→ to move to the second slide")
    sub = """
        const h = document.querySelector('.reveal .slides > section.present');
        const v = Array.from(h.querySelectorAll(':scope > section'));
        return [v.length, v.findIndex(e => e.classList.contains('present'))];"""
    count, index = js(browser, sub)
    if count > 1:  # Space: the next sub-slide (in RISE, ↓ moves to the next cell as in Lab)
        browser.find_element("tag name", "body").send_keys(Keys.SPACE)
        wait(lambda: js(browser, sub)[1] == index + 1, 20, "Space to move to the next sub-slide",
             on_timeout=lambda: f" (at {js(browser, sub)})")
    math = js(browser, "return document.querySelectorAll('.reveal mjx-container').length")
    assert math > 0
    text = js(browser, "return document.querySelector('.reveal .slides').innerText")
    assert "$$" not in text
    sent = _requests(browser)
    assert not _off_machine(sent), f"RISE asked the network for {_off_machine(sent)}"


@pytest.mark.slow
def test_a_facilitator_presents_live_and_runs_a_plot_on_a_slide(browser, rise_lab, shots):
    """The facilitator's way: open the notebook in JupyterLab, run the cells before the part to
    present (the setup cell is skipped on the slides), press Alt+R; on the slide show beside it,
    run the plot cell of a slide: the plot appears on the slide, drawn by the notebook's kernel
    (which the slide show shares)."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    url, token = rise_lab
    _requests(browser)
    browser.get(f"{url}/lab/tree/notebooks/{RISE_NOTEBOOK}?token={token}")
    kernel = """
        const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
        const k = w && w.sessionContext && w.sessionContext.session
                  && w.sessionContext.session.kernel;
        return k ? k.status : '';"""
    wait(lambda: js(browser, kernel) == "idle", 180, "the notebook's kernel")
    # Run All Above the plot cell: the setup cell (skipped on the slides) and the imports.
    above = js(browser, """
        const panel = window.jupyterapp.shell.currentWidget;
        const cells = panel.content.model.cells;
        for (let i = 0; i < cells.length; i++) {
            if (cells.get(i).sharedModel.getSource().includes('def step(x):')) {
                panel.content.activeCellIndex = i;
                window.jupyterapp.commands.execute('notebook:run-all-above');
                return i;
            }
        }
        return -1;""")
    assert above > 0, "no plot cell in the notebook"
    wait(lambda: js(browser, f"""
        const cells = window.jupyterapp.shell.currentWidget.content.model.cells;
        for (let i = 0; i < {above}; i++) {{
            const c = cells.get(i);
            if (c.type === 'code' && c.executionCount === null) return false;
        }}
        return true;""") and js(browser, kernel) == "idle", 180, "the cells above to run")
    js(browser, "window.jupyterapp.commands.execute('RISE:preview');")  # Alt+R
    frame = wait(lambda: browser.find_element("css selector", "iframe[src*='/rise/']"), 60,
                 "RISE's slide show beside the notebook")
    browser.switch_to.frame(frame)
    try:
        wait(lambda: js(browser, "return !!document.querySelector("
                                 "'.reveal .slides > section.present')"), 120,
             "the slide show")
        # The slide with the plot of the step function and its derivative (sprint 2, 1.).
        found = """
            const cell = Array.from(document.querySelectorAll('.jp-CodeCell')).find(
                c => c.textContent.includes('def step(x):'));
            if (!cell) return null;
            const v = cell.closest('section'), h = v.parentElement.closest('section') || v;
            return [h.classList.contains('present'), v.classList.contains('present')];"""
        for _ in range(40):
            where = js(browser, found)
            assert where is not None, "the plot cell is not on the slides"
            if where[1]:
                break
            browser.find_element("tag name", "body").send_keys(Keys.SPACE)  # the next slide
            time.sleep(0.6)
        assert js(browser, found)[1], "Space did not reach the plot's slide"
        editor = browser.execute_script("""
            return Array.from(document.querySelectorAll('.jp-CodeCell')).find(
                c => c.textContent.includes('def step(x):')).querySelector('.cm-content');""")
        editor.click()
        ActionChains(browser).key_down(Keys.SHIFT).send_keys(Keys.ENTER).key_up(Keys.SHIFT) \
            .perform()
        plot = """
            const cell = Array.from(document.querySelectorAll('.jp-CodeCell')).find(
                c => c.textContent.includes('def step(x):'));
            const out = cell.querySelector('.jp-OutputArea');
            if (out && out.innerText.includes('Traceback')) return 'error: ' + out.innerText;
            const img = cell.querySelector('.jp-OutputArea-output img');
            return img && img.complete ? img.naturalWidth : 0;"""
        width = wait(lambda: js(browser, plot), 120, "the plot on the slide",
                     on_timeout=lambda: (browser.save_screenshot(str(shots / "rise-no-plot.png"))
                                        and "") + js(browser, """
            return '\\n' + Array.from(document.querySelectorAll('.jp-CodeCell')).find(
                c => c.textContent.includes('def step(x):')).outerHTML.slice(-1500);"""))
        assert width != 0 and not str(width).startswith("error"), width
        assert width > 100, width
        js(browser, """Array.from(document.querySelectorAll('.jp-CodeCell')).find(
            c => c.textContent.includes('def step(x):')).querySelector('.jp-OutputArea-output img')
            .scrollIntoView();""")
        browser.switch_to.default_content()
        browser.save_screenshot(str(shots / "rise-live-plot.png"))
    finally:
        browser.switch_to.default_content()
    sent = _requests(browser)
    assert not _off_machine(sent), f"JupyterLab or RISE asked the network for {_off_machine(sent)}"
