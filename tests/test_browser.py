"""JupyterLab in a real browser: the course as a learner meets it.

Starts ``jupyter lab`` on a free 127.0.0.1 port in a temporary copy of the course whose
``helpers/`` are the reference, opens sprint 1's notebook in headless Chromium (Debian's
``chromium`` driven by Selenium through Debian's ``chromedriver``; ``./course test`` installs
both from ``requirements-apt.txt`` and ``requirements-dev.txt``, and the test itself tries
``apt-get install`` when it runs as root), runs every cell, and checks
that the check cells print ``PASS`` and a plot appears; then that nbgrader's lab extension is
there: its *Validate* button validates the notebook, and its assignment list opens. With the
Japanese locale (what ``./course start --lang ja`` sets), JupyterLab's menus read in Japanese
from the language pack and draw real glyphs (Debian's fonts-noto-cjk), not empty boxes.

Where the browser cannot be installed (not root, no apt-get, ``COURSE_APT=0``) or Selenium is
missing, the test is skipped with the reason (pytest's ``-ra`` summary shows it).
"""
from __future__ import annotations

import os
import urllib.request
from pathlib import Path

import pytest

from .support import ROWS, browser_or_skip, js, jupyter_lab, lab_course, wait, write_grading_dir

NOTEBOOK = "sprint1_perceptron.ipynb"
RUN_TIMEOUT = 420        # seconds for the whole notebook in the browser (2 shared cores)
VALIDATE_TIMEOUT = 420   # nbgrader validate runs the notebook once more, server-side


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A running JupyterLab over a reference copy of the course: ``(url, token, folder)``."""
    webdriver, chromium, driver = browser_or_skip()
    course = lab_course(tmp_path_factory.mktemp("browser-course"), NOTEBOOK)
    (course / "exchange").mkdir()
    (course / "nbgrader_config.py").write_text(
        "c = get_config()  # noqa: F821\n"
        "c.CourseDirectory.course_id = 'dl-from-scratch'\n"
        f"c.Exchange.root = {str(course / 'exchange')!r}\n")
    home = tmp_path_factory.mktemp("browser-home")
    # Lab settings: every cell in the page (no virtual scrolling), no news prompt.
    for plugin, value in (("@jupyterlab/notebook-extension/tracker", '{"windowingMode": "none"}'),
                          ("@jupyterlab/apputils-extension/notification",
                           '{"fetchNews": "false"}')):
        path = home / "settings" / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(value)
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}  # inline plots, as a learner
    env.update(COURSE_QUICK="1", HOME=str(home), JUPYTER_RUNTIME_DIR=str(home / "runtime"),
               JUPYTER_CONFIG_DIR=str(home / "config"),
               JUPYTERLAB_SETTINGS_DIR=str(home / "settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"), PYTHONUNBUFFERED="1")
    env.pop("AUTOGRADER_STRICT", None)
    with jupyter_lab(course, home, env) as (url, token):
        browser = _chrome(webdriver, chromium, driver, home)
        try:
            yield browser, url, token, course, home
        finally:
            browser.quit()


def _chrome(webdriver, chromium: str, driver: str, home: Path):
    """A headless chromium driven by Selenium, its profile in ``home``."""
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1400,1000", f"--user-data-dir={home / 'chromium'}",
                "--no-first-run", "--disable-extensions"):
        options.add_argument(arg)
    browser = webdriver.Chrome(options=options, service=Service(executable_path=driver))
    browser.set_script_timeout(60)
    return browser


def _output_text(browser) -> str:
    return js(browser, """
        return Array.from(document.querySelectorAll(
                '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output'))
            .map(e => e.innerText).join('\\n');""")


@pytest.mark.slow
def test_a_sprint_notebook_runs_in_jupyterlab_and_nbgrader_validates_it(lab):
    browser, url, token, course, home = lab
    shots = home / "screenshots"
    shots.mkdir(exist_ok=True)

    def shot(name):
        browser.save_screenshot(str(shots / f"{name}.png"))
        return f"\nscreenshot: {shots / name}.png; server log: {home / 'jupyter.log'}"

    browser.get(f"{url}/lab/tree/notebooks/{NOTEBOOK}?token={token}")
    wait(lambda: js(browser, "return !!(window.jupyterapp && window.jupyterapp.shell)"), 120,
         "JupyterLab's application object", on_timeout=lambda: shot("no-app"))
    kernel_state = """
        const w = window.jupyterapp.shell.currentWidget;
        if (!w || !w.sessionContext || !w.context
            || !w.context.path.endsWith('NOTEBOOK')) return '';
        const k = w.sessionContext.session && w.sessionContext.session.kernel;
        return k ? k.status : '';""".replace("NOTEBOOK", NOTEBOOK)
    wait(lambda: js(browser, kernel_state) == "idle", 180, "the notebook's kernel",
         on_timeout=lambda: shot("no-kernel"))

    # The learner's Run > Run All Cells.
    js(browser, "window.jupyterapp.commands.execute('notebook:run-all-cells');")

    def finished():
        code, pending, errors = js(browser, """
            const cells = window.jupyterapp.shell.currentWidget.content.model.cells;
            let code = 0, pending = 0, errors = 0;
            for (let i = 0; i < cells.length; i++) {
                const c = cells.get(i);
                if (c.type !== 'code') continue;
                code++;
                if (c.executionCount === null) pending++;
                for (const o of c.toJSON().outputs || []) if (o.output_type === 'error') errors++;
            }
            return [code, pending, errors];""")
        if errors:
            raise AssertionError(f"{errors} cell(s) raised an error:\n"
                                 f"{_output_text(browser)[-3000:]}{shot('cell-error')}")
        return pending == 0 and js(browser, kernel_state) == "idle" and code

    ran = wait(finished, RUN_TIMEOUT, "every cell to run", interval=2,
               on_timeout=lambda: shot("run-all"))
    text = _output_text(browser)
    shot("after-run-all")
    assert "✔ PASS" in text, f"no PASS from the check cells:\n{text[-3000:]}"
    assert "FAIL" not in text and "Traceback" not in text, text[-3000:]
    plots = js(browser, """
        return document.querySelectorAll(
            '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output img').length;""")
    assert plots >= 1, "no plot (an <img> output) in the notebook"
    assert ran >= 10

    # nbgrader's lab extension: the Validate button in the notebook's toolbar.
    button = wait(lambda: browser.find_element("css selector", "button.validate-button, "
                                               ".validate-button button, .validate-button"),
                  60, "nbgrader's Validate button", on_timeout=lambda: shot("no-validate"))
    button.click()
    dialog_text = """
        const d = document.querySelector('.jp-Dialog');
        return d ? d.innerText : '';"""
    result = wait(lambda: ("passes all the tests" in js(browser, dialog_text)
                           or "failed" in js(browser, dialog_text).lower()
                           or "error" in js(browser, dialog_text).lower())
                  and js(browser, dialog_text), VALIDATE_TIMEOUT, "nbgrader's validation result",
                  interval=2, on_timeout=lambda: shot("validate"))
    shot("validated")
    assert "Success! Your notebook passes all the tests" in result, result[:2000]
    js(browser, "document.querySelector('.jp-Dialog button.jp-mod-accept, .jp-Dialog button')"
                ".click();")

    # ... and its assignment list (Nbgrader > Assignment List).
    commands = js(browser, "return window.jupyterapp.commands.listCommands();")
    assert "nbgrader:open-assignment-list" in commands
    js(browser, "window.jupyterapp.commands.execute('nbgrader:open-assignment-list');")
    panel = wait(lambda: js(browser, """
        const p = document.querySelector(
            '.nbgrader-assignment-list, #nbgrader-assignment-list, .nbgrader-mainarea-widget');
        return p ? p.innerText : '';"""), 60, "the assignment list",
                 on_timeout=lambda: shot("assignment-list"))
    shot("assignment-list")
    assert "Released assignments" in panel, panel[:2000]


# Glyph pictures of some characters in the menu bar's own font, drawn on a canvas: a character
# no installed font has is drawn as the same empty box (tofu) as U+10FFFD (never assigned).
GLYPHS = """
    const label = document.querySelector('.lm-MenuBar-itemLabel');
    const style = getComputedStyle(label);
    const canvas = document.createElement('canvas');
    canvas.width = 80; canvas.height = 80;
    const g = canvas.getContext('2d');
    g.font = '48px ' + style.fontFamily;
    const draw = ch => { g.clearRect(0, 0, 80, 80); g.fillText(ch, 8, 60);
                         return Array.from(g.getImageData(0, 0, 80, 80).data).join(','); };
    return {missing: draw(String.fromCodePoint(0x10FFFD)),
            glyphs: Array.from(arguments[0]).map(draw)};"""


@pytest.mark.slow
def test_jupyterlab_shows_its_menus_in_japanese_with_the_language_pack(lab):
    """The Japanese edition's JupyterLab (``./course start --lang ja`` makes ``ja_JP`` its
    locale): its menus read in Japanese and draw real glyphs (fonts-noto-cjk), not tofu."""
    browser, url, token, course, home = lab
    request = urllib.request.Request(
        f"{url}/lab/api/settings/@jupyterlab/translation-extension:plugin?token={token}",
        data=b'{"raw": "{\\"locale\\": \\"ja_JP\\"}"}', method="PUT",
        headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as r:
        assert r.status == 204
    try:
        browser.get(f"{url}/lab?token={token}")
        menu_labels = """
            return Array.from(document.querySelectorAll('.lm-MenuBar-itemLabel'))
                .map(e => e.textContent);"""
        wait(lambda: "ファイル" in js(browser, menu_labels)          # and the splash gone
             and not js(browser, "return !!document.querySelector('#jupyterlab-splash')"),
             180, "JupyterLab's menus in Japanese",
             on_timeout=lambda: browser.save_screenshot(str(home / "screenshots-ja.png"))
             and f"; menus: {js(browser, menu_labels)}")
        browser.save_screenshot(str(home / "screenshots-ja.png"))
        labels = js(browser, menu_labels)
        assert {"ファイル", "編集", "表示"} <= set(labels), labels
        drawn = browser.execute_script(GLYPHS, "ファイル編集表示")
        distinct = len(set(drawn["glyphs"]))
        tofu = f"install fonts-noto-cjk; screenshot {home}/screenshots-ja.png"
        assert distinct == len("ファイル編集表示"), (
            f"Japanese drawn as boxes: {distinct} distinct glyph(s) for 8 characters; {tofu}")
        assert drawn["missing"] not in drawn["glyphs"], f"Japanese drawn as tofu; {tofu}"
    finally:                                    # the module's other tests keep English menus
        request.data = b'{"raw": "{}"}'
        urllib.request.urlopen(request, timeout=30).close()


@pytest.mark.slow
def test_the_class_report_opens_in_a_browser_and_shows_its_plots(tmp_path):
    """The instructor's class report, as chromium renders it: every plot decodes and shows."""
    from autograder.instructor import report


    webdriver, chromium, driver = browser_or_skip()
    written = report.write_report(write_grading_dir(tmp_path))
    browser = _chrome(webdriver, chromium, driver, tmp_path)
    try:
        browser.get(written["report"].resolve().as_uri())
        wait(lambda: js(browser, "return document.readyState") == "complete", 60,
             "the report to load")
        images = js(browser, """
            return Array.from(document.images).map(i => ({
                complete: i.complete, width: i.naturalWidth, height: i.naturalHeight,
                shown: i.getBoundingClientRect().width, alt: i.alt}));""")
        assert len(images) >= 2, images            # score distribution, pass rate per exercise
        for img in images:
            assert img["complete"] and img["width"] > 100 and img["height"] > 100, img
            assert img["shown"] > 100 and img["alt"], img   # laid out on the page, described
        text = js(browser, "return document.body.innerText")
        for student in {r[0] for r in ROWS}:
            assert student in text, student
        assert not js(browser, "return document.querySelectorAll('script').length")
    finally:
        browser.quit()
