"""How the program ends (sim.cli.exits.end_process): the exit code, every line of output and
the exit handlers as on a normal exit, without the interpreter's teardown; and a normal
exit, which waits, while another thread still runs."""

from __future__ import annotations

import contextlib
import io
import subprocess
import sys
from pathlib import Path

from sim.cli.main import main

ROOT = Path(__file__).resolve().parents[2]


def python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300
    )


def test_the_code_the_output_and_the_exit_handlers_are_kept(tmp_path):
    mark = tmp_path / "handler"
    done = python(
        "import atexit, sys\n"
        "from sim.cli.exits import end_process\n"
        f"atexit.register(lambda: open({str(mark)!r}, 'w').write('ran'))\n"
        "sys.stdout.write('x' * 200000)\n"  # more than a pipe's buffer: must be flushed
        "sys.stderr.write('said')\n"
        "end_process(3)\n"
    )
    assert done.returncode == 3
    assert done.stdout == "x" * 200000
    assert done.stderr == "said"
    assert mark.read_text() == "ran"


def test_a_running_thread_is_waited_for(tmp_path):
    # The thread is alive when the program ends (it sleeps first): a normal exit waits for
    # it to write its file; os._exit would have killed it.
    mark = tmp_path / "thread"
    done = python(
        "import threading, time\n"
        "from sim.cli.exits import end_process\n"
        "def work():\n"
        "    time.sleep(0.5)\n"
        f"    open({str(mark)!r}, 'w').write('finished')\n"
        "threading.Thread(target=work).start()\n"
        "end_process(4)\n"
    )
    assert done.returncode == 4
    assert mark.read_text() == "finished"


def test_the_command_line_prints_what_main_prints():
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        assert main(["schema"]) == 0
    done = subprocess.run(
        [sys.executable, "run.py", "schema"], capture_output=True, text=True, cwd=ROOT, timeout=300
    )
    assert done.returncode == 0
    assert done.stdout == buffer.getvalue()
    bad = subprocess.run(
        [sys.executable, "-m", "sim.cli", "validate", "no-such-file.yaml"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert bad.returncode == 2
    assert "no-such-file.yaml" in bad.stderr
