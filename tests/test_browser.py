"""The quick-start notebook in a real JupyterLab, driven by headless Chromium.

Starts JupyterLab on 127.0.0.1 (free port, random token, scratch folder),
opens notebooks/01_quick_start.ipynb, runs Run > Run All Cells, waits for the
kernel to go idle, and checks that every code cell ran, the figure rendered
as an image and no cell shows an error. A screenshot is saved to the test's
tmp folder and, when THREADFRAME_ARTIFACTS is set, copied there.

Needs Debian's ``chromium`` (``scripts/install-browser.sh``, run by ``make
test``) and the ``playwright`` Python package (dev extra; its own browser
download is not used). Skips with the reason when either is missing.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from loopback import loopback_problem
from notebook_kernel import NOTEBOOKS, jupyter_env, stage_notebook

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = Path(os.environ.get("THREADFRAME_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 # CI containers often have a tiny /dev/shm; Chromium's tabs crash on it.
                 "--disable-dev-shm-usage"]
NOTEBOOK = NOTEBOOKS / "01_quick_start.ipynb"

SERVER_START_S = 120
PAGE_LOAD_S = 120
RUN_ALL_S = 180
_ERROR_TEXT = re.compile(r"Traceback|^\w*(Error|Exception)\b", re.MULTILINE)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _api(base: str, token: str, path: str, method: str = "GET", timeout: float = 5.0):
    request = urllib.request.Request(f"{base}{path}", method=method,
                                     headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (localhost)
        body = response.read()
    return json.loads(body) if body else None


def _lab_settings(settings_dir: Path) -> None:
    """Render every cell (no virtual scrolling) so the test can see all outputs."""
    tracker = settings_dir / "@jupyterlab" / "notebook-extension"
    tracker.mkdir(parents=True, exist_ok=True)
    (tracker / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))


def _offline_lab_config(config_dir: Path) -> None:
    """No news feed, no update check, no announcement toasts: the server stays offline."""
    config = {"LabApp": {"news_url": None,
                         "check_for_updates_class": "jupyterlab.handlers.announcements.NeverCheckForUpdate"}}
    for name in ("jupyter_server_config.json", "jupyter_lab_config.json"):
        (config_dir / name).write_text(json.dumps(config))
    labconfig = config_dir / "labconfig"
    labconfig.mkdir(parents=True, exist_ok=True)
    (labconfig / "page_config.json").write_text(json.dumps(
        {"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}}))


class LabServer:
    def __init__(self, base_dir: Path, workdir: Path) -> None:
        self.port = _free_port()
        self.token = secrets.token_hex(16)
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = base_dir / "jupyterlab.log"
        env = dict(os.environ)
        env.update(jupyter_env(base_dir))
        env["JUPYTERLAB_SETTINGS_DIR"] = str(base_dir / "lab-settings")
        env["JUPYTERLAB_WORKSPACES_DIR"] = str(base_dir / "lab-workspaces")
        _lab_settings(Path(env["JUPYTERLAB_SETTINGS_DIR"]))
        _offline_lab_config(Path(env["JUPYTER_CONFIG_DIR"]))
        self._log = open(self.log_path, "wb")  # noqa: SIM115 (closed in stop())
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "jupyterlab", "--no-browser",
             "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}", "--ServerApp.port_retries=0",
             f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={workdir}",
             # The extension manager would ask PyPI for updates.
             "--LabApp.extension_manager=readonly",
             *(["--allow-root"] if os.geteuid() == 0 else [])],
            cwd=workdir, env=env, stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")[-4000:]

    def wait_ready(self) -> None:
        deadline = time.monotonic() + SERVER_START_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"JupyterLab exited with {self.proc.returncode}:\n{self.log()}")
            try:
                _api(self.base, self.token, "/api/status", timeout=2)
                return
            except (urllib.error.URLError, OSError):
                time.sleep(0.5)
        pytest.fail(f"JupyterLab did not answer within {SERVER_START_S} s:\n{self.log()}")

    def kernels(self) -> list[dict]:
        return _api(self.base, self.token, "/api/kernels") or []

    def stop(self) -> None:
        """Shut kernels down, then the server; kill whatever is left. Never raises."""
        if self.proc.poll() is None:
            try:
                for kernel in self.kernels():
                    _api(self.base, self.token, f"/api/kernels/{kernel['id']}", method="DELETE", timeout=10)
                _api(self.base, self.token, "/api/shutdown", method="POST", timeout=10)
            except (urllib.error.URLError, OSError, ValueError):
                pass
            for sig, grace in ((None, 20), (signal.SIGTERM, 10), (signal.SIGKILL, 10)):
                if sig is not None:
                    try:
                        os.killpg(self.proc.pid, sig)
                    except ProcessLookupError:
                        break
                try:
                    self.proc.wait(timeout=grace)
                    break
                except subprocess.TimeoutExpired:
                    continue
        self._log.close()


@pytest.fixture
def chromium_launcher():
    if (problem := loopback_problem()) is not None:
        pytest.skip(problem)
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (run scripts/install-browser.sh as root, "
                    "or apt-get install chromium)")
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        pytest.skip(f"the playwright package is not installed (dev extra): {exc}")
    manager = sync_playwright()
    try:
        pw = manager.start()
    except Exception as exc:  # the driver is a bundled node binary; it may not run here
        pytest.skip(f"Playwright could not start its driver: {exc}")
    try:
        try:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                         args=CHROMIUM_ARGS, timeout=60_000)
        except PlaywrightError as exc:
            pytest.skip(f"Playwright could not start {CHROMIUM}: {str(exc).splitlines()[0]}")
        try:
            yield browser
        finally:
            browser.close()
    finally:
        manager.__exit__()


def _artifacts_copy(screenshot: Path) -> None:
    target = os.environ.get("THREADFRAME_ARTIFACTS")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(screenshot, Path(target) / screenshot.name)


def _prompts(page) -> list[str]:
    return [t.strip() for t in page.locator(".jp-CodeCell .jp-InputPrompt").all_inner_texts()]


def _wait_until(predicate, timeout_s: float, what: str, server: LabServer) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.5)
    pytest.fail(f"timed out after {timeout_s} s waiting for {what}\n--- server log ---\n{server.log()}")


def test_quick_start_runs_in_jupyterlab(chromium_launcher, tmp_path):
    workdir = tmp_path / "lab"
    stage_notebook(NOTEBOOK, workdir)
    server = LabServer(tmp_path, workdir)
    screenshot = tmp_path / "jupyterlab-quick-start.png"
    try:
        server.wait_ready()
        page = chromium_launcher.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(PAGE_LOAD_S * 1000)
        page.goto(f"{server.base}/lab/tree/{NOTEBOOK.name}?token={server.token}",
                  timeout=PAGE_LOAD_S * 1000)
        page.locator(".jp-NotebookPanel .jp-CodeCell").first.wait_for(state="visible")
        _wait_until(lambda: any(k["execution_state"] == "idle" for k in server.kernels()),
                    PAGE_LOAD_S, "the kernel to start", server)
        n_code = page.locator(".jp-NotebookPanel .jp-CodeCell").count()
        assert n_code >= 2, f"the notebook shows only {n_code} code cells"

        # As a user would: Run menu > Run All Cells.
        page.locator(".lm-MenuBar-item", has_text=re.compile(r"^Run$")).click()
        page.locator(".lm-Menu-item").filter(
            has=page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$"))).click()

        def finished() -> bool:
            prompts = _prompts(page)
            started = any(re.search(r"\[\d+\]", p) for p in prompts)
            busy = any("*" in p for p in prompts)
            return started and not busy and all(k["execution_state"] == "idle" for k in server.kernels())

        try:
            _wait_until(finished, RUN_ALL_S, "Run All Cells to finish", server)
        except BaseException:
            # What the page looked like when it got stuck is the first thing to look at.
            page.screenshot(path=str(screenshot))
            _artifacts_copy(screenshot)
            raise

        stderr = page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')
        errors = [t for t in stderr.all_inner_texts() if _ERROR_TEXT.search(t)]
        figure = page.locator(".jp-OutputArea-output img")
        if figure.count():
            figure.first.scroll_into_view_if_needed()
        page.screenshot(path=str(screenshot))
        _artifacts_copy(screenshot)

        assert not errors, "a cell failed in JupyterLab:\n" + "\n\n".join(errors)
        prompts = _prompts(page)
        not_run = [i for i, p in enumerate(prompts) if not re.search(r"\[\d+\]", p)]
        assert not not_run, f"code cells {not_run} did not run (prompts: {prompts})"
        assert figure.count() >= 1, "no figure was rendered as an image"
        assert figure.first.evaluate("img => img.naturalWidth") > 100, "the figure image is empty"
    finally:
        server.stop()
