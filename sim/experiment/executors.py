"""Where chunks run: in this process, on a local process pool, or on a Dask cluster.

All three are :class:`concurrent.futures.Executor` objects, so the runner treats them
alike:

- serial: runs each chunk when it is submitted (no start-up cost; used when there is one
  chunk or ``workers=1``);
- process pool: :class:`concurrent.futures.ProcessPoolExecutor` with the 'forkserver'
  start method where it exists, else 'spawn' (never 'fork': it would copy the driver's
  threads and locks). Workers ignore Ctrl-C, which only the driver handles;
- Dask: the concurrent.futures executor of a :class:`distributed.Client` connected to an
  existing scheduler (``Client(address).get_executor()``).

:meth:`Backend.close` shuts down cleanly; ``close(cancel=True)`` (after Ctrl-C or an
error) cancels what has not started and stops local workers at once.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

DEFAULT_CONNECT_TIMEOUT = 10.0
"""Seconds to wait for a Dask scheduler to answer."""


class SchedulerUnreachable(Exception):
    """The Dask scheduler could not be reached (or has no workers)."""


def default_workers() -> int:
    """All the cores this process may use."""
    count = getattr(os, "process_cpu_count", None)
    n = count() if count is not None else None
    if n is None:
        try:
            n = len(os.sched_getaffinity(0))
        except (AttributeError, OSError):
            n = os.cpu_count()
    return max(1, int(n or 1))


class SerialExecutor(cf.Executor):
    """Runs each call in this process when it is submitted."""

    def __init__(self) -> None:
        self._shutdown = False

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> cf.Future:
        if self._shutdown:
            raise RuntimeError("cannot schedule new futures after shutdown")
        future: cf.Future = cf.Future()
        future.set_running_or_notify_cancel()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as exc:
            future.set_exception(exc)
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._shutdown = True


def _driver_gone(pid: int) -> bool:
    """Whether process ``pid`` has exited (or is a zombie waiting to be reaped)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().rsplit(b")", 1)[1].split()[0] in (b"Z", b"X")
    except (OSError, IndexError):
        return False


def _watch_driver(pid: int, interval: float = 1.0) -> None:
    while True:
        time.sleep(interval)
        if _driver_gone(pid):
            os._exit(1)


def _init_worker(driver_pid: int, threads: int) -> None:
    """Process-pool worker initializer.

    Ctrl-C is the driver's to handle, so workers ignore it; and a worker exits when the
    driver is gone (killed with SIGKILL, say), instead of waiting forever for work. The
    model's kernel spreads a chunk over ``threads`` cores (the machine's share of this
    worker): every worker on every core would oversubscribe them. Results do not depend on
    it (each replicate draws from its own stream).
    """
    import numba  # the worker's engine imports it anyway

    numba.set_num_threads(max(1, min(threads, numba.config.NUMBA_NUM_THREADS)))
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if os.name == "posix":
        threading.Thread(
            target=_watch_driver, args=(driver_pid,), name="watch-driver", daemon=True
        ).start()


@contextmanager
def _script_main_hidden() -> Iterator[None]:
    """Hide a script's ``__main__.__file__`` while worker processes start.

    With 'spawn' and 'forkserver', a child re-runs the parent's main script (as
    ``__mp_main__``) unless it is a module run with ``-m``. Our tasks are importable
    functions of the sim package, so the children need nothing from the script; hiding
    it keeps a script without an ``if __name__ == '__main__'`` guard from running again.
    """
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    if main is None or path is None or getattr(main, "__spec__", None) is not None:
        yield
        return
    del main.__file__
    try:
        yield
    finally:
        main.__file__ = path


class Backend:
    """An executor with a name, a worker count and a clean shutdown."""

    name = "serial"

    def __init__(self) -> None:
        self.executor: cf.Executor = SerialExecutor()
        self.workers = 1

    @property
    def description(self) -> str:
        return "in this process"

    @property
    def remote(self) -> bool:
        """Whether workers may run other code than ours (another machine)."""
        return False

    def submit(self, fn: Callable[..., Any], *args: Any) -> cf.Future:
        return self.executor.submit(fn, *args)

    def close(self, cancel: bool = False) -> None:
        self.executor.shutdown(wait=not cancel, cancel_futures=cancel)

    def __enter__(self) -> Backend:
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        self.close(cancel=exc_type is not None)


