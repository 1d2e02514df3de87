"""The terminal: a transient spinner while files are written, and rich tables as wide as
the terminal (at least 100 columns, so that piped output keeps its columns).

rich is imported when a table or spinner is made, not for ``--help`` (start-up speed).
"""

from __future__ import annotations

import os
import sys
from contextlib import AbstractContextManager, nullcontext
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console


def status(message: str) -> AbstractContextManager[Any]:
    """A transient spinner on a terminal; nothing when stderr is not a TTY."""
    if not sys.stderr.isatty():
        return nullcontext()
    from rich.console import Console

    return Console(stderr=True).status(message)


def table_console() -> Console:
    """A console on stdout for summary tables: no wrapping, no highlighting."""
    from rich.console import Console

    return Console(soft_wrap=False, highlight=False, width=max(100, terminal_width()))


def terminal_width() -> int:
    """The width of the terminal on stdout (100 when it is not a terminal)."""
    try:
        return os.get_terminal_size(sys.stdout.fileno()).columns
    except (OSError, ValueError):
        return 100
