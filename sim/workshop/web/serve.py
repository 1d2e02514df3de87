"""Serving the app: a production WSGI server (waitress) in this process that can be stopped.

A room is thirty screens on one laptop, so requests are answered by a pool of threads
(``threads``, 64 by default): each page keeps one busy with its held question to the
state route, and a page's request never waits behind another page's. The game
engine serialises what must be serialised: every action and every read of the game holds
the :class:`~sim.workshop.game.Game`'s lock, and its SQLite connection is shared by the
threads under that lock (the engine is the one writer). What pages show is built once per
change of the game and per role and served from memory (:mod:`sim.workshop.web.views`),
and long work (the model's proposal) runs off the request path
(:mod:`sim.workshop.web.jobs`).

:func:`make` binds the server (127.0.0.1 unless the caller says otherwise; port 0: a free
port); :func:`serve_forever` serves in the calling thread until Ctrl-C (the ``workshop``
command); :func:`start` opens the game *and* serves it in a background thread (the
tests).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from dash import Dash

from sim.present.web_server import LOCALHOST, bind
from sim.workshop.web.state_route import STOP_KEY

THREADS = 64
"""Request threads: every open page holds one with its question to the state route
(:mod:`sim.workshop.web.state_route`), so a room of thirty needs thirty and more for the
pages' other requests at the same moment."""
CONNECTIONS = 500
"""Open connections at most: a browser keeps several open to the server for each page."""


class Server:
    """A bound waitress server: ``host`` and ``port`` as bound, :meth:`serve_forever`,
    :meth:`shutdown` (from any thread) and :meth:`close`."""

    def __init__(self, app: Dash, host: str, port: int, threads: int = THREADS) -> None:
        self._server: Any = bind(
            app.server, host, port, threads, ident="alignsim-workshop", connections=CONNECTIONS
        )
        self.host: str = str(self._server.effective_host)
        self.port: int = int(self._server.effective_port)
        self._stopped = threading.Event()
        # Set on shutdown: the questions the pages left waiting are answered at once.
        self._stop_holds: threading.Event = app.server.extensions.setdefault(
            STOP_KEY, threading.Event()
        )

    def serve_forever(self) -> None:
        """Serve until :meth:`shutdown` (or KeyboardInterrupt in this thread)."""
        try:
            self._server.run()
        finally:
            self._stopped.set()

    def shutdown(self, timeout: float = 10.0) -> None:
        """Stop serving: answer the questions held open, close every connection in the
        server's own loop, let the request threads finish, then end the loop."""
        trigger = self._server.trigger
        closed = threading.Event()

        def close_connections() -> None:
            self._server.accepting = False  # no new connections (the listener reads this)
            for dispatcher in list(self._server._map.values()):
                if dispatcher is not trigger and dispatcher is not self._server:
                    dispatcher.close()
            closed.set()

        self._stop_holds.set()
        trigger.pull_trigger(close_connections)
        closed.wait(timeout / 2)
        # A request thread that finishes pulls the loop's trigger: it must still be open.
        tasks = self._server.task_dispatcher
        ends = time.monotonic() + timeout / 2
        while (tasks.active_count > 0 or tasks.queue) and time.monotonic() < ends:
            time.sleep(0.01)
        # The listener and the trigger (closed with it) are the last: the loop ends.
        try:
            trigger.pull_trigger(self._server.close)
        except OSError:
            # The trigger is closed already (the loop closes a dispatcher whose socket
            # fails): close the listener here, and the loop, with nothing left, ends.
            self._server.close()
        self._stopped.wait(timeout)

    def close(self) -> None:
        """Stop the request threads (what is running finishes)."""
        self._stop_holds.set()
        self._server.task_dispatcher.shutdown()


@dataclass
class Running:
    """A server running in a background thread, with what its factory returned."""

    server: Server
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


def make(app: Dash, host: str = LOCALHOST, port: int = 8050, threads: int = THREADS) -> Server:
    """A threaded WSGI server for the app, bound and ready to serve (port 0: a free
    port). Raises OSError when the address is taken."""
    return Server(app, host, port, threads)


def serve_forever(server: Server) -> None:
    """Serve in this thread until interrupted (Ctrl-C), then stop the request threads."""
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()


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
            server.close()
            if cleanup is not None:
                cleanup(made)

    thread = threading.Thread(target=run, name="workshop-web", daemon=True)
    thread.start()
    if not ready.wait(timeout):
        raise TimeoutError("the workshop server did not start in time")
    if "error" in box:
        raise box["error"]
    return Running(box["server"], thread, box["made"])
