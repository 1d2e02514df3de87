"""The ``explore`` command's refusals: a scenario that does not validate and a port that is
taken end it with exit 2 and a message, before anything runs or is served."""

from __future__ import annotations

import socket
from pathlib import Path

from conftest import REPO_ROOT

from sim.cli.main import build_parser, main

BASELINE = REPO_ROOT / "scenarios" / "baseline.yaml"


def test_a_scenario_that_does_not_validate_exits_2_with_its_file_and_line(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text(f"extends: {BASELINE}\nname: bad\nactors.CHN.assertiveness: 1.7\n")
    assert main(["explore", str(bad), "--port", "0"]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:3: actors.CHN.assertiveness:" in err
    assert "Traceback" not in err
    assert main(["explore", str(tmp_path / "missing.yaml")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_a_port_in_use_exits_2_with_a_clear_message(capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["explore", str(BASELINE), "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert f"cannot listen on 127.0.0.1:{port}" in err
    assert "choose another --port" in err
    assert "Traceback" not in err


def test_the_command_is_listed_with_its_options():
    parser = build_parser()
    args = parser.parse_args(["explore", "x.yaml", "--reps", "200", "--port", "0"])
    assert (args.reps, args.port, args.host, args.scenario) == (200, 0, None, Path("x.yaml"))
    assert "explore" in parser.format_help()


def test_a_slow_base_ensemble_says_the_page_will_be_slow(monkeypatch, capsys):
    from sim.cli import explore
    from sim.explore.serve import Server

    served = []
    monkeypatch.setattr(explore, "SLOW_BASE_SECONDS", 0.0)  # any base is "slow"
    monkeypatch.setattr(Server, "serve_forever", lambda self: served.append(self.port))
    assert main(["explore", str(BASELINE), "--port", "0", "--reps", "20"]) == 0
    out, err = capsys.readouterr()
    assert served and f"127.0.0.1:{served[0]}" in out
    assert "note: every change runs an ensemble like this one" in err
    assert "fewer --reps (now 20) redraw sooner" in err
    monkeypatch.setattr(explore, "SLOW_BASE_SECONDS", 1e9)
    assert main(["explore", str(BASELINE), "--port", "0", "--reps", "20"]) == 0
    assert "note: every change" not in capsys.readouterr().err
