"""The example page (``/app/``) driven in headless Chromium (issue 14).

Debian's ``chromium`` and ``chromium-driver`` through Selenium's Python
client: the driver's path is given, so Selenium Manager downloads nothing
(``SE_OFFLINE`` too). Without them the test is skipped, except under
``CI=true`` where it fails (.ci/run installs them).

The example project runs under ``runserver`` with its own SQLite file; the
page is opened at ``http://localhost:<port>/app/``. Two attacker pages are
served by this test: one from another port of localhost (same site, so the
Lax cookies go along and Django's CSRF check is what refuses the forged
POST) and one from 127.0.0.2 (another site: the browser keeps the Lax
cookies back).

Each step saves a screenshot into tests/artifacts/browser/ (git-ignored;
``SIMPLEJWT_ARTIFACTS`` names another directory), listed in STEPS.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "example"
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
ARTIFACTS = (
    Path(os.environ.get("SIMPLEJWT_ARTIFACTS") or ROOT / "tests" / "artifacts")
    / "browser"
)

STEPS = [
    "01-page",
    "02-header-login",
    "03-header-api",
    "04-header-refresh",
    "05-header-logout",
    "06-header-after-logout",
    "07-cookie-login",
    "08-cookie-document-cookie",
    "09-cookie-api",
    "10-cookie-post-without-csrf",
    "11-cookie-post-with-csrf",
    "12-attack-same-site-other-port",
    "13-attack-other-site",
    "14-cookie-refresh",
    "15-cookie-logout",
    "16-cookie-after-logout",
]


def browser_missing() -> str | None:
    for path in (CHROMIUM, CHROMEDRIVER):
        if not os.access(path, os.X_OK):
            return f"{path} not found (apt-get install chromium chromium-driver)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "the selenium package is not installed"
    return None


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


class AttackerSite:
    """A page that auto-submits a form POST to the example's cookie API,
    with no CSRF token (it cannot read one)."""

    def __init__(self, host: str, target: str) -> None:
        page = f"""<!doctype html><html><body>
<h1>Win a prize!</h1>
<form id="forged" method="POST" action="{target}">
  <input name="name" value="pwned by {host}">
