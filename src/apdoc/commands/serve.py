"""`apdoc watch --serve`: a live preview at http://127.0.0.1:PORT/ that reloads itself.

The page is the HTML TD as the last good build wrote it, with a few lines of script added
(no external JS): it listens to /events (server-sent events), which sends the build's version
number at once and again after every build, and when the number is not its own it fetches the
page again and swaps its head and body in (no reload: the scroll position stays). A build
that fails bumps the version too: the page then shows the last good TD under a box that lists
the errors as `apdoc validate` prints them; the next good build takes the box away.

Only 127.0.0.1 is listened on, and a request whose Host is not this server's is refused (a
page elsewhere cannot read the preview through a DNS name pointed at 127.0.0.1).
"""

from __future__ import annotations

import html
import threading
from collections.abc import Iterable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from ..diagnostics import Diagnostic
from ..terminal import SourceLines, render

HOST = "127.0.0.1"
KEEPALIVE_SECONDS = 15.0  # a comment line on an idle event stream, so that a dead client is noticed

# The page's own script: on a build's version that is not the page's, fetch the page again and
# put its head and body in place of these (no navigation: faster than a reload, the scroll position
# stays, and this script keeps listening); a full reload only if that fails.
_RELOADER = """<script data-apdoc-version="%(version)d">
(function () {
  var shown = %(version)d, fetching = false, again = false;
  function update() {
    if (fetching) { again = true; return; }
    fetching = true;
    fetch("/", {cache: "no-store"}).then(function (answer) { return answer.text(); }).then(function (text) {
      var page = new DOMParser().parseFromString(text, "text/html");
      var stamp = page.querySelector("script[data-apdoc-version]");
      document.head.replaceWith(document.adoptNode(page.head));
      document.body.replaceWith(document.adoptNode(page.body));
      shown = stamp ? +stamp.getAttribute("data-apdoc-version") : shown;
    }).catch(function () { location.reload(); }).finally(function () {
      fetching = false;
      if (again) { again = false; update(); }
    });
  }
  var events = new EventSource("/events");
  events.onmessage = function (event) { if (+event.data !== shown) { update(); } };
})();
</script>"""

_ERRORS = """<div id="apdoc-errors" role="alert" style="position:sticky;top:0;z-index:2147483647;margin:0;\
padding:0.8em 1em;background:#fff1f0;color:#5c0011;border-bottom:3px solid #cf1322;\
font:13px/1.45 ui-monospace,Menlo,Consolas,monospace;max-height:50vh;overflow:auto">\
<strong style="font-family:sans-serif">%(title)s</strong><pre style="margin:0.5em 0 0;white-space:pre-wrap">\
%(errors)s</pre></div>"""

_EMPTY = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>apdoc preview</title></head>
<body>%(body)s</body></html>
"""


class Preview:
    """What the page shows: where the HTML TD is written, and the last build's errors. The
    version changes at every build, good or not; waiters on it are woken."""

    def __init__(self) -> None:
        self.html_path: Path | None = None  # known from the first good build
        self.version = 0
        self.errors: list[str] = []
        self.closed = False
        self._changed = threading.Condition()

    def publish(self, diagnostics: Iterable[Diagnostic], written: Iterable[Path] = ()) -> None:
        """A build is done: it wrote these files (the HTML TD among them), or failed with these errors."""
        lines = SourceLines()
        errors = [render(d, lines) for d in diagnostics if d.severity == "error"]
        html_path = next((path for path in written if path.suffix in (".html", ".htm")), None)
        with self._changed:
            self.errors = errors
            self.html_path = html_path or self.html_path
            self.version += 1
            self._changed.notify_all()

    def close(self) -> None:
        with self._changed:
            self.closed = True
            self._changed.notify_all()

    def wait_past(self, version: int, timeout: float) -> int:
        """The version once it is not `version`, or after `timeout` seconds, or at close."""
        with self._changed:
            self._changed.wait_for(lambda: self.version != version or self.closed, timeout)
            return self.version

    def page(self) -> bytes:
        """The last good TD, the errors of the last build when it failed, and the reloader."""
        with self._changed:
            version, errors, html_path = self.version, list(self.errors), self.html_path
        try:
            if html_path is None:
                raise FileNotFoundError
            document = html_path.read_text(encoding="utf-8")
        except OSError:
            body = "<p>Building…</p>" if not errors else ""
            document = _EMPTY % {"body": body}
        if errors:  # first in the body, so that it is seen before the TD
            count = len(errors)
            title = (f"{count} error{'s' if count != 1 else ''}: not built"
                     + ("; the last good TD is shown" if html_path is not None else "")
                     + " — fix and save, the page reloads")
            box = _ERRORS % {"title": html.escape(title), "errors": html.escape("\n\n".join(errors))}
            body = document.find("<body")
            after = document.find(">", body) + 1 if body != -1 else 0
            document = document[:after] + box + document[after:]
        script = _RELOADER % {"version": version}
        end = document.rfind("</body>")
        document = document[:end] + script + document[end:] if end != -1 else document + script
        return document.encode("utf-8")


def _handler(preview: Preview) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass  # the terminal is for the build's messages

        def _host_is_ours(self) -> bool:
            port = self.server.server_address[1]
            return self.headers.get("Host", "") in {f"{HOST}:{port}", f"localhost:{port}"}

        def _send(self, status: HTTPStatus, body: bytes, kind: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            if not self._host_is_ours():
                self._send(HTTPStatus.MISDIRECTED_REQUEST, b"not this server\n", "text/plain; charset=utf-8")
                return
            path = self.path.split("?", 1)[0]
            if path in ("/", "/index.html"):
                self._send(HTTPStatus.OK, preview.page(), "text/html; charset=utf-8")
            elif path == "/version":
                self._send(HTTPStatus.OK, f"{preview.version}\n".encode(), "text/plain; charset=utf-8")
            elif path == "/events":
                self._events()
            else:
                self._send(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain; charset=utf-8")

        def _events(self) -> None:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            version = preview.version
            try:
                self.wfile.write(f"retry: 500\ndata: {version}\n\n".encode())
                self.wfile.flush()
                while not preview.closed:
                    now = preview.wait_past(version, KEEPALIVE_SECONDS)
                    if preview.closed:
                        break
                    self.wfile.write(f"data: {now}\n\n".encode() if now != version else b": idle\n\n")
                    self.wfile.flush()
                    version = now
            except (BrokenPipeError, ConnectionResetError):
                pass  # the page reloaded or was closed

    return Handler


class PreviewServer:
    """The preview's HTTP server, on 127.0.0.1:`port` (0: any free port), in a thread of its own."""

    def __init__(self, preview: Preview, port: int) -> None:
        self.preview = preview
        self.httpd = ThreadingHTTPServer((HOST, port), _handler(preview))
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="apdoc-preview", daemon=True)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.httpd.server_address[1]}/"

    def start(self) -> PreviewServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.preview.close()
        self.httpd.shutdown()
        self.httpd.server_close()
