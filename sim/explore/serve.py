"""Serving the explorer: a production WSGI server (waitress) in this process.

One analyst, one page: a few request threads are enough (a change's request waits while
its ensemble runs, and the page may send the next change meanwhile). :func:`make` binds
the server (127.0.0.1 unless the caller says otherwise; port 0: a free port) and raises
OSError when the address is taken; :func:`serve_forever` serves in the calling thread
until Ctrl-C.
"""

from __future__ import annotations

from typing import Any

from dash import Dash

from sim.present.web_server import LOCALHOST, bind

THREADS = 8
"""Request threads: the page's requests (a change, a save, Dash's scripts) at once."""


class Server:
    """A bound waitress server: the ``host`` and ``port`` it listens on, and its loop."""

    def __init__(self, app: Dash, host: str, port: int, threads: int = THREADS) -> None:
        self._server: Any = bind(app.server, host, port, threads, ident="alignsim-explore")
        self.host: str = str(self._server.effective_host)
        self.port: int = int(self._server.effective_port)

    @property
    def url(self) -> str:
        """The page's address (a wildcard address is shown as 127.0.0.1)."""
        shown = LOCALHOST if self.host in ("0.0.0.0", "::") else self.host
        shown = f"[{shown}]" if ":" in shown else shown
        return f"http://{shown}:{self.port}/"

    def serve_forever(self) -> None:
        """Serve until Ctrl-C (KeyboardInterrupt in this thread), then stop the threads."""
        try:
            self._server.run()
        except KeyboardInterrupt:
            pass
        finally:
            self.close()

    def close(self) -> None:
        """Stop listening and stop the request threads (what runs finishes)."""
        self._server.close()
        self._server.task_dispatcher.shutdown()


def make(app: Dash, host: str = LOCALHOST, port: int = 8060, threads: int = THREADS) -> Server:
    """A threaded WSGI server for ``app``, bound and ready (raises OSError when taken)."""
    return Server(app, host, port, threads)