</form>
<script>document.getElementById("forged").submit();</script>
</body></html>""".encode()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(page)))
                self.end_headers()
                self.wfile.write(page)

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer((host, 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://{host}:{self.httpd.server_address[1]}/"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="module")
def example_server(tmp_path_factory):
    env = {k: v for k, v in os.environ.items() if not k.startswith("EXAMPLE_")}
    env.update(
        DJANGO_SETTINGS_MODULE="project.settings",
        EXAMPLE_DB=str(tmp_path_factory.mktemp("browser") / "db.sqlite3"),
        PYTHONUNBUFFERED="1",
    )
    env.pop("PYTHONPATH", None)
    for command in (["migrate", "--verbosity", "0"], ["ensure_demo_user"]):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=EXAMPLE,
            env=env,
            check=True,
            capture_output=True,
            timeout=120,
        )
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=EXAMPLE,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    url = f"http://localhost:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/app/", timeout=2)
            break
        except (OSError, urllib.error.URLError):
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(process.stdout.read().decode()) from None
            time.sleep(0.2)
    yield url
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def driver():
    missing = browser_missing()
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true needs the browser: {missing}")
        pytest.skip(missing)
    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager stays idle
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new",
        "--no-sandbox",  # CI runs as root
        "--disable-dev-shm-usage",
        "--window-size=1280,900",
        "--no-first-run",
        "--disable-extensions",
        "--password-store=basic",
    ):
        options.add_argument(argument)
    chrome = webdriver.Chrome(
        service=Service(executable_path=CHROMEDRIVER), options=options
    )
    chrome.set_page_load_timeout(30)
    yield chrome
    chrome.quit()


@pytest.fixture(scope="module")
def artifacts():
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    return ARTIFACTS


class Page:
    def __init__(self, driver, artifacts: Path) -> None:
        self.driver = driver
        self.artifacts = artifacts
        self.shots: list[str] = []

    def shot(self, name: str) -> None:
        path = self.artifacts / f"{name}.png"
        assert self.driver.save_screenshot(str(path)), path
        self.shots.append(name)
        print(f"screenshot {path}", flush=True)

    def click(self, mode: str, button: str) -> dict:
        """Click a button of a mode and wait for its result block."""
        from selenium.webdriver.support.ui import WebDriverWait

        result = self.driver.find_element("id", f"{mode}-result")
        before = int(result.get_attribute("data-seq"))
        self.driver.find_element("id", f"{mode}-{button}").click()
        WebDriverWait(self.driver, 15).until(
            lambda d: int(result.get_attribute("data-seq")) > before
        )
        text = result.text
        label, _, body = text.partition("\n")
        return {
            "status": int(result.get_attribute("data-status")),
            "step": result.get_attribute("data-step"),
            "body": json.loads(body) if body.strip() else None,
        }


def cookies_by_name(driver) -> dict[str, dict]:
    """Every cookie the browser holds, whatever its path (WebDriver's own
    list has only those the current page's URL would send)."""
    cookies = driver.execute_cdp_cmd("Network.getAllCookies", {})["cookies"]
    return {c["name"]: c for c in cookies}


def test_the_page_in_headless_chromium(example_server, driver, artifacts):
    page = Page(driver, artifacts)
    driver.get(example_server + "/app/")
    assert "log in, call the API" in driver.page_source
    page.shot("01-page")

    # -- header mode: tokens in memory, no cookie set --------------------------------
    login = page.click("header", "login")
    assert login["status"] == 200
    assert set(login["body"]) == {"access", "refresh"}
    assert driver.find_element("id", "header-state").text.startswith("logged in")
    assert set(cookies_by_name(driver)) == {"csrftoken"}, (
        "header mode sets no token cookie"
    )
    page.shot("02-header-login")

    me = page.click("header", "api")
    assert (me["status"], me["body"]["username"]) == (200, "demo")
    page.shot("03-header-api")

    before = driver.find_element("id", "header-state").text
    refresh = page.click("header", "refresh")
    assert refresh["status"] == 200
    after = driver.find_element("id", "header-state").text
    assert after != before, "refresh (with rotation) replaced the tokens in memory"
    page.shot("04-header-refresh")

    logout = page.click("header", "logout")
    assert logout["status"] == 200
    assert driver.find_element("id", "header-state").text == "logged out"
    page.shot("05-header-logout")
    me = page.click("header", "api")
    assert me["status"] == 401
    page.shot("06-header-after-logout")

    # -- cookie mode ------------------------------------------------------------------
    login = page.click("cookie", "login")
    assert login["status"] == 200
    assert login["body"] == {}, "the tokens are not in the body"
    jar = cookies_by_name(driver)
    assert jar["access_token"]["httpOnly"] is True
    assert jar["refresh_token"]["httpOnly"] is True
    assert jar["access_token"]["sameSite"] == "Lax"
    assert jar["refresh_token"]["path"] == "/api/cookie/token/"
    page.shot("07-cookie-login")

    shown = page.click("cookie", "show")
    seen = driver.execute_script("return document.cookie")
    assert shown["body"] == seen
    assert "csrftoken=" in seen
    for name in ("access_token", "refresh_token"):
        assert name not in seen
        assert jar[name]["value"] not in seen
    page.shot("08-cookie-document-cookie")

    me = page.click("cookie", "api")
    assert (me["status"], me["body"]["username"]) == (200, "demo")
    name_before = me["body"]["name"]
    page.shot("09-cookie-api")

    refused = page.click("cookie", "nocsrf")
    assert refused["status"] == 403
    assert refused["body"] == {"detail": "CSRF Failed: CSRF token missing."}
    page.shot("10-cookie-post-without-csrf")

    renamed = page.click("cookie", "rename")
    assert renamed["status"] == 200
    assert renamed["body"]["name"].startswith("Demo ")
    name_before = renamed["body"]["name"]
    page.shot("11-cookie-post-with-csrf")

    # -- forged cross-site form POSTs ---------------------------------------------------
    app_port = example_server.rsplit(":", 1)[1]
    target = f"http://localhost:{app_port}/api/cookie/me/"
    same_site = AttackerSite("localhost", target)
    other_site = AttackerSite("127.0.0.2", target)
    try:
        driver.get(same_site.url)
        _wait_for_text(driver, "CSRF Failed")
        body = driver.find_element("tag name", "body").text
        assert "403" in body
        assert (
            f"CSRF Failed: Origin checking failed - {same_site.url.rstrip('/')} "
            "does not match any trusted origins."
        ) in body
        page.shot("12-attack-same-site-other-port")

        driver.get(other_site.url)
        _wait_for_text(driver, "Authentication credentials were not provided.")
        assert "401" in driver.find_element("tag name", "body").text
        page.shot("13-attack-other-site")
    finally:
        same_site.close()
        other_site.close()

    driver.get(example_server + "/app/")
    me = page.click("cookie", "api")
    assert me["status"] == 200
    assert me["body"]["name"] == name_before, "no forged POST changed the name"

    # -- refresh and logout -------------------------------------------------------------
    old = cookies_by_name(driver)
    refresh = page.click("cookie", "refresh")
    assert refresh["status"] == 200
    assert refresh["body"] == {}
    new = cookies_by_name(driver)
    assert new["access_token"]["value"] != old["access_token"]["value"]
    assert new["refresh_token"]["value"] != old["refresh_token"]["value"]  # rotated
    page.shot("14-cookie-refresh")
    assert page.click("cookie", "api")["status"] == 200

    logout = page.click("cookie", "logout")
    assert logout["status"] == 200
    assert {"access_token", "refresh_token"}.isdisjoint(cookies_by_name(driver))
    page.shot("15-cookie-logout")

    me = page.click("cookie", "api")
    assert me["status"] == 401
    again = page.click("cookie", "refresh")
    assert again["status"] == 400, "no refresh cookie left to send"
    page.shot("16-cookie-after-logout")

    assert page.shots == STEPS
    assert sorted(p.stem for p in artifacts.glob("*.png")) == STEPS


def _wait_for_text(driver, text: str) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 15).until(lambda d: text in d.page_source)
