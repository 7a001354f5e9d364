"""Browser fixtures: both servers from the trained model, and headless Chromium.

The servers run on free ports with their own booking database and tracker
store under a temporary folder and a fixed clock (a Tuesday morning, when the
consultation line is open), like the integration tests. Chromium and its
driver come from Debian (scripts/install-browser.sh, run here, idempotent) and
are driven by Selenium; each test gets a fresh browser profile. Screenshots go
to tests/output/screenshots/ (git-ignored).

These fixtures never train: `make test` trains before the slow tests, and a
missing model stops the session with a clear message.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from bot import launcher

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "tests" / "output" / "screenshots"
FIXED_NOW = "2026-11-24T10:00:00+00:00"
REPLY_TIMEOUT = 60.0

CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage", "--window-size=1280,900")


@pytest.fixture(scope="session")
def browser_env(tmp_path_factory):
    folder = tmp_path_factory.mktemp("browser")
    env = {"NEST_DB_URL": f"sqlite:///{folder / 'nest.db'}", "NEST_NOW": FIXED_NOW}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    from bot.conversation.booking import reset_service
    reset_service()
    from bot.cli import prepare_data
    prepare_data()              # migrate and load the demo directory into that database
    yield dict(env, folder=folder)
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    reset_service()


@pytest.fixture(scope="session")
def chat_servers(browser_env):
    if not launcher.MODEL_FILE.exists():
        pytest.fail(f"no trained model at {launcher.MODEL_FILE}: run `nest-bot train` (make test does)")
    env = {k: v for k, v in browser_env.items() if k != "folder"}
    with launcher.Servers(rasa_port=launcher.free_port(), actions_port=launcher.free_port(),
                          name="btest", env=env, tracker_db=browser_env["folder"] / "tracker.db") as running:
        yield running


@pytest.fixture(scope="session")
def chromium_paths():
    subprocess.run(["bash", str(REPO / "scripts" / "install-browser.sh")], check=True)
    binary, driver = shutil.which("chromium"), shutil.which("chromedriver")
    assert binary and driver, "chromium / chromedriver not found after scripts/install-browser.sh"
    return binary, driver


@pytest.fixture
def driver(chromium_paths, tmp_path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ.setdefault("SE_AVOID_STATS", "true")
    binary, driver_path = chromium_paths
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path / 'profile'}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    browser = webdriver.Chrome(options=options, service=Service(executable_path=driver_path))
    browser.set_page_load_timeout(60)
    try:
        yield browser
    finally:
        browser.quit()


class ChatPage:
    """The chat page in one browser, with the few actions a user takes."""

    def __init__(self, driver, url: str):
        self.driver = driver
        self.url = url

    # -- navigation
    def open(self) -> "ChatPage":
        self.driver.get(self.url)
        self.wait_for(lambda: self.driver.execute_script(
            "return document.body.classList.contains('ready')"), "the page to start")
        return self

    def reload(self) -> "ChatPage":
        self.driver.refresh()
        self.wait_for(lambda: self.driver.execute_script(
            "return document.body.classList.contains('ready')"), "the page to start again")
        return self

    # -- finding things
    def find(self, css: str):
        from selenium.webdriver.common.by import By
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def find_all(self, css: str, within=None):
        from selenium.webdriver.common.by import By
        return (within or self.driver).find_elements(By.CSS_SELECTOR, css)

    def bot_turns(self):
        return self.find_all("#log > li.msg.bot")

    def user_turns(self):
        return [li.text.strip() for li in self.find_all("#log > li.msg.user .bubble")]

    def last_bot_turn(self):
        turns = self.bot_turns()
        assert turns, "the bot has not answered"
        return turns[-1]

    # -- waiting
    def wait_for(self, condition, what: str, timeout: float = REPLY_TIMEOUT):
        deadline = time.monotonic() + timeout
        while True:
            value = condition()
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}")
            time.sleep(0.1)

    def replies(self) -> int:
        return int(self.find("body").get_attribute("data-replies") or 0)

    def wait_for_reply(self, before: int):
        """Wait for the answer to the request just made; ``before`` is
        :meth:`replies` before it.  Returns the last bot turn."""
        self.wait_for(lambda: self.replies() > before, "the bot's reply")
        return self.last_bot_turn()

    # -- acting
    def type_and_enter(self, text: str):
        from selenium.webdriver.common.keys import Keys
        before = self.replies()
        box = self.find("#message")
        box.click()
        box.send_keys(text)
        box.send_keys(Keys.ENTER)
        return self.wait_for_reply(before)

    def click_button(self, turn, title_part: str = "", payload_prefix: str = ""):
        before = self.replies()
        for button in self.find_all("button.reply", within=turn):
            if title_part in button.text and (button.get_attribute("data-payload") or "").startswith(payload_prefix):
                title = button.text
                # (chromedriver does not scroll an element that is in the viewport but
                # under the sticky message box; a user would scroll, so do the same)
                self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
                button.click()
                return title, self.wait_for_reply(before)
        raise AssertionError(f"no button {title_part!r} {payload_prefix!r} in: "
                             + ", ".join(b.text for b in self.find_all("button.reply", within=turn)))

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        time.sleep(0.3)     # let the last message's fade-in finish
        path = SCREENSHOTS / f"{name}.png"
        # the whole page, not just the viewport
        height = self.driver.execute_script("return document.documentElement.scrollHeight")
        metrics = self.driver.execute_script("return [window.innerWidth, window.innerHeight]")
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": max(int(metrics[0]), 1), "height": min(max(int(height), 1), 6000),
            "deviceScaleFactor": 1, "mobile": metrics[0] <= 480})
        try:
            self.driver.save_screenshot(str(path))
        finally:
            if self._override is None:
                self.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
            else:
                self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", self._override)
        assert path.stat().st_size > 1000
        return path

    _override = None

    def emulate_width(self, width: int, height: int = 720):
        self._override = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": True}
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", self._override)

    def console_errors(self) -> list:
        """Errors the page logged (script errors, refused content, failed loads)."""
        return [e["message"] for e in self.driver.get_log("browser") if e["level"] == "SEVERE"]

    def is_uncovered(self, element) -> bool:
        """Nothing (such as the sticky message box) hides the element's centre."""
        return bool(self.driver.execute_script(
            "const r = arguments[0].getBoundingClientRect();"
            "const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);"
            "return hit === arguments[0] || arguments[0].contains(hit);", element))

    def stored_state(self) -> dict:
        raw = self.driver.execute_script("return window.localStorage.getItem('nestbot.webchat.v1')")
        return json.loads(raw) if raw else {}


@pytest.fixture
def page(driver, chat_servers):
    return ChatPage(driver, f"{chat_servers.rasa_url}/webhooks/webchat/")


# WCAG relative luminance contrast of an element's text on its effective background.
CONTRAST_JS = """
const el = arguments[0];
function parse(c) { const m = c.match(/rgba?\\(([^)]+)\\)/); if (!m) return null;
  const p = m[1].split(',').map(s => parseFloat(s)); return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1}; }
function lum(c) { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); }
let bg = null, node = el;
while (node && node.nodeType === 1) {
  const c = parse(getComputedStyle(node).backgroundColor);
  if (c && c.a > 0.99) { bg = c; break; }
  node = node.parentElement;
}
bg = bg || {r: 255, g: 255, b: 255, a: 1};
const fg = parse(getComputedStyle(el).color);
const l1 = lum(fg), l2 = lum(bg);
return (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
"""


def contrast(driver, element) -> float:
    return float(driver.execute_script(CONTRAST_JS, element))
