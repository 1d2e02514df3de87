"""The explorer's app without a browser: it answers its own page, and refuses requests
that name another host or come from another origin (another web page in the browser)."""

from __future__ import annotations

from conftest import SMALL_YAML, load_small

from sim.explore.app import create_app
from sim.explore.exploration import Explorer


def test_the_app_answers_its_page_and_refuses_other_hosts_and_origins():
    explorer = Explorer(SMALL_YAML, load_small(), replicates=10)
    client = create_app(explorer).server.test_client()
    page = client.get("/", headers={"Host": "127.0.0.1:8060"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "alignsim explore: small-test" in html
    assert "Running the what-if" in html  # what the message says while a change runs
    assert client.get("/", headers={"Host": "localhost:8060"}).status_code == 200
    # a name that resolves here by DNS rebinding, and a post from another site
    assert client.get("/", headers={"Host": "attacker.example:8060"}).status_code == 403
    posted = client.post(
        "/_dash-update-component",
        headers={"Host": "127.0.0.1:8060", "Origin": "http://attacker.example"},
        json={},
    )
    assert posted.status_code == 403
    # with --host 0.0.0.0 any host name is taken, but never another origin
    open_client = create_app(explorer, hosts=None).server.test_client()
    assert open_client.get("/", headers={"Host": "laptop.local:8060"}).status_code == 200
    posted = open_client.post(
        "/_dash-update-component",
        headers={"Host": "laptop.local:8060", "Origin": "http://attacker.example"},
        json={},
    )
    assert posted.status_code == 403


def test_the_saved_message_names_the_program_the_explorer_was_started_by(tmp_path):
    from sim.explore.app import saved_message

    path = tmp_path / "what-if.yaml"
    for program in ("python run.py", "alignsim"):
        explorer = Explorer(SMALL_YAML, load_small(), replicates=10, program=program)
        message = saved_message(explorer, path, replaced=False)
        assert message.startswith(f"Saved {path}: run it with {program} run {path}")
        assert f"; {program} compare {SMALL_YAML} {path} --reps 10 --seed 7" in message
