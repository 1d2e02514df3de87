"""Serving the app: a WSGI server in this process that can be shut down.

The engine's SQLite connection belongs to the thread that opened the game (Python's
``sqlite3`` checks it), so the server answers every request in that same thread: one
request at a time, which is plenty for a room of a few teams polling once a second.
:func:`serve_forever` serves in the calling thread (the ``workshop`` command);
:func:`start` opens the game *and* serves it in a background thread (the tests). Both
bind to the host given, 127.0.0.1 unless the caller says otherwise.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from dash import Dash
from werkzeug.serving import BaseWSGIServer, make_server

LOCALHOST = "127.0.0.1"


@dataclass
class Running:
    """A server running in a background thread, with what its factory returned."""

    server: BaseWSGIServer
    thread: threading.Thread
    made: Any

    @property
    def url(self) -> str:
        """The server's base URL (without a trailing slash)."""
        return f"http://{self.server.host}:{self.server.port}"

    def stop(self) -> None:
        """Shut the server down and wait for its thread (a few seconds at most)."""
        self.server.shutdown()
        self.thread.join(timeout=10)


def make(app: Dash, host: str = LOCALHOST, port: int = 8050) -> BaseWSGIServer:
    """A single-threaded WSGI server for the app (port 0: a free port)."""
    return make_server(host, port, app.server, threaded=False)


def serve_forever(server: BaseWSGIServer) -> None:
    """Serve in this thread until interrupted (Ctrl-C), then close the socket."""
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def start(
    factory: Callable[[], tuple[Dash, Any]],
    host: str = LOCALHOST,
    port: int = 0,
    cleanup: Callable[[Any], None] | None = None,
    timeout: float = 60.0,
) -> Running:
    """Run ``factory`` (it opens the game and returns ``(app, anything)``) in a new
    thread, serve the app from that thread, and return once it listens. ``cleanup`` is
    called in that thread with what the factory returned after the server stops."""
    ready = threading.Event()
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            app, made = factory()
            server = make(app, host, port)
        except BaseException as exc:
            box["error"] = exc
            ready.set()
            return
        box["server"], box["made"] = server, made
        ready.set()
        try:
            server.serve_forever()
        finally:
            server.server_close()
            if cleanup is not None:
                cleanup(made)

    thread = threading.Thread(target=run, name="workshop-web", daemon=True)
    thread.start()
    if not ready.wait(timeout):
        raise TimeoutError("the workshop server did not start in time")
    if "error" in box:
        raise box["error"]
    return Running(box["server"], thread, box["made"])
