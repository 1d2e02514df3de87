"""Quiet third-party libraries: the warnings and log records of SALib, ema_workbench and
matplotlib, which the analyses call and whose chatter would bury their own messages."""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import warnings
from collections.abc import Iterator


@contextlib.contextmanager
def quiet_libraries() -> Iterator[None]:
    """Silence the warnings and log records of SALib, ema_workbench and matplotlib.

    Warnings are ignored inside the block; the 'EMA' (ema_workbench), 'matplotlib' and
    'py.warnings' loggers are raised to CRITICAL and put back afterwards. Matplotlib is
    only imported by ema_workbench; when nothing has chosen its backend yet (no
    ``MPLBACKEND`` and pyplot not imported: not a notebook), it gets the
    non-interactive 'Agg' backend so that no window system is touched.
    """
    if "matplotlib.pyplot" not in sys.modules and not os.environ.get("MPLBACKEND"):
        import matplotlib

        matplotlib.use("Agg")
    loggers = [logging.getLogger(n) for n in ("EMA", "matplotlib", "py.warnings")]
    levels = [lg.level for lg in loggers]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for lg in loggers:
            lg.setLevel(logging.CRITICAL)
        try:
            yield
        finally:
            for lg, level in zip(loggers, levels, strict=True):
                lg.setLevel(level)
