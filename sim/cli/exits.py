"""How a command ends: its exit code, its messages on stderr, and what an interrupt leaves.

- :data:`EXIT_OK`, :data:`EXIT_FAILED`, :data:`EXIT_BAD_INPUT`, :data:`EXIT_INTERRUPTED`:
  0 success; 1 an unexpected internal error or chunks that failed; 2 bad input; 130
  interrupted.
- :class:`BadInput`: raised by a command for a problem with what the user gave; the entry
  point (:func:`sim.cli.main.main`) prints it without a traceback and exits 2.
- :func:`err` / :func:`fail`: a message on stderr (and the exit code to return).
- :data:`written` / :data:`partial`: the folders the running command has written, so that
  an interrupt can say where the results or the finished chunks are.
- :func:`sigterm_interrupts`: SIGTERM ends a serving command (workshop, explore) as Ctrl-C does.
- :func:`end_process`: how the program itself ends, once a command has returned its code.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

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


@contextlib.contextmanager
def sigterm_interrupts() -> Iterator[None]:
    """While inside, SIGTERM stops the command as Ctrl-C does (a KeyboardInterrupt in the
    main thread, where the server's loop runs); SIGTERM's handler is restored after."""

    def interrupt(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread (main() called from a test's thread)
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def end_process(code: int) -> NoReturn:
    """End the program with exit code ``code``, without the interpreter's teardown.

    The exit handlers (atexit) run and stdout and stderr are flushed, as on any exit;
    what is left out is the interpreter freeing its modules and objects one by one, which
    after a run (numba's compiler, pandas, plotly and the results loaded) took 0.7-0.9 s
    of the command's time and changes nothing the operating system does not undo when the
    process ends (docs/performance.md). Python's own multiprocessing ends its children
    the same way. If a thread other than the main one is still running, the program ends
    as usual instead, which waits for it. For the program's entry points (run.py,
    ``alignsim``, ``python -m sim.cli``): :func:`sim.cli.main.main` called from Python
    returns its code and leaves the process alone.
    """
    if threading.active_count() > 1:
        sys.exit(code)
    atexit._run_exitfuncs()  # what sys.exit would run; the process then ends at once
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing more to say
            stream.flush()
    os._exit(code)
