"""Headless Chromium driven through its DevTools protocol, for tests that look at a page as a
person's browser shows it (apdoc watch --serve). Debian's `chromium`; `make test` installs it
when missing. The protocol is spoken over a websocket (websocket-client, a test dependency).

    with Chromium("http://127.0.0.1:8000/") as browser:
        browser.wait_for("document.title !== ''")
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-default-browser-check",
         "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0")


# Debian's name first; Ubuntu's, and Google's build as CI images carry it.
NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def executable() -> str:
    found = next((path for path in map(shutil.which, NAMES) if path), None)
    if found is None:
        raise RuntimeError("chromium is not installed: `make test` installs it (Debian: apt-get install chromium)")
    return found


class Chromium:
    """One headless browser showing one page; `evaluate` runs JavaScript in it."""

    def __init__(self, url: str, *, start_timeout: float = 60.0) -> None:
        import websocket  # a test dependency: pip install -e '.[test]'

        self.profile = Path(tempfile.mkdtemp(prefix="apdoc-chromium-"))
        self.process = subprocess.Popen([executable(), *FLAGS, f"--user-data-dir={self.profile}", url],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self._next_id = 0
        try:
            port = self._port(start_timeout)
            page = self._page(port, url, start_timeout)
            self.socket = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=30, suppress_origin=True)
        except BaseException:
            self.close()
            raise

    def _port(self, timeout: float) -> int:
        """The debugging port Chromium chose: the first line of DevToolsActivePort in its profile."""
        marker = self.profile / "DevToolsActivePort"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"chromium exited at start (status {self.process.returncode})")
            text = marker.read_text(encoding="utf-8") if marker.exists() else ""
            if text.strip():
                return int(text.splitlines()[0])
            time.sleep(0.05)
        raise TimeoutError("chromium did not open its debugging port")

    @staticmethod
    def _page(port: int, url: str, timeout: float) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as answer:
                pages = [t for t in json.load(answer) if t.get("type") == "page"]
            if pages:
                return next((t for t in pages if t.get("url", "").startswith(url)), pages[0])
            time.sleep(0.05)
        raise TimeoutError("chromium opened no page")

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (None while the page is loading)."""
        self._next_id += 1
        ask = self._next_id
        self.socket.send(json.dumps({"id": ask, "method": "Runtime.evaluate",
                                     "params": {"expression": expression, "returnByValue": True}}))
        while True:
            answer = json.loads(self.socket.recv())
            if answer.get("id") == ask:
                result = answer.get("result", {})
                if "exceptionDetails" in result or "error" in answer:
                    return None  # the page is between two documents (a reload): ask again
                return result.get("result", {}).get("value")

    def wait_for(self, expression: str, timeout: float = 30.0, step: float = 0.005) -> float:
        """Seconds until `expression` is true in the page; TimeoutError after `timeout`."""
        start = time.perf_counter()
        while True:
            if self.evaluate(expression):
                return time.perf_counter() - start
            if time.perf_counter() - start > timeout:
                raise TimeoutError(f"the page never had {expression}")
            time.sleep(step)

    def close(self) -> None:
        socket = getattr(self, "socket", None)
        if socket is not None:
            socket.close()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self) -> Chromium:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
