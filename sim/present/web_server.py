"""Binding a web app of the project to an address: a threaded waitress WSGI server.

The workshop's app and the explorer each serve their pages from the command's process
with waitress, a production server: :func:`bind` makes the listening server with the
settings both need (request threads, the project's identity, proxy headers that a client
could forge cleared, and waitress's queue warnings kept out of the command's output).
What each does with it (how it stops, how many connections a room needs) stays with the
app: sim.workshop.web.serve and sim.explore.serve.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask
from waitress.server import create_server

LOCALHOST = "127.0.0.1"
"""Where the apps listen unless told otherwise: only this machine reaches them."""


def bind(
    app: Flask, host: str, port: int, threads: int, ident: str, connections: int | None = None
) -> Any:
    """A waitress server for ``app`` listening on ``host``:``port`` (0: a free port),
    answering with ``threads`` request threads; ``connections``: the most connections
    held open at once (None: waitress's default). Raises OSError when the address is
    taken. The bound address is the server's ``effective_host`` and ``effective_port``."""
    # waitress logs every queued request at WARNING when all threads are busy; that is
    # load, not an error, and it would bury the command's own lines
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    limits = {} if connections is None else {"connection_limit": connections}
    return create_server(
        app,
        host=host,
        port=port,
        threads=threads,
        ident=ident,
        clear_untrusted_proxy_headers=True,
        **limits,
    )
