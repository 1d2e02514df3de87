"""How a command ends: its exit code, its messages on stderr, and what an interrupt leaves.

- :data:`EXIT_OK`, :data:`EXIT_FAILED`, :data:`EXIT_BAD_INPUT`, :data:`EXIT_INTERRUPTED`:
  0 success; 1 an unexpected internal error or chunks that failed; 2 bad input; 130
  interrupted.
- :class:`BadInput`: raised by a command for a problem with what the user gave; the entry
  point (:func:`sim.cli.main.main`) prints it without a traceback and exits 2.
- :func:`err` / :func:`fail`: a message on stderr (and the exit code to return).
- :data:`written` / :data:`partial`: the folders the running command has written, so that
  an interrupt can say where the results or the finished chunks are.
- :func:`stop_on_sigterm`: SIGTERM ends a serving command (workshop, explore) as Ctrl-C does.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable
from pathlib import Path

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130


class BadInput(Exception):
    """A problem with what the user gave us (reported without a traceback, exit 2)."""


def err(message: str) -> None:
    """Print ``message`` on stderr (flushed)."""
    print(message, file=sys.stderr, flush=True)


def fail(message: str, code: int = EXIT_BAD_INPUT) -> int:
    """Print ``message`` on stderr and return ``code`` (default: bad input, 2)."""
    err(message)
    return code


written: list[Path] = []
"""Result folders this process has written (so an interrupt can say what is left)."""
partial: list[Path] = []
"""The partial run folder of the run in progress (so an interrupt can say where it is)."""


def stop_on_sigterm() -> Callable[[], None]:
    """Make SIGTERM stop the command as Ctrl-C does (a KeyboardInterrupt in the main
    thread, where the server's loop runs); return the function that undoes it."""

    def interrupt(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread (main() called from a test's thread)
        return lambda: None
    return lambda: signal.signal(signal.SIGTERM, previous)