class ProcessBackend(Backend):
    """A local process pool of ``workers`` processes."""

    name = "processes"

    def __init__(self, workers: int) -> None:
        methods = multiprocessing.get_all_start_methods()
        method = "forkserver" if "forkserver" in methods else "spawn"
        context = multiprocessing.get_context(method)
        self.workers = max(1, int(workers))
        self.method = method
        self.executor = cf.ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=context,
            initializer=_init_worker,
            initargs=(os.getpid(), max(1, (os.cpu_count() or 1) // self.workers)),
        )

    def submit(self, fn: Callable[..., Any], *args: Any) -> cf.Future:
        # A non-fork pool starts a worker process inside submit() when none is idle.
        with _script_main_hidden():
            return self.executor.submit(fn, *args)

    @property
    def description(self) -> str:
        return f"{self.workers} local worker process{'es' if self.workers != 1 else ''}"

    def close(self, cancel: bool = False) -> None:
        pool = self.executor
        if not cancel:
            pool.shutdown(wait=True)
            return
        # Cancel what has not started and stop the running workers now: a chunk in
        # progress is lost anyway, and waiting for it would delay Ctrl-C.
        procs = dict(getattr(pool, "_processes", None) or {})
        pool.shutdown(wait=False, cancel_futures=True)
        for proc in procs.values():
            try:
                if proc.is_alive():
                    proc.terminate()
            except (OSError, ValueError, AttributeError):
                continue
        for proc in procs.values():
            try:
                proc.join(timeout=5)
            except (OSError, ValueError, AttributeError, AssertionError):
                continue


class DaskBackend(Backend):
    """The concurrent.futures executor of a Dask client on an existing scheduler."""

    name = "dask"

    def __init__(self, address: str, timeout: float = DEFAULT_CONNECT_TIMEOUT) -> None:
        try:
            from distributed import Client
        except ImportError as exc:  # pragma: no cover - a declared dependency
            raise SchedulerUnreachable(
                f"--scheduler needs Dask distributed (pip install 'dask[distributed]'): {exc}"
            ) from None
        self.address = address
        try:
            self.client = Client(address, timeout=f"{timeout}s", set_as_default=False)
        except Exception as exc:
            raise SchedulerUnreachable(
                f"cannot reach the Dask scheduler at {address} within {timeout:g} s "
                f"({_first_line(exc)}). Is `dask scheduler` running there and the port open? "
                "See docs/performance.md, 'Running on a Dask cluster'."
            ) from None
        try:
            try:
                self.client.wait_for_workers(1, timeout=timeout)
            except Exception:
                raise SchedulerUnreachable(
                    f"the Dask scheduler at {address} has no workers (waited {timeout:g} s); "
                    f"start some with `dask worker {address}`"
                ) from None
            info = self.client.scheduler_info()
            workers = info.get("workers", {})
            self.workers = max(1, sum(int(w.get("nthreads", 1)) for w in workers.values()))
            self.machines = len({w.get("host") for w in workers.values()})
            self.executor = self.client.get_executor(pure=False)
        except BaseException:
            self.client.close()
            raise

    @property
    def description(self) -> str:
        return f"Dask at {self.address}: {self.workers} worker thread(s)"

    @property
    def remote(self) -> bool:
        return True

    def close(self, cancel: bool = False) -> None:
        try:
            self.executor.shutdown(wait=not cancel)
        finally:
            self.client.close()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def make_backend(
    workers: int | None,
    scheduler: str | None,
    chunks: int,
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
) -> Backend:
    """The backend for a run of ``chunks`` chunks.

    ``scheduler`` (a Dask address): Dask. Otherwise a process pool of ``workers``
    (default: all cores), or this process when there is one chunk or one worker.
    """
    if scheduler:
        return DaskBackend(scheduler, connect_timeout)
    n = default_workers() if workers is None else int(workers)
    n = min(n, chunks)
    if n <= 1:
        return Backend()
    return ProcessBackend(n)
